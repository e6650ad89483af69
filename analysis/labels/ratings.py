"""The annotator table encoded once: validated columns, integer codes and the label order.

Every agreement statistic, the bootstrap and the consensus start from
:class:`Ratings`: ``codes[i, a]`` is annotator ``a``'s label of item ``i`` as a
position in ``categories`` (``-1`` for an empty cell). Text labels need an
explicit order beyond the nominal level; numeric labels are ordered by value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnnotationError, LabelOrderError, format_columns, require_column
from ..schema import MAX_TARGET_CLASSES

__all__ = ["LEVELS", "Ratings", "encode_ratings"]

LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True, eq=False)
class Ratings:
    """Annotator columns encoded once: integer codes, the label order and their values.

    ``codes[i, a]`` is the position of annotator ``a``'s label for item ``i`` in
    ``categories``, or ``-1`` when the cell is empty. ``values`` are the numbers
    used for interval/ratio distances: the labels themselves when they are
    numeric, else their 1-based position in the order.
    """

    codes: np.ndarray
    annotators: tuple[str, ...]
    categories: tuple[Any, ...]
    values: np.ndarray
    level: str
    numeric: bool

    @property
    def n_classes(self) -> int:
        return len(self.categories)

    def label_of(self, codes: np.ndarray) -> np.ndarray:
        """Codes -> labels (``None`` for ``-1``), as an object array."""
        table = np.array(list(self.categories) + [None], dtype=object)
        return table[np.asarray(codes)]


def encode_ratings(
    df: pd.DataFrame,
    *,
    annotators: Sequence[str],
    level: str = "nominal",
    order: Sequence[Any] | None = None,
) -> Ratings:
    """Encode annotator columns as integer codes with an explicit label order.

    Parameters
    ----------
    df : DataFrame
        One row per item.
    annotators : sequence of str
        At least two columns of the same labels; empty cells are skipped ratings.
    level : {'nominal', 'ordinal', 'interval', 'ratio'}
    order : sequence, optional
        The labels from lowest to highest. Needed for text labels at the
        ordinal level or finer; numeric labels are ordered by value. Labels in
        the order that nobody used are kept (they matter for distances).

    Raises
    ------
    ColumnNotFoundError, AnnotationError, LabelOrderError

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["low", "high", None], "b": ["mid", "high", "low"]})
    >>> r = encode_ratings(df, annotators=["a", "b"], level="ordinal", order=["low", "mid", "high"])
    >>> r.codes.tolist(), r.values.tolist()
    ([[0, 1], [2, 2], [-1, 0]], [1.0, 2.0, 3.0])
    """
    names = [str(a) for a in annotators]
    if level not in LEVELS:
        raise AnnotationError(f"Unknown level '{level}'; choose one of {', '.join(LEVELS)}.")
    if len(names) < 2:
        raise AnnotationError(
            f"Agreement needs at least 2 annotator columns; got {len(names)} ({format_columns(names)}). "
            "Pick two or more columns that label the same items."
        )
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise AnnotationError(f"Annotator columns are listed twice: {format_columns(dup)}. List each column once.")
    for name in names:
        require_column(list(df.columns), name, role="annotator column")

    columns = [df[n] for n in names]
    numeric = all(
        pd.api.types.is_numeric_dtype(c.dtype) and not pd.api.types.is_bool_dtype(c.dtype) for c in columns
    )
    per_column = _small_integer_codes(columns) if numeric else None
    if per_column is None:
        per_column = []
        for column in columns:
            factorized, uniques = pd.factorize(column.astype(float) if numeric else column, use_na_sentinel=True)
            per_column.append((factorized, [_plain(u, numeric) for u in uniques]))
    observed = sorted({u for _, uniques in per_column for u in uniques}, key=float if numeric else str)
    if order is not None:
        categories = _apply_order(observed, order, numeric)
    else:
        if level != "nominal" and not numeric:
            raise LabelOrderError(
                f"The {level} level needs the order of the text labels ({format_columns(observed)}): "
                "give it from lowest to highest (--order a,b,c on the command line), or use level nominal."
            )
        categories = observed
    if len(categories) > MAX_TARGET_CLASSES:
        raise AnnotationError(
            f"The annotator columns hold {len(categories):,} distinct labels; at most {MAX_TARGET_CLASSES} are "
            "supported. Are these label columns? Group rare labels or pick other columns."
        )
    if len(observed) < 2:
        raise AnnotationError(
            f"The annotators used {len(observed)} distinct label{'s' if len(observed) != 1 else ''} "
            f"({format_columns(observed)}); agreement needs at least 2. Check the chosen columns."
        )
    position = {c: i for i, c in enumerate(categories)}
    dtype = np.int8 if len(categories) < 127 else np.int16
    by_annotator = np.empty((len(names), len(df)), dtype=dtype)
    for a, (col_codes, uniques) in enumerate(per_column):
        lookup = np.array([position[u] for u in uniques] + [-1], dtype=dtype)
        by_annotator[a] = lookup[col_codes]  # the -1 sentinel indexes the trailing -1
    codes = by_annotator.T  # items x annotators (a view: annotator-major in memory)
    if numeric:
        values = np.array([float(c) for c in categories])
    else:
        values = np.arange(1, len(categories) + 1, dtype=float)
    if not (((codes >= 0).sum(axis=1)) >= 2).any():
        raise AnnotationError(
            "No item has ratings from two annotators, so agreement cannot be measured. "
            "Check that the columns rate the same rows."
        )
    return Ratings(codes, tuple(names), tuple(categories), values, level, numeric)


def _small_integer_codes(columns: list[pd.Series]) -> list | None:
    """Fast path for whole-number labels in a small range (0/1, 1..5 ratings): codes by offset, no hashing.

    Works column by column on views of the data, so no large temporary is allocated.
    """
    values = [c.to_numpy(dtype=float, na_value=np.nan) for c in columns]
    lows = [np.fmin.reduce(v) for v in values if len(v)]  # fmin/fmax skip NaN
    highs = [np.fmax.reduce(v) for v in values if len(v)]
    low, high = float(np.fmin.reduce(lows)), float(np.fmax.reduce(highs))
    if not np.isfinite(low) or high - low > 1000:
        return None
    width = int(high - low) + 1
    used = np.zeros(width, dtype=bool)
    codes = []
    for v in values:
        shifted = np.nan_to_num(v - low, copy=False, nan=width)  # missing -> an extra bin, dropped below
        small = shifted.astype(np.int16)
        if not np.array_equal(small, shifted):
            return None  # some label is not a whole number
        used |= np.bincount(small, minlength=width + 1)[:width] > 0
        codes.append(small)
    offsets = np.flatnonzero(used)
    remap = np.full(width + 1, -1, dtype=np.int64)  # the missing bin maps to -1
    remap[offsets] = np.arange(len(offsets))
    labels = [_plain(low + o, True) for o in offsets]
    return [(remap[small], labels) for small in codes]


def _plain(value: Any, numeric: bool) -> Any:
    if numeric:
        value = float(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # a numeric annotator column among text ones: 1.0 means "1"
    return str(value)


def _apply_order(observed: list, order: Sequence[Any], numeric: bool) -> list:
    wanted = [str(o).strip() for o in order]
    if len(set(wanted)) != len(wanted):
        raise LabelOrderError(f"The order lists a label twice: {', '.join(wanted)}. List each label once.")
    by_text = {str(v): v for v in observed}
    missing = [v for v in observed if str(v) not in wanted]
    if missing:
        raise LabelOrderError(
            f"The order ({', '.join(wanted)}) leaves out label(s) the annotators used: "
            f"{format_columns(missing)}. List every label, lowest first."
        )
    if numeric:
        try:
            return [by_text.get(w, _plain(float(w), True)) for w in wanted]
        except ValueError:
            raise LabelOrderError(
                f"The labels are numbers, but the order holds text ({', '.join(wanted)}). "
                "Numeric labels are ordered by value: leave the order out."
            ) from None
    return [by_text.get(w, w) for w in wanted]



def encode_gold(column: pd.Series, ratings: Ratings) -> np.ndarray:
    """A gold column as codes of ``ratings.categories`` (``-1`` where empty); unknown labels are refused."""
    position = {str(c): i for i, c in enumerate(ratings.categories)}
    values = column.astype(float) if ratings.numeric and pd.api.types.is_numeric_dtype(column.dtype) else column
    texts = [None if pd.isna(v) else str(_plain(v, ratings.numeric)) for v in values]
    unknown = sorted({t for t in texts if t is not None and t not in position})
    if unknown:
        raise AnnotationError(
            f"The gold column '{column.name}' holds label(s) no annotator used: {format_columns(unknown)}. "
            f"Gold labels must be among {format_columns(list(position))}."
        )
    return np.array([-1 if t is None else position[t] for t in texts], dtype=np.int64)


