"""The counting queries, written once over narwhals and run by DuckDB or Spark.

Every function takes a :class:`~analysis.engines.table.Table` and returns small pandas
objects (one row per label, group or column): only counts leave the engine. The
statistics that follow are the pandas path's own functions (see ``overview.py`` and
``bias.py`` beside this module).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import narwhals as nw
import pandas as pd

from .table import ROW, Table, quote_ident

__all__ = ["duplicate_counts", "group_counts", "missing_count", "missing_expr", "null_counts"]

_N = "__dd_n__"


def missing_expr(table: Table, name: str) -> nw.Expr:
    """True where the cell is missing as pandas counts it: null, or NaN in a float column."""
    col = nw.col(table.col(name))
    dtype = table.lazy().collect_schema()[table.col(name)]
    if dtype.is_float():
        return col.is_null() | col.is_nan()
    return col.is_null()


def _nulls(col: nw.Expr) -> nw.Expr:
    return nw.len() - col.count()


def _nans(col: nw.Expr) -> nw.Expr:
    return col.is_nan().cast(nw.Int64).sum().fill_null(0)


def missing_count(table: Table, name: str) -> nw.Expr:
    """The missing cells of a column as an aggregation (``isna().sum()``): rows minus non-null
    values, plus the NaNs of a float column. The engines count non-null values from their
    null masks, so this is cheaper than summing :func:`missing_expr` row by row."""
    col = nw.col(table.col(name))
    if table.lazy().collect_schema()[table.col(name)].is_float():
        return _nulls(col) + _nans(col)
    return _nulls(col)


def _missing_aggs(table: Table, names: list[str], *, nan_of: frozenset[str] | None) -> list[nw.Expr]:
    """``m{i}``: the missing cells of each column. The NaNs of a float column are counted only when
    it is in ``nan_of``; with ``nan_of=None``, each float column's sum comes back as ``s{i}``
    instead (:func:`_nan_columns` reads it)."""
    schema = table.lazy().collect_schema()
    exprs = []
    for i, c in enumerate(names):
        col = nw.col(table.col(c))
        is_float = schema[table.col(c)].is_float()
        nans = is_float and nan_of is not None and c in nan_of
        exprs.append((_nulls(col) + _nans(col) if nans else _nulls(col)).alias(f"m{i}"))
        if is_float and nan_of is None:
            exprs.append(col.sum().fill_null(0).alias(f"s{i}"))
    return exprs


def _nan_columns(out: pd.DataFrame, names: list[str]) -> tuple[pd.DataFrame, frozenset[str]]:
    """``out`` without its sums, and the float columns whose sum is NaN somewhere (then they may
    hold a NaN; else they hold none: any NaN makes a sum NaN)."""
    sums = [f"s{i}" for i in range(len(names)) if f"s{i}" in out.columns]
    flagged = frozenset(names[int(s[1:])] for s in sums if out[s].isna().any())
    return out.drop(columns=sums), flagged


def null_counts(table: Table, columns: list[str] | None = None) -> dict[str, int]:
    """Missing cells per column (``df.isna().sum()``), in one pass.

    Counting a float column's NaNs costs a test per cell (a third of the pass on wide float
    tables), so the pass counts nulls and sums the float columns; only a column whose sum is NaN
    can hold a NaN, and only then does a second pass count them.
    """
    names = list(columns if columns is not None else table.columns)
    if not names:
        return {}
    out = table.lazy().select(*_missing_aggs(table, names, nan_of=None)).collect().to_pandas()
    out, flagged = _nan_columns(out, names)
    if flagged:
        out = table.lazy().select(*_missing_aggs(table, names, nan_of=flagged)).collect().to_pandas()
    row = out.iloc[0]
    return {c: int(row[f"m{i}"]) for i, c in enumerate(names)}


def group_counts(table: Table, keys: list[str], *, missing_of: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """``GROUP BY keys`` (null keys kept as their own group): rows per group in ``n``, and for each
    column of ``missing_of`` its missing cells in the group (columns ``m0, m1, ...``).

    The keys come back under their user names, in the source's pandas dtypes. NaNs are counted
    as :func:`null_counts` counts them: in a second pass, only if a float column's sum is NaN.
    """
    names = list(missing_of)
    native_keys = [table.col(k) for k in keys]

    def run(nan_of: frozenset[str] | None) -> pd.DataFrame:
        aggs = [nw.len().alias(_N), *_missing_aggs(table, names, nan_of=nan_of)]
        return table.collect(table.lazy().group_by(*native_keys, drop_null_keys=False).agg(*aggs))

    out, flagged = _nan_columns(run(None), names)
    if flagged:
        out = run(flagged)
    return out.rename(columns={_N: "n"})


#: Rows whose feature hash repeats, up to this many, are brought to pandas and compared there
#: exactly (:func:`~analysis.overview.duplicate_summary`); more stay in the engine.
PANDAS_CANDIDATES = 2_000_000
_HASH = "__dd_h__"


def duplicate_counts(table: Table, *, target: str) -> tuple[int, tuple[int, ...], int]:
    """Exact duplicate rows, the 0-based rows in conflict, and the number of conflict groups.

    - duplicate rows: rows equal in every column to an earlier row (``DataFrame.duplicated().sum()``).
    - conflicts: rows with a label whose feature values (every other column, nulls equal) occur
      with another label (nulls ignored, as pandas' ``nunique`` ignores them).

    As the pandas path does, every row's features are hashed once (DuckDB's ``hash``, Spark's
    ``xxhash64``: equal values always hash alike) and only rows whose hash repeats can be a
    duplicate or a conflict. Those candidates are compared exactly: in pandas, by the pandas
    path's own function, when there are at most :data:`PANDAS_CANDIDATES` of them, else in the
    engine (``GROUP BY`` every column and a window over the features, on the candidates only).
    A hash collision only adds a candidate; it never changes a count.
    """
    features = [table.col(c) for c in table.columns if c != target]
    candidates = _hash_candidates(table, features)
    if candidates is None:  # an engine without a row hash: the exact queries over every row
        return _exact_counts(table, target=target)
    subset = dataclasses.replace(table, native=candidates, _cache={})
    frame = table.collect(subset.lazy().head(PANDAS_CANDIDATES + 1))
    if len(frame) > PANDAS_CANDIDATES:
        return _exact_counts(subset, target=target)
    from ..overview.duplicates import duplicate_summary

    frame = frame.sort_values(ROW, kind="stable").reset_index(drop=True)
    positions = frame.pop(ROW).to_numpy()
    found = duplicate_summary(frame[list(table.columns)], target=target)
    rows = tuple(int(positions[i]) for i in found.conflict_rows)
    return found.duplicate_rows, rows, found.conflicting_groups


def _hash_candidates(table: Table, features: list[str]) -> Any:
    """The native rows (every column and :data:`ROW`) whose feature hash occurs more than once;
    ``None`` for an engine without a row hash."""
    if table.engine == "duckdb":
        listed = ", ".join(quote_ident(c) for c in features) or "NULL"
        hashed = table.native.project(f"*, hash({listed}) AS {_HASH}")
        return hashed.query(
            "__dd_t__",
            f"SELECT * EXCLUDE ({_HASH}) FROM __dd_t__ WHERE {_HASH} IN "
            f"(SELECT {_HASH} FROM __dd_t__ GROUP BY {_HASH} HAVING count(*) > 1)",
        )
    if table.engine == "spark":
        from pyspark.sql import functions as F

        sdf = table.native
        hashed = sdf.withColumn(_HASH, F.xxhash64(*[F.col(c) for c in features]) if features else F.lit(0))
        repeated = hashed.groupBy(_HASH).count().filter(F.col("count") > 1).select(_HASH)
        return hashed.join(repeated, on=_HASH, how="left_semi").drop(_HASH)
    return None


def _exact_counts(table: Table, *, target: str) -> tuple[int, tuple[int, ...], int]:
    """:func:`duplicate_counts` as engine queries over every row of ``table``: ``GROUP BY`` every
    column (each group adds its rows minus one), and the smallest and largest label over the
    window of equal features (they differ in a conflict)."""
    lf = table.lazy()
    columns = [table.col(c) for c in table.columns]
    groups = lf.group_by(*columns, drop_null_keys=False).agg(nw.len().alias(_N))
    dup = groups.select((nw.col(_N) - 1).sum().alias("d")).collect().to_pandas()
    duplicate_rows = int(dup["d"].iloc[0]) if len(dup) and pd.notna(dup["d"].iloc[0]) else 0
    features = [c for c in columns if c != table.col(target)]
    if not features:
        return duplicate_rows, (), 0
    y = nw.col(table.col(target))
    marked = lf.with_columns(
        y.min().over(*features).alias("__dd_lo__"), y.max().over(*features).alias("__dd_hi__")
    ).filter(~y.is_null() & (nw.col("__dd_lo__") != nw.col("__dd_hi__")))
    rows = marked.select(nw.col(ROW)).collect().to_pandas()[ROW].to_numpy()
    if not len(rows):
        return duplicate_rows, (), 0
    n_groups = marked.group_by(*features, drop_null_keys=False).agg(nw.len().alias(_N))
    count = n_groups.select(nw.len().alias("g")).collect().to_pandas()
    return duplicate_rows, tuple(int(i) for i in sorted(rows)), int(count["g"].iloc[0])
