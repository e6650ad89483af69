"""The overview of a dataset for a chosen target: shape, roles, balance, missing, duplicates.

``overview(df, target=...)`` is what the dashboard's Overview page charts and
what ``dataset-diagnostics report --format json`` prints (``to_dict()``), so
the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .balance import ClassBalance, class_balance
from .errors import require_column
from .io import Dataset
from .schema import Schema, infer_schema

__all__ = ["Overview", "DuplicateSummary", "overview", "duplicate_summary"]

_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio constant; spreads the feature hash before xor


@dataclass(frozen=True)
class DuplicateSummary:
    """Exact duplicate rows and conflicting duplicates.

    ``duplicate_rows`` counts rows identical in every column to an earlier row
    (``DataFrame.duplicated().sum()``). ``conflicting_duplicates`` counts every
    row whose feature values (all columns but the target) equal another row's
    while the labels differ; ``conflicting_groups`` counts such groups.
    ``conflict_rows`` holds the 0-based positions of those rows.
    """

    duplicate_rows: int
    conflicting_duplicates: int
    conflicting_groups: int
    conflict_rows: tuple[int, ...]


@dataclass(frozen=True)
class Overview:
    name: str
    rows: int
    columns: int
    target: str
    class_balance: ClassBalance
    duplicates: DuplicateSummary
    missing: dict[str, int]
    schema: Schema
    notes: tuple[str, ...] = ()

    @property
    def missing_cells(self) -> int:
        return sum(self.missing.values())

    def missing_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({"column": list(self.missing), "missing": list(self.missing.values())})
        frame["share"] = frame["missing"] / self.rows if self.rows else 0.0
        return frame

    def to_dict(self) -> dict:
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
        }


def overview(
    data: pd.DataFrame | Dataset,
    *,
    target: str,
    schema: Schema | None = None,
    cv_folds: int = 5,
    smote_k_neighbors: int = 5,
) -> Overview:
    """Everything the Overview page and ``report`` show, for one target.

    Parameters
    ----------
    data : DataFrame or Dataset
        A :class:`~analysis.io.Dataset` also contributes its name and parse notes.
    target : str
    schema : Schema, optional
        Reuse an already inferred schema.
    cv_folds, smote_k_neighbors : int
        Passed to :func:`analysis.balance.class_balance` for its warnings.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1, 1, 2, 3], "y": ["a", "b", "a", "a"]})
    >>> o = overview(df, target="y")
    >>> o.rows, o.duplicates.conflicting_duplicates, o.class_balance.imbalance_ratio
    (4, 2, 3.0)
    """
    if isinstance(data, Dataset):
        df, name, notes = data.frame, data.name, data.notes
    else:
        df, name, notes = data, "data", ()
    require_column(df.columns, target, role="target column")
    balance = class_balance(df, target=target, cv_folds=cv_folds, smote_k_neighbors=smote_k_neighbors)
    schema = schema if schema is not None else infer_schema(df)
    missing = {c.name: c.n_missing for c in schema.columns}  # counted once, by the schema
    return Overview(
        name=name,
        rows=int(df.shape[0]),
        columns=int(df.shape[1]),
        target=target,
        class_balance=balance,
        duplicates=duplicate_summary(df, target=target),
        missing=missing,
        schema=schema,
        notes=tuple(notes),
    )


def duplicate_summary(df: pd.DataFrame, *, target: str) -> DuplicateSummary:
    """Count exact duplicate rows and conflicting duplicates.

    Rows are hashed once per column (pandas' ``hash_pandas_object``); only rows
    whose hash repeats are then compared exactly, so the counts are exact and
    a million rows take about as long as one ``DataFrame.duplicated`` call.
    """
    require_column(df.columns, target, role="target column")
    features = [c for c in df.columns if c != target]
    n = len(df)
    if n == 0:
        return DuplicateSummary(0, 0, 0, ())
    target_hash = pd.util.hash_pandas_object(df[target], index=False).to_numpy()
    if features:
        feature_hash = pd.util.hash_pandas_object(df[features], index=False).to_numpy()
    else:
        feature_hash = np.zeros(n, dtype=np.uint64)
    row_hash = (feature_hash * _MIX) ^ target_hash

    candidates = np.flatnonzero(pd.Series(row_hash).duplicated(keep=False).to_numpy())
    duplicate_rows = int(df.iloc[candidates].duplicated().sum()) if len(candidates) else 0

    conflict_rows: np.ndarray = np.empty(0, dtype=np.int64)
    groups = 0
    if features:
        same_features = np.flatnonzero(pd.Series(feature_hash).duplicated(keep=False).to_numpy())
        if len(same_features):
            subset = df.iloc[same_features]
            group_id = subset.groupby(features, dropna=False, sort=False).ngroup().to_numpy()
            labels = subset[target]
            n_labels = labels.groupby(group_id).transform("nunique").to_numpy()
            in_conflict = (n_labels > 1) & labels.notna().to_numpy()
            conflict_rows = same_features[in_conflict]
            groups = int(len(np.unique(group_id[in_conflict])))
    return DuplicateSummary(
        duplicate_rows=duplicate_rows,
        conflicting_duplicates=int(len(conflict_rows)),
        conflicting_groups=groups,
        conflict_rows=tuple(int(i) for i in conflict_rows),
    )
