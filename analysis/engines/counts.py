"""The counting queries, written once over narwhals and run by DuckDB or Spark.

Every function takes a :class:`~analysis.engines.table.Table` and returns small pandas
objects (one row per label, group or column): only counts leave the engine. The
statistics that follow are the pandas path's own functions (see ``overview.py`` and
``bias.py`` beside this module).
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

from .table import ROW, Table

__all__ = ["duplicate_counts", "group_counts", "missing_expr", "null_counts"]

_N = "__dd_n__"


def missing_expr(table: Table, name: str) -> nw.Expr:
    """True where the cell is missing as pandas counts it: null, or NaN in a float column."""
    col = nw.col(table.col(name))
    dtype = table.lazy().collect_schema()[table.col(name)]
    if dtype.is_float():
        return col.is_null() | col.is_nan()
    return col.is_null()


def null_counts(table: Table, columns: list[str] | None = None) -> dict[str, int]:
    """Missing cells per column (``df.isna().sum()``), in one pass."""
    names = list(columns if columns is not None else table.columns)
    if not names:
        return {}
    exprs = [missing_expr(table, c).cast(nw.Int64).sum().alias(f"m{i}") for i, c in enumerate(names)]
    row = table.lazy().select(*exprs).collect().to_pandas().iloc[0]
    return {c: int(row[f"m{i}"]) for i, c in enumerate(names)}


def group_counts(table: Table, keys: list[str], *, missing_of: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """``GROUP BY keys`` (null keys kept as their own group): rows per group in ``n``, and for each
    column of ``missing_of`` its missing cells in the group (columns ``m0, m1, ...``).

    The keys come back under their user names, in the source's pandas dtypes.
    """
    lf = table.lazy()
    aggs = [nw.len().alias(_N)]
    aggs += [missing_expr(table, c).cast(nw.Int64).sum().alias(f"m{i}") for i, c in enumerate(missing_of)]
    native_keys = [table.col(k) for k in keys]
    out = table.collect(lf.group_by(*native_keys, drop_null_keys=False).agg(*aggs))
    return out.rename(columns={_N: "n"})


def duplicate_counts(table: Table, *, target: str) -> tuple[int, tuple[int, ...], int]:
    """Exact duplicate rows, the 0-based rows in conflict, and the number of conflict groups.

    - duplicate rows: ``GROUP BY`` every column; each group adds its rows minus one
      (``DataFrame.duplicated().sum()``: a row repeating an earlier one).
    - conflicts: rows with a label whose feature values (every other column, nulls equal)
      occur with another label: the smallest and largest label over the window of equal
      features differ (nulls ignored, as pandas' ``nunique`` ignores them).
    """
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
