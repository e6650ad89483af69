"""Sampling bias: how a sample's group shares differ from a reference population.

``representation(df, group=..., reference=...)`` compares the share of each
value of a group column (region, age band, device...) with the share the
reference population gives it. Inside the sample, ``label_by_group`` and
``missingness_by_group`` show whether labels and missing values depend on the
group. Two-file shift lives in :mod:`analysis.sampling_shift`, reweighting in
:mod:`analysis.sampling_fix`, the sampling simulator in :mod:`analysis.sampling_sim`.

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
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from .errors import (
    GroupColumnError,
    ReferenceSharesError,
    TooManyGroupsError,
    format_columns,
    require_column,
)

__all__ = [
    "MAX_GROUPS",
    "PSI_EPSILON",
    "EFFECT_BANDS",
    "ReferenceShares",
    "GroupShare",
    "ChiSquare",
    "BiasResult",
    "LabelByGroup",
    "MissingByGroup",
    "BiasReport",
    "parse_expected",
    "reference_shares",
    "representation",
    "intersection_representation",
    "label_by_group",
    "missingness_by_group",
    "bias_report",
    "wilson_interval",
    "psi",
    "group_labels",
    "observed_shares",
]

#: A group column with more distinct values than this is refused (bin it first).
MAX_GROUPS = 100
#: Share that replaces an empty bin in the PSI (see the module docstring).
PSI_EPSILON = 1e-4
#: Lower bounds of Cohen's (1988) bands for w (and Cramér's V).
EFFECT_BANDS: dict[str, float] = {"small": 0.1, "moderate": 0.3, "large": 0.5}
_MISSING_LABEL = "(missing)"
_SHARE_TOL = 1e-6


# --- results -----------------------------------------------------------------
@dataclass(frozen=True)
class ReferenceShares:
    """Expected shares of the values of one column, normalized to sum to 1."""

    column: str
    shares: dict[str, float]
    source: str
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"column": self.column, "shares": dict(self.shares), "source": self.source, "notes": list(self.notes)}


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
class BiasResult:
    """Representation of a group column against reference shares (see the module docstring)."""

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


@dataclass(frozen=True)
class LabelByGroup:
    """Class distribution within each group and the chi-square test of independence.

    ``residuals`` are adjusted standardized residuals (Agresti, *Categorical
    Data Analysis*, 2nd ed., sec. 3.3.1): (O - E) / sqrt(E (1 - row share)
    (1 - column share)); beyond +-1.96 a cell holds more (or fewer) rows than
    independence would give, at the 5 % level for that cell alone.
    """

    group: str
    target: str
    counts: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    chi_square: ChiSquare
    cramers_v: float
    n: int
    n_dropped: int
    verdict_text: str

    @property
    def rates(self) -> pd.DataFrame:
        return self.counts.div(self.counts.sum(axis=1), axis=0)

    def to_frame(self) -> pd.DataFrame:
        """One row per group x class cell: count, rate within the group, expected count, residual."""
        rates = self.rates
        rows = []
        for g in self.counts.index:
            for c in self.counts.columns:
                rows.append(
                    {
                        "group": g,
                        "class": c,
                        "count": int(self.counts.at[g, c]),
                        "rate_in_group": float(rates.at[g, c]),
                        "expected_count": float(self.expected.at[g, c]),
                        "adjusted_residual": float(self.residuals.at[g, c]),
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "target": self.target,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "chi_square": self.chi_square.to_dict(),
            "cramers_v": self.cramers_v,
            "cells": self.to_frame().to_dict(orient="records"),
            "verdict_text": self.verdict_text,
        }


@dataclass(frozen=True)
class MissingByGroup:
    """Share of missing values per column per group, and whether it depends on the group.

    ``tests`` has one row per column with missing values: overall share, the
    lowest and highest group share, the chi-square test of independence of
    "is missing" and the group (scipy ``chi2_contingency``, no continuity
    correction), its Benjamini-Hochberg adjusted p-value over the columns, and
    ``flagged`` when the adjusted p-value is below ``alpha`` and the group
    shares differ by at least ``min_gap`` (absolute).
    """

    group: str
    shares: pd.DataFrame
    tests: pd.DataFrame
    alpha: float
    min_gap: float

    @property
    def flagged_columns(self) -> list[str]:
        return [str(c) for c in self.tests.loc[self.tests["flagged"].astype(bool), "column"]] if len(self.tests) else []

    def to_frame(self) -> pd.DataFrame:
        return self.tests

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "shares": {str(c): {str(g): float(v) for g, v in self.shares[c].items()} for c in self.shares.columns},
            "columns": self.tests.to_dict(orient="records"),
            "alpha": self.alpha,
            "min_gap": self.min_gap,
        }


@dataclass(frozen=True)
class BiasReport:
    """What ``dataset-diagnostics bias`` prints: the representation check plus, with a target, the inside view."""

    representation: BiasResult
    label_by_group: LabelByGroup | None
    missing_by_group: MissingByGroup

    def to_dict(self) -> dict:
        out = self.representation.to_dict()
        out["label_by_group"] = self.label_by_group.to_dict() if self.label_by_group is not None else None
        out["missing_by_group"] = self.missing_by_group.to_dict()
        return out


# --- reference shares ----------------------------------------------------------
def parse_expected(text: str) -> dict[str, float]:
    """Parse ``"a=0.5,b=0.3,c=0.2"`` into ``{value: share}`` (shares not yet normalized).

    Examples
    --------
    >>> parse_expected("north=0.22, south=0.24")
    {'north': 0.22, 'south': 0.24}
    """
    out: dict[str, float] = {}
    for part in str(text).split(","):
        if not part.strip():
            continue
        value, sep, share = part.rpartition("=")
        if not sep or not value.strip():
            raise ReferenceSharesError(
                f"Cannot read the expected share {part.strip()!r}: write value=share pairs separated by "
                "commas, e.g. north=0.22,south=0.24."
            )
        try:
            number = float(share)
        except ValueError:
            raise ReferenceSharesError(
                f"The expected share of {value.strip()!r} is {share.strip()!r}, not a number. "
                "Write value=share pairs, e.g. north=0.22,south=0.24."
            ) from None
        key = value.strip()
        if key in out:
            raise ReferenceSharesError(f"The value {key!r} is given twice in the expected shares; give it once.")
        out[key] = number
    if not out:
        raise ReferenceSharesError("No expected shares were given: write value=share pairs, e.g. a=0.5,b=0.5.")
    return out


def reference_shares(
    reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares,
    *,
    group: str,
    source: str | None = None,
) -> ReferenceShares:
    """Expected shares of ``group`` from typed shares, a value,share table or a whole dataset.

    A DataFrame with exactly two columns whose second column is numeric and
    whose first column has no repeated value is read as a value,share table
    (shares or counts: both are normalized). Any other DataFrame must contain
    ``group``: its distribution of ``group`` is the reference.

    Raises
    ------
    ReferenceSharesError
        Negative, missing or non-numeric shares, shares summing to 0, or a
        reference file without the group column.

    Examples
    --------
    >>> r = reference_shares({"a": 2, "b": 2}, group="g")
    >>> r.shares, r.notes[0][:40]
    ({'a': 0.5, 'b': 0.5}, 'The expected shares of g sum to 4, not 1')
    """
    if isinstance(reference, ReferenceShares):
        return reference
    if isinstance(reference, pd.DataFrame):
        return _shares_from_frame(reference, group, source or "reference file")
    raw = {_label(k): v for k, v in dict(reference).items()}
    return _normalize(raw, group, source or "typed shares", [])


def _shares_from_frame(frame: pd.DataFrame, group: str, source: str) -> ReferenceShares:
    if frame.shape[0] == 0:
        raise ReferenceSharesError(f"The {source} has no rows; it needs one row per group value with its share.")
    cols = list(frame.columns)
    if len(cols) == 2:
        values, shares = frame[cols[0]], frame[cols[1]]
        if pd.api.types.is_numeric_dtype(shares.dtype) and not values.duplicated().any():
            if values.isna().any():
                raise ReferenceSharesError(f"The {source} has a row without a value in '{cols[0]}'; fill it or remove it.")
            raw = dict(zip(group_labels(values).tolist(), shares.tolist()))
            notes = []
            if str(cols[0]) != group:
                notes.append(
                    f"The {source} is read as a value,share table: its first column '{cols[0]}' holds the "
                    f"values of '{group}', its second column '{cols[1]}' their shares."
                )
            return _normalize(raw, group, f"{source} (value,share table)", notes)
    if group not in cols:
        raise ReferenceSharesError(
            f"The {source} has no column '{group}', and it is not a two-column value,share table. "
            f"Its columns: {format_columns(cols)}. Use a file with a '{group}' column, or a table of "
            "value,share rows.",
            column=group,
            available=[str(c) for c in cols],
        )
    labels = group_labels(frame[group]).dropna()
    if labels.empty:
        raise ReferenceSharesError(f"The column '{group}' of the {source} has no values.", column=group)
    counts = labels.value_counts(sort=False)
    raw = {str(k): float(v) for k, v in counts.items()}
    notes = [f"Expected shares are the distribution of '{group}' in the {source} ({len(labels):,} rows)."]
    return _normalize(raw, group, f"distribution of '{group}' in the {source}", notes, quiet_sum=True)


def _normalize(
    raw: dict[str, Any], group: str, source: str, notes: list[str], *, quiet_sum: bool = False
) -> ReferenceShares:
    if not raw:
        raise ReferenceSharesError(f"No expected shares were given for '{group}'.")
    clean: dict[str, float] = {}
    for value, share in raw.items():
        try:
            number = float(share)
        except (TypeError, ValueError):
            raise ReferenceSharesError(
                f"The expected share of {value!r} is {share!r}, not a number. Give a share between 0 and 1."
            ) from None
        if not math.isfinite(number):
            raise ReferenceSharesError(f"The expected share of {value!r} is missing or infinite; give a number.")
        if number < 0:
            raise ReferenceSharesError(f"The expected share of {value!r} is {number:g}; shares cannot be negative.")
        clean[value] = number
    total = sum(clean.values())
    if total <= 0:
        raise ReferenceSharesError(
            f"The expected shares of '{group}' sum to {total:g}; at least one must be positive. "
            "Give each value its share of the population (e.g. a=0.6,b=0.4)."
        )
    if len(clean) > MAX_GROUPS:
        raise ReferenceSharesError(
            f"The reference gives {len(clean):,} values of '{group}'; at most {MAX_GROUPS} groups are supported."
        )
    if abs(total - 1.0) > _SHARE_TOL and not quiet_sum:
        notes.append(f"The expected shares of {group} sum to {total:g}, not 1; they were divided by {total:g}.")
    shares = {k: v / total for k, v in clean.items()}
    return ReferenceShares(column=group, shares=shares, source=source, notes=tuple(notes))


# --- helpers shared by the sampling modules ----------------------------------
def group_labels(series: pd.Series) -> pd.Series:
    """The values of a group column as text (NA stays NA): 1.0 and 1 both read "1", so typed shares match."""
    values = series
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if len(finite) and bool((finite % 1 == 0).all()):
            values = values.astype("Int64")
    out = values.astype("string")
    return out.str.strip()


def observed_shares(df: pd.DataFrame, *, group: str) -> dict[str, float]:
    """Shares of the values of ``group`` (missing left out), largest first; to pre-fill a shares editor.

    Examples
    --------
    >>> observed_shares(pd.DataFrame({"g": ["b", "a", "b", None]}), group="g")
    {'b': 0.6666666666666666, 'a': 0.3333333333333333}
    """
    labels = _validate_group(df, group).dropna()
    counts = labels.value_counts()
    return {str(k): float(v) / len(labels) for k, v in counts.items()}


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _validate_group(df: pd.DataFrame, group: str) -> pd.Series:
    require_column(df.columns, group, role="group column")
    labels = group_labels(df[group])
    n_unique = int(labels.nunique(dropna=True))
    if n_unique == 0:
        raise GroupColumnError(
            f"The group column '{group}' has no values (all {len(df):,} rows are empty). Pick another column.",
            column=group,
        )
    if n_unique > MAX_GROUPS:
        raise TooManyGroupsError(
            f"The group column '{group}' has {n_unique:,} distinct values; a group column needs at most "
            f"{MAX_GROUPS} (e.g. region, age band, device). Pick a categorical column, or bin this one "
            "into bands first.",
            column=group,
        )
    return labels


def wilson_interval(count, n, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (vectorized; no continuity correction).

    Examples
    --------
    >>> lo, hi = wilson_interval(81, 263)   # Newcombe (1998), example (a): 0.2553 to 0.3662
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.2553, 0.3662)
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = count / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def psi(actual, expected, *, epsilon: float = PSI_EPSILON) -> float:
    """Population stability index of two share vectors (a zero share becomes ``epsilon``).

    Examples
    --------
    >>> round(psi([0.5, 0.5], [0.25, 0.75]), 6)   # 0.25 ln 2 + (-0.25) ln(2/3)
    0.274653
    """
    a = np.where(np.asarray(actual, dtype=float) > 0, np.asarray(actual, dtype=float), epsilon)
    e = np.where(np.asarray(expected, dtype=float) > 0, np.asarray(expected, dtype=float), epsilon)
    return float(np.sum((a - e) * np.log(a / e)))


def _fmt_p(p: float) -> str:
    """``p = 0.0123``, or ``p < 1e-16`` where floating point cannot tell it from 0."""
    return "p < 1e-16" if p < 1e-16 else f"p = {p:.3g}"


def _effect_band(w: float) -> str:
    band = "negligible"
    for name, lower in EFFECT_BANDS.items():
        if w >= lower:
            band = name
    return band


# --- representation against a reference -----------------------------------------
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
    labels = _validate_group(df, group)
    ref = reference_shares(reference, group=group)
    counts = labels.dropna().value_counts(sort=False)
    return _compare(
        {str(k): int(v) for k, v in counts.items()},
        ref,
        group=group,
        n_missing=int(labels.isna().sum()),
        tolerance=tolerance,
        alpha=alpha,
    )


def _compare(
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

    unknown = [r for r in rows if r.flag == "not_in_reference" and r.observed_count > 0]
    absent = [r for r in rows if r.flag == "not_in_data"]
    for r in unknown:
        notes.append(
            f"'{r.value}' has {r.observed_count:,} rows ({r.observed_share:.1%}) but no share in the reference: "
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
        notes=tuple(notes) + ((f"{n_missing:,} rows have no value in '{group}' and are left out.",) if n_missing else ()),
    )


def _verdict(group, p_value, w, alpha, n, exp_t, rows) -> tuple[str, str]:
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
                f"Inconclusive: with {n:,} rows the test cannot tell whether '{group}' matches the reference "
                f"({_fmt_p(p_value)}). Collect more rows before trusting this sample's group shares."
            )
        return "representative", (
            f"Representative: the shares of '{group}' are consistent with the reference ({_fmt_p(p_value)}, "
            f"Cohen's w = {w:.3f})."
        )
    band = _effect_band(w)
    if band == "negligible":
        return "negligible", (
            f"Negligible difference: with {n:,} rows even a tiny gap is detectable ({_fmt_p(p_value)}), but the "
            f"effect is negligible (Cohen's w = {w:.3f} < 0.1). The sample's '{group}' shares are close to the reference."
        )
    return f"{band} bias", (
        f"{band.capitalize()} sampling bias in '{group}'{where}: Cohen's w = {w:.3f}, {_fmt_p(p_value)}. "
        "Reweight (post-stratification) or resample before training, or collect more rows of the missing groups."
    )


def intersection_representation(
    df: pd.DataFrame,
    *,
    groups: tuple[str, str],
    reference: pd.DataFrame | None = None,
    margins: Mapping[str, Mapping[Any, float] | ReferenceShares] | None = None,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasResult:
    """Representation of the cells of two group columns (e.g. region x age band).

    The expected share of a cell comes from the joint distribution in a
    ``reference`` dataset holding both columns; failing that, from the product
    of the two margins (independence assumed, said in a note). A margin not
    given in ``margins`` is the sample's own margin (also said).

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "x", "y", "y"] * 25, "b": ["u", "v", "u", "u"] * 25})
    >>> r = intersection_representation(df, groups=("a", "b"), margins={"a": {"x": .5, "y": .5}, "b": {"u": .5, "v": .5}})
    >>> [g.value for g in r.groups], r.groups[0].expected_share
    (['x × u', 'x × v', 'y × u', 'y × v'], 0.25)
    """
    a, b = groups
    if a == b:
        raise GroupColumnError(f"Pick two different group columns; both are '{a}'.", column=a)
    la, lb = _validate_group(df, a), _validate_group(df, b)
    both = la.notna() & lb.notna()
    cells = (la[both] + " × " + lb[both]).value_counts(sort=False)
    counts = {str(k): int(v) for k, v in cells.items()}
    notes: list[str] = []
    if reference is not None and a in reference.columns and b in reference.columns:
        ra, rb = group_labels(reference[a]), group_labels(reference[b])
        ok = ra.notna() & rb.notna()
        joint = (ra[ok] + " × " + rb[ok]).value_counts(sort=False)
        ref = _normalize({str(k): float(v) for k, v in joint.items()}, f"{a} × {b}", "joint distribution in the reference file", [], quiet_sum=True)
        notes.append(f"Expected cell shares are the joint distribution of '{a}' and '{b}' in the reference file.")
    else:
        margins = dict(margins or {})
        shares = {}
        for col, labels in ((a, la), (b, lb)):
            if col in margins:
                shares[col] = reference_shares(margins[col], group=col).shares
            else:
                vc = labels.dropna().value_counts(normalize=True, sort=False)
                shares[col] = {str(k): float(v) for k, v in vc.items()}
                notes.append(f"No reference shares for '{col}': its margin is the sample's own distribution.")
        joint = {f"{va} × {vb}": sa * sb for va, sa in shares[a].items() for vb, sb in shares[b].items()}
        ref = ReferenceShares(f"{a} × {b}", joint, "product of the margins")
        notes.insert(0, (
            f"No joint reference for '{a}' × '{b}': expected cell shares are the product of the two margins, "
            "which assumes the two columns are independent in the population."
        ))
    return _compare(
        counts,
        ref,
        group=f"{a} × {b}",
        n_missing=int((~both).sum()),
        tolerance=tolerance,
        alpha=alpha,
        extra_notes=tuple(notes),
    )


# --- inside the sample ---------------------------------------------------------
def label_by_group(df: pd.DataFrame, *, group: str, target: str) -> LabelByGroup:
    """Class distribution within each group, chi-square test of independence and adjusted residuals.

    The test is ``scipy.stats.chi2_contingency(table, correction=False)``
    (Pearson's statistic, no Yates correction, so it agrees with the residuals).

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50, "y": [1] * 40 + [0] * 10 + [1] * 10 + [0] * 40})
    >>> r = label_by_group(df, group="g", target="y")
    >>> round(r.chi_square.statistic, 3), round(float(r.residuals.loc["a", "1"]), 3)
    (36.0, 6.0)
    """
    labels = _validate_group(df, group)
    require_column(df.columns, target, role="target column")
    if group == target:
        raise GroupColumnError(f"The group column and the target are both '{group}'; pick two different columns.")
    classes = group_labels(df[target])
    ok = labels.notna() & classes.notna()
    n_dropped = int((~ok).sum())
    table = pd.crosstab(labels[ok], classes[ok])
    table.index.name, table.columns.name = group, target
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise GroupColumnError(
            f"Label rates by group need at least 2 groups and 2 classes with rows; '{group}' has "
            f"{table.shape[0]} and '{target}' has {table.shape[1]}.",
            column=group,
        )
    obs = table.to_numpy(dtype=float)
    res = stats.chi2_contingency(obs, correction=False)
    expected = np.asarray(res.expected_freq)
    n = obs.sum()
    row = obs.sum(axis=1, keepdims=True) / n
    col = obs.sum(axis=0, keepdims=True) / n
    adj = (obs - expected) / np.sqrt(expected * (1 - row) * (1 - col))
    cramers_v = math.sqrt(res.statistic / (n * (min(obs.shape) - 1)))
    band = _effect_band(cramers_v)
    strongest = np.unravel_index(np.argmax(np.abs(adj)), adj.shape)
    g, c = table.index[strongest[0]], table.columns[strongest[1]]
    if res.pvalue >= 0.05:
        text = f"The class distribution does not differ detectably between the groups of '{group}' ({_fmt_p(res.pvalue)})."
    else:
        text = (
            f"The class distribution depends on '{group}' ({_fmt_p(res.pvalue)}, Cramér's V = {cramers_v:.3f}, "
            f"{band}). Most unusual cell: '{target}' = {c} in '{g}' (adjusted residual {adj[strongest]:+.1f})."
        )
    frame = lambda a: pd.DataFrame(a, index=table.index, columns=table.columns)  # noqa: E731
    return LabelByGroup(
        group=group,
        target=target,
        counts=table.astype(int),
        expected=frame(expected),
        residuals=frame(adj),
        chi_square=ChiSquare(float(res.statistic), float(res.pvalue), int(res.dof)),
        cramers_v=float(cramers_v),
        n=int(n),
        n_dropped=n_dropped,
        verdict_text=text,
    )


def missingness_by_group(
    df: pd.DataFrame,
    *,
    group: str,
    columns: list[str] | None = None,
    alpha: float = 0.05,
    min_gap: float = 0.02,
) -> MissingByGroup:
    """Share of missing values of each column within each group (see :class:`MissingByGroup`).

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "x": [1, None, None, 4, 5, 6, 7, 8]})
    >>> missingness_by_group(df, group="g").shares["x"].to_dict()
    {'a': 0.5, 'b': 0.0}
    """
    from statsmodels.stats.multitest import multipletests

    labels = _validate_group(df, group)
    cols = [c for c in (columns if columns is not None else df.columns) if c != group]
    for c in cols:
        require_column(df.columns, c)
    key = labels.fillna(_MISSING_LABEL)
    missing = df[cols].isna()
    shares = missing.groupby(key.to_numpy(), sort=True).mean()
    shares.index.name = group
    rows = []
    for c in cols:
        m = missing[c]
        if not m.any():
            continue
        table = pd.crosstab(key, m).to_numpy(dtype=float)
        if table.shape[0] >= 2 and table.shape[1] == 2:
            res = stats.chi2_contingency(table, correction=False)
            p = float(res.pvalue)
        else:
            p = 1.0
        rows.append(
            {
                "column": str(c),
                "missing": int(m.sum()),
                "share": float(m.mean()),
                "lowest_group_share": float(shares[c].min()),
                "highest_group_share": float(shares[c].max()),
                "p_value": p,
            }
        )
    tests = pd.DataFrame(rows, columns=["column", "missing", "share", "lowest_group_share", "highest_group_share", "p_value"])
    if len(tests):
        tests["p_adjusted"] = multipletests(tests["p_value"].to_numpy(), alpha=alpha, method="fdr_bh")[1]
        gap = tests["highest_group_share"] - tests["lowest_group_share"]
        tests["flagged"] = (tests["p_adjusted"] < alpha) & (gap >= min_gap)
    else:
        tests["p_adjusted"] = pd.Series(dtype=float)
        tests["flagged"] = pd.Series(dtype=bool)
    with_missing = [c for c in cols if missing[c].any()]
    return MissingByGroup(group=group, shares=shares[with_missing], tests=tests, alpha=alpha, min_gap=min_gap)


def bias_report(
    df: pd.DataFrame,
    *,
    group: str,
    reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares,
    target: str | None = None,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasReport:
    """Representation against the reference, label rates by group (with a target) and missingness by group.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 60 + ["b"] * 40, "y": [0, 1] * 50})
    >>> rep = bias_report(df, group="g", reference={"a": 0.5, "b": 0.5}, target="y")
    >>> sorted(rep.to_dict())[:4]
    ['alpha', 'chi_square', 'cohens_w', 'cramers_v']
    """
    rep = representation(df, group=group, reference=reference, tolerance=tolerance, alpha=alpha)
    lbg = label_by_group(df, group=group, target=target) if target is not None else None
    return BiasReport(rep, lbg, missingness_by_group(df, group=group, alpha=alpha))
