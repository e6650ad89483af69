"""The three engines: pandas (today's path), DuckDB (embedded, out-of-core) and Spark (local or a cluster).

Each registers one :class:`~analysis.engines.registry.Engine` that opens a path, a pandas
frame or its own native table as a :class:`~analysis.engines.table.Table` with the row
positions in :data:`~analysis.engines.table.ROW`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DiagnosticsError, InputFileError
from .registry import ENGINES, Engine, EngineSettings
from .table import ROW, Table, is_parquet_source, parquet_files, quote_ident

__all__ = ["PANDAS_NA_STRINGS", "duckdb_connection", "spark_session"]

#: The strings pandas' CSV reader reads as missing; DuckDB and Spark are told the same, so a file
#: counts the same missing cells on every engine.
PANDAS_NA_STRINGS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)


def _missing_files(path: str) -> DiagnosticsError:
    return InputFileError(f"No file at '{path}' (nor any Parquet file it names). Check the path.")


def _with_positions(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{ROW: np.arange(len(frame), dtype=np.int64)})


def _safe(columns: tuple[str, ...]) -> dict[str, str]:
    return {c: f"c{i}" for i, c in enumerate(columns)}


# --- pandas -------------------------------------------------------------------------------------

def _pandas_path(path: str, settings: EngineSettings) -> Table:
    if is_parquet_source(path):
        files = parquet_files(path)
        if not files:
            raise _missing_files(path)
        frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        return _pandas_frame(frame, Path(path).name, settings)
    from ..io import load_csv

    dataset = load_csv(Path(path))
    table = _pandas_frame(dataset.frame, dataset.name, settings)
    return Table("pandas", table.native, dataset.name, table.columns, path, table.dtypes, dataset.frame,
                 tuple(dataset.notes))


def _pandas_frame(frame: pd.DataFrame, name: str, settings: EngineSettings) -> Table:
    return Table("pandas", frame, name, tuple(frame.columns), "DataFrame", dict(frame.dtypes), frame)


ENGINES.register(Engine(
    "pandas", "pandas (in memory; today's path)", _pandas_path, _pandas_frame,
    owns=lambda native: isinstance(native, pd.DataFrame),
    from_native=lambda native, name, settings: _pandas_frame(native, name, settings),
))


# --- DuckDB -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def duckdb_connection(memory_limit: str | None = None, threads: int | None = None) -> Any:
    """One in-memory DuckDB connection per (memory limit, threads); it spills to a temporary
    directory beyond the limit, so a table larger than memory is still counted."""
    import duckdb

    con = duckdb.connect(":memory:")
    if memory_limit:
        con.execute(f"SET memory_limit = '{_checked_limit(memory_limit)}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = true")
    # A Parquet file from pyarrow (pandas' to_parquet) leaves NaN out of a float column's min/max and writes no NaN
    # count; DuckDB 2.0 then assumes the column has no NaN and folds isnan() to false (duckdb/duckdb#25521), so a
    # NaN went uncounted as missing. This setting tells it a NaN may be there (only row-group pruning is lost).
    try:
        con.execute("SET parquet_can_have_nan = true")
    except duckdb.Error:  # a DuckDB without the setting (before 2.0) does not assume it either
        pass
    return con


def _checked_limit(text: str) -> str:
    import re

    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", text, flags=re.IGNORECASE):
        raise DiagnosticsError(f"--memory-limit must be a size such as 4GB or 512MB; got {text!r}.")
    return text.strip()


def _duckdb_con(settings: EngineSettings) -> Any:
    return duckdb_connection(settings.memory_limit, settings.threads)


def _duckdb_path(path: str, settings: EngineSettings) -> Table:
    con = _duckdb_con(settings)
    if is_parquet_source(path):
        files = parquet_files(path)
        if not files:
            raise _missing_files(path)
        import pyarrow.parquet as pq

        offsets, start = [], 0
        for f in files:
            offsets.append((f, start))
            start += pq.ParquetFile(f).metadata.num_rows
        rel = con.read_parquet(files, filename=True, file_row_number=True)
        columns = tuple(c for c in rel.columns if c not in ("filename", "file_row_number"))
        aliases = _safe(columns)
        listed = ", ".join(f"{quote_ident(c)} AS {a}" for c, a in aliases.items())
        if len(files) == 1:
            position = "file_row_number"
        else:
            cases = " ".join(f"WHEN {_sql_text(f)} THEN {o}" for f, o in offsets)
            position = f"file_row_number + CASE filename {cases} END"
        rel = rel.project(f"{listed}, CAST({position} AS BIGINT) AS {ROW}")
        return Table("duckdb", rel, Path(path).name, columns, path, aliases=aliases)
    if not Path(path).is_file():
        raise _missing_files(path)
    rel = con.read_csv(path, header=True, na_values=list(PANDAS_NA_STRINGS))
    return _duckdb_positions(rel, Path(path).name, path)


def _duckdb_positions(rel: Any, name: str, source: str) -> Table:
    columns = tuple(rel.columns)
    aliases = _safe(columns)
    listed = ", ".join(f"{quote_ident(c)} AS {a}" for c, a in aliases.items())
    rel = rel.project(f"{listed}, CAST(row_number() OVER () - 1 AS BIGINT) AS {ROW}")
    return Table("duckdb", rel, name, columns, source, aliases=aliases)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _duckdb_frame(frame: pd.DataFrame, name: str, settings: EngineSettings) -> Table:
    con = _duckdb_con(settings)
    columns = tuple(frame.columns)
    aliases = _safe(columns)
    rel = con.from_df(_with_positions(frame.set_axis(list(aliases.values()), axis=1)))
    return Table("duckdb", rel, name, columns, "DataFrame", dict(frame.dtypes), aliases=aliases, origin=frame)


def _is_duckdb(native: Any) -> bool:
    return type(native).__module__.startswith("duckdb") and hasattr(native, "project")


def _duckdb_native(native: Any, name: str, settings: EngineSettings) -> Table:
    return _duckdb_positions(native, name, "DuckDB relation")


ENGINES.register(Engine(
    "duckdb", "DuckDB (embedded, out-of-core, multi-threaded)", _duckdb_path, _duckdb_frame,
    owns=_is_duckdb, from_native=_duckdb_native,
))


# --- Spark --------------------------------------------------------------------------------------

def spark_session(master: str = "local[*]") -> Any:
    """The active SparkSession, or a new one on ``master`` (quiet: no UI, no progress bars)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    spark = (
        SparkSession.builder.master(master)
        .appName("dataset-diagnostics")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("DD_SPARK_SHUFFLE_PARTITIONS", "8"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")  # naive timestamps come back as they went in
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_positions(sdf: Any) -> Any:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = Window.orderBy(F.monotonically_increasing_id())
    return sdf.withColumn(ROW, (F.row_number().over(order) - 1).cast("long"))


def _spark_path(path: str, settings: EngineSettings) -> Table:
    spark = spark_session(settings.spark_master)
    if is_parquet_source(path):
        files = parquet_files(path)
        if not files:
            raise _missing_files(path)
        sdf = spark.read.parquet(*files)
    else:
        if not Path(path).is_file():
            raise _missing_files(path)
        sdf = spark.read.csv(path, header=True, inferSchema=True, nullValue="", nanValue="NaN")
    columns = tuple(sdf.columns)
    aliases = _safe(columns)
    sdf = _spark_positions(sdf.toDF(*aliases.values()))
    return Table("spark", sdf, Path(path).name, columns, path, aliases=aliases)


def _spark_frame(frame: pd.DataFrame, name: str, settings: EngineSettings) -> Table:
    spark = spark_session(settings.spark_master)
    columns = tuple(frame.columns)
    aliases = _safe(columns)
    renamed = _with_positions(frame.set_axis(list(aliases.values()), axis=1))
    sdf = spark.createDataFrame(_spark_ready(renamed))
    return Table("spark", sdf, name, columns, "DataFrame", dict(frame.dtypes), aliases=aliases, origin=frame)


def _spark_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """pandas 3's text dtype and nullable ints as the plain object/float columns Spark's Arrow path reads."""
    out = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.StringDtype) or pd.api.types.is_string_dtype(column.dtype):
            out[name] = column.astype(object).where(column.notna(), None)
        elif isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = column.astype(object).where(column.notna(), None)
        else:
            out[name] = column
    return pd.DataFrame(out)


def _is_spark(native: Any) -> bool:
    return type(native).__module__.startswith("pyspark.sql") and hasattr(native, "toDF")


def _spark_native(native: Any, name: str, settings: EngineSettings) -> Table:
    columns = tuple(native.columns)
    aliases = _safe(columns)
    return Table("spark", _spark_positions(native.toDF(*aliases.values())), name, columns, "Spark DataFrame",
                 aliases=aliases)


ENGINES.register(Engine(
    "spark", "Spark (pyspark; local mode or a cluster)", _spark_path, _spark_frame,
    owns=_is_spark, from_native=_spark_native,
))
