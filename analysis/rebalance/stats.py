"""Uncertainty of cross-validated scores: Nadeau & Bengio's corrected interval and resampled t-test.

Fold scores are not independent (training sets overlap), so the variance of the
mean over J = folds x repeats resamples is ``(1/J + n_test/n_train) * s^2``
instead of ``s^2 / J`` (Nadeau & Bengio 2003, "Inference for the generalization
error", Machine Learning 52:239-281), with a Student t on J - 1 degrees of freedom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

__all__ = ["ALPHA", "corrected_interval", "corrected_resampled_ttest", "verdict_vs_baseline"]

#: Significance level of the verdict against the baseline.
ALPHA = 0.05


def corrected_interval(values: Sequence[float], *, test_train_ratio: float, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of the mean of resampled scores with the Nadeau-Bengio variance correction.

    ``mean +- t_{J-1} * sqrt((1/J + n_test/n_train) * s^2)`` where ``s^2`` is the
    sample variance of the J scores.

    Examples
    --------
    >>> lo, hi = corrected_interval([0.8, 0.9, 0.7, 0.8], test_train_ratio=1 / 3)
    >>> round(lo, 4), round(hi, 4)
    (0.6015, 0.9985)
    """
    v = np.asarray(values, dtype=float)
    j = len(v)
    mean = float(v.mean())
    if j < 2:
        return mean, mean
    var = float(v.var(ddof=1))
    half = _t_quantile(0.5 + level / 2, j - 1) * math.sqrt((1 / j + test_train_ratio) * var)
    return float(mean - half), float(mean + half)


@lru_cache(maxsize=256)
def _t_quantile(q: float, dof: int) -> float:
    """Student t quantile, remembered: a robustness run asks for the same one for every metric of every
    strength (scipy's distribution call costs about 0.3 ms; the interval arithmetic a microsecond)."""
    from scipy import stats  # imported here: the CLI builds its parser from this package

    return float(stats.t.ppf(q, dof))


def corrected_resampled_ttest(
    a: Sequence[float], b: Sequence[float], *, test_train_ratio: float
) -> tuple[float, float, float]:
    """Nadeau & Bengio's corrected resampled t-test of paired scores ``a`` vs ``b``.

    ``t = mean(d) / sqrt((1/J + n_test/n_train) * var(d))`` with ``d = a - b``
    over the J resamples (sample variance), two-sided p from Student t with J - 1
    degrees of freedom. Returns ``(mean difference, t, p)``; identical scores give
    ``t = 0, p = 1``.

    Examples
    --------
    >>> d, t, p = corrected_resampled_ttest([0.80, 0.82, 0.84], [0.78, 0.80, 0.80], test_train_ratio=0.5)
    >>> round(d, 4), round(t, 4), round(p, 4)
    (0.0267, 2.5298, 0.1271)
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    j = len(d)
    mean = float(d.mean())
    var = float(d.var(ddof=1)) if j > 1 else 0.0
    if var == 0.0 or j < 2:
        if mean == 0.0:
            return mean, 0.0, 1.0
        return mean, math.copysign(math.inf, mean), 0.0
    t = mean / math.sqrt((1 / j + test_train_ratio) * var)
    from scipy import stats

    p = float(2 * stats.t.sf(abs(t), j - 1))
    return mean, float(t), p


def verdict_vs_baseline(difference: float, p: float, higher_is_better: bool) -> str:
    """"better", "worse" or "no clear difference" (p >= 0.05 or no difference)."""
    if p >= ALPHA or difference == 0:
        return "no clear difference"
    return "better" if (difference > 0) == higher_is_better else "worse"
