"""Issue 14: free-text columns are features of the rebalancing lab (TF-IDF inside each training fold).

References: the strategies' scores equal a pipeline written here with scikit-learn's
``ColumnTransformer``/``TfidfVectorizer``, imbalanced-learn's ``SMOTE`` and ``Pipeline``, scored by
scikit-learn's ``cross_validate`` on the same folds; chance level of balanced accuracy is 1 / K
(a constant or random classifier); leakage is checked on text of random words with a random label.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import StrategySkippedError
from analysis.rebalance import apply_fix, compare_strategies, plan_comparison

REVIEWS = Path(__file__).resolve().parents[2] / "sample_data" / "reviews_annotated.csv"


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return pd.read_csv(REVIEWS)


@pytest.fixture(scope="module")
def text_only_run(reviews):
    df = reviews[["text", "annotator_1"]]
    return compare_strategies(df, target="annotator_1", strategies=["none", "smote"],
                              folds=3, n_jobs=1)


def test_reviews_text_only_compare_uses_tfidf_and_scores_above_chance(text_only_run):
    res = text_only_run
    assert any("Free-text columns used as TF-IDF features: 'text'" in n for n in res.notes)
    assert "text" in res.features and "text" not in res.dropped_features
    for r in res.strategies:
        assert r.ok, (r.name, r.skipped)
        # three classes: chance balanced accuracy is 1/3; the reviews' words carry their sentiment
        assert r.metrics["balanced_accuracy"].mean > 0.6, (r.name, r.metrics["balanced_accuracy"].mean)


@pytest.mark.parametrize("strategy", ["smote", "class_weight"])
def test_scores_equal_an_own_sklearn_imblearn_pipeline_on_the_same_folds(reviews, strategy):
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_validate
    from sklearn.preprocessing import OneHotEncoder

    df = reviews[["product_category", "text", "annotator_1"]]
    plan = plan_comparison(df, target="annotator_1", strategies=[strategy], folds=3)
    assert plan.space.categorical == ("product_category",) and plan.space.text == ("text",)
    res = compare_strategies(df, target="annotator_1", strategies=[strategy], folds=3, n_jobs=1)
    prep = ColumnTransformer([
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), ["product_category"]),
        ("text", TfidfVectorizer(min_df=2, max_features=20_000, ngram_range=(1, 2)), "text"),
    ], sparse_threshold=0.3)
    steps = [("prep", prep)]
    if strategy == "smote":
        steps += [("smote", SMOTE(random_state=0)), ("model", LogisticRegression(max_iter=1000))]
    else:
        steps += [("model", LogisticRegression(max_iter=1000, class_weight="balanced"))]
    labelled = df[df["annotator_1"].notna()].reset_index(drop=True)
    own = cross_validate(Pipeline(steps), labelled[["product_category", "text"]], labelled["annotator_1"],
                         cv=list(plan.splits), scoring=["balanced_accuracy", "f1_macro"])
    got = res.result(strategy).metrics
    assert got["balanced_accuracy"].mean == pytest.approx(own["test_balanced_accuracy"].mean(), abs=1e-9)
    assert got["f1_macro"].mean == pytest.approx(own["test_f1_macro"].mean(), abs=1e-9)


def test_random_words_with_a_random_label_score_chance_with_text_features():
    # No leakage: the vectorizer and the samplers see training folds only, so text of random words with a
    # random label scores at chance (ROC AUC near 0.5; the standard error per fold is about 0.08 here).
    rng = np.random.default_rng(7)
    words = np.array([f"w{i}" for i in range(60)])
    n = 300
    y = np.r_[np.zeros(n - 60, dtype=int), np.ones(60, dtype=int)]
    rng.shuffle(y)
    df = pd.DataFrame({"text": [" ".join(rng.choice(words, 8)) for _ in range(n)], "x": rng.normal(size=n),
                       "label": y})
    res = compare_strategies(df, target="label", strategies=["none", "random_over", "smote", "random_under"],
                             folds=3, n_jobs=1)
    assert any("'text'" in note and "TF-IDF" in note for note in res.notes)
    for r in res.strategies:
        assert r.ok, (r.name, r.skipped)
        assert abs(r.metrics["roc_auc"].mean - 0.5) < 0.15, (r.name, r.metrics["roc_auc"].mean)


def test_fix_with_text_features_and_its_recipe_snippet(tmp_path, reviews):
    df = reviews[["product_category", "text", "annotator_1"]].dropna(subset=["annotator_1"]).reset_index(drop=True)
    path = tmp_path / "r.csv"
    df.to_csv(path, index=False)
    fix = apply_fix(df, target="annotator_1", strategy="smote", test_size=0.2, seed=0, source_name=str(path))
    settings = fix.recipe["settings"]
    assert settings["features_text"] == ["text"] and "TF-IDF" in settings["preprocessing_for_the_sampler"]
    synthetic = fix.train.iloc[len(fix.train) - fix.n_synthetic:]
    assert fix.n_synthetic > 0 and synthetic["text"].isna().all() and synthetic["product_category"].notna().all()
    assert any("text cannot be interpolated" in n for n in fix.notes)
    # the snippet (generated from the same specification) reproduces the class counts of the download
    script = fix.snippet + "\nimport json\nprint('RESULT=' + json.dumps({str(k): int(v) for k, v in " \
        "y_res.value_counts().items()}))\n"
    assert "TfidfVectorizer" in fix.snippet and "SMOTE(" in fix.snippet
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT="))
    assert json.loads(line.removeprefix("RESULT=")) == {str(k): v for k, v in fix.counts_after.items()}


def test_text_only_fix_refuses_interpolation_and_cli_compare_accepts_the_table(tmp_path, capsys, reviews):
    from analysis.cli.main import main

    df = reviews[["text", "annotator_1"]]
    with pytest.raises(StrategySkippedError, match="cannot be written back as text"):
        apply_fix(df, target="annotator_1", strategy="smote")
    over = apply_fix(df, target="annotator_1", strategy="random_over", seed=0)
    assert set(over.train["text"]) <= set(df["text"])
    path = tmp_path / "t.csv"
    df.iloc[:240].to_csv(path, index=False)
    assert main(["compare", str(path), "--target", "annotator_1", "--strategies", "none,random_over", "--folds",
                 "3", "--jobs", "1", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "text" in out["features"] and all(s["metrics"] for s in out["strategies"])
