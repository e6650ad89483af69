"""The robustness harness: clean scores against scikit-learn, exactness at strength 0, determinism,
sensitivity on planted data, the verdict, the fragile rows and bad input."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.errors import SingleClassError
from analysis.robustness import (
    ADDED_COLUMNS,
    RobustnessError,
    RobustnessSettings,
    fragile_rows_table,
    plan_robustness,
    robustness,
)


def _table(n=150, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    c = rng.choice(np.array(["a", "b", "c"], dtype=object), n)
    logit = 2.0 * x[:, 0] + 1.0 * (c == "a")
    return pd.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2], "c": c,
                         "y": np.where(logit + rng.logistic(size=n) > 0.3, "yes", "no")})


SETTINGS = RobustnessSettings(target="y", folds=3, perturbations=("gaussian_noise", "category_flip", "missing"),
                              strengths=(0.0, 0.5))
SMALL = RobustnessSettings(target="y", folds=3, perturbations=("missing",), strengths=(0.3,), sensitivity=False)


@pytest.fixture(scope="module")
def table():
    return _table()


@pytest.fixture(scope="module")
def result(table):
    return robustness(table, SETTINGS)


def test_clean_scores_equal_sklearn_cross_validate_on_the_same_folds(table, result):
    # Independent reference: a scikit-learn pipeline written here by hand (median imputation and
    # scaling of numbers, one-hot categories, logistic regression), cross_validate on the plan's folds.
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    plan = plan_robustness(table, SETTINGS)
    prep = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), ["x0", "x1", "x2"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["c"]),
    ])
    pipe = Pipeline([("prep", prep), ("model", LogisticRegression(max_iter=1000))])
    y = (table["y"] == "yes").astype(int).to_numpy()  # classes sorted: "no" = 0, "yes" = 1
    assert plan.classes == ("no", "yes")
    cv = cross_validate(pipe, table.drop(columns="y"), y, cv=list(plan.splits),
                        scoring=["balanced_accuracy", "accuracy", "f1_macro", "matthews_corrcoef"])
    assert result.clean["balanced_accuracy"].values == pytest.approx(tuple(cv["test_balanced_accuracy"]), abs=1e-12)
    assert result.clean["accuracy"].values == pytest.approx(tuple(cv["test_accuracy"]), abs=1e-12)
    assert result.clean["f1_macro"].values == pytest.approx(tuple(cv["test_f1_macro"]), abs=1e-12)
    assert result.clean["mcc"].values == pytest.approx(tuple(cv["test_matthews_corrcoef"]), abs=1e-12)


def test_strength_zero_reproduces_the_clean_score_exactly_with_no_flips(result):
    zeros = [p for p in result.perturbations if p.strength == 0.0]
    assert len(zeros) == 3
    for p in zeros:
        assert p.flip_rate == 0.0
        for m, s in result.clean.items():
            assert p.metrics[m].values == s.values  # exact, fold by fold
    assert any(p.flip_rate > 0 for p in result.perturbations if p.strength == 0.5)


def test_same_seed_same_numbers_and_another_seed_other_numbers(table, result):
    first, again = robustness(table, SMALL), robustness(table, SMALL)
    assert json.dumps(again.to_dict(), sort_keys=True) == json.dumps(first.to_dict(), sort_keys=True)
    other = robustness(table, replace(SMALL, seed=1))
    assert other.perturbations[0].metrics["balanced_accuracy"].values != first.perturbations[0].metrics[
        "balanced_accuracy"].values


def test_cached_blocks_give_the_pipelines_own_predictions_on_perturbed_folds(table):
    # Reference: the fitted scikit-learn pipeline's predict_proba on the whole prepared perturbed frame.
    from sklearn.pipeline import Pipeline

    from analysis.models import make_classifier
    from analysis.robustness import PERTURBATIONS, FoldReference
    from analysis.robustness.predict import FoldPredictor

    plan = plan_robustness(table.assign(t=["one two three", "four five six"] * 75), SETTINGS)
    train, test = plan.splits[0]
    pipe = Pipeline([("prepare", plan.spec.build()), ("model", make_classifier("logreg"))])
    pipe.fit(plan.prepared(plan.frame.iloc[train]), plan.y[train])
    predictor = FoldPredictor(pipe, plan.prepared(plan.frame.iloc[test]))
    ref = FoldReference.from_frame(plan.frame.iloc[train], plan.columns)
    for kind in ("gaussian_noise", "category_flip", "missing"):
        frame = PERTURBATIONS[kind].apply(plan.frame.iloc[test], 0.5, np.random.default_rng(0),
                                          columns=plan.columns, reference=ref)
        touched = [c for k in PERTURBATIONS[kind].applies_to for c in plan.columns.of(k)]
        _, proba = predictor.predict(frame, touched)
        assert np.array_equal(proba, pipe.predict_proba(plan.prepared(frame)))


def test_json_has_the_pinned_keys(result):
    d = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    for m in ("balanced_accuracy", "f1_macro", "mcc", "roc_auc", "average_precision", "brier"):
        assert set(d["clean"][m]) >= {"mean", "ci_low", "ci_high"}
    p = d["perturbations"][0]
    assert set(p) >= {"kind", "strength", "metrics", "flip_rate"}
    assert set(p["metrics"]["balanced_accuracy"]) >= {"mean", "ci_low", "ci_high"}
    assert set(d["feature_sensitivity"][0]) >= {"feature", "drop"}
    assert [s["kind"] for s in d["skipped"]] == []
    assert d["verdict"] in ("robust", "sensitive", "fragile", "uninformative")


def test_flip_rate_counts_changed_predictions_over_every_test_row(result):
    # the per-row counts add up to the per-kind rates: sum over (kind, strength) of rate x rows
    total = sum(p.flip_rate * result.rows_used for p in result.perturbations)
    assert result.flips.sum() == pytest.approx(total)
    assert (result.trials == len(result.perturbations)).all()


def test_sensitivity_ranks_the_planted_informative_feature_first():
    rng = np.random.default_rng(3)
    n = 300
    x = rng.normal(size=(n, 5))
    df = pd.DataFrame(x, columns=["signal", "noise1", "noise2", "noise3", "noise4"])
    df["y"] = (x[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(int)
    res = robustness(df, target="y", folds=3, perturbations=("gaussian_noise",), strengths=(0.1,))
    ranked = [s.feature for s in res.sensitivity]
    assert ranked[0] == "signal"
    assert res.sensitivity[0].drop > 0.1
    assert all(abs(s.drop) < 0.05 for s in res.sensitivity[1:])


def test_uninformative_model_is_never_called_evidence():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=200), "y": rng.integers(0, 2, 200)})  # no signal
    res = robustness(df, target="y", folds=3, perturbations=("gaussian_noise",), sensitivity=False)
    assert res.clean["balanced_accuracy"].ci_low <= 0.5
    assert res.verdict == "uninformative" and res.severity == "warning"
    assert "no better than always predicting one class" in res.verdict_text
    assert "fragile" not in res.verdict_text and "robust" not in res.verdict_text.replace("robustness", "")


def test_fragile_rows_keep_their_original_values(table, result):
    fragile = fragile_rows_table(result, table)
    frame = result.fragile_frame()
    assert len(fragile) == int((result.flips > 0).sum()) > 0
    assert list(fragile.columns) == [*table.columns, *ADDED_COLUMNS]
    pd.testing.assert_frame_equal(fragile[list(table.columns)],
                                  table.iloc[frame["row"].to_numpy()].reset_index(drop=True))
    assert (np.diff(fragile["robustness_flips"].to_numpy()) <= 0).all()  # most often first


def test_text_table_skips_numeric_kinds_with_the_reason_and_runs_text_kinds():
    rng = np.random.default_rng(0)
    good = ["great value love it", "works well five stars", "excellent quality fast delivery"]
    bad = ["broken on arrival refund", "awful waste of money", "stopped working after a week"]
    y = rng.integers(0, 2, 120)
    text = [f"{rng.choice(good if k else bad)} {rng.choice(['today', 'again', 'honestly', 'overall'])} {i}"
            for i, k in enumerate(y)]
    df = pd.DataFrame({"text": text, "y": y})
    res = robustness(df, target="y", folds=3, strengths=(0.2,))
    assert set(res.skipped) == {"gaussian_noise", "scaling", "category_flip"}
    assert "needs numeric feature columns; this table has none" in res.skipped["gaussian_noise"]
    assert {p.kind for p in res.perturbations} == {"missing", "typos", "word_dropout", "word_swap"}
    assert res.features.text == ("text",)
    assert [s.feature for s in res.sensitivity] == ["text"]


def test_bad_input_is_refused_with_a_clear_message(table):
    with pytest.raises(SingleClassError, match="at least 2 classes"):
        robustness(table.assign(y="yes"), target="y")
    with pytest.raises(RobustnessError, match="None of the chosen perturbations can run"):
        plan_robustness(table, RobustnessSettings(target="y", perturbations=("typos",)))
    with pytest.raises(RobustnessError, match="Unknown perturbation 'nope'"):
        plan_robustness(table, RobustnessSettings(target="y", perturbations=("nope",)))
    with pytest.raises(RobustnessError, match="folds"):
        plan_robustness(table, RobustnessSettings(target="y", folds=1))
