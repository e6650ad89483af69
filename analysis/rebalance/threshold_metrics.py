"""The objectives threshold moving scores at every candidate threshold, without scikit-learn's per-call checks.

``TunedThresholdClassifierCV`` scores each of its 100 candidate thresholds on each
inner fold by calling the metric once per threshold. scikit-learn's public metrics
validate their inputs on every call (``type_of_target``, label unions, a
confusion matrix through ``validate_params``), which cost about a millisecond a
call: most of the time threshold moving spends on a few hundred rows. These are
the same formulas on two label arrays, in the same floating-point order as
scikit-learn 1.9's ``balanced_accuracy_score``, ``f1_score(pos_label=...)`` and
``matthews_corrcoef`` (balanced accuracy and MCC are the comparison's own
confusion-matrix formulas, :mod:`analysis.rebalance.metrics`), so the tuned
threshold, and every number downstream, is unchanged
(``tests/analysis/test_threshold_metrics.py`` compares them with ``==`` on
random and degenerate label arrays). The search itself stays scikit-learn's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .metrics import _balanced_accuracy_counts, _mcc_counts, confusion_counts


def _codes(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """Both arrays as codes into their sorted union of labels (as ``LabelEncoder`` does)."""
    labels, codes = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]), return_inverse=True)
    n = len(np.asarray(y_true))
    return codes[:n], codes[n:], len(labels)


def balanced_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean recall over the classes present in ``y_true`` (``balanced_accuracy_score``)."""
    return _balanced_accuracy_counts(confusion_counts(*_codes(y_true, y_pred)))


def f1_positive(y_true: Any, y_pred: Any, *, pos_label: Any = 1) -> float:
    """F1 of the class ``pos_label``: 2 tp / (true + predicted), 0 when both are 0 (``f1_score``'s
    ``zero_division="warn"`` value, without the warning)."""
    t = np.asarray(y_true) == pos_label
    p = np.asarray(y_pred) == pos_label
    tp, true_sum, pred_sum = int(np.count_nonzero(t & p)), int(np.count_nonzero(t)), int(np.count_nonzero(p))
    denom = true_sum + pred_sum
    return 0.0 if denom == 0 else float(np.float64(2 * tp) / np.float64(denom))


def mcc(y_true: Any, y_pred: Any) -> float:
    """Matthews correlation coefficient from the confusion matrix's margins (``matthews_corrcoef``)."""
    return _mcc_counts(confusion_counts(*_codes(y_true, y_pred)))


def threshold_scorer(objective: str, positive: int | None) -> Any:
    """The scorer ``TunedThresholdClassifierCV`` maximises for ``objective`` (balanced_accuracy, f1 or mcc)."""
    from sklearn.metrics import make_scorer

    if objective == "f1":
        return make_scorer(f1_positive, pos_label=positive if positive is not None else 1)
    if objective == "mcc":
        return make_scorer(mcc)
    return make_scorer(balanced_accuracy)
