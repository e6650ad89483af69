"""`dataset-diagnostics augment`: the comparison's JSON equals the Python API, files are written, bad input exits 2."""

import json

import numpy as np
import pandas as pd
import pytest
from cli_run import run

from analysis.augment import AUGMENTATIONS, compare_augmentations


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    rng = np.random.default_rng(1)
    n = 80
    y = rng.integers(0, 2, n)
    df = pd.DataFrame({"a": rng.normal(size=n) + y, "b": rng.normal(size=n), "y": np.where(y == 1, "p", "n")})
    path = tmp_path_factory.mktemp("aug") / "t.csv"
    df.to_csv(path, index=False)
    return path, df


def test_compare_json_equals_the_api(capsys, table):
    path, df = table
    code, out, err = run(capsys, "augment", path, "--target", "y", "--compare", "--strategies", "mixup,eda",
                         "--folds", "3", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    api = compare_augmentations(pd.read_csv(path), target="y", strategies=("mixup", "eda"), folds=3)
    assert [s["name"] for s in d["strategies"]] == ["none", "mixup", "eda"]
    mixup, eda = d["strategies"][1], d["strategies"][2]
    assert mixup["clean"]["roc_auc"]["mean"] == api.result("mixup").clean["roc_auc"].mean
    assert mixup["perturbed"]["balanced_accuracy"]["ci_low"] == api.result("mixup").perturbed["balanced_accuracy"].ci_low
    assert set(mixup["p_value_vs_none"]) == {"clean", "perturbed"}
    assert eda["skipped"] is True and "text" in eda["reason"] and eda["clean"] is None


def test_write_files_and_help_lists_the_registry(capsys, table, tmp_path):
    path, df = table
    out = tmp_path / "aug.csv"
    code, stdout, err = run(capsys, "augment", path, "--target", "y", "--strategy", "gaussian_noise", "-o", out,
                            "--format", "json")
    assert code == 0, err
    d = json.loads(stdout)
    train = pd.read_csv(out)
    holdout = pd.read_csv(tmp_path / "aug_holdout.csv")
    assert len(holdout) == d["rows_test"] == 16 and len(train) == d["rows_train"] == 64 * 3
    assert list(train.columns) == ["a", "b", "y", "is_synthetic", "augmentation"]
    assert (tmp_path / "aug_recipe.py").exists() and (tmp_path / "aug_recipe.json").exists()
    code, stdout, _ = run(capsys, "augment", "--help")
    assert code == 0 and all(name in stdout for name in AUGMENTATIONS)


@pytest.mark.parametrize("args, words", [
    (["--strategy", "nope", "-o", "x.csv"], "Unknown augmentation strategy 'nope'"),
    (["--compare", "--strategies", "none,nope"], "Unknown augmentation strategy 'nope'"),
    (["--strategy", "eda", "-o", "OUT"], "changes free-text columns"),
    (["--strategy", "templates", "--templates", "BAD", "-o", "OUT"], "no value list"),
])
def test_bad_input_exits_2_with_one_line(capsys, table, tmp_path, args, words):
    path, _ = table
    bad = tmp_path / "bad.json"
    bad.write_text('{"templates": [{"template": "I {verb} it", "label": "p"}], "slots": {}}')
    args = [str(bad) if a == "BAD" else str(tmp_path / "o.csv") if a == "OUT" else a for a in args]
    code, out, err = run(capsys, "augment", path, "--target", "y", *args)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1


def test_single_class_exits_2(capsys, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("x,y\n1,a\n2,a\n3,a\n")
    code, _, err = run(capsys, "augment", path, "--target", "y", "--compare")
    assert code == 2 and "at least 2 classes" in err
