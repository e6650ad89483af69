"""scikit-learn's ``StratifiedGroupKFold(shuffle=True)`` folds, computed in a fraction of the time.

scikit-learn assigns groups to folds greedily: groups sorted by the spread of
their class counts, each placed in the fold that keeps the per-class shares of
the folds most even (ties: the fold with fewer rows). Its implementation
evaluates every candidate fold with ``np.std``/``np.isclose`` on arrays of a few
numbers and walks the rows in Python, about 4 seconds for 20,000 singleton
groups. This module runs the same greedy assignment with the same arithmetic in
the same order (sums over folds left to right, then over classes; IEEE doubles
throughout), so every float compared, and therefore every fold, is identical:
``tests/analysis/test_splits.py`` compares the folds with scikit-learn's on
random and real inputs.
"""

from __future__ import annotations

import math

import numpy as np

#: np.isclose's default tolerances (scikit-learn calls it with the defaults).
_RTOL, _ATOL = 1e-05, 1e-08


def _isclose(a: float, b: float) -> bool:
    """``np.isclose(a, b)`` for two finite-or-infinite scalars."""
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= _ATOL + _RTOL * abs(b)


def _std(values: list[float]) -> float:
    """``np.std`` of a few numbers (one class's shares across the folds), summed in numpy's order.

    numpy reduces over the folds left to right (fewer than eight numbers; there are ``n_splits``);
    so does this: the sum, the mean, then the squared deviations.
    """
    s = values[0]
    for v in values[1:]:
        s += v
    mean = s / len(values)
    d = values[0] - mean
    var = d * d
    for v in values[1:]:
        d = v - mean
        var += d * d
    return math.sqrt(var / len(values))


def _mean(stds: list[float]) -> float:
    """``np.mean`` of the classes' standard deviations (left to right below eight, pairwise from eight)."""
    if len(stds) >= 8:  # numpy sums eight or more numbers pairwise: let it, for the same rounding
        return float(np.mean(np.array(stds)))
    total = stds[0]
    for std in stds[1:]:
        total += std
    return total / len(stds)


def stratified_group_test_folds(y: np.ndarray, groups: np.ndarray, n_splits: int, seed: int) -> list[np.ndarray]:
    """The test rows of each fold of ``StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)``.

    ``y`` holds class codes and ``groups`` group ids; the caller has checked
    that every class occurs in at least ``n_splits`` groups (so scikit-learn
    would neither raise nor warn).

    Examples
    --------
    >>> from sklearn.model_selection import StratifiedGroupKFold
    >>> y = np.array([0, 0, 1, 1, 0, 1, 0, 1]); g = np.array([0, 0, 1, 2, 3, 4, 5, 6])
    >>> ours = stratified_group_test_folds(y, g, 2, 7)
    >>> theirs = [te for _, te in StratifiedGroupKFold(2, shuffle=True, random_state=7).split(y, y, g)]
    >>> all(np.array_equal(a, b) for a, b in zip(ours, theirs))
    True
    """
    rng = np.random.RandomState(seed)
    _, y_inv, y_cnt = np.unique(np.asarray(y), return_inverse=True, return_counts=True)
    c = len(y_cnt)
    _, groups_inv, groups_cnt = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    n_groups = len(groups_cnt)
    per_group = np.zeros((n_groups, c))
    np.add.at(per_group, (groups_inv.ravel(), y_inv.ravel()), 1)
    perm = np.arange(n_groups)
    rng.shuffle(perm)
    per_group = per_group[perm]
    inv_perm = np.empty_like(perm)
    inv_perm[perm] = np.arange(perm.size)
    groups_inv = inv_perm[groups_inv.ravel()]
    order = np.argsort(-np.std(per_group, axis=1), kind="stable")

    k = n_splits
    counts = [[0.0] * c for _ in range(k)]  # float counts, as scikit-learn keeps them
    class_totals = [int(t) for t in y_cnt]
    # scikit-learn's score of a candidate fold is np.mean(np.std(fractions, axis=0)) over the k x c table of
    # class shares with the group added to that fold. A class the group has no row of keeps its column, so
    # its standard deviation is the same for every candidate: it is kept per class (``spread``) and only
    # recomputed when a group lands with rows of that class. Every number is computed by the same
    # expression on the same inputs as the full table would give, so every comparison, and every fold, is
    # scikit-learn's.
    shares = [[0.0] * k for _ in range(c)]  # class -> its share in each fold
    spread = [_std(col) for col in shares]
    rows = [0.0] * k
    fold_of_group = np.empty(n_groups, dtype=np.int64)
    group_rows = per_group.tolist()
    for g in order.tolist():
        add = group_rows[g]
        touched = [j for j in range(c) if add[j]]
        best, best_eval, best_rows = -1, math.inf, math.inf
        for i in range(k):
            stds = spread.copy()
            for j in touched:
                col = shares[j]
                saved = col[i]
                col[i] = (counts[i][j] + add[j]) / class_totals[j]
                stds[j] = _std(col)
                col[i] = saved
            value = _mean(stds)
            if value < best_eval or (_isclose(value, best_eval) and rows[i] < best_rows):
                best, best_eval, best_rows = i, value, rows[i]
        for j in range(c):
            counts[best][j] += add[j]
        for j in touched:
            shares[j][best] = counts[best][j] / class_totals[j]
            spread[j] = _std(shares[j])
        rows[best] = _row_sum(counts[best])
        fold_of_group[g] = best
    fold_of_row = fold_of_group[groups_inv]
    return [np.flatnonzero(fold_of_row == i) for i in range(k)]


def _row_sum(row: list[float]) -> float:
    """``np.sum`` of one fold's class counts (whole numbers: exact in any order)."""
    return float(sum(row))
