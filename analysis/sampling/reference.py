"""Reference shares: the expected share of each group value, typed, read from a value,share table or a dataset.

:class:`ReferenceShares` is also the typed, hashable setting the dashboard
passes to its cached wrappers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..candidates import MAX_GROUPS
from ..errors import ReferenceSharesError, format_columns
from ..wording import count_noun
from ._common import group_labels, label_text, validate_group

__all__ = ["ReferenceShares", "observed_shares", "parse_expected", "reference_shares"]

_SHARE_TOL = 1e-6
#: The most a sum of rounded shares may miss 1 and still be normalized without a note.
_ROUNDING_MAX = 0.01


def rounding_tolerance(shares: Mapping[Any, float]) -> float:
    """How far from 1 shares typed to their number of decimals may sum by rounding alone.

    Each share rounded to d decimals is off by at most half a unit of the d-th
    decimal, so k shares may miss 1 by k * 0.5 * 10**-d (capped at 0.01: a
    larger gap is not rounding). 0.3333 * 3 = 0.9999 and 0.33 * 3 = 0.99 are
    rounding; 0.5 + 0.3 = 0.8 is not.

    >>> rounding_tolerance({"a": 0.3333, "b": 0.3333, "c": 0.3333}), rounding_tolerance({"a": 0.5, "b": 0.3})
    (0.00015, 0.01)
    """
    decimals = 0
    for value in shares.values():
        text = repr(float(value))
        if "e" in text or "E" in text:
            mantissa, _, exponent = text.lower().partition("e")
            digits = len(mantissa.partition(".")[2].rstrip("0")) - int(exponent)
        else:
            digits = len(text.partition(".")[2].rstrip("0"))
        decimals = max(decimals, digits)
    return round(min(_ROUNDING_MAX, max(_SHARE_TOL, len(shares) * 0.5 * 10.0**-decimals)), 12)


@dataclass(frozen=True)
class ReferenceShares:
    """Expected shares of the values of one column, normalized to sum to 1.

    Frozen and hashable (on its column, shares in order, source and notes), so
    it can key a cache; ``shares`` is a private copy of the mapping given.

    >>> a = ReferenceShares("g", {"x": 0.5, "y": 0.5}, "typed shares")
    >>> a == ReferenceShares("g", {"x": 0.5, "y": 0.5}, "typed shares") and hash(a) == hash(ReferenceShares("g", {"x": 0.5, "y": 0.5}, "typed shares"))
    True
    """

    column: str
    shares: dict[str, float]
    source: str
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "shares", dict(self.shares))
        object.__setattr__(self, "notes", tuple(self.notes))

    def __hash__(self) -> int:
        return hash((self.column, tuple(self.shares.items()), self.source, self.notes))

    def to_dict(self) -> dict:
        return {"column": self.column, "shares": dict(self.shares), "source": self.source, "notes": list(self.notes)}


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
    raw = {label_text(k): v for k, v in dict(reference).items()}
    return normalize_shares(raw, group, source or "typed shares", [])


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
            return normalize_shares(raw, group, f"{source} (value,share table)", notes)
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
    notes = [f"Expected shares are the distribution of '{group}' in the {source} ({count_noun(len(labels), 'row')})."]
    return normalize_shares(raw, group, f"distribution of '{group}' in the {source}", notes, quiet_sum=True)


def normalize_shares(
    raw: dict[str, Any], group: str, source: str, notes: list[str], *, quiet_sum: bool = False
) -> ReferenceShares:
    """Check raw shares (numbers >= 0, a positive total, at most ``MAX_GROUPS``) and divide them by their sum."""
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
    # Shares that miss 1 by rounding only (0.9999) are normalized silently; a larger gap gets a note.
    if abs(total - 1.0) > rounding_tolerance(clean) and not quiet_sum:
        notes.append(f"The expected shares of {group} sum to {total:g}, not 1; they were divided by {total:g}.")
    shares = {k: v / total for k, v in clean.items()}
    return ReferenceShares(column=group, shares=shares, source=source, notes=tuple(notes))


def observed_shares(df: pd.DataFrame, *, group: str) -> dict[str, float]:
    """Shares of the values of ``group`` (missing left out), largest first; to pre-fill a shares editor.

    Examples
    --------
    >>> observed_shares(pd.DataFrame({"g": ["b", "a", "b", None]}), group="g")
    {'b': 0.6666666666666666, 'a': 0.3333333333333333}
    """
    labels = validate_group(df, group).dropna()
    counts = labels.value_counts()
    return {str(k): float(v) / len(labels) for k, v in counts.items()}
