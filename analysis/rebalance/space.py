"""The rebalancing lab's feature space: the feature columns as one float array, labels as class codes.

Which columns are features is decided by :func:`analysis.features.select_features`
with ``text="keep"``: identifiers, dates and constants stay out, as do categories
with more than 100 values; free-text columns are features too, kept as strings
beside the float array and turned into TF-IDF features inside each training
fold's pipeline (the vectorizer never sees a test fold).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..errors import NoFeaturesError
from ..features import FeatureColumns, select_features
from ..overview import validate_target
from ..results import py_scalar

__all__ = ["FeatureSpace", "feature_space", "take"]


def take(inputs: Any, rows: np.ndarray) -> Any:
    """The rows at positions ``rows`` of :attr:`FeatureSpace.inputs` (an array, or a frame with text)."""
    return inputs.iloc[rows] if isinstance(inputs, pd.DataFrame) else inputs[rows]


@dataclass(frozen=True, eq=False)
class FeatureSpace:
    """The features as one float array: numeric columns first, then categorical codes.

    Categorical codes index ``vocab[column]`` (the original values, sorted);
    missing values are NaN in both parts (imputation happens inside the pipeline).
    """

    X: np.ndarray
    y: np.ndarray  # class codes 0..K-1
    classes: tuple[Any, ...]
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    vocab: dict[str, tuple[Any, ...]]
    dropped: dict[str, str]
    rows: np.ndarray  # positions in the input frame of the rows used (target present)
    positive: int | None  # code of the minority class for binary targets
    integer_columns: tuple[str, ...] = ()
    #: free-text feature columns (TF-IDF inside the pipeline), their values in ``T`` ("" when missing)
    text: tuple[str, ...] = ()
    T: np.ndarray | None = None  # object array (rows, len(text)) of str, or None without text columns

    @property
    def n_numeric(self) -> int:
        return len(self.numeric)

    @property
    def n_categorical(self) -> int:
        return len(self.categorical)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def n_text(self) -> int:
        return len(self.text)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical + self.text

    @cached_property
    def inputs(self) -> Any:
        """What the pipelines are fitted on: ``X`` itself, or with text columns a DataFrame whose columns
        0, 1, ... are ``X``'s (floats) followed by the texts (the pipelines select columns by position)."""
        if not self.text or self.T is None:
            return self.X
        frame = pd.DataFrame(self.X)
        for j in range(self.n_text):
            frame[self.X.shape[1] + j] = self.T[:, j]
        return frame

    def subset(self, keep: np.ndarray) -> FeatureSpace:
        """The same space restricted to the rows at positions ``keep``."""
        return FeatureSpace(
            X=self.X[keep], y=self.y[keep], classes=self.classes, numeric=self.numeric,
            categorical=self.categorical, vocab=self.vocab, dropped=self.dropped, rows=self.rows[keep],
            positive=self.positive, integer_columns=self.integer_columns, text=self.text,
            T=self.T[keep] if self.T is not None else None,
        )

    def class_counts(self) -> dict[Any, int]:
        counts = np.bincount(self.y, minlength=self.n_classes)
        return {self.classes[k]: int(counts[k]) for k in range(self.n_classes)}

    def class_weight(self, cost_ratio: float | None) -> Any:
        """``"balanced"``, or ``{minority: cost_ratio, majority: 1}`` for a binary target with a cost ratio."""
        if cost_ratio is None or self.positive is None:
            return "balanced"
        return {self.positive: float(cost_ratio), 1 - self.positive: 1.0}


def feature_space(
    df: pd.DataFrame, *, target: str, allow_empty: bool = False, exclude: tuple[str, ...] = ()
) -> FeatureSpace:
    """Validate the target and turn the other columns into model features.

    Free-text columns are features kept as strings (``text``, ``T``; TF-IDF inside the
    pipeline). Identifier, date/time and constant columns are not features
    (they are listed in ``dropped`` with the reason); categorical columns with
    more than 100 values are dropped too. Rows without a label are left out.
    With ``allow_empty`` a table without any such feature (identifiers only) gives a
    space with no feature columns instead of :class:`NoFeaturesError` (for fixes
    that only pick, copy or weight rows; a table whose only features are free text has them). ``exclude`` names columns that are never
    features (suspected leaks the user chose to leave out).

    Examples
    --------
    >>> df = pd.DataFrame({"id": range(30), "x": [1.5, None, 2.5] * 10, "c": ["a", "b", "c"] * 10,
    ...                    "y": ["n"] * 24 + ["p"] * 6})
    >>> fs = feature_space(df, target="y")
    >>> fs.numeric, fs.categorical, fs.classes, fs.positive, fs.dropped["id"]
    (('x',), ('c',), ('n', 'p'), 1, 'identifier')
    """
    validate_target(df, target)
    labels = df[target]
    rows = np.flatnonzero(labels.notna().to_numpy())
    try:
        cols = select_features(df, target=target, text="keep", exclude=exclude)
    except NoFeaturesError:
        if not allow_empty:
            raise
        cols = FeatureColumns((), (), (), {c: "not a numeric or categorical feature" for c in df.columns
                                           if c != target}, ())
    sub = df.iloc[rows]
    parts = [pd.to_numeric(sub[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan) for c in cols.numeric]
    vocab: dict[str, tuple[Any, ...]] = {}
    for c in cols.categorical:
        present = sub[c].dropna()
        values = sorted(pd.unique(present), key=lambda v: (str(type(v)), str(v)))
        vocab[c] = tuple(py_scalar(v) for v in values)
        codes = pd.Categorical(sub[c], categories=values).codes.astype(float)
        codes[codes < 0] = np.nan
        parts.append(codes)
    X = np.column_stack(parts) if parts else np.empty((len(rows), 0))
    T = None
    if cols.text:
        T = np.column_stack([sub[c].astype(object).where(sub[c].notna(), "").astype(str).to_numpy(dtype=object)
                             for c in cols.text]).astype(object)
    y_values = labels.iloc[rows]
    classes = sorted(pd.unique(y_values), key=lambda v: (str(type(v)), v if not isinstance(v, str) else str(v)))
    y = pd.Categorical(y_values, categories=classes).codes.astype(np.int64)
    positive = None
    if len(classes) == 2:
        counts = np.bincount(y, minlength=2)
        positive = int(np.argmin(counts)) if counts[0] != counts[1] else 1
    return FeatureSpace(
        X=np.ascontiguousarray(X, dtype=float),
        y=y,
        classes=tuple(py_scalar(c) for c in classes),
        numeric=cols.numeric,
        categorical=cols.categorical,
        vocab=vocab,
        dropped=dict(cols.dropped),
        rows=rows,
        positive=positive,
        integer_columns=cols.integer,
        text=cols.text,
        T=T,
    )
