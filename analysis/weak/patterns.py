"""Vote patterns: an LF matrix as its distinct rows and their counts, the form the DuckDB/Spark engines collect.

Every statistic of :mod:`.summary` and every step of the label model (:mod:`.model`, the one EM of
:func:`analysis.em.dawid_skene`, dependencies, leave-out fits, gold checks) reads an
:class:`~analysis.weak.matrix.LFMatrix` whose rows may stand for several items (``counts``). Items
with the same votes, gold code and held-out half get the same posterior, so a fit on the patterns
is the fit on the rows, exactly: the sums are the same sums, grouped.

The one thing that depends on *which* rows hold a pattern is the held-out gold split (a seeded
permutation of the gold rows' positions, :func:`.heldout.split_rows`); it is drawn before the rows are
grouped and kept as the pattern's ``split`` (1 anchor half, 2 held-out half).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .heldout import split_rows
from .matrix import LFMatrix, patterns

__all__ = ["pattern_matrix"]


def pattern_matrix(matrix: LFMatrix, *, positions: np.ndarray | None = None, seed: int = 0) -> tuple[LFMatrix, np.ndarray]:
    """``matrix`` grouped into its distinct (votes, gold, held-out half) rows with their counts, and the inverse.

    Parameters
    ----------
    matrix : LFMatrix
        One row per item, or rows that already stand for ``matrix.counts`` items each (gold rows must then
        be single rows: the held-out split is drawn per row).
    positions : array of int, optional
        Each row's 0-based position in the source (only read for gold rows); default ``0 .. n - 1``.
    seed : int
        Seed of the held-out split (the label model's ``seed``).

    Returns
    -------
    patterns : LFMatrix
        With ``counts`` (items per pattern) and, with gold, ``split``.
    inverse : ndarray
        Row of ``matrix`` -> its pattern.

    Examples
    --------
    >>> m = LFMatrix(("a", "b"), (0, 1), np.array([[0, -1], [0, -1], [1, 1], [0, -1]]), gold=np.array([-1, 0, -1, -1]))
    >>> p, inverse = pattern_matrix(m)
    >>> p.votes.tolist(), p.counts.tolist(), p.gold.tolist(), p.split.tolist(), inverse.tolist()
    ([[0, -1], [0, -1], [1, 1]], [2, 1, 1], [-1, 0, -1], [0, 2, 0], [0, 1, 2, 0])
    """
    split = None
    if matrix.gold is not None:
        gold_rows = np.flatnonzero(matrix.gold >= 0)
        where = gold_rows if positions is None else np.asarray(positions)[gold_rows]
        ascending = len(where) < 2 or bool((where[1:] >= where[:-1]).all())
        order = np.arange(len(where)) if ascending else np.argsort(where, kind="stable")
        ordered = where[order]
        anchor, held = split_rows(ordered, seed=seed)
        split = np.zeros(len(matrix.votes), dtype=np.int64)
        split[gold_rows[order[np.searchsorted(ordered, anchor)]]] = 1
        split[gold_rows[order[np.searchsorted(ordered, held)]]] = 2
    votes, (gold, half), counts, inverse = patterns(matrix.votes, matrix.gold, split, counts=matrix.counts)
    out = dataclasses.replace(
        matrix, votes=votes, gold=gold, counts=counts, split=None if half is None else half.astype(np.int8)
    )
    return out, inverse
