"""A numeric feature's shift statistics from counts, exactly or with a stated error bound.

The pandas path (:func:`analysis.sampling.shift_features.feature_shift`) sorts every value. On an
engine only counts leave it:

* **exact** (:func:`numeric_from_counts`): the distinct values of each table with their counts
  (``GROUP BY value``). The two empirical CDFs are step functions that only change at those
  values, so the Kolmogorov-Smirnov statistic (the largest CDF gap), the Wasserstein-1 distance
  (the area between the CDFs), the standard deviation and the reference's deciles (order
  statistics read off the cumulative counts) are those of the sorted values, up to the order
  of floating-point sums. The p-value is scipy's: ``ks_2samp`` on the values rebuilt from their
  counts up to 10,000 rows per side (its exact mode), else Smirnov's asymptotic distribution,
  as the pandas path.
* **sketch** (:func:`numeric_from_grid`): a column with too many distinct values to bring back.
  An engine's quantile sketch places grid points (DuckDB ``approx_quantile``, Spark
  ``approxQuantile``); the engine then counts exactly, for each table and each point ``g``, the
  values ``< g`` and ``<= g``. Between two neighbouring points each CDF is known to lie between
  those exact counts, which bounds the KS statistic and the Wasserstein distance from below
  and above whatever the sketch's own accuracy: the sketch only decides how tight the bounds
  are (about 1/``points`` of each table's rows falls between two points). The statistic reported is
  the middle of its bounds and ``*_bound`` half their width, a guaranteed bound. The PSI uses
  exact counts in bins cut at the sketch's deciles of the reference (within the sketch's rank
  error of the true deciles the pandas path cuts at); it has no bound of its own.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ..sampling import psi

__all__ = ["KS_EXACT_MAX_N", "numeric_from_counts", "numeric_from_grid"]

#: scipy's ``ks_2samp`` uses its exact distribution up to this many rows per side (its MAX_AUTO_N).
KS_EXACT_MAX_N = 10_000
_PSI_BINS = 10


def _merged(va: np.ndarray, ca: np.ndarray, vb: np.ndarray, cb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The union of both tables' distinct values, and each table's count of values <= each of them."""
    grid = np.union1d(va, vb)
    at_a = np.zeros(len(grid), dtype=np.int64)
    at_a[np.searchsorted(grid, va)] = ca
    at_b = np.zeros(len(grid), dtype=np.int64)
    at_b[np.searchsorted(grid, vb)] = cb
    return grid, np.cumsum(at_a), np.cumsum(at_b)


def _distinct(values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values as floats, counts of values that became equal as floats (two big integers) summed."""
    values = np.asarray(values, dtype=float)
    uniq, inverse = np.unique(values, return_inverse=True)
    return uniq, np.bincount(inverse, weights=np.asarray(counts, dtype=np.int64), minlength=len(uniq)).astype(np.int64)


def _smirnov_p(d: float, n1: int, n2: int) -> float:
    m, n = sorted([float(n1), float(n2)], reverse=True)
    return float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0, 1))


def _effect(w1: float, spread: float) -> float:
    if spread > 0:
        return w1 / spread
    return 0.0 if w1 == 0 else math.inf


def numeric_from_counts(va, ca, vb, cb) -> tuple[float, float, float, float]:
    """KS statistic and p-value, Wasserstein-1 / the reference's std, PSI at the reference's deciles,
    from each table's distinct values (``va``, ``vb``) and their counts (``ca``, ``cb``)."""
    va, ca = _distinct(va, ca)
    vb, cb = _distinct(vb, cb)
    n1, n2 = int(ca.sum()), int(cb.sum())
    grid, le_a, le_b = _merged(va, ca, vb, cb)
    gap = np.abs(le_a / n1 - le_b / n2)
    if max(n1, n2) <= KS_EXACT_MAX_N:
        ks = stats.ks_2samp(np.repeat(va, ca), np.repeat(vb, cb))
        d, p = float(ks.statistic), float(ks.pvalue)
    else:
        d = float(gap.max())
        p = _smirnov_p(d, n1, n2)
    w1 = float(np.sum(gap[:-1] * np.diff(grid)))
    if n1 <= KS_EXACT_MAX_N:
        spread = float(np.std(np.repeat(va, ca)))  # numpy's own rounding, as the pandas path
    else:
        mean = float(np.dot(ca, va) / n1)
        spread = math.sqrt(float(np.dot(ca, (va - mean) ** 2) / n1))
    cum_a = np.cumsum(ca)
    positions = (np.arange(1, _PSI_BINS) * n1) // _PSI_BINS
    cuts = np.unique(va[np.searchsorted(cum_a, positions, side="right")])
    below_a = np.concatenate([[0], cum_a])[np.searchsorted(va, cuts, side="left")]
    below_b = np.concatenate([[0], np.cumsum(cb)])[np.searchsorted(vb, cuts, side="left")]
    share_a = np.diff(np.concatenate([[0], below_a, [n1]])) / n1
    share_b = np.diff(np.concatenate([[0], below_b, [n2]])) / n2
    return d, p, _effect(w1, spread), psi(share_b, share_a)


def numeric_from_grid(
    grid: np.ndarray,
    lt_a: np.ndarray,
    le_a: np.ndarray,
    lt_b: np.ndarray,
    le_b: np.ndarray,
    *,
    n1: int,
    n2: int,
    spread: float,
    cuts: np.ndarray,
) -> dict[str, float | list[float]]:
    """Bounds of the KS statistic and of Wasserstein-1 / ``spread`` from exact counts at grid points.

    ``grid`` is sorted and holds both tables' smallest and largest values; ``lt_*``/``le_*`` count each
    table's values ``<`` / ``<=`` each point; ``cuts`` (a subset of the grid) cut the PSI bins.
    Returns the statistic, p-value, effect and PSI, the bounds (half-widths), the p-value range.
    """
    fa_at, fb_at = le_a / n1, le_b / n2          # the CDFs at each point
    fa_left, fb_left = lt_a / n1, lt_b / n2      # and just left of it
    # Between points i and i+1 each CDF lies in [F(g_i), F(g_{i+1}-)].
    a_lo, a_hi = fa_at[:-1], fa_left[1:]
    b_lo, b_hi = fb_at[:-1], fb_left[1:]
    gap_hi = np.maximum(a_hi - b_lo, b_hi - a_lo)
    gap_lo = np.maximum(0.0, np.maximum(a_lo - b_hi, b_lo - a_hi))
    d_lo = float(max(np.abs(fa_at - fb_at).max(), np.abs(fa_left - fb_left).max()))
    d_hi = float(max(d_lo, gap_hi.max() if len(gap_hi) else 0.0))
    width = np.diff(grid)
    w_lo, w_hi = float(np.sum(gap_lo * width)), float(np.sum(gap_hi * width))
    d = (d_lo + d_hi) / 2
    w1, w_bound = (w_lo + w_hi) / 2, (w_hi - w_lo) / 2
    where = np.searchsorted(grid, cuts)
    share_a = np.diff(np.concatenate([[0], lt_a[where], [n1]])) / n1
    share_b = np.diff(np.concatenate([[0], lt_b[where], [n2]])) / n2
    return {
        "statistic": d,
        "statistic_bound": (d_hi - d_lo) / 2,
        "p_value": _smirnov_p(d, n1, n2),
        "p_value_range": [_smirnov_p(d_hi, n1, n2), _smirnov_p(d_lo, n1, n2)],
        "effect": _effect(w1, spread),
        "effect_bound": (w_bound / spread) if spread > 0 else (0.0 if w_bound == 0 else math.inf),
        "psi": psi(share_b, share_a),
    }
