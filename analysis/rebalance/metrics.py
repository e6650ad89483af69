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

    ``from_counts(cm)``, optional, gives the same number as ``score`` from the
    fold's K x K confusion matrix (rows true, columns predicted), which
    :func:`fold_metrics` builds once per fold: scikit-learn's metrics check
    their inputs on every call, about 3 to 9 ms each, more than the fit of a
    small fold. A test holds every ``from_counts`` equal to its ``score`` to
    the last bit (tests/analysis/test_metric_counts.py).
    """

    name: str
    label: str
    score: Callable[..., float]
    higher_is_better: bool = True
    binary_only: bool = False
    bounds: tuple[float, float] | None = (0.0, 1.0)
    from_counts: Callable[[np.ndarray], float] | None = None

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


# The same numbers from one confusion matrix, written as scikit-learn 1.9 and imbalanced-learn 0.14 compute them
# (the same operations in the same order, so the floats are identical, not just close).

def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den as float64, 0 where den is 0 (scikit-learn's ``_prf_divide`` with ``zero_division=0``)."""
    den = den.astype(np.float64)
    mask = den == 0
    den[mask] = 1
    out = num.astype(np.float64) / den
    out[mask] = 0.0
    return out


def _accuracy_counts(cm: np.ndarray) -> float:
    return float(np.trace(cm) / cm.sum())


def _balanced_accuracy_counts(cm: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class = np.diag(cm) / cm.sum(axis=1)
    return float(np.mean(per_class[~np.isnan(per_class)]))  # classes absent from y_true drop out


def _f1_macro_counts(cm: np.ndarray) -> float:
    tp, pred_sum, true_sum = np.diag(cm), cm.sum(axis=0), cm.sum(axis=1)
    denom = 1.0 * true_sum.astype(np.float64) + pred_sum.astype(np.float64)
    return float(np.nanmean(_divide(2.0 * tp.astype(np.float64), denom)))


def _mcc_counts(cm: np.ndarray) -> float:
    t_sum = cm.sum(axis=1, dtype=np.float64)
    p_sum = cm.sum(axis=0, dtype=np.float64)
    n_correct = np.trace(cm, dtype=np.float64)
    n_samples = p_sum.sum()
    cov_ytyp = n_correct * n_samples - np.dot(t_sum, p_sum)
    cov_ypyp = n_samples**2 - np.dot(p_sum, p_sum)
    cov_ytyt = n_samples**2 - np.dot(t_sum, t_sum)
    cov_ypyp_ytyt = cov_ypyp * cov_ytyt
    return 0.0 if cov_ypyp_ytyt == 0 else float(cov_ytyp / np.sqrt(cov_ypyp_ytyt))


def _g_mean_counts(cm: np.ndarray) -> float:
    from scipy.stats import gmean

    recall = _divide(np.diag(cm), cm.sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(gmean(recall))


#: Every metric summarised per strategy, in display order (iterating gives the names).
METRICS: Registry[Metric] = Registry("metric", RebalanceError)
for _metric in (
    Metric("accuracy", "accuracy", _accuracy, from_counts=_accuracy_counts),
    Metric("balanced_accuracy", "balanced accuracy", _balanced_accuracy, from_counts=_balanced_accuracy_counts),
    Metric("f1_macro", "macro F1", _f1_macro, from_counts=_f1_macro_counts),
    Metric("mcc", "MCC", _mcc, bounds=(-1.0, 1.0), from_counts=_mcc_counts),
    Metric("g_mean", "G-mean", _g_mean, from_counts=_g_mean_counts),
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


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """The K x K confusion matrix of class codes 0..K-1 (rows true, columns predicted), as
    ``sklearn.metrics.confusion_matrix(labels=range(K))`` gives it.

    >>> confusion_counts(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), 3).tolist()
    [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    """
    codes = np.asarray(y_true, dtype=np.int64) * n_classes + np.asarray(y_pred, dtype=np.int64)
    return np.bincount(codes, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


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
    cm = confusion_counts(y_true, y_pred, n_classes)
    out = {
        m.name: m.from_counts(cm) if m.from_counts is not None
        else m.score(y_true, y_pred, proba, labels=labels, positive=positive)
        for m in METRICS.values() if m.applies(positive)
    }
    precision = _divide(np.diag(cm), cm.sum(axis=0))  # precision_recall_fscore_support(zero_division=0)
    recall = _divide(np.diag(cm), cm.sum(axis=1))
    for k in labels:
        out[f"precision_{k}"] = precision[k]
        out[f"recall_{k}"] = recall[k]
    return {k: float(v) for k, v in out.items()}
