"""The LF vote matrix: LF columns (or applied LFs) encoded as integer class codes.

Each labeling function votes one label per item or abstains. :func:`lf_matrix`
checks LF columns of a table and :func:`encode_votes` (shared with the
declarative LFs of :mod:`analysis.weak.lfs`) turns vote columns into the
``items x LFs`` matrix of class codes (``-1`` = abstain) that the statistics
(:mod:`analysis.weak.summary`) and the label model (:mod:`analysis.weak.model`) read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import (
    AbstainOnlyError,
    GoldLabelError,
    LFLabelError,
    WeakSupervisionError,
    format_columns,
    require_column,
)
from ..wording import verb

__all__ = ["DEFAULT_ABSTAIN", "LFMatrix", "canon", "check_lf_columns", "encode_votes", "lf_matrix", "patterns", "sort_key", "wmean", "wsum"]

#: Value of an LF column meaning "no vote" (empty cells abstain too).
DEFAULT_ABSTAIN = -1
_MAX_CLASSES = 100


@dataclass(frozen=True, eq=False)
class LFMatrix:
    """LF votes as integer codes, ready for the statistics and the label model.

    Attributes
    ----------
    names : tuple of str
        LF names (column names), one per column of ``votes``.
    labels : tuple
        The classes; code ``k`` in ``votes`` means ``labels[k]``.
    votes : ndarray of int8, shape (n_items, n_lfs)
        Class codes, ``-1`` = abstain.
    abstain : object
        The value that means "abstain" in the input (written where no LF fired).
    gold : ndarray of int, optional
        Gold class codes (``-1`` where unknown), from ``gold_column``.
    silent : tuple of str
        LFs that abstain on every item.
    counts : ndarray of int64, optional
        Items per row: the rows are then the distinct vote patterns (with their gold code and held-out half)
        and their counts, what the DuckDB/Spark engines collect (:mod:`analysis.engines.weak`). ``None``: one
        item per row. Every statistic weights its sums by it (:func:`wsum`, :func:`wmean`).
    split : ndarray of int8, optional
        With ``counts`` and gold: the held-out half of each pattern's gold rows (0 no gold, 1 anchor, 2 held
        out), drawn by row position (:func:`analysis.weak.heldout.split_rows`) before the rows were grouped.
    """

    names: tuple[str, ...]
    labels: tuple
    votes: np.ndarray
    abstain: Any = DEFAULT_ABSTAIN
    gold: np.ndarray | None = None
    gold_column: str | None = None
    silent: tuple[str, ...] = ()
    counts: np.ndarray | None = None
    split: np.ndarray | None = None

    @property
    def n_items(self) -> int:
        return int(self.votes.shape[0]) if self.counts is None else int(self.counts.sum())

    @property
    def n_classes(self) -> int:
        return len(self.labels)

    def label_of(self, codes: np.ndarray, *, missing: Any = None) -> np.ndarray:
        """Object array of labels for class codes (``missing`` where the code is ``-1``)."""
        table = np.array(list(self.labels) + [missing], dtype=object)
        return table[np.asarray(codes)]


def wsum(values: np.ndarray, weights: np.ndarray | None, axis: int | None = None) -> Any:
    """``values.sum(axis)`` with each row counted ``weights`` times (``None``: once, the plain sum)."""
    if weights is None:
        return values.sum(axis=axis)
    w = weights.reshape((-1,) + (1,) * (values.ndim - 1))
    return (values * w).sum(axis=axis)


def wmean(values: np.ndarray, weights: np.ndarray | None) -> float:
    """``values.mean()`` with each entry counted ``weights`` times (``None``: once)."""
    if weights is None:
        return float(values.mean())
    return float((values * weights).sum() / weights.sum())


def patterns(votes: np.ndarray, *keys: np.ndarray | None, counts: np.ndarray | None = None) -> tuple[np.ndarray, list, np.ndarray, np.ndarray]:
    """The distinct rows of ``votes`` side by side with ``keys`` (per-row codes such as gold; None skipped).

    Returns the distinct votes, the keys of each distinct row, their counts (summing ``counts`` when the rows
    already stand for several items) and the inverse (row -> distinct row).

    >>> v, (g,), n, inv = patterns(np.array([[0, -1], [0, -1], [1, 1]]), np.array([-1, -1, 1]))
    >>> v.tolist(), g.tolist(), n.tolist(), inv.tolist()
    ([[0, -1], [1, 1]], [-1, 1], [2, 1], [0, 0, 1])
    """
    present = [k for k in keys if k is not None]
    stacked = np.column_stack([votes.astype(np.int64), *[np.asarray(k, dtype=np.int64) for k in present]])
    # One mixed-radix integer per row (every entry is >= -1) makes the grouping a 1-D np.unique (a sort of
    # integers), not a lexicographic sort of rows; rows too wide for int64 fall back to the latter.
    shifted = stacked + 1
    radix = shifted.max(axis=0, initial=0) + 1 if len(stacked) else np.ones(stacked.shape[1], np.int64)
    if float(np.prod(radix.astype(float))) < 2.0**62:
        code = np.zeros(len(stacked), dtype=np.int64)
        for j in range(stacked.shape[1]):
            code = code * int(radix[j]) + shifted[:, j]
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        unique = stacked[first]
    else:
        unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    n = np.bincount(inverse, weights=None if counts is None else counts, minlength=len(unique)).astype(np.int64)
    m = votes.shape[1]
    out_keys: list = []
    it = iter(range(m, stacked.shape[1]))
    for k in keys:
        out_keys.append(None if k is None else unique[:, next(it)])
    return unique[:, :m].astype(votes.dtype), out_keys, n, inverse


def canon(value: Any) -> Any:
    """A plain Python scalar: integral numbers become int (1.0 -> 1), text is stripped."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else text
    return value


def sort_key(value: Any) -> tuple:
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def _is_abstain(value: Any, abstain: Any) -> bool:
    if value == "" or value is None:
        return True
    return abstain is not None and (value == abstain or str(value) == str(abstain))


def _factorize(series: pd.Series, abstain: Any) -> tuple[np.ndarray, list]:
    """Codes into the distinct non-abstain values (``-1`` = abstain or empty) and those values."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = [canon(u) for u in uniques]
    keep = [not _is_abstain(v, abstain) for v in values]
    return codes, [v if k else None for v, k in zip(values, keep)]


def lf_matrix(
    df: pd.DataFrame,
    *,
    lfs: Sequence[str],
    abstain: Any = DEFAULT_ABSTAIN,
    gold: str | None = None,
    labels: Sequence[Any] | None = None,
    allow_silent: bool = False,
) -> LFMatrix:
    """Encode LF columns (one column per labeling function) into an :class:`LFMatrix`.

    Parameters
    ----------
    df : DataFrame
        One row per item.
    lfs : sequence of str
        The LF columns. Each cell is a label, the ``abstain`` value, or empty (abstain).
    abstain : scalar
        The value meaning "no vote" (default -1; compared as a number or as text).
    gold : str, optional
        A column of true labels for some rows (empty or ``abstain`` where unknown).
    labels : sequence, optional
        The classes. Default: every label some LF emits. Given, an LF value
        outside them is an error (e.g. a typo in one LF).
    allow_silent : bool
        Accept LFs that abstain on every row (reported in ``silent``); by
        default such an LF is an error, as it usually means a wrong abstain value.

    Returns
    -------
    LFMatrix

    Raises
    ------
    ColumnNotFoundError, LFLabelError, AbstainOnlyError, GoldLabelError, WeakSupervisionError

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["spam", -1, "ham"], "b": ["spam", "spam", None], "y": ["spam", None, "ham"]})
    >>> m = lf_matrix(df, lfs=["a", "b"], gold="y")
    >>> m.labels, m.votes.tolist(), m.gold.tolist()
    (('ham', 'spam'), [[1, 1], [-1, 1], [0, -1]], [1, -1, 0])
    """
    names = check_lf_columns(list(df.columns), lfs, gold=gold)
    return encode_votes(
        {name: df[name] for name in names},
        abstain=canon(abstain),
        gold=None if gold is None else df[gold],
        gold_column=gold,
        labels=labels,
        allow_silent=allow_silent,
    )


def check_lf_columns(columns: list, lfs: Sequence[str], *, gold: str | None) -> list[str]:
    """The LF column names, checked against the table's ``columns`` (shared by pandas and the engines).

    Raises
    ------
    WeakSupervisionError, ColumnNotFoundError
    """
    names = [str(c) for c in lfs]
    if not names:
        raise WeakSupervisionError("Choose at least one labeling-function column.")
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise WeakSupervisionError(f"Labeling functions are listed twice: {format_columns(dupes)}.")
    for name in names:
        require_column(columns, name, role="labeling-function column")
    if gold is not None:
        require_column(columns, gold, role="gold label column")
        if gold in names:
            raise WeakSupervisionError(f"The gold column '{gold}' is also listed as a labeling function; pick another.")
    return names


def encode_votes(
    columns: dict[str, pd.Series],
    *,
    abstain: Any,
    gold: pd.Series | None,
    gold_column: str | None,
    labels: Sequence[Any] | None,
    allow_silent: bool,
) -> LFMatrix:
    """Encode vote columns (already checked to exist) and an optional gold column."""
    names = list(columns)
    n_rows = len(next(iter(columns.values())))
    encoded = [_factorize(columns[name], abstain) for name in names]

    emitted: dict[str, set] = {}
    for name, (_, values) in zip(names, encoded):
        emitted[name] = {v for v in values if v is not None}
    if labels is not None:
        classes = []
        for v in labels:
            c = canon(v)
            if c not in classes:
                classes.append(c)
        for name in names:
            outside = sorted(emitted[name] - set(classes), key=sort_key)
            if outside:
                raise LFLabelError(
                    f"The labeling function '{name}' emits label(s) {format_columns(outside)} outside the classes "
                    f"{format_columns(classes)}. Fix the column, add the label to the classes, or set the abstain "
                    f"value (now {abstain!r}) if it means 'no vote'.",
                    column=name,
                )
    else:
        classes = sorted(set().union(*emitted.values()), key=sort_key)
    silent = tuple(n for n in names if not emitted[n])
    if len(silent) == len(names):
        raise AbstainOnlyError(
            f"Every labeling function abstains on every row ({format_columns(names)}: only empty cells or the "
            f"abstain value {abstain!r}). Check the abstain value or the LF columns.",
        )
    if silent and not allow_silent:
        raise AbstainOnlyError(
            f"The labeling {verb(len(silent), 'function', 'functions')} {format_columns(silent)} "
            f"{verb(len(silent), 'abstains', 'abstain')} on every row (only empty cells or the "
            f"abstain value {abstain!r}); drop {verb(len(silent), 'it', 'them')} or check the abstain value.",
            column=silent[0],
        )
    if len(classes) < 2:
        raise WeakSupervisionError(
            f"The labeling functions emit only one label ({format_columns(classes)}); a label model needs at least "
            "2 classes. Declare the classes (e.g. --labels pos,neg) or add an LF for another class."
        )
    if len(classes) > _MAX_CLASSES:
        raise WeakSupervisionError(
            f"The labeling functions emit {len(classes):,} distinct labels; at most {_MAX_CLASSES} classes are "
            "supported. Are these really label columns?"
        )
    index = {c: i for i, c in enumerate(classes)}
    votes = np.empty((n_rows, len(names)), dtype=np.int8)
    for j, (codes, values) in enumerate(encoded):
        lut = np.array([-1 if v is None else index[v] for v in values] + [-1], dtype=np.int8)
        votes[:, j] = lut[codes]

    gold_codes = None
    if gold is not None:
        codes, values = _factorize(gold, abstain)
        unknown = sorted({v for v in values if v is not None and v not in index}, key=sort_key)
        if unknown:
            raise GoldLabelError(
                f"The gold column '{gold_column}' holds value(s) {format_columns(unknown)} that are not among the classes "
                f"{format_columns(classes)}. Gold labels must be classes the LFs can emit (declare every class with "
                "the classes/--labels option), and empty or the abstain value where unknown.",
                column=gold_column,
            )
        lut = np.array([-1 if v is None else index[v] for v in values] + [-1], dtype=np.int64)
        gold_codes = lut[codes]
    return LFMatrix(
        names=tuple(names),
        labels=tuple(classes),
        votes=votes,
        abstain=abstain,
        gold=gold_codes,
        gold_column=gold_column,
        silent=silent,
    )

