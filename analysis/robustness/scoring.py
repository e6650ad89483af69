"""Scoring many predictions of one test fold cheaply: the registry's metrics from one confusion matrix.

A robustness run scores every test fold dozens of times (each perturbation at
each strength). scikit-learn's metric functions validate their inputs on every
call, which cost more than the predictions themselves (about 0.1 s per fold
and perturbation for the eight registered metrics). Every metric of the
registry that is a function of the confusion matrix (accuracy, balanced
accuracy, macro F1, MCC, G-mean) is computed here from one ``np.bincount``;
ROC AUC (Mann-Whitney with mid-ranks), average precision (scikit-learn's
step-wise definition) and the Brier score from one sort. Any other registered
metric falls back to its own ``score`` function, so a new registry entry is
scored all the same. ``tests/analysis/test_robustness_scoring.py`` checks every
fast path against scikit-learn / imbalanced-learn on random folds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..rebalance import METRICS

__all__ = ["FAST_METRICS", "fold_scores"]


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros_like(a, dtype=float)
    np.divide(a, b, out=out, where=b != 0)
    return out


def _accuracy(c: np.ndarray) -> float:
    return float(np.trace(c) / c.sum())


def _balanced_accuracy(c: np.ndarray) -> float:
    true = c.sum(axis=1)
    recall = np.diag(c)[true > 0] / true[true > 0]  # sklearn leaves out classes absent from y_true
    return float(recall.mean())


def _f1_macro(c: np.ndarray) -> float:
    tp = np.diag(c).astype(float)
    precision = _safe_div(tp, c.sum(axis=0).astype(float))
    recall = _safe_div(tp, c.sum(axis=1).astype(float))
    return float(_safe_div(2 * precision * recall, precision + recall).mean())


def _mcc(c: np.ndarray) -> float:
    # Gorodkin's multiclass MCC, as sklearn.metrics.matthews_corrcoef computes it
    t = c.sum(axis=1).astype(float)
    p = c.sum(axis=0).astype(float)
    n = float(c.sum())
    correct = float(np.trace(c))
    cov_tp = correct * n - t @ p
    cov_pp = n * n - p @ p
    cov_tt = n * n - t @ t
    return 0.0 if cov_pp * cov_tt == 0 else float(cov_tp / np.sqrt(cov_tt * cov_pp))


def _g_mean(c: np.ndarray) -> float:
    true = c.sum(axis=1).astype(float)
    recall = _safe_div(np.diag(c).astype(float), true)
    return float(np.prod(recall) ** (1.0 / len(recall)))


FAST_METRICS: dict[str, Callable[[np.ndarray], float]] = {
    "accuracy": _accuracy,
    "balanced_accuracy": _balanced_accuracy,
    "f1_macro": _f1_macro,
    "mcc": _mcc,
    "g_mean": _g_mean,
}


def _ranking(y_pos: np.ndarray, score: np.ndarray, names: set[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    order = np.argsort(score, kind="mergesort")  # one sort serves both curves
    s, t = score[order], y_pos[order]
    # runs of equal scores: [start, end) in the ascending order
    bounds = np.r_[0, np.flatnonzero(np.diff(s)) + 1, len(s)]
    if "roc_auc" in names:
        # Mann-Whitney U with mid-ranks for ties (what sklearn's trapezoidal ROC area equals)
        mid = (bounds[:-1] + bounds[1:] + 1) / 2.0  # average 1-based rank of each run
        ranks = np.repeat(mid, np.diff(bounds))
        n_pos = float(t.sum())
        n_neg = float(len(t) - n_pos)
        out["roc_auc"] = float((ranks[t].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    if "average_precision" in names:
        # sklearn's step-wise AP: thresholds at the distinct scores, from the highest down
        pos_in_run = np.add.reduceat(t.astype(float), bounds[:-1])[::-1]
        size = np.diff(bounds)[::-1]
        tps = np.cumsum(pos_in_run)
        predicted = np.cumsum(size)
        precision = tps / predicted
        recall = tps / tps[-1]
        out["average_precision"] = float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
    if "brier" in names:
        out["brier"] = float(np.mean((y_pos.astype(float) - score) ** 2))
    return out


def fold_scores(
    y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray, *, n_classes: int, positive: int | None,
    names: Sequence[str],
) -> dict[str, float]:
    """The metrics ``names`` (registry names) of one test fold: class codes 0..K-1, K-column probabilities.

    Examples
    --------
    >>> s = fold_scores(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]),
    ...                 np.array([[.9, .1], [.4, .6], [.3, .7], [.2, .8]]), n_classes=2, positive=1,
    ...                 names=("accuracy", "balanced_accuracy", "roc_auc"))
    >>> s["accuracy"], s["balanced_accuracy"], s["roc_auc"]
    (0.75, 0.75, 1.0)
    """
    c = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    out = {m: FAST_METRICS[m](c) for m in names if m in FAST_METRICS}
    if positive is not None:
        out.update(_ranking(y_true == positive, proba[:, positive], set(names)))
    labels = list(range(n_classes))
    for m in names:
        if m not in out:
            out[m] = float(METRICS[m].score(y_true, y_pred, proba, labels=labels, positive=positive))
    return out
