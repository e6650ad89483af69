"""Helpers the sampling modules share: group labels, the group-column check, intervals, PSI, p-value text.

Only the modules of :mod:`analysis.sampling` import this file; the public
names among these are re-exported by the package.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..candidates import MAX_GROUPS
from ..errors import GroupColumnError, TooManyGroupsError, require_column
from ..export import SafeCsv, provenance, to_csv_bytes
from ..wording import count_noun

#: Share that replaces an empty bin in the PSI (see :func:`psi`).
PSI_EPSILON = 1e-4
#: Lower bounds of Cohen's (1988) bands for w (and Cramér's V).
EFFECT_BANDS: dict[str, float] = {"small": 0.1, "moderate": 0.3, "large": 0.5}


def group_labels(series: pd.Series) -> pd.Series:
    """The values of a group column as text (NA stays NA): 1.0 and 1 both read "1", so typed shares match."""
    values = series
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if len(finite) and bool((finite % 1 == 0).all()):
            values = values.astype("Int64")
    out = values.astype("string")
    return out.str.strip()


def label_text(value: Any) -> str:
    """One value as group-label text: a whole float reads as an integer ("1.0" -> "1"), stripped.

    NumPy scalars are read as the Python value they hold, so a message never shows ``np.int64(24)``.

    >>> label_text(np.int64(24)), label_text(np.float64(3.0)), label_text(" a ")
    ('24', '3', 'a')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def quoted(values: Any) -> str:
    """Values as quoted label text for a message: ``'24', 'north'`` (never a numpy repr).

    >>> quoted([np.int64(24), "north", 2.0])
    "'24', 'north', '2'"
    """
    return ", ".join(f"'{label_text(v)}'" for v in values)


def validate_group(df: pd.DataFrame, group: str) -> pd.Series:
    """The labels of ``group`` after checking it can serve as a group column (1 to ``MAX_GROUPS`` values)."""
    require_column(list(df.columns), group, role="group column")
    labels = group_labels(df[group])
    check_group_labels(labels, group=group, n_rows=len(df))
    return labels


def check_group_labels(labels: pd.Series, *, group: str, n_rows: int) -> None:
    """Refuse a group column with no values or more than ``MAX_GROUPS`` (``labels``: its text labels,
    repeats allowed; :mod:`analysis.engines` passes the distinct values its ``GROUP BY`` found)."""
    n_unique = int(labels.nunique(dropna=True))
    if n_unique == 0:
        raise GroupColumnError(
            f"The group column '{group}' has no values (all {count_noun(n_rows, 'row')} are empty). Pick another column.",
            column=group,
        )
    if n_unique > MAX_GROUPS:
        raise TooManyGroupsError(
            f"The group column '{group}' has {n_unique:,} distinct values; a group column needs at most "
            f"{MAX_GROUPS} (e.g. region, age band, device). Pick a categorical column, or bin this one "
            "into bands first.",
            column=group,
        )


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


def fmt_p(p: float) -> str:
    """``p = 0.0123``, or ``p < 1e-16`` where floating point cannot tell it from 0.

    >>> fmt_p(0.01234), fmt_p(0.0)
    ('p = 0.0123', 'p < 1e-16')
    """
    return "p < 1e-16" if p < 1e-16 else f"p = {p:.3g}"


def band_of(value: float, bands: dict[str, float], below: str) -> str:
    """The name of the highest band whose lower bound ``value`` reaches (``bands`` ascending), else ``below``.

    >>> band_of(0.35, EFFECT_BANDS, "negligible"), band_of(0.05, EFFECT_BANDS, "negligible")
    ('moderate', 'negligible')
    """
    band = below
    for name, lower in bands.items():
        if value >= lower:
            band = name
    return band


def effect_band(w: float) -> str:
    """Cohen's (1988) band of an effect size w (or Cramér's V): negligible, small, moderate or large."""
    return band_of(w, EFFECT_BANDS, "negligible")


def largest_remainder(n: int, q: np.ndarray) -> np.ndarray:
    """Integer sizes n * q (q sums to 1) rounded by largest remainder, so they sum to n."""
    raw = n * q
    sizes = np.floor(raw).astype(int)
    short = n - int(sizes.sum())
    if short > 0:
        order = np.argsort(-(raw - sizes), kind="stable")
        sizes[order[:short]] += 1
    return sizes


def csv_with_recipe(
    df: pd.DataFrame,
    out: pd.DataFrame,
    *,
    source_name: str,
    source_sha256: str,
    protect_formulas: bool,
    fix: str,
    source: Any = None,
    rows: np.ndarray | None = None,
    **settings: Any,
) -> tuple[SafeCsv, bytes]:
    """The fixed data ``out`` as formula-safe CSV bytes, and the recipe JSON that says how it was made.

    ``source`` (the uploaded :class:`~analysis.io.Dataset`) and ``rows`` (its row behind
    each row of ``out``) make original rows carry the uploaded text exactly.
    """
    safe = to_csv_bytes(out, protect_formulas=protect_formulas, source=source, rows=rows)
    recipe = provenance(
        source_name=source_name,
        source_sha256=source_sha256,
        rows_in=len(df),
        rows_out=len(out),
        steps=getattr(source, "steps", ()),  # e.g. tokens read as missing after reading the file
        fix=fix,
        **settings,
        formula_protection={"on": protect_formulas, "cells": safe.protected_cells, "columns": list(safe.protected_columns)},
    )
    return safe, json.dumps(recipe, indent=2, allow_nan=False, default=str).encode("utf-8")
