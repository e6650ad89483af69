"""Every metric's ``from_counts`` (one confusion matrix per fold) gives the number its ``score`` gives, to the last
bit, and ``fold_metrics``'s per-class precision and recall equal scikit-learn's.

Reference: scikit-learn's ``accuracy_score``, ``balanced_accuracy_score``, ``f1_score``, ``matthews_corrcoef``,
``confusion_matrix`` and ``precision_recall_fscore_support``, and imbalanced-learn's ``geometric_mean_score``
(the registry's ``score`` callables call them), on arbitrary labels: classes missing from the truth, from the
predictions or from both, one class predicted everywhere, a single row.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from tiers import examples

from analysis.rebalance import METRICS, fold_metrics
from analysis.rebalance.metrics import confusion_counts

COUNTED = [m for m in METRICS.values() if m.from_counts is not None]


def _same(a: float, b: float) -> bool:
    return (a == b) or (a != a and b != b)  # equal, or both NaN


@st.composite
def folds(draw):
    k = draw(st.integers(2, 5))
    n = draw(st.integers(1, 80))
    codes = st.lists(st.integers(0, k - 1), min_size=n, max_size=n)
    y, pred = np.array(draw(codes), dtype=np.int64), np.array(draw(codes), dtype=np.int64)
    return k, y, pred


def test_the_confusion_matrix_based_metrics_are_the_ones_expected():
    assert {m.name for m in COUNTED} == {"accuracy", "balanced_accuracy", "f1_macro", "mcc", "g_mean"}


@settings(max_examples=examples(80), deadline=None)
@given(folds())
def test_from_counts_equals_score_bit_for_bit(fold):
    k, y, pred = fold
    cm = confusion_counts(y, pred, k)
    assert cm.tolist() == confusion_matrix(y, pred, labels=list(range(k))).tolist()
    proba = np.full((len(y), k), 1.0 / k)
    with _quiet():
        for metric in COUNTED:
            expected = metric.score(y, pred, proba, labels=list(range(k)), positive=None)
            assert _same(metric.from_counts(cm), float(expected)), (metric.name, y.tolist(), pred.tolist())


@settings(max_examples=examples(40), deadline=None)
@given(folds())
def test_fold_metrics_per_class_precision_and_recall_equal_scikit_learns(fold):
    k, y, pred = fold
    out = fold_metrics(y, pred, np.full((len(y), k), 1.0 / k), n_classes=k, positive=None)
    with _quiet():
        precision, recall, _, _ = precision_recall_fscore_support(y, pred, labels=list(range(k)), zero_division=0)
    for c in range(k):
        assert out[f"precision_{c}"] == float(precision[c]) and out[f"recall_{c}"] == float(recall[c])


@pytest.mark.parametrize("n", [20_000, 300_000])
def test_large_folds_stay_exact(n):
    """Past about 10,000 rows the product of MCC's two covariances exceeds 2**53 and is rounded: it must round
    as scikit-learn's does (the same operations in the same order)."""
    rng = np.random.default_rng(n)
    y = (rng.random(n) < 0.03).astype(np.int64)
    pred = np.where(rng.random(n) < 0.9, y, 1 - y)
    cm = confusion_counts(y, pred, 2)
    proba = np.full((n, 2), 0.5)
    with _quiet():
        for metric in COUNTED:
            assert metric.from_counts(cm) == float(metric.score(y, pred, proba, labels=[0, 1], positive=1)), metric.name


@contextlib.contextmanager
def _quiet():
    """scikit-learn warns on ill-defined metrics (a class never predicted); the values are what is compared."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield
