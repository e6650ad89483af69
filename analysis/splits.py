"""The one place the product splits rows: cross-validation folds and holdouts that never leak duplicates.

A row whose feature values repeat another row's must sit on the same side of
every split as that row: otherwise the model is scored on a row it was trained
on (a "holdout-safe" download whose test file shares rows with its training
file; a cross-validated score inflated by memorised copies). So rows are first
put in **groups**:

- rows with identical values in every key column (the caller passes the columns
  that define a row's identity: all columns but the target, and not identifier
  columns, which differ between otherwise identical records) form one group;
- optionally a user-chosen **group column** (patient, user, session) joins every
  row of one value into one group, transitively with the duplicate groups (a
  missing group value is a group of its own).

Then:

- :func:`kfold_splits`: stratified k-fold over the groups
  (:class:`sklearn.model_selection.StratifiedGroupKFold`, shuffled, one seed per
  repeat); with no group larger than one row it is exactly
  :class:`~sklearn.model_selection.RepeatedStratifiedKFold` (the same folds as
  before this module existed: exact stratification, and unchanged numbers for
  data without duplicates);
- :func:`holdout_split`: a stratified group shuffle split (groups shuffled, then
  placed greedily so that each class's test share is as close as possible to
  ``test_size``); with singleton groups exactly
  :func:`sklearn.model_selection.train_test_split` with ``stratify``.

Near-duplicates are grouped as well (:func:`analysis.overview.near_groups`):
rows equal after normalising text (case, whitespace, punctuation) and rounding
numbers to 6 significant digits, and rows closer than cleanlab's radius (0.13 x
the median nearest-neighbour distance over the scaled key columns). The
nearest-neighbour pass searches at most 20,000 distinct rows (a random sample
above that, seed 0: near pairs outside the sample are then not kept together;
normalised-equality groups always are, at any size).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._group_folds import stratified_group_test_folds
from .errors import ColumnNotFoundError, TooFewRowsError
from .overview.near_groups import DEFAULT_NEAR, NearDuplicateSettings, near_groups
from .wording import count_noun, verb

__all__ = ["DuplicateSplitWarning", "RowGroups", "duplicate_safe_kfold", "holdout_keeps_together", "holdout_split", "kfold_splits", "row_groups"]

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True, eq=False)
class RowGroups:
    """Which rows must stay on one side of every split.

    ``ids[i]`` is the group of row ``i`` (0..n_groups-1). ``duplicate_groups``
    counts the groups of two or more rows with identical key values (kept
    together), ``duplicate_rows`` the rows in them; ``group_column`` and
    ``column_groups`` describe the user's group column when one was given.
    """

    ids: np.ndarray
    n_groups: int
    duplicate_groups: int
    duplicate_rows: int
    group_column: str | None = None
    column_groups: int | None = None
    #: groups of two or more rows equal after normalisation or within the kNN radius (exact groups included)
    near_groups: int = 0
    near_rows: int = 0
    #: the settings the near-duplicate groups were found with (None: exact copies only)
    near: NearDuplicateSettings | None = None

    @property
    def trivial(self) -> bool:
        """Every group is one row: plain stratified splitting is already group-safe."""
        return self.n_groups == len(self.ids)

    def subset(self, keep: np.ndarray) -> RowGroups:
        """The groups of the rows at positions ``keep`` (renumbered; duplicate counts recomputed)."""
        _, ids, sizes = np.unique(self.ids[keep], return_inverse=True, return_counts=True)
        return RowGroups(
            ids=ids.astype(np.int64), n_groups=int(len(sizes)), duplicate_groups=int((sizes > 1).sum()),
            duplicate_rows=int(sizes[sizes > 1].sum()), group_column=self.group_column,
            column_groups=self.column_groups, near_groups=int((sizes > 1).sum()),
            near_rows=int(sizes[sizes > 1].sum()), near=self.near,
        )

    @property
    def note(self) -> str | None:
        """A sentence for the result's notes, or ``None`` when nothing needed grouping."""
        parts = []
        if self.duplicate_groups:
            parts.append(
                f"{count_noun(self.duplicate_rows, 'row')} {verb(self.duplicate_rows, 'repeats', 'repeat')} another "
                f"row's features ({count_noun(self.duplicate_groups, 'group')} of identical rows); each group was "
                "kept on one side of every split, so no row is scored by a model trained on its copy"
            )
        if self.near_rows > self.duplicate_rows:
            more, s = self.near_rows - self.duplicate_rows, self.near or DEFAULT_NEAR
            parts.append(
                f"{count_noun(more, 'more row')} {verb(more, 'is a near-duplicate', 'are near-duplicates')} (equal "
                f"after normalising case, spacing, punctuation and rounding to {s.significant_digits} significant "
                f"digits, or within {s.threshold:g} x the median nearest-neighbour distance): "
                f"{count_noun(self.near_groups, 'group')} in all {verb(self.near_groups, 'was', 'were')} kept on "
                "one side"
            )
        if self.group_column is not None:
            parts.append(
                f"rows sharing a value of '{self.group_column}' ({self.column_groups:,} values) were kept together"
            )
        if not parts:
            return None
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": self.n_groups,
            "duplicate_groups_kept_together": self.duplicate_groups,
            "rows_in_duplicate_groups": self.duplicate_rows,
            "group_column": self.group_column,
            "group_column_values": self.column_groups,
            "near_duplicate_groups_kept_together": self.near_groups,
            "rows_in_near_duplicate_groups": self.near_rows,
        }


def _codes(frame: pd.DataFrame) -> np.ndarray:
    """One integer per distinct row of ``frame`` (all its columns; NaN equals NaN)."""
    if frame.shape[1] == 0:
        return np.arange(len(frame), dtype=np.int64)
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return pd.factorize(hashes)[0].astype(np.int64)


def row_groups(
    frame: pd.DataFrame, *, exclude: Sequence[str] = (), group: str | None = None,
    near: NearDuplicateSettings | None = DEFAULT_NEAR,
) -> RowGroups:
    """Group the rows of ``frame`` that must stay together in every split.

    Parameters
    ----------
    frame : DataFrame
        The rows to split, in order.
    exclude : column names
        Columns that do not define a row's identity (the target; identifiers).
    group : str, optional
        A column whose rows of one value belong together (patient, user, session).
        It is not part of the duplicate key.
    near : NearDuplicateSettings or None
        How near-duplicates are found (``None``: exact duplicates only).

    Raises
    ------
    ColumnNotFoundError
        For a group column that is not in ``frame``.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1, 1, 2, 3], "p": ["a", "b", "b", "c"], "y": [0, 1, 0, 1]})
    >>> g = row_groups(df, exclude=["y", "p"])
    >>> g.ids.tolist(), g.duplicate_groups
    ([0, 0, 1, 2], 1)
    >>> row_groups(df, exclude=["y"], group="p").ids.tolist()  # rows 0-1 identical, rows 1-2 same 'p'
    [0, 0, 0, 1]
    """
    if group is not None and group not in frame.columns:
        raise ColumnNotFoundError(
            f"The group column '{group}' is not in the data. Choose one of its columns.",
            column=group, available=[str(c) for c in frame.columns],
        )
    drop = {c for c in exclude if c in frame.columns} | ({group} if group is not None else set())
    key = frame[[c for c in frame.columns if c not in drop]]
    exact = _codes(key)
    sizes = np.bincount(exact)
    duplicate_groups = int((sizes > 1).sum())
    duplicate_rows = int(sizes[sizes > 1].sum())
    dup = _near_codes(key, exact, near)
    near_sizes = np.bincount(dup) if len(dup) else np.zeros(0, dtype=np.int64)
    column_groups = None
    ids = dup
    if group is not None:
        values = frame[group]
        present = values.notna().to_numpy()
        column_groups = int(values.nunique(dropna=True))
        user = np.empty(len(frame), dtype=np.int64)
        user[present] = pd.factorize(values[present])[0]
        # a missing group value is a group of its own
        user[~present] = column_groups + np.arange(int((~present).sum()))
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        n_dup = int(dup.max()) + 1 if len(dup) else 0
        n_user = int(user.max()) + 1 if len(user) else 0
        graph = coo_matrix(
            (np.ones(len(dup)), (dup, n_dup + user)), shape=(n_dup + n_user, n_dup + n_user)
        )
        _, labels = connected_components(graph, directed=False)
        ids = pd.factorize(labels[dup])[0].astype(np.int64)
    return RowGroups(
        ids=ids, n_groups=int(ids.max()) + 1 if len(ids) else 0, duplicate_groups=duplicate_groups,
        duplicate_rows=duplicate_rows, group_column=group, column_groups=column_groups,
        near_groups=int((near_sizes > 1).sum()), near_rows=int(near_sizes[near_sizes > 1].sum()), near=near,
    )


#: Near-duplicate group ids of recently split tables, by content and settings: every comparison planned
#: on one table (each change of strategies, model or folds), its fix and its label-issue folds compute
#: them once. Bounded (least recently used out); keyed by content, so no user sees another's groups.
_NEAR_CACHE: OrderedDict[tuple[str, NearDuplicateSettings], np.ndarray] = OrderedDict()
_NEAR_CACHE_SIZE = 8
_NEAR_LOCK = threading.Lock()


def _fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's column names, dtypes and every row's values (pandas' row hashes)."""
    digest = hashlib.sha256(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _cached_near_ids(distinct: pd.DataFrame, near: NearDuplicateSettings) -> np.ndarray:
    """``near_groups(distinct, near).ids``, computed once per table content and settings."""
    key = (_fingerprint(distinct), near)
    with _NEAR_LOCK:
        if key in _NEAR_CACHE:
            _NEAR_CACHE.move_to_end(key)
            return _NEAR_CACHE[key]
    ids = near_groups(distinct, near).ids.copy()
    ids.flags.writeable = False
    with _NEAR_LOCK:
        _NEAR_CACHE[key] = ids
        while len(_NEAR_CACHE) > _NEAR_CACHE_SIZE:
            _NEAR_CACHE.popitem(last=False)
    return ids


def _near_codes(key: pd.DataFrame, exact: np.ndarray, near: NearDuplicateSettings | None) -> np.ndarray:
    """Near-duplicate group codes, computed once per distinct row (exact duplicates share a code already)."""
    if near is None or key.shape[1] == 0 or not len(key):
        return exact
    first = np.unique(exact, return_index=True)[1]  # one row per exact group, in code order
    ids = _cached_near_ids(key.iloc[first].reset_index(drop=True), near)
    return pd.factorize(ids[exact])[0].astype(np.int64)


def require_rows_per_class(counts: np.ndarray, classes: Sequence[Any], folds: int, target: str) -> None:
    """Refuse a stratified ``folds``-fold split when a class has fewer rows than folds, saying what would help.

    A class of one row cannot be both held out and trained on, whatever the folds: fewer folds would not help.

    >>> require_rows_per_class(np.array([9, 1]), ["a", "b"], 5, "y")
    Traceback (most recent call last):
    ...
    analysis.errors.TooFewRowsError: Class 'b' of 'y' has 1 row: no cross-validation can both test on it and train on it. Merge it into another class or drop its row, or collect more rows of that class.
    """
    smallest = int(counts.min())
    if smallest >= folds:
        return
    label = classes[int(counts.argmin())]
    if smallest <= 1:
        raise TooFewRowsError(
            f"Class {label!r} of '{target}' has {count_noun(smallest, 'row')}: no cross-validation can both test on "
            "it and train on it. Merge it into another class or drop its row, or collect more rows of that class.",
            column=target,
        )
    raise TooFewRowsError(
        f"Class {label!r} of '{target}' has {count_noun(smallest, 'row')}; stratified {folds}-fold cross-validation "
        f"needs at least {folds} of every class. Use at most {smallest} folds, or collect more rows of that class.",
        column=target,
    )


def _check_groups(groups: RowGroups, y: np.ndarray, folds: int, classes: Sequence[Any] | None) -> None:
    """Every class must occur in at least ``folds`` groups, or some fold cannot hold it."""
    pairs = np.unique(np.column_stack([np.asarray(y, dtype=np.int64), groups.ids]), axis=0)
    per_class = np.bincount(pairs[:, 0])
    worst = int(per_class.argmin())
    if int(per_class.min()) < folds:
        label = classes[worst] if classes is not None else worst
        why = (
            f"rows sharing a value of '{groups.group_column}' or identical features"
            if groups.group_column is not None else "identical or near-identical features"
        )
        fewest = int(per_class.min())
        # one group cannot be both tested on and trained on: no number of folds helps (as require_rows_per_class)
        advice = (f"Use at most {fewest} folds, remove the duplicate rows," if fewest >= 2 else
                  "No number of folds can both test on it and train on it: remove the duplicate rows, merge the "
                  "class into another,")
        raise TooFewRowsError(
            f"Class {label!r} occurs in only {count_noun(fewest, 'group')} of rows that must stay together "
            f"({why}); {folds}-fold cross-validation that keeps each group on one side needs at least {folds}. "
            f"{advice} or collect more rows of that class."
        )


def kfold_splits(
    groups: RowGroups, y: np.ndarray, *, folds: int, repeats: int = 1, seed: int = 0,
    classes: Sequence[Any] | None = None,
) -> tuple[Split, ...]:
    """Stratified k-fold splits (``folds x repeats``) that keep every group on one side.

    ``y`` holds class codes. Without groups larger than one row the splits are
    exactly ``RepeatedStratifiedKFold(folds, repeats, random_state=seed)``'s;
    otherwise repeat ``r`` is ``StratifiedGroupKFold(folds, shuffle=True)`` with a
    seed drawn from ``seed``.

    Raises
    ------
    TooFewRowsError
        When a class occurs in fewer than ``folds`` groups.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    >>> g = row_groups(pd.DataFrame({"x": [1, 1, 2, 3, 4, 5, 5, 6]}))
    >>> splits = kfold_splits(g, y, folds=2, seed=0)
    >>> all(set(g.ids[tr]).isdisjoint(g.ids[te]) for tr, te in splits)
    True
    """
    if groups.trivial:
        from sklearn.model_selection import RepeatedStratifiedKFold

        cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
        return tuple((tr.astype(np.int64), te.astype(np.int64)) for tr, te in cv.split(np.zeros(len(y)), y))
    _check_groups(groups, y, folds, classes)
    rng = np.random.RandomState(seed)
    everything = np.arange(len(y), dtype=np.int64)
    out: list[Split] = []
    for _ in range(repeats):
        # StratifiedGroupKFold(folds, shuffle=True, random_state=<drawn seed>)'s folds, 20x faster (_group_folds)
        for test in stratified_group_test_folds(y, groups.ids, folds, int(rng.randint(2**31 - 1))):
            out.append((np.setdiff1d(everything, test, assume_unique=True), test.astype(np.int64)))
    return tuple(out)


class DuplicateSplitWarning(UserWarning):
    """Identical rows could not all be kept on one side: the split fell back to plain stratified folds."""


def duplicate_safe_kfold(x: pd.DataFrame, y: np.ndarray, *, folds: int, seed: int = 0) -> tuple[Split, ...]:
    """One round of stratified k-fold over ``x``'s rows with identical rows kept together (for ``cv=``).

    When some class occurs in fewer than ``folds`` groups of identical rows (a
    table of a handful of distinct rows), group-keeping folds cannot hold every
    class: the plain stratified folds are returned and a
    :class:`DuplicateSplitWarning` says so (label issues still needs a
    prediction for every row).

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1, 1, 2, 3, 4, 5, 6, 7]})
    >>> len(duplicate_safe_kfold(x, np.array([0, 0, 0, 0, 1, 1, 1, 1]), folds=2))
    2
    """
    groups = row_groups(x)
    try:
        return kfold_splits(groups, np.asarray(y), folds=folds, seed=seed)
    except TooFewRowsError as exc:
        import warnings

        warnings.warn(f"{exc} Plain stratified folds were used instead.", DuplicateSplitWarning, stacklevel=2)
        trivial = RowGroups(ids=np.arange(len(y)), n_groups=len(y), duplicate_groups=0, duplicate_rows=0)
        return kfold_splits(trivial, np.asarray(y), folds=folds, seed=seed)


def holdout_split(
    groups: RowGroups, y: np.ndarray, *, test_size: float, seed: int = 0, classes: Sequence[Any] | None = None,
) -> Split:
    """A stratified train/test split of row positions that keeps every group on one side (sorted positions).

    Raises
    ------
    TooFewRowsError
        When some class cannot be on both sides (fewer than 2 rows, or all its rows in one group).

    Examples
    --------
    >>> y = np.array([0] * 8 + [1] * 4)
    >>> g = row_groups(pd.DataFrame({"x": [1, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 10]}))
    >>> train, test = holdout_split(g, y, test_size=0.25, seed=0)
    >>> len(test), set(g.ids[train]).isdisjoint(g.ids[test])
    (3, True)
    """
    y = np.asarray(y)
    n_classes = int(y.max()) + 1 if len(y) else 0
    counts = np.bincount(y, minlength=n_classes)
    name = (lambda k: classes[k]) if classes is not None else (lambda k: k)
    if counts.min() < 2:
        k = int(counts.argmin())
        raise TooFewRowsError(
            f"A stratified test split needs at least 2 rows of every class; class {name(k)!r} has "
            f"{int(counts[k])}. Turn holdout-safe mode off."
        )
    positions = np.arange(len(y))
    if groups.trivial:
        from sklearn.model_selection import train_test_split

        try:
            train, test = train_test_split(positions, test_size=float(test_size), stratify=y, random_state=seed)
        except ValueError as exc:
            raise TooFewRowsError(f"The test split cannot be made: {exc} Choose another test size.") from None
        return np.sort(train), np.sort(test)
    per_group = np.zeros((groups.n_groups, n_classes), dtype=np.int64)
    np.add.at(per_group, (groups.ids, y), 1)
    rng = np.random.RandomState(seed)
    order = rng.permutation(groups.n_groups)
    order = order[np.argsort(-per_group[order].sum(axis=1), kind="stable")]  # large groups first
    target = counts * float(test_size)
    in_test = np.zeros(groups.n_groups, dtype=bool)
    taken = np.zeros(n_classes, dtype=float)
    for g in order:
        now = ((taken - target) ** 2).sum()
        after = ((taken + per_group[g] - target) ** 2).sum()
        if after < now:
            in_test[g] = True
            taken += per_group[g]
    test_rows = in_test[groups.ids]
    for k in range(n_classes):
        on_test = int((test_rows & (y == k)).sum())
        if on_test == 0 or on_test == counts[k]:
            raise TooFewRowsError(
                f"Class {name(k)!r} cannot be on both sides of a test split that keeps groups of rows together "
                f"(identical rows{' or one ' + repr(groups.group_column) if groups.group_column else ''}): "
                f"its {int(counts[k])} rows fall in too few groups. Choose another test size or turn holdout-safe "
                "mode off."
            )
    return positions[~test_rows], positions[test_rows]


def holdout_keeps_together(test_size: float | None, group: str | None) -> str | None:
    """What a recipe says :func:`holdout_split` kept on one side (None without a holdout).

    >>> holdout_keeps_together(0.2, "patient").endswith("and rows sharing a value of 'patient'")
    True
    >>> holdout_keeps_together(None, "patient") is None
    True
    """
    if test_size is None:
        return None
    return ("rows with identical or near-identical values in every column but the target and identifiers"
            + (f", and rows sharing a value of '{group}'" if group is not None else ""))
