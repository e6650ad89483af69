"""The overview of a dataset for a chosen target: shape, roles, balance, missing, duplicates.

``overview(df, target=...)`` is what the dashboard's Overview page charts and
what ``dataset-diagnostics report --format json`` prints (``to_dict()``), so
the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ..errors import require_column
from ..intake.frames import as_frame, is_native_table
from ..io import Dataset
from ..results import ResultMixin, Severity
from ..schema import Schema, infer_schema
from .balance import ClassBalance, class_balance
from .duplicates import DuplicateSummary, _duplicate_summary, duplicate_summary
from .near_duplicates import NearDuplicateSummary, _no_features, near_duplicate_key_columns
from .near_duplicates import _summary as _near_summary
from .near_groups import DEFAULT_NEAR, NearDuplicateSettings, near_groups
from .outliers import DEFAULT_OUTLIERS, OutlierSettings, OutlierSummary, outlier_summary

__all__ = ["Overview", "overview"]


@dataclass(frozen=True)
class Overview(ResultMixin):
    """Everything ``report`` prints and the Overview page shows, for one target.

    Its headline is the class balance: ``verdict``, ``verdict_text`` and
    ``severity`` are the class balance's; the duplicates carry their own verdict
    (``duplicates.verdict``). ``notes`` are what the reader noticed in the file.
    ``to_frame()`` is the missing-value table (one row per column).
    """

    SEVERITY: ClassVar[dict[str, Severity]] = ClassBalance.SEVERITY

    name: str
    rows: int
    columns: int
    target: str
    class_balance: ClassBalance
    duplicates: DuplicateSummary
    missing: dict[str, int]
    schema: Schema
    verdict: str
    verdict_text: str
    notes: tuple[str, ...] = ()
    # --- near-duplicates and outliers (issue 14) ---
    near_duplicates: NearDuplicateSummary | None = None
    outliers: OutlierSummary | None = None

    @property
    def missing_cells(self) -> int:
        return sum(self.missing.values())

    @property
    def missing_share(self) -> float:
        """Missing cells over all cells (0.0 for an empty table)."""
        cells = self.rows * self.columns
        return self.missing_cells / cells if cells else 0.0

    def missing_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({"column": list(self.missing), "missing": list(self.missing.values())})
        frame["share"] = frame["missing"] / self.rows if self.rows else 0.0
        return frame

    def to_frame(self) -> pd.DataFrame:
        return self.missing_frame()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "columns": self.columns,
            "target": self.target,
            "class_balance": self.class_balance.to_dict(),
            "duplicate_rows": self.duplicates.duplicate_rows,
            "conflicting_duplicates": self.duplicates.conflicting_duplicates,
            "conflicting_groups": self.duplicates.conflicting_groups,
            "missing": dict(self.missing),
            "column_roles": {c.name: str(c.role) for c in self.schema.columns},
            "target_candidates": list(self.schema.target_candidates),
            "annotator_groups": [list(g) for g in self.schema.annotator_groups],
            "notes": list(self.notes),
            # --- near-duplicates and outliers (issue 14) ---
            "near_duplicates": self.near_duplicates.to_dict() if self.near_duplicates is not None else None,
            "outliers": self.outliers.to_dict() if self.outliers is not None else None,
        }


def overview(
    data: pd.DataFrame | Dataset,
    *,
    target: str,
    schema: Schema | None = None,
    cv_folds: int = 5,
    smote_k_neighbors: int = 5,
    near: NearDuplicateSettings | None = DEFAULT_NEAR,
    outliers: OutlierSettings | None = DEFAULT_OUTLIERS,
) -> Overview:
    """Everything the Overview page and ``report`` show, for one target.

    Parameters
    ----------
    data : DataFrame, Dataset, DuckDB relation or Spark DataFrame
        A :class:`~analysis.io.Dataset` also contributes its name and parse notes. A DuckDB
        relation or a Spark DataFrame is counted on its engine (:mod:`analysis.engines`);
        the model-based passes then see its stratified sample when it is large.
    target : str
    schema : Schema, optional
        Reuse an already inferred schema.
    cv_folds, smote_k_neighbors : int
        Passed to :func:`analysis.overview.class_balance` for its warnings
        (:class:`~analysis.overview.BalanceSettings` holds both).
    near : NearDuplicateSettings or None
        The near-duplicate pass (``None`` skips it).
    outliers : OutlierSettings or None
        The isolation-forest outlier scores (``None`` skips them); above ``outliers.max_rows`` rows
        (:data:`analysis.rowsample.OUTLIER_ROWS`) they score the stratified sample and say so.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1, 1, 2, 3], "y": ["a", "b", "a", "a"]})
    >>> o = overview(df, target="y")
    >>> o.rows, o.duplicates.conflicting_duplicates, o.class_balance.imbalance_ratio, o.severity
    (4, 2, 3.0, 'info')
    """
    if not isinstance(data, (pd.DataFrame, Dataset)) and is_native_table(data):
        from ..engines import engine_overview, open_table  # a DuckDB relation or a Spark DataFrame: count there

        return engine_overview(open_table(data), target=target, schema=schema, cv_folds=cv_folds,
                               smote_k_neighbors=smote_k_neighbors, near=near, outliers=outliers).overview
    if isinstance(data, Dataset):
        df, name, notes = data.frame, data.name, data.notes
    else:
        df, name, notes = as_frame(data, argument="data"), "data", ()
    require_column(df.columns, target, role="target column")
    balance = class_balance(df, target=target, cv_folds=cv_folds, smote_k_neighbors=smote_k_neighbors)
    schema = schema if schema is not None else infer_schema(df)
    missing = {c.name: c.n_missing for c in schema.columns}  # counted once, by the schema
    pass_notes = list(notes)
    scored = _outliers_or_note(df, target, outliers, pass_notes, schema)
    duplicates, near_summary = _duplicates(df, target, near, schema)
    return Overview(
        name=name,
        rows=int(df.shape[0]),
        columns=int(df.shape[1]),
        target=target,
        class_balance=balance,
        duplicates=duplicates,
        missing=missing,
        schema=schema,
        verdict=balance.verdict,
        verdict_text=balance.verdict_text,
        notes=tuple(pass_notes),
        # --- near-duplicates and outliers (issue 14) ---
        near_duplicates=near_summary,
        outliers=scored,
    )


def _duplicates(
    df: pd.DataFrame, target: str, near: NearDuplicateSettings | None, schema: Schema
) -> tuple[DuplicateSummary, NearDuplicateSummary | None]:
    """The exact duplicates and the near-duplicate pass, which share their work.

    The near-duplicate groups come first: rows with equal features have equal normalised codes, so the exact
    counts only compare rows whose code repeats, with no second hash of every row. The near-duplicate summary
    then takes the exact count's feature repeats when its columns are every column but the target.
    """
    if near is None:
        return duplicate_summary(df, target=target), None
    columns = near_duplicate_key_columns(df, target=target, schema=schema)
    groups = near_groups(df[columns], near) if columns else None
    duplicates = _duplicate_summary(df, target, groups.normalised if groups is not None else None)
    same = len(columns) == df.shape[1] - 1 and df.columns.is_unique  # no identifier left out
    found = groups if groups is not None else _no_features(len(df))
    return duplicates, _near_summary(df, target, near, columns, found, duplicates.feature_repeats if same else None)


def _outliers_or_note(
    df: pd.DataFrame, target: str, settings: OutlierSettings | None, notes: list[str], schema: Schema
) -> OutlierSummary | None:
    """The outlier scores, or ``None`` with a note saying why they could not be computed.

    A column the scores cannot use (a value beyond what float64 arithmetic scales) must not cost
    the user the rest of the report: everything else is still counted and shown.
    """
    if settings is None:
        return None
    from ..features import ExtremeValueError

    try:
        return outlier_summary(df, target=target, settings=settings, schema=schema)
    except ExtremeValueError as exc:
        notes.append(f"Outliers were not scored: {exc}")
        return None
