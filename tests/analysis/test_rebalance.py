"""Rebalancing lab: metrics against scikit-learn/imbalanced-learn, the corrected t-test, leakage, the battery."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from rebalance_data import all_categorical, mixed, no_signal, numeric_binary
from scipy import stats
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer, matthews_corrcoef
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold, cross_val_predict, cross_validate
from sklearn.preprocessing import StandardScaler

from analysis.errors import (
    RebalanceError,
    RegressionTargetError,
    TooFewRowsError,
    UnknownModelError,
    UnknownStrategyError,
)
from analysis.rebalance import (
    DEFAULT_STRATEGIES,
    STRATEGIES,
    compare_strategies,
    corrected_interval,
    corrected_resampled_ttest,
    estimate_cost,
    iter_comparison,
    plan_comparison,
)

ALL = list(STRATEGIES)

# Ensemble strategies with fewer members (tests/conftest.py): the battery and the leakage test
# check that each strategy runs, says why, or stays at chance on noise, not the ensemble's size.
pytestmark = pytest.mark.usefixtures("light_ensembles")


# --- exact metric values against independent computations on the same folds ----------------
def _hand_pipeline(sampler):
    steps = [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    if sampler is not None:
        steps.append(("sampler", sampler))
    steps.append(("model", LogisticRegression(max_iter=1000)))
    return Pipeline(steps)


@pytest.mark.parametrize(
    "strategy, sampler",
    [("none", None), ("random_over", RandomOverSampler(random_state=7)), ("smote", SMOTE(random_state=7))],
)
def test_fold_metrics_equal_sklearn_cross_validate_on_the_same_folds(strategy, sampler):
    # Reference: sklearn.model_selection.cross_validate with sklearn/imblearn scorers, on a pipeline
    # assembled here by hand, with the same RepeatedStratifiedKFold(seed) splits.
    df = numeric_binary(240, seed=5)
    res = compare_strategies(df, target="label", strategies=[strategy], folds=3, repeats=2, seed=7, n_jobs=1)
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=7)
    scoring = {
        "accuracy": "accuracy",
        "balanced_accuracy": "balanced_accuracy",
        "f1_macro": "f1_macro",
        "mcc": make_scorer(matthews_corrcoef),
        "g_mean": make_scorer(geometric_mean_score),
        "roc_auc": "roc_auc",
        "average_precision": "average_precision",
        "brier": "neg_brier_score",
    }
    X, y = df[["a", "b", "c", "d"]].to_numpy(), df["label"].to_numpy()
    ref = cross_validate(_hand_pipeline(sampler), X, y, cv=cv, scoring=scoring)
    got = res.result(strategy)
    for metric in scoring:
        expected = ref[f"test_{metric}"] * (-1 if metric == "brier" else 1)
        assert np.allclose(got.metrics[metric].values, expected, atol=1e-10), metric
        assert got.metrics[metric].mean == pytest.approx(expected.mean(), abs=1e-12)
        assert got.metrics[metric].std == pytest.approx(expected.std(ddof=1), abs=1e-12)


def test_per_class_recall_and_confusion_matrix_match_out_of_fold_predictions():
    # Reference: sklearn cross_val_predict on the first repeat's folds (StratifiedKFold, same seed).
    df = numeric_binary(240, seed=6)
    res = compare_strategies(df, target="label", strategies=["none"], folds=3, seed=11, n_jobs=1)
    X, y = df[["a", "b", "c", "d"]].to_numpy(), df["label"].to_numpy()
    cv = StratifiedKFold(3, shuffle=True, random_state=11)
    assert [list(te) for _, te in cv.split(X, y)] == [
        list(te) for _, te in RepeatedStratifiedKFold(n_splits=3, n_repeats=1, random_state=11).split(X, y)
    ]
    pred = cross_val_predict(_hand_pipeline(None), X, y, cv=cv)
    from sklearn.metrics import confusion_matrix, recall_score

    r = res.result("none")
    assert (r.confusion == confusion_matrix(y, pred)).all()
    assert (r.oof_pred == pred).all()
    folds = [recall_score(y[te], pred[te], pos_label=1) for _, te in cv.split(X, y)]
    assert r.per_class["1"]["recall"].mean == pytest.approx(np.mean(folds), abs=1e-12)
    proba = cross_val_predict(_hand_pipeline(None), X, y, cv=cv, method="predict_proba")[:, 1]
    assert np.allclose(r.oof_score, proba)


# --- Nadeau & Bengio's corrected resampled t-test ------------------------------------
def test_corrected_resampled_ttest_equals_the_papers_formula_by_hand():
    # Nadeau & Bengio (2003), eq. for the corrected resampled t: t = mean(d) / sqrt((1/J + n2/n1) s^2).
    a = [0.81, 0.79, 0.84, 0.80, 0.83, 0.78, 0.82, 0.85, 0.80, 0.79]
    b = [0.78, 0.78, 0.80, 0.79, 0.80, 0.77, 0.79, 0.81, 0.80, 0.76]
    d = [x - y for x, y in zip(a, b)]  # 0.03 0.01 0.04 0.01 0.03 0.01 0.03 0.04 0.00 0.03
    mean = sum(d) / 10  # 0.023
    s2 = sum((x - mean) ** 2 for x in d) / 9
    n2_over_n1 = 1 / 4  # 5-fold CV: test = 1/5, train = 4/5 of the rows
    t_hand = mean / math.sqrt((1 / 10 + n2_over_n1) * s2)
    p_hand = 2 * (1 - stats.t.cdf(abs(t_hand), df=9))
    diff, t, p = corrected_resampled_ttest(a, b, test_train_ratio=n2_over_n1)
    assert diff == pytest.approx(0.023, abs=1e-12)
    assert t == pytest.approx(t_hand, rel=1e-12)
    assert p == pytest.approx(p_hand, rel=1e-9)
    # The uncorrected paired t-test (scipy) is larger: the correction widens the variance.
    naive = stats.ttest_rel(a, b).statistic
    assert t == pytest.approx(naive * math.sqrt((1 / 10) / (1 / 10 + 1 / 4)), rel=1e-10)
    assert t < naive


def test_corrected_ttest_edge_cases():
    assert corrected_resampled_ttest([0.5, 0.5], [0.5, 0.5], test_train_ratio=0.5) == (0.0, 0.0, 1.0)
    d, t, p = corrected_resampled_ttest([0.6, 0.6], [0.5, 0.5], test_train_ratio=0.5)
    assert t == math.inf and p == 0.0 and d == pytest.approx(0.1)


def test_corrected_interval_by_hand():
    # mean +- t_{J-1, 0.975} * sqrt((1/J + n2/n1) s^2), with scipy's Student t quantile.
    v = [0.70, 0.74, 0.69, 0.73, 0.71, 0.75]
    m, s2 = np.mean(v), np.var(v, ddof=1)
    half = stats.t.ppf(0.975, 5) * math.sqrt((1 / 6 + 1 / 2) * s2)
    assert corrected_interval(v, test_train_ratio=1 / 2) == pytest.approx((m - half, m + half), rel=1e-12)


def test_verdicts_better_worse_and_no_clear_difference():
    # Strong signal: class weights beat the unweighted model on balanced accuracy; random_under
    # on a tiny training set loses ROC AUC less clearly. The verdict must follow the t-test's p.
    df = numeric_binary(600, minority=0.06, seed=8, signal=2.0)
    res = compare_strategies(df, target="label", strategies=["class_weight", "random_under"], folds=5, repeats=2, n_jobs=1)
    for r in res.strategies[1:]:
        for metric, v in r.versus_baseline.items():
            _, t, p = corrected_resampled_ttest(
                r.metrics[metric].values, res.result("none").metrics[metric].values, test_train_ratio=1 / 4
            )
            assert v.p_value == pytest.approx(p) and v.t == pytest.approx(t)
            higher = metric != "brier"
            expected = "no clear difference" if p >= 0.05 else ("better" if (v.difference > 0) == higher else "worse")
            assert v.verdict == expected
    assert res.result("class_weight").versus_baseline["balanced_accuracy"].verdict == "better"
    # Resampling/weighting shifts probabilities: the Brier score gets worse.
    assert res.result("class_weight").versus_baseline["brier"].verdict == "worse"
    ranking = res.ranking("balanced_accuracy")
    assert "class_weight" in ranking.worth_it
    assert ranking.frame["mean"].is_monotonic_decreasing
    assert "beats the baseline" in ranking.summary


# --- leakage ---------------------------------------------------------------------------
def test_no_signal_data_gives_chance_roc_auc_for_every_strategy():
    # Resampling inside the pipeline touches training folds only: on pure noise no strategy can
    # score above chance. Random forests on rows oversampled before the split would (see below).
    df = no_signal()
    # Random forests memorise: the oversamplers that would leak most run with one.
    over = ["random_over", "smote", "smote_enn"]
    res_rf = compare_strategies(df, target="label", strategies=over, model="rf", folds=3, n_jobs=1)
    others = [n for n in ALL if n not in over]
    res_lr = compare_strategies(df, target="label", strategies=others, folds=3, n_jobs=1)
    for r in list(res_rf.strategies) + list(res_lr.strategies):
        assert r.ok, (r.name, r.skipped)
        auc = r.metrics["roc_auc"]
        # Near chance: per-fold AUC on 15 positives vs 85 negatives has a standard error of about
        # 0.08, and one finite noise sample carries some chance correlation that CV picks up.
        assert abs(auc.mean - 0.5) < 0.15, (r.name, auc.mean)
    # The leaky way, for contrast: SMOTE on all rows, then cross-validate a random forest.
    X, y = SMOTE(random_state=0).fit_resample(df.drop(columns="label").to_numpy(), df["label"].to_numpy())
    leaky = cross_validate(RandomForestClassifier(random_state=0), X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0),
                           scoring="roc_auc")["test_score"].mean()
    assert leaky > 0.85


def test_test_folds_hold_original_rows_only():
    # Every out-of-fold prediction belongs to an original row: as many predictions as rows.
    df = numeric_binary(150, seed=9)
    res = compare_strategies(df, target="label", strategies=["smote", "random_over"], folds=3, n_jobs=1)
    for r in res.strategies:
        assert len(r.oof_pred) == len(df) and (r.oof_pred >= 0).all()
        assert r.confusion.sum() == len(df)


# --- one battery over every strategy ---------------------------------------------------
@pytest.fixture(scope="module")
def battery():
    # "mixed" is binary with missing values, categorical, string, nullable Int64/Float64/boolean
    # columns; plain numeric binary data is covered by the exact-value tests above.
    frames = {
        "multiclass": mixed(160, seed=11, classes=("a", "b", "c"), shares=(0.6, 0.28, 0.12)),
        "mixed": mixed(160, seed=12),
        "all_categorical": all_categorical(),
    }
    out = {}
    for name, df in frames.items():
        before = df.copy()
        out[name] = (compare_strategies(df, target="label", strategies=ALL, folds=2, n_jobs=1), df, before)
    return out


@pytest.mark.parametrize("strategy", ALL)
@pytest.mark.parametrize("scenario", ["multiclass", "mixed", "all_categorical"])
def test_battery_every_strategy_runs_or_says_why(battery, scenario, strategy):
    res, df, before = battery[scenario]
    pd.testing.assert_frame_equal(df, before)  # input not mutated
    r = res.result(strategy)
    if scenario == "multiclass" and strategy == "threshold":
        assert r.skipped and "binary target" in r.skipped
        return
    if not r.ok and STRATEGIES[strategy].family == "under":
        # Cleaning samplers may delete a whole class from a small training fold: said, not crashed.
        assert "removed every row of a class" in r.skipped
        return
    assert r.ok, r.skipped
    n_classes = df["label"].nunique()
    assert r.confusion.shape == (n_classes, n_classes) and r.confusion.sum() == len(df)
    for metric in res.metric_names:
        s = r.metrics[metric]
        assert s.ci_low <= s.mean <= s.ci_high
        assert len(s.values) == 2
    assert 0 <= r.metrics["balanced_accuracy"].mean <= 1
    assert ("roc_auc" in r.metrics) == (n_classes == 2)
    if strategy != "none":
        assert set(r.versus_baseline) == set(res.metric_names)
    assert set(r.per_class) == {str(c) for c in sorted(df["label"].unique())}


def test_smote_uses_smotenc_and_smoten_as_the_features_require():
    from analysis.rebalance import build_pipeline

    kinds = {
        (3, 0): "SMOTE",
        (3, 2): "SMOTENC",
        (0, 2): "SMOTEN",
    }
    for (n_num, n_cat), expected in kinds.items():
        pipe = build_pipeline("smote", n_numeric=n_num, n_categorical=n_cat)
        assert type(pipe.named_steps["sampler"]).__name__ == expected


def test_tiny_minority_skips_neighbour_samplers_with_a_reason_and_runs_the_rest():
    df = numeric_binary(120, seed=13)
    df["label"] = 0
    df.loc[df.index[:7], "label"] = 1  # 7 minority rows: 4 or 5 per training fold of 3
    neighbours = ["smote", "adasyn", "borderline_smote", "smote_enn", "smote_tomek"]
    res = compare_strategies(df, target="label", strategies=neighbours + ["random_over"], folds=3, n_jobs=1)
    for name in neighbours:
        reason = res.result(name).skipped
        assert reason and ("k_neighbors + 1 = 6" in reason or "n_neighbors + 1 = 6" in reason), reason
        assert "class 1" in reason and "it has 4" in reason
    assert res.result("random_over").ok and res.result("none").ok
    payload = res.to_dict()
    skipped = {s["name"]: s["skipped"] for s in payload["strategies"] if "skipped" in s}
    assert "smote" in skipped


def test_settings_are_validated_with_actionable_messages():
    df = numeric_binary(60)
    with pytest.raises(UnknownStrategyError, match="Available: none, class_weight"):
        plan_comparison(df, target="label", strategies=["smote", "smot"])
    with pytest.raises(UnknownModelError, match="logreg, hgb, rf"):
        plan_comparison(df, target="label", model="svm")
    with pytest.raises(RebalanceError, match="folds must be"):
        plan_comparison(df, target="label", folds=1)
    tiny = pd.DataFrame({"x": range(20), "y": [0] * 18 + [1] * 2})
    with pytest.raises(TooFewRowsError, match="Class 1 of 'y' has 2 rows; stratified 5-fold .* Use at most 2 folds"):
        plan_comparison(tiny, target="y")
    reg = pd.DataFrame({"x": range(100), "y": np.linspace(0, 1, 100)})
    with pytest.raises(RegressionTargetError):
        plan_comparison(reg, target="y")


def test_iterator_yields_progress_per_fold_then_each_strategy():
    df = numeric_binary(200, seed=14)
    plan = plan_comparison(df, target="label", strategies=["random_over"], folds=2, repeats=2)
    events = list(iter_comparison(plan, n_jobs=1))
    kinds = [type(e).__name__ for e in events]
    assert kinds == (["FoldProgress"] * 4 + ["StrategyResult"]) * 2
    progress = [e for e in events if kinds[events.index(e)] == "FoldProgress"]
    assert [(e.strategy, e.done, e.total) for e in progress][:2] == [("none", 1, 4), ("none", 2, 4)]
    assert progress[-1].overall == progress[-1].overall_total == 8
    # Finished results handed back in are yielded again, not recomputed.
    again = list(iter_comparison(plan, n_jobs=1, done={"none": events[4]}))
    assert again[0] is events[4] and len(again) == 1 + 4 + 1
    # Worker processes give the same numbers: test_rebalance_trust.py's worker test (one start of workers).


def test_stratified_subsample_is_stated_and_keeps_class_shares():
    df = numeric_binary(600, minority=0.1, seed=15)
    res = compare_strategies(df, target="label", strategies=["none"], folds=3, subsample=300, n_jobs=1)
    assert res.rows_used == 300 and res.rows_total == 600 and res.subsample == 300
    assert any("stratified subsample of 300 of the 600" in n for n in res.notes)
    assert res.result("none").confusion.sum(axis=1).tolist() == [270, 30]
    assert res.to_dict()["rows_used"] == 300


def test_cost_estimate_follows_its_documented_formula_and_warns_for_slow_samplers():
    est = estimate_cost(100_000, 30, strategies=["none", "tomek", "smote"], folds=5, repeats=1)
    per_fold = 100_000 * 30 * 2e-7
    assert est.per_strategy["none"] == pytest.approx(per_fold * 5)
    assert est.per_strategy["tomek"] == pytest.approx((per_fold * 5.0 + 1e10 * 1e-10) * 5)
    assert est.seconds == pytest.approx(sum(est.per_strategy.values()))
    assert any("Tomek links" in w and "subsample" in w for w in est.warnings)
    assert not any("SMOTE" in w for w in est.warnings)


def test_default_set_and_registry_entries_explain_themselves():
    assert DEFAULT_STRATEGIES == ("none", "class_weight", "threshold", "random_over", "smote", "random_under")
    for s in STRATEGIES.values():
        assert s.family in {"baseline", "over", "under", "combined", "cost", "ensemble", "threshold"}
        assert s.explanation.endswith(".") and len(s.explanation) < 260


def test_to_dict_has_the_pinned_keys():
    res = compare_strategies(numeric_binary(120), target="label", strategies=["none", "smote"], folds=3, seed=4, n_jobs=1)
    d = res.to_dict()
    assert (d["folds"], d["repeats"], d["seed"], d["model"]) == (3, 1, 4, "logreg")
    for s in d["strategies"]:
        for m in ("balanced_accuracy", "f1_macro", "mcc", "roc_auc", "average_precision", "brier"):
            assert set(s["metrics"][m]) >= {"mean", "std"}
