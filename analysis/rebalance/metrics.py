"""The metric registry: every metric of the comparison carries its label, its score and its direction.

Adding a metric is one :meth:`Registry.register` call with a :class:`Metric`;
the comparison, the CLI, the page and the tests list :data:`METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import RebalanceError
from ..registry import Registry

__all__ = ["BINARY_ONLY", "HIGHER_IS_BETTER", "METRICS", "METRIC_LABELS", "Metric", "fold_metrics"]


@dataclass(frozen=True)
class Metric:
    """One metric of a test fold.

    ``score(y_true, y_pred, proba, *, labels, positive)`` gets class codes
    0..K-1, the predicted codes, the K-column probabilities, the list of codes
    and the positive (minority) code of a binary target (``None`` otherwise).
    ``binary_only`` metrics are computed for binary targets only. ``bounds``
    is the range the metric can take (``(0, 1)`` for shares and AUCs, ``(-1, 1)``
    for MCC; ``None``: unbounded): intervals are clipped to it, and say so.
    """

    name: str
    label: str
    score: Callable[..., float]
    higher_is_better: bool = True
    binary_only: bool = False
    bounds: tuple[float, float] | None = (0.0, 1.0)

    def applies(self, positive: int | None) -> bool:
        """Whether this metric is computed for a target (binary when ``positive`` is set)."""
        return positive is not None or not self.binary_only


def _skm() -> Any:
    from sklearn import metrics

    return metrics


def _accuracy(y, pred, proba, *, labels, positive) -> float:
    return _skm().accuracy_score(y, pred)


def _balanced_accuracy(y, pred, proba, *, labels, positive) -> float:
    return _skm().balanced_accuracy_score(y, pred)


def _f1_macro(y, pred, proba, *, labels, positive) -> float:
    return _skm().f1_score(y, pred, labels=labels, average="macro", zero_division=0)


def _mcc(y, pred, proba, *, labels, positive) -> float:
    return _skm().matthews_corrcoef(y, pred)


def _g_mean(y, pred, proba, *, labels, positive) -> float:
    from imblearn.metrics import geometric_mean_score

    return geometric_mean_score(y, pred, labels=labels, average="multiclass")


def _roc_auc(y, pred, proba, *, labels, positive) -> float:
    return _skm().roc_auc_score((y == positive).astype(int), proba[:, positive])


def _average_precision(y, pred, proba, *, labels, positive) -> float:
    return _skm().average_precision_score((y == positive).astype(int), proba[:, positive])


def _brier(y, pred, proba, *, labels, positive) -> float:
    return _skm().brier_score_loss((y == positive).astype(int), proba[:, positive])


#: Every metric summarised per strategy, in display order (iterating gives the names).
METRICS: Registry[Metric] = Registry("metric", RebalanceError)
for _metric in (
    Metric("accuracy", "accuracy", _accuracy),
    Metric("balanced_accuracy", "balanced accuracy", _balanced_accuracy),
    Metric("f1_macro", "macro F1", _f1_macro),
    Metric("mcc", "MCC", _mcc, bounds=(-1.0, 1.0)),
    Metric("g_mean", "G-mean", _g_mean),
    Metric("roc_auc", "ROC AUC", _roc_auc, binary_only=True),
    Metric("average_precision", "PR AUC (average precision)", _average_precision, binary_only=True),
    Metric("brier", "Brier score (lower is better)", _brier, higher_is_better=False, binary_only=True),
):
    METRICS.register(_metric)


class _View(Mapping[str, Any]):
    """A live ``name -> attribute`` view of the metric registry (the old parallel dicts, derived)."""

    def __init__(self, get: Callable[[Metric], Any], keep: Callable[[Metric], bool] = lambda m: True) -> None:
        self._get, self._keep = get, keep

    def __getitem__(self, name: str) -> Any:
        metric = METRICS[name]
        if not self._keep(metric):
            raise KeyError(name)
        return self._get(metric)

    def __iter__(self) -> Iterator[str]:
        return (m.name for m in METRICS.values() if self._keep(m))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name: object) -> bool:
        return name in METRICS.names() and self._keep(METRICS[str(name)])


#: Direction of each metric (the Brier score is a loss): a view of :data:`METRICS`.
HIGHER_IS_BETTER: Mapping[str, bool] = _View(lambda m: m.higher_is_better)
#: Display label of each metric: a view of :data:`METRICS`.
METRIC_LABELS: Mapping[str, str] = _View(lambda m: m.label)
#: The metrics that need a binary target (``name in BINARY_ONLY``): a view of :data:`METRICS`.
BINARY_ONLY: Mapping[str, bool] = _View(lambda m: True, lambda m: m.binary_only)


def metric_names(positive: int | None) -> tuple[str, ...]:
    """The registered metrics that apply to a target (binary when ``positive`` is set), in order."""
    return tuple(m.name for m in METRICS.values() if m.applies(positive))


def fold_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray, *, n_classes: int, positive: int | None
) -> dict[str, float]:
    """Every registered metric of one test fold (class codes 0..K-1; ``proba`` has K columns), plus per-class
    ``precision_<k>`` and ``recall_<k>``.

    Examples
    --------
    >>> m = fold_metrics(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]),
    ...                  np.array([[.9, .1], [.4, .6], [.3, .7], [.2, .8]]), n_classes=2, positive=1)
    >>> m["accuracy"], m["balanced_accuracy"], m["roc_auc"]
    (0.75, 0.75, 1.0)
    """
    labels = list(range(n_classes))
    out = {
        m.name: m.score(y_true, y_pred, proba, labels=labels, positive=positive)
        for m in METRICS.values() if m.applies(positive)
    }
    precision, recall, _, _ = _skm().precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    for k in labels:
        out[f"precision_{k}"] = precision[k]
        out[f"recall_{k}"] = recall[k]
    return {k: float(v) for k, v in out.items()}
