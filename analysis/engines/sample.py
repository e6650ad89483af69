"""The stratified sample that model-based diagnostics run on when DuckDB or Spark holds a large table.

Each row gets a pseudo-random key from its position alone, ``(((row + seed + 1) mod M) * 950706376)
mod M`` with M = 2**31 - 1: one step of the multiplicative congruential generator with Fishman and
Moore's (1986) best multiplier for that modulus (products stay below 2**61, so int64 arithmetic is
exact on every engine), so DuckDB and Spark pick exactly the same rows for the same seed. A class of ``n_c`` rows keeps the rows whose key
falls below ``quota_c / n_c`` of the range, ``quota_c`` being its share of ``sample_rows``
(at least ``MIN_PER_CLASS`` rows, or the whole class when smaller): the sample is stratified by
the target, and its size is close to ``sample_rows`` (the JSON prints the exact size).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import narwhals as nw
import pandas as pd

from .table import ROW, Table

__all__ = ["MIN_PER_CLASS", "SampleInfo", "draw_sample", "whole_table"]

_M = 2**31 - 1
_A = 950706376
#: Rows kept of every class at least (or all of a smaller class), so rare classes survive the sample.
MIN_PER_CLASS = 50


@dataclass(frozen=True)
class SampleInfo:
    """Which rows the model-based diagnostics saw: ``rows`` of ``population_rows``, drawn with ``seed``,
    stratified by ``stratified_by`` (``None``: a uniform sample)."""

    rows: int
    population_rows: int
    seed: int
    stratified_by: str | None
    method: str = "position key (((row + seed + 1) mod M) * 950706376) mod M, M = 2^31 - 1; per-class threshold"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "population_rows": self.population_rows,
            "seed": self.seed,
            "stratified_by": self.stratified_by,
            "method": self.method,
        }

    def note(self) -> str:
        by = f", stratified by '{self.stratified_by}'" if self.stratified_by else ""
        return (
            f"Model-based diagnostics (outliers, near-duplicates, leakage, column roles) ran on a sample of "
            f"{self.rows:,} of {self.population_rows:,} rows (seed {self.seed}{by}); every count is over all rows."
        )


def whole_table(table: Table) -> pd.DataFrame:
    """The whole table as pandas, rows in their source order (the frame itself on pandas)."""
    if table.pandas is not None:
        return table.pandas
    if table.origin is not None:
        return table.origin
    lf = table.lazy().sort(ROW)
    frame = table.collect(lf)
    return frame.drop(columns=[ROW]).reset_index(drop=True)


def draw_sample(
    table: Table, *, target: str | None, sample_rows: int, seed: int, class_counts: dict[Any, int] | None = None
) -> tuple[pd.DataFrame, SampleInfo | None]:
    """The rows model-based diagnostics see: the whole table when it has at most ``sample_rows`` rows
    (``SampleInfo`` is then ``None``), else the stratified sample of the module docstring."""
    n = table.n_rows
    if n <= sample_rows or table.pandas is not None:
        return whole_table(table), None
    key = (((nw.col(ROW) + (seed + 1)) % _M) * _A) % _M
    if target is None or not class_counts:
        keep = key < int(_M * sample_rows / n)
    else:
        y = nw.col(table.col(target))
        total = sum(class_counts.values())
        keep = None
        for label, count in class_counts.items():
            quota = min(count, max(MIN_PER_CLASS, round(sample_rows * count / total)))
            clause = (y == label) & (key < int(_M * quota / count) + (1 if quota == count else 0))
            keep = clause if keep is None else keep | clause
    lf = table.lazy().filter(keep).sort(ROW)
    frame = table.collect(lf).drop(columns=[ROW]).reset_index(drop=True)
    return frame, SampleInfo(len(frame), n, seed, target if class_counts else None)
