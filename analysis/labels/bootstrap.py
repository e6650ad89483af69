"""Bootstrap intervals of the agreement statistics, resampling items with replacement.

A resample is a vector of item weights, so every statistic is a weighted sum
over the items computed once (see :func:`bootstrap_agreement`): thousands of
resamples of a large table take seconds, not a recount per resample.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ..errors import AnnotationError
from ..results import ResultMixin, Severity
from ._kernels import alpha_from_coincidences, indicators, kappa_from_confusion
from .agreement import Agreement

__all__ = ["AgreementIntervals", "bootstrap_agreement"]


@dataclass(frozen=True)
class AgreementIntervals(ResultMixin):
    """Percentile bootstrap intervals over items (resampled with replacement).

    ``intervals`` maps a metric name (``krippendorff_alpha``, ``fleiss_kappa``,
    ``percent_agreement``, ``cohen_kappa:a|b`` and, at ordinal level or finer,
    ``cohen_kappa_linear:a|b`` / ``cohen_kappa_quadratic:a|b``) to ``(low, high)``.
    Resamples where a metric is undefined are left out of its interval.
    """

    n_resamples: int
    confidence: float
    seed: int
    intervals: dict[str, tuple[float, float]]

    SEVERITY: ClassVar[dict[str, Severity]] = {"computed": "info"}

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        return "computed"

    @property
    def verdict_text(self) -> str:
        return (
            f"{self.confidence:.0%} bootstrap intervals over items: {self.n_resamples:,} resamples, "
            f"seed {self.seed}, percentile intervals."
        )

    def to_dict(self) -> dict:
        return {
            "n_resamples": self.n_resamples,
            "confidence": self.confidence,
            "seed": self.seed,
            "intervals": {k: {"low": lo, "high": hi} for k, (lo, hi) in self.intervals.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"metric": k, "low": lo, "high": hi} for k, (lo, hi) in self.intervals.items()]
        )


def bootstrap_agreement(
    result: Agreement,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> AgreementIntervals:
    """Bootstrap intervals for alpha, Fleiss' kappa, percent agreement and every pairwise kappa.

    Items (rows) are resampled with replacement ``n_resamples`` times with a
    seeded generator; each interval is the percentile interval of the metric
    over the resamples.

    Parameters
    ----------
    result : Agreement
        From :func:`agreement`; its encoded ratings are resampled.
    n_resamples : int
        Number of bootstrap resamples (at least 50).
    confidence : float
        Coverage of the intervals, e.g. 0.95.
    seed : int
        Seed of ``numpy.random.default_rng``.
    progress : callable, optional
        Called as ``progress(done, total)`` about a hundred times.

    Examples
    --------
    >>> df = pd.DataFrame({"a": list("xxyyxyxy" * 5), "b": list("xxyyxyyy" * 5)})
    >>> from analysis.labels import agreement
    >>> ci = bootstrap_agreement(agreement(df, annotators=["a", "b"]), n_resamples=200, seed=1)
    >>> lo, hi = ci.intervals["krippendorff_alpha"]
    >>> bool(lo < 0.75 < hi), ci.n_resamples
    (True, 200)
    """
    if not isinstance(n_resamples, (int, np.integer)) or n_resamples < 50:
        raise AnnotationError(f"n_resamples must be an integer >= 50; got {n_resamples!r}.")
    if not 0.5 <= confidence < 1:
        raise AnnotationError(f"confidence must be between 0.5 and 1 (e.g. 0.95); got {confidence!r}.")
    ratings = result.ratings
    codes, k = ratings.codes, ratings.n_classes
    onehot = indicators(codes, k)
    counts_t = onehot.reshape(codes.shape[1], k, -1).sum(axis=0, dtype=np.int32)
    pairable = np.flatnonzero(counts_t.sum(axis=0) >= 2)  # unpairable items contribute to no metric
    onehot = np.ascontiguousarray(onehot[:, pairable])
    pc = counts_t[:, pairable].astype(np.float64)  # labels x items
    pn = pc.sum(axis=0)
    m = len(pairable)
    # A resample is a vector of item weights (how often each item was drawn); every metric is
    # then a weighted sum: per-item agreement, per-item coincidences (Krippendorff), label
    # counts (Fleiss) and the indicator Gram matrix (all pairwise confusion matrices at once).
    agree_i = ((pc * (pc - 1)).sum(axis=0)) / (pn * (pn - 1))
    coincid = (pc[:, None, :] * pc[None, :, :]).reshape(k * k, m)
    coincid[:: k + 1] -= pc  # the diagonal: n_c (n_c - 1)
    coincid /= pn - 1
    names = ratings.annotators
    pair_index = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    weighted = result.weighted
    metrics: dict[str, list[float]] = {"krippendorff_alpha": [], "fleiss_kappa": [], "percent_agreement": []}
    for i, j in pair_index:
        key = f"{names[i]}|{names[j]}"
        metrics[f"cohen_kappa:{key}"] = []
        if weighted:
            metrics[f"cohen_kappa_linear:{key}"] = []
            metrics[f"cohen_kappa_quadratic:{key}"] = []
    rng = np.random.default_rng(seed)
    step = max(1, n_resamples // 100)
    scaled = np.empty_like(onehot)
    for r in range(n_resamples):
        w = np.bincount(rng.integers(0, m, m), minlength=m).astype(np.float64)
        metrics["percent_agreement"].append(float(w @ agree_i) / m)
        metrics["krippendorff_alpha"].append(alpha_from_coincidences((coincid @ w).reshape(k, k), ratings.values, ratings.level))
        shares = (pc @ w) / (pn @ w)
        expected = float((shares**2).sum())
        metrics["fleiss_kappa"].append((float(w @ agree_i) / m - expected) / (1 - expected) if expected < 1 else math.nan)
        np.multiply(onehot, w.astype(onehot.dtype), out=scaled)
        gram = np.rint(scaled @ onehot.T)
        for i, j in pair_index:
            key = f"{names[i]}|{names[j]}"
            conf = gram[i * k : (i + 1) * k, j * k : (j + 1) * k]
            metrics[f"cohen_kappa:{key}"].append(kappa_from_confusion(conf, None))
            if weighted:
                metrics[f"cohen_kappa_linear:{key}"].append(kappa_from_confusion(conf, "linear"))
                metrics[f"cohen_kappa_quadratic:{key}"].append(kappa_from_confusion(conf, "quadratic"))
        if progress is not None and ((r + 1) % step == 0 or r + 1 == n_resamples):
            progress(r + 1, n_resamples)
    tail = (1 - confidence) / 2 * 100
    intervals = {}
    for key, values in metrics.items():
        arr = np.asarray(values, dtype=float)
        arr = arr[np.isfinite(arr)]
        intervals[key] = (
            (float(np.percentile(arr, tail)), float(np.percentile(arr, 100 - tail))) if len(arr) else (math.nan, math.nan)
        )
    return AgreementIntervals(n_resamples=int(n_resamples), confidence=float(confidence), seed=int(seed), intervals=intervals)
