"""Stratified resampling of a biased sample towards reference shares, and the resampled CSV.

Draw rows per group so that the new file's group shares follow the reference.
Without replacement (the default) the largest possible file is limited by the
most under-represented group; upsampling with replacement happens only when
asked, and the recipe says so. Rows whose group value has no reference share
(or is missing) are left out, and a note says how many.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ReferenceSharesError
from ..export import SafeCsv
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from ..wording import count_noun, verb
from ._common import csv_with_recipe, largest_remainder, quoted, validate_group
from .reference import ReferenceShares, reference_shares

__all__ = ["Resample", "resample_csv", "stratified_resample"]


@dataclass(frozen=True, eq=False)
class Resample(ResultMixin):
    """A stratified resample: the new rows (positions into the original frame) and per-group counts.

    ``table``: per group ``rows_before``, ``sample_share`` (among the groups
    kept), ``rows_after``, ``target_share``, ``how`` and ``after_share``.
    The verdict is ``resampled`` (ok): the group shares follow the reference by construction.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"resampled": "ok"}

    group: str
    positions: np.ndarray
    table: pd.DataFrame
    replace: bool
    seed: int
    notes: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "resampled"

    @property
    def verdict_text(self) -> str:
        how = "with replacement" if self.replace else "without replacement"
        return f"{count_noun(len(self.positions), 'row')} drawn {how} so the shares of '{self.group}' follow the reference."

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        return df.iloc[self.positions].reset_index(drop=True)

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "rows": int(len(self.positions)),
            "replace": self.replace,
            "seed": self.seed,
            "groups": self.table.to_dict(orient="records"),
            "notes": list(self.notes),
        }



@takes_table("df")
def stratified_resample(
    df: pd.DataFrame,
    *,
    group: str,
    reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares,
    n: int | None = None,
    replace: bool = False,
    seed: int = 0,
) -> Resample:
    """Draw rows per group so the group shares follow the reference.

    Without ``replace``, over-represented groups are downsampled and the file
    has at most min_g(count_g / q_g) rows (the default ``n``). With
    ``replace=True`` (default ``n`` = all rows kept), a group needing more
    rows than it has keeps every row once and draws the rest with replacement.
    Group sizes are n * q_g rounded by largest remainder, so they sum to n.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 6 + ["b"] * 2})
    >>> rs = stratified_resample(df, group="g", reference={"a": 0.5, "b": 0.5})
    >>> rs.apply(df)["g"].value_counts().to_dict()
    {'a': 2, 'b': 2}
    """
    labels = validate_group(df, group)
    shares = reference_shares(reference, group=group)
    counts = labels.value_counts()
    present = [v for v in shares.shares if counts.get(v, 0) > 0 and shares.shares[v] > 0]
    notes = list(shares.notes)
    lost = [v for v in shares.shares if v not in present and shares.shares[v] > 0]
    if lost:
        notes.append(f"No row has '{group}' = {quoted(lost)}: left out; other shares renormalized.")
    if not present:
        raise ReferenceSharesError(f"No group of '{group}' with a positive reference share has rows.", column=group)
    q = np.array([shares.shares[v] for v in present], dtype=float)
    q /= q.sum()
    have = np.array([int(counts[v]) for v in present])
    n_max = int(math.floor(float(np.min(have / q)) + 1e-9))
    if n is None:
        n = int(labels.isin(present).sum()) if replace else n_max
    if n < 1:
        raise ReferenceSharesError(f"The resample needs at least 1 row; got n = {n}.")
    if not replace and n > n_max:
        limiting = present[int(np.argmin(have / q))]
        raise ReferenceSharesError(
            f"Without replacement at most {count_noun(n_max, 'row')} can follow the reference shares ('{limiting}' has only "
            f"{count_noun(counts[limiting], 'row')} for its share of {shares.shares[limiting]:.1%}); asked for {n:,}. "
            "Ask for fewer rows, or allow upsampling with replacement."
        )
    sizes = largest_remainder(n, q)
    rng = np.random.default_rng(seed)
    positions = []
    codes = labels.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    rows: list[dict[str, Any]] = []
    for v, size, count, share in zip(present, sizes, have, q):
        idx = np.flatnonzero(codes == v)
        if size <= count:
            chosen = rng.choice(idx, size=size, replace=False)
            how = "downsampled" if size < count else "all rows"
        else:
            chosen = np.concatenate([idx, rng.choice(idx, size=size - count, replace=True)])
            how = "upsampled with replacement"
        positions.append(chosen)
        rows.append({"value": v, "rows_before": int(count), "rows_after": int(size), "target_share": float(share), "how": how})
    dropped = int((~labels.isin(present).fillna(False)).sum())
    if dropped:
        notes.append(f"{count_noun(dropped, 'row')} whose '{group}' value has no reference share (or is missing) {verb(dropped, 'is', 'are')} left out.")
    pos = np.sort(np.concatenate(positions))
    table = pd.DataFrame(rows)
    table.insert(2, "sample_share", table["rows_before"] / table["rows_before"].sum())
    table["after_share"] = table["rows_after"] / table["rows_after"].sum()
    if replace and any(r["how"].startswith("upsampled") for r in rows):
        notes.append("Some groups were upsampled with replacement: their rows repeat in the file, as asked.")
    return Resample(group=group, positions=pos, table=table, replace=replace, seed=seed, notes=tuple(notes))


def resample_csv(
    df: pd.DataFrame,
    rs: Resample,
    *,
    source_name: str,
    source_sha256: str,
    protect_formulas: bool = True,
    source: Any = None,
) -> tuple[SafeCsv, bytes]:
    """CSV of the resampled rows (original columns only) and the recipe JSON (UTF-8 bytes).

    With ``source`` (the uploaded Dataset ``df`` is the frame of) rows carry the uploaded text.
    """
    return csv_with_recipe(
        df,
        rs.apply(df),
        source_name=source_name,
        source_sha256=source_sha256,
        protect_formulas=protect_formulas,
        source=source,
        rows=rs.positions,
        fix="stratified resample",
        upsampling_with_replacement=rs.replace,
        resample=rs.to_dict(),
    )
