"""The stratified sample that model-based diagnostics run on when DuckDB or Spark holds a large table.

The rule (a position key per row, a per-class threshold) is :mod:`analysis.rowsample`'s, written
here as an engine expression: DuckDB, Spark and pandas' ``report`` pick exactly the same rows for
the same seed (:func:`analysis.rowsample.stratified_positions` is the numpy form).
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from ..rowsample import (
    KEY_MODULUS,
    KEY_MULTIPLIER,
    MIN_PER_CLASS,
    SampleInfo,
    class_thresholds,
    uniform_threshold,
)
from .table import ROW, Table

__all__ = ["MIN_PER_CLASS", "SampleInfo", "draw_sample", "whole_table"]


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
    key = (((nw.col(ROW) + (seed + 1)) % KEY_MODULUS) * KEY_MULTIPLIER) % KEY_MODULUS
    if target is None or not class_counts:
        keep = key < uniform_threshold(n, sample_rows)
    else:
        y = nw.col(table.col(target))
        keep = None
        for label, threshold in class_thresholds(class_counts, sample_rows).items():
            clause = (y == label) & (key < threshold)
            keep = clause if keep is None else keep | clause
    lf = table.lazy().filter(keep).sort(ROW)
    frame = table.collect(lf).reset_index(drop=True)
    source_rows = frame.pop(ROW).to_numpy(dtype=np.int64)
    return frame, SampleInfo(len(frame), n, seed, target if class_counts else None, source_rows=source_rows)
