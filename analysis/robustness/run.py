"""Running a robustness plan: fit once per training fold, then score the test fold clean and perturbed.

Only predictions repeat: each fold's pipeline (the preprocessing of
:mod:`analysis.features` and a model of :mod:`analysis.models`) is fitted once
on the training fold's rows; every perturbation at every strength is applied
to the test fold (with the training fold's statistics) and the fitted pipeline
predicts it. Kinds with an array form perturb the fold held as arrays
(:class:`analysis.robustness.matrix.FoldMatrix`: the float matrix the numeric
steps read, category codes) and only the changed blocks are transformed again;
the others (text) perturb the raw test frame. Strength 0 reuses the clean
predictions. Every metric comes from the same predictions
(:func:`analysis.robustness.scoring.fold_scores`, the registry's metrics from one confusion
matrix); intervals by :func:`analysis.rebalance.metric_summary`.

Per-feature sensitivity perturbs one feature at a time at a fixed strength
(:data:`SENSITIVITY`: 1 standard deviation of noise for a number, half of the
values flipped for a category, half of the words dropped for text).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..models import make_classifier
from ..rebalance import METRICS, metric_summary
from ..threads import one_thread
from .matrix import FoldMatrix
from .perturbations import PERTURBATIONS, ColumnKinds, FoldReference
from .plan import RobustnessPlan, RobustnessSettings, plan_robustness
from .predict import FoldPredictor
from .results import (
    VERDICT_METRIC,
    FeatureSensitivity,
    PerturbationScore,
    RobustnessProgress,
    RobustnessResult,
    robustness_verdict,
)
from .scoring import fold_scores

__all__ = ["SENSITIVITY", "iter_robustness", "robustness"]

#: column kind -> (perturbation, strength) of the per-feature sensitivity pass.
SENSITIVITY: dict[str, tuple[str, float]] = {
    "numeric": ("gaussian_noise", 1.0),
    "categorical": ("category_flip", 0.5),
    "text": ("word_dropout", 0.5),
}


def _rng(seed: int, fold: int, what: str, value: float) -> np.random.Generator:
    """One generator per (seed, fold, perturbation, strength): the same numbers whatever else runs."""
    return np.random.default_rng([int(seed), int(fold), zlib.crc32(what.encode()), int(round(value * 1e6))])


def _pipeline(plan: RobustnessPlan) -> Any:
    from sklearn.pipeline import Pipeline

    s = plan.settings
    return Pipeline([("prepare", plan.spec.build()), ("model", make_classifier(s.model, seed=s.seed))])


def _unchecked() -> Any:
    """scikit-learn without its input checks, for predictions of a perturbed copy of a test fold whose clean
    version the fitted pipeline has just checked (perturbations keep numbers finite): scikit-learn's own
    documented switches for speed (``assume_finite``, ``skip_parameter_validation``); values are unchanged."""
    import sklearn

    return sklearn.config_context(assume_finite=True, skip_parameter_validation=True)


@dataclass(frozen=True, eq=False)
class _Fold:
    """One fitted fold: its predictor, its test rows (as arrays and as the raw frame) and clean predictions."""

    predictor: FoldPredictor
    matrix: FoldMatrix
    raw: pd.DataFrame
    reference: FoldReference
    pred0: np.ndarray
    proba0: np.ndarray

    def predict(self, kind: str, strength: float, rng: np.random.Generator,
                columns: ColumnKinds) -> tuple[np.ndarray, np.ndarray]:
        """Predictions of the test fold under one perturbation. Strength 0 is the clean fold by definition
        (every kind returns its input unchanged): its predictions are reused, not recomputed."""
        if strength == 0:
            return self.pred0, self.proba0
        perturbation = PERTURBATIONS[kind]
        with one_thread(), _unchecked():
            m = perturbation.apply_matrix(self.matrix, strength, rng, columns=columns, reference=self.reference)
            if m is not None:
                return self.predictor.predict_matrix(m)
            frame = perturbation.apply(self.raw, strength, rng, columns=columns, reference=self.reference)
            return self.predictor.predict(frame, [c for kd in perturbation.applies_to for c in columns.of(kd)])


def _steps(plan: RobustnessPlan) -> int:
    return len(plan.splits) * (1 + len(plan.kinds) + int(plan.settings.sensitivity and bool(plan.columns.columns)))


def iter_robustness(plan: RobustnessPlan) -> Iterator[RobustnessProgress | RobustnessResult]:
    """Run a planned robustness test, yielding progress after every fit and every perturbation ladder of
    a fold, and the :class:`RobustnessResult` last.

    The folds are fitted first, then the kinds run one after the other over every fold. When a kind
    is done (and more remain), its progress event carries ``partial``: a :class:`RobustnessResult` of
    the kinds finished so far (final numbers for them; no per-feature sensitivity yet), for a page to
    show before the whole run ends.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=60), "y": [0, 1] * 30})
    >>> plan = plan_robustness(df, RobustnessSettings(target="y", folds=2, perturbations=("gaussian_noise",)))
    >>> [type(e).__name__ for e in iter_robustness(plan)][-3:]
    ['RobustnessProgress', 'RobustnessProgress', 'RobustnessResult']
    """
    start = time.perf_counter()
    # One BLAS thread (analysis.threads): on a shared machine spinning BLAS threads slow small solves
    # many times over (the rebalancing lab's measurement); the folds are the unit of work.
    s = plan.settings
    y, k, pos = plan.y, plan.n_classes, plan.positive
    n = len(y)
    total, done = _steps(plan), 0
    clean_folds: list[dict[str, float]] = []
    ladders = {kind: s.ladder(kind) for kind in plan.kinds}
    scores: dict[tuple[str, float], list[dict[str, float]]] = {(kd, st): [] for kd, lad in ladders.items() for st in lad}
    flipped = dict.fromkeys(scores, 0)
    scored = dict.fromkeys(scores, 0)
    row_flips = np.zeros(n, dtype=np.int64)
    row_trials = np.zeros(n, dtype=np.int64)
    clean_pred = np.zeros(n, dtype=np.int64)
    sens: dict[str, list[tuple[float, float]]] = {c: [] for c in plan.columns.columns}
    names = plan.metric_names
    # once (made while planning): every fold's training and test rows are slices of it
    prepared = plan.prepared_frame if plan.prepared_frame is not None else plan.prepared(plan.frame)
    folds: list[_Fold] = []
    for f, (train, test) in enumerate(plan.splits):
        train_raw, test_raw = plan.frame.iloc[train], plan.frame.iloc[test]
        with one_thread():
            pipe = _pipeline(plan).fit(prepared.iloc[train], y[train])
            reference = FoldReference.from_frame(train_raw, plan.columns)
            clean_test = prepared.iloc[test].reset_index(drop=True)
            predictor = FoldPredictor(pipe, clean_test)
            matrix = FoldMatrix.from_fold(test_raw, clean_test, plan.columns, reference)
            pred0, proba0 = predictor.predict()
        if proba0.shape[1] != k:
            raise RuntimeError("a training fold lacked a class; stratified folds should prevent this")
        clean_pred[test] = pred0
        clean_folds.append(fold_scores(y[test], pred0, proba0, n_classes=k, positive=pos, names=names))
        folds.append(_Fold(predictor, matrix, test_raw, reference, pred0, proba0))
        done += 1
        yield RobustnessProgress("fit", f + 1, len(plan.splits), done, total)

    # Kind after kind (every fold of one kind, then the next): each kind's curve is final as soon as its
    # last fold is scored, and goes out at once as a partial result. Each (fold, kind, strength) has its
    # own generator, so the order changes no number.
    for i, kind in enumerate(plan.kinds):
        for f, ((_, test), fold) in enumerate(zip(plan.splits, folds)):
            y_test = y[test]
            fold_flips = np.zeros(len(test), dtype=np.int64)
            for strength in ladders[kind]:
                pred, proba = fold.predict(kind, strength, _rng(s.seed, f, kind, strength), plan.columns)
                scores[(kind, strength)].append(clean_folds[f] if pred is fold.pred0 else
                                                fold_scores(y_test, pred, proba, n_classes=k, positive=pos, names=names))
                changed = pred != fold.pred0
                fold_flips += changed
                flipped[(kind, strength)] += int(np.count_nonzero(changed))
                scored[(kind, strength)] += len(test)
            row_flips[test] += fold_flips
            row_trials[test] += len(ladders[kind])
            done += 1
            partial = None
            if f == len(folds) - 1 and i < len(plan.kinds) - 1:
                finished = set(plan.kinds[: i + 1])
                partial = _assemble(plan, clean_folds, {key: v for key, v in scores.items() if key[0] in finished},
                                    flipped, scored, row_flips, row_trials, clean_pred, {},
                                    time.perf_counter() - start)
            yield RobustnessProgress(kind, f + 1, len(plan.splits), done, total, partial)
    if s.sensitivity and plan.columns.columns:
        for f, ((_, test), fold) in enumerate(zip(plan.splits, folds)):
            clean_ba = clean_folds[f][VERDICT_METRIC]
            for column in plan.columns.columns:
                column_kind = next(kd for kd in ("numeric", "categorical", "text") if column in plan.columns.of(kd))
                kind, strength = SENSITIVITY[column_kind]
                pred, proba = fold.predict(kind, strength, _rng(s.seed, f, "sensitivity:" + column, strength),
                                           plan.columns.only(column))
                score = fold_scores(y[test], pred, proba, n_classes=k, positive=pos, names=(VERDICT_METRIC,))
                sens[column].append((clean_ba, score[VERDICT_METRIC]))
            done += 1
            yield RobustnessProgress("sensitivity", f + 1, len(plan.splits), done, total)
    yield _assemble(plan, clean_folds, scores, flipped, scored, row_flips, row_trials, clean_pred, sens,
                    time.perf_counter() - start)


def _summaries(plan: RobustnessPlan, folds: list[dict[str, float]]) -> dict[str, Any]:
    ratio = plan.test_train_ratio
    return {m: metric_summary([f[m] for f in folds], ratio, METRICS[m].bounds) for m in plan.metric_names}


def _assemble(
    plan: RobustnessPlan, clean_folds: list[dict[str, float]], scores: dict[tuple[str, float], list[dict[str, float]]],
    flipped: dict[tuple[str, float], int], scored: dict[tuple[str, float], int], row_flips: np.ndarray,
    row_trials: np.ndarray, clean_pred: np.ndarray, sens: dict[str, list[tuple[float, float]]], seconds: float,
) -> RobustnessResult:
    s = plan.settings
    clean = _summaries(plan, clean_folds)
    perturbed = tuple(
        PerturbationScore(kind, float(strength), _summaries(plan, folds), flipped[(kind, strength)] / max(scored[(kind, strength)], 1))
        for (kind, strength), folds in scores.items()
    )
    sensitivity = []
    for column, pairs in sens.items():
        if not pairs:
            continue
        column_kind = next(kd for kd in ("numeric", "categorical", "text") if column in plan.columns.of(kd))
        kind, strength = SENSITIVITY[column_kind]
        sensitivity.append(FeatureSensitivity(column, column_kind, kind, strength,
                                              float(np.mean([p[0] for p in pairs])), float(np.mean([p[1] for p in pairs]))))
    sensitivity.sort(key=lambda x: (-x.drop, x.feature))
    verdict, text = robustness_verdict(clean, perturbed, plan.n_classes)
    notes = list(plan.notes)  # skipped kinds are listed (with the reason) under ``skipped``
    return RobustnessResult(
        verdict=verdict, verdict_text=text, target=s.target, model=s.model, folds=s.folds, seed=s.seed,
        classes=plan.classes, positive_class=plan.classes[plan.positive] if plan.positive is not None else None,
        rows_used=len(plan.y), features=plan.columns, dropped=plan.dropped, clean=clean, perturbations=perturbed,
        skipped=dict(plan.skipped), sensitivity=tuple(sensitivity), rows=plan.rows, flips=row_flips, trials=row_trials,
        y=plan.y, clean_pred=clean_pred, splits=plan.groups.to_dict(), seconds=seconds, _notes=tuple(notes),
    )


def robustness(
    df: pd.DataFrame,
    settings: RobustnessSettings | None = None,
    *,
    target: str | None = None,
    callback: Callable[[RobustnessProgress], None] | None = None,
    **kwargs: Any,
) -> RobustnessResult:
    """Cross-validated scores of a model under perturbations of increasing strength (the one-call API).

    Takes a :class:`RobustnessSettings`, or ``target=`` and its fields as keywords;
    ``callback`` receives every progress event.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=200)
    >>> df = pd.DataFrame({"x": x, "y": (x > 0).astype(int)})
    >>> res = robustness(df, target="y", perturbations=("gaussian_noise",), folds=3)
    >>> res.verdict, [round(p.strength, 2) for p in res.ladder("gaussian_noise")]
    ('sensitive', [0.05, 0.1, 0.25, 0.5, 1.0])
    """
    if settings is None:
        if target is None:
            from .perturbations import RobustnessError

            raise RobustnessError("A robustness run needs a target column (target=...).")
        settings = RobustnessSettings(target=target, **kwargs)
    plan = plan_robustness(df, settings)
    result = None
    for event in iter_robustness(plan):
        if isinstance(event, RobustnessResult):
            result = event
        elif callback is not None:
            callback(event)
    assert result is not None
    return result
