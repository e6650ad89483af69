"""Snorkel's labeling-function statistics of an :class:`~analysis.weak.matrix.LFMatrix`.

Definitions (``snorkel.labeling.LFAnalysis``, checked against its source and
docstring examples):

* *polarity*: the set of labels an LF emits;
* *coverage*: share of items the LF labels (does not abstain on);
* *overlaps*: share of items the LF labels and at least one other LF labels;
* *conflicts*: share of items the LF labels and at least one other LF labels
  differently (an item with two or more distinct labels among its votes);
* with gold labels (partial allowed): *correct*, *incorrect* (votes on items
  whose gold label is known) and *empirical accuracy* = correct / (correct + incorrect).

For the whole set: total coverage (items with at least one vote), the share of
items with two or more votes / conflicting votes, pairwise overlap and conflict
matrices (share of items both LFs label / label differently) and the class
balance of the votes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ..em import vote_counts
from ..results import ResultMixin, Severity, json_float, py_scalar
from ..wording import count_noun
from .matrix import LFMatrix, wsum

__all__ = ["LFStats", "LFSummary", "gold_counts", "lf_summary"]

@dataclass(frozen=True)
class LFStats:
    """Snorkel's per-LF statistics (shares of all items); gold figures are None without gold."""

    name: str
    polarity: tuple
    coverage: float
    overlaps: float
    conflicts: float
    n_votes: int
    correct: int | None = None
    incorrect: int | None = None
    empirical_accuracy: float | None = None

    def to_dict(self) -> dict:
        out = {
            "name": self.name,
            "polarity": list(self.polarity),
            "coverage": self.coverage,
            "overlaps": self.overlaps,
            "conflicts": self.conflicts,
            "n_votes": self.n_votes,
        }
        # Present without gold too (null), so no key depends on the --gold flag.
        out.update(correct=self.correct, incorrect=self.incorrect, empirical_accuracy=json_float(self.empirical_accuracy))
        return out


@dataclass(frozen=True, eq=False)
class LFSummary(ResultMixin):
    """Statistics of a set of labeling functions (see the module docstring for the definitions).

    ``pair_overlap[a, b]``: share of items both LFs label (diagonal: coverage).
    ``pair_conflict[a, b]``: share of items both label with different labels.
    ``vote_counts``: votes per class over all LFs (the class balance of the votes).
    """

    lfs: tuple[LFStats, ...]
    labels: tuple
    n_items: int
    total_coverage: float
    overlap: float
    conflict: float
    pair_overlap: np.ndarray
    pair_conflict: np.ndarray
    vote_counts: dict
    n_gold: int | None = None
    silent: tuple[str, ...] = ()

    #: No judgement yet: the statistics are facts about the LFs (issue 10 may add verdicts).
    SEVERITY: ClassVar[dict[str, Severity]] = {"computed": "info"}
    verdict: str = "computed"

    @property
    def verdict_text(self) -> str:
        return (
            f"{count_noun(len(self.lfs), 'labeling function')} on {count_noun(self.n_items, 'item')}: together they cover "
            f"{self.total_coverage:.1%}; {self.overlap:.1%} of items get two or more votes and "
            f"{self.conflict:.1%} conflicting votes."
        )

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f"The LF '{name}' matches no row." for name in self.silent)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.lfs)

    @property
    def n_covered(self) -> int:
        """Items at least one LF labels."""
        return int(round(self.total_coverage * self.n_items))

    def to_frame(self) -> pd.DataFrame:
        """One row per LF: name, polarity (text), coverage, overlaps, conflicts, votes (+ gold columns)."""
        frame = pd.DataFrame([s.to_dict() for s in self.lfs])
        if self.n_gold is None:
            frame = frame.drop(columns=["correct", "incorrect", "empirical_accuracy"])
        frame["polarity"] = [", ".join(str(p) for p in s.polarity) for s in self.lfs]
        return frame

    def pair_frame(self, kind: str = "conflict") -> pd.DataFrame:
        matrix = self.pair_conflict if kind == "conflict" else self.pair_overlap
        return pd.DataFrame(matrix, index=list(self.names), columns=list(self.names))

    def to_dict(self) -> dict:
        total_votes = sum(self.vote_counts.values())
        return {
            "n_items": self.n_items,
            "n_lfs": len(self.lfs),
            "labels": [py_scalar(v) for v in self.labels],
            "lfs": [s.to_dict() for s in self.lfs],
            "total_coverage": self.total_coverage,
            "overlap": self.overlap,
            "conflict": self.conflict,
            "pairwise": {
                "names": list(self.names),
                "overlap": self.pair_overlap.tolist(),
                "conflict": self.pair_conflict.tolist(),
            },
            "vote_balance": {
                "counts": {str(k): int(v) for k, v in self.vote_counts.items()},
                "proportions": {str(k): (v / total_votes if total_votes else None) for k, v in self.vote_counts.items()},
            },
            "n_gold": self.n_gold,
            "silent_lfs": list(self.silent),
        }


def lf_summary(matrix: LFMatrix) -> LFSummary:
    """Per-LF and whole-set statistics of the votes (Snorkel's ``LFAnalysis`` definitions).

    Examples
    --------
    Snorkel's documented example matrix (``LFAnalysis`` docstrings):

    >>> L = np.array([[-1, 0, 0], [-1, -1, -1], [1, 0, -1], [-1, 0, -1], [0, 0, 0]])
    >>> s = lf_summary(LFMatrix(names=("a", "b", "c"), labels=(0, 1), votes=L))
    >>> [x.coverage for x in s.lfs], [x.overlaps for x in s.lfs], [x.conflicts for x in s.lfs]
    ([0.4, 0.8, 0.4], [0.4, 0.6, 0.4], [0.2, 0.2, 0.0])
    >>> s.total_coverage, s.overlap, s.conflict
    (0.8, 0.6, 0.2)
    """
    votes = matrix.votes
    m = votes.shape[1]
    n = matrix.n_items
    w = matrix.counts  # items per row (vote patterns on an engine), None for one
    k = matrix.n_classes
    voted = votes >= 0
    counts = vote_counts(votes, n_classes=k)
    n_votes = counts.sum(axis=1)
    distinct = (counts > 0).sum(axis=1)
    covered, overlapped, conflicted = n_votes >= 1, n_votes >= 2, distinct >= 2
    if w is None:
        v32 = voted.astype(np.float32)
        # float32 sums of 0/1 are exact below 2**24 items per LF; beyond, use float64.
        dtype = np.float32 if n < 2**24 else np.float64
        v32 = v32.astype(dtype, copy=False)
        per_lf = np.rint(v32.T @ np.column_stack([np.ones(len(votes), dtype), overlapped, conflicted]).astype(dtype)).astype(np.int64)
        both = np.rint(v32.T @ v32).astype(np.int64)
        agree = np.zeros((m, m), dtype=np.int64)
        for c in range(k):
            onehot = (votes == c).astype(dtype)
            agree += np.rint(onehot.T @ onehot).astype(np.int64)
    else:  # integer sums over patterns times their counts: exact
        wv = voted.astype(np.int64) * w[:, None]
        per_lf = wv.T @ np.column_stack([np.ones(len(votes), np.int64), overlapped, conflicted]).astype(np.int64)
        both = wv.T @ voted.astype(np.int64)
        agree = np.zeros((m, m), dtype=np.int64)
        for c in range(k):
            onehot = (votes == c).astype(np.int64)
            agree += (onehot * w[:, None]).T @ onehot
    denom = max(n, 1)
    pair_overlap = both / denom
    pair_conflict = (both - agree) / denom

    gold = gold_counts(matrix) if matrix.gold is not None else None
    stats = []
    for j, name in enumerate(matrix.names):
        polarity = tuple(matrix.labels[c] for c in np.flatnonzero(np.bincount(votes[:, j][voted[:, j]], minlength=k)))
        right = wrong = accuracy = None
        if gold is not None:
            right, wrong = int(gold[0][j]), int(gold[1][j])
            accuracy = right / (right + wrong) if right + wrong else math.nan
        stats.append(
            LFStats(
                name=name,
                polarity=polarity,
                coverage=float(per_lf[j, 0] / denom),
                overlaps=float(per_lf[j, 1] / denom),
                conflicts=float(per_lf[j, 2] / denom),
                n_votes=int(per_lf[j, 0]),
                correct=right,
                incorrect=wrong,
                empirical_accuracy=accuracy,
            )
        )
    total_counts = wsum(counts, w, axis=0)
    return LFSummary(
        lfs=tuple(stats),
        labels=matrix.labels,
        n_items=n,
        total_coverage=float(wsum(covered, w) / denom),
        overlap=float(wsum(overlapped, w) / denom),
        conflict=float(wsum(conflicted, w) / denom),
        pair_overlap=pair_overlap,
        pair_conflict=pair_conflict,
        vote_counts={lab: int(c) for lab, c in zip(matrix.labels, total_counts)},
        n_gold=None if gold is None else gold[2],
        silent=matrix.silent,
    )


def gold_counts(matrix: LFMatrix) -> tuple[np.ndarray, np.ndarray, int]:
    """Per LF: votes equal to / different from the gold label on rows whose gold is known; and that row count."""
    if matrix.gold is None:
        raise ValueError("gold_counts needs an LFMatrix with gold labels.")
    known = matrix.gold >= 0
    g = matrix.votes[known]
    on = g >= 0
    hit = g == matrix.gold[known][:, None].astype(g.dtype)
    w = None if matrix.counts is None else matrix.counts[known]
    return wsum(hit & on, w, axis=0), wsum(~hit & on, w, axis=0), int(wsum(known, matrix.counts))

