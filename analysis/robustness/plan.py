"""Planning a robustness run: the typed settings, their validation, the features and the exact folds.

The folds are the rebalancing lab's (:func:`analysis.rebalance.grouped_space`
and :func:`analysis.splits.kfold_splits`: stratified, group-aware, rows with
identical or near-identical features never straddle a split). The features
keep free text (``text="tfidf"``, as label issues does), so text perturbations
have something to act on; the preprocessing is
:func:`analysis.features.spec_for_prepared`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..features import FeatureSpec, prepare_frame, select_features, spec_for_prepared
from ..intake.frames import takes_table
from ..models import MODEL_REGISTRY
from ..rebalance import grouped_space, metric_names
from ..splits import RowGroups, kfold_splits, require_rows_per_class
from .perturbations import PERTURBATIONS, ColumnKinds, RobustnessError

__all__ = ["RobustnessPlan", "RobustnessSettings", "plan_robustness"]


@dataclass(frozen=True)
class RobustnessSettings:
    """Everything that decides a robustness run's numbers: frozen and hashable (a cache key as it is).

    ``perturbations`` defaults to every registered kind; ``strengths`` (if given)
    replaces every kind's default ladder; ``sensitivity`` turns the per-feature
    pass on (one extra prediction per feature and fold).
    """

    target: str
    model: str = "logreg"
    perturbations: tuple[str, ...] | None = None
    folds: int = 5
    seed: int = 0
    strengths: tuple[float, ...] | None = None
    sensitivity: bool = True
    group: str | None = None
    excluded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.perturbations is not None and not isinstance(self.perturbations, tuple):
            object.__setattr__(self, "perturbations", tuple(self.perturbations))
        if self.strengths is not None and not isinstance(self.strengths, tuple):
            object.__setattr__(self, "strengths", tuple(float(s) for s in self.strengths))
        object.__setattr__(self, "excluded", tuple(str(c) for c in self.excluded))

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(PERTURBATIONS) if self.perturbations is None else self.perturbations

    def ladder(self, kind: str) -> tuple[float, ...]:
        return self.strengths if self.strengths is not None else PERTURBATIONS[kind].strengths


@dataclass(frozen=True, eq=False)
class RobustnessPlan:
    """Validated settings, the raw feature frame, its preprocessing and the exact folds."""

    settings: RobustnessSettings
    frame: pd.DataFrame  # the feature columns of the labelled rows, numbers as float, the rest as read
    y: np.ndarray  # class codes 0..K-1
    classes: tuple[Any, ...]
    positive: int | None
    rows: np.ndarray  # positions in the input frame of the rows used
    columns: ColumnKinds
    spec: FeatureSpec
    dropped: dict[str, str]
    splits: tuple[tuple[np.ndarray, np.ndarray], ...]
    groups: RowGroups
    kinds: tuple[str, ...]  # the perturbations that run
    skipped: dict[str, str]  # perturbation -> why it cannot run on this table
    notes: tuple[str, ...]
    prepared_frame: pd.DataFrame | None = None  # ``prepared(frame)``, made once while planning

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def test_train_ratio(self) -> float:
        return 1.0 / (self.settings.folds - 1)

    @property
    def metric_names(self) -> tuple[str, ...]:
        return metric_names(self.positive)

    def prepared(self, frame: pd.DataFrame) -> pd.DataFrame:
        """What the fitted preprocessing reads: numbers as float, the rest as text with a missing token."""
        return prepare_frame(frame, list(frame.columns))


def _validate(s: RobustnessSettings) -> None:
    MODEL_REGISTRY[s.model]
    if not s.kinds:
        raise RobustnessError("Choose at least one perturbation; the registered ones are: "
                              f"{', '.join(PERTURBATIONS)}.")
    for kind in s.kinds:
        PERTURBATIONS[kind]
    if not (isinstance(s.folds, (int, np.integer)) and 2 <= s.folds <= 20):
        raise RobustnessError(f"folds must be a whole number from 2 to 20; got {s.folds!r}.")
    for value in s.strengths or ():
        if not (np.isfinite(value) and value >= 0):
            raise RobustnessError(f"Every strength must be a number of at least 0; got {value!r}.")


def _raw_features(df: pd.DataFrame, rows: np.ndarray, names: Sequence[str], numeric: Sequence[str]) -> pd.DataFrame:
    sub = df.iloc[rows]
    out = {}
    for name in names:
        col = sub[name]
        out[str(name)] = prepare_frame(sub, [name])[name].to_numpy() if name in numeric else col.to_numpy(dtype=object)
    return pd.DataFrame(out)  # column names as text: the perturbations and the download refer to them so


@takes_table("df")
def plan_robustness(df: pd.DataFrame, settings: RobustnessSettings) -> RobustnessPlan:
    """Validate the settings, choose the features and fix the folds of a robustness run.

    Raises
    ------
    UnknownPerturbationError, UnknownModelError, TooFewRowsError, NoFeaturesError, RobustnessError
    (no requested perturbation can run on this table), and the target errors of
    :func:`analysis.overview.validate_target` (e.g. a single class).

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(40.0), "c": ["a", "b"] * 20, "y": [0] * 30 + [1] * 10})
    >>> plan = plan_robustness(df, RobustnessSettings(target="y", folds=2, perturbations=("gaussian_noise", "typos")))
    >>> plan.kinds, plan.skipped["typos"]
    (('gaussian_noise',), 'Typos needs text feature columns; this table has none.')
    """
    s = settings
    _validate(s)
    space, groups = grouped_space(df, target=s.target, group=s.group, allow_empty=True, excluded=s.excluded)
    source = df.drop(columns=[s.group]) if s.group is not None else df
    cols = select_features(source, target=s.target, text="tfidf", exclude=s.excluded)
    names = [c for c in source.columns if c in set(cols.columns)]
    frame = _raw_features(df, space.rows, names, cols.numeric)
    prepared = prepare_frame(frame, list(frame.columns))
    spec = spec_for_prepared(prepared, dense=s.model == "hgb")
    columns = ColumnKinds(tuple(map(str, spec.numeric)), tuple(map(str, spec.categorical)), tuple(map(str, spec.text)))
    kinds = tuple(dict.fromkeys(s.kinds))
    skipped = {k: r for k in kinds if (r := PERTURBATIONS[k].skip_reason(columns)) is not None}
    runnable = tuple(k for k in kinds if k not in skipped)
    if not runnable:
        raise RobustnessError(
            "None of the chosen perturbations can run on this table: "
            + " ".join(skipped.values()) + " Choose perturbations for the feature columns it has."
        )
    require_rows_per_class(np.bincount(space.y, minlength=space.n_classes), space.classes, s.folds, s.target)
    splits = kfold_splits(groups, space.y, folds=s.folds, seed=s.seed, classes=space.classes)
    dropped = {k: v for k, v in cols.dropped.items()}
    if s.group is not None:
        dropped[s.group] = "group column"
    notes = []
    if len(df) > len(space.y):
        notes.append(f"{len(df) - len(space.y):,} rows without a value in '{s.target}' were left out.")
    if dropped:
        notes.append("Not used as features: " + ", ".join(f"'{k}' ({v})" for k, v in dropped.items()) + ".")
    if groups.note:
        notes.append(groups.note)
    return RobustnessPlan(
        settings=replace(s, perturbations=kinds), frame=frame, y=space.y, classes=space.classes,
        positive=space.positive, rows=space.rows, columns=columns, spec=spec, dropped=dropped, splits=splits,
        groups=groups, kinds=runnable, skipped=skipped, notes=tuple(notes), prepared_frame=prepared,
    )
