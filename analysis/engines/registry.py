"""The engine registry: ``pandas``, ``duckdb``, ``spark``; ``auto`` picks one for an input.

An engine entry opens a path, a pandas frame or its own native table (a DuckDB
relation, a Spark DataFrame) as a :class:`~analysis.engines.table.Table`. The CLI's
``--engine`` choices and the battery list this registry, never hard-coded names.

``auto`` picks pandas for a CSV/xlsx file up to :data:`AUTO_PANDAS_MAX_BYTES` and for
a pandas frame; DuckDB for Parquet (a file, a directory, a glob) and for larger files;
the engine that holds a native table (a Spark DataFrame runs on Spark).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DiagnosticsError
from ..registry import Registry
from ..rowsample import SAMPLE_ROWS
from .table import Table, is_parquet_source

__all__ = [
    "AUTO_PANDAS_MAX_BYTES",
    "ENGINES",
    "DEFAULT_SAMPLE_ROWS",
    "Engine",
    "EngineSettings",
    "UnknownEngineError",
    "choose_engine",
    "open_table",
]

#: ``auto`` keeps a CSV/xlsx file up to this size in pandas (today's path); larger files go to DuckDB.
AUTO_PANDAS_MAX_BYTES = 200 * 1024 * 1024
#: Model-based diagnostics (outliers, near-duplicates, leakage, label issues, ...) run on a stratified
#: sample of at most this many rows when DuckDB or Spark holds a larger table (the one constant,
#: :data:`analysis.rowsample.SAMPLE_ROWS`, that pandas' ``report`` samples above too).
DEFAULT_SAMPLE_ROWS = SAMPLE_ROWS


class UnknownEngineError(DiagnosticsError):
    """An engine name that is not registered, or an engine that cannot open this input."""

    def __init__(self, message: str, *, available: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.available = available


@dataclass(frozen=True)
class EngineSettings:
    """How to run an engine: which one, Spark's master, DuckDB's memory limit and threads, the sample.

    ``engine`` is a registered name or ``auto``. ``sample_rows``/``seed`` bound the stratified
    sample model-based diagnostics use on DuckDB and Spark (:func:`analysis.engines.sample.draw_sample`).
    """

    engine: str = "auto"
    spark_master: str = "local[*]"
    memory_limit: str | None = None
    threads: int | None = None
    sample_rows: int = DEFAULT_SAMPLE_ROWS
    seed: int = 0


@dataclass(frozen=True)
class Engine:
    """One registry entry: how an engine opens paths, pandas frames and its own native tables."""

    name: str
    title: str
    open_path: Callable[[str, EngineSettings], Table]
    from_pandas: Callable[[pd.DataFrame, str, EngineSettings], Table]
    owns: Callable[[Any], bool]
    from_native: Callable[[Any, str, EngineSettings], Table]


ENGINES: Registry[Engine] = Registry("engine", UnknownEngineError)


def choose_engine(source: Any, settings: EngineSettings) -> str:
    """The engine ``settings.engine`` names, or the one ``auto`` picks for ``source``."""
    if settings.engine != "auto":
        return ENGINES[settings.engine].name
    if isinstance(source, pd.DataFrame):
        return "pandas"
    if isinstance(source, (str, os.PathLike)):
        if is_parquet_source(source):
            return "duckdb"
        path = Path(source)
        return "duckdb" if path.is_file() and path.stat().st_size > AUTO_PANDAS_MAX_BYTES else "pandas"
    for engine in ENGINES.values():
        if engine.owns(source):
            return engine.name
    raise UnknownEngineError(
        f"Cannot tell which engine holds a {type(source).__name__}; pass a pandas DataFrame, a DuckDB "
        "relation, a Spark DataFrame or a file path.",
        available=ENGINES.names(),
    )


def open_table(source: Any, settings: EngineSettings | None = None, *, name: str | None = None) -> Table:
    """Open ``source`` (a path, a pandas frame, a DuckDB relation, a Spark DataFrame) on its engine."""
    settings = settings or EngineSettings()
    engine = ENGINES[choose_engine(source, settings)]
    if isinstance(source, pd.DataFrame):
        return engine.from_pandas(source, name or "data", settings)
    if isinstance(source, (str, os.PathLike)):
        return engine.open_path(os.fspath(source), settings)
    if engine.owns(source):
        return engine.from_native(source, name or "data", settings)
    frame = _foreign_to_pandas(source)
    return engine.from_pandas(frame, name or "data", settings)


def is_native_table(source: Any) -> bool:
    """Whether ``source`` is a table DuckDB or Spark holds (a relation, a Spark DataFrame), by its type alone."""
    module = type(source).__module__
    if not module.startswith(("duckdb", "pyspark")):
        return False  # neither engine module needs importing to say no
    return any(engine.name != "pandas" and engine.owns(source) for engine in ENGINES.values())


def _foreign_to_pandas(source: Any) -> pd.DataFrame:
    """Another engine's native table as pandas (e.g. a DuckDB relation asked to run on Spark)."""
    for engine in ENGINES.values():
        if engine.owns(source):
            table = engine.from_native(source, "data", EngineSettings(engine=engine.name))
            from .sample import whole_table

            return whole_table(table)
    raise UnknownEngineError(f"Cannot read a {type(source).__name__} as a table.", available=ENGINES.names())
