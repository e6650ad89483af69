"""Agreement broken down: per category, per annotator and per item.

* Category-specific agreement (Fleiss 1971; Uebersax): for category ``c``,
  ``sum_i n_ic (n_ic - 1) / sum_i n_ic (n_i - 1)``; with two annotators this is
  the classic ``2a / (2a + b + c)``.
* Per annotator: agreement with the other annotators' ratings of the same
  items, mean Cohen's kappa with each of them, and agreement with the
  *consensus of the others* (the majority vote of the other annotators, so an
  annotator's own vote does not inflate it; tied items are left out), with
  their most frequent confusion.
* Per item: the most disputed items (highest vote entropy) beside the data's
  other columns, for review.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import AnnotationError
from ..results import json_label
from ._kernels import kappa_from_confusion
from .ratings import Ratings

if TYPE_CHECKING:
    from .agreement import Agreement, PairAgreement

__all__ = ["AnnotatorAgreement", "CategoryAgreement", "annotator_agreement", "category_agreement", "disputed_items"]


@dataclass(frozen=True)
class CategoryAgreement:
    category: Any
    n_ratings: int
    specific_agreement: float

    def to_dict(self) -> dict:
        return {"category": json_label(self.category), "n_ratings": self.n_ratings, "specific_agreement": self.specific_agreement}


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
            "most_confused": None if mc is None else {"consensus": json_label(mc[0]), "given": json_label(mc[1]), "count": mc[2]},
        }


def category_agreement(pc: np.ndarray, pn: np.ndarray, categories: tuple) -> tuple[CategoryAgreement, ...]:
    """Category-specific agreement from the pairable items' counts ``pc`` (items x labels) and sizes ``pn``."""
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


def annotator_agreement(
    ratings: Ratings, onehot: np.ndarray, counts_t: np.ndarray, n_i: np.ndarray, pairs: Sequence[PairAgreement]
) -> tuple[AnnotatorAgreement, ...]:
    """Each annotator against the others (see the module docstring); ``onehot`` and counts as in ``agreement``."""
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
            t, g = (int(i) for i in np.unravel_index(int(off.argmax()), off.shape))
            most = (ratings.categories[t], ratings.categories[g], int(off[t, g]))
        out.append(
            AnnotatorAgreement(
                annotator=name,
                n_ratings=int(n_rated),
                agreement_with_others=same / others_n if others_n else math.nan,
                mean_kappa_with_others=float(np.mean(kappas)) if kappas else math.nan,
                agreement_with_consensus=float(np.trace(conf) / n_cons) if n_cons else math.nan,
                kappa_with_consensus=kappa_from_confusion(conf, None),
                n_consensus=n_cons,
                most_confused=most,
                confusion_with_consensus=tuple(tuple(int(x) for x in row) for row in conf),
            )
        )
    return tuple(out)


def disputed_items(df: pd.DataFrame, result: Agreement, *, n: int = 50) -> pd.DataFrame:
    """The ``n`` most disputed items with their votes and the data's other columns (text, features).

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["a", "b"], "r1": ["x", "x"], "r2": ["x", "y"]})
    >>> from analysis.labels import agreement
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
