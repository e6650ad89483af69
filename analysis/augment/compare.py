"""Augmentation strategies compared under cross-validation, on clean and on perturbed test folds.

Like the rebalancing lab: the folds come from :mod:`analysis.splits` (stratified,
identical and near-duplicate rows on one side), the features from
:mod:`analysis.features`, the model from :mod:`analysis.models`, the metrics,
their corrected 95% intervals and the corrected resampled t-test against no
augmentation from :mod:`analysis.rebalance`. Each strategy's transformer runs on
the training fold only; every strategy is scored on the same test folds, clean
and perturbed by :func:`analysis.augment.perturb.perturb_for_evaluation` with
the same random numbers (a paired comparison).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..intake.frames import takes_table
from ..models import MODEL_REGISTRY
from ..rebalance import METRICS, MetricSummary, Versus, corrected_resampled_ttest, fold_metrics, metric_summary
from ..rebalance.metrics import metric_names
from ..rebalance.stats import verdict_vs_baseline
from ..splits import kfold_splits, require_rows_per_class
from .data import AugmentData, augment_data, build_model_pipeline
from .errors import AugmentError
from .perturb import PERTURBATION, perturb_for_evaluation
from .results import AugmentComparison, AugmentStrategyResult
from .strategies import AUGMENTATIONS, DEFAULT_AUGMENTATIONS
from .templates import TemplateSet

__all__ = ["AugmentCompareSettings", "AugmentProgress", "compare_augmentations", "evaluation_rng",
           "iter_augmentations", "score_fold"]


@dataclass(frozen=True)
class AugmentCompareSettings:
    """Everything that decides an augmentation comparison's numbers: frozen and hashable (a cache key)."""

    target: str
    strategies: tuple[str, ...] = DEFAULT_AUGMENTATIONS
    model: str = "logreg"
    folds: int = 5
    repeats: int = 1
    seed: int = 0
    templates: TemplateSet | None = None
    excluded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "strategies", tuple(self.strategies))
        object.__setattr__(self, "excluded", tuple(self.excluded))


@dataclass(frozen=True)
class AugmentProgress:
    """One finished fold: ``done`` of ``total`` fits of the comparison, the last one of ``strategy``."""

    strategy: str
    done: int
    total: int


def evaluation_rng(seed: int, fold: int) -> np.random.Generator:
    """The random numbers that perturb test fold ``fold`` (the same for every strategy: a paired comparison)."""
    return np.random.default_rng([int(seed), 7919, int(fold)])


def _validate(s: AugmentCompareSettings) -> None:
    if not s.strategies:
        raise AugmentError("No augmentation strategy was chosen; pick at least one, e.g. gaussian_noise.")
    for name in s.strategies:
        AUGMENTATIONS[name]
    MODEL_REGISTRY[s.model]
    if not (isinstance(s.folds, (int, np.integer)) and 2 <= s.folds <= 20):
        raise AugmentError(f"folds must be a whole number from 2 to 20; got {s.folds!r}.")
    if not (isinstance(s.repeats, (int, np.integer)) and 1 <= s.repeats <= 20):
        raise AugmentError(f"repeats must be a whole number from 1 to 20; got {s.repeats!r}.")


def score_fold(
    data: AugmentData, strategy: str, train: np.ndarray, test: np.ndarray, *, model: str, seed: int, fold: int,
    templates: TemplateSet | None = None,
) -> tuple[dict[str, float], dict[str, float], int]:
    """Fit one strategy on one training fold; the metrics of its test fold clean and perturbed, and rows added."""
    from ..threads import one_thread

    augmenter = AUGMENTATIONS[strategy].make_augmenter(data.layout, seed=seed, templates=templates)
    X_train, y_train = augmenter.fit_resample(data.X.iloc[train], data.y[train])
    pipe = build_model_pipeline(data, model=model, seed=seed)
    fit_params = {}
    if augmenter.sample_weight_ is not None:
        fit_params["model__sample_weight"] = augmenter.sample_weight_
    X_test = data.X.iloc[test].reset_index(drop=True)
    X_pert = perturb_for_evaluation(X_test, evaluation_rng(seed, fold), text_columns=data.layout.text)
    y_test = data.y[test]
    k = data.n_classes
    out = []
    with one_thread():
        pipe.fit(X_train, y_train, **fit_params)
        for X in (X_test, X_pert):
            proba = pipe.predict_proba(X)
            pred = pipe.classes_[proba.argmax(axis=1)]
            out.append(fold_metrics(y_test, np.asarray(pred, dtype=np.int64), proba, n_classes=k,
                                    positive=data.positive))
    return out[0], out[1], len(X_train) - len(train)


def _skip_reasons(data: AugmentData, s: AugmentCompareSettings, splits: Sequence[tuple[np.ndarray, np.ndarray]]
                  ) -> dict[str, str]:
    smallest = {label: int(min(data.class_rows(tr)[label] for tr, _ in splits)) for label in data.classes}
    out = {}
    for name in s.strategies:
        reason = AUGMENTATIONS[name].skip_reason(data.layout, class_rows=smallest, templates=s.templates)
        if reason is not None:
            out[name] = reason
    return out


def iter_augmentations(
    df: pd.DataFrame, settings: AugmentCompareSettings, *, data: AugmentData | None = None,
) -> Iterator[AugmentProgress | AugmentStrategyResult | AugmentComparison]:
    """Run the comparison, yielding progress after every fold, each strategy's result, then the comparison."""
    s = settings
    _validate(s)
    names = ("none",) + tuple(n for n in dict.fromkeys(s.strategies) if n != "none")
    notes: list[str] = []
    if "none" not in s.strategies:
        notes.append("The baseline 'none' was added: every strategy is compared with it.")
    data = data if data is not None else augment_data(df, target=s.target, excluded=s.excluded)
    require_rows_per_class(np.bincount(data.y, minlength=data.n_classes), data.classes, s.folds, s.target)
    splits = kfold_splits(data.groups, data.y, folds=s.folds, repeats=s.repeats, seed=s.seed, classes=data.classes)
    if data.groups.note:
        notes.append(data.groups.note)
    if len(data.rows) < len(df):
        notes.append(f"{len(df) - len(data.rows):,} rows without a value in '{s.target}' were left out.")
    if data.dropped:
        notes.append("Not used as features: " + ", ".join(f"'{k}' ({v})" for k, v in data.dropped.items()) + ".")
    skipped = _skip_reasons(data, s, splits)
    if "templates" in names and s.templates is not None and "templates" not in skipped:
        from .strategies import template_codes
        from .templates import synthesize

        labels = synthesize(s.templates)["label"]
        outside = sorted({str(v) for v, c in zip(labels, template_codes(labels, data.classes), strict=True) if c < 0})
        if outside:
            notes.append(f"Template labels that are not classes of '{s.target}' were left out: {', '.join(outside)}.")
    ratio = 1.0 / (s.folds - 1)
    metrics = metric_names(data.positive)
    runnable = [n for n in names if n not in skipped]
    total, done = len(runnable) * len(splits), 0
    results: list[AugmentStrategyResult] = []
    baseline: tuple[dict[str, tuple[float, ...]], dict[str, tuple[float, ...]]] | None = None
    for name in names:
        spec = AUGMENTATIONS[name]
        if name in skipped:
            result = AugmentStrategyResult(name, spec.label, spec.explanation, reason=skipped[name])
            results.append(result)
            yield result
            continue
        start = time.perf_counter()
        clean_folds, pert_folds, added = [], [], []
        for f, (tr, te) in enumerate(splits):
            clean, pert, n_added = score_fold(data, name, tr, te, model=s.model, seed=s.seed, fold=f,
                                              templates=s.templates)
            clean_folds.append(clean)
            pert_folds.append(pert)
            added.append(n_added)
            done += 1
            yield AugmentProgress(name, done, total)
        clean_s = _summaries(clean_folds, metrics, ratio)
        pert_s = _summaries(pert_folds, metrics, ratio)
        vc: dict[str, Versus] = {}
        vp: dict[str, Versus] = {}
        if baseline is None and name == "none":
            baseline = ({m: v.values for m, v in clean_s.items()}, {m: v.values for m, v in pert_s.items()})
        elif baseline is not None:
            vc = _versus(clean_s, baseline[0], ratio)
            vp = _versus(pert_s, baseline[1], ratio)
        result = AugmentStrategyResult(name, spec.label, spec.explanation, clean=clean_s, perturbed=pert_s,
                                       versus_clean=vc, versus_perturbed=vp, rows_added=float(np.mean(added)),
                                       seconds=time.perf_counter() - start)
        results.append(result)
        yield result
    pos = data.positive
    yield AugmentComparison(
        target=s.target, model=s.model, folds=int(s.folds), repeats=int(s.repeats), seed=int(s.seed),
        classes=data.classes, positive_class=data.classes[pos] if pos is not None else None,
        strategies=tuple(results), perturbation=PERTURBATION,
        features={"numeric": data.layout.numeric, "categorical": data.layout.categorical, "text": data.layout.text},
        rows_used=int(len(data.y)), notes=tuple(notes), splits=data.groups.to_dict(),
    )


def _summaries(folds: list[dict[str, float]], metrics: Sequence[str], ratio: float) -> dict[str, MetricSummary]:
    return {m: metric_summary([f[m] for f in folds], ratio, METRICS[m].bounds) for m in metrics}


def _versus(now: dict[str, MetricSummary], base: dict[str, tuple[float, ...]], ratio: float) -> dict[str, Versus]:
    out = {}
    for m, s in now.items():
        d, t, p = corrected_resampled_ttest(s.values, base[m], test_train_ratio=ratio)
        out[m] = Versus(d, t, p, verdict_vs_baseline(d, p, METRICS[m].higher_is_better))
    return out


@takes_table("df")
def compare_augmentations(
    df: pd.DataFrame, settings: AugmentCompareSettings | None = None, *,
    callback: Callable[[Any], None] | None = None, **keywords: Any,
) -> AugmentComparison:
    """Cross-validate augmentation strategies (training folds only) and score them clean and perturbed.

    Takes an :class:`AugmentCompareSettings` or its fields as keywords.

    Raises
    ------
    UnknownAugmentationError, UnknownModelError, AugmentError, TooFewRowsError, NoFeaturesError,
    and the target errors (a single class, a regression target).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=60), "y": [0, 1] * 30})
    >>> res = compare_augmentations(df, target="y", strategies=("gaussian_noise", "eda"), folds=3)
    >>> [(r.name, r.skipped) for r in res.strategies]
    [('none', False), ('gaussian_noise', False), ('eda', True)]
    """
    if settings is None:
        settings = AugmentCompareSettings(**keywords)
    elif keywords:
        settings = replace(settings, **keywords)
    final = None
    for event in iter_augmentations(df, settings):
        if callback is not None:
            callback(event)
        if isinstance(event, AugmentComparison):
            final = event
    assert final is not None
    return final
