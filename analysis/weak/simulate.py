"""Simulated labeling functions of known accuracy and coverage (tests, benchmark, sanity checks).

Each LF fires on an item with its coverage, independently of the class and of
the other LFs; when it fires it votes the true class with its accuracy, else a
wrong class drawn uniformly. The realized accuracies are returned beside the
votes, so a label model's learned accuracies can be compared with both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import WeakSupervisionError

__all__ = ["SimulatedVotes", "simulate_votes"]


@dataclass(frozen=True, eq=False)
class SimulatedVotes:
    """Votes (int8, -1 = abstain), the true class per item, and each LF's realized accuracy and coverage."""

    votes: np.ndarray
    truth: np.ndarray
    accuracy: np.ndarray
    coverage: np.ndarray


def simulate_votes(
    n_items: int,
    *,
    accuracies: Sequence[float],
    coverages: Sequence[float],
    class_balance: Sequence[float] = (0.5, 0.5),
    seed: int = 0,
) -> SimulatedVotes:
    """Draw LF votes of the given accuracies and coverages.

    Examples
    --------
    >>> sim = simulate_votes(10_000, accuracies=[0.9, 0.6], coverages=[0.5, 0.8], seed=1)
    >>> sim.votes.shape, sim.accuracy.round(1).tolist(), sim.coverage.round(1).tolist()
    ((10000, 2), [0.9, 0.6], [0.5, 0.8])
    """
    acc = np.asarray(accuracies, dtype=float)
    cov = np.asarray(coverages, dtype=float)
    bal = np.asarray(class_balance, dtype=float)
    if acc.shape != cov.shape or acc.ndim != 1 or len(acc) == 0:
        raise WeakSupervisionError("accuracies and coverages need one value per LF (same length, at least 1).")
    if ((acc < 0) | (acc > 1) | (cov < 0) | (cov > 1)).any() or len(bal) < 2 or (bal <= 0).any():
        raise WeakSupervisionError("accuracies and coverages must lie in [0, 1]; class_balance needs 2+ positive shares.")
    k = len(bal)
    rng = np.random.default_rng(seed)
    truth = rng.choice(k, size=n_items, p=bal / bal.sum()).astype(np.int8)
    votes = np.full((n_items, len(acc)), -1, dtype=np.int8)
    for s in range(len(acc)):
        fires = rng.random(n_items) < cov[s]
        right = rng.random(n_items) < acc[s]
        wrong = ((truth + rng.integers(1, k, n_items)) % k).astype(np.int8)
        votes[:, s] = np.where(fires, np.where(right, truth, wrong), -1)
    voted = votes >= 0
    realized = ((votes == truth[:, None]) & voted).sum(axis=0) / np.maximum(voted.sum(axis=0), 1)
    return SimulatedVotes(votes=votes, truth=truth, accuracy=realized, coverage=voted.mean(axis=0))
