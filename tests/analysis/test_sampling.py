"""Representation against a reference, label rates and missingness by group (analysis/sampling/).

References: scipy.stats (chisquare, chi2_contingency, contingency.association),
scipy.spatial.distance.jensenshannon, statsmodels (proportion_confint wilson,
Table.standardized_resids, multipletests), hand-computed PSI/TVD/JS, Newcombe
(1998) for the Wilson interval, and the documented counts of
sample_data/README.md.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from analysis.errors import ColumnNotFoundError, GroupColumnError, ReferenceSharesError, TooManyGroupsError
from analysis.sampling import (
    MAX_GROUPS,
    PSI_EPSILON,
    bias_report,
    intersection_representation,
    label_by_group,
    missingness_by_group,
    parse_expected,
    psi,
    reference_shares,
    representation,
    wilson_interval,
)
from sample_data import sample_path

POPULATION = {"north": 0.22, "south": 0.24, "east": 0.18, "west": 0.20, "central": 0.16}
# sample_data/README.md, "Sampling bias in region": counts of the final 20,031 rows.
DOCUMENTED_COUNTS = {"north": 7014, "south": 5090, "east": 3487, "west": 3230, "central": 1210}


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return pd.read_csv(sample_path("transactions.csv"))


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return pd.read_csv(sample_path("transactions_population.csv"))


# --- reference shares ----------------------------------------------------------
def test_parse_expected_and_normalization_note():
    assert parse_expected("a=0.5, b = 0.3,c=0.2") == {"a": 0.5, "b": 0.3, "c": 0.2}
    ref = reference_shares({"a": 30, "b": 10}, group="g")
    assert ref.shares == {"a": 0.75, "b": 0.25}
    assert "sum to 40, not 1" in ref.notes[0]
    assert reference_shares({"a": 0.5, "b": 0.5}, group="g").notes == ()


@pytest.mark.parametrize(
    "text, needle",
    [
        ("a=0.5,b", "write value=share pairs"),
        ("a=half", "'half', not a number"),
        ("a=0.5,a=0.5", "given twice"),
        ("", "No expected shares"),
    ],
)
def test_parse_expected_bad_text(text, needle):
    with pytest.raises(ReferenceSharesError, match=needle):
        parse_expected(text)


@pytest.mark.parametrize(
    "shares, needle",
    [
        ({"a": 0, "b": 0}, "sum to 0; at least one must be positive"),
        ({"a": -0.1, "b": 1.1}, "cannot be negative"),
        ({"a": float("nan"), "b": 1}, "missing or infinite"),
    ],
)
def test_bad_shares_are_refused_with_a_clear_message(shares, needle):
    with pytest.raises(ReferenceSharesError, match=needle):
        reference_shares(shares, group="g")


def test_reference_file_as_value_share_table_and_as_dataset(population, transactions):
    table = reference_shares(population, group="region")
    assert table.shares == pytest.approx(POPULATION)
    assert "value,share table" in table.source
    renamed = reference_shares(population.rename(columns={"region": "area"}), group="region")
    assert renamed.shares == pytest.approx(POPULATION) and "first column 'area'" in renamed.notes[0]
    whole = reference_shares(transactions, group="device")
    expected = transactions["device"].value_counts(normalize=True)  # pandas, missing left out
    assert whole.shares == pytest.approx(expected.to_dict())
    with pytest.raises(ReferenceSharesError, match="has no column 'region'"):
        reference_shares(transactions[["amount", "device", "hour"]], group="region")


# --- representation ----------------------------------------------------------------
def test_transactions_region_matches_documented_counts_scipy_and_statsmodels(transactions, population):
    r = representation(transactions, group="region", reference=population)
    n = 20_031
    assert r.n == n and r.n_missing == 0
    by = {g.value: g for g in r.groups}
    assert {v: g.observed_count for v, g in by.items()} == DOCUMENTED_COUNTS
    for value, g in by.items():
        count = DOCUMENTED_COUNTS[value]
        assert g.observed_share == pytest.approx(count / n)
        assert g.expected_share == pytest.approx(POPULATION[value])
        assert g.representation_ratio == pytest.approx(count / n / POPULATION[value])
        lo, hi = proportion_confint(count, n, alpha=0.05, method="wilson")  # statsmodels reference
        assert g.ci_low == pytest.approx(lo / POPULATION[value], rel=1e-12)
        assert g.ci_high == pytest.approx(hi / POPULATION[value], rel=1e-12)
        assert (g.share_ci_low, g.share_ci_high) == pytest.approx((lo, hi), rel=1e-12)
    # README: north over-represented (~1.6x), central under (~0.38x); east and south roughly match.
    assert by["north"].flag == "over" and by["central"].flag == "under"
    assert by["east"].flag == "ok" and by["south"].flag == "ok"
    assert by["north"].representation_ratio == pytest.approx(1.5916, abs=1e-4)
    assert by["central"].representation_ratio == pytest.approx(0.3775, abs=1e-4)
    counts = np.array([DOCUMENTED_COUNTS[v] for v in POPULATION])
    ref = stats.chisquare(counts, np.array(list(POPULATION.values())) * n)
    # The shares are normalized first (they sum to 1 + 2e-16 in floating point): last-bit agreement.
    assert r.chi_square.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert r.chi_square.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert r.chi_square.dof == 4
    assert r.cohens_w == pytest.approx(math.sqrt(ref.statistic / n))
    assert r.cramers_v == pytest.approx(math.sqrt(ref.statistic / (n * 4)))
    p, q = counts / n, np.array(list(POPULATION.values()))
    assert r.total_variation == pytest.approx(0.5 * np.abs(p - q).sum())
    assert r.js_distance == pytest.approx(jensenshannon(p, q, base=2), rel=1e-12)
    assert r.psi == pytest.approx(float(np.sum((p - q) * np.log(p / q))))
    assert r.verdict == "moderate bias"  # w = 0.384: Cohen's "medium" band 0.3-0.5
    assert "north" in r.verdict_text and "central" in r.verdict_text


def test_wilson_interval_newcombe_and_statsmodels():
    # Newcombe (1998) Stat Med 17:857, Table II example (a): 81/263 -> 0.2553 to 0.3662.
    lo, hi = wilson_interval(81, 263)
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.2553, 0.3662)
    counts = np.array([0, 1, 5, 50, 99, 100])
    lo, hi = wilson_interval(counts, 100)
    ref_lo, ref_hi = proportion_confint(counts, 100, alpha=0.05, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(hi, ref_hi, rtol=1e-12, atol=1e-15)


def test_psi_and_js_by_hand():
    p = [0.5, 0.3, 0.2, 0.0]
    q = [0.4, 0.4, 0.1, 0.1]
    # By hand: (0.1)ln(1.25) + (-0.1)ln(0.75) + (0.1)ln 2 + (1e-4 - 0.1) ln(1e-4 / 0.1)
    hand = 0.1 * math.log(1.25) - 0.1 * math.log(0.75) + 0.1 * math.log(2) + (PSI_EPSILON - 0.1) * math.log(PSI_EPSILON / 0.1)
    assert psi(p, q) == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(0.810482, abs=1e-6)

    df = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 3 + ["c"] * 2})
    r = representation(df, group="g", reference={"a": 0.4, "b": 0.4, "c": 0.1, "d": 0.1})
    m = [(x + y) / 2 for x, y in zip(p, q)]
    kl = lambda x, y: sum(a * math.log2(a / b) for a, b in zip(x, y) if a > 0)  # noqa: E731
    assert r.js_distance == pytest.approx(math.sqrt(0.5 * kl(p, m) + 0.5 * kl(q, m)), rel=1e-12)
    assert r.psi == pytest.approx(hand, rel=1e-12)
    assert r.total_variation == pytest.approx(0.2)


def test_values_on_one_side_only_are_reported_not_dropped():
    df = pd.DataFrame({"g": ["a"] * 60 + ["b"] * 30 + ["zz"] * 10})
    r = representation(df, group="g", reference={"a": 0.5, "b": 0.3, "c": 0.2})
    by = {g.value: g for g in r.groups}
    assert list(by) == ["a", "b", "c", "zz"]
    assert by["c"].flag == "not_in_data" and by["c"].observed_count == 0 and by["c"].representation_ratio == 0
    assert by["zz"].flag == "not_in_reference" and by["zz"].expected_share is None and by["zz"].observed_count == 10
    notes = " ".join(r.notes)
    assert "'zz' has 10 rows (10.0%) but no share in the reference" in notes
    assert "'c' has an expected share of 20.0% but no row in the data" in notes
    # The test covers the reference's values only: scipy on a, b, c with the 90 rows they hold.
    ref = stats.chisquare([60, 30, 0], np.array([0.5, 0.3, 0.2]) * 90)
    assert r.chi_square.statistic == pytest.approx(ref.statistic) and r.chi_square.dof == 2


def test_unknown_reference_values_only_is_a_clear_error():
    df = pd.DataFrame({"g": ["north", "south"] * 10})
    with pytest.raises(ReferenceSharesError, match=r"None of the reference's values of 'g' \('North', 'SOUTH'\) occurs"):
        representation(df, group="g", reference={"North": 0.5, "SOUTH": 0.5})


def test_group_column_with_10000_values_is_refused():
    df = pd.DataFrame({"id": [f"u{i}" for i in range(10_000)]})
    with pytest.raises(TooManyGroupsError, match=f"has 10,000 distinct values; a group column needs at most {MAX_GROUPS}"):
        representation(df, group="id", reference={"u1": 1.0})
    with pytest.raises(ColumnNotFoundError, match="The group column 'nope' is not in the data"):
        representation(df, group="nope", reference={"u1": 1.0})
    with pytest.raises(GroupColumnError, match="has no values"):
        representation(pd.DataFrame({"g": [None, None]}), group="g", reference={"a": 1.0})


def test_numeric_group_values_match_typed_shares():
    # is_foreign is read as float when it has gaps; typed "0"/"1" must still match.
    df = pd.DataFrame({"f": [0.0, 1.0, None, 0.0] * 25})
    r = representation(df, group="f", reference=parse_expected("0=0.5,1=0.5"))
    assert [g.value for g in r.groups] == ["0", "1"] and r.n == 75 and r.n_missing == 25


def test_verdict_respects_sample_size():
    # Same tiny gap (50.5% vs 50%): detectable with 4 million rows, but negligible; not "biased".
    big = representation(pd.DataFrame({"g": ["a"] * 2_020_000 + ["b"] * 1_980_000}), group="g", reference={"a": 0.5, "b": 0.5})
    assert big.chi_square.p_value < 1e-6
    assert big.verdict == "negligible" and big.cohens_w < 0.1
    assert not big.flagged  # the ratio intervals exclude 1 by less than the tolerance
    small = representation(pd.DataFrame({"g": ["a"] * 12 + ["b"] * 8}), group="g", reference={"a": 0.5, "b": 0.5})
    assert small.verdict == "inconclusive"


def test_tolerance_controls_flags(transactions):
    strict = representation(transactions, group="region", reference=POPULATION, tolerance=0.0)
    assert {g.value for g in strict.flagged} == {"north", "south", "east", "west", "central"}
    # Ratio intervals (checked against statsmodels above): north 1.5617-1.6218, west 0.7811-0.8320,
    # central 0.3574-0.3987. Over when low > 1 + tol, under when high < 1 - tol.
    half = representation(transactions, group="region", reference=POPULATION, tolerance=0.5)
    assert {(g.value, g.flag) for g in half.flagged} == {("north", "over"), ("central", "under")}
    loose = representation(transactions, group="region", reference=POPULATION, tolerance=0.6)
    assert {(g.value, g.flag) for g in loose.flagged} == {("central", "under")}


def test_intersection_product_of_margins_and_joint_reference():
    df = pd.DataFrame({"a": ["x"] * 60 + ["y"] * 40, "b": ["u"] * 30 + ["v"] * 30 + ["u"] * 10 + ["v"] * 30})
    r = intersection_representation(df, groups=("a", "b"), margins={"a": {"x": 0.5, "y": 0.5}, "b": {"u": 0.4, "v": 0.6}})
    by = {g.value: g for g in r.groups}
    assert by["x × u"].expected_share == pytest.approx(0.2) and by["y × v"].expected_share == pytest.approx(0.3)
    assert "product of the two margins" in r.notes[0]
    ref = stats.chisquare([30, 30, 10, 30], np.array([0.2, 0.3, 0.2, 0.3]) * 100)
    assert r.chi_square.statistic == pytest.approx(ref.statistic)
    population = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"], "w": [1, 2, 3, 4]})
    population = population.loc[population.index.repeat([1, 2, 3, 4])]
    joint = intersection_representation(df, groups=("a", "b"), reference=population)
    expected = pd.crosstab(population["a"], population["b"], normalize=True)  # pandas reference
    assert {g.value: g.expected_share for g in joint.groups} == pytest.approx(
        {f"{i} × {j}": expected.at[i, j] for i in expected.index for j in expected.columns}
    )
    assert "joint distribution" in " ".join(joint.notes)


# --- inside the sample ----------------------------------------------------------------
def test_label_by_group_matches_scipy_and_statsmodels(transactions):
    r = label_by_group(transactions, group="region", target="is_fraud")
    table = pd.crosstab(transactions["region"], transactions["is_fraud"])
    ref = stats.chi2_contingency(table.to_numpy(), correction=False)
    assert r.chi_square.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert r.chi_square.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert r.chi_square.dof == ref.dof == 4
    # README: region has no effect on fraud.
    assert r.chi_square.p_value > 0.05 and "does not differ detectably" in r.verdict_text
    resid = Table(table.to_numpy()).standardized_resids  # statsmodels' adjusted residuals
    np.testing.assert_allclose(r.residuals.loc[list(table.index), ["0", "1"]].to_numpy(), resid, rtol=1e-10)
    assert r.cramers_v == pytest.approx(stats.contingency.association(table.to_numpy(), method="cramer"), rel=1e-12)
    rates = table.div(table.sum(axis=1), axis=0)
    assert r.rates.loc["north", "1"] == pytest.approx(rates.loc["north", 1])


def test_label_by_group_detects_dependence():
    df = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50, "y": ["p"] * 40 + ["n"] * 10 + ["p"] * 10 + ["n"] * 40})
    r = label_by_group(df, group="g", target="y")
    # By hand: E = 25 everywhere, chi2 = 4 * 15^2 / 25 = 36; adjusted residual = 15 / sqrt(25 * .5 * .5) = 6.
    assert r.chi_square.statistic == pytest.approx(36.0)
    assert r.residuals.loc["a", "p"] == pytest.approx(6.0) and r.residuals.loc["a", "n"] == pytest.approx(-6.0)
    assert "depends on 'g'" in r.verdict_text


def test_missingness_by_group_matches_pandas_and_scipy():
    rng = np.random.default_rng(3)
    g = np.repeat(["a", "b", "c"], 400)
    x = rng.normal(size=1200)
    x[(g == "a") & (rng.random(1200) < 0.3)] = np.nan  # missing not at random: only in group a
    y = rng.normal(size=1200)
    y[rng.random(1200) < 0.05] = np.nan
    df = pd.DataFrame({"g": g, "x": x, "y": y, "z": 1.0})
    r = missingness_by_group(df, group="g")
    expected = df[["x", "y"]].isna().groupby(df["g"]).mean()  # pandas reference
    np.testing.assert_allclose(r.shares.to_numpy(), expected.to_numpy())
    tests = r.tests.set_index("column")
    assert list(tests.index) == ["x", "y"]  # z has no missing values
    for c in ("x", "y"):
        ref = stats.chi2_contingency(pd.crosstab(df["g"], df[c].isna()).to_numpy(), correction=False)
        assert tests.at[c, "p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    adjusted = multipletests(tests["p_value"], method="fdr_bh")[1]
    np.testing.assert_allclose(tests["p_adjusted"], adjusted)
    assert bool(tests.at["x", "flagged"]) and not bool(tests.at["y", "flagged"])


def test_transactions_missing_values_are_at_random(transactions):
    # README: the missing values are completely at random.
    r = missingness_by_group(transactions, group="region")
    assert set(r.tests["column"]) == {"distance_from_home_km", "device", "account_age_days"}
    assert not r.tests["flagged"].any()
    assert r.tests.set_index("column").at["device", "missing"] == 200


def test_bias_report_combines_and_does_not_mutate(transactions):
    before = transactions.copy()
    rep = bias_report(transactions, group="region", reference=POPULATION, target="is_fraud")
    d = rep.to_dict()
    for key in ("group", "groups", "chi_square", "total_variation", "js_distance", "psi"):
        assert key in d
    assert set(d["groups"][0]) >= {"value", "observed_count", "observed_share", "expected_share", "representation_ratio", "ci_low", "ci_high"}
    assert d["label_by_group"]["chi_square"]["dof"] == 4
    pd.testing.assert_frame_equal(transactions, before)


def test_groups_spelled_apart_are_named_in_a_note(transactions):
    df = transactions.copy()
    df.loc[df.index[:12], "region"] = "North"  # twelve rows of the 'north' group written another way
    counts = df["region"].value_counts()  # reference: pandas
    r = representation(df, group="region", reference=POPULATION)
    note = next(n for n in r.notes if "differ only in case or spaces" in n)
    assert note == (f"'north' ({counts['north']:,}) and 'North' ({counts['North']:,}) differ only in case or spaces: "
                    "they are counted as different groups of 'region'. Merge them before comparing if they are one "
                    "group.")
    assert not any("differ only" in n for n in representation(transactions, group="region", reference=POPULATION).notes)
