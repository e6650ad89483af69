"""The augmentation lab's view of a table: prepared feature frame, class codes, layout, groups and pipeline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..features import FeatureSpec, prepare_frame, select_features, spec_for_prepared
from ..models import make_classifier
from ..overview import validate_target
from ..results import py_scalar
from ..splits import RowGroups, row_groups
from .errors import AugmentError
from .strategies import Layout

__all__ = ["AugmentData", "augment_data", "build_model_pipeline"]


@dataclass(frozen=True, eq=False)
class AugmentData:
    """Labelled rows of a table as model features: ``X`` (prepared), ``y`` (codes), the layout and the groups.

    ``rows`` are the positions in the input table of the rows used (target
    present); ``groups`` keep identical and near-duplicate rows on one side of
    every split (:func:`analysis.splits.row_groups`).
    """

    X: pd.DataFrame
    y: np.ndarray
    layout: Layout
    rows: np.ndarray
    groups: RowGroups
    dropped: dict[str, str]
    positive: int | None

    @property
    def classes(self) -> tuple[Any, ...]:
        return self.layout.classes

    @property
    def n_classes(self) -> int:
        return len(self.layout.classes)

    def class_rows(self, positions: np.ndarray | None = None) -> dict[Any, int]:
        y = self.y if positions is None else self.y[positions]
        counts = np.bincount(y, minlength=self.n_classes)
        return {self.classes[k]: int(counts[k]) for k in range(self.n_classes)}

    def spec(self, *, dense: bool) -> FeatureSpec:
        """The feature preprocessing (label issues' settings: one-hot, TF-IDF for text) with kinds fixed here."""
        base = spec_for_prepared(self.X, dense=dense)
        return replace(base, numeric=self.layout.numeric, categorical=self.layout.categorical, text=self.layout.text)


def augment_data(
    df: pd.DataFrame, *, target: str, excluded: tuple[str, ...] = (), group: str | None = None
) -> AugmentData:
    """Validate the target and prepare the features (numbers, categories and free text for TF-IDF).

    Raises the target errors of :func:`analysis.overview.validate_target` (one class,
    regression target, ...) and :class:`analysis.errors.NoFeaturesError`. ``group`` names a column whose rows
    of one value stay on one side of every split (it is not a feature).

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", "b"], "y": ["n", "p", "n", "n"]})
    >>> d = augment_data(df, target="y")
    >>> d.layout.numeric, d.layout.categorical, d.classes, d.y.tolist(), d.positive
    (('x',), ('c',), ('n', 'p'), [0, 1, 0, 0], 1)
    """
    validate_target(df, target)
    if group is not None and (group not in df.columns or group == target):
        raise AugmentError(f"The group column {group!r} must be a column of the data other than the target.",
                           column=group)
    labels = df[target]
    rows = np.flatnonzero(labels.notna().to_numpy())
    sub = df.iloc[rows].reset_index(drop=True)
    cols = select_features(sub, target=target, text="tfidf", exclude=(*excluded, *([group] if group else [])))
    ordered = [c for c in sub.columns if c in set(cols.columns)]
    X = prepare_frame(sub, ordered)
    values = labels.iloc[rows]
    classes = sorted(pd.unique(values), key=lambda v: (str(type(v)), v if not isinstance(v, str) else str(v)))
    y = pd.Categorical(values, categories=classes).codes.astype(np.int64)
    positive = None
    if len(classes) == 2:
        counts = np.bincount(y, minlength=2)
        positive = int(np.argmin(counts)) if counts[0] != counts[1] else 1
    layout = Layout(
        numeric=tuple(c for c in ordered if c in cols.numeric),
        categorical=tuple(c for c in ordered if c in cols.categorical),
        text=tuple(c for c in ordered if c in cols.text),
        classes=tuple(py_scalar(c) for c in classes),
    )
    identifiers = [c for c, why in cols.dropped.items() if why == "identifier"]
    groups = row_groups(sub, exclude=[target, *identifiers, *excluded], group=group)
    return AugmentData(X=X, y=y, layout=layout, rows=rows, groups=groups, dropped=dict(cols.dropped),
                       positive=positive)


def build_model_pipeline(data: AugmentData, *, model: str, seed: int) -> Any:
    """Preprocessing and model as one scikit-learn pipeline (fitted on a training fold, augmented or not)."""
    from sklearn.pipeline import Pipeline

    spec = data.spec(dense=model == "hgb")
    return Pipeline([("prepare", spec.build()), ("model", make_classifier(model, seed=seed))])
