"""Consensus labels from several annotators: majority vote (ties reported) or Dawid-Skene EM.

Both come from :mod:`analysis.em`, the one EM of the project (the weak
supervision label model runs the same code with abstains as outputs).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..em import DawidSkene, dawid_skene, majority_vote
from ..errors import AnnotationError, require_column
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from ..wording import count_noun, verb
from .ratings import Ratings, encode_gold, encode_ratings

__all__ = ["CONSENSUS_METHODS", "Consensus", "consensus_labels", "with_consensus"]


CONSENSUS_METHODS: tuple[str, ...] = ("dawid_skene", "majority")


@dataclass(frozen=True, eq=False)
class Consensus(ResultMixin):
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
    notes: tuple[str, ...] = ()

    SEVERITY: ClassVar[dict[str, Severity]] = {
        "decided": "ok",
        "ties": "info",
        "converged": "ok",
        "not_converged": "warning",
    }

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        """Majority vote: 'ties' or 'decided'. Dawid-Skene: 'converged' or 'not_converged'."""
        if self.model is not None:
            return self.model.verdict
        return "ties" if self.tie.any() else "decided"

    @property
    def verdict_text(self) -> str:
        n_labelled = int(pd.notna(self.labels).sum())
        text = f"{n_labelled:,} of {len(self.labels):,} items get a consensus label"
        if self.model is not None:
            return f"{text} from Dawid-Skene. {self.model.verdict_text}"
        ties = int(self.tie.sum())
        return f"{text} from the majority vote; {count_noun(ties, 'tied item')} {verb(ties, 'gets', 'get')} none."

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
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
            # The Dawid-Skene fit; null for the majority vote (every key exists for every method).
            "annotator_accuracy": None,
            "class_priors": None,
            "converged": None,
            "n_iter": None,
        }
        if self.model is not None:
            out["annotator_accuracy"] = self.annotator_accuracy
            out["class_priors"] = {str(c): float(p) for c, p in zip(self.ratings.categories, self.model.class_priors)}
            out["converged"] = self.model.converged
            out["n_iter"] = self.model.n_iter
        return out


@takes_table("df")
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
    majority = majority_vote(ratings.codes, n_classes=ratings.n_classes)
    n_votes = majority.n_votes
    notes: list[str] = []
    if method == "majority":
        ties = majority.n_ties
        if ties:
            notes.append(f"{count_noun(ties, 'item')} {verb(ties, 'has', 'have')} tied votes and "
                         f"{verb(ties, 'gets', 'get')} no majority label; see the tie column.")
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
        require_column(list(df.columns), gold, role="gold label column")
        known = encode_gold(df[gold], ratings)
        fixed = int((known >= 0).sum())
        notes.append(f"{count_noun(fixed, 'row')} with a '{gold}' label {verb(fixed, 'is', 'are')} fixed to it.")
    model = dawid_skene(ratings.codes, n_classes=ratings.n_classes, known=known, max_iter=max_iter)
    codes = np.where(n_votes > 0, model.labels, -1)
    if known is not None:
        codes = np.where(known >= 0, known, codes)
    confidence = np.where(codes >= 0, model.confidence, np.nan)
    # Non-convergence is the fit's verdict (a warning, with the iteration count), not a note.
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
