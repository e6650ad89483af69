"""Weak supervision: LF statistics, the label model, labeled output, bad input.

References: Snorkel's ``LFAnalysis`` docstring examples (snorkel/labeling/analysis.py)
for polarity, coverage, overlaps and conflicts; hand counts on a small matrix
(worked out in the comments); ``analysis.em.dawid_skene`` (the one EM, also
behind the label-quality consensus) without abstains and with abstain coded as
an extra class, for the label model's EM; simulated LFs of known accuracy; and the
documented facts of ``sample_data/README.md`` for the reviews sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score

from analysis.em import dawid_skene, majority_vote
from analysis.errors import AbstainOnlyError, DiagnosticsError, GoldLabelError, LFLabelError, WeakSupervisionError
from analysis.weak import LFMatrix, label_model, lf_matrix, lf_summary, simulate_votes, weak_labels, with_weak_labels
from sample_data import sample_path

# Snorkel's LFAnalysis docstring matrix and the values documented there.
SNORKEL_L = np.array([[-1, 0, 0], [-1, -1, -1], [1, 0, -1], [-1, 0, -1], [0, 0, 0]])


def test_lf_statistics_match_snorkels_documented_example():
    s = lf_summary(LFMatrix(names=("a", "b", "c"), labels=(0, 1), votes=SNORKEL_L))
    assert [x.polarity for x in s.lfs] == [(0, 1), (0,), (0,)]  # lf_polarities: [[0, 1], [0], [0]]
    np.testing.assert_allclose([x.coverage for x in s.lfs], [0.4, 0.8, 0.4])  # lf_coverages
    np.testing.assert_allclose([x.overlaps for x in s.lfs], [0.4, 0.6, 0.4])  # lf_overlaps
    np.testing.assert_allclose([x.conflicts for x in s.lfs], [0.2, 0.2, 0.0])  # lf_conflicts
    assert (s.total_coverage, s.overlap, s.conflict) == (0.8, 0.6, 0.2)  # label_coverage/overlap/conflict


# A small 3-class matrix, 6 items x 3 LFs, counted by hand below.
SMALL = pd.DataFrame(
    {
        "a": [0, 0, 1, -1, 2, -1],
        "b": [0, 1, 1, 2, -1, -1],
        "c": [-1, 1, 1, 2, 0, -1],
        "gold": [0, 1, -1, 2, 0, 1],
    }
)


def test_lf_statistics_hand_computed_with_partial_gold():
    m = lf_matrix(SMALL, lfs=["a", "b", "c"], gold="gold")
    s = lf_summary(m)
    a, b, c = s.lfs
    # a votes on items 0,1,2,4 -> coverage 4/6; every one of them has another vote -> overlaps 4/6;
    # conflicting items (2+ distinct labels): 1 (0 vs 1), 4 (2 vs 0) -> a conflicts 2/6.
    assert (a.coverage, a.overlaps, a.conflicts) == pytest.approx((4 / 6, 4 / 6, 2 / 6))
    # b votes on 0,1,2,3: all overlapped; conflicts on item 1 only.
    assert (b.coverage, b.overlaps, b.conflicts) == pytest.approx((4 / 6, 4 / 6, 1 / 6))
    # c votes on 1,2,3,4: all overlapped; conflicts on items 1 and 4.
    assert (c.coverage, c.overlaps, c.conflicts) == pytest.approx((4 / 6, 4 / 6, 2 / 6))
    assert [x.polarity for x in s.lfs] == [(0, 1, 2), (0, 1, 2), (0, 1, 2)]
    assert (s.total_coverage, s.overlap, s.conflict) == pytest.approx((5 / 6, 5 / 6, 2 / 6))
    # Gold known on items 0,1,3,4,5. a: item0 0=0 ok, item1 0!=1, item4 2!=0 -> 1 correct, 2 incorrect.
    assert (a.correct, a.incorrect, a.empirical_accuracy) == (1, 2, pytest.approx(1 / 3))
    # b: item0 ok, item1 ok, item3 ok -> 3/0.  c: item1 ok, item3 ok, item4 ok -> 3/0.
    assert (b.correct, b.incorrect, c.correct, c.incorrect) == (3, 0, 3, 0)
    # Independent check of a's empirical accuracy with sklearn on the rows where a votes and gold is known.
    rows = (SMALL["a"] >= 0) & (SMALL["gold"] >= 0)
    assert a.empirical_accuracy == pytest.approx(accuracy_score(SMALL["gold"][rows], SMALL["a"][rows]))
    assert s.n_gold == 5
    # Pairwise: a&b both vote on items 0,1,2 (disagree on 1); a&c on 1,2,4 (disagree on 1,4); b&c on 1,2,3 (agree).
    np.testing.assert_allclose(s.pair_overlap, np.array([[4, 3, 3], [3, 4, 3], [3, 3, 4]]) / 6)
    np.testing.assert_allclose(s.pair_conflict, np.array([[0, 1, 2], [1, 0, 0], [2, 0, 0]]) / 6)
    # Votes per class: label 0: a0,a1,b0,c4 = 4; label 1: a2,b1,b2,c1,c2 = 5; label 2: a4,b3,c3 = 3.
    assert s.vote_counts == {0: 4, 1: 5, 2: 3}
    d = s.to_dict()
    assert d["vote_balance"]["proportions"] == pytest.approx({"0": 4 / 12, "1": 5 / 12, "2": 3 / 12})
    assert {"name", "polarity", "coverage", "overlaps", "conflicts", "empirical_accuracy"} <= set(d["lfs"][0])


def test_text_labels_empty_cells_and_a_custom_abstain_value():
    df = pd.DataFrame({"x": ["spam", "SKIP", None, " ham "], "y": ["spam", "spam", "ham", "SKIP"]})
    m = lf_matrix(df, lfs=["x", "y"], abstain="SKIP")
    assert m.labels == ("ham", "spam")
    assert m.votes.tolist() == [[1, 1], [-1, 1], [-1, 0], [0, -1]]


def test_em_steps_equal_analysis_em_dawid_skene_when_every_lf_votes():
    # With no abstain the abstain column only holds the (tiny) smoothing: the model is plain Dawid-Skene,
    # so iterate for iterate it must equal the label-quality EM (analysis.em, smoothing 0).
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 3, 400)
    votes = np.column_stack([np.where(rng.random(400) < acc, truth, rng.integers(0, 3, 400)) for acc in (0.9, 0.7, 0.6, 0.5)])
    m = LFMatrix(names=("a", "b", "c", "d"), labels=(0, 1, 2), votes=votes.astype(np.int8))
    lm = label_model(m, max_iter=6, tol=0, smoothing=1e-12)
    ds = dawid_skene(votes, n_classes=3, max_iter=6, tol=0, smoothing=0.0)
    assert lm.n_iter == ds.n_iter == 6
    np.testing.assert_allclose(lm.posteriors, ds.posteriors, atol=1e-8)
    np.testing.assert_allclose(lm.outputs[:, :, 1:], ds.confusion, atol=1e-8)
    np.testing.assert_allclose(lm.class_priors, ds.class_priors, atol=1e-10)


def test_abstain_model_equals_em_dawid_skene_with_abstain_as_an_extra_output():
    # Independent route through analysis.em: code "abstain" as output K of a (K+1)-class Dawid-Skene
    # whose extra class has a prior of ~0; with the class prior fixed, both fits reach the same optimum.
    sim = simulate_votes(3000, accuracies=[0.9, 0.8, 0.65, 0.6], coverages=[0.3, 0.6, 0.8, 0.5], seed=5)
    m = LFMatrix(names=tuple("abcd"), labels=(0, 1), votes=sim.votes)
    lm = label_model(m, class_prior=[0.5, 0.5], tol=1e-12, max_iter=500)
    coded = np.where(sim.votes < 0, 2, sim.votes)
    ds = dawid_skene(coded, n_classes=3, class_prior=[0.5, 0.5, 1e-300], tol=1e-12, max_iter=500)
    post = ds.posteriors[:, :2] / ds.posteriors[:, :2].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(lm.posteriors, post, atol=1e-4)
    # The fake-class route's output order (vote 0, vote 1, abstain) is em's abstain_as_output order;
    # LabelModel.outputs puts the abstain first.
    np.testing.assert_allclose(lm.fit.confusion, ds.confusion[:, :2], atol=1e-4)
    np.testing.assert_allclose(lm.outputs, ds.confusion[:, :2][:, :, [2, 0, 1]], atol=1e-4)


def test_labels_consensus_and_the_label_model_run_the_same_em_function(monkeypatch):
    # Issues #5/#6: one EM for annotator consensus and the weak-supervision label model.
    import analysis.em
    import analysis.labels
    import analysis.weak
    import analysis.weak.model
    from analysis.labels import consensus_labels, encode_ratings

    assert analysis.labels.dawid_skene is analysis.em.dawid_skene
    assert analysis.weak.model.dawid_skene is analysis.em.dawid_skene
    assert not any(hasattr(mod, name) for mod in (analysis.weak, analysis.weak.model) for name in ("_fit", "_tallies", "_blocks", "_Fit"))
    # Spy on the one EM loop behind dawid_skene: both results must come out of it.
    runs = []
    real = analysis.em._em

    def spy(*args, **kwargs):
        runs.append((kwargs["abstain_as_output"], real(*args, **kwargs)))
        return runs[-1][1]

    monkeypatch.setattr(analysis.em, "_em", spy)
    df = pd.read_csv(sample_path("reviews_annotated.csv"))
    annotators = ["annotator_1", "annotator_2", "annotator_3", "annotator_4"]
    consensus = consensus_labels(df, annotators=annotators, method="dawid_skene")
    weak = weak_labels(df, lfs=annotators)
    assert [flag for flag, _ in runs] == [False, True]
    assert runs[0][1] is consensus.model and runs[1][1] is weak.model.fit
    assert type(consensus.model) is type(weak.model.fit) is analysis.em.DawidSkene
    # And the published numbers are those of direct calls (annotators: skipped = missing; LFs: abstain = output).
    ratings = encode_ratings(df, annotators=annotators)
    direct = dawid_skene(ratings.codes, n_classes=ratings.n_classes, max_iter=200)
    np.testing.assert_array_equal(consensus.model.posteriors, direct.posteriors)
    assert consensus.annotator_accuracy == dict(zip(annotators, direct.source_accuracy.tolist()))
    m = weak.model.matrix
    direct = dawid_skene(m.votes, n_classes=m.n_classes, max_iter=200, abstain_as_output=True)
    np.testing.assert_array_equal(weak.model.posteriors, direct.posteriors)
    np.testing.assert_array_equal(weak.model.learned_accuracy, direct.vote_accuracy)
    assert weak.model.n_iter == direct.n_iter and weak.model.log_likelihood == direct.log_likelihood


@pytest.mark.parametrize("balance", [(0.5, 0.5), (0.2, 0.5, 0.3)])
def test_label_model_recovers_known_accuracies_and_beats_majority_vote(balance):
    accuracies = [0.95, 0.9, 0.8, 0.7, 0.6, 0.55, 0.55, 0.52]
    coverages = [0.2, 0.3, 0.5, 0.6, 0.7, 0.7, 0.6, 0.8]
    sim = simulate_votes(30_000, accuracies=accuracies, coverages=coverages, class_balance=balance, seed=11)
    m = LFMatrix(names=tuple(f"lf{i}" for i in range(8)), labels=tuple(range(len(balance))), votes=sim.votes)
    lm = label_model(m)
    assert lm.converged
    # Learned accuracies beside the true (realized) ones: within 0.02 each.
    np.testing.assert_allclose(lm.learned_accuracy, sim.accuracy, atol=0.02)
    np.testing.assert_allclose(lm.class_priors, balance, atol=0.02)
    covered = lm.codes >= 0
    mv = majority_vote(sim.votes, n_classes=len(balance))
    decided = mv.labels >= 0
    lm_acc = (lm.codes[decided] == sim.truth[decided]).mean()
    mv_acc = (mv.labels[decided] == sim.truth[decided]).mean()
    assert lm_acc > mv_acc + 0.01, (lm_acc, mv_acc)  # same items: the MV's non-tied ones
    # On all covered items (ties included, which MV cannot decide) the gap is larger still.
    assert (lm.codes[covered] == sim.truth[covered]).mean() > (mv.labels[covered] == sim.truth[covered]).mean() + 0.05
    # Uncovered items keep the abstain code and have no confidence.
    assert ((lm.codes == -1) == (sim.votes < 0).all(axis=1)).all()
    assert np.isnan(lm.confidence[~covered]).all() and (lm.confidence[covered] >= 1 / len(balance)).all()


def test_unipolar_keyword_like_lfs_are_informative():
    # LFs that only ever vote one class (like keyword LFs) carry their evidence in *when* they fire.
    rng = np.random.default_rng(2)
    truth = (rng.random(20_000) < 0.4).astype(np.int8)
    pos = np.where((truth == 1) & (rng.random(20_000) < 0.6) | (truth == 0) & (rng.random(20_000) < 0.05), 1, -1)
    neg = np.where((truth == 0) & (rng.random(20_000) < 0.5) | (truth == 1) & (rng.random(20_000) < 0.05), 0, -1)
    pos2 = np.where((truth == 1) & (rng.random(20_000) < 0.3) | (truth == 0) & (rng.random(20_000) < 0.1), 1, -1)
    neg2 = np.where((truth == 0) & (rng.random(20_000) < 0.4) | (truth == 1) & (rng.random(20_000) < 0.15), 0, -1)
    votes = np.column_stack([pos, neg, pos2, neg2]).astype(np.int8)
    lm = label_model(LFMatrix(names=("pos", "neg", "pos2", "neg2"), labels=(0, 1), votes=votes))
    voted = votes >= 0
    realized = [((votes[:, s] == truth) & voted[:, s]).sum() / voted[:, s].sum() for s in range(4)]
    np.testing.assert_allclose(lm.learned_accuracy, realized, atol=0.02)
    np.testing.assert_allclose(lm.class_priors[1], 0.4, atol=0.02)


def test_reviews_sample_annotators_as_lfs_match_the_documented_accuracies():
    df = pd.read_csv(sample_path("reviews_annotated.csv"))
    w = weak_labels(df, lfs=["annotator_1", "annotator_2", "annotator_3", "annotator_4"], gold="gold_label")
    # sample_data/README.md: "correct vs gold" per annotator, and 83 items whose top two counts tie.
    assert [(s.correct, s.correct + s.incorrect) for s in w.summary.lfs] == [(114, 135), (101, 121), (94, 140), (65, 113)]
    assert w.model.majority.n_ties == 83
    assert w.summary.total_coverage == 1.0 and w.summary.n_gold == 150
    # Learned accuracies near the README's accuracies against the hidden truth (0.8534, 0.8390, 0.7174, 0.5551).
    np.testing.assert_allclose(w.model.learned_accuracy, [0.8534, 0.8390, 0.7174, 0.5551], atol=0.03)
    assert w.model.used_gold
    known = w.model.matrix.gold >= 0
    assert (w.model.codes[known] == w.model.matrix.gold[known]).all()  # gold rows are fixed to gold
    g = w.model.gold_accuracy
    # The fair comparison (a fit that never saw gold) on gold rows with a majority vote.
    mv = w.model.majority.labels
    rows = known & (mv >= 0)
    assert g["n_gold_majority"] == int(rows.sum())
    assert g["majority_vote"] == pytest.approx((mv[rows] == w.model.matrix.gold[rows]).mean())
    blind = label_model(w.model.matrix, use_gold=False)
    assert g["label_model_same_items"] == pytest.approx((blind.codes[rows] == w.model.matrix.gold[rows]).mean())


def test_output_keeps_columns_label_values_and_abstain():
    df = pd.DataFrame({"id": ["=x", "b", "c", "d"], "a": [1, 1, 0, -1], "b": [1, 0, 0, -1], "c": [1, 1, -1, -1]})
    before = df.copy()
    w = weak_labels(df, lfs=["a", "b", "c"])
    out = with_weak_labels(df, w.model)
    pd.testing.assert_frame_equal(df, before)  # input not mutated
    assert out.columns.tolist() == ["id", "a", "b", "c", "weak_label", "weak_confidence"]
    pd.testing.assert_frame_equal(out[df.columns], df)
    assert out["weak_label"].tolist() == [1, 1, 0, -1]  # same values as the LFs; abstain where nothing fired
    assert np.isnan(out["weak_confidence"].iloc[3]) and (out["weak_confidence"].iloc[:3] > 0.5).all()
    d = w.to_dict()
    assert d["label_model"]["coverage"] == 0.75 and d["lfs"][0]["learned_accuracy"] is not None
    # Majority vote (analysis.em) decides rows 0-2: 1, 1 (2 of 3), 0 -> the label model agrees on all three.
    assert w.model.majority.labels.tolist() == [1, 1, 0, -1]
    assert w.model.agreement_with_majority == 1.0
    assert d["label_model"]["mean_confidence"] == pytest.approx(np.nanmean(out["weak_confidence"]))


def test_class_prior_is_fixed_when_given():
    sim = simulate_votes(5000, accuracies=[0.8, 0.7, 0.6], coverages=[0.5, 0.5, 0.5], seed=3)
    m = LFMatrix(names=tuple("abc"), labels=("n", "y"), votes=sim.votes)
    lm = label_model(m, class_prior={"n": 3, "y": 1})
    np.testing.assert_allclose(lm.class_priors, [0.75, 0.25])
    assert lm.prior_fixed
    with pytest.raises(WeakSupervisionError, match="one share per class"):
        label_model(m, class_prior={"n": 1})
    with pytest.raises(WeakSupervisionError, match="2 positive numbers"):
        label_model(m, class_prior=[1, -1])


def test_bad_input_gives_clear_messages():
    df = pd.DataFrame({"a": ["pos", "neg", "pso"], "b": ["pos", -1, None], "none": [-1, -1, None], "g": ["pos", "maybe", None]})
    with pytest.raises(LFLabelError, match=r"'a' emits label\(s\) 'pso' outside the classes 'pos', 'neg'"):
        lf_matrix(df, lfs=["a", "b"], labels=["pos", "neg"])
    with pytest.raises(AbstainOnlyError, match=r"function 'none' abstains on every row.*drop it"):
        lf_matrix(df, lfs=["a", "none"])
    assert lf_matrix(df, lfs=["a", "none"], allow_silent=True).silent == ("none",)
    with pytest.raises(AbstainOnlyError, match="Every labeling function abstains"):
        lf_matrix(df, lfs=["none"])
    with pytest.raises(GoldLabelError, match=r"gold column 'g' holds value\(s\) 'maybe'"):
        lf_matrix(df, lfs=["a", "b"], gold="g")
    with pytest.raises(WeakSupervisionError, match="only one label"):
        lf_matrix(df, lfs=["b"])
    with pytest.raises(WeakSupervisionError, match="listed twice"):
        lf_matrix(df, lfs=["a", "a"])
    with pytest.raises(WeakSupervisionError, match="also listed as a labeling function"):
        lf_matrix(df, lfs=["a", "g"], gold="g")
    with pytest.raises(DiagnosticsError, match="is not in the data"):
        lf_matrix(df, lfs=["a", "zzz"])


def test_agreement_table_counts_every_item_once():
    votes = np.array([[0, 0, 1], [1, 1, -1], [0, 1, -1], [-1, -1, -1], [1, 1, 1]], dtype=np.int8)
    lm = label_model(LFMatrix(names=tuple("abc"), labels=("a", "b"), votes=votes))
    table = lm.agreement_table()
    assert int(table.to_numpy().sum()) == 5
    assert table.loc["tie"].sum() == 1 and table.loc["no vote", "no vote"] == 1
    assert table.loc["a"].sum() == 1 and table.loc["b"].sum() == 2
