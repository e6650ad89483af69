"""Annotator agreement and consensus against published worked examples and independent libraries."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

from analysis.errors import AnnotationError, ColumnNotFoundError, LabelOrderError
from analysis.labels import (
    agreement,
    alpha_verdict,
    bootstrap_agreement,
    consensus_labels,
    encode_ratings,
    landis_koch,
    with_consensus,
)
from sample_data import sample_path

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E (4 observers x 12
# units, values 1-5, missing data). Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
K2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    "C": [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
}
K2011_PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects x 14 raters x 5 categories -> kappa 0.210.
FLEISS_WIKI = np.array(
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
)
ANNOTATORS = ["annotator_1", "annotator_2", "annotator_3", "annotator_4"]


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return pd.read_csv(sample_path("reviews_annotated.csv"))


@pytest.mark.parametrize("level", list(K2011_PUBLISHED))
def test_krippendorff_2011_worked_example_with_missing_data(level):
    r = agreement(pd.DataFrame(K2011), annotators=list("ABCD"), level=level)
    assert round(r.krippendorff_alpha, 3) == K2011_PUBLISHED[level]
    assert r.n_items == 12 and r.n_pairable_items == 11  # unit 12 has a single value: not pairable


def test_krippendorff_2011_text_labels_with_an_explicit_order():
    words = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    df = pd.DataFrame({k: [words.get(v) for v in vals] for k, vals in K2011.items()})
    order = ["very low", "low", "mid", "high", "very high"]
    assert round(agreement(df, annotators=list("ABCD"), level="ordinal", order=order).krippendorff_alpha, 3) == 0.815
    assert round(agreement(df, annotators=list("ABCD"), level="interval", order=order).krippendorff_alpha, 3) == 0.849
    assert round(agreement(df, annotators=list("ABCD")).krippendorff_alpha, 3) == 0.743


def _expand(counts: np.ndarray, labels=None) -> pd.DataFrame:
    """Item x category counts -> one column per rater (Fleiss' kappa ignores which rater said what)."""
    rows = []
    for item in counts:
        votes = [c for c, n in enumerate(item) for _ in range(n)]
        rows.append(votes)
    frame = pd.DataFrame(rows, columns=[f"r{i}" for i in range(counts.sum(axis=1).max())])
    return frame if labels is None else frame.replace(dict(enumerate(labels)))


def test_fleiss_kappa_wikipedia_example():
    df = _expand(FLEISS_WIKI, labels=list("abcde"))
    r = agreement(df, annotators=list(df.columns))
    assert round(r.fleiss_kappa, 3) == 0.210
    assert r.fleiss_method == "statsmodels"
    assert r.fleiss_kappa == pytest.approx(fleiss_kappa(FLEISS_WIKI))
    # Wikipedia's P-bar (mean observed agreement) is 0.378.
    assert round(r.percent_agreement, 3) == 0.378


def _random_ratings(rng, n_items, n_raters, n_cats, p_missing) -> np.ndarray:
    truth = rng.integers(0, n_cats, n_items)
    noisy = np.where(rng.random((n_items, n_raters)) < 0.6, truth[:, None], rng.integers(0, n_cats, (n_items, n_raters)))
    data = noisy.astype(float) + 1
    data[rng.random((n_items, n_raters)) < p_missing] = np.nan
    return data


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_equals_the_krippendorff_package_on_random_matrices(seed, level):
    rng = np.random.default_rng(seed)
    data = _random_ratings(rng, int(rng.integers(5, 60)), int(rng.integers(2, 6)), int(rng.integers(2, 6)), 0.35)
    df = pd.DataFrame(data, columns=[f"r{i}" for i in range(data.shape[1])])
    pairable = (~np.isnan(data)).sum(axis=1) >= 2
    if pairable.sum() == 0 or len(np.unique(data[pairable][~np.isnan(data[pairable])])) < 2:
        pytest.skip("no variation among pairable values: alpha is undefined")
    r = agreement(df, annotators=list(df.columns), level=level)
    assert r.krippendorff_alpha == pytest.approx(krippendorff.alpha(data.T, level_of_measurement=level), abs=1e-12)


def _fleiss_varying_raters(counts: np.ndarray) -> float:
    """Independent loop: Fleiss' formula with P_i over each item's own n_i, shares pooled over ratings."""
    items = [row for row in counts if row.sum() >= 2]
    p_items = []
    for row in items:
        n = row.sum()
        p_items.append(sum(c * (c - 1) for c in row) / (n * (n - 1)))
    total = sum(row.sum() for row in items)
    shares = [sum(row[j] for row in items) / total for j in range(counts.shape[1])]
    pe = sum(s * s for s in shares)
    return (sum(p_items) / len(p_items) - pe) / (1 - pe)


@pytest.mark.parametrize("seed", range(15))
def test_fleiss_kappa_against_statsmodels_and_the_varying_raters_formula(seed):
    rng = np.random.default_rng(100 + seed)
    n_cats = int(rng.integers(2, 5))
    complete = _random_ratings(rng, int(rng.integers(5, 50)), int(rng.integers(2, 6)), n_cats, 0.0)
    df = pd.DataFrame(complete, columns=[f"r{i}" for i in range(complete.shape[1])])
    r = agreement(df, annotators=list(df.columns))
    table = np.stack([(complete == v).sum(axis=1) for v in range(1, n_cats + 1)], axis=1)
    table = table[:, table.sum(axis=0) > 0]
    assert r.fleiss_method == "statsmodels"
    assert r.fleiss_kappa == pytest.approx(fleiss_kappa(table), abs=1e-12)

    gappy = _random_ratings(rng, 40, 5, n_cats, 0.3)
    gappy[0, :] = [1, 1, 2, np.nan, np.nan]  # make sure counts differ between items
    gappy[1, :] = [1, 2, 1, 2, 1]
    df = pd.DataFrame(gappy, columns=[f"r{i}" for i in range(5)])
    r = agreement(df, annotators=list(df.columns))
    counts = np.stack([(gappy == v).sum(axis=1) for v in range(1, n_cats + 1)], axis=1)
    assert r.fleiss_method == "generalized"
    assert r.fleiss_kappa == pytest.approx(_fleiss_varying_raters(counts), abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_pairwise_cohen_kappa_equals_sklearn(seed):
    rng = np.random.default_rng(200 + seed)
    labels = ["low", "mid", "high", "top"][: int(rng.integers(2, 5))]
    data = _random_ratings(rng, 80, 3, len(labels), 0.25)
    df = pd.DataFrame({f"r{i}": [None if np.isnan(v) else labels[int(v) - 1] for v in data[:, i]] for i in range(3)})
    r = agreement(df, annotators=["r0", "r1", "r2"], level="ordinal", order=labels)
    for p in r.pairwise:
        both = df[[p.a, p.b]].dropna()
        assert p.n_items == len(both)
        assert p.percent_agreement == pytest.approx((both[p.a] == both[p.b]).mean())
        for weights, value in [(None, p.cohen_kappa), ("linear", p.cohen_kappa_linear), ("quadratic", p.cohen_kappa_quadratic)]:
            expected = cohen_kappa_score(both[p.a], both[p.b], labels=labels, weights=weights)
            assert value == pytest.approx(expected, abs=1e-12)
    matrix = r.kappa_matrix("quadratic")
    assert matrix.loc["r2", "r0"] == matrix.loc["r0", "r2"] == r.pairwise[1].cohen_kappa_quadratic
    assert np.diag(matrix.to_numpy()).tolist() == [1.0, 1.0, 1.0]


def test_nominal_result_has_no_weighted_kappas():
    r = agreement(pd.DataFrame(K2011), annotators=list("ABCD"))
    d = r.to_dict()
    assert set(d["pairwise"][0]) == {"a", "b", "n_items", "percent_agreement", "cohen_kappa", "verdict",
                                     "cohen_kappa_linear", "cohen_kappa_quadratic"}
    assert d["pairwise"][0]["cohen_kappa_linear"] is None and d["pairwise"][0]["cohen_kappa_quadratic"] is None
    ordinal = agreement(pd.DataFrame(K2011), annotators=list("ABCD"), level="ordinal").to_dict()
    assert {"cohen_kappa_linear", "cohen_kappa_quadratic"} <= set(ordinal["pairwise"][0])


def test_category_specific_agreement_two_raters_matches_the_classic_formula():
    # 2x2 table a=40 (both yes), b=10, c=5, d=45 (both no): positive agreement 2a/(2a+b+c),
    # negative 2d/(2d+b+c) (Cicchetti & Feinstein 1990; Uebersax's specific agreement).
    pairs = [("yes", "yes")] * 40 + [("yes", "no")] * 10 + [("no", "yes")] * 5 + [("no", "no")] * 45
    df = pd.DataFrame(pairs, columns=["a", "b"])
    r = agreement(df, annotators=["a", "b"])
    specific = {c.category: c.specific_agreement for c in r.categories}
    assert specific["yes"] == pytest.approx(80 / 95)
    assert specific["no"] == pytest.approx(90 / 105)
    assert r.percent_agreement == pytest.approx(85 / 100)
    assert r.pairwise[0].cohen_kappa == pytest.approx(cohen_kappa_score(df["a"], df["b"]))


def test_reviews_sample_documented_facts(reviews):
    # sample_data/README.md (checked there by make_samples.py).
    r = agreement(reviews, annotators=ANNOTATORS)
    assert round(r.krippendorff_alpha, 4) == 0.3677
    assert round(agreement(reviews, annotators=ANNOTATORS[:3]).krippendorff_alpha, 4) == 0.4702
    assert r.majority.n_ties == 83
    assert round(r.unanimous_share * 600) == 218
    assert r.n_ratings == 2037 and r.n_items == 600 and r.n_pairable_items == 600
    assert [a.n_ratings for a in r.annotators] == [532, 472, 552, 481]
    # The weakest annotator (annotator_4 by design) agrees least with the others.
    assert min(r.annotators, key=lambda a: a.agreement_with_others).annotator == "annotator_4"


def test_per_annotator_numbers_against_brute_force_counting(reviews):
    r = agreement(reviews, annotators=ANNOTATORS)
    rows = reviews[ANNOTATORS].to_dict("records")  # plain dicts: the counting below is pure Python
    for stats in r.annotators:
        me = stats.annotator
        agree = pairs = 0
        cons_total = cons_agree = 0
        confusions: dict[tuple, int] = {}
        for row in rows:
            if pd.isna(row[me]):
                continue
            others = [row[o] for o in ANNOTATORS if o != me and not pd.isna(row[o])]
            agree += sum(v == row[me] for v in others)
            pairs += len(others)
            counts = Counter(others).most_common()
            if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]):
                cons_total += 1
                cons_agree += counts[0][0] == row[me]
                if counts[0][0] != row[me]:
                    key = (counts[0][0], row[me])
                    confusions[key] = confusions.get(key, 0) + 1
        assert stats.agreement_with_others == pytest.approx(agree / pairs)
        assert stats.n_consensus == cons_total
        assert stats.agreement_with_consensus == pytest.approx(cons_agree / cons_total)
        top = max(confusions.items(), key=lambda kv: kv[1])
        assert stats.most_confused[2] == top[1] and (stats.most_confused[0], stats.most_confused[1]) in confusions
        mine = [p.cohen_kappa for p in r.pairwise if me in (p.a, p.b)]
        assert stats.mean_kappa_with_others == pytest.approx(np.mean(mine))


def test_confusion_between_two_annotators_equals_crosstab(reviews):
    r = agreement(reviews, annotators=ANNOTATORS)
    got = r.confusion("annotator_1", "annotator_4")
    both = reviews[["annotator_1", "annotator_4"]].dropna()
    expected = pd.crosstab(both["annotator_1"], both["annotator_4"])
    assert got.to_numpy().tolist() == expected.to_numpy().tolist()
    with pytest.raises(ColumnNotFoundError, match="not one of the annotators"):
        r.confusion("annotator_1", "gold_label")


def test_items_table_vote_counts_entropy_and_disputed(reviews):
    r = agreement(reviews, annotators=ANNOTATORS)
    items = r.items_frame()
    frame = reviews[ANNOTATORS]
    for label in ("negative", "neutral", "positive"):
        assert items[f"votes_{label}"].tolist() == (frame == label).sum(axis=1).tolist()
    assert items["n_votes"].tolist() == frame.notna().sum(axis=1).tolist()
    # Entropy in bits, independent: scipy.stats.entropy with base 2.
    from scipy.stats import entropy

    counts = items[["votes_negative", "votes_neutral", "votes_positive"]].to_numpy()
    assert items["entropy_bits"].to_numpy() == pytest.approx(entropy(counts, base=2, axis=1))
    disputed = r.disputed(10)
    assert disputed["entropy_bits"].is_monotonic_decreasing
    assert disputed["entropy_bits"].iloc[0] == pytest.approx(math.log2(3))  # 1-1-1 splits exist
    assert items["tie"].sum() == 83


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_bootstrap_equals_an_independent_resampling_loop(level):
    df = pd.DataFrame(K2011)
    r = agreement(df, annotators=list("ABCD"), level=level)
    seen = []
    ci = bootstrap_agreement(r, n_resamples=300, seed=7, progress=lambda d, t: seen.append((d, t)))
    # Reference: the same seeded resampling of pairable items, alpha from the krippendorff package
    # on raw reliability data, Cohen's kappa from scikit-learn, and numpy percentiles.
    data = df.to_numpy().T
    pairable = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 2)
    rng = np.random.default_rng(7)
    alphas, kappas = [], []
    for _ in range(300):
        idx = pairable[rng.integers(0, len(pairable), len(pairable))]
        sample = data[:, idx]
        if len(np.unique(sample[~np.isnan(sample)])) >= 2:
            alphas.append(krippendorff.alpha(sample, level_of_measurement=level))
        both = ~np.isnan(sample[0]) & ~np.isnan(sample[1])
        with np.errstate(invalid="ignore", divide="ignore"):
            kappa = cohen_kappa_score(sample[0, both], sample[1, both], labels=[1, 2, 3, 4, 5],
                                      weights="quadratic" if level != "nominal" else None)
        if np.isfinite(kappa):
            kappas.append(kappa)
    assert ci.intervals["krippendorff_alpha"] == pytest.approx(
        (np.percentile(alphas, 2.5), np.percentile(alphas, 97.5)), abs=1e-9
    )
    key = "cohen_kappa_quadratic:A|B" if level != "nominal" else "cohen_kappa:A|B"
    assert ci.intervals[key] == pytest.approx((np.percentile(kappas, 2.5), np.percentile(kappas, 97.5)), abs=1e-9)
    assert seen[-1] == (300, 300) and len(seen) <= 101
    assert bootstrap_agreement(r, n_resamples=300, seed=7).intervals == ci.intervals  # seeded: reproducible
    assert ci.to_dict()["n_resamples"] == 300


def test_bootstrap_fleiss_interval_equals_statsmodels_on_resampled_complete_data():
    rng = np.random.default_rng(5)
    data = _random_ratings(rng, 40, 4, 3, 0.0)
    df = pd.DataFrame(data, columns=list("ABCD"))
    ci = bootstrap_agreement(agreement(df, annotators=list("ABCD")), n_resamples=200, seed=3)
    table = np.stack([(data == v).sum(axis=1) for v in (1, 2, 3)], axis=1)
    rng = np.random.default_rng(3)
    values = [fleiss_kappa(table[rng.integers(0, 40, 40)]) for _ in range(200)]
    assert ci.intervals["fleiss_kappa"] == pytest.approx((np.percentile(values, 2.5), np.percentile(values, 97.5)), abs=1e-9)


def test_verdict_wording_boundaries():
    # Landis & Koch (1977): <0 poor, 0-.20 slight, .21-.40 fair, .41-.60 moderate, .61-.80 substantial.
    assert [landis_koch(k) for k in (-0.01, 0.0, 0.2, 0.21, 0.4, 0.6, 0.8, 0.81, 1.0)] == [
        "poor", "slight", "slight", "fair", "fair", "moderate", "substantial", "almost perfect", "almost perfect"
    ]
    assert landis_koch(float("nan")) == "undefined"
    # Krippendorff (2004): rely on alpha >= .800; tentative conclusions from .667.
    assert [alpha_verdict(a) for a in (0.8, 0.799, 0.667, 0.666)] == ["reliable", "tentative", "tentative", "unreliable"]


def test_missing_ratings_are_kept_not_dropped_row_wise():
    df = pd.DataFrame(K2011)
    listwise = df.dropna()
    r_all = agreement(df, annotators=list("ABCD"))
    r_listwise = agreement(listwise, annotators=list("ABCD"))
    assert r_all.n_ratings == int(df.notna().sum().sum()) == 41
    assert r_all.krippendorff_alpha != pytest.approx(r_listwise.krippendorff_alpha)


@pytest.mark.parametrize(
    "kwargs, error, needle",
    [
        (dict(annotators=["A"]), AnnotationError, "at least 2 annotator columns"),
        (dict(annotators=["A", "A"]), AnnotationError, "listed twice"),
        (dict(annotators=["A", "Z"]), ColumnNotFoundError, "annotator column 'Z' is not in the data"),
        (dict(annotators=["A", "B"], level="nominalish"), AnnotationError, "Unknown level"),
    ],
)
def test_bad_annotator_input_is_explained(kwargs, error, needle):
    with pytest.raises(error, match=needle):
        agreement(pd.DataFrame(K2011), **kwargs)


def test_text_labels_need_a_complete_order_beyond_nominal():
    df = pd.DataFrame({"a": ["lo", "hi", "mid"], "b": ["lo", "hi", "hi"]})
    with pytest.raises(LabelOrderError, match="needs the order of the text labels"):
        agreement(df, annotators=["a", "b"], level="ordinal")
    with pytest.raises(LabelOrderError, match="leaves out label"):
        agreement(df, annotators=["a", "b"], level="ordinal", order=["lo", "hi"])
    r = encode_ratings(df, annotators=["a", "b"], level="interval", order=["lo", "mid", "hi", "max"])
    assert r.categories == ("lo", "mid", "hi", "max") and r.values.tolist() == [1, 2, 3, 4]


def test_one_label_or_no_overlap_is_explained():
    with pytest.raises(AnnotationError, match="1 distinct label"):
        agreement(pd.DataFrame({"a": ["x", "x"], "b": ["x", None]}), annotators=["a", "b"])
    with pytest.raises(AnnotationError, match="No item has ratings from two annotators"):
        agreement(pd.DataFrame({"a": ["x", None], "b": [None, "y"]}), annotators=["a", "b"])


def test_numeric_labels_with_gaps_read_as_float_are_the_same_labels():
    df = pd.DataFrame({"a": [1, 2, 3, 2], "b": [1.0, 2.0, np.nan, 3.0]})
    r = encode_ratings(df, annotators=["a", "b"], level="interval")
    assert r.categories == (1, 2, 3)
    assert r.codes.tolist() == [[0, 0], [1, 1], [2, -1], [1, 2]]


# --- consensus -------------------------------------------------------------------------
def test_majority_consensus_reports_ties_instead_of_breaking_them():
    df = pd.DataFrame({"a": ["x", "x", "y", None], "b": ["x", "y", "y", None], "c": ["y", None, "y", None]})
    c = consensus_labels(df, annotators=["a", "b", "c"], method="majority")
    assert c.labels.tolist() == ["x", None, "y", None]
    assert c.tie.tolist() == [False, True, False, False]
    assert c.n_votes.tolist() == [3, 2, 3, 0]
    assert c.confidence[:3] == pytest.approx([2 / 3, 0.5, 1.0]) and np.isnan(c.confidence[3])
    assert any("1 item has tied votes and gets no majority label" in n for n in c.notes)


def test_dawid_skene_consensus_beats_majority_vote_on_the_gold_rows(reviews):
    gold = reviews["gold_label"].notna().to_numpy()
    ds = consensus_labels(reviews, annotators=ANNOTATORS)
    mv = consensus_labels(reviews, annotators=ANNOTATORS, method="majority")
    truth = reviews["gold_label"].to_numpy()[gold]
    ds_acc = (ds.labels[gold] == truth).mean()
    mv_acc = (mv.labels[gold] == truth).mean()  # tied items have no majority label: counted wrong
    assert ds_acc > mv_acc and ds_acc >= 0.85
    # The documented ranking of the annotators (correct vs gold: 1 > 2 > 3 > 4, with 1 and 2 close).
    acc = ds.annotator_accuracy
    assert acc["annotator_4"] < acc["annotator_3"] < min(acc["annotator_1"], acc["annotator_2"])
    assert ds.model.converged


def test_gold_rows_are_fixed_and_unknown_gold_labels_are_refused(reviews):
    c = consensus_labels(reviews, annotators=ANNOTATORS, gold="gold_label")
    gold = reviews["gold_label"].notna().to_numpy()
    assert (c.labels[gold] == reviews["gold_label"].to_numpy()[gold]).all()
    assert np.allclose(c.confidence[gold], 1.0)
    bad = reviews.assign(gold_label=reviews["gold_label"].replace({"neutral": "meh"}))
    with pytest.raises(AnnotationError, match="'meh'"):
        consensus_labels(bad, annotators=ANNOTATORS, gold="gold_label")


def test_with_consensus_keeps_the_original_columns(reviews):
    c = consensus_labels(reviews, annotators=ANNOTATORS)
    out = with_consensus(reviews, c)
    assert out.columns.tolist() == reviews.columns.tolist() + ["consensus_label", "consensus_confidence", "consensus_votes"]
    pd.testing.assert_frame_equal(out[reviews.columns], reviews)
    assert out["consensus_votes"].tolist() == reviews[ANNOTATORS].notna().sum(axis=1).tolist()
    assert ((out["consensus_confidence"] > 0) & (out["consensus_confidence"] <= 1)).all()
    with pytest.raises(AnnotationError, match="compute it on this data"):
        with_consensus(reviews.head(10), c)


def test_inputs_are_not_mutated(reviews):
    before = reviews.copy()
    agreement(reviews, annotators=ANNOTATORS)
    consensus_labels(reviews, annotators=ANNOTATORS, gold="gold_label")
    pd.testing.assert_frame_equal(reviews, before)


def test_pairs_cover_every_annotator_pair_once(reviews):
    r = agreement(reviews, annotators=ANNOTATORS)
    assert [(p.a, p.b) for p in r.pairwise] == list(itertools.combinations(ANNOTATORS, 2))


# --- property tests (hypothesis) ----------------------------------------------------
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from tiers import examples  # noqa: E402


@st.composite
def rating_matrices(draw, p_missing=True):
    n_items, n_raters, k = draw(st.integers(2, 25)), draw(st.integers(2, 5)), draw(st.integers(2, 5))
    cell = st.one_of(st.none(), st.integers(1, k)) if p_missing else st.integers(1, k)
    cells = draw(st.lists(cell, min_size=n_items * n_raters, max_size=n_items * n_raters))
    return np.array([np.nan if c is None else c for c in cells], dtype=float).reshape(n_items, n_raters)


def _pairable_variation(data: np.ndarray) -> bool:
    pairable = (~np.isnan(data)).sum(axis=1) >= 2
    values = data[pairable]
    return bool(pairable.any()) and len(np.unique(values[~np.isnan(values)])) >= 2


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rating_matrices(), level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_property_alpha_matches_krippendorff_with_missing_cells(data, level):
    assume(_pairable_variation(data))
    df = pd.DataFrame(data, columns=[f"r{i}" for i in range(data.shape[1])])
    r = agreement(df, annotators=list(df.columns), level=level)
    assert r.krippendorff_alpha == pytest.approx(krippendorff.alpha(data.T, level_of_measurement=level), abs=1e-9)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rating_matrices(p_missing=False))
def test_property_fleiss_matches_statsmodels_on_complete_matrices(data):
    values = np.unique(data)
    assume(len(values) >= 2)
    df = pd.DataFrame(data, columns=[f"r{i}" for i in range(data.shape[1])])
    r = agreement(df, annotators=list(df.columns))
    table = np.stack([(data == v).sum(axis=1) for v in values], axis=1)
    expected = fleiss_kappa(table)
    assert r.fleiss_kappa == pytest.approx(expected, abs=1e-9) or (math.isnan(r.fleiss_kappa) and not np.isfinite(expected))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@settings(max_examples=examples(40), deadline=None)
@given(data=rating_matrices())
def test_property_cohen_matches_sklearn_on_pairs_with_missing_cells(data):
    df = pd.DataFrame(data, columns=[f"r{i}" for i in range(data.shape[1])])
    assume(df.stack().nunique() >= 2 and ((df.notna().sum(axis=1)) >= 2).any())
    r = agreement(df, annotators=list(df.columns))
    labels = sorted(df.stack().unique())
    for p in r.pairwise:
        both = df[[p.a, p.b]].dropna()
        if len(both) == 0:
            assert math.isnan(p.cohen_kappa)
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = cohen_kappa_score(both[p.a], both[p.b], labels=labels)
        assert p.cohen_kappa == pytest.approx(expected, abs=1e-9) or (math.isnan(p.cohen_kappa) and math.isnan(expected))


def test_results_follow_the_result_protocol_and_settings_are_hashable_cache_keys():
    from analysis.em import dawid_skene, majority_vote
    from analysis.labels import AgreementSettings, ConsensusSettings, Corrections, LabelIssuesSettings
    from analysis.results import Result

    df = pd.DataFrame({"a": list("xxyyxy" * 5), "b": list("xxyyyy" * 5), "c": list("xyyyxy" * 5)})
    r = agreement(df, annotators=["a", "b", "c"])
    assert isinstance(r, Result) and r.verdict == r.alpha_verdict and r.verdict_text == r.alpha_text
    assert {"reliable": "ok", "unreliable": "critical"}.get(r.verdict, r.severity) == r.severity
    ci = bootstrap_agreement(r, n_resamples=50)
    assert isinstance(ci, Result) and (ci.verdict, ci.severity) == ("computed", "info")
    majority = consensus_labels(df, annotators=["a", "b", "c"], method="majority")
    assert isinstance(majority, Result) and majority.verdict in ("ties", "decided")
    ds = consensus_labels(df, annotators=["a", "b", "c"], max_iter=1)
    assert (ds.verdict, ds.severity) == ("not_converged", "warning") and f"did not converge after {ds.model.n_iter} iterations" in ds.verdict_text
    # Every key exists for both methods (null for the majority vote).
    assert set(majority.to_dict()) == set(ds.to_dict()) and majority.to_dict()["converged"] is None
    votes = np.array([[0, 0, 1], [1, 1, 1], [0, -1, 0]])
    assert dawid_skene(votes, n_classes=2).verdict == "converged"
    assert majority_vote(np.array([[0, 1]]), n_classes=2).to_dict()["verdict"] == "ties"
    # Settings: equal values are one cache key, lists and tuples alike; run() is the analysis call.
    s = AgreementSettings(annotators=["a", "b", "c"])
    assert s == AgreementSettings(annotators=("a", "b", "c")) and hash(s) == hash(AgreementSettings(("a", "b", "c")))
    assert s.run(df).krippendorff_alpha == r.krippendorff_alpha
    c = ConsensusSettings(annotators=["a", "b", "c"], method="majority")
    assert c.run(df).labels.tolist() == majority.labels.tolist() and hash(c)
    assert hash(LabelIssuesSettings(target="a", features=["b"])) == hash(LabelIssuesSettings(target="a", features=("b",)))
    fix = Corrections.of("a", {3: "x", 1: "y"})
    assert fix == Corrections.of("a", {1: "y", 3: "x"}) and len(fix) == 2
    assert fix.apply(df)["a_corrected"].tolist()[:4] == ["x", "y", "y", "x"]
