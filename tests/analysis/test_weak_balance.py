"""The label model's class balance: its own estimate, checked against gold (analysis/weak/balance.py).

References: Pearson's chi-square from ``scipy.stats.chisquare``; Wilson intervals from
``statsmodels.stats.proportion.proportion_confint(method="wilson")``; the sampling error
of the model's estimate from a bootstrap of the items (numpy); the true balance of
the simulated LFs is known by construction. The public tables (tweets, Pima, breast
cancer) are in ``test_weak_real.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chisquare
from statsmodels.stats.proportion import proportion_confint

from analysis.weak import LFMatrix, label_model
from analysis.weak.balance import REJECT_P, class_balance

# One-class LFs (class, P(fire | its class), P(fire | the other class)), independent given the class.
SPECS = [(1, 0.5, 0.1), (1, 0.3, 0.05), (1, 0.4, 0.1), (0, 0.5, 0.1), (0, 0.3, 0.05), (0, 0.4, 0.1), (1, 0.6, 0.2),
         (0, 0.6, 0.2)]
N = 2000


def simulate(p1: float, seed: int, *, staff: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Votes and truth; with ``staff`` three class-1 LFs fire together on a subgroup of class 1 (40% of it, and 5%
    of class 0), the tweets' mechanism (campaign staff posting links, hashtags and 'join me' from an iPhone)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(N) < p1).astype(np.int64)
    specs = SPECS[:5] if staff else SPECS
    cols = [np.where(rng.random(N) < np.where(y == c, p, q), c, -1) for c, p, q in specs]
    if staff:
        sub = ((y == 1) & (rng.random(N) < 0.4)) | ((y == 0) & (rng.random(N) < 0.05))
        cols += [np.where(rng.random(N) < np.where(sub, 0.8, 0.03), 1, -1) for _ in range(3)]
    return np.column_stack(cols).astype(np.int8), y


def matrix(votes: np.ndarray, gold: np.ndarray | None = None) -> LFMatrix:
    return LFMatrix(names=tuple(f"lf{j}" for j in range(votes.shape[1])), labels=(0, 1), votes=votes, gold=gold)


def gold_sample(y: np.ndarray, seed: int, share: float = 0.1) -> np.ndarray:
    return np.where(np.random.default_rng(seed + 1000).random(len(y)) < share, y, -1)


def empirical(votes: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.array([(votes[votes[:, j] >= 0, j] == y[votes[:, j] >= 0]).mean() for j in range(votes.shape[1])])


def test_test_and_intervals_match_scipy_and_statsmodels():
    gold = np.repeat([0, 1, 2, -1], [40, 25, 35, 50])
    m = LFMatrix(names=("a",), labels=("x", "y", "z"), votes=np.zeros((150, 1), dtype=np.int8), gold=gold)
    model = np.array([0.3, 0.3, 0.4])
    b = class_balance(m, model=model)
    ref = chisquare([40, 25, 35], f_exp=100 * model)
    assert (b.chi2, b.p_value) == pytest.approx((ref.statistic, ref.pvalue))
    lo, hi = proportion_confint([40, 25, 35], 100, alpha=0.05, method="wilson")
    np.testing.assert_allclose(b.gold_low, lo)
    np.testing.assert_allclose(b.gold_high, hi)
    assert b.source == ("gold" if ref.pvalue < REJECT_P else "model") == "model"  # p = 0.07: the model's kept
    far = class_balance(m, model=np.array([0.6, 0.2, 0.2]))  # p < 1e-6
    assert far.source == "gold"
    np.testing.assert_allclose(far.shares, (np.array([40, 25, 35]) + 0.5) / 101.5)  # Jeffreys-smoothed gold shares
    assert class_balance(m, model=model, given=np.array([0.2, 0.3, 0.5])).source == "given"
    # Too few gold rows for the chi-square approximation (expected count < 5): the model's balance, no test.
    few = class_balance(m, model=model, gold=np.where(np.arange(150) < 10, gold, -1))
    assert few.source == "model" and np.isnan(few.p_value) and few.n_gold == 10


@pytest.mark.parametrize("p1", [0.3, 0.5])
def test_model_balance_of_independent_lfs_lands_within_its_sampling_error_and_gold_keeps_it(p1):
    votes, y = simulate(p1, seed=1)
    est = label_model(matrix(votes)).class_priors[1]
    rng = np.random.default_rng(7)
    boot = [label_model(matrix(votes[i])).class_priors[1] for i in (rng.integers(0, N, N) for _ in range(15))]
    assert abs(est - p1) < 3 * np.std(boot)  # the true balance, within 3 bootstrap standard errors
    lm = label_model(matrix(votes, gold_sample(y, 1)))
    b = lm.balance
    assert b is not None and b.source == "model" and b.p_value >= REJECT_P  # consistent with the gold rows: kept
    assert b.gold_low[1] <= p1 <= b.gold_high[1]
    assert lm.to_dict()["class_balance"]["source"] == "model" and not lm.prior_fixed


@pytest.mark.parametrize("p1", [0.3, 0.5])
def test_within_class_dependence_biases_the_model_balance_and_the_gold_rows_overrule_it(p1):
    votes, y = simulate(p1, seed=2, staff=True)
    own = label_model(matrix(votes))
    assert own.class_priors[1] < p1 - 0.1  # the model shrinks class 1 to the co-firing subgroup
    lm = label_model(matrix(votes, gold_sample(y, 2)))
    b = lm.balance
    assert b is not None and b.source == "gold" and b.p_value < 1e-6
    assert b.gold_low[1] <= p1 <= b.gold_high[1]  # the gold estimate lands within its sampling error
    np.testing.assert_allclose(lm.class_priors, b.shares)
    assert lm.prior_fixed and "rejected by them" in " ".join(lm.notes)
    # Learned accuracies (fit without gold labels) move toward the exact ones.
    exact = empirical(votes, y)
    assert np.abs(lm.learned_without_gold - exact).max() < np.abs(own.learned_accuracy - exact).max() - 0.05
    # gold_balance=False keeps the model's own estimate (gold rows that are not a random sample).
    kept = label_model(matrix(votes, gold_sample(y, 2)), gold_balance=False)
    assert kept.balance is not None and kept.balance.source == "model" and not kept.prior_fixed


def test_page_sentence_says_which_balance_is_used_and_why():
    gold = np.repeat([0, 1, -1], [30, 70, 100])
    m = LFMatrix(names=("a",), labels=("no", "yes"), votes=np.zeros((200, 1), dtype=np.int8), gold=gold)
    rejected = class_balance(m, model=np.array([0.7, 0.3])).summary(m.labels)
    assert "the 100 gold rows no 30.0%" in rejected and "reject the model's" in rejected and "yes 30.0%" in rejected
    kept = class_balance(m, model=np.array([0.32, 0.68])).summary(m.labels)
    assert "Not rejected (chi-square p = 0.67, rejected below 0.01)" in kept  # scipy.stats.chisquare([30, 70], [32, 68]).pvalue = 0.668
    assert "no gold rows" in class_balance(m, model=np.array([0.3, 0.7]), gold=np.full(200, -1)).summary(m.labels)
