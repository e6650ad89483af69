"""Near-duplicate rows and conflicting near-duplicates (near-equal features, different label).

The rows are grouped by :func:`analysis.overview.near_groups.near_groups`
(normalised equality, then nearest neighbours within cleanlab's radius) over
the feature columns: every column but the target and identifier columns
(identifiers differ between otherwise identical records).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import require_column
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity, json_float, json_label
from ..schema import Role, Schema, infer_schema
from ..wording import count_noun, verb
from ._hashing import row_hashes
from .near_groups import DEFAULT_NEAR, NearDuplicateSettings, NearGroups, near_groups

__all__ = ["NearDuplicateSummary", "near_duplicate_summary", "near_duplicate_key_columns"]

#: Groups listed in ``to_dict()`` (largest and conflicting first) and row positions listed per group.
MAX_GROUPS_LISTED = 100
MAX_ROWS_LISTED = 20


@dataclass(frozen=True, eq=False)
class NearDuplicateSummary(ResultMixin):
    """Near-duplicate groups of a table for one target.

    ``normalised_groups`` counts groups of two or more rows equal after
    normalisation (exact duplicates included) and ``normalised_rows`` the rows
    in them; ``normalised_only_rows`` the rows that repeat an earlier row after
    normalisation but not exactly (they differ only in case, spacing,
    punctuation or digits beyond the stated precision). ``knn_pairs`` counts
    nearest-neighbour pairs within the radius; ``groups`` and ``rows`` count the
    final groups (both relations, transitively) of two or more rows.
    ``conflicting_groups``/``conflicting_rows``: groups whose rows carry more
    than one label (missing labels ignored), exact conflicts included.

    Verdict: ``none`` (ok), ``near_duplicates`` (info), ``conflicts`` (warning).
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"none": "ok", "near_duplicates": "info", "conflicts": "warning"}

    settings: NearDuplicateSettings
    columns: tuple[str, ...]
    normalised_groups: int
    normalised_rows: int
    normalised_only_rows: int
    knn_pairs: int
    groups: int
    rows: int
    conflicting_groups: int
    conflicting_rows: int
    group_table: pd.DataFrame = field(repr=False)
    near: NearGroups = field(repr=False)
    verdict: str = "none"
    verdict_text: str = "No near-duplicate rows."
    notes: tuple[str, ...] = ()

    @property
    def ids(self) -> np.ndarray:
        """The near-duplicate group of every row (singletons are groups of their own)."""
        return self.near.ids

    def to_frame(self) -> pd.DataFrame:
        """One line per group of two or more rows: kind, size, row positions, labels, conflicting."""
        return self.group_table

    def in_source_positions(self, positions: np.ndarray) -> NearDuplicateSummary:
        """The same groups with each listed row given as ``positions[row]``: for a summary computed
        on a sample, ``positions`` holds the sampled rows' positions in the whole table."""
        table = self.group_table.copy()
        if len(table):
            table["row_positions"] = [tuple(int(positions[r]) for r in rows) for rows in table["row_positions"]]
            table["rows"] = [_rows_text(r) for r in table["row_positions"]]
        return dataclasses.replace(self, group_table=table)

    def to_dict(self) -> dict[str, Any]:
        s, g = self.settings, self.near
        listed = self.group_table.head(MAX_GROUPS_LISTED)
        return {
            "columns": list(self.columns),
            "significant_digits": s.significant_digits,
            "threshold": s.threshold,
            "k": s.k,
            "knn_columns": list(g.knn_columns),
            "knn_exact_columns": list(g.exact_columns),
            "median_nn_distance": json_float(g.median_nn_distance),
            "radius": json_float(g.radius),
            "knn_rows_searched": g.knn_rows_searched,
            "knn_sampled": g.knn_sampled,
            "normalised_groups": self.normalised_groups,
            "normalised_rows": self.normalised_rows,
            "normalised_only_rows": self.normalised_only_rows,
            "knn_pairs": self.knn_pairs,
            "groups": self.groups,
            "rows": self.rows,
            "conflicting_groups": self.conflicting_groups,
            "conflicting_rows": self.conflicting_rows,
            "group_list": [
                {
                    "group": int(r["group"]), "kind": r["kind"], "size": int(r["size"]),
                    "rows": [int(i) for i in r["row_positions"][:MAX_ROWS_LISTED]],
                    "labels": [json_label(v) for v in r["label_values"]], "conflicting": bool(r["conflicting"]),
                }
                for r in listed.to_dict("records")
            ],
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
        }


def near_duplicate_key_columns(df: pd.DataFrame, *, target: str, schema: Schema | None = None) -> list[str]:
    """The columns that define a row's identity: all but the target and identifier columns."""
    schema = schema if schema is not None else infer_schema(df.drop(columns=[target]))
    ids = {c.name for c in schema.columns if c.role is Role.IDENTIFIER}
    return [c for c in df.columns if c != target and c not in ids]


@takes_table("df")
def near_duplicate_summary(
    df: pd.DataFrame, *, target: str, settings: NearDuplicateSettings = DEFAULT_NEAR,
    schema: Schema | None = None, columns: Sequence[str] | None = None, exact_repeats: int | None = None,
) -> NearDuplicateSummary:
    """Find near-duplicate rows and conflicting near-duplicates.

    Parameters
    ----------
    df : DataFrame
    target : str
        The label column (not a feature).
    settings : NearDuplicateSettings
        The rounding precision, the kNN radius (relative to the median
        nearest-neighbour distance) and the kNN sample size.
    schema : Schema, optional
        Reuse an inferred schema (its identifier columns are left out).
    columns : column names, optional
        The feature columns (default: :func:`near_duplicate_key_columns`).
    exact_repeats : int, optional
        ``df[columns].duplicated().sum()`` when already counted (the overview takes it from its
        duplicate count when the columns are every column but the target); counted here otherwise.

    Raises
    ------
    ColumnNotFoundError

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["Great value", "great  VALUE!", "Awful", "Fine", "meh"],
    ...                    "y": ["pos", "neg", "neg", "pos", "neg"]})
    >>> s = near_duplicate_summary(df, target="y")
    >>> s.normalised_groups, s.normalised_only_rows, s.conflicting_rows, s.verdict
    (1, 1, 2, 'conflicts')
    """
    require_column(df.columns, target, role="target column")
    cols = list(columns) if columns is not None else near_duplicate_key_columns(df, target=target, schema=schema)
    g = near_groups(df[cols], settings) if cols else _no_features(len(df))
    return _summary(df, target, settings, cols, g, exact_repeats)


def _summary(
    df: pd.DataFrame, target: str, settings: NearDuplicateSettings, cols: list[str], g: NearGroups,
    exact_repeats: int | None,
) -> NearDuplicateSummary:
    """:func:`near_duplicate_summary` from the groups of ``df[cols]`` (the overview finds them first)."""
    n = len(df)
    features = df[cols]
    norm_sizes = np.bincount(g.normalised, minlength=1) if n else np.zeros(0, dtype=np.int64)
    normalised_groups = int((norm_sizes > 1).sum())
    normalised_rows = int(norm_sizes[norm_sizes > 1].sum())
    if exact_repeats is None:
        exact_repeats = _exact_repeats(features) if cols and n else 0
    normalised_repeats = normalised_rows - normalised_groups
    normalised_only = max(normalised_repeats - exact_repeats, 0)
    table = _group_table(g, df[target])
    conflicting = table[table["conflicting"]]
    notes = []
    if g.knn_sampled:
        notes.append(
            f"The nearest-neighbour pass searched a random sample of {g.knn_rows_searched:,} distinct rows "
            f"(seed {settings.seed}): near-duplicate pairs outside the sample are not counted."
        )
    if g.exact_columns:
        named = ", ".join(f"'{c}'" for c in g.exact_columns[:5])
        more = f" and {len(g.exact_columns) - 5} more" if len(g.exact_columns) > 5 else ""
        notes.append(
            f"{count_noun(len(g.exact_columns), 'column')} of free text or many categories ({named}{more}) "
            f"{verb(len(g.exact_columns), 'is', 'are')} compared after normalisation, "
            "not by distance: rows must match there for a nearest-neighbour pair to count."
        )
    if not cols:
        notes.append("No feature columns besides the target and identifiers: nothing to compare.")
    summary = NearDuplicateSummary(
        settings=settings, columns=tuple(map(str, cols)), normalised_groups=normalised_groups,
        normalised_rows=normalised_rows, normalised_only_rows=normalised_only, knn_pairs=int(len(g.knn_pairs)),
        groups=int(len(table)), rows=int(table["size"].sum()) if len(table) else 0,
        conflicting_groups=int(len(conflicting)), conflicting_rows=int(conflicting["labelled"].sum()),
        group_table=table, near=g, notes=tuple(notes),
    )
    return _with_verdict(summary)


def _exact_repeats(features: pd.DataFrame) -> int:
    """``features.duplicated().sum()``, about 5x faster on large tables: every row is hashed once and only
    rows whose hash repeats are compared (equal rows hash equally, so none is missed), as report's duplicates."""
    hashes = row_hashes([features.iloc[:, i] for i in range(features.shape[1])], len(features))
    candidates = np.flatnonzero(pd.Series(hashes).duplicated(keep=False).to_numpy())
    return int(features.iloc[candidates].duplicated().sum()) if len(candidates) else 0


def _no_features(n: int) -> NearGroups:
    ids = np.arange(n, dtype=np.int64)
    return NearGroups(ids, ids, np.empty((0, 2), np.int64), (), (), None, None, 0, False)


def _rows_text(rows: tuple[int, ...]) -> str:
    return ", ".join(map(str, rows[:MAX_ROWS_LISTED])) + (" …" if len(rows) > MAX_ROWS_LISTED else "")


def _group_table(g: NearGroups, labels: pd.Series) -> pd.DataFrame:
    """One line per group of two or more rows, conflicting and large groups first (then by group id).

    Column-wise, with no per-group pandas call: a table with a hundred thousand groups takes a second, not minutes.
    """
    cols = ["group", "kind", "size", "labelled", "row_positions", "label_values", "conflicting", "rows", "labels"]
    if not len(g.ids):
        return pd.DataFrame({c: [] for c in cols})
    sizes = np.bincount(g.ids)
    if not (sizes > 1).any():
        return pd.DataFrame({c: [] for c in cols}).astype({"size": np.int64, "conflicting": bool})
    in_multi = np.flatnonzero(sizes[g.ids] > 1)
    order = np.argsort(g.ids[in_multi], kind="stable")  # by group, rows ascending within each
    rows, gid = in_multi[order], g.ids[in_multi][order]
    starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    ends = np.r_[starts[1:], len(gid)]
    values = labels.iloc[rows].to_numpy(dtype=object)
    present = pd.notna(values)
    labelled = np.add.reduceat(present.astype(np.int64), starts)
    # distinct normalised codes per group: one means the rows are equal after normalisation
    codes = pd.DataFrame({"g": gid, "n": g.normalised[rows]}).drop_duplicates()
    n_codes = np.bincount(np.searchsorted(gid[starts], codes["g"].to_numpy()), minlength=len(starts))
    # each group's distinct labels in order of first appearance (pandas' equality, as pd.unique)
    firsts = pd.DataFrame({"g": gid[present], "v": values[present]}).drop_duplicates()
    where = np.searchsorted(gid[starts], firsts["g"].to_numpy())
    n_values = np.bincount(where, minlength=len(starts))
    label_values = np.split(firsts["v"].to_numpy(dtype=object), np.cumsum(n_values)[:-1])
    table = pd.DataFrame({
        "group": 0,
        "kind": np.where(n_codes == 1, "normalised", "nearest neighbours"),
        "size": (ends - starts).astype(np.int64),
        "labelled": labelled.astype(np.int64),
        "row_positions": [tuple(int(r) for r in rows[a:b]) for a, b in zip(starts, ends)],
        "label_values": [tuple(v) for v in label_values],
        "conflicting": n_values > 1,
    })
    table = table.sort_values(["conflicting", "size"], ascending=[False, False], kind="stable")
    table["group"] = np.arange(len(table))  # numbered in display order
    table["rows"] = [_rows_text(r) for r in table["row_positions"]]
    table["labels"] = [", ".join(map(str, v)) for v in table["label_values"]]
    return table.reset_index(drop=True)[cols]


def _with_verdict(s: NearDuplicateSummary) -> NearDuplicateSummary:
    from dataclasses import replace

    if s.conflicting_groups:
        verdict = "conflicts"
        text = (
            f"Conflicting near duplicates: {count_noun(s.conflicting_rows, 'row')} in "
            f"{count_noun(s.conflicting_groups, 'group')} have "
            "(nearly) the same features as a row of another label. At least one label of each group is likely "
            "wrong, or a feature that tells them apart is missing."
        )
    elif s.groups:
        verdict = "near_duplicates"
        text = (
            f"Near duplicates: {count_noun(s.rows, 'row')} fall in {count_noun(s.groups, 'group')} of (nearly) "
            "equal rows"
            + (f", {s.normalised_only_rows:,} of them differing from an earlier row only in case, spacing, "
               f"punctuation or digits beyond the {s.settings.significant_digits}th significant one"
               if s.normalised_only_rows else "")
            + ". Every split this product makes keeps each group on one side; drop or merge them if the "
            "repetition is not real."
        )
    else:
        return s
    return replace(s, verdict=verdict, verdict_text=text)
