"""Annotator agreement and consensus labels.

Several annotator columns rate the same items (rows); empty cells are skipped
ratings and are normal. Every statistic uses all *pairable* ratings (an item
with at least two ratings); nothing is dropped row-wise.

What is computed and from where
-------------------------------
* Krippendorff's alpha at the nominal, ordinal, interval or ratio level: the
  ``krippendorff`` package, fed the items x categories value counts.
* Fleiss' kappa: statsmodels' ``fleiss_kappa`` when every pairable item has
  the same number of ratings. With unequal numbers the usual generalisation is
  used: each item's agreement ``P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1))``
  is averaged over the items with at least two ratings, and the chance
  agreement uses the category shares of all their ratings. It equals Fleiss'
  formula when the numbers are equal; items with a single rating are left out.
* Cohen's kappa per pair of annotators on the items both rated, from their
  confusion matrix with scikit-learn's formula (``cohen_kappa_score``, checked
  equal in the tests), and its linear and quadratic weighted forms at the
  ordinal level or finer (category distance = position in the order).
* Percent agreement: the share of agreeing pairs of ratings per item, averaged
  over pairable items (Fleiss' observed agreement). ``unanimous_share`` is the
  share of pairable items whose ratings all agree.
* Category-specific agreement (Fleiss 1971; Uebersax): for category ``c``,
  ``sum_i n_ic (n_ic - 1) / sum_i n_ic (n_i - 1)``; with two annotators this is
  the classic ``2a / (2a + b + c)``.
* Per annotator: agreement with the other annotators' ratings of the same
  items, mean Cohen's kappa with each of them, and agreement with the
  *consensus of the others* (the majority vote of the other annotators, so an
  annotator's own vote does not inflate it; tied items are left out), with
  their most frequent confusion.

Wording
-------
Kappas carry the Landis and Koch (1977) bands: below 0 poor, to 0.20 slight,
0.40 fair, 0.60 moderate, 0.80 substantial, above almost perfect. Alpha carries
Krippendorff's (2004, p. 241) advice: rely on data with alpha >= 0.800, draw
only tentative conclusions from 0.667 <= alpha < 0.800, not above.

Example
-------
>>> df = pd.DataFrame({"a": ["x", "y", "x", "x"], "b": ["x", "y", "y", None], "c": ["x", "y", "x", "x"]})
>>> r = agreement(df, annotators=["a", "b", "c"])
>>> round(r.krippendorff_alpha, 3), r.alpha_verdict, r.n_items
(0.643, 'unreliable', 4)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import krippendorff
import numpy as np
import pandas as pd

from .em import DawidSkene, MajorityVote, _counts, _majority, dawid_skene
from .errors import AnnotationError, ColumnNotFoundError, LabelOrderError, format_columns, require_column
from .schema import MAX_TARGET_CLASSES

__all__ = [
    "LEVELS",
    "Agreement",
    "AgreementIntervals",
    "AnnotatorAgreement",
    "CategoryAgreement",
    "Consensus",
    "PairAgreement",
    "Ratings",
    "agreement",
    "alpha_verdict",
    "bootstrap_agreement",
    "consensus_labels",
    "disputed_items",
    "encode_ratings",
    "landis_koch",
    "with_consensus",
]

LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
_LANDIS_KOCH = ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))
ALPHA_RELIABLE, ALPHA_TENTATIVE = 0.800, 0.667


def landis_koch(kappa: float) -> str:
    """Landis and Koch (1977) wording for a kappa.

    Examples
    --------
    >>> [landis_koch(k) for k in (-0.1, 0.1, 0.3, 0.5, 0.7, 0.9)]
    ['poor', 'slight', 'fair', 'moderate', 'substantial', 'almost perfect']
    """
    if kappa is None or not math.isfinite(kappa):
        return "undefined"
    for upper, word in _LANDIS_KOCH:
        if kappa < upper or (upper > 0 and kappa <= upper):
            return word
    return "almost perfect"


def alpha_verdict(alpha: float) -> str:
    """Krippendorff's advice: 'reliable' (>= 0.800), 'tentative' (>= 0.667) or 'unreliable'.

    Examples
    --------
    >>> alpha_verdict(0.81), alpha_verdict(0.7), alpha_verdict(0.5)
    ('reliable', 'tentative', 'unreliable')
    """
    if alpha is None or not math.isfinite(alpha):
        return "undefined"
    if alpha >= ALPHA_RELIABLE:
        return "reliable"
    return "tentative" if alpha >= ALPHA_TENTATIVE else "unreliable"


_ALPHA_TEXT = {
    "reliable": "alpha >= 0.800: the labels are reliable enough to rely on (Krippendorff).",
    "tentative": "0.667 <= alpha < 0.800: good enough only for tentative conclusions (Krippendorff).",
    "unreliable": "alpha < 0.667: the annotators agree too little to rely on their labels (Krippendorff). "
    "Tighten the guidelines, retrain or replace weak annotators, or model annotator reliability.",
    "undefined": "alpha is undefined: every pairable rating uses the same label, so there is no variation to agree on.",
}


# --- encoding ----------------------------------------------------------------
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
        require_column(df.columns, name, role="annotator column")

    columns = [df[n] for n in names]
    numeric = all(
        pd.api.types.is_numeric_dtype(c.dtype) and not pd.api.types.is_bool_dtype(c.dtype) for c in columns
    )
    per_column = _small_integer_codes(columns) if numeric else None
    if per_column is None:
        per_column = []
        for column in columns:
            codes, uniques = pd.factorize(column.astype(float) if numeric else column, use_na_sentinel=True)
            per_column.append((codes, [_plain(u, numeric) for u in uniques]))
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


# --- results -------------------------------------------------------------------
@dataclass(frozen=True)
class PairAgreement:
    a: str
    b: str
    n_items: int
    percent_agreement: float
    cohen_kappa: float
    cohen_kappa_linear: float | None = None
    cohen_kappa_quadratic: float | None = None

    @property
    def verdict(self) -> str:
        return landis_koch(self.cohen_kappa)

    def to_dict(self, weighted: bool) -> dict:
        out = {
            "a": self.a,
            "b": self.b,
            "n_items": self.n_items,
            "percent_agreement": self.percent_agreement,
            "cohen_kappa": self.cohen_kappa,
            "verdict": self.verdict,
        }
        if weighted:
            out["cohen_kappa_linear"] = self.cohen_kappa_linear
            out["cohen_kappa_quadratic"] = self.cohen_kappa_quadratic
        return out


@dataclass(frozen=True)
class CategoryAgreement:
    category: Any
    n_ratings: int
    specific_agreement: float

    def to_dict(self) -> dict:
        return {"category": _json(self.category), "n_ratings": self.n_ratings, "specific_agreement": self.specific_agreement}


@dataclass(frozen=True)
class AnnotatorAgreement:
    """One annotator against the others.

    ``agreement_with_others``: share of pairs (this annotator's rating, another's
    rating of the same item) that agree. ``agreement_with_consensus``: share of
    their ratings equal to the majority vote of the *other* annotators (items
    where the others tie or are fewer than one are left out; ``n_consensus``
    counts the rest). ``most_confused``: the most frequent (consensus, given)
    disagreement, with its count.
    """

    annotator: str
    n_ratings: int
    agreement_with_others: float
    mean_kappa_with_others: float
    agreement_with_consensus: float
    kappa_with_consensus: float
    n_consensus: int
    most_confused: tuple[Any, Any, int] | None
    confusion_with_consensus: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict:
        mc = self.most_confused
        return {
            "annotator": self.annotator,
            "n_ratings": self.n_ratings,
            "agreement_with_others": self.agreement_with_others,
            "mean_kappa_with_others": self.mean_kappa_with_others,
            "agreement_with_consensus": self.agreement_with_consensus,
            "kappa_with_consensus": self.kappa_with_consensus,
            "n_consensus": self.n_consensus,
            "most_confused": None if mc is None else {"consensus": _json(mc[0]), "given": _json(mc[1]), "count": mc[2]},
        }


@dataclass(frozen=True, eq=False)
class Agreement:
    """Everything the agreement view shows, for one set of annotator columns and a level.

    ``to_dict()`` is what ``dataset-diagnostics agreement --format json`` prints.
    Per-item detail (``items_frame``, ``disputed``) is built on request.
    """

    ratings: Ratings
    n_items: int
    n_rated_items: int
    n_pairable_items: int
    n_ratings: int
    percent_agreement: float
    unanimous_share: float
    krippendorff_alpha: float
    fleiss_kappa: float
    fleiss_method: str
    pairwise: tuple[PairAgreement, ...]
    categories: tuple[CategoryAgreement, ...]
    annotators: tuple[AnnotatorAgreement, ...]
    majority: MajorityVote
    notes: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        return self.ratings.level

    @property
    def weighted(self) -> bool:
        return self.level != "nominal"

    @property
    def alpha_verdict(self) -> str:
        return alpha_verdict(self.krippendorff_alpha)

    @property
    def alpha_text(self) -> str:
        return _ALPHA_TEXT[self.alpha_verdict]

    @property
    def fleiss_verdict(self) -> str:
        return landis_koch(self.fleiss_kappa)

    @property
    def entropy(self) -> np.ndarray:
        """Shannon entropy (bits) of each item's vote distribution (0 = unanimous; nan without votes)."""
        counts = self.majority.counts.astype(float)
        n = counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = counts / n
            terms = np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1)), 0.0)
        out = terms.sum(axis=1)
        out[n[:, 0] == 0] = np.nan
        return out

    def to_dict(self) -> dict:
        return {
            "n_items": self.n_items,
            "n_annotators": len(self.ratings.annotators),
            "annotators": list(self.ratings.annotators),
            "level": self.level,
            "categories": [_json(c) for c in self.ratings.categories],
            "n_rated_items": self.n_rated_items,
            "n_pairable_items": self.n_pairable_items,
            "n_ratings": self.n_ratings,
            "percent_agreement": self.percent_agreement,
            "unanimous_share": self.unanimous_share,
            "krippendorff_alpha": self.krippendorff_alpha,
            "alpha_verdict": self.alpha_verdict,
            "fleiss_kappa": self.fleiss_kappa,
            "fleiss_verdict": self.fleiss_verdict,
            "fleiss_method": self.fleiss_method,
            "pairwise": [p.to_dict(self.weighted) for p in self.pairwise],
            "category_agreement": [c.to_dict() for c in self.categories],
            "annotator_agreement": [a.to_dict() for a in self.annotators],
            "majority_ties": self.majority.n_ties,
            "notes": list(self.notes),
        }

    def pairwise_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame([p.to_dict(True) for p in self.pairwise])
        if not self.weighted:
            frame = frame.drop(columns=["cohen_kappa_linear", "cohen_kappa_quadratic"])
        return frame

    def kappa_matrix(self, weights: str | None = None) -> pd.DataFrame:
        """Annotator x annotator Cohen's kappa (diagonal 1); ``weights`` 'linear'/'quadratic' at ordinal+."""
        key = {None: "cohen_kappa", "linear": "cohen_kappa_linear", "quadratic": "cohen_kappa_quadratic"}[weights]
        names = list(self.ratings.annotators)
        matrix = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
        for p in self.pairwise:
            value = getattr(p, key)
            matrix.loc[p.a, p.b] = matrix.loc[p.b, p.a] = np.nan if value is None else value
        return matrix

    def category_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.to_dict() for c in self.categories]).assign(
            category=[c.category for c in self.categories]
        )

    def annotator_frame(self) -> pd.DataFrame:
        rows = []
        for a in self.annotators:
            d = a.to_dict()
            mc = a.most_confused
            d["most_confused"] = None if mc is None else f"{mc[0]} → {mc[1]} ({mc[2]})"
            rows.append(d)
        return pd.DataFrame(rows)

    def confusion(self, a: str, b: str) -> pd.DataFrame:
        """Counts of (a's label, b's label) on the items both rated; rows a, columns b."""
        names = list(self.ratings.annotators)
        for n in (a, b):
            if n not in names:
                raise ColumnNotFoundError(
                    f"'{n}' is not one of the annotators ({format_columns(names)}).", column=n, available=names
                )
        k = self.ratings.n_classes
        conf = _pair_confusion(self.ratings.codes[:, names.index(a)], self.ratings.codes[:, names.index(b)], k)
        labels = [str(c) for c in self.ratings.categories]
        return pd.DataFrame(conf, index=pd.Index(labels, name=a), columns=pd.Index(labels, name=b))

    def items_frame(self) -> pd.DataFrame:
        """One row per item: votes per label, number of votes, majority label, its share, tie, entropy."""
        r = self.ratings
        frame = pd.DataFrame(self.majority.counts, columns=[f"votes_{c}" for c in r.categories])
        frame.insert(0, "row", np.arange(self.n_items))
        frame["n_votes"] = self.majority.n_votes
        frame["majority_label"] = r.label_of(self.majority.labels)
        frame["majority_share"] = self.majority.share
        frame["tie"] = self.majority.tie
        frame["entropy_bits"] = self.entropy
        return frame

    def disputed(self, n: int = 50) -> pd.DataFrame:
        """The ``n`` items with the most spread-out votes (highest entropy, then most votes)."""
        frame = self.items_frame()
        frame = frame[frame["n_votes"] >= 2]
        return frame.sort_values(["entropy_bits", "n_votes", "row"], ascending=[False, False, True]).head(n)


# --- agreement -------------------------------------------------------------------
def agreement(
    df: pd.DataFrame,
    *,
    annotators: Sequence[str],
    level: str = "nominal",
    order: Sequence[Any] | None = None,
) -> Agreement:
    """Inter-annotator agreement of several label columns, with missing ratings allowed.

    Parameters
    ----------
    df : DataFrame
        One row per item, one column per annotator (plus anything else).
    annotators : sequence of str
        The annotator columns (two or more).
    level : {'nominal', 'ordinal', 'interval', 'ratio'}
        Level of measurement of the labels; weighted kappas from 'ordinal' on.
    order : sequence, optional
        Label order, lowest first (needed for text labels beyond nominal).

    Returns
    -------
    Agreement

    Raises
    ------
    ColumnNotFoundError, AnnotationError, LabelOrderError

    Examples
    --------
    >>> df = pd.DataFrame({"r1": [1, 2, 3, 3], "r2": [1, 2, 3, 2]})
    >>> r = agreement(df, annotators=["r1", "r2"], level="ordinal")
    >>> r.percent_agreement, round(r.pairwise[0].cohen_kappa, 4), r.fleiss_method
    (0.75, 0.6364, 'statsmodels')
    """
    ratings = encode_ratings(df, annotators=annotators, level=level, order=order)
    return _agreement(ratings)


def _agreement(ratings: Ratings) -> Agreement:
    codes, k = ratings.codes, ratings.n_classes
    # One indicator row per (annotator, label), items along the columns: the class counts are
    # sums of rows and every pairwise confusion matrix is a block of one matrix product.
    onehot = _indicators(codes, k)
    counts_t = onehot.reshape(codes.shape[1], k, -1).sum(axis=0, dtype=np.int32)  # labels x items
    n_i = counts_t.sum(axis=0)
    pairable = n_i >= 2
    pc_t, pn = counts_t[:, pairable], n_i[pairable]
    notes: list[str] = []

    percent, unanimous = _observed_agreement(pc_t.T, pn)
    alpha = _alpha(pc_t.T, ratings.values, ratings.level)
    fleiss, method = _fleiss(pc_t.T, pn)
    if method == "generalized":
        notes.append(
            "Items have unequal numbers of ratings, so Fleiss' kappa uses its generalisation to "
            "varying numbers of raters (items with one rating left out)."
        )
    if not math.isfinite(alpha):
        notes.append(_ALPHA_TEXT["undefined"])

    gram = np.rint(onehot @ onehot.T).astype(np.int64)  # exact: sums of 0/1 products
    names = ratings.annotators
    weighted = ratings.level != "nominal"
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            conf = gram[i * k : (i + 1) * k, j * k : (j + 1) * k]
            n = int(conf.sum())
            pairs.append(
                PairAgreement(
                    a=names[i],
                    b=names[j],
                    n_items=n,
                    percent_agreement=float(np.trace(conf) / n) if n else math.nan,
                    cohen_kappa=_kappa(conf, None),
                    cohen_kappa_linear=_kappa(conf, "linear") if weighted else None,
                    cohen_kappa_quadratic=_kappa(conf, "quadratic") if weighted else None,
                )
            )
    categories = _category_agreement(pc_t.T, pn, ratings.categories)
    per_annotator = _annotator_agreement(ratings, onehot, counts_t, n_i, pairs)
    return Agreement(
        ratings=ratings,
        n_items=int(codes.shape[0]),
        n_rated_items=int((n_i > 0).sum()),
        n_pairable_items=int(pairable.sum()),
        n_ratings=int(n_i.sum()),
        percent_agreement=percent,
        unanimous_share=unanimous,
        krippendorff_alpha=alpha,
        fleiss_kappa=fleiss,
        fleiss_method=method,
        pairwise=tuple(pairs),
        categories=categories,
        annotators=per_annotator,
        majority=_majority(counts_t.T),
        notes=tuple(notes),
    )


def _indicators(codes: np.ndarray, k: int) -> np.ndarray:
    """(annotators * labels) x items 0/1 matrix; float32 is exact for counts below 2**24 items."""
    n, r = codes.shape
    dtype = np.float32 if n < 2**24 else np.float64
    by_annotator = np.ascontiguousarray(codes.T)
    out = np.empty((r * k, n), dtype=dtype)
    for a in range(r):
        for j in range(k):
            np.equal(by_annotator[a], j, out=out[a * k + j], casting="unsafe")
    return out


def _observed_agreement(pc: np.ndarray, pn: np.ndarray) -> tuple[float, float]:
    rows = pc.T  # labels x items (contiguous when pc is a transposed view)
    agree = (rows * (rows - 1)).sum(axis=0) / (pn * (pn - 1.0))
    return float(agree.mean()), float((rows.max(axis=0) == pn).mean())


def _alpha(pc: np.ndarray, values: np.ndarray, level: str) -> float:
    observed = pc.sum(axis=0) > 0
    if observed.sum() < 2:
        return math.nan  # no variation among pairable values: alpha is 0/0
    # Only used values enter the domain: the package's ordinal metric counts
    # ranks from the marginals, and unused values carry no mass anyway.
    return float(
        krippendorff.alpha(value_counts=pc[:, observed], value_domain=values[observed], level_of_measurement=level)
    )


def _fleiss(pc: np.ndarray, pn: np.ndarray) -> tuple[float, str]:
    if pn.min() == pn.max():
        with np.errstate(invalid="ignore", divide="ignore"):
            # statsmodels (and scipy.stats behind it) load on first use, not when the CLI starts.
            from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

            return float(sm_fleiss_kappa(pc, method="fleiss")), "statsmodels"
    rows = np.ascontiguousarray(pc.T, dtype=np.float64)  # labels x items
    p_i = ((rows * rows).sum(axis=0) - pn) / (pn * (pn - 1.0))
    p_j = rows.sum(axis=1) / pn.sum()
    expected = float((p_j**2).sum())
    if expected >= 1.0:
        return math.nan, "generalized"
    return float((p_i.mean() - expected) / (1 - expected)), "generalized"


def _pair_confusion(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """k x k counts of (a, b) over items both rated; missing (-1) go to a dropped extra bin."""
    a = np.where(a < 0, k, a).astype(np.int64)
    b = np.where(b < 0, k, b).astype(np.int64)
    return np.bincount(a * (k + 1) + b, minlength=(k + 1) ** 2).reshape(k + 1, k + 1)[:k, :k]


def _kappa(conf: np.ndarray, weights: str | None) -> float:
    """Cohen's kappa from a confusion matrix, with scikit-learn's formula (``cohen_kappa_score``)."""
    conf = conf.astype(float)
    n = conf.sum()
    if n == 0:
        return math.nan
    k = conf.shape[0]
    expected = np.outer(conf.sum(axis=1), conf.sum(axis=0)) / n
    if weights is None:
        w = 1.0 - np.eye(k)
    else:
        grid = np.abs(np.arange(k)[:, None] - np.arange(k)[None, :]).astype(float)
        w = grid if weights == "linear" else grid**2
    denominator = (w * expected).sum()
    if denominator == 0:
        return math.nan
    return float(1.0 - (w * conf).sum() / denominator)


def _category_agreement(pc: np.ndarray, pn: np.ndarray, categories: tuple) -> tuple[CategoryAgreement, ...]:
    rows = np.ascontiguousarray(pc.T, dtype=np.float64)  # labels x items
    totals = rows.sum(axis=1)
    agree = np.einsum("ki,ki->k", rows, rows) - totals
    possible = rows @ (pn - 1.0)
    return tuple(
        CategoryAgreement(
            category=c,
            n_ratings=int(totals[j]),
            specific_agreement=float(agree[j] / possible[j]) if possible[j] else math.nan,
        )
        for j, c in enumerate(categories)
    )


def _top_label_indicators(counts_t: np.ndarray) -> np.ndarray:
    """labels x items: True at each item's unique most-voted label (all False on a tie or without votes)."""
    top = counts_t.max(axis=0)
    is_top = counts_t == top
    return is_top & (is_top.sum(axis=0) == 1) & (top > 0)


def _annotator_agreement(ratings: Ratings, onehot: np.ndarray, counts_t: np.ndarray, n_i: np.ndarray, pairs) -> tuple:
    k, names = ratings.n_classes, ratings.annotators
    counts_f = counts_t.astype(onehot.dtype)
    # The consensus of the others only depends on the item's counts and this annotator's label g:
    # one majority vote per label g (of counts - e_g), shared by all annotators.
    # others_consensus[g] is its one-hot: labels x items (tied items have no label: all zero).
    others_consensus = []
    for g in range(k):
        minus = counts_t.copy()
        minus[g] -= 1
        others_consensus.append(_top_label_indicators(minus).astype(onehot.dtype))
    out = []
    for a, name in enumerate(names):
        mine = onehot[a * k : (a + 1) * k]  # labels x items, 0/1
        rated = mine.sum(axis=0)
        n_rated = float(rated.sum())
        # Other raters agreeing with this annotator, and other ratings, over the items they rated.
        same = float(np.vdot(mine.ravel(), counts_f.ravel())) - n_rated
        others_n = float(np.dot(rated, n_i.astype(rated.dtype))) - n_rated
        kappas = [p.cohen_kappa for p in pairs if name in (p.a, p.b) and math.isfinite(p.cohen_kappa)]
        # rows: consensus of the others, columns: this annotator's label
        conf = np.rint(np.stack([others_consensus[g] @ mine[g] for g in range(k)], axis=1)).astype(np.int64)
        n_cons = int(conf.sum())
        off = conf.copy()
        np.fill_diagonal(off, 0)
        most = None
        if off.max() > 0:
            t, g = np.unravel_index(int(off.argmax()), off.shape)
            most = (ratings.categories[t], ratings.categories[g], int(off[t, g]))
        out.append(
            AnnotatorAgreement(
                annotator=name,
                n_ratings=int(n_rated),
                agreement_with_others=same / others_n if others_n else math.nan,
                mean_kappa_with_others=float(np.mean(kappas)) if kappas else math.nan,
                agreement_with_consensus=float(np.trace(conf) / n_cons) if n_cons else math.nan,
                kappa_with_consensus=_kappa(conf, None),
                n_consensus=n_cons,
                most_confused=most,
                confusion_with_consensus=tuple(tuple(int(x) for x in row) for row in conf),
            )
        )
    return tuple(out)


# --- bootstrap -------------------------------------------------------------------
@dataclass(frozen=True)
class AgreementIntervals:
    """Percentile bootstrap intervals over items (resampled with replacement).

    ``intervals`` maps a metric name (``krippendorff_alpha``, ``fleiss_kappa``,
    ``percent_agreement``, ``cohen_kappa:a|b`` and, at ordinal level or finer,
    ``cohen_kappa_linear:a|b`` / ``cohen_kappa_quadratic:a|b``) to ``(low, high)``.
    Resamples where a metric is undefined are left out of its interval.
    """

    n_resamples: int
    confidence: float
    seed: int
    intervals: dict[str, tuple[float, float]]

    def to_dict(self) -> dict:
        return {
            "n_resamples": self.n_resamples,
            "confidence": self.confidence,
            "seed": self.seed,
            "intervals": {k: {"low": lo, "high": hi} for k, (lo, hi) in self.intervals.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"metric": k, "low": lo, "high": hi} for k, (lo, hi) in self.intervals.items()]
        )


def bootstrap_agreement(
    result: Agreement,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> AgreementIntervals:
    """Bootstrap intervals for alpha, Fleiss' kappa, percent agreement and every pairwise kappa.

    Items (rows) are resampled with replacement ``n_resamples`` times with a
    seeded generator; each interval is the percentile interval of the metric
    over the resamples.

    Parameters
    ----------
    result : Agreement
        From :func:`agreement`; its encoded ratings are resampled.
    n_resamples : int
        Number of bootstrap resamples (at least 50).
    confidence : float
        Coverage of the intervals, e.g. 0.95.
    seed : int
        Seed of ``numpy.random.default_rng``.
    progress : callable, optional
        Called as ``progress(done, total)`` about a hundred times.

    Examples
    --------
    >>> df = pd.DataFrame({"a": list("xxyyxyxy" * 5), "b": list("xxyyxyyy" * 5)})
    >>> ci = bootstrap_agreement(agreement(df, annotators=["a", "b"]), n_resamples=200, seed=1)
    >>> lo, hi = ci.intervals["krippendorff_alpha"]
    >>> bool(lo < 0.75 < hi), ci.n_resamples
    (True, 200)
    """
    if not isinstance(n_resamples, (int, np.integer)) or n_resamples < 50:
        raise AnnotationError(f"n_resamples must be an integer >= 50; got {n_resamples!r}.")
    if not 0.5 <= confidence < 1:
        raise AnnotationError(f"confidence must be between 0.5 and 1 (e.g. 0.95); got {confidence!r}.")
    ratings = result.ratings
    codes, k = ratings.codes, ratings.n_classes
    onehot = _indicators(codes, k)
    counts_t = onehot.reshape(codes.shape[1], k, -1).sum(axis=0, dtype=np.int32)
    pairable = np.flatnonzero(counts_t.sum(axis=0) >= 2)  # unpairable items contribute to no metric
    onehot = np.ascontiguousarray(onehot[:, pairable])
    pc = counts_t[:, pairable].astype(np.float64)  # labels x items
    pn = pc.sum(axis=0)
    m = len(pairable)
    # A resample is a vector of item weights (how often each item was drawn); every metric is
    # then a weighted sum: per-item agreement, per-item coincidences (Krippendorff), label
    # counts (Fleiss) and the indicator Gram matrix (all pairwise confusion matrices at once).
    agree_i = ((pc * (pc - 1)).sum(axis=0)) / (pn * (pn - 1))
    coincid = (pc[:, None, :] * pc[None, :, :]).reshape(k * k, m)
    coincid[:: k + 1] -= pc  # the diagonal: n_c (n_c - 1)
    coincid /= pn - 1
    names = ratings.annotators
    pair_index = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    weighted = result.weighted
    metrics: dict[str, list[float]] = {"krippendorff_alpha": [], "fleiss_kappa": [], "percent_agreement": []}
    for i, j in pair_index:
        key = f"{names[i]}|{names[j]}"
        metrics[f"cohen_kappa:{key}"] = []
        if weighted:
            metrics[f"cohen_kappa_linear:{key}"] = []
            metrics[f"cohen_kappa_quadratic:{key}"] = []
    rng = np.random.default_rng(seed)
    step = max(1, n_resamples // 100)
    scaled = np.empty_like(onehot)
    for r in range(n_resamples):
        w = np.bincount(rng.integers(0, m, m), minlength=m).astype(np.float64)
        metrics["percent_agreement"].append(float(w @ agree_i) / m)
        metrics["krippendorff_alpha"].append(_alpha_from_coincidences((coincid @ w).reshape(k, k), ratings.values, ratings.level))
        shares = (pc @ w) / (pn @ w)
        expected = float((shares**2).sum())
        metrics["fleiss_kappa"].append((float(w @ agree_i) / m - expected) / (1 - expected) if expected < 1 else math.nan)
        np.multiply(onehot, w.astype(onehot.dtype), out=scaled)
        gram = np.rint(scaled @ onehot.T)
        for i, j in pair_index:
            key = f"{names[i]}|{names[j]}"
            conf = gram[i * k : (i + 1) * k, j * k : (j + 1) * k]
            metrics[f"cohen_kappa:{key}"].append(_kappa(conf, None))
            if weighted:
                metrics[f"cohen_kappa_linear:{key}"].append(_kappa(conf, "linear"))
                metrics[f"cohen_kappa_quadratic:{key}"].append(_kappa(conf, "quadratic"))
        if progress is not None and ((r + 1) % step == 0 or r + 1 == n_resamples):
            progress(r + 1, n_resamples)
    tail = (1 - confidence) / 2 * 100
    intervals = {}
    for key, values in metrics.items():
        arr = np.asarray(values, dtype=float)
        arr = arr[np.isfinite(arr)]
        intervals[key] = (
            (float(np.percentile(arr, tail)), float(np.percentile(arr, 100 - tail))) if len(arr) else (math.nan, math.nan)
        )
    return AgreementIntervals(n_resamples=int(n_resamples), confidence=float(confidence), seed=int(seed), intervals=intervals)


def _alpha_from_coincidences(o: np.ndarray, values: np.ndarray, level: str) -> float:
    """Krippendorff's alpha from a coincidence matrix (the package's distance metrics, Krippendorff 2011).

    Used inside the bootstrap, where the coincidences of a resample are a weighted
    sum; the tests check it against the ``krippendorff`` package on resampled data.
    """
    n_v = o.sum(axis=0)
    n = n_v.sum()
    if (n_v > 0).sum() < 2 or n <= 1:
        return math.nan
    k = len(n_v)
    i1, i2 = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    if level == "nominal":
        d = (i1 != i2).astype(float)
    elif level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_v)])
        lo, hi = np.minimum(i1, i2), np.maximum(i1, i2)
        d = (cum[hi + 1] - cum[lo] - (n_v[i1] + n_v[i2]) / 2) ** 2
    elif level == "interval":
        d = (values[i1] - values[i2]) ** 2
    else:  # ratio
        total = values[i1] + values[i2]
        d = np.divide(values[i1] - values[i2], total, out=np.zeros_like(total), where=total != 0) ** 2
    e = (np.outer(n_v, n_v) - np.diag(n_v)) / (n - 1)
    denominator = (e * d).sum()
    return float(1 - (o * d).sum() / denominator) if denominator else math.nan


# --- consensus -------------------------------------------------------------------
CONSENSUS_METHODS: tuple[str, ...] = ("dawid_skene", "majority")


@dataclass(frozen=True, eq=False)
class Consensus:
    """A consensus label per item with its confidence and number of votes.

    ``method`` 'majority': the most voted label, confidence = its share of the
    votes; tied items get no label (``tie`` is True) - they are reported, not
    broken. ``method`` 'dawid_skene': the most probable label under the
    Dawid-Skene model of each annotator's confusion matrix, confidence = its
    posterior probability; ``model`` holds the fit. Items without any rating
    get no label and confidence nan.
    """

    method: str
    ratings: Ratings
    labels: np.ndarray  # object: label or None
    confidence: np.ndarray
    n_votes: np.ndarray
    tie: np.ndarray
    model: DawidSkene | None = None
    gold: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def annotator_accuracy(self) -> dict[str, float]:
        """Estimated accuracy per annotator (Dawid-Skene only; empty for majority vote)."""
        if self.model is None:
            return {}
        return {n: float(a) for n, a in zip(self.ratings.annotators, self.model.source_accuracy)}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "consensus_label": self.labels,
                "consensus_confidence": self.confidence,
                "consensus_votes": self.n_votes,
                "consensus_tie": self.tie,
            }
        )

    def to_dict(self) -> dict:
        labelled = pd.Series(self.labels).dropna()
        out = {
            "method": self.method,
            "n_items": int(len(self.labels)),
            "n_labelled": int(len(labelled)),
            "n_ties": int(self.tie.sum()),
            "label_counts": {str(k): int(v) for k, v in labelled.value_counts().items()},
            "mean_confidence": float(np.nanmean(self.confidence)) if len(labelled) else math.nan,
            "gold": self.gold,
            "notes": list(self.notes),
        }
        if self.model is not None:
            out["annotator_accuracy"] = self.annotator_accuracy
            out["class_priors"] = {str(c): float(p) for c, p in zip(self.ratings.categories, self.model.class_priors)}
            out["converged"] = self.model.converged
            out["n_iter"] = self.model.n_iter
        return out


def consensus_labels(
    df: pd.DataFrame,
    *,
    annotators: Sequence[str],
    method: str = "dawid_skene",
    gold: str | None = None,
    order: Sequence[Any] | None = None,
    max_iter: int = 200,
) -> Consensus:
    """Consensus label per row: majority vote (ties reported) or Dawid-Skene EM.

    Parameters
    ----------
    df : DataFrame
    annotators : sequence of str
    method : {'dawid_skene', 'majority'}
    gold : str, optional
        A column of known true labels for some rows (empty elsewhere); with
        Dawid-Skene those rows are fixed to their gold label and anchor the
        annotators' confusion matrices. Gold labels must be among the annotators' labels.
    order : sequence, optional
        Label order (only changes the order of categories in the output).
    max_iter : int
        Upper bound on EM iterations.

    Raises
    ------
    ColumnNotFoundError, AnnotationError

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "x", "y"], "b": ["x", "y", "x"], "c": ["x", "y", None]})
    >>> c = consensus_labels(df, annotators=["a", "b", "c"], method="majority")
    >>> c.labels.tolist(), c.tie.tolist(), c.confidence.round(3).tolist()
    (['x', 'y', None], [False, False, True], [1.0, 0.667, 0.5])
    """
    if method not in CONSENSUS_METHODS:
        raise AnnotationError(f"Unknown consensus method '{method}'; choose one of {', '.join(CONSENSUS_METHODS)}.")
    ratings = encode_ratings(df, annotators=annotators, order=order)
    counts = _counts(ratings.codes, ratings.n_classes)
    majority = _majority(counts)
    n_votes = majority.n_votes
    notes: list[str] = []
    if method == "majority":
        ties = majority.n_ties
        if ties:
            notes.append(f"{ties:,} item(s) have tied votes and get no majority label; see the tie column.")
        return Consensus(
            method=method,
            ratings=ratings,
            labels=ratings.label_of(majority.labels),
            confidence=majority.share,
            n_votes=n_votes,
            tie=majority.tie,
            notes=tuple(notes),
        )
    known = None
    if gold is not None:
        require_column(df.columns, gold, role="gold label column")
        known = _encode_gold(df[gold], ratings)
        notes.append(f"{int((known >= 0).sum()):,} row(s) with a '{gold}' label are fixed to it.")
    model = dawid_skene(ratings.codes, n_classes=ratings.n_classes, known=known, max_iter=max_iter)
    codes = np.where(n_votes > 0, model.labels, -1)
    if known is not None:
        codes = np.where(known >= 0, known, codes)
    confidence = np.where(codes >= 0, model.confidence, np.nan)
    if not model.converged:
        notes.append(f"Dawid-Skene EM stopped after {model.n_iter} iterations without converging.")
    return Consensus(
        method=method,
        ratings=ratings,
        labels=ratings.label_of(codes),
        confidence=confidence,
        n_votes=n_votes,
        tie=majority.tie,
        model=model,
        gold=gold,
        notes=tuple(notes),
    )


def _encode_gold(column: pd.Series, ratings: Ratings) -> np.ndarray:
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


def with_consensus(df: pd.DataFrame, consensus: Consensus) -> pd.DataFrame:
    """A copy of ``df`` with ``consensus_label``, ``consensus_confidence`` and ``consensus_votes`` appended.

    The original columns are left as they are. A column of the same name is replaced.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "y"], "b": ["x", "x"]})
    >>> out = with_consensus(df, consensus_labels(df, annotators=["a", "b"], method="majority"))
    >>> out.columns.tolist(), out["consensus_label"].isna().tolist()
    (['a', 'b', 'consensus_label', 'consensus_confidence', 'consensus_votes'], [False, True])
    """
    if len(consensus.labels) != len(df):
        raise AnnotationError(
            f"The consensus has {len(consensus.labels):,} rows but the data {len(df):,}; compute it on this data."
        )
    out = df.copy()
    frame = consensus.to_frame()
    for column in ("consensus_label", "consensus_confidence", "consensus_votes"):
        out[column] = frame[column].to_numpy()
    return out


def _json(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    return value if isinstance(value, (int, float, bool, str)) or value is None else str(value)


def disputed_items(df: pd.DataFrame, result: Agreement, *, n: int = 50) -> pd.DataFrame:
    """The ``n`` most disputed items with their votes and the data's other columns (text, features).

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["a", "b"], "r1": ["x", "x"], "r2": ["x", "y"]})
    >>> disputed_items(df, agreement(df, annotators=["r1", "r2"]), n=1)[["row", "text", "tie"]].values.tolist()
    [[1, 'b', True]]
    """
    if len(df) != result.n_items:
        raise AnnotationError(f"The agreement was computed on {result.n_items:,} rows, the data has {len(df):,}.")
    top = result.disputed(n)
    others = [c for c in df.columns if c not in result.ratings.annotators]
    extra = df.iloc[top["row"].to_numpy()][others].reset_index(drop=True)
    clash = [c for c in extra.columns if c in top.columns]
    extra = extra.rename(columns={c: f"{c} (data)" for c in clash})
    return pd.concat([top.reset_index(drop=True), extra], axis=1)
