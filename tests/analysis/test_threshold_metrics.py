"""The threshold objectives equal scikit-learn's metrics exactly (``==``), so threshold moving tunes the
same threshold as with ``scoring="balanced_accuracy"`` / ``f1_score`` / ``matthews_corrcoef``.

Reference: scikit-learn's ``balanced_accuracy_score``, ``f1_score(pos_label=...)`` and ``matthews_corrcoef``
on the same label arrays, and ``TunedThresholdClassifierCV`` with scikit-learn's own scorer.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, f1_score, matthews_corrcoef

from analysis.rebalance.threshold_metrics import balanced_accuracy, f1_positive, mcc, threshold_scorer


def _pairs():
    rng = np.random.default_rng(0)
    for n in (1, 2, 5, 37, 300):
        for p_true in (0.0, 0.03, 0.5, 1.0):
            for p_pred in (0.0, 0.1, 0.5, 1.0):
                y = (rng.random(n) < p_true).astype(int)
                yield y, (rng.random(n) < p_pred).astype(int)
    # string labels, and predictions holding a class y_true lacks
    yield np.array(["neg", "pos", "pos"]), np.array(["pos", "pos", "neg"])
    yield np.array(["a", "a", "a"]), np.array(["a", "b", "b"])


@pytest.mark.parametrize("ours,theirs", [(balanced_accuracy, balanced_accuracy_score), (mcc, matthews_corrcoef)])
def test_equal_to_scikit_learn_exactly(ours, theirs):
    checked = 0
    for y_true, y_pred in _pairs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = theirs(y_true, y_pred)
        assert ours(y_true, y_pred) == expected, (y_true, y_pred)
        checked += 1
    assert checked > 60


def test_f1_of_the_positive_class_equal_to_scikit_learn_exactly():
    checked = 0
    for y_true, y_pred in _pairs():
        if y_true.dtype.kind != "i":
            pos = "pos" if "pos" in y_true else "a"
        else:
            pos = 1
        labels = set(np.unique(np.concatenate([y_true, y_pred])).tolist())
        if len(labels) > 2 or (pos not in labels and len(labels) == 2):
            continue  # scikit-learn refuses these; threshold moving never passes them
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = f1_score(y_true, y_pred, pos_label=pos)
        assert f1_positive(y_true, y_pred, pos_label=pos) == expected, (y_true, y_pred)
        checked += 1
    assert checked > 60


@pytest.mark.parametrize("objective", ["balanced_accuracy", "f1", "mcc"])
def test_tuned_threshold_is_the_one_scikit_learns_scorer_finds(objective):
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    reference = {"balanced_accuracy": "balanced_accuracy", "f1": make_scorer(f1_score, pos_label=0),
                 "mcc": make_scorer(matthews_corrcoef)}[objective]

    def tuned(scoring):
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        return TunedThresholdClassifierCV(model, scoring=scoring, cv=StratifiedKFold(3, shuffle=True, random_state=0),
                                          thresholds=25, store_cv_results=True).fit(X, y)

    ours, theirs = tuned(threshold_scorer(objective, 0)), tuned(reference)
    assert ours.best_threshold_ == theirs.best_threshold_ and ours.best_score_ == theirs.best_score_
    np.testing.assert_array_equal(ours.cv_results_["scores"], theirs.cv_results_["scores"])
