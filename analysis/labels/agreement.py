"""Annotator agreement: percent agreement, Cohen's, Fleiss' and Krippendorff's coefficients, and their wording.

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
* Per category, per annotator and per item: :mod:`analysis.labels.views`.

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..em import MajorityVote, majority_labels
from ..errors import ColumnNotFoundError, format_columns
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity, json_label
from ._kernels import (
    alpha_from_counts,
    fleiss_from_counts,
    indicators,
    kappa_from_confusion,
    observed_agreement,
    pair_confusion,
)
from .ratings import Ratings, encode_ratings
from .views import AnnotatorAgreement, CategoryAgreement, annotator_agreement, category_agreement

__all__ = [
    "ALPHA_RELIABLE",
    "ALPHA_TENTATIVE",
    "Agreement",
    "PairAgreement",
    "agreement",
    "alpha_verdict",
    "landis_koch",
]

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
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        return landis_koch(self.cohen_kappa)

    def to_dict(self) -> dict:
        """Every key at every level: the weighted kappas are null at the nominal level."""
        return {
            "a": self.a,
            "b": self.b,
            "n_items": self.n_items,
            "percent_agreement": self.percent_agreement,
            "cohen_kappa": self.cohen_kappa,
            "verdict": self.verdict,
            "cohen_kappa_linear": self.cohen_kappa_linear,
            "cohen_kappa_quadratic": self.cohen_kappa_quadratic,
        }



@dataclass(frozen=True, eq=False)
class Agreement(ResultMixin):
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

    #: Krippendorff's advice as a severity: the verdict box of the page and the CLI's wording.
    SEVERITY: ClassVar[dict[str, Severity]] = {
        "reliable": "ok",
        "tentative": "warning",
        "unreliable": "critical",
        "undefined": "info",
    }

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        """The alpha verdict: 'reliable', 'tentative', 'unreliable' or 'undefined'."""
        return self.alpha_verdict

    @property
    def verdict_text(self) -> str:
        return self.alpha_text

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
            "categories": [json_label(c) for c in self.ratings.categories],
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
            "pairwise": [p.to_dict() for p in self.pairwise],
            "category_agreement": [c.to_dict() for c in self.categories],
            "annotator_agreement": [a.to_dict() for a in self.annotators],
            "majority_ties": self.majority.n_ties,
            "notes": list(self.notes),
        }

    def pairwise_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame([p.to_dict() for p in self.pairwise])
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
        conf = pair_confusion(self.ratings.codes[:, names.index(a)], self.ratings.codes[:, names.index(b)], k)
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




@takes_table("df")
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
    onehot = indicators(codes, k)
    counts_t = onehot.reshape(codes.shape[1], k, -1).sum(axis=0, dtype=np.int32)  # labels x items
    n_i = counts_t.sum(axis=0)
    pairable = n_i >= 2
    pc_t, pn = counts_t[:, pairable], n_i[pairable]
    notes: list[str] = []

    percent, unanimous = observed_agreement(pc_t.T, pn)
    alpha = alpha_from_counts(pc_t.T, ratings.values, ratings.level)
    fleiss, method = fleiss_from_counts(pc_t.T, pn)
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
                    cohen_kappa=kappa_from_confusion(conf, None),
                    cohen_kappa_linear=kappa_from_confusion(conf, "linear") if weighted else None,
                    cohen_kappa_quadratic=kappa_from_confusion(conf, "quadratic") if weighted else None,
                )
            )
    categories = category_agreement(pc_t.T, pn, ratings.categories)
    per_annotator = annotator_agreement(ratings, onehot, counts_t, n_i, pairs)
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
        majority=majority_labels(counts_t.T),
        notes=tuple(notes),
    )


