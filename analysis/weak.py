"""Weak supervision: labeling-function (LF) statistics, a label model, and programmatic labels.

Each labeling function votes one label per item or abstains. The votes form a
matrix (items x LFs) that is summarised with Snorkel's definitions
(``snorkel.labeling.LFAnalysis``, checked against its source and docstring
examples):

* *polarity*: the set of labels an LF emits;
* *coverage*: share of items the LF labels (does not abstain on);
* *overlaps*: share of items the LF labels and at least one other LF labels;
* *conflicts*: share of items the LF labels and at least one other LF labels
  differently (an item with two or more distinct labels among its votes);
* with gold labels (partial allowed): *correct*, *incorrect* (votes on items
  whose gold label is known) and *empirical accuracy* = correct / (correct + incorrect).

For the whole set: total coverage (items with at least one vote), the share of
items with two or more votes / conflicting votes, pairwise overlap and conflict
matrices (share of items both LFs label / label differently) and the class
balance of the votes.

The label model is Dawid-Skene EM, the one implementation in
:func:`analysis.em.dawid_skene` that the label-quality consensus uses too,
called with ``abstain_as_output=True``: an *abstain is an observed outcome*.
Each LF ``s`` has a ``K x (K + 1)`` table ``P(output | true class)``
(:attr:`LabelModel.outputs` puts P(abstain | class) first). A keyword LF that
only ever says "positive" carries its evidence in *when* it fires; treating
its abstains as missing (plain Dawid-Skene) would make it uninformative.
Snorkel's label model (Ratner et al., 2019) models abstains the same way. The
EM runs on blocks of LFs whose joint outputs are coded as one small integer,
so an iteration costs a few gathers and weighted ``bincount`` passes over the
items (about one majority-vote pass; see ``benchmarks/bench_weak.py``). With
every LF voting on every item and no smoothing the model *is* plain
Dawid-Skene, and the tests check that both settings agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .em import DawidSkene, MajorityVote, dawid_skene, majority_vote, vote_counts
from .errors import (
    AbstainOnlyError,
    GoldLabelError,
    LFLabelError,
    WeakSupervisionError,
    format_columns,
    require_column,
)

__all__ = [
    "DEFAULT_ABSTAIN",
    "LFMatrix",
    "LFStats",
    "LFSummary",
    "LabelModel",
    "WeakLabels",
    "label_model",
    "lf_matrix",
    "lf_summary",
    "parse_class_prior",
    "weak_labels",
    "with_weak_labels",
]

#: Value of an LF column meaning "no vote" (empty cells abstain too).
DEFAULT_ABSTAIN = -1
_MAX_CLASSES = 100


# --- encoding ------------------------------------------------------------------
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
    """

    names: tuple[str, ...]
    labels: tuple
    votes: np.ndarray
    abstain: Any = DEFAULT_ABSTAIN
    gold: np.ndarray | None = None
    gold_column: str | None = None
    silent: tuple[str, ...] = ()

    @property
    def n_items(self) -> int:
        return int(self.votes.shape[0])

    @property
    def n_classes(self) -> int:
        return len(self.labels)

    def label_of(self, codes: np.ndarray, *, missing: Any = None) -> np.ndarray:
        """Object array of labels for class codes (``missing`` where the code is ``-1``)."""
        table = np.array(list(self.labels) + [missing], dtype=object)
        return table[np.asarray(codes)]


def _canon(value: Any) -> Any:
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


def _sort_key(value: Any) -> tuple:
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def _is_abstain(value: Any, abstain: Any) -> bool:
    if value == "" or value is None:
        return True
    return abstain is not None and (value == abstain or str(value) == str(abstain))


def _factorize(series: pd.Series, abstain: Any) -> tuple[np.ndarray, list]:
    """Codes into the distinct non-abstain values (``-1`` = abstain or empty) and those values."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = [_canon(u) for u in uniques]
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
    names = [str(c) for c in lfs]
    if not names:
        raise WeakSupervisionError("Choose at least one labeling-function column.")
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise WeakSupervisionError(f"Labeling functions are listed twice: {format_columns(dupes)}.")
    for name in names:
        require_column(df.columns, name, role="labeling-function column")
    if gold is not None:
        require_column(df.columns, gold, role="gold label column")
        if gold in names:
            raise WeakSupervisionError(f"The gold column '{gold}' is also listed as a labeling function; pick another.")
    return _encode(
        {name: df[name] for name in names},
        abstain=_canon(abstain),
        gold=None if gold is None else df[gold],
        gold_column=gold,
        labels=labels,
        allow_silent=allow_silent,
    )


def _encode(
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
            c = _canon(v)
            if c not in classes:
                classes.append(c)
        for name in names:
            outside = sorted(emitted[name] - set(classes), key=_sort_key)
            if outside:
                raise LFLabelError(
                    f"The labeling function '{name}' emits label(s) {format_columns(outside)} outside the classes "
                    f"{format_columns(classes)}. Fix the column, add the label to the classes, or set the abstain "
                    f"value (now {abstain!r}) if it means 'no vote'.",
                    column=name,
                )
    else:
        classes = sorted(set().union(*emitted.values()), key=_sort_key)
    silent = tuple(n for n in names if not emitted[n])
    if len(silent) == len(names):
        raise AbstainOnlyError(
            f"Every labeling function abstains on every row ({format_columns(names)}: only empty cells or the "
            f"abstain value {abstain!r}). Check the abstain value or the LF columns.",
        )
    if silent and not allow_silent:
        raise AbstainOnlyError(
            f"The labeling function(s) {format_columns(silent)} abstain on every row (only empty cells or the "
            f"abstain value {abstain!r}); drop them or check the abstain value.",
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
        unknown = sorted({v for v in values if v is not None and v not in index}, key=_sort_key)
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


# --- LF statistics ---------------------------------------------------------------
@dataclass(frozen=True)
class LFStats:
    """Snorkel's per-LF statistics (shares of all items); gold figures are None without gold."""

    name: str
    polarity: tuple
    coverage: float
    overlaps: float
    conflicts: float
    n_votes: int
    correct: int | None = None
    incorrect: int | None = None
    empirical_accuracy: float | None = None

    def to_dict(self) -> dict:
        out = {
            "name": self.name,
            "polarity": list(self.polarity),
            "coverage": self.coverage,
            "overlaps": self.overlaps,
            "conflicts": self.conflicts,
            "n_votes": self.n_votes,
        }
        if self.correct is not None:
            out.update(correct=self.correct, incorrect=self.incorrect, empirical_accuracy=_json_float(self.empirical_accuracy))
        return out


@dataclass(frozen=True, eq=False)
class LFSummary:
    """Statistics of a set of labeling functions (see the module docstring for the definitions).

    ``pair_overlap[a, b]``: share of items both LFs label (diagonal: coverage).
    ``pair_conflict[a, b]``: share of items both label with different labels.
    ``vote_counts``: votes per class over all LFs (the class balance of the votes).
    """

    lfs: tuple[LFStats, ...]
    labels: tuple
    n_items: int
    total_coverage: float
    overlap: float
    conflict: float
    pair_overlap: np.ndarray
    pair_conflict: np.ndarray
    vote_counts: dict
    n_gold: int | None = None
    silent: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.lfs)

    def to_frame(self) -> pd.DataFrame:
        """One row per LF: name, polarity (text), coverage, overlaps, conflicts, votes (+ gold columns)."""
        frame = pd.DataFrame([s.to_dict() for s in self.lfs])
        frame["polarity"] = [", ".join(str(p) for p in s.polarity) for s in self.lfs]
        return frame

    def pair_frame(self, kind: str = "conflict") -> pd.DataFrame:
        matrix = self.pair_conflict if kind == "conflict" else self.pair_overlap
        return pd.DataFrame(matrix, index=list(self.names), columns=list(self.names))

    def to_dict(self) -> dict:
        total_votes = sum(self.vote_counts.values())
        return {
            "n_items": self.n_items,
            "n_lfs": len(self.lfs),
            "labels": [_json_label(v) for v in self.labels],
            "lfs": [s.to_dict() for s in self.lfs],
            "total_coverage": self.total_coverage,
            "overlap": self.overlap,
            "conflict": self.conflict,
            "pairwise": {
                "names": list(self.names),
                "overlap": self.pair_overlap.tolist(),
                "conflict": self.pair_conflict.tolist(),
            },
            "vote_balance": {
                "counts": {str(k): int(v) for k, v in self.vote_counts.items()},
                "proportions": {str(k): (v / total_votes if total_votes else None) for k, v in self.vote_counts.items()},
            },
            "n_gold": self.n_gold,
            "silent_lfs": list(self.silent),
        }


def lf_summary(matrix: LFMatrix) -> LFSummary:
    """Per-LF and whole-set statistics of the votes (Snorkel's ``LFAnalysis`` definitions).

    Examples
    --------
    Snorkel's documented example matrix (``LFAnalysis`` docstrings):

    >>> L = np.array([[-1, 0, 0], [-1, -1, -1], [1, 0, -1], [-1, 0, -1], [0, 0, 0]])
    >>> s = lf_summary(LFMatrix(names=("a", "b", "c"), labels=(0, 1), votes=L))
    >>> [x.coverage for x in s.lfs], [x.overlaps for x in s.lfs], [x.conflicts for x in s.lfs]
    ([0.4, 0.8, 0.4], [0.4, 0.6, 0.4], [0.2, 0.2, 0.0])
    >>> s.total_coverage, s.overlap, s.conflict
    (0.8, 0.6, 0.2)
    """
    votes = matrix.votes
    n, m = votes.shape
    k = matrix.n_classes
    voted = votes >= 0
    counts = vote_counts(votes, n_classes=k)
    n_votes = counts.sum(axis=1)
    distinct = (counts > 0).sum(axis=1)
    covered, overlapped, conflicted = n_votes >= 1, n_votes >= 2, distinct >= 2
    v32 = voted.astype(np.float32)
    # float32 sums of 0/1 are exact below 2**24 items per LF; beyond, use float64.
    dtype = np.float32 if n < 2**24 else np.float64
    v32 = v32.astype(dtype, copy=False)
    per_lf = np.rint(v32.T @ np.column_stack([np.ones(n, dtype), overlapped, conflicted]).astype(dtype)).astype(np.int64)
    both = np.rint(v32.T @ v32).astype(np.int64)
    agree = np.zeros((m, m), dtype=np.int64)
    for c in range(k):
        onehot = (votes == c).astype(dtype)
        agree += np.rint(onehot.T @ onehot).astype(np.int64)
    denom = max(n, 1)
    pair_overlap = both / denom
    pair_conflict = (both - agree) / denom

    correct = incorrect = n_gold = None
    if matrix.gold is not None:
        correct, incorrect, n_gold = _gold_counts(matrix)
    stats = []
    for j, name in enumerate(matrix.names):
        polarity = tuple(matrix.labels[c] for c in np.flatnonzero(np.bincount(votes[:, j][voted[:, j]], minlength=k)))
        extra = {}
        if correct is not None:
            total = int(correct[j] + incorrect[j])
            extra = dict(
                correct=int(correct[j]),
                incorrect=int(incorrect[j]),
                empirical_accuracy=(int(correct[j]) / total) if total else math.nan,
            )
        stats.append(
            LFStats(
                name=name,
                polarity=polarity,
                coverage=float(per_lf[j, 0] / denom),
                overlaps=float(per_lf[j, 1] / denom),
                conflicts=float(per_lf[j, 2] / denom),
                n_votes=int(per_lf[j, 0]),
                **extra,
            )
        )
    total_counts = counts.sum(axis=0)
    return LFSummary(
        lfs=tuple(stats),
        labels=matrix.labels,
        n_items=n,
        total_coverage=float(covered.sum() / denom),
        overlap=float(overlapped.sum() / denom),
        conflict=float(conflicted.sum() / denom),
        pair_overlap=pair_overlap,
        pair_conflict=pair_conflict,
        vote_counts={lab: int(c) for lab, c in zip(matrix.labels, total_counts)},
        n_gold=n_gold,
        silent=matrix.silent,
    )


def _gold_counts(matrix: LFMatrix) -> tuple[np.ndarray, np.ndarray, int]:
    """Per LF: votes equal to / different from the gold label on rows whose gold is known; and that row count."""
    known = matrix.gold >= 0
    g = matrix.votes[known]
    on = g >= 0
    hit = g == matrix.gold[known][:, None].astype(g.dtype)
    return (hit & on).sum(axis=0), (~hit & on).sum(axis=0), int(known.sum())


# --- label model -------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LabelModel:
    """Majority vote and the generative label model fitted on one :class:`LFMatrix`.

    Attributes
    ----------
    codes, confidence : ndarray
        Label-model class code per item (``-1`` where no LF voted) and its
        posterior probability (nan there).
    posteriors : ndarray, shape (n_items, n_classes)
        P(true class | votes) under the fitted model.
    majority : MajorityVote
        The baseline (ties reported, not broken).
    class_priors : ndarray
        Class balance used (fixed when given, else estimated).
    outputs : ndarray, shape (n_lfs, n_classes, n_classes + 1)
        ``outputs[s, k, 0]`` = P(LF s abstains | class k); ``outputs[s, k, j + 1]``
        = P(LF s votes j | class k).
    learned_accuracy : ndarray
        Per LF: expected share of its votes that are right under the model
        (comparable with the empirical accuracy on gold).
    gold_accuracy : dict, optional
        Accuracy on the gold rows of majority vote (non-tied items) and of the
        label model fitted *without* the gold labels (so it is not graded on
        answers it was given), on the same items.
    fit : analysis.em.DawidSkene
        The :func:`analysis.em.dawid_skene` result (``abstain_as_output=True``)
        the fields above come from: the same EM as the annotator consensus.
    """

    matrix: LFMatrix
    codes: np.ndarray
    confidence: np.ndarray
    posteriors: np.ndarray
    majority: MajorityVote
    class_priors: np.ndarray
    prior_fixed: bool
    outputs: np.ndarray
    learned_accuracy: np.ndarray
    log_likelihood: float
    n_iter: int
    converged: bool
    history: tuple[float, ...]
    used_gold: bool
    gold_accuracy: dict | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    iteration_seconds: tuple[float, ...] = ()  # wall time of each EM iteration (benchmarks)
    fit: DawidSkene | None = None  # the analysis.em.dawid_skene result behind the fields above

    @property
    def coverage(self) -> float:
        return float((self.codes >= 0).mean()) if len(self.codes) else 0.0

    @property
    def agreement_with_majority(self) -> float:
        """Share of items with a (non-tied) majority vote whose label-model label is the same."""
        mv = self.majority.labels
        has = mv >= 0
        return float((self.codes[has] == mv[has]).mean()) if has.any() else math.nan

    def agreement_table(self) -> pd.DataFrame:
        """Items by majority-vote outcome (rows: each label, 'tie', 'no vote') and label-model label (columns)."""
        labels = [str(v) for v in self.matrix.labels]
        mv = self.majority.labels.astype(np.int64)
        row = np.where(self.majority.tie, len(labels), np.where(mv >= 0, mv, len(labels) + 1))
        col = np.where(self.codes >= 0, self.codes, len(labels))
        size = (len(labels) + 2) * (len(labels) + 1)
        table = np.bincount(row * (len(labels) + 1) + col, minlength=size).reshape(len(labels) + 2, len(labels) + 1)
        return pd.DataFrame(table, index=labels + ["tie", "no vote"], columns=labels + ["no vote"])

    def accuracy_frame(self) -> pd.DataFrame:
        """Per LF: learned accuracy (label model) beside the empirical one (when gold exists)."""
        frame = pd.DataFrame({"name": list(self.matrix.names), "learned_accuracy": self.learned_accuracy})
        if self.matrix.gold is not None:
            correct, incorrect, _ = _gold_counts(self.matrix)
            total = correct + incorrect
            with np.errstate(invalid="ignore", divide="ignore"):
                frame["empirical_accuracy"] = np.where(total > 0, correct / np.maximum(total, 1), np.nan)
        return frame

    def label_counts(self) -> dict:
        counts = np.bincount(self.codes[self.codes >= 0], minlength=self.matrix.n_classes)
        return {lab: int(c) for lab, c in zip(self.matrix.labels, counts)}

    def to_frame(self) -> pd.DataFrame:
        """Per item: ``weak_label`` (the abstain value where no LF voted) and ``weak_confidence``."""
        return pd.DataFrame(
            {
                "weak_label": self.matrix.label_of(self.codes, missing=self.matrix.abstain),
                "weak_confidence": self.confidence,
            }
        )

    def to_dict(self) -> dict:
        mv = self.majority
        n = max(len(self.codes), 1)
        conf = self.confidence[self.codes >= 0]
        out = {
            "method": "dawid_skene_abstain",
            "coverage": self.coverage,
            "n_labelled": int((self.codes >= 0).sum()),
            "label_counts": {str(k): v for k, v in self.label_counts().items()},
            "mean_confidence": float(conf.mean()) if len(conf) else None,
            "class_priors": {str(k): float(p) for k, p in zip(self.matrix.labels, self.class_priors)},
            "class_prior_fixed": self.prior_fixed,
            "learned_accuracy": {name: _json_float(a) for name, a in zip(self.matrix.names, self.learned_accuracy)},
            "n_iter": self.n_iter,
            "converged": self.converged,
            "log_likelihood": self.log_likelihood,
            "used_gold": self.used_gold,
            "majority_vote": {
                "coverage": float((mv.labels >= 0).sum() / n),
                "n_ties": mv.n_ties,
            },
            "agreement_with_majority": _json_float(self.agreement_with_majority),
            "notes": list(self.notes),
        }
        if self.gold_accuracy is not None:
            out["gold_accuracy"] = {k: _json_float(v) if isinstance(v, float) else v for k, v in self.gold_accuracy.items()}
        return out


def label_model(
    matrix: LFMatrix,
    *,
    class_prior: Sequence[float] | dict | None = None,
    use_gold: bool = True,
    max_iter: int = 200,
    tol: float = 1e-7,
    smoothing: float = 0.01,
) -> LabelModel:
    """Combine LF votes: majority vote (baseline) and the Dawid-Skene label model with abstains as outcomes.

    Parameters
    ----------
    matrix : LFMatrix
    class_prior : sequence of float or dict, optional
        Class balance (one positive number per class, or ``{label: share}``);
        fixed when given, else estimated by EM.
    use_gold : bool
        Fix the rows with a gold label to it (anchors the LF accuracies).
        The reported gold accuracy is then measured with a second fit without gold.
    max_iter, tol, smoothing
        As :func:`analysis.em.dawid_skene` (``smoothing`` must be > 0 here: an
        output an LF never gave, e.g. abstaining for an LF that always votes,
        stays improbable rather than impossible).

    Returns
    -------
    LabelModel

    Raises
    ------
    WeakSupervisionError
        For a bad class prior or EM settings.

    Examples
    --------
    >>> votes = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 0, 1], [-1, -1, -1]])
    >>> lm = label_model(LFMatrix(names=("a", "b", "c"), labels=("neg", "pos"), votes=votes))
    >>> lm.codes.tolist(), lm.to_frame()["weak_label"].tolist()
    ([0, 1, 0, 1, -1], ['neg', 'pos', 'neg', 'pos', -1])
    """
    k = matrix.n_classes
    prior = _check_prior(class_prior, matrix.labels)
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1) or not tol >= 0 or not smoothing > 0:
        raise WeakSupervisionError("max_iter must be an integer >= 1, tol >= 0 and smoothing > 0.")
    votes = matrix.votes
    majority = majority_vote(votes, n_classes=k)
    known = matrix.gold if (use_gold and matrix.gold is not None and (matrix.gold >= 0).any()) else None
    settings = dict(
        n_classes=k, class_prior=prior, max_iter=max_iter, tol=tol, smoothing=smoothing, abstain_as_output=True
    )
    fit = dawid_skene(votes, known=known, **settings)
    covered = majority.n_votes > 0
    codes = np.where(covered, fit.labels, -1)
    confidence = np.where(covered, fit.confidence, np.nan)
    notes = []
    if not fit.converged:
        notes.append(f"EM stopped after {fit.n_iter} iterations without converging (tolerance {tol:g}).")
    n_uncovered = int((~covered).sum())
    if n_uncovered:
        keep = "stay empty" if matrix.abstain is None else f"keep the abstain value {matrix.abstain!r}"
        notes.append(f"{n_uncovered:,} item(s) have no LF vote and {keep}.")
    gold_accuracy = None
    if matrix.gold is not None and (matrix.gold >= 0).any():
        blind = fit if known is None else dawid_skene(votes, **settings)
        gold_accuracy = _gold_accuracy(matrix.gold, majority, blind.posteriors, covered)
        if known is not None:
            notes.append(
                f"{int((known >= 0).sum()):,} gold row(s) are fixed to their gold label; accuracy on gold is measured "
                "with a second fit that did not see them."
            )
    return LabelModel(
        matrix=matrix,
        codes=codes,
        confidence=confidence,
        posteriors=fit.posteriors,
        majority=majority,
        class_priors=fit.class_priors,
        prior_fixed=prior is not None,
        outputs=np.concatenate([fit.confusion[:, :, -1:], fit.confusion[:, :, :-1]], axis=2),
        learned_accuracy=fit.vote_accuracy,
        log_likelihood=fit.log_likelihood,
        n_iter=fit.n_iter,
        converged=fit.converged,
        history=fit.history,
        used_gold=known is not None,
        gold_accuracy=gold_accuracy,
        notes=tuple(notes),
        iteration_seconds=fit.iteration_seconds,
        fit=fit,
    )


def parse_class_prior(text: str | None) -> dict | None:
    """Read a class balance typed as ``label=share`` pairs (``None`` or blank: no prior).

    Examples
    --------
    >>> parse_class_prior("pos=0.3, neg=0.7")
    {'pos': 0.3, 'neg': 0.7}
    """
    if text is None or not text.strip():
        return None
    out = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        label, sep, share = part.rpartition("=")
        try:
            value = float(share)
        except ValueError:
            value = None
        if not sep or not label.strip() or value is None:
            raise WeakSupervisionError(f"The class prior expects label=share pairs such as pos=0.3,neg=0.7; got '{part}'.")
        out[label.strip()] = value
    return out


def _check_prior(class_prior, labels: tuple) -> np.ndarray | None:
    if class_prior is None:
        return None
    if isinstance(class_prior, dict):
        given = {_canon(k): v for k, v in class_prior.items()}
        missing = [lab for lab in labels if lab not in given]
        extra = [k for k in given if k not in labels]
        if missing or extra:
            raise WeakSupervisionError(
                f"The class prior must give one share per class {format_columns(labels)}; "
                f"missing {format_columns(missing) or 'none'}, unknown {format_columns(extra) or 'none'}."
            )
        class_prior = [given[lab] for lab in labels]
    try:
        prior = np.asarray(class_prior, dtype=float)
    except (TypeError, ValueError):
        raise WeakSupervisionError(f"The class prior must be numbers; got {class_prior!r}.") from None
    if prior.shape != (len(labels),) or not np.isfinite(prior).all() or (prior <= 0).any():
        raise WeakSupervisionError(
            f"The class prior needs {len(labels)} positive numbers, one per class {format_columns(labels)}; "
            f"got {prior.tolist()}."
        )
    return prior / prior.sum()


def _gold_accuracy(gold: np.ndarray, majority: MajorityVote, post: np.ndarray, covered: np.ndarray) -> dict:
    known = gold >= 0
    on = known & covered
    mv_ok = known & (majority.labels >= 0)
    lm_codes = post.argmax(axis=1)
    return {
        "n_gold": int(known.sum()),
        "n_gold_covered": int(on.sum()),
        "label_model": float((lm_codes[on] == gold[on]).mean()) if on.any() else math.nan,
        "n_gold_majority": int(mv_ok.sum()),
        "majority_vote": float((majority.labels[mv_ok] == gold[mv_ok]).mean()) if mv_ok.any() else math.nan,
        "label_model_same_items": float((lm_codes[mv_ok] == gold[mv_ok]).mean()) if mv_ok.any() else math.nan,
    }


# --- everything at once --------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class WeakLabels:
    """LF summary and label model of one LF set: what the CLI prints and the page shows."""

    summary: LFSummary
    model: LabelModel

    def to_dict(self) -> dict:
        out = self.summary.to_dict()
        learned = self.model.learned_accuracy
        for entry, acc in zip(out["lfs"], learned):
            entry["learned_accuracy"] = _json_float(acc)
        out["abstain"] = _json_label(self.model.matrix.abstain)
        out["gold"] = self.model.matrix.gold_column
        out["label_model"] = self.model.to_dict()
        return out

    def to_frame(self) -> pd.DataFrame:
        frame = self.summary.to_frame()
        frame["learned_accuracy"] = self.model.learned_accuracy
        return frame


def weak_labels(
    df: pd.DataFrame,
    *,
    lfs: Sequence[str],
    abstain: Any = DEFAULT_ABSTAIN,
    gold: str | None = None,
    labels: Sequence[Any] | None = None,
    class_prior: Sequence[float] | dict | None = None,
    allow_silent: bool = False,
) -> WeakLabels:
    """Encode LF columns, summarise them and fit the label model.

    Parameters are those of :func:`lf_matrix` and :func:`label_model`.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 1, 0, -1], "b": [1, 0, 0, -1], "c": [1, 1, -1, -1]})
    >>> w = weak_labels(df, lfs=["a", "b", "c"])
    >>> w.summary.total_coverage, w.model.to_frame()["weak_label"].tolist()
    (0.75, [1, 1, 0, -1])
    """
    matrix = lf_matrix(df, lfs=lfs, abstain=abstain, gold=gold, labels=labels, allow_silent=allow_silent)
    return WeakLabels(lf_summary(matrix), label_model(matrix, class_prior=class_prior))


def with_weak_labels(df: pd.DataFrame, model: LabelModel) -> pd.DataFrame:
    """A copy of ``df`` with ``weak_label`` and ``weak_confidence`` appended (replaced if present).

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "y", None], "b": ["x", "x", None]})
    >>> lm = label_model(lf_matrix(df, lfs=["a", "b"], labels=["x", "y"]))
    >>> with_weak_labels(df, lm).columns.tolist()
    ['a', 'b', 'weak_label', 'weak_confidence']
    """
    if len(model.codes) != len(df):
        raise WeakSupervisionError(
            f"The label model has {len(model.codes):,} rows but the data {len(df):,}; fit it on this data."
        )
    out = df.copy()
    frame = model.to_frame()
    out["weak_label"] = frame["weak_label"].to_numpy()
    out["weak_confidence"] = frame["weak_confidence"].to_numpy()
    return out


def _json_float(x) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def _json_label(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v
