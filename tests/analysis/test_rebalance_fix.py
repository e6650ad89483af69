"""Applying a fix: original columns and types, synthetic rows decoded, holdout-safe split, recipe, export round-trip."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from rebalance_data import mixed, numeric_binary
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_sample_weight

from analysis.errors import StrategySkippedError, UnknownStrategyError
from analysis.export import to_csv_bytes
from analysis.rebalance import STRATEGIES, apply_fix, fix_files, fix_zip

ROW_STRATEGIES = [n for n, s in STRATEGIES.items() if s.space is not None]


@pytest.fixture(scope="module")
def data():
    return mixed(240, seed=21)


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_fixed_table_keeps_original_columns_types_and_rows(data, strategy):
    before = data.copy()
    fix = apply_fix(data, target="label", strategy=strategy, test_size=0.25, seed=3, add_is_synthetic=True,
                    projection=False)
    pd.testing.assert_frame_equal(data, before)  # input not mutated
    extra = ["sample_weight"] if strategy == "class_weight" else []
    assert list(fix.train.columns) == list(data.columns) + extra + ["is_synthetic"]
    for c in data.columns:
        if c == "row_id" and STRATEGIES[strategy].generates_rows and fix.n_synthetic:
            assert str(fix.train[c].dtype) == "Int64"  # ids are empty in synthetic rows
        else:
            assert fix.train[c].dtype == data[c].dtype, c
    # Category values stay within the original ones; no scaled or one-hot values leak.
    assert set(fix.train["colour"].dropna()) <= {"blue", "green", "red"}
    assert list(fix.train["colour"].cat.categories) == ["blue", "green", "red"]
    assert set(fix.train["city"].dropna()) <= set(data["city"].dropna())
    assert fix.train["amount"].dropna().min() >= 0
    # Original rows are exact copies of input rows (missing values included).
    originals = fix.train[~fix.train["is_synthetic"]].drop(columns=["is_synthetic"] + extra)
    if strategy != "random_over":
        keyed = data.set_index("row_id")
        got = originals.set_index("row_id")
        got.index = got.index.astype("int64")  # nullable Int64 when synthetic rows have no id
        pd.testing.assert_frame_equal(got, keyed.loc[got.index], check_dtype=True)
    # The holdout: original rows only, stratified, disjoint from the training part.
    _, expected_test = train_test_split(np.arange(len(data)), test_size=0.25, stratify=data["label"], random_state=3)
    assert sorted(fix.test["row_id"]) == sorted(data["row_id"].iloc[expected_test])
    assert not set(fix.test["row_id"]) & set(originals["row_id"])
    pd.testing.assert_frame_equal(fix.test, data.iloc[np.sort(expected_test)].reset_index(drop=True))
    # Counts after the fix agree with the table.
    counts = fix.train["label"].value_counts().to_dict()
    assert counts == {k: v for k, v in fix.counts_after.items() if v}


def test_oversamplers_balance_and_synthetic_values_are_in_original_units(data):
    fix = apply_fix(data, target="label", strategy="smote", add_is_synthetic=True, seed=0)
    assert fix.counts_after == {"no": fix.counts_before["no"], "yes": fix.counts_before["no"]}
    syn = fix.train[fix.train["is_synthetic"]]
    assert len(syn) == fix.n_synthetic == fix.counts_before["no"] - fix.counts_before["yes"]
    assert (syn["label"] == "yes").all()
    assert syn["amount"].notna().all() and (syn["amount"].round(2) == syn["amount"]).all()
    assert (syn["count"].astype(float) % 1 == 0).all()
    assert syn["flag"].isin([True, False]).all()
    assert syn["row_id"].isna().all()
    lo, hi = data["amount"].min(), data["amount"].max()
    assert syn["amount"].between(lo, hi).all()  # interpolation stays between real rows
    proj = fix.projection
    assert set(proj.frame["kind"]) == {"original", "synthetic"}
    assert (proj.frame["kind"] == "synthetic").sum() == min(1500, fix.n_synthetic)
    assert 0 < proj.explained_variance[0] <= 1 and proj.explained_variance[1] <= proj.explained_variance[0]


def test_random_over_equals_imblearn_on_the_same_rows():
    # Reference: imblearn's RandomOverSampler with the same seed on the same training rows.
    df = numeric_binary(100, seed=22)
    fix = apply_fix(df, target="label", strategy="random_over", seed=5)
    ros = RandomOverSampler(random_state=5)
    _, y = ros.fit_resample(df[["a", "b", "c", "d"]].to_numpy(), df["label"].to_numpy())
    pd.testing.assert_frame_equal(fix.train, df.iloc[ros.sample_indices_].reset_index(drop=True))
    assert fix.train["label"].tolist() == y.tolist()


def test_class_weight_exports_sklearn_balanced_weights_and_threshold_is_reported():
    df = numeric_binary(200, seed=23)
    fix = apply_fix(df, target="label", strategy="class_weight")
    assert np.allclose(fix.train["sample_weight"], compute_sample_weight("balanced", df["label"]))
    assert len(fix.train) == len(df) and fix.n_synthetic == 0
    ratio = apply_fix(df, target="label", strategy="class_weight", cost_ratio=10.0)
    assert ratio.train["sample_weight"].tolist() == [10.0 if v == 1 else 1.0 for v in df["label"]]
    thr = apply_fix(df, target="label", strategy="threshold")
    assert 0 < thr.threshold < 1 and thr.recipe["settings"]["threshold"] == thr.threshold
    pd.testing.assert_frame_equal(thr.train, df)


def test_export_round_trip_through_safe_csv(data):
    fix = apply_fix(data, target="label", strategy="smote", test_size=0.2, seed=1, source_name="d.csv")
    files = fix_files(fix, base_name="d_fixed")
    assert sorted(files) == ["d_fixed.csv", "d_fixed_recipe.json", "d_fixed_recipe.py", "d_fixed_test.csv"]
    assert files["d_fixed.csv"] == to_csv_bytes(fix.train).data
    back = pd.read_csv(io.BytesIO(files["d_fixed.csv"]))
    assert list(back.columns) == list(data.columns)
    assert len(back) == len(fix.train)
    assert set(back["colour"].dropna()) <= {"blue", "green", "red"}
    # formula protection: "=cmd" is written as "'=cmd", numbers untouched
    assert "'=cmd" in set(back["city"].dropna()) and "=cmd" not in set(back["city"].dropna())
    assert np.allclose(back["amount"].dropna(), fix.train["amount"].dropna())
    test_back = pd.read_csv(io.BytesIO(files["d_fixed_test.csv"]))
    assert test_back["row_id"].tolist() == fix.test["row_id"].tolist()
    recipe = json.loads(files["d_fixed_recipe.json"])
    assert recipe["settings"]["sampler"] == "SMOTENC" and recipe["settings"]["formula_protection"] is True
    assert recipe["source"]["name"] == "d.csv" and recipe["output_rows"] == len(fix.train)
    with zipfile.ZipFile(io.BytesIO(fix_zip(fix, base_name="d_fixed"))) as z:
        assert sorted(z.namelist()) == sorted(files)
        assert z.read("d_fixed_test.csv") == files["d_fixed_test.csv"]


SNIPPET_STRATEGIES = ("smote", "random_under", "class_weight")


@pytest.fixture(scope="module")
def snippet_runs(data, tmp_path_factory):
    """Each strategy's recipe snippet run as a user would paste it: in a fresh Python process (one for the
    three, each snippet in its own empty namespace, so a missing import still fails), next to the data."""
    folder = tmp_path_factory.mktemp("snippets")
    path = folder / "d.csv"
    data.to_csv(path, index=False)
    fixes, scripts = {}, {}
    for strategy in SNIPPET_STRATEGIES:
        fix = apply_fix(data, target="label", strategy=strategy, test_size=0.2, seed=4, source_name=str(path))
        report = (
            "{str(k): int(v) for k, v in y_res.value_counts().items()}"
            if strategy != "class_weight" else "[float(w) for w in train['sample_weight']]"
        )
        fixes[strategy] = fix
        scripts[strategy] = fix.snippet + f"\nimport json\nprint('RESULT=' + json.dumps({report}))\n"
    runner = (
        "import json, sys\n"
        "for name, script in json.loads(sys.stdin.read()).items():\n"
        "    print('STRATEGY=' + name, flush=True)\n"
        "    exec(compile(script, name, 'exec'), {'__name__': '__main__'})\n"
    )
    out = subprocess.run([sys.executable, "-c", runner], input=json.dumps(scripts), capture_output=True, text=True,
                         timeout=180, cwd=folder)
    assert out.returncode == 0, out.stderr
    results, current = {}, None
    for line in out.stdout.splitlines():
        if line.startswith("STRATEGY="):
            current = line.removeprefix("STRATEGY=")
        elif line.startswith("RESULT="):
            results[current] = json.loads(line.removeprefix("RESULT="))
    return fixes, results


@pytest.mark.parametrize("strategy", SNIPPET_STRATEGIES)
def test_recipe_snippet_runs_and_reproduces_the_class_counts(snippet_runs, strategy):
    fixes, results = snippet_runs
    fix, result = fixes[strategy], results[strategy]
    if strategy == "class_weight":
        assert np.allclose(result, fix.train["sample_weight"])
    else:
        assert result == {str(k): v for k, v in fix.counts_after.items()}


def test_bad_settings_and_impossible_strategies_raise_specific_errors():
    df = numeric_binary(60)
    with pytest.raises(UnknownStrategyError, match="Available:"):
        apply_fix(df, target="label", strategy="smoote")
    tiny = numeric_binary(60)
    tiny["label"] = [1] * 4 + [0] * 56
    with pytest.raises(StrategySkippedError, match="it has 4"):
        apply_fix(tiny, target="label", strategy="smote")
    multi = numeric_binary(90)
    multi["label"] = ["a", "b", "c"] * 30
    with pytest.raises(StrategySkippedError, match="binary target"):
        apply_fix(multi, target="label", strategy="threshold")
