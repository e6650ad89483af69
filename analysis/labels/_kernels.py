"""Array kernels of the agreement statistics (private to :mod:`analysis.labels`).

They work on the integer codes of :class:`~analysis.labels.ratings.Ratings`
and on vote counts; inputs are trusted (checked at the public functions).
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np


def indicators(codes: np.ndarray, k: int) -> np.ndarray:
    """(annotators * labels) x items 0/1 matrix; float32 is exact for counts below 2**24 items."""
    n, r = codes.shape
    dtype = np.float32 if n < 2**24 else np.float64
    by_annotator = np.ascontiguousarray(codes.T)
    out = np.empty((r * k, n), dtype=dtype)
    for a in range(r):
        for j in range(k):
            np.equal(by_annotator[a], j, out=out[a * k + j], casting="unsafe")
    return out


def observed_agreement(pc: np.ndarray, pn: np.ndarray) -> tuple[float, float]:
    rows = pc.T  # labels x items (contiguous when pc is a transposed view)
    agree = (rows * (rows - 1)).sum(axis=0) / (pn * (pn - 1.0))
    return float(agree.mean()), float((rows.max(axis=0) == pn).mean())


def alpha_from_counts(pc: np.ndarray, values: np.ndarray, level: str) -> float:
    observed = pc.sum(axis=0) > 0
    if observed.sum() < 2:
        return math.nan  # no variation among pairable values: alpha is 0/0
    # Only used values enter the domain: the package's ordinal metric counts
    # ranks from the marginals, and unused values carry no mass anyway.
    return float(
        krippendorff.alpha(value_counts=pc[:, observed], value_domain=values[observed], level_of_measurement=level)  # type: ignore[arg-type]  # one of LEVELS, checked by encode_ratings
    )


def fleiss_from_counts(pc: np.ndarray, pn: np.ndarray) -> tuple[float, str]:
    if pn.min() == pn.max():
        with np.errstate(invalid="ignore", divide="ignore"):
            # statsmodels (and scipy.stats behind it) load on first use, not when the CLI starts.
            from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

            return float(sm_fleiss_kappa(pc, method="fleiss")), "statsmodels"
    rows = np.ascontiguousarray(pc.T, dtype=np.float64)  # labels x items
    p_i = ((rows * rows).sum(axis=0) - pn) / (pn * (pn - 1.0))
    p_j = rows.sum(axis=1) / pn.sum()
    expected = float((p_j**2).sum())
    if expected >= 1.0:
        return math.nan, "generalized"
    return float((p_i.mean() - expected) / (1 - expected)), "generalized"


def pair_confusion(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """k x k counts of (a, b) over items both rated; missing (-1) go to a dropped extra bin."""
    a = np.where(a < 0, k, a).astype(np.int64)
    b = np.where(b < 0, k, b).astype(np.int64)
    return np.bincount(a * (k + 1) + b, minlength=(k + 1) ** 2).reshape(k + 1, k + 1)[:k, :k]


def kappa_from_confusion(conf: np.ndarray, weights: str | None) -> float:
    """Cohen's kappa from a confusion matrix, with scikit-learn's formula (``cohen_kappa_score``)."""
    conf = conf.astype(float)
    n = conf.sum()
    if n == 0:
        return math.nan
    k = conf.shape[0]
    expected = np.outer(conf.sum(axis=1), conf.sum(axis=0)) / n
    if weights is None:
        w = 1.0 - np.eye(k)
    else:
        grid = np.abs(np.arange(k)[:, None] - np.arange(k)[None, :]).astype(float)
        w = grid if weights == "linear" else grid**2
    denominator = (w * expected).sum()
    if denominator == 0:
        return math.nan
    return float(1.0 - (w * conf).sum() / denominator)



def alpha_from_coincidences(o: np.ndarray, values: np.ndarray, level: str) -> float:
    """Krippendorff's alpha from a coincidence matrix (the package's distance metrics, Krippendorff 2011).

    Used inside the bootstrap, where the coincidences of a resample are a weighted
    sum; the tests check it against the ``krippendorff`` package on resampled data.
    """
    n_v = o.sum(axis=0)
    n = n_v.sum()
    if (n_v > 0).sum() < 2 or n <= 1:
        return math.nan
    k = len(n_v)
    i1, i2 = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    if level == "nominal":
        d = (i1 != i2).astype(float)
    elif level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_v)])
        lo, hi = np.minimum(i1, i2), np.maximum(i1, i2)
        d = (cum[hi + 1] - cum[lo] - (n_v[i1] + n_v[i2]) / 2) ** 2
    elif level == "interval":
        d = (values[i1] - values[i2]) ** 2
    else:  # ratio
        total = values[i1] + values[i2]
        d = np.divide(values[i1] - values[i2], total, out=np.zeros_like(total), where=total != 0) ** 2
    e = (np.outer(n_v, n_v) - np.diag(n_v)) / (n - 1)
    denominator = (e * d).sum()
    return float(1 - (o * d).sum() / denominator) if denominator else math.nan


