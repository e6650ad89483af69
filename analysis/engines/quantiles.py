"""Quantile sketches on DuckDB and Spark, and exact counts at given points (for :mod:`.shift_stats`).

The sketch only places the grid points; the counts at them are exact, and the bounds in
:func:`analysis.engines.shift_stats.numeric_from_grid` follow from the counts alone.

* DuckDB: ``approx_quantile`` (a T-Digest; DuckDB states no worst-case rank error for it); the counts
  at the points by an ASOF join (a binary search per value);
* Spark: ``DataFrame.approxQuantile`` (Greenwald-Khanna) with relative error
  :data:`SPARK_RELATIVE_ERROR`: the rank of each returned value is within that share of the
  rows of the one asked for.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np

from ..errors import DiagnosticsError
from .table import Table

__all__ = ["SKETCH_POINTS", "SPARK_RELATIVE_ERROR", "counts_at", "sketch_name", "sketch_quantiles"]

#: Quantiles asked of the sketch per table (probabilities 0, 1/200, ..., 1): about 0.5% of a table's
#: rows fall between two neighbouring points, which bounds the KS statistic's error by about that.
SKETCH_POINTS = 200
#: Spark approxQuantile's relative (rank) error.
SPARK_RELATIVE_ERROR = 1e-3
_V = "__dd_v__"


def sketch_name(engine: str) -> str:
    """What placed the grid points, for the JSON."""
    if engine == "spark":
        return f"Spark approxQuantile (Greenwald-Khanna, relative rank error {SPARK_RELATIVE_ERROR:g})"
    return "DuckDB approx_quantile (T-Digest)"


def _values(table: Table, column: str, keep: nw.Expr) -> Any:
    """The non-missing values of ``column`` as one column ``__dd_v__`` (float), native to the engine."""
    lf = table.lazy().filter(keep).select(nw.col(table.col(column)).cast(nw.Float64).alias(_V))
    return lf.to_native()


def sketch_quantiles(table: Table, column: str, keep: nw.Expr, probabilities: np.ndarray) -> np.ndarray:
    """The sketch's quantiles of the non-missing values of ``column`` at ``probabilities``."""
    native = _values(table, column, keep)
    probs = [float(p) for p in probabilities]
    if table.engine == "duckdb":
        listed = ", ".join(repr(p) for p in probs)
        rows = native.aggregate(f"approx_quantile({_V}, [{listed}])").fetchall()
        values = rows[0][0] if rows else None
    elif table.engine == "spark":
        values = native.approxQuantile(_V, probs, SPARK_RELATIVE_ERROR)
    else:
        raise DiagnosticsError(f"No quantile sketch on the {table.engine} engine (it runs the exact pandas path).")
    return np.asarray([v for v in (values or []) if v is not None], dtype=float)


def counts_at(table: Table, column: str, keep: nw.Expr, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact counts of the non-missing values of ``column`` below (``<``) and up to (``<=``) each point.

    DuckDB: one ASOF join of the values to the points (a binary search per value), counting the values
    from each point to the next and those equal to it. Spark: one ``Bucketizer`` pass (a binary search
    per row) and one count of the values equal to a point.
    """
    points = np.asarray(points, dtype=float)
    if table.engine == "spark":
        return _spark_counts_at(_values(table, column, keep), points)
    if table.engine == "duckdb":
        return _duckdb_counts_at(_values(table, column, keep), points)
    raise DiagnosticsError(f"No grid counts on the {table.engine} engine (it runs the exact pandas path).")


def _from_buckets(points: np.ndarray, between: dict[int, int], equal: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``between[i]``: values in [points[i], points[i+1]) (i = -1: below the first point); ``equal[i]``:
    values equal to points[i]. Returns the counts below and up to each point."""
    below = between.get(-1, 0)
    per = np.array([between.get(i, 0) for i in range(len(points))], dtype=np.int64)
    lt = below + np.concatenate([[0], np.cumsum(per)[:-1]])
    le = lt + np.array([equal.get(i, 0) for i in range(len(points))], dtype=np.int64)
    return lt.astype(np.int64), le.astype(np.int64)


def _duckdb_counts_at(rel: Any, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # An ASOF join finds each value's point by binary search: one pass, whatever the number of points.
    grid = ", ".join(f"({i}, CAST('{float(g)!r}' AS DOUBLE))" for i, g in enumerate(points))
    rows = rel.query("__dd_vals__", (
        f"SELECT g.i, count(*) AS n, count(*) FILTER (WHERE v.{_V} = g.p) AS eq FROM __dd_vals__ v "
        f"ASOF JOIN (VALUES {grid}) g(i, p) ON v.{_V} >= g.p GROUP BY g.i"
    )).fetchall()
    return _from_buckets(points, {int(i): int(n) for i, n, _ in rows}, {int(i): int(e) for i, _, e in rows})


def _spark_counts_at(sdf: Any, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyspark.ml.feature import Bucketizer
    from pyspark.sql import functions as F

    splits = [-float("inf"), *(float(g) for g in points), float("inf")]
    # bucket 0: x < points[0]; bucket i: points[i-1] <= x < points[i]
    buckets = Bucketizer(splits=splits, inputCol=_V, outputCol="__dd_b__").transform(sdf)
    between = {int(r[0]) - 1: int(r[1]) for r in buckets.groupBy("__dd_b__").count().collect()}
    index = {float(g): i for i, g in enumerate(points)}
    equal = {index[float(r[0])]: int(r[1]) for r in sdf.filter(F.col(_V).isin(list(index)))
             .groupBy(_V).count().collect()}
    return _from_buckets(points, between, equal)
