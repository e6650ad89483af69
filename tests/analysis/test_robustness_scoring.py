"""The fast scores of a test fold equal scikit-learn's and imbalanced-learn's (the registry's own functions)."""

import numpy as np
import pytest
from imblearn.metrics import geometric_mean_score
from sklearn import metrics as skm

from analysis.robustness.scoring import fold_scores

BINARY = ("accuracy", "balanced_accuracy", "f1_macro", "mcc", "g_mean", "roc_auc", "average_precision", "brier")


@pytest.mark.parametrize("seed", range(6))
def test_binary_scores_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    p1 = np.round(rng.random(n), 1 if seed % 2 else 6)  # rounded: many ties in the scores
    proba = np.column_stack([1 - p1, p1])
    pred = (p1 > rng.random()).astype(int)
    got = fold_scores(y, pred, proba, n_classes=2, positive=1, names=BINARY)
    ref = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "f1_macro": skm.f1_score(y, pred, labels=[0, 1], average="macro", zero_division=0),
        "mcc": skm.matthews_corrcoef(y, pred),
        "g_mean": geometric_mean_score(y, pred, labels=[0, 1], average="multiclass"),
        "roc_auc": skm.roc_auc_score(y, p1),
        "average_precision": skm.average_precision_score(y, p1),
        "brier": skm.brier_score_loss(y, p1),
    }
    for m in BINARY:
        assert got[m] == pytest.approx(ref[m], abs=1e-12), m


def test_multiclass_scores_equal_sklearn_including_a_class_never_predicted():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 300)
    pred = rng.choice([0, 1, 2], 300)  # class 3 is never predicted: zero precision, zero G-mean
    proba = rng.dirichlet(np.ones(4), 300)
    names = ("accuracy", "balanced_accuracy", "f1_macro", "mcc", "g_mean")
    got = fold_scores(y, pred, proba, n_classes=4, positive=None, names=names)
    labels = [0, 1, 2, 3]
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, pred), abs=1e-12)
    assert got["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred), abs=1e-12)
    assert got["f1_macro"] == pytest.approx(skm.f1_score(y, pred, labels=labels, average="macro", zero_division=0),
                                            abs=1e-12)
    assert got["mcc"] == pytest.approx(skm.matthews_corrcoef(y, pred), abs=1e-12)
    assert got["g_mean"] == pytest.approx(geometric_mean_score(y, pred, labels=labels, average="multiclass"),
                                          abs=1e-12)


def test_verdict_sentences_name_the_drop_with_enough_digits_to_see_it():
    """Hand-made scores: a tiny drop is written with three decimals (never 'from 0.80 to 0.80'), and each verdict
    band follows from the drop at the reference strength (module doc of analysis.robustness.results)."""
    from analysis.rebalance.results import MetricSummary
    from analysis.robustness.results import PerturbationScore, robustness_verdict

    def summary(mean: float) -> MetricSummary:
        return MetricSummary(mean=mean, std=0.01, ci_low=mean - 0.02, ci_high=mean + 0.02, values=(mean,))

    def verdict(after: float) -> tuple[str, str]:
        scores = (PerturbationScore("gaussian_noise", 0.1, {"balanced_accuracy": summary(after)}, 0.03),)
        return robustness_verdict({"balanced_accuracy": summary(0.7986)}, scores, 2)

    band, text = verdict(0.7953)
    assert band == "robust" and "from 0.799 to 0.795" in text and "largest drop of any perturbation" in text
    band, text = verdict(0.62)
    assert band == "fragile" and "from 0.80 to 0.62" in text
