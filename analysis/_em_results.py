"""The results of the vote-matrix algorithms in :mod:`analysis.em` (import them from there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from .results import ResultMixin, Severity
from .wording import count_noun, verb

__all__ = ["DawidSkene", "MajorityVote"]


@dataclass(frozen=True)
class MajorityVote(ResultMixin):
    """Majority vote per item, with ties reported rather than broken.

    Attributes
    ----------
    counts : ndarray of int, shape (n_items, n_classes)
        Votes per class.
    labels : ndarray of int, shape (n_items,)
        The class with the most votes; ``-1`` where the top count is tied or no source voted.
    tie : ndarray of bool
        True where two or more classes share the top count (and at least one vote exists).
    share : ndarray of float
        Top count / number of votes (``nan`` without votes): the consensus confidence.
    """

    counts: np.ndarray
    labels: np.ndarray
    tie: np.ndarray
    share: np.ndarray

    @property
    def n_votes(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @property
    def n_ties(self) -> int:
        return int(self.tie.sum())

    SEVERITY: ClassVar[dict[str, Severity]] = {"decided": "ok", "ties": "info"}

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        """'ties' when some items have a tied top count (they get no label), else 'decided'."""
        return "ties" if self.n_ties else "decided"

    @property
    def verdict_text(self) -> str:
        n_labelled = int((self.labels >= 0).sum())
        text = f"Majority vote labels {n_labelled:,} of {len(self.labels):,} items"
        if self.n_ties:
            ties = self.n_ties
            return text + (
                f"; {count_noun(ties, 'tied item')} {verb(ties, 'gets', 'get')} no label (ties are reported, "
                "not broken)."
            )
        return text + "."

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"label": self.labels, "share": self.share, "n_votes": self.n_votes, "tie": self.tie}
        )

    def to_dict(self) -> dict:
        return {
            "n_items": int(len(self.labels)),
            "n_labelled": int((self.labels >= 0).sum()),
            "n_ties": self.n_ties,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class DawidSkene(ResultMixin):
    """Result of :func:`dawid_skene`.

    Attributes
    ----------
    posteriors : ndarray, shape (n_items, n_classes)
        P(true class | votes) per item (one-hot for items whose label was given as known).
    class_priors : ndarray, shape (n_classes,)
    confusion : ndarray, shape (n_sources, n_classes, n_classes) or (n_sources, n_classes, n_classes + 1)
        ``confusion[s, k, j]`` = P(source s votes j | true class k); rows sum to 1.
        With ``abstain_as_output`` a last column holds P(source s abstains | true
        class k), so ``confusion[s, k, v]`` also reads the abstain code ``v = -1``.
    log_likelihood : float
        Marginal log-likelihood of the votes at the final parameters.
    n_iter : int
        EM iterations run.
    converged : bool
        Whether the relative change of the log-likelihood fell below ``tol``.
    history : tuple of float
        Log-likelihood after each iteration (non-decreasing up to rounding).
    abstain_as_output : bool
        Whether a missing vote was modelled as an observed output (see :func:`dawid_skene`).
    expected_counts : ndarray, same shape as ``confusion``
        ``sum_i P(true_i = k | votes) [vote_is = j]`` at the final posteriors
        (the unsmoothed M-step tallies; last column: abstains, with ``abstain_as_output``).
    iteration_seconds : tuple of float
        Wall time of each EM iteration (for the benchmarks).
    """

    posteriors: np.ndarray
    class_priors: np.ndarray
    confusion: np.ndarray
    log_likelihood: float
    n_iter: int
    converged: bool
    history: tuple[float, ...]
    abstain_as_output: bool = False
    expected_counts: np.ndarray | None = None
    iteration_seconds: tuple[float, ...] = ()

    SEVERITY: ClassVar[dict[str, Severity]] = {"converged": "ok", "not_converged": "warning"}

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        """'converged' or 'not_converged' (EM stopped at ``max_iter``: the estimates may still move)."""
        return "converged" if self.converged else "not_converged"

    @property
    def verdict_text(self) -> str:
        if self.converged:
            return f"Dawid-Skene EM converged after {self.n_iter} iterations."
        return (
            f"Dawid-Skene did not converge after {self.n_iter} iterations: the estimated accuracies, "
            "class balance and labels may still change with more iterations; treat them as provisional."
        )

    @property
    def labels(self) -> np.ndarray:
        """Most probable class per item."""
        return self.posteriors.argmax(axis=1)

    @property
    def confidence(self) -> np.ndarray:
        """Posterior probability of the most probable class."""
        return self.posteriors.max(axis=1)

    @property
    def source_accuracy(self) -> np.ndarray:
        """Model accuracy per source: P(it votes the true class | it votes).

        Without ``abstain_as_output`` this is ``sum_k prior_k * confusion[s, k, k]``;
        with it, that sum divided by the model's probability that the source votes at all.
        """
        k = len(self.class_priors)
        right = np.einsum("k,skk->s", self.class_priors, self.confusion[:, :, :k])
        if not self.abstain_as_output:
            return right
        votes = np.einsum("k,sk->s", self.class_priors, self.confusion[:, :, :k].sum(axis=2))
        with np.errstate(invalid="ignore", divide="ignore"):
            return right / votes

    @property
    def vote_accuracy(self) -> np.ndarray:
        """Per source, the expected share of its votes that are right at the final posteriors.

        ``sum_k expected_counts[s, k, k] / sum_{k, j < K} expected_counts[s, k, j]``
        (nan for a source without votes); comparable with an empirical accuracy on gold labels.
        """
        k = len(self.class_priors)
        if self.expected_counts is None:
            return np.full(len(self.confusion), np.nan)
        cast = self.expected_counts[:, :, :k]
        right = np.einsum("skk->s", cast)
        total = cast.sum(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, right / np.where(total > 0, total, 1.0), np.nan)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"label": self.labels, "confidence": self.confidence})

    def to_dict(self) -> dict:
        return {
            "class_priors": [float(p) for p in self.class_priors],
            "confusion": self.confusion.tolist(),
            "source_accuracy": [float(a) for a in self.source_accuracy],
            "vote_accuracy": [None if not np.isfinite(a) else float(a) for a in self.vote_accuracy],
            "abstain_as_output": self.abstain_as_output,
            "log_likelihood": float(self.log_likelihood),
            "n_iter": self.n_iter,
            "converged": self.converged,
        }
