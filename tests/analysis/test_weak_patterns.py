"""Vote patterns with counts give the per-row results: the one EM with weights, the LF summary and the label model.

Reference: the same functions on the rows, one item per row (today's path, which the golden files pin and
``test_weak.py`` / ``test_em.py`` check against Snorkel's examples and Dawid and Skene's): counts equal,
floats within 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.cli.common import jsonable
from analysis.em import dawid_skene
from analysis.errors import VotesError
from analysis.weak import LFMatrix, WeakLabels, label_model, lf_summary, simulate_votes
from analysis.weak import leaveout as leaveout_module
from analysis.weak.patterns import pattern_matrix


def _close(a, b, path=""):
    if isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert isinstance(b, float) and np.isclose(a, b, rtol=1e-9, atol=1e-9), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def simulated():
    """Five simulated LFs of known accuracy on 3,000 items, gold on a fifth of them (seeded)."""
    sim = simulate_votes(n_items=3000, accuracies=(0.9, 0.8, 0.75, 0.7, 0.65), coverages=(0.6, 0.5, 0.4, 0.5, 0.3), seed=3)
    gold = np.where(np.random.default_rng(4).random(3000) < 0.2, sim.truth, -1)
    return LFMatrix(names=tuple(f"lf{i}" for i in range(5)), labels=(0, 1), votes=sim.votes, gold=gold)


def test_em_with_weights_equals_em_on_the_rows(simulated):
    patterns, inverse = pattern_matrix(simulated)
    assert len(patterns.votes) < 600 and patterns.counts.sum() == 3000  # 3^5 vote patterns x gold code x half
    rows = dawid_skene(simulated.votes, n_classes=2, known=simulated.gold, abstain_as_output=True)
    grouped = dawid_skene(patterns.votes, n_classes=2, known=patterns.gold, abstain_as_output=True, weights=patterns.counts)
    assert grouped.n_iter == rows.n_iter
    np.testing.assert_allclose(grouped.posteriors[inverse], rows.posteriors, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grouped.class_priors, rows.class_priors, rtol=1e-9)
    np.testing.assert_allclose(grouped.confusion, rows.confusion, rtol=1e-9)
    np.testing.assert_allclose(grouped.expected_counts, rows.expected_counts, rtol=1e-9)
    assert grouped.log_likelihood == pytest.approx(rows.log_likelihood, rel=1e-12)


def test_weights_are_checked():
    with pytest.raises(VotesError, match="one positive integer count per row"):
        dawid_skene(np.array([[0, 1], [1, 1]]), n_classes=2, weights=np.array([1, 0]))


@pytest.mark.parametrize("with_gold", [False, True])
def test_summary_and_label_model_on_patterns_equal_the_rows(simulated, with_gold):
    matrix = simulated if with_gold else LFMatrix(simulated.names, simulated.labels, simulated.votes)
    patterns, _ = pattern_matrix(matrix)
    rows = WeakLabels(lf_summary(matrix), label_model(matrix)).to_dict()
    grouped = WeakLabels(lf_summary(patterns), label_model(patterns)).to_dict()
    _close(jsonable(rows), jsonable(grouped))
    if with_gold:
        assert rows["label_model"]["heldout"]["n_anchor"] == int((simulated.gold >= 0).sum()) // 2


def test_leave_out_above_the_row_limit_runs_on_patterns_exactly(monkeypatch):
    """Above MAX_ITEMS rows the leave-out fits group the rows (they used to sample them): the same accuracies."""
    rng = np.random.default_rng(0)
    y, x = rng.integers(0, 2, 1500), rng.random(1500)
    lf = lambda p: np.where(rng.random(1500) < p, np.where(rng.random(1500) < 0.8, y, 1 - y), -1)  # noqa: E731
    high, low = np.where((x > 0.6) & (rng.random(1500) < np.where(y == 1, 0.9, 0.3)), 1, -1), np.where(x < 0.3, 0, -1)
    matrix = LFMatrix(("high", "low", "a", "b", "c"), (0, 1), np.column_stack([high, low, lf(0.5), lf(0.5), lf(0.4)]))
    exact = label_model(matrix)
    assert any(exact.left_out)
    monkeypatch.setattr(leaveout_module, "MAX_ITEMS", 100)
    grouped = label_model(matrix)
    np.testing.assert_allclose(grouped.learned_accuracy, exact.learned_accuracy, rtol=1e-9)
    assert grouped.left_out == exact.left_out


def test_a_pattern_model_refuses_per_row_output(simulated):
    patterns, _ = pattern_matrix(simulated)
    from analysis.errors import WeakSupervisionError

    with pytest.raises(WeakSupervisionError, match="holds no rows"):
        label_model(patterns).to_frame()


def test_the_stored_normal_quantile_is_scipys():
    """The Wilson interval's 95% quantile is stored (no scipy.stats import on the pattern path): scipy's value."""
    from scipy.stats import norm

    from analysis.weak.trust import NORMAL_QUANTILES, wilson_interval

    assert NORMAL_QUANTILES == {0.95: float(norm.ppf(0.975))}
    low, high = wilson_interval(np.array([81]), np.array([263]), confidence=0.9)  # not stored: scipy's quantile
    assert 0.2553 < low[0] < high[0] < 0.3662
