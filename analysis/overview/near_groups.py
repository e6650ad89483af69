"""Which rows are near-duplicates: equal after normalisation, or nearest neighbours within a radius.

Two passes over the feature columns (the caller chooses them: all columns but
the target and identifiers):

1. **Normalised equality.** Text is Unicode-normalised (NFKC), case-folded,
   stripped of punctuation and its whitespace collapsed (``"Great  value!"`` ==
   ``"great value"``); numbers are rounded to ``significant_digits`` significant
   digits (6 by default: ``0.1 + 0.2`` == ``0.3``, ``12345.61`` == ``12345.6``).
   Rows whose normalised values are all equal form one group (exact duplicates
   are such groups too). Text is normalised once per distinct value, so a
   column of a million rows and a few thousand values costs one factorisation.
2. **Nearest neighbours**, with cleanlab Datalab's ``near_duplicate`` rule: one
   row per normalised group, numeric columns median-imputed and
   standard-scaled, categorical columns of at most ``MAX_ONEHOT`` values
   one-hot encoded; two rows are near-duplicates when their Euclidean distance
   is below ``threshold`` x the median distance of a row to its nearest
   neighbour (cleanlab's default ``threshold = 0.13``). The neighbours come from
   :class:`sklearn.neighbors.NearestNeighbors` over ``MEDIAN_QUERIES`` random
   rows (all rows of smaller tables), their distances computed again exactly
   (its brute-force search expands ``|a - b|^2`` into dot products, which puts
   a row about 1e-8 from itself, and how far depends on the CPU's BLAS
   kernel); the pairs within the radius are then
   found exactly (cleanlab keeps only pairs among each row's ``k`` nearest; a
   row with more than ``k`` neighbours that close gets them all here, which
   changes no group). Columns that cannot be placed in that space (free text,
   categories with more values) must be equal after normalisation for a pair
   to count. Above ``knn_max_rows`` distinct rows, the search runs on a random
   sample of that many (``seed``): pairs outside the sample are not found, and
   the result says so.

Groups are the connected components of both relations (transitive: a ~ b and
b ~ c puts a, b and c in one group).
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..features import MAX_ABS_FEATURE, range_divisor
from ..threads import thread_imap
from ._hashing import column_hash, fold_hashes, row_hashes

__all__ = [
    "DEFAULT_NEAR",
    "MAX_ONEHOT",
    "NearDuplicateSettings",
    "NearGroups",
    "near_groups",
    "normalise_text",
    "round_significant",
]

#: Rows whose nearest-neighbour distance estimates the median (a random sample above this many).
MEDIAN_QUERIES = 1000
#: Candidate pairs checked at most; above, the radius search runs on a random subset of rows (stated).
MAX_CANDIDATES = 2_000_000
#: At or below this many rows every pair is compared directly: the same pairs the grid finds
#: (its guard cannot trigger: the pairs are fewer than ``MAX_CANDIDATES``), without its 54 joins.
ALL_PAIRS_ROWS = 1000
#: Categorical columns with at most this many distinct values take part in the kNN space (one-hot).
MAX_ONEHOT = 50
#: Principal directions whose projection bounds a candidate pair's distance from below before the exact one.
PREFILTER_DIMS = 16
#: The first of them give a cheaper bound before it (on the bench's 1M-row file: a fifth of the candidates left).
FIRST_BOUND_DIMS = 4


@dataclass(frozen=True)
class NearDuplicateSettings:
    """How near two rows must be to count as near-duplicates.

    Parameters
    ----------
    significant_digits : numbers are rounded to this many significant digits before comparing
    threshold : kNN pairs closer than ``threshold`` x the median nearest-neighbour distance
        (cleanlab Datalab's ``near_duplicate`` default, 0.13); ``0`` turns the kNN pass off
    k : neighbours searched per sampled row for the median distance (cleanlab's default, 10)
    knn_max_rows : above this many distinct rows the kNN pass runs on a random sample of this size
    seed : the sample's seed
    """

    significant_digits: int = 6
    threshold: float = 0.13
    k: int = 10
    knn_max_rows: int = 20_000
    seed: int = 0


#: The default settings (a module-level value, so a default argument is never a call).
DEFAULT_NEAR = NearDuplicateSettings()


@dataclass(frozen=True, eq=False)
class NearGroups:
    """Per row: its normalised-equality code and its near-duplicate group (both 0-based, dense)."""

    normalised: np.ndarray  # code of the row's normalised values
    ids: np.ndarray  # connected component of normalised equality and kNN pairs
    knn_pairs: np.ndarray  # (m, 2) row positions of one representative per normalised group, i < j
    knn_columns: tuple[str, ...]
    exact_columns: tuple[str, ...]  # must match after normalisation for a kNN pair
    median_nn_distance: float | None
    radius: float | None
    knn_rows_searched: int
    knn_sampled: bool


#: ASCII punctuation (Unicode category P*): string.punctuation holds the symbols $+<=>^`|~ too, kept here.
_ASCII_PUNCT = str.maketrans("", "", "".join(chr(i) for i in range(128) if unicodedata.category(chr(i)).startswith("P")))


def normalise_text(value: str) -> str:
    """NFKC, case-folded, punctuation removed, whitespace collapsed.

    >>> normalise_text("  Great VALUE,  for money!! ")
    'great value for money'
    """
    if value.isascii():  # the common case, without a per-character loop
        return " ".join(value.lower().translate(_ASCII_PUNCT).split())
    text = unicodedata.normalize("NFKC", value).casefold()
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    return " ".join(text.split())


def round_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (NaN and inf kept; -0.0 becomes 0.0).

    >>> round_significant(np.array([0.1 + 0.2, 12345.61, -0.0, np.nan]), 6).tolist()
    [0.3, 12345.6, 0.0, nan]
    """
    x = np.asarray(values, dtype=float)
    limit = 10.0 ** digits
    with np.errstate(invalid="ignore"):
        # whole numbers of at most ``digits`` digits (counts, codes, years) are their own rounding: a
        # sixth of the work of the general path below, and its values (exact up to 15 digits: the
        # scaled product stays an integer below 2 ** 53)
        if digits <= 15 and all(bool(np.all((np.abs(part) < limit) & (np.rint(part) == part) | np.isnan(part)))
               for part in (x[:256], x)):  # the first rows settle most columns that are not
            return x + 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # 10 ** (digits - 1 - floor(log10 |x|)), the power taken from a table (0 and non-finite values: as
        # for magnitude 0); each step in place: a third less time than with a pow and temporaries per step
        power = np.abs(x)
        np.log10(power, out=power)
        np.floor(power, out=power)
        np.subtract(digits - 1 + _POW10_SPAN, power, out=power)
        power[~np.isfinite(power)] = digits - 1 + _POW10_SPAN
        scale = _POW10.take(np.clip(power, 0, 2 * _POW10_SPAN).astype(np.intp))
        out = np.multiply(x, scale)
        np.rint(out, out=out)
        out /= scale
    unscaled = ~np.isfinite(out)  # NaN, inf, and huge values whose scaled product overflows stay as they are
    if unscaled.any():
        out[unscaled] = x[unscaled]
    out += 0.0
    return out


#: ``10.0 ** k`` for k in [-_POW10_SPAN, _POW10_SPAN], at position ``k + _POW10_SPAN`` (the values numpy's
#: ``10.0 ** k`` gives: a float64 magnitude spans about -324 to 308).
_POW10_SPAN = 400
with np.errstate(over="ignore"):
    _POW10 = 10.0 ** np.arange(-_POW10_SPAN, _POW10_SPAN + 1, dtype=float)


def _is_number(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)


#: Per-column codes (of the columns that are not numeric, kept for the kNN space) are int32, up to 2**31
#: rows: half the memory of int64 (the groups are the same: only equality of codes counts).
_CODE = np.int32


def _rounded(col: pd.Series, digits: int) -> np.ndarray:
    """A numeric column's values rounded row by row, missing values as NaN (pandas' hash gives every NaN, whatever
    its sign or payload, one hash, and -0.0 that of 0.0: equal values hash equally)."""
    return round_significant(pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan), digits)


def _column_codes(col: pd.Series) -> np.ndarray:
    """One integer per row of a column that is not numeric: equal codes = equal after normalisation (missing
    is its own code, -1). A numeric column needs no codes: its rounded values are hashed (:func:`_rounded`)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    texts = [normalise_text(str(u)) for u in uniques]  # once per distinct value
    merged = pd.factorize(np.asarray(texts, dtype=object))[0] if len(texts) else np.empty(0, dtype=np.int64)
    out = np.full(len(codes), -1, dtype=_CODE)
    present = codes >= 0
    out[present] = merged[codes[present]]
    return out


def _row_codes(codes: list[np.ndarray], n: int) -> np.ndarray:
    """Dense codes of the rows' code tuples."""
    if not codes:
        return np.zeros(n, dtype=np.int64)
    # the hashes of ``pd.DataFrame(codes)``'s rows, without building that frame (a copy of every code)
    return _dense(row_hashes(codes, n))


def _dense(row_hash: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... per distinct row hash, in order of first appearance."""
    return pd.factorize(row_hash)[0].astype(np.int64)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """Positions of each code's first row, for codes numbered 0, 1, 2, ... by first appearance (``pd.factorize``).

    A row is its code's first exactly where its code exceeds every code above it, so a running maximum finds
    them with no hash table (``~pd.Series(codes).duplicated()``'s positions; 1M rows: 5 against 22 ms).

    >>> _first_rows(np.array([0, 1, 0, 2, 1, 3])).tolist()
    [0, 1, 3, 5]
    """
    if not len(codes):
        return np.empty(0, dtype=np.int64)
    seen = np.maximum.accumulate(codes)
    first = np.empty(len(codes), dtype=bool)
    first[0] = True
    np.greater(seen[1:], seen[:-1], out=first[1:])
    return np.flatnonzero(first)


def _normalised(frame: pd.DataFrame, columns: list[str], digits: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The rows' normalised-equality codes, and the codes of the columns that are not numbers.

    A numeric column needs no codes (the kNN space reads its values): its rounded values are hashed into the row
    hash and dropped as they come, so a 1M-row table's numbers never stack up. A repeated name counts once, with
    its last column's values.
    """
    last = {c: i for i, c in enumerate(columns)}
    items = [(c, frame.iloc[:, i]) for c, i in last.items()]  # taken here: the threads only read them
    kept: dict[str, np.ndarray] = {}

    def one(item: tuple[str, pd.Series]) -> tuple[str, np.ndarray | None, np.ndarray]:
        c, col = item
        if _is_number(col):
            # hashed as rounded numbers: no codes needed (a row hash only asks "equal?"), and rounding every
            # row then hashing is 5x quicker than factorising a column of half a million distinct values
            return c, None, column_hash(_rounded(col, digits))
        codes = _column_codes(col)
        return c, codes, column_hash(codes)

    def hashes() -> Iterator[np.ndarray]:
        for c, codes, h in thread_imap(one, items, rows=len(frame)):
            if codes is not None:
                kept[c] = codes
            yield h

    if not items:
        return np.zeros(len(frame), dtype=np.int64), kept
    return _dense(fold_hashes(hashes(), len(items), len(frame))), kept


def near_groups(frame: pd.DataFrame, settings: NearDuplicateSettings = DEFAULT_NEAR) -> NearGroups:
    """Normalised-equality codes and near-duplicate groups of the rows of ``frame`` (every column is a feature).

    Examples
    --------
    >>> g = near_groups(pd.DataFrame({"t": ["Hi there", "hi  THERE!", "bye"], "x": [1.0, 1.0000001, 5.0]}))
    >>> g.normalised.tolist(), g.ids.tolist()
    ([0, 0, 1], [0, 0, 1])
    """
    n = len(frame)
    columns = [str(c) for c in frame.columns]
    normalised, per_column = _normalised(frame, columns, settings.significant_digits)
    n_norm = int(normalised.max()) + 1 if n else 0
    knn_cols: list[str] = []
    exact_cols: list[str] = []
    for i, c in enumerate(columns):
        col = frame.iloc[:, i]
        if _is_number(col) or int(per_column[c].max(initial=-1)) + 1 <= MAX_ONEHOT:
            knn_cols.append(c)
        else:
            exact_cols.append(c)
    empty = np.empty((0, 2), dtype=np.int64)
    if settings.threshold <= 0 or not knn_cols or n_norm < 3:
        return NearGroups(normalised, normalised.copy(), empty, tuple(knn_cols), tuple(exact_cols), None, None, 0,
                          False)
    # one representative row per normalised group (its first row)
    reps = _first_rows(normalised)
    sampled = len(reps) > settings.knn_max_rows
    if sampled:
        reps = np.sort(np.random.RandomState(settings.seed).choice(reps, settings.knn_max_rows, replace=False))
    x = _knn_matrix(frame, columns, knn_cols, per_column, reps, settings.significant_digits)
    block = _row_codes([per_column[c] for c in exact_cols], n)[reps] if exact_cols else np.zeros(len(reps), np.int64)
    pairs, median, radius, searched = _knn_pairs(x, block, settings)
    row_pairs = reps[pairs] if len(pairs) else empty
    ids = normalised
    if len(row_pairs):
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        a, b = normalised[row_pairs[:, 0]], normalised[row_pairs[:, 1]]
        graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n_norm, n_norm))
        _, comp = connected_components(graph, directed=False)
        ids = pd.factorize(comp[normalised])[0].astype(np.int64)
    return NearGroups(
        normalised=normalised, ids=ids, knn_pairs=np.sort(row_pairs, axis=1) if len(row_pairs) else empty,
        knn_columns=tuple(knn_cols), exact_columns=tuple(exact_cols), median_nn_distance=median, radius=radius,
        knn_rows_searched=int(min(searched, len(reps))), knn_sampled=bool(sampled or searched < len(reps)),
    )


def _knn_matrix(
    frame: pd.DataFrame, columns: Sequence[str], knn_cols: Sequence[str], codes: dict[str, np.ndarray],
    reps: np.ndarray, digits: int,
) -> np.ndarray:
    """Scaled numbers and one-hot categories of the representative rows (the space kNN searches)."""
    parts = []
    for c in knn_cols:
        j = list(columns).index(c)
        if _is_number(frame.iloc[:, j]):  # the dtype decides: only a number column's rows are taken
            v = round_significant(pd.to_numeric(frame.iloc[reps, j], errors="coerce").to_numpy(dtype=float), digits)
            finite = np.isfinite(v)
            fill = float(np.median(v[finite])) if finite.any() else 0.0
            v = np.where(finite, v, fill)
            v = v / range_divisor(v, MAX_ABS_FEATURE)  # standardising is scale-free; keeps std finite
            sd = float(v.std())
            parts.append(((v - v.mean()) / sd if sd > 0 else np.zeros_like(v))[:, None])
        else:
            k = codes[c][reps]
            width = int(codes[c].max(initial=-1)) + 2  # + missing
            onehot = np.zeros((len(reps), width))
            onehot[np.arange(len(reps)), k + 1] = 1.0
            parts.append(onehot)
    return np.hstack(parts)


def _knn_pairs(
    x: np.ndarray, block: np.ndarray, s: NearDuplicateSettings
) -> tuple[np.ndarray, float | None, float | None, int]:
    """Pairs (i < j, positions in ``x``) closer than ``threshold`` x the median nearest-neighbour distance.

    The median is taken over at most ``MEDIAN_QUERIES`` random rows' distance
    to their nearest other row at a positive distance (a zero distance is a row
    that differs only in the columns compared by equality). The pairs within
    the radius are found exactly (:func:`_pairs_within`), within equal ``block``.
    """
    from sklearn.neighbors import NearestNeighbors

    m = len(x)
    rng = np.random.RandomState(s.seed)
    queries = np.sort(rng.choice(m, min(m, MEDIAN_QUERIES), replace=False))
    near = NearestNeighbors(n_neighbors=min(s.k + 1, m)).fit(x).kneighbors(x[queries], return_distance=False)
    # The distances again, as differences: scikit-learn's brute-force search computes |a|^2 + |b|^2 - 2 a.b, which
    # leaves a row (or its exact copy in the compared columns) about 1e-8 from itself, by an amount that depends on
    # the CPU's BLAS kernel; taken for the nearest positive distance it pulled the median down by a tenth.
    xq, dist = x[queries], np.empty(near.shape)
    for j in range(near.shape[1]):
        dist[:, j] = np.sqrt(((xq - x[near[:, j]]) ** 2).sum(axis=1))
    positive = np.where(dist > 0, dist, np.inf).min(axis=1)
    positive = positive[np.isfinite(positive)]
    if not len(positive):
        return np.empty((0, 2), dtype=np.int64), None, None, m
    median = float(np.median(positive))
    radius = s.threshold * median
    pairs, searched = _pairs_within(x, block, radius)
    return pairs, median, radius, searched


def _pairs_within(x: np.ndarray, block: np.ndarray, radius: float) -> tuple[np.ndarray, int]:
    """Every pair (i < j) of rows of the same ``block`` at Euclidean distance below ``radius``.

    Candidates come from a grid of cell side ``radius`` over the rows' projection
    on their (up to) three first principal directions: an orthonormal projection
    never lengthens a distance, so two rows closer than ``radius`` lie in the
    same or adjacent cells; each candidate's distance is then computed exactly.
    Above ``MAX_CANDIDATES`` candidate pairs, a random subset of rows is searched
    (the candidates shrink with its square); the second value is the rows searched.
    """
    m, d = x.shape
    if m <= ALL_PAIRS_ROWS:
        return _all_pairs_within(x, block, radius), m
    centred = x - x.mean(axis=0)
    fit_rows = centred[:: max(1, m // 5000)]
    from ..threads import one_thread

    # one BLAS thread: on a busy machine OpenBLAS's threads made this 200 x 200 eigh take 1 s instead of 0.03 s;
    # and after the projection's product a second thread spins, waiting for more, for a tenth of a second or so
    # while the other passes want the core (1M x 30 `report`: 4% of its CPU samples were that spin)
    with one_thread():
        _, vectors = np.linalg.eigh(fit_rows.T @ fit_rows)  # ascending eigenvalues: the last are the principal ones
        # the first PREFILTER_DIMS principal directions: three make the grid, all of them a cheap lower
        # bound of each candidate's distance (a projection never lengthens one), so most far candidates
        # are dropped before their distance over every column is computed
        proj = centred @ vectors[:, ::-1][:, : min(PREFILTER_DIMS, d)]
    cells = np.floor(proj[:, :3] / radius).astype(np.int64)
    grid = _Grid(cells, np.asarray(block))
    rows = np.arange(m)
    # Guard: dense cells (a radius wide against the projections' spread) would make too many candidates.
    estimate = grid.candidates()
    if estimate > MAX_CANDIDATES:
        rows = np.sort(np.random.RandomState(0).choice(m, max(2, int(m * math.sqrt(MAX_CANDIDATES / estimate))),
                                                       replace=False))
        grid = _Grid(cells[rows], np.asarray(block)[rows])
    found = []
    bound = (radius * (1 + 1e-9)) ** 2  # a margin of 1e-9 for rounding: a pair a lower bound drops is truly farther
    first = np.ascontiguousarray(proj[:, :FIRST_BOUND_DIMS].T)  # one contiguous row per direction
    for i, j in grid.pairs():  # i < j in the grid's rows, so rows[i] < rows[j] (rows are sorted)
        i, j = rows[i], rows[j]
        for start in range(0, len(i), 1_000_000):
            a, b = i[start:start + 1_000_000], j[start:start + 1_000_000]
            # lower bounds first: the first directions' part of the projected distance (summed direction by
            # direction: a sum along a short row axis is slow), then all of it; the part is at most the
            # whole, and its extra 1e-12 margin covers the two sums' different rounding
            part = np.zeros(len(a))
            for row in first:
                diff = row[a] - row[b]
                part += diff * diff
            near = part < bound * (1 + 1e-12)
            a, b = a[near], b[near]
            near = ((proj[a] - proj[b]) ** 2).sum(axis=1) < bound
            a, b = a[near], b[near]
            close = np.sqrt(((x[a] - x[b]) ** 2).sum(axis=1)) < radius
            if close.any():
                found.append(np.column_stack([a[close], b[close]]))
    if not found:
        return np.empty((0, 2), dtype=np.int64), len(rows)
    return np.unique(np.vstack(found), axis=0).astype(np.int64), len(rows)


#: Keys of (cell, block) stay below this (int64 with room for a neighbour's step), else a join is used.
_MAX_KEY = 2**62


class _Grid:
    """Rows in grid cells (integer coordinates) within blocks, and the rows of each cell's 3**d neighbourhood.

    Each (cell, block) becomes one integer key, linear in the coordinates (padded by one
    cell on each side), so a neighbour cell's key is the row's key plus a fixed step; the
    rows sorted by key then give every neighbour cell's rows by binary search. When such
    keys would not fit in 63 bits, neighbour cells are found by pandas joins on the
    (cell, block) columns instead.
    """

    def __init__(self, cells: np.ndarray, block: np.ndarray) -> None:
        self.cells = cells - cells.min(axis=0) + 1 if len(cells) else cells
        self.block = pd.factorize(block)[0].astype(np.int64)
        self.offsets = list(itertools.product((-1, 0, 1), repeat=cells.shape[1]))
        sizes = [int(self.cells[:, k].max(initial=0)) + 2 for k in range(cells.shape[1])]
        blocks = int(self.block.max(initial=0)) + 1
        self.linear = math.prod(sizes) * blocks < _MAX_KEY
        if self.linear:
            strides = [blocks]
            for size in reversed(sizes[1:]):
                strides.insert(0, strides[0] * size)
            keys = self.cells @ np.asarray(strides, dtype=np.int64) + self.block
            self.order = np.argsort(keys, kind="stable")
            ordered = keys[self.order]
            # for each row in key order and each offset, where its neighbour cell's rows start and end
            # (sorted needles: a quicker binary search); computed once for the count and the pairs
            self.ranges = []
            for offset in self.offsets:
                target = ordered + int(np.dot(offset, strides))
                self.ranges.append((np.searchsorted(ordered, target, "left"), np.searchsorted(ordered, target, "right")))

    def candidates(self) -> int:
        """Ordered (row, row) pairs in neighbouring cells of one block, a row with itself included."""
        if self.linear:
            return sum(int((hi - lo).sum()) for lo, hi in self.ranges)
        # from the cells' row counts (sum of n_A * n_B over neighbouring cells), never listing the pairs
        counts = self._frame().groupby([*self._keys(), "block"], sort=False).size().rename("n").reset_index()
        return sum(int((both["n_x"].to_numpy() * both["n_y"].to_numpy()).sum())
                   for both in self._joined(counts, counts))

    def pairs(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The (i, j) pairs of rows, i < j, in neighbouring cells of one block: each pair once.

        Rows whose cells differ by an offset are the rows whose cells differ by its opposite, in the
        other order, so only the offsets from the zero offset on (in tuple order) are listed: half the
        pairs to generate and check. Within the zero offset's cells only i < j is kept.
        """
        zero = (0,) * self.cells.shape[1]
        half = [o for o in self.offsets if o >= zero]
        if not self.linear:
            frame = self._frame()
            for offset, merged in zip(half, self._joined(frame, frame.rename(columns={"i": "j"}), half)):
                yield self._ordered(merged["i"].to_numpy(), merged["j"].to_numpy(), offset == zero)
            return
        for offset, (lo, hi) in zip(self.offsets, self.ranges):
            if offset < zero:
                continue
            counts = hi - lo
            total = int(counts.sum())
            if not total:
                continue
            i = np.repeat(self.order, counts)
            first = np.cumsum(counts) - counts
            j = self.order[np.arange(total) - np.repeat(first - lo, counts)]
            yield self._ordered(i, j, offset == zero)

    @staticmethod
    def _ordered(i: np.ndarray, j: np.ndarray, same_cell: bool) -> tuple[np.ndarray, np.ndarray]:
        """The pairs as (smaller, larger): within one cell each pair comes both ways (and a row with itself),
        so only i < j is kept; across cells each comes once."""
        if same_cell:
            keep = i < j
            return i[keep], j[keep]
        return np.minimum(i, j), np.maximum(i, j)

    def _keys(self) -> list[str]:
        return [f"c{k}" for k in range(self.cells.shape[1])]

    def _frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.cells, columns=self._keys())
        frame["block"] = self.block
        frame["i"] = np.arange(len(frame))
        return frame

    def _joined(
        self, left: pd.DataFrame, right: pd.DataFrame, offsets: list[tuple[int, ...]] | None = None
    ) -> Iterator[pd.DataFrame]:
        """Per offset (default: all), ``left`` joined with the ``right`` rows whose cell is that offset away,
        in one block."""
        keys = self._keys()
        for offset in self.offsets if offsets is None else offsets:
            shifted = right.copy()
            shifted[keys] = shifted[keys].to_numpy() - np.asarray(offset)
            yield left.merge(shifted, on=[*keys, "block"], how="inner")


def _all_pairs_within(x: np.ndarray, block: np.ndarray, radius: float) -> np.ndarray:
    """Every pair (i < j) of the same ``block`` closer than ``radius``, comparing all pairs.

    The distance is computed as :func:`_pairs_within` computes it, so a pair at
    the boundary falls on the same side either way.
    """
    i, j = np.triu_indices(len(x), 1)
    same = np.asarray(block)[i] == np.asarray(block)[j]
    i, j = i[same], j[same]
    found = []
    for start in range(0, len(i), 100_000):
        a, b = i[start:start + 100_000], j[start:start + 100_000]
        close = np.sqrt(((x[a] - x[b]) ** 2).sum(axis=1)) < radius
        if close.any():
            found.append(np.column_stack([a[close], b[close]]))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.vstack(found), axis=0).astype(np.int64)
