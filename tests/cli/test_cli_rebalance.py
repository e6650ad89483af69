"""`dataset-diagnostics compare` and `fix`: pinned JSON keys, values equal to the Python API, files, exit 2."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from cli_run import run

from analysis.rebalance import compare_strategies
from sample_data import sample_path

WINE = sample_path("wine_imbalanced.csv")


@pytest.fixture
def binary_csv(tmp_path):
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(130, dtype=int), np.ones(30, dtype=int)]
    df = pd.DataFrame({"x1": rng.normal(size=160) + y, "x2": rng.normal(size=160), "kind": rng.choice(["a", "=b"], 160), "y": y})
    path = tmp_path / "bin.csv"
    df.to_csv(path, index=False)
    return path, df


def test_compare_json_has_pinned_keys_and_the_apis_numbers(capsys, binary_csv):
    path, df = binary_csv
    code, out, err = run(capsys, "compare", path, "--target", "y", "--strategies", "none,smote,class_weight",
                         "--folds", "3", "--repeats", "2", "--seed", "5", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert (d["folds"], d["repeats"], d["seed"], d["model"]) == (3, 2, 5, "logreg")
    assert [s["name"] for s in d["strategies"]] == ["none", "smote", "class_weight"]
    # Reference: the Python API on the same frame (read back by pandas) and settings.
    api = compare_strategies(pd.read_csv(path), target="y", strategies=["none", "smote", "class_weight"],
                             folds=3, repeats=2, seed=5, n_jobs=1)
    for s in d["strategies"]:
        for m in ("balanced_accuracy", "f1_macro", "mcc", "roc_auc", "average_precision", "brier"):
            ref = api.result(s["name"]).metrics[m]
            assert s["metrics"][m]["mean"] == pytest.approx(ref.mean, abs=1e-12)
            assert s["metrics"][m]["std"] == pytest.approx(ref.std, abs=1e-12)


def test_compare_multiclass_lists_skipped_strategies_with_reasons(capsys):
    code, out, err = run(capsys, "compare", WINE, "--target", "cultivar", "--strategies", "none,threshold,smote,random_over",
                         "--folds", "3", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    by = {s["name"]: s for s in d["strategies"]}
    assert "binary target" in by["threshold"]["skipped"]
    assert "it has 5" in by["smote"]["skipped"]  # class_2 has 8 rows: 5 in the smallest training fold
    assert "roc_auc" not in by["none"]["metrics"] and "balanced_accuracy" in by["random_over"]["metrics"]


def test_compare_text_output(capsys):
    code, out, _ = run(capsys, "compare", WINE, "--target", "cultivar", "--strategies", "none,class_weight", "--folds", "3")
    assert code == 0
    assert "3-fold x 1" in out and "class_weight" in out and "Accuracy hides the minority class" in out


def test_fix_writes_train_test_and_recipe(capsys, tmp_path, binary_csv):
    path, df = binary_csv
    out_csv = tmp_path / "fixed.csv"
    code, out, err = run(capsys, "fix", path, "--target", "y", "--strategy", "smote", "--test-size", "0.25",
                         "--seed", "2", "-o", out_csv, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    train = pd.read_csv(out_csv)
    test = pd.read_csv(tmp_path / "fixed_test.csv")
    assert list(train.columns) == list(df.columns) == list(test.columns)
    from sklearn.model_selection import train_test_split

    _, ref_test = train_test_split(df, test_size=0.25, stratify=df["y"], random_state=2)  # reference split
    assert len(test) == len(ref_test) == 40 and (test["y"] == 1).sum() == (ref_test["y"] == 1).sum()
    assert test["x1"].tolist() == ref_test.sort_index()["x1"].round(12).tolist() or np.allclose(
        test["x1"], ref_test.sort_index()["x1"])
    n_major = int((ref_test["y"] == 0).sum())
    balanced = {0: 130 - n_major, 1: 130 - n_major}  # SMOTE fills the minority up to the majority
    assert train["y"].value_counts().to_dict() == balanced == {int(k): v for k, v in d["counts_after"].items()}
    assert set(train["kind"]) == {"a", "'=b"}  # formula protection on by default
    # test rows are original rows, read back unchanged (after the same formula protection)
    orig = df.assign(kind=df["kind"].replace({"=b": "'=b"}))
    merged = test.merge(orig, how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    recipe = json.loads((tmp_path / "fixed_recipe.json").read_text())
    assert recipe["settings"]["strategy"] == "smote" and recipe["settings"]["holdout_test_size"] == 0.25


def test_fix_class_weight_without_test_size(capsys, tmp_path, binary_csv):
    path, df = binary_csv
    out_csv = tmp_path / "w.csv"
    code, _, err = run(capsys, "fix", path, "--target", "y", "--strategy", "class_weight", "--test-size", "0",
                       "-o", out_csv)
    assert code == 0, err
    w = pd.read_csv(out_csv)
    assert not (tmp_path / "w_test.csv").exists()
    assert w["sample_weight"].round(6).tolist() == [round(160 / (2 * (130 if v == 0 else 30)), 6) for v in df["y"]]


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["compare", "{p}", "--target", "y", "--strategies", "smote,nope"], "Unknown strategy 'nope'"),
        (["compare", "{p}", "--target", "nope"], "target column 'nope' is not in the data"),
        (["compare", "{p}", "--target", "y", "--folds", "1"], "argument --folds: must be a whole number from 2 to 20"),
        (["fix", "{p}", "--target", "y", "--strategy", "smote", "--test-size", "1.5", "-o", "{o}"], "argument --test-size: must be"),
        (["fix", "{p}", "--target", "y", "--strategy", "smote", "-o", "{d}/missing/x.csv"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, binary_csv, argv, needle):
    path, _ = binary_csv
    args = [a.format(p=path, o=tmp_path / "o.csv", d=tmp_path) for a in argv]
    code, out, err = run(capsys, *args)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_script_runs_compare(tmp_path, binary_csv):
    path, _ = binary_csv
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "compare", str(path), "--target", "y", "--strategies", "none",
         "--folds", "2", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["strategies"][0]["name"] == "none"
