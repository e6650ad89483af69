"""The fragile rows as a download: the original rows, whole, with how often their prediction flipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..export import SafeCsv, to_csv_bytes
from .results import RobustnessResult

if TYPE_CHECKING:
    from ..io import Dataset

__all__ = ["ADDED_COLUMNS", "fragile_rows_csv", "fragile_rows_table"]

#: Columns added after the original ones (prefixed so they never clash with the table's own).
ADDED_COLUMNS = ("robustness_flips", "robustness_trials", "robustness_flip_share", "robustness_clean_prediction")


def fragile_rows_table(result: RobustnessResult, df: pd.DataFrame) -> pd.DataFrame:
    """The rows whose prediction flipped at least once (most often first) with their original values,
    then :data:`ADDED_COLUMNS`. ``df`` is the table the result was computed on."""
    fragile = result.fragile_frame()
    out = df.iloc[fragile["row"].to_numpy()].reset_index(drop=True)
    out[ADDED_COLUMNS[0]] = fragile["flips"].to_numpy()
    out[ADDED_COLUMNS[1]] = fragile["trials"].to_numpy()
    out[ADDED_COLUMNS[2]] = fragile["flip_share"].to_numpy()
    out[ADDED_COLUMNS[3]] = fragile["clean_prediction"].to_numpy()
    return out


def fragile_rows_csv(result: RobustnessResult, source: Dataset, *, protect_formulas: bool = True) -> SafeCsv:
    """:func:`fragile_rows_table` as safe CSV bytes: original cells written as uploaded (``analysis.export``)."""
    table = fragile_rows_table(result, source.frame)
    return to_csv_bytes(table, protect_formulas=protect_formulas, source=source,
                        rows=result.fragile_frame()["row"].to_numpy(), like={ADDED_COLUMNS[3]: result.target})
