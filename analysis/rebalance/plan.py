"""Planning a comparison: the typed settings, their validation, the features and the exact folds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import RebalanceError
from ..features import TEXT_NOTE_START, tfidf_note
from ..models import MODEL_REGISTRY
from ..splits import RowGroups, kfold_splits, require_rows_per_class, row_groups
from .metrics import metric_names
from .pipeline import THRESHOLD_OBJECTIVES, PipelineSettings, text_limits
from .results import CostEstimate
from .space import FeatureSpace, feature_space
from .strategies import DEFAULT_STRATEGIES, STRATEGIES

__all__ = ["LARGE_ROWS", "TEXT_NOTE_START", "CompareSettings", "ComparisonPlan", "estimate_cost", "grouped_space", "plan_comparison"]

#: A neighbour-based sampler on more training rows than this is slow; the plan warns.
LARGE_ROWS = 50_000


@dataclass(frozen=True)
class CompareSettings:
    """Everything that decides a comparison's numbers: frozen and hashable (a cache key as it is).

    ``strategies`` defaults to :data:`DEFAULT_STRATEGIES`; see :func:`plan_comparison`
    for the meaning of each field.

    Examples
    --------
    >>> s = CompareSettings(target="y", strategies=("smote",), folds=3)
    >>> hash(s) == hash(CompareSettings(target="y", strategies=("smote",), folds=3))
    True
    """

    target: str
    strategies: tuple[str, ...] = DEFAULT_STRATEGIES
    model: str = "logreg"
    folds: int = 5
    repeats: int = 1
    seed: int = 0
    subsample: int | None = None
    cost_ratio: float | None = None
    threshold_objective: str = "balanced_accuracy"
    #: a column whose rows of one value stay on one side of every fold (patient, user, session)
    group: str | None = None
    #: columns never used as features (suspected label leaks the user chose to exclude)
    excluded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.strategies, tuple):
            object.__setattr__(self, "strategies", tuple(self.strategies))
        object.__setattr__(self, "excluded", tuple(str(c) for c in self.excluded))


def estimate_cost(
    n_rows: int, n_features: int, *, strategies: Sequence[str], folds: int, repeats: int, model: str = "logreg"
) -> CostEstimate:
    """A rough run-time estimate, before anything runs.

    One fold of the plain model is taken to cost ``n_rows * n_features * c``
    seconds (``c`` per model, measured on this project's benchmark machine:
    logreg 2e-7, hgb 6e-7, rf 3e-6); each strategy multiplies it by its
    ``cost_factor``; neighbour-based samplers add ``n_rows**2 * 1e-10`` per fold
    for the neighbour search. It is an order of magnitude, not a promise.

    Examples
    --------
    >>> est = estimate_cost(10_000, 10, strategies=["none", "smote"], folds=5, repeats=1)
    >>> round(est.per_strategy["none"], 3), round(est.per_strategy["smote"], 3)
    (0.1, 0.22)
    """
    per_fold = n_rows * max(n_features, 1) * MODEL_REGISTRY[model].cost_per_cell
    per: dict[str, float] = {}
    warnings = []
    for name in strategies:
        s = STRATEGIES[name]
        secs = per_fold * s.cost_factor
        if s.neighbour_based:
            secs += n_rows**2 * 1e-10
        per[name] = secs * folds * repeats
        if s.searches_all_rows and n_rows > LARGE_ROWS:
            warnings.append(
                f"{s.label} searches nearest neighbours among all {n_rows:,} rows in every fold: slow. "
                "Evaluate on a stratified subsample, or leave it out."
            )
    return CostEstimate(seconds=float(sum(per.values())), per_strategy=per, warnings=tuple(warnings))


@dataclass(frozen=True, eq=False)
class ComparisonPlan:
    """Validated settings, features and the exact folds of a comparison (run it with :func:`iter_comparison`)."""

    target: str
    strategies: tuple[str, ...]
    model: str
    folds: int
    repeats: int
    seed: int
    space: FeatureSpace
    splits: tuple[tuple[np.ndarray, np.ndarray], ...]
    groups: RowGroups
    rows_total: int
    subsample: int | None
    cost_ratio: float | None
    threshold_objective: str
    estimate: CostEstimate
    notes: tuple[str, ...]

    @property
    def test_train_ratio(self) -> float:
        return 1.0 / (self.folds - 1)

    @property
    def rows_used(self) -> int:
        return int(len(self.space.y))

    @property
    def prevalence(self) -> float | None:
        """Share of the positive (minority) class for a binary target: the chance level of precision."""
        if self.space.positive is None:
            return None
        return float(np.mean(self.space.y == self.space.positive))

    @property
    def positive_class(self) -> Any:
        return self.space.classes[self.space.positive] if self.space.positive is not None else None

    @property
    def metric_names(self) -> tuple[str, ...]:
        return metric_names(self.space.positive)

    def pipeline_settings(self) -> PipelineSettings:
        """What every strategy of this plan builds its pipeline from."""
        s = self.space
        return PipelineSettings(
            s.n_numeric, s.n_categorical, model=self.model, seed=self.seed, positive=s.positive,
            class_weight=s.class_weight(self.cost_ratio), threshold_objective=self.threshold_objective,
            n_text=s.n_text,
        )


def grouped_space(
    df: pd.DataFrame, *, target: str, group: str | None = None, allow_empty: bool = False,
    excluded: tuple[str, ...] = (),
) -> tuple[FeatureSpace, RowGroups]:
    """The feature space of ``df`` and the groups of its labelled rows that must stay on one side of a split.

    A row's identity is every column but the target, identifier columns and the
    group column (which is not a feature either): rows equal there are grouped.
    Excluded columns (suspected leaks) are neither features nor part of a row's identity.
    """
    if group is not None:
        if group not in df.columns:
            raise RebalanceError(
                f"The group column '{group}' is not in the data. Choose one of: "
                f"{', '.join(map(str, df.columns))}.", column=group,
            )
        if group == target:
            raise RebalanceError(f"The group column cannot be the target '{target}'. Choose another column.",
                                 column=group)
    space = feature_space(df.drop(columns=[group]) if group is not None else df, target=target,
                          allow_empty=allow_empty, exclude=excluded)
    if group is not None:
        space = replace(space, dropped={**space.dropped, group: "group column"})
    identifiers = [c for c, why in space.dropped.items() if why == "identifier"] + list(excluded)
    groups = row_groups(df.iloc[space.rows], exclude=[target, *identifiers], group=group)
    return space, groups


def _settings(settings: CompareSettings | None, target: str | None, **kwargs: Any) -> CompareSettings:
    if settings is not None:
        if target is not None:
            raise RebalanceError("Give either a CompareSettings or target= and the keyword settings, not both.")
        return settings
    if target is None:
        raise RebalanceError("A comparison needs a target column (target=...).")
    strategies = kwargs.pop("strategies")
    base = CompareSettings(target=target, **kwargs)
    return base if strategies is None else replace(base, strategies=tuple(strategies))


def _validate(s: CompareSettings) -> None:
    STRATEGIES.require(s.strategies)
    MODEL_REGISTRY[s.model]
    if s.threshold_objective not in THRESHOLD_OBJECTIVES:
        raise RebalanceError(
            f"Unknown threshold objective '{s.threshold_objective}'. Choose one of: {', '.join(THRESHOLD_OBJECTIVES)}."
        )
    if not (isinstance(s.folds, (int, np.integer)) and 2 <= s.folds <= 20):
        raise RebalanceError(f"folds must be a whole number from 2 to 20; got {s.folds!r}.")
    if not (isinstance(s.repeats, (int, np.integer)) and 1 <= s.repeats <= 20):
        raise RebalanceError(f"repeats must be a whole number from 1 to 20; got {s.repeats!r}.")
    if s.cost_ratio is not None and not (s.cost_ratio > 0 and math.isfinite(s.cost_ratio)):
        raise RebalanceError(f"The cost ratio must be a positive number; got {s.cost_ratio!r}.")


def plan_comparison(
    df: pd.DataFrame,
    settings: CompareSettings | None = None,
    *,
    target: str | None = None,
    strategies: Sequence[str] | None = None,
    model: str = "logreg",
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    subsample: int | None = None,
    cost_ratio: float | None = None,
    threshold_objective: str = "balanced_accuracy",
    group: str | None = None,
) -> ComparisonPlan:
    """Validate the settings, build the features and fix the folds of a comparison.

    Parameters
    ----------
    df : DataFrame
    settings : CompareSettings, optional
        All the settings at once (then give no keyword settings); or:
    target : str
    strategies : names from :data:`STRATEGIES`; default :data:`DEFAULT_STRATEGIES`.
        ``none`` (the baseline) is always run first, added if missing.
    model : a name from :data:`analysis.models.MODELS` ("logreg", "hgb", "rf")
    folds, repeats : repeated stratified k-fold settings
    seed : seeds the folds, the samplers and the models
    subsample : evaluate on a stratified subsample of this many rows (stated in the result)
    cost_ratio : for ``class_weight`` on a binary target, the cost of a missed minority row
        relative to a majority row (default: balanced weights)
    threshold_objective : what ``threshold`` optimises: balanced_accuracy, f1 or mcc
    group : a column whose rows of one value stay in one fold (patient, user, session); it is not
        a feature. Rows with identical features always stay in one fold (:mod:`analysis.splits`).

    Raises
    ------
    UnknownStrategyError, UnknownModelError, TooFewRowsError, NoFeaturesError, RebalanceError,
    and the target errors of :func:`analysis.overview.validate_target`.

    Examples
    --------
    >>> df = pd.DataFrame({"x": range(40), "y": [0] * 30 + [1] * 10})
    >>> plan = plan_comparison(df, target="y", strategies=["random_over"], folds=2)
    >>> plan.strategies, len(plan.splits), plan.notes[0]
    (('none', 'random_over'), 2, "The baseline 'none' was added: every strategy is compared with it.")
    """
    from sklearn.model_selection import train_test_split

    s = _settings(settings, target, strategies=strategies, model=model, folds=folds, repeats=repeats, seed=seed,
                  subsample=subsample, cost_ratio=cost_ratio, threshold_objective=threshold_objective, group=group)
    _validate(s)
    folds, subsample = s.folds, s.subsample
    notes: list[str] = []
    deduped = list(dict.fromkeys(s.strategies))
    if "none" not in deduped:
        notes.append("The baseline 'none' was added: every strategy is compared with it.")
    ordered = ("none",) + tuple(n for n in deduped if n != "none")

    space, groups = grouped_space(df, target=s.target, group=s.group, excluded=s.excluded)
    rows_total = int(len(space.y))
    missing_labels = len(df) - rows_total
    if missing_labels:
        notes.append(f"{missing_labels:,} rows without a value in '{s.target}' were left out.")
    if space.text:
        max_features, min_df, ngrams = text_limits(s.model)
        notes.append(
            tfidf_note(space.text, max_features, min_df, ngrams, before_sampler=True)
            + " With text, samplers work on the one-hot and TF-IDF matrix (SMOTE rather than SMOTENC)."
        )
    if space.dropped:
        notes.append(
            "Not used as features: " + ", ".join(f"'{k}' ({v})" for k, v in space.dropped.items()) + "."
        )
    if subsample is not None:
        if not (isinstance(subsample, (int, np.integer)) and subsample >= 2 * folds):
            raise RebalanceError(f"subsample must be a whole number of rows, at least {2 * folds}; got {subsample!r}.")
        if subsample < rows_total:
            keep, _ = train_test_split(
                np.arange(rows_total), train_size=int(subsample), stratify=space.y, random_state=s.seed
            )
            space = space.subset(np.sort(keep))
            groups = groups.subset(np.sort(keep))
            notes.append(
                f"Evaluated on a stratified subsample of {subsample:,} of the {rows_total:,} labelled rows "
                "(class shares kept): the numbers describe this subsample."
            )
        else:
            subsample = None
    if s.cost_ratio is not None and space.positive is None and "class_weight" in ordered:
        notes.append(
            f"The cost ratio applies to binary targets; with {space.n_classes} classes class_weight uses "
            "balanced weights (inverse class frequency)."
        )
    require_rows_per_class(np.bincount(space.y, minlength=space.n_classes), space.classes, folds, s.target)
    splits = kfold_splits(groups, space.y, folds=folds, repeats=s.repeats, seed=s.seed, classes=space.classes)
    if groups.note:
        notes.append(groups.note)
    estimate = estimate_cost(
        len(space.y), space.X.shape[1] + space.n_text, strategies=ordered, folds=folds, repeats=s.repeats, model=s.model
    )
    return ComparisonPlan(
        target=s.target, strategies=ordered, model=s.model, folds=int(folds), repeats=int(s.repeats),
        seed=int(s.seed), space=space, splits=splits, groups=groups, rows_total=rows_total, subsample=subsample,
        cost_ratio=s.cost_ratio, threshold_objective=s.threshold_objective, estimate=estimate, notes=tuple(notes),
    )
