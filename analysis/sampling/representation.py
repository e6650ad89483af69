"""Representation of a group column against a reference population.

Definitions (p = observed shares, q = expected shares, n = rows with a group value)

* representation ratio = p_g / q_g; its 95 % interval is the Wilson score
  interval of p_g (Wilson 1927; statsmodels ``proportion_confint(...,
  method="wilson")``) divided by q_g, the reference share being taken as known.
  A group is flagged ``over`` when the interval's lower end exceeds
  1 + tolerance, ``under`` when its upper end is below 1 - tolerance.
* chi-square goodness of fit: ``scipy.stats.chisquare`` of the counts of the
  reference's values against q * (their total); dof = k - 1.
* effect sizes: Cohen's w = sqrt(chi2 / n); Cramér's V for one variable
  = w / sqrt(k - 1). The verdict uses w with Cohen's (1988) bands:
  below 0.1 negligible, 0.1 small, 0.3 moderate, 0.5 large.
* total variation distance = 1/2 * sum |p - q| (the largest share of rows that
  would have to move between groups).
* Jensen-Shannon distance: ``scipy.spatial.distance.jensenshannon(p, q, base=2)``,
  so it lies in [0, 1].
* population stability index: PSI = sum (p - q) * ln(p / q) over every value of
  either side, a zero share replaced by ``PSI_EPSILON`` = 1e-4 (without
  renormalizing) so that a value present on one side only counts, finitely.
  Usual reading: below 0.1 stable, 0.1-0.25 some shift, above 0.25 major shift.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from ..errors import ReferenceSharesError, format_columns
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from ..wording import count_noun, spelled_apart, verb
from ._common import PSI_EPSILON, effect_band, fmt_p, psi, validate_group, wilson_interval
from .reference import ReferenceShares, reference_shares

__all__ = ["BiasResult", "BiasSettings", "ChiSquare", "GroupShare", "compare_counts", "representation"]


@dataclass(frozen=True)
class BiasSettings:
    """What the representation check of one group column takes: the reference, the tolerance and alpha.

    Frozen and hashable: the dashboard passes it straight to its cached wrapper.

    >>> s = BiasSettings(ReferenceShares("g", {"a": 0.5, "b": 0.5}, "typed shares"), tolerance=0.2)
    >>> s.group, hash(s) == hash(BiasSettings(ReferenceShares("g", {"a": 0.5, "b": 0.5}, "typed shares"), tolerance=0.2))
    ('g', True)
    """

    reference: ReferenceShares
    tolerance: float = 0.1
    alpha: float = 0.05

    @property
    def group(self) -> str:
        return self.reference.column

    def run(self, df: pd.DataFrame) -> BiasResult:
        return representation(df, group=self.group, reference=self.reference, tolerance=self.tolerance, alpha=self.alpha)


@dataclass(frozen=True)
class GroupShare:
    """One group value: observed vs expected.

    ``flag`` is ``over``, ``under``, ``ok``, ``not_in_reference`` (rows exist,
    the reference gives no share) or ``not_in_data`` (the reference gives a
    share, no row has the value). Ratios are ``None`` where undefined.
    """

    value: str
    observed_count: int
    observed_share: float
    expected_share: float | None
    representation_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    flag: str
    share_ci_low: float = 0.0
    share_ci_high: float = 0.0

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "observed_count": self.observed_count,
            "observed_share": self.observed_share,
            "expected_share": self.expected_share,
            "representation_ratio": self.representation_ratio,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "flag": self.flag,
            "share_ci_low": self.share_ci_low,
            "share_ci_high": self.share_ci_high,
        }


@dataclass(frozen=True)
class ChiSquare:
    statistic: float
    p_value: float
    dof: int

    def to_dict(self) -> dict:
        return {"statistic": self.statistic, "p_value": self.p_value, "dof": self.dof}


@dataclass(frozen=True)
class BiasResult(ResultMixin):
    """Representation of a group column against reference shares (see the module docstring)."""

    SEVERITY: ClassVar[dict[str, Severity]] = {
        "representative": "ok",
        "negligible": "ok",
        "inconclusive": "info",
        "small bias": "warning",
        "moderate bias": "critical",
        "large bias": "critical",
    }

    group: str
    n: int
    n_missing: int
    groups: tuple[GroupShare, ...]
    chi_square: ChiSquare
    cohens_w: float
    cramers_v: float
    total_variation: float
    js_distance: float
    psi: float
    verdict: str
    verdict_text: str
    tolerance: float
    alpha: float
    reference_source: str
    notes: tuple[str, ...] = ()

    @property
    def flagged(self) -> tuple[GroupShare, ...]:
        return tuple(g for g in self.groups if g.flag in ("over", "under"))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([g.to_dict() for g in self.groups])

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "n": self.n,
            "n_missing": self.n_missing,
            "groups": [g.to_dict() for g in self.groups],
            "chi_square": self.chi_square.to_dict(),
            "cohens_w": self.cohens_w,
            "cramers_v": self.cramers_v,
            "total_variation": self.total_variation,
            "js_distance": self.js_distance,
            "js_base": 2,
            "psi": self.psi,
            "psi_epsilon": PSI_EPSILON,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "tolerance": self.tolerance,
            "alpha": self.alpha,
            "reference_source": self.reference_source,
            "notes": list(self.notes),
        }



# --- representation against a reference -----------------------------------------
@takes_table("df")
def representation(
    df: pd.DataFrame,
    *,
    group: str,
    reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasResult:
    """Compare the shares of ``group`` in ``df`` with a reference population.

    Parameters
    ----------
    df : DataFrame
    group : str
        The group column (at most ``MAX_GROUPS`` distinct values).
    reference : mapping, DataFrame or ReferenceShares
        Expected shares (normalized if they do not sum to 1, with a note), a
        value,share table or a whole reference dataset (see :func:`reference_shares`).
    tolerance : float
        A group is flagged only when its ratio interval excludes 1 by more than this.
    alpha : float
        Significance level of the chi-square test in the verdict.

    Returns
    -------
    BiasResult

    Raises
    ------
    ColumnNotFoundError, GroupColumnError, TooManyGroupsError, ReferenceSharesError

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 70 + ["b"] * 30})
    >>> r = representation(df, group="g", reference={"a": 0.5, "b": 0.5})
    >>> [(g.value, g.flag) for g in r.groups], round(r.total_variation, 2)
    ([('a', 'over'), ('b', 'under')], 0.2)
    """
    if not (0 <= tolerance < 1):
        raise ReferenceSharesError(f"The tolerance must be between 0 and 1; got {tolerance}.")
    if not (0 < alpha < 1):
        raise ReferenceSharesError(f"alpha must be between 0 and 1; got {alpha}.")
    labels = validate_group(df, group)
    ref = reference_shares(reference, group=group)
    counts = labels.dropna().value_counts(sort=False)
    return compare_counts(
        {str(k): int(v) for k, v in counts.items()},
        ref,
        group=group,
        n_missing=int(labels.isna().sum()),
        tolerance=tolerance,
        alpha=alpha,
    )


def compare_counts(
    counts: dict[str, int],
    ref: ReferenceShares,
    *,
    group: str,
    n_missing: int,
    tolerance: float,
    alpha: float,
    extra_notes: tuple[str, ...] = (),
) -> BiasResult:
    notes = list(ref.notes) + list(extra_notes)
    expected = ref.shares
    matched = [v for v in expected if counts.get(v, 0) > 0]
    if not matched:
        raise ReferenceSharesError(
            f"None of the reference's values of '{group}' ({format_columns(list(expected))}) occurs in the data, "
            f"whose values are {format_columns(sorted(counts))}. Check the spelling and case of the values.",
            column=group,
        )
    n = sum(counts.values())
    # Order: reference order first, then values the reference does not know, largest first.
    order = list(expected) + sorted((v for v in counts if v not in expected), key=lambda v: (-counts[v], v))
    obs = np.array([counts.get(v, 0) for v in order], dtype=float)
    exp = np.array([expected.get(v, 0.0) for v in order], dtype=float)
    p = obs / n
    lo, hi = wilson_interval(obs, n)
    rows = []
    for i, value in enumerate(order):
        q = exp[i] if value in expected else None
        if q is None or q == 0:
            rows.append(GroupShare(value, int(obs[i]), float(p[i]), q, None, None, None, "not_in_reference", float(lo[i]), float(hi[i])))
            continue
        ratio, r_lo, r_hi = p[i] / q, lo[i] / q, hi[i] / q
        if obs[i] == 0:
            flag = "not_in_data"
        elif r_lo > 1 + tolerance:
            flag = "over"
        elif r_hi < 1 - tolerance:
            flag = "under"
        else:
            flag = "ok"
        rows.append(
            GroupShare(value, int(obs[i]), float(p[i]), float(q), float(ratio), float(r_lo), float(r_hi), flag, float(lo[i]), float(hi[i]))
        )

    for apart in spelled_apart(counts):
        listed = " and ".join(f"'{v}' ({c:,})" for v, c in apart)
        notes.append(
            f"{listed} differ only in case or spaces: they are counted as different groups of '{group}'. "
            "Merge them before comparing if they are one group."
        )
    unknown = [r for r in rows if r.flag == "not_in_reference" and r.observed_count > 0]
    absent = [r for r in rows if r.flag == "not_in_data"]
    for r in unknown:
        notes.append(
            f"'{r.value}' has {count_noun(r.observed_count, 'row')} ({r.observed_share:.1%}) but no share in the reference: "
            "it is left out of the chi-square test. Add it to the reference, or check its spelling."
        )
    for r in absent:
        notes.append(
            f"'{r.value}' has an expected share of {r.expected_share:.1%} but no row in the data: the sample "
            "misses this group entirely; reweighting cannot bring it back."
        )

    in_test = exp > 0
    obs_t = obs[in_test]
    exp_t = exp[in_test] / exp[in_test].sum() * obs_t.sum()
    k = int(in_test.sum())
    if k >= 2:
        chi = stats.chisquare(obs_t, exp_t)
        statistic, p_value = float(chi.statistic), float(chi.pvalue)
    else:
        statistic, p_value = 0.0, 1.0
        notes.append("Only one group has an expected share: there is no distribution to test.")
    if k >= 2 and exp_t.min() < 5:
        notes.append(
            f"Some expected counts are below 5 (smallest {exp_t.min():.1f}); the chi-square p-value is approximate."
        )
    n_test = float(obs_t.sum())
    w = math.sqrt(statistic / n_test) if n_test else 0.0
    v = w / math.sqrt(k - 1) if k >= 2 else 0.0
    q_full = exp / exp.sum()
    tvd = float(0.5 * np.abs(p - q_full).sum())
    js = float(jensenshannon(p, q_full, base=2))
    psi_value = psi(p, q_full)
    verdict, text = _verdict(group, p_value, w, alpha, n, exp_t, rows)
    return BiasResult(
        group=group,
        n=int(n),
        n_missing=int(n_missing),
        groups=tuple(rows),
        chi_square=ChiSquare(statistic, p_value, max(k - 1, 0)),
        cohens_w=float(w),
        cramers_v=float(v),
        total_variation=tvd,
        js_distance=js,
        psi=psi_value,
        verdict=verdict,
        verdict_text=text,
        tolerance=float(tolerance),
        alpha=float(alpha),
        reference_source=ref.source,
        notes=tuple(notes) + ((f"{count_noun(n_missing, 'row')} {verb(n_missing, 'has', 'have')} no value in '{group}' and {verb(n_missing, 'is', 'are')} left out.",) if n_missing else ()),
    )


def _verdict(group: str, p_value: float, w: float, alpha: float, n: int, exp_t: np.ndarray, rows: list[GroupShare]) -> tuple[str, str]:
    over = [r.value for r in rows if r.flag == "over"]
    under = [r.value for r in rows if r.flag in ("under", "not_in_data")]
    where = ""
    if over or under:
        parts = []
        if over:
            parts.append("over-represented: " + ", ".join(over))
        if under:
            parts.append("under-represented: " + ", ".join(under))
        where = " (" + "; ".join(parts) + ")"
    if p_value >= alpha:
        if n < 50 or (len(exp_t) and exp_t.min() < 5):
            return "inconclusive", (
                f"Inconclusive: with {count_noun(n, 'row')} the test cannot tell whether '{group}' matches the reference "
                f"({fmt_p(p_value)}). Collect more rows before trusting this sample's group shares."
            )
        return "representative", (
            f"Representative: the shares of '{group}' are consistent with the reference ({fmt_p(p_value)}, "
            f"Cohen's w = {w:.3f})."
        )
    band = effect_band(w)
    if band == "negligible":
        return "negligible", (
            f"Negligible difference: with {count_noun(n, 'row')} even a tiny gap is detectable ({fmt_p(p_value)}), but the "
            f"effect is negligible (Cohen's w = {w:.3f} < 0.1). The sample's '{group}' shares are close to the reference."
        )
    return f"{band} bias", (
        f"{band.capitalize()} sampling bias in '{group}'{where}: Cohen's w = {w:.3f}, {fmt_p(p_value)}. "
        "Reweight (post-stratification) or resample before training, or collect more rows of the missing groups."
    )


