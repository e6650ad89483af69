"""The robustness command: pinned JSON keys, registry names in --help, bad input as exit 2 + one line."""

import json

import numpy as np
import pandas as pd
import pytest
from cli_run import run

from analysis.robustness import PERTURBATIONS


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 2))
    df = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": np.where(x[:, 0] > 0, "p", "n")})
    path = tmp_path_factory.mktemp("rb") / "t.csv"
    df.to_csv(path, index=False)
    one = path.with_name("one.csv")
    df.assign(y="n").to_csv(one, index=False)
    return path, one


def test_json_has_the_pinned_keys_and_lists_skipped_kinds(capsys, table):
    code, out, err = run(capsys, "robustness", table[0], "--target", "y", "--folds", "3", "--strengths", "0,0.5",
                         "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert set(d["clean"]["balanced_accuracy"]) >= {"mean", "ci_low", "ci_high"}
    zero = [p for p in d["perturbations"] if p["strength"] == 0]
    assert zero and all(p["flip_rate"] == 0 for p in zero)
    assert all(p["metrics"]["balanced_accuracy"]["mean"] == d["clean"]["balanced_accuracy"]["mean"] for p in zero)
    assert {s["feature"] for s in d["feature_sensitivity"]} == {"a", "b"}
    assert d["feature_sensitivity"][0]["feature"] == "a"  # the label is a function of 'a' alone
    assert {s["kind"] for s in d["skipped"]} == {"category_flip", "typos", "word_dropout", "word_swap"}


def test_help_lists_the_registry(capsys):
    code, out, _ = run(capsys, "robustness", "--help")
    assert code == 0
    text = " ".join(out.split())
    for name in PERTURBATIONS:
        assert name in text


@pytest.mark.parametrize("extra, message", [
    (("--perturbations", "nope"), "Unknown perturbation 'nope'"),
    (("--perturbations", "typos"), "None of the chosen perturbations can run on this table"),
    (("--strengths", "x"), "--strengths must be comma-separated numbers"),
])
def test_bad_input_exits_2_with_one_line(capsys, table, extra, message):
    code, out, err = run(capsys, "robustness", table[0], "--target", "y", *extra)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_single_class_exits_2_with_one_line(capsys, table):
    code, _, err = run(capsys, "robustness", table[1], "--target", "y")
    assert code == 2 and err.count("\n") == 1 and "at least 2 classes" in err
