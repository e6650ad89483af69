"""Dawid-Skene EM and majority vote over votes matrices with missing entries."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.em import dawid_skene, majority_vote, vote_counts
from analysis.errors import VotesError


def simulate(n_items=4000, accuracies=(0.95, 0.85, 0.75, 0.6, 0.45), n_classes=3, p_missing=0.2, seed=0,
             prior=(0.5, 0.3, 0.2)):
    """Annotators that vote the truth with their accuracy, else a uniformly drawn wrong class."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(n_classes, size=n_items, p=prior)
    votes = np.empty((n_items, len(accuracies)), dtype=np.int64)
    for s, acc in enumerate(accuracies):
        right = rng.random(n_items) < acc
        wrong = (truth + rng.integers(1, n_classes, n_items)) % n_classes
        votes[:, s] = np.where(right, truth, wrong)
    votes[rng.random(votes.shape) < p_missing] = -1
    return votes, truth


def reference_dawid_skene(votes, n_classes, n_iter, smoothing=0.01):
    """Plain loops over items and sources, straight from Dawid & Skene (1979), same initialisation."""
    n, S = votes.shape
    T = np.zeros((n, n_classes))
    for i in range(n):
        for s in range(S):
            if votes[i, s] >= 0:
                T[i, votes[i, s]] += 1
        T[i] = T[i] / T[i].sum() if T[i].sum() else 1 / n_classes
    for _ in range(n_iter):
        pi = T.sum(axis=0) / n
        theta = np.full((S, n_classes, n_classes), smoothing)
        for i in range(n):
            for s in range(S):
                if votes[i, s] >= 0:
                    theta[s, :, votes[i, s]] += T[i]
        theta /= theta.sum(axis=2, keepdims=True)
        for i in range(n):
            p = pi.copy()
            for s in range(S):
                if votes[i, s] >= 0:
                    p = p * theta[s, :, votes[i, s]]
            T[i] = p / p.sum()
    return T, theta, pi


def reference_abstain_model(votes, n_classes, n_iter, smoothing=0.01):
    """The same plain loops with "abstain" (-1) as an observed output: K + 1 columns per source, abstain last.

    This is Dawid & Skene's model with the abstain treated as one more answer (as in Snorkel's label
    model, Ratner et al. 2019); every item then has an output from every source.
    """
    n, S = votes.shape
    out = np.where(votes >= 0, votes, n_classes)
    T = np.zeros((n, n_classes))
    for i in range(n):
        for s in range(S):
            if votes[i, s] >= 0:
                T[i, votes[i, s]] += 1
        T[i] = T[i] / T[i].sum() if T[i].sum() else 1 / n_classes
    for _ in range(n_iter):
        pi = T.sum(axis=0) / n
        theta = np.full((S, n_classes, n_classes + 1), smoothing)
        for i in range(n):
            for s in range(S):
                theta[s, :, out[i, s]] += T[i]
        theta /= theta.sum(axis=2, keepdims=True)
        for i in range(n):
            p = pi.copy()
            for s in range(S):
                p = p * theta[s, :, out[i, s]]
            T[i] = p / p.sum()
    counts = np.zeros((S, n_classes, n_classes + 1))
    for i in range(n):
        for s in range(S):
            counts[s, :, out[i, s]] += T[i]
    return T, theta, pi, counts


def test_vectorised_em_equals_the_plain_loop_reference():
    votes, _ = simulate(n_items=150, seed=3)
    ds = dawid_skene(votes, n_classes=3, max_iter=7, tol=0)
    T, theta, _ = reference_dawid_skene(votes, 3, 7)
    assert ds.n_iter == 7
    np.testing.assert_allclose(ds.posteriors, T, atol=1e-10)
    np.testing.assert_allclose(ds.confusion, theta, atol=1e-10)


def test_abstain_as_output_equals_the_plain_loop_reference():
    # Same E/M code as the annotator setting, with abstain as output K (the weak-supervision label model).
    votes, _ = simulate(n_items=150, seed=8, p_missing=0.4)
    ds = dawid_skene(votes, n_classes=3, max_iter=7, tol=0, abstain_as_output=True)
    T, theta, pi, counts = reference_abstain_model(votes, 3, 7)
    assert ds.n_iter == 7 and ds.abstain_as_output
    np.testing.assert_allclose(ds.posteriors, T, atol=1e-10)
    np.testing.assert_allclose(ds.confusion, theta, atol=1e-10)  # (sources, K, K + 1), abstain last
    np.testing.assert_allclose(ds.confusion[:, :, -1], theta[:, :, 3], atol=1e-10)
    np.testing.assert_allclose(ds.class_priors, pi, atol=1e-10)  # the prior of the last M-step
    # Expected counts at the final posteriors, and the share of each source's votes that is right.
    np.testing.assert_allclose(ds.expected_counts, counts, atol=1e-9)
    right = np.array(
        [sum(T[i, votes[i, s]] for i in range(len(votes)) if votes[i, s] >= 0) for s in range(votes.shape[1])]
    )
    np.testing.assert_allclose(ds.vote_accuracy, right / (votes >= 0).sum(axis=0), atol=1e-10)
    # Model accuracy: P(vote = truth | a vote) = sum_k pi_k theta[k, k] / sum_k pi_k (1 - theta[k, abstain]).
    pi_now = ds.class_priors
    expect = [(pi_now * np.diag(theta[s, :, :3])).sum() / (pi_now * (1 - theta[s, :, 3])).sum() for s in range(5)]
    np.testing.assert_allclose(ds.source_accuracy, expect, atol=1e-10)


def test_without_abstains_both_settings_are_plain_dawid_skene():
    # Every source votes on every item: the abstain column only holds the smoothing, which is 0 here.
    votes, _ = simulate(n_items=300, seed=9, p_missing=0.0)
    plain = dawid_skene(votes, n_classes=3, max_iter=5, tol=0, smoothing=0.0)
    abst = dawid_skene(votes, n_classes=3, max_iter=5, tol=0, smoothing=0.0, abstain_as_output=True)
    np.testing.assert_allclose(abst.posteriors, plain.posteriors, atol=1e-12)
    np.testing.assert_allclose(abst.confusion[:, :, :3], plain.confusion, atol=1e-12)
    assert np.all(abst.confusion[:, :, 3] == 0)
    np.testing.assert_allclose(abst.vote_accuracy, plain.vote_accuracy, atol=1e-12)


def test_abstain_as_output_learns_from_when_a_one_sided_source_fires():
    # Three sources that only ever vote class 1, firing on 70/60/50% of class-1 items and on 5% of class-0
    # items, plus one source voting the truth 60% of the time. Treated as missing (annotators), the
    # abstains say nothing and the one-sided sources look perfect; as outputs they separate the classes.
    rng = np.random.default_rng(12)
    truth = (rng.random(6000) < 0.3).astype(int)
    cols = [np.where(rng.random(6000) < np.where(truth == 1, p, 0.05), 1, -1) for p in (0.7, 0.6, 0.5)]
    cols.append(np.where(rng.random(6000) < 0.6, truth, 1 - truth))
    votes = np.column_stack(cols)
    abst = dawid_skene(votes, n_classes=2, abstain_as_output=True, max_iter=500)  # converges in ~190 iterations
    plain = dawid_skene(votes, n_classes=2, max_iter=500)
    assert abst.converged
    np.testing.assert_allclose(abst.class_priors, [0.7, 0.3], atol=0.03)
    # P(abstain | class 0) of a one-sided source is its 95% silence on class 0; on class 1, 1 - its rate.
    np.testing.assert_allclose(abst.confusion[:3, 0, -1], 0.95, atol=0.02)
    np.testing.assert_allclose(abst.confusion[:3, 1, -1], [0.3, 0.4, 0.5], atol=0.04)
    assert (abst.labels == truth).mean() > (plain.labels == truth).mean() + 0.1


def test_recovers_known_annotator_accuracies_and_beats_majority_vote():
    accuracies = (0.95, 0.85, 0.75, 0.6, 0.45)
    votes, truth = simulate(accuracies=accuracies)
    ds = dawid_skene(votes, n_classes=3)
    assert ds.converged
    np.testing.assert_allclose(ds.source_accuracy, accuracies, atol=0.03)
    np.testing.assert_allclose(ds.class_priors, [0.5, 0.3, 0.2], atol=0.03)
    # Majority vote with ties broken at random (the fairest version for it).
    mv = majority_vote(votes, n_classes=3)
    rng = np.random.default_rng(1)
    broken = np.where(mv.labels >= 0, mv.labels, rng.integers(0, 3, len(truth)))
    ds_acc, mv_acc = (ds.labels == truth).mean(), (broken == truth).mean()
    assert ds_acc > mv_acc + 0.02, (ds_acc, mv_acc)


def test_log_likelihood_never_decreases():
    votes, _ = simulate(n_items=800, seed=5)
    ds = dawid_skene(votes, n_classes=3, tol=0, max_iter=40)
    steps = np.diff(ds.history)
    assert (steps >= -1e-8 * np.abs(ds.history[1:])).all()


def test_known_labels_are_fixed_and_help():
    votes, truth = simulate(n_items=1000, accuracies=(0.7, 0.6, 0.55), seed=7)
    known = np.full(len(truth), -1)
    known[:200] = truth[:200]
    ds = dawid_skene(votes, n_classes=3, known=known)
    assert (ds.labels[:200] == truth[:200]).all()
    assert np.allclose(ds.posteriors[:200].max(axis=1), 1.0)


def test_fixed_class_prior_is_kept():
    votes, _ = simulate(n_items=500, seed=2)
    ds = dawid_skene(votes, n_classes=3, class_prior=np.array([2.0, 1.0, 1.0]))
    assert ds.class_priors.tolist() == [0.5, 0.25, 0.25]


def test_items_without_votes_get_the_prior():
    votes = np.array([[0, 0], [1, 1], [0, 1], [-1, -1]])
    ds = dawid_skene(votes, n_classes=2)
    np.testing.assert_allclose(ds.posteriors[3], ds.class_priors)
    assert np.allclose(ds.posteriors.sum(axis=1), 1.0)
    assert np.allclose(ds.confusion.sum(axis=2), 1.0)


def test_majority_vote_and_counts():
    votes = np.array([[0, 0, 1], [2, 1, -1], [-1, -1, -1], [2, 2, 2]])
    counts = vote_counts(votes, n_classes=3)
    assert counts.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 0], [0, 0, 3]]
    mv = majority_vote(votes, n_classes=3)
    assert mv.labels.tolist() == [0, -1, -1, 2]
    assert mv.tie.tolist() == [False, True, False, False]
    assert mv.n_ties == 1
    assert mv.share[[0, 1, 3]].tolist() == pytest.approx([2 / 3, 0.5, 1.0])


@pytest.mark.parametrize(
    "votes, kwargs, needle",
    [
        (np.array([0, 1]), {}, "2-D matrix"),
        (np.array([[0.5, 1]]), {}, "integer class codes"),
        (np.array([[0, 3]]), {}, "outside -1 .. 1"),
        (np.array([[0, 1]]), {"n_classes": 1}, "n_classes must be an integer >= 2"),
        (np.array([[0, 1]]), {"class_prior": np.array([1.0])}, "class_prior needs 2 positive numbers"),
        (np.array([[0, 1]]), {"known": np.array([0, 1])}, "one integer class code per item"),
        (np.array([[0, 1]]), {"max_iter": 0}, "max_iter must be an integer >= 1"),
    ],
)
def test_bad_votes_are_explained(votes, kwargs, needle):
    kwargs = {"n_classes": 2, **kwargs}
    with pytest.raises(VotesError, match=needle):
        dawid_skene(votes, **kwargs)
