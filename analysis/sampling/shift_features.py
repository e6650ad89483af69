"""Per-feature shift tests between two files, and the overlaid distribution of one feature.

* numeric: two-sample Kolmogorov-Smirnov test (the statistic and p-value of
  ``scipy.stats.ks_2samp``, mode "auto": exact up to 10,000 rows per side,
  else Smirnov's asymptotic distribution ``kstwo.sf(D, round(n m / (n + m)))``,
  as scipy does), with the Wasserstein-1 distance divided by the reference's
  standard deviation as the effect size (``scipy.stats.wasserstein_distance`` / std);
* categorical: chi-square test of homogeneity of the 2 x k table of counts
  (``scipy.stats.chi2_contingency``, no continuity correction), with the
  Jensen-Shannon distance (base 2, in [0, 1]) of the two share vectors as the effect size
  (the drift threshold is converted to this base: see :mod:`analysis.sampling.shift_report`);
* both: the population stability index (numeric: 10 bins cut at the
  reference's deciles; categorical: one bin per value; empty bins get the
  share ``PSI_EPSILON`` = 1e-4), reported for reading, not used in the decision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from ..errors import ShiftInputError
from ..results import ResultMixin, Severity
from ._common import label_text, psi

__all__ = [
    "FeatureDistribution",
    "FeatureShift",
    "category_counts",
    "compare_categories",
    "feature_distribution",
    "feature_shift",
    "is_numeric",
    "labelled_counts",
    "skipped_feature",
]

_KS_EXACT_MAX_N = 10_000  # scipy's MAX_AUTO_N
_PSI_BINS = 10


@dataclass(frozen=True)
class FeatureShift:
    """Shift of one feature. ``test`` is ``ks``, ``chi2`` or ``skipped`` (``reason`` says why)."""

    name: str
    kind: str
    test: str
    statistic: float | None
    p_value: float | None
    p_adjusted: float | None
    effect: float | None
    effect_name: str | None
    psi: float | None
    drift: bool
    n_reference: int
    n_current: int
    missing_reference: float
    missing_current: float
    reason: str | None = None
    #: how the statistic was computed: "exact" (every value, or exact counts of every value on an engine)
    #: or "sketch" (an engine's quantile sketch on a column with too many distinct values; see ``sketch``)
    method: str = "exact"
    #: for ``method == "sketch"``: which sketch, and the error bounds of the statistic and effect (else None)
    sketch: dict | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "test": self.test,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "effect": self.effect,
            "effect_name": self.effect_name,
            "psi": self.psi,
            "drift": self.drift,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "missing_reference": self.missing_reference,
            "missing_current": self.missing_current,
            "reason": self.reason,
            "method": self.method,
            "sketch": dict(self.sketch) if self.sketch is not None else None,
        }



def _numeric_values(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    return values[~np.isnan(values)]


def _numeric(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, float]:
    """KS statistic and p-value (as scipy), normalized Wasserstein-1, PSI; one sort per side."""
    a = np.sort(a)
    b = np.sort(b)
    n1, n2 = len(a), len(b)
    both = np.sort(np.concatenate([a, b]), kind="stable")  # two sorted runs: a merge
    cdf1 = np.searchsorted(a, both, side="right") / n1
    cdf2 = np.searchsorted(b, both, side="right") / n2
    gap = np.abs(cdf1 - cdf2)
    if max(n1, n2) <= _KS_EXACT_MAX_N:
        ks = stats.ks_2samp(a, b)
        d, p = float(ks.statistic), float(ks.pvalue)
    else:
        d = float(gap.max())
        m, n = sorted([float(n1), float(n2)], reverse=True)
        p = float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0, 1))
    w1 = float(np.sum(gap[:-1] * np.diff(both)))
    spread = float(np.std(a))
    if spread > 0:
        effect = w1 / spread
    else:
        effect = 0.0 if w1 == 0 else math.inf
    cuts = np.unique(a[(np.arange(1, _PSI_BINS) * n1) // _PSI_BINS])
    ca = np.diff(np.concatenate([[0], np.searchsorted(a, cuts, side="left"), [n1]])) / n1
    cb = np.diff(np.concatenate([[0], np.searchsorted(b, cuts, side="left"), [n2]])) / n2
    return d, p, effect, psi(cb, ca)


def category_counts(series: pd.Series) -> pd.Series:
    return labelled_counts(series.value_counts(dropna=True, sort=False))


def labelled_counts(counts: pd.Series) -> pd.Series:
    """Counts per raw value (in order) as counts per label text (1.0 and 1 are both "1"), in order of first label."""
    counts = counts.copy()
    counts.index = [label_text(v) for v in counts.index]
    return counts.groupby(level=0, sort=False).sum()


def compare_categories(ca: pd.Series, cb: pd.Series) -> tuple[float, float, float, float]:
    keys = list(dict.fromkeys(list(ca.index) + list(cb.index)))
    ra = ca.reindex(keys, fill_value=0).to_numpy(dtype=float)
    rb = cb.reindex(keys, fill_value=0).to_numpy(dtype=float)
    if len(keys) < 2:
        stat, p = 0.0, 1.0
    else:
        res = stats.chi2_contingency(np.vstack([ra, rb]), correction=False)
        stat, p = float(res.statistic), float(res.pvalue)
    pa, pb = ra / ra.sum(), rb / rb.sum()
    return stat, p, float(jensenshannon(pa, pb, base=2)), psi(pb, pa)


def feature_shift(
    reference: pd.Series, current: pd.Series, *, name: str | None = None, kind: str | None = None
) -> FeatureShift:
    """Test one feature for shift (unadjusted p-value; ``drift`` left False, see :func:`shift`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = feature_shift(pd.Series(rng.normal(0, 1, 500)), pd.Series(rng.normal(1, 1, 500)))
    >>> f.test, f.p_value < 1e-10, round(f.effect, 1)
    ('ks', True, 0.9)
    """
    name = name or str(reference.name)
    if kind is None:
        kind = "numeric" if is_numeric(reference) and is_numeric(current) else "categorical"
    miss_a = float(reference.isna().mean()) if len(reference) else 0.0
    miss_b = float(current.isna().mean()) if len(current) else 0.0
    if kind == "numeric":
        a, b = _numeric_values(reference), _numeric_values(current)
        if len(a) == 0 or len(b) == 0:
            return skipped_feature(name, kind, len(a), len(b), miss_a, miss_b, "no values in one of the files")
        d, p, effect, psi_value = _numeric(a, b)
        return FeatureShift(name, kind, "ks", d, p, None, effect, "wasserstein_norm", psi_value, False, len(a), len(b), miss_a, miss_b)
    ca, cb = category_counts(reference), category_counts(current)
    if ca.sum() == 0 or cb.sum() == 0:
        return skipped_feature(name, kind, int(ca.sum()), int(cb.sum()), miss_a, miss_b, "no values in one of the files")
    stat, p, js, psi_value = compare_categories(ca, cb)
    return FeatureShift(name, kind, "chi2", stat, p, None, js, "js_distance", psi_value, False, int(ca.sum()), int(cb.sum()), miss_a, miss_b)


def skipped_feature(name: str, kind: str, na: int, nb: int, miss_a: float, miss_b: float, reason: str) -> FeatureShift:
    """A feature left out of the tests, with the reason."""
    return FeatureShift(name, kind, "skipped", None, None, None, None, None, None, False, int(na), int(nb), miss_a, miss_b, reason)


def is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)



# --- overlaid distributions for the page ---------------------------------------------
@dataclass(frozen=True)
class FeatureDistribution(ResultMixin):
    """Shares of one feature in both files on shared bins.

    Numeric: ``bins`` equal-width bins between the 1st and 99th percentile of
    both files' values (values beyond go to the end bins); categorical: the
    ``top`` most frequent values of both files together.
    """

    name: str
    kind: str
    bins: tuple[str, ...]
    edges: tuple[float, ...]
    reference: tuple[float, ...]
    current: tuple[float, ...]

    SEVERITY: ClassVar[dict[str, Severity]] = {"computed": "info"}

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "computed"  # a picture of one feature, not a judgement

    @property
    def verdict_text(self) -> str:
        return f"Shares of '{self.name}' in both files on {len(self.bins)} shared bins."

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "bins": list(self.bins),
            "edges": list(self.edges),
            "reference": list(self.reference),
            "current": list(self.current),
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"bin": self.bins, "reference": self.reference, "current": self.current})


def feature_distribution(reference: pd.Series, current: pd.Series, *, bins: int = 30, top: int = 30) -> FeatureDistribution:
    """Shares per bin of one feature in both files (non-missing values), for an overlaid chart.

    Examples
    --------
    >>> d = feature_distribution(pd.Series(["a", "a", "b"]), pd.Series(["b", "b", "c", "a"]))
    >>> d.bins, d.reference, d.current
    (('a', 'b', 'c'), (0.6666666666666666, 0.3333333333333333, 0.0), (0.25, 0.5, 0.25))
    """
    name = str(reference.name)
    if is_numeric(reference) and is_numeric(current):
        a, b = _numeric_values(reference), _numeric_values(current)
        both = np.concatenate([a, b])
        if len(both) == 0:
            raise ShiftInputError(f"'{name}' has no values in either file.", column=name)
        # Bins span the 1st to 99th percentile of both files together, so a long tail does not squash
        # the chart into one bar; values beyond fall into the end bins (labelled "≤" / "≥").
        lo, hi = (float(v) for v in np.quantile(both, [0.01, 0.99]))
        if lo == hi:
            lo, hi = float(both.min()), float(both.max())
        if lo == hi:
            hi = lo + 1.0
        edges = np.linspace(lo, hi, bins + 1)
        ha = np.histogram(np.clip(a, lo, hi), edges)[0] / max(len(a), 1)
        hb = np.histogram(np.clip(b, lo, hi), edges)[0] / max(len(b), 1)
        labels = [f"{edges[i]:.4g} – {edges[i + 1]:.4g}" for i in range(bins)]
        if both.min() < lo:
            labels[0] = f"≤ {edges[1]:.4g}"
        if both.max() > hi:
            labels[-1] = f"≥ {edges[-2]:.4g}"
        return FeatureDistribution(name, "numeric", tuple(labels), tuple(float(e) for e in edges), tuple(map(float, ha)), tuple(map(float, hb)))
    ca, cb = category_counts(reference), category_counts(current)
    total = ca.add(cb, fill_value=0).sort_values(ascending=False, kind="stable")
    keys = list(total.index[:top])
    pa = ca.reindex(keys, fill_value=0) / max(ca.sum(), 1)
    pb = cb.reindex(keys, fill_value=0) / max(cb.sum(), 1)
    return FeatureDistribution(name, "categorical", tuple(map(str, keys)), (), tuple(map(float, pa)), tuple(map(float, pb)))
