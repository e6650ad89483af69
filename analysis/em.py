"""Votes matrices: vote counts, majority vote with explicit ties, and Dawid-Skene EM.

A *votes matrix* has one row per item and one column per source (an annotator,
or a labeling function in weak supervision). Entries are class codes
``0 .. n_classes - 1``; ``-1`` means the source gave no vote (skipped the item,
or abstained). Everything here works on that integer matrix only, so the
annotator-agreement page and the weak-supervision label model share it.

Dawid and Skene (1979, "Maximum likelihood estimation of observer error-rates
using the EM algorithm", Applied Statistics 28(1)) model each source by a
confusion matrix ``theta[s, true, given]`` and the items by class priors
``pi``. EM alternates

* E-step: ``P(true = k | votes_i) ∝ pi_k * prod_s theta[s, k, votes_is]`` over
  the sources that voted on item ``i``;
* M-step: ``theta[s, k, j] ∝ smoothing + sum_i P(true_i = k) [votes_is = j]``
  and ``pi_k ∝ sum_i P(true_i = k)`` (unless a class prior is fixed).

Both steps are vectorised: the votes become a sparse items x (source, vote)
indicator matrix once, the E-step is one sparse product of it with the log
confusion entries, and the M-step one product of its transpose with the
posteriors. An iteration costs about as much as a few majority-vote passes
(measured: 1,000,000 items x 20 sources, see benchmarks/bench_labels.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import VotesError

__all__ = ["DawidSkene", "MajorityVote", "dawid_skene", "majority_vote", "vote_counts"]


@dataclass(frozen=True)
class MajorityVote:
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

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"label": self.labels, "share": self.share, "n_votes": self.n_votes, "tie": self.tie}
        )


@dataclass(frozen=True)
class DawidSkene:
    """Result of :func:`dawid_skene`.

    Attributes
    ----------
    posteriors : ndarray, shape (n_items, n_classes)
        P(true class | votes) per item (one-hot for items whose label was given as known).
    class_priors : ndarray, shape (n_classes,)
    confusion : ndarray, shape (n_sources, n_classes, n_classes)
        ``confusion[s, k, j]`` = P(source s votes j | true class k); rows sum to 1.
    log_likelihood : float
        Marginal log-likelihood of the votes at the final parameters.
    n_iter : int
        EM iterations run.
    converged : bool
        Whether the relative change of the log-likelihood fell below ``tol``.
    history : tuple of float
        Log-likelihood after each iteration (non-decreasing up to rounding).
    """

    posteriors: np.ndarray
    class_priors: np.ndarray
    confusion: np.ndarray
    log_likelihood: float
    n_iter: int
    converged: bool
    history: tuple[float, ...]

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
        """Estimated P(source votes the true class) = sum_k prior_k * confusion[s, k, k]."""
        return np.einsum("k,skk->s", self.class_priors, self.confusion)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"label": self.labels, "confidence": self.confidence})

    def to_dict(self) -> dict:
        return {
            "class_priors": [float(p) for p in self.class_priors],
            "confusion": self.confusion.tolist(),
            "source_accuracy": [float(a) for a in self.source_accuracy],
            "log_likelihood": float(self.log_likelihood),
            "n_iter": self.n_iter,
            "converged": self.converged,
        }


def vote_counts(votes: np.ndarray, *, n_classes: int) -> np.ndarray:
    """Votes per item and class, shape ``(n_items, n_classes)`` (missing votes ``-1`` ignored).

    Examples
    --------
    >>> vote_counts(np.array([[0, 1, 1], [2, -1, 2]]), n_classes=3).tolist()
    [[1, 2, 0], [0, 0, 2]]
    """
    votes = _check_votes(votes, n_classes)
    return _counts(votes, n_classes)


def majority_vote(votes: np.ndarray, *, n_classes: int) -> MajorityVote:
    """The most voted class per item; ties and items without votes get ``-1``.

    Examples
    --------
    >>> mv = majority_vote(np.array([[0, 0, 1], [0, 1, -1], [-1, -1, -1]]), n_classes=2)
    >>> mv.labels.tolist(), mv.tie.tolist(), mv.share.round(3).tolist()
    ([0, -1, -1], [False, True, False], [0.667, 0.5, nan])
    """
    votes = _check_votes(votes, n_classes)
    return _majority(_counts(votes, n_classes))


def dawid_skene(
    votes: np.ndarray,
    *,
    n_classes: int,
    class_prior: np.ndarray | None = None,
    known: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-7,
    smoothing: float = 0.01,
) -> DawidSkene:
    """Dawid-Skene EM over a votes matrix with missing votes (``-1``).

    Parameters
    ----------
    votes : array of int, shape (n_items, n_sources)
        Class codes ``0 .. n_classes - 1``; ``-1`` for no vote / abstain.
    n_classes : int
        Number of classes (at least 2).
    class_prior : array of float, shape (n_classes,), optional
        Fixed class balance; when given the priors are not re-estimated
        (useful when votes are sparse and the balance is known).
    known : array of int, shape (n_items,), optional
        True classes known for some items (``-1`` elsewhere), e.g. a gold
        subset: their posteriors are fixed to those classes, which anchors the
        confusion matrices.
    max_iter : int
        Upper bound on EM iterations.
    tol : float
        Stop when the log-likelihood changes by less than ``tol * |log-likelihood|``.
    smoothing : float
        Pseudo-count added to every confusion-matrix cell (a symmetric
        Dirichlet prior), so an unseen (true, vote) pair is improbable, not impossible.

    Returns
    -------
    DawidSkene

    Raises
    ------
    VotesError
        When the votes, prior or known labels have the wrong shape or values.

    Notes
    -----
    EM starts from the soft majority vote (each item's vote shares), the usual
    initialisation, which fixes the labelling of the classes. Items without
    any vote get the class priors as posterior.

    Examples
    --------
    >>> votes = np.array([[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 1, 0], [0, -1, 0]])
    >>> ds = dawid_skene(votes, n_classes=2)
    >>> ds.labels.tolist(), ds.converged
    ([0, 1, 0, 1, 0], True)
    """
    votes = _check_votes(votes, n_classes)
    n_items, n_sources = votes.shape
    fixed_prior = None
    if class_prior is not None:
        fixed_prior = np.asarray(class_prior, dtype=float)
        if fixed_prior.shape != (n_classes,) or (fixed_prior <= 0).any() or not np.isfinite(fixed_prior).all():
            raise VotesError(
                f"class_prior needs {n_classes} positive numbers (one per class); got {fixed_prior.tolist()}."
            )
        fixed_prior = fixed_prior / fixed_prior.sum()
    known_idx = known_cls = None
    if known is not None:
        known = np.asarray(known)
        if known.shape != (n_items,) or not np.issubdtype(known.dtype, np.integer):
            raise VotesError(f"known needs one integer class code per item ({n_items}), -1 where unknown.")
        if known.size and (known.min() < -1 or known.max() >= n_classes):
            raise VotesError(f"known holds codes outside -1 .. {n_classes - 1}.")
        known_idx = np.flatnonzero(known >= 0)
        known_cls = known[known_idx]
    if max_iter < 1 or not tol >= 0 or not smoothing >= 0:
        raise VotesError("max_iter must be >= 1, and tol and smoothing >= 0.")

    counts = _counts(votes, n_classes)
    n_votes = counts.sum(axis=1, keepdims=True)
    post = np.where(n_votes > 0, counts / np.maximum(n_votes, 1), 1.0 / n_classes)
    if known_idx is not None:
        post[known_idx] = np.eye(n_classes)[known_cls]

    # The votes as a sparse items x (source, vote) indicator matrix, built once: the E-step is
    # one sparse product with the log confusion entries, the M-step one with its transpose.
    indicators = _indicator_matrix(votes, n_classes)
    by_column = indicators.T.tocsr()

    history: list[float] = []
    converged = False
    for _ in range(max_iter):
        # M-step: expected (true class, vote) counts per source, smoothed and normalised.
        priors = fixed_prior if fixed_prior is not None else _normalise(post.sum(axis=0) + 1e-12)
        expected = np.asarray(by_column @ post)  # (source * vote) x true class
        confusion = expected.reshape(n_sources, n_classes, n_classes).transpose(0, 2, 1) + smoothing
        confusion /= np.maximum(confusion.sum(axis=2, keepdims=True), 1e-300)
        # E-step: log prior + the sum of log P(vote | class) over the sources that voted.
        with np.errstate(divide="ignore"):
            log_conf = np.log(confusion).transpose(0, 2, 1).reshape(n_sources * n_classes, n_classes)
        log_post = np.asarray(indicators @ log_conf) + np.log(priors)
        top = log_post.max(axis=1, keepdims=True)
        post = np.exp(log_post - top)
        norm = post.sum(axis=1, keepdims=True)
        post /= norm
        ll = float((top + np.log(norm)).sum())
        if known_idx is not None:
            post[known_idx] = np.eye(n_classes)[known_cls]
        history.append(ll)
        if len(history) > 1 and abs(history[-1] - history[-2]) <= tol * max(abs(history[-1]), 1.0):
            converged = True
            break
    return DawidSkene(
        posteriors=post,
        class_priors=np.asarray(priors, dtype=float),
        confusion=confusion,
        log_likelihood=history[-1],
        n_iter=len(history),
        converged=converged,
        history=tuple(history),
    )


# --- private helpers (inputs already checked) ------------------------------
def _check_votes(votes, n_classes: int) -> np.ndarray:
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise VotesError(f"n_classes must be an integer >= 2; got {n_classes!r}.")
    arr = np.asarray(votes)
    if arr.ndim != 2:
        raise VotesError(f"votes must be a 2-D matrix (items x sources); got {arr.ndim} dimension(s).")
    if not np.issubdtype(arr.dtype, np.integer):
        raise VotesError(f"votes must hold integer class codes (-1 for missing); got dtype {arr.dtype}.")
    if arr.size and (arr.min() < -1 or arr.max() >= n_classes):
        raise VotesError(
            f"votes hold codes outside -1 .. {n_classes - 1} (min {arr.min()}, max {arr.max()}); "
            "encode classes as 0 .. n_classes - 1 and missing votes as -1."
        )
    small = np.int8 if n_classes < 127 else np.int32
    return np.ascontiguousarray(arr, dtype=small)


def _counts(votes: np.ndarray, n_classes: int) -> np.ndarray:
    # Sources-major layout: each class count is a sum of contiguous rows, not a short-axis reduction.
    by_source = np.ascontiguousarray(votes.T)
    counts = np.empty((n_classes, votes.shape[0]), dtype=np.int32)
    for k in range(n_classes):
        np.sum(by_source == k, axis=0, dtype=np.int32, out=counts[k])
    return counts.T


def _majority(counts: np.ndarray) -> MajorityVote:
    columns = np.ascontiguousarray(counts.T)  # classes x items
    # One pass per class over contiguous rows (numpy's argmax along the short axis is slow).
    top = columns[0].copy()
    best = np.zeros(columns.shape[1], dtype=np.int64)
    n_top = np.ones(columns.shape[1], dtype=np.int64)
    for j in range(1, columns.shape[0]):
        row = columns[j]
        higher = row > top
        best = np.where(higher, j, best)
        n_top = np.where(higher, 1, n_top + (row == top))
        np.maximum(top, row, out=top)
    n_votes = columns.sum(axis=0)
    tie = (n_top > 1) & (n_votes > 0)
    labels = np.where(tie | (n_votes == 0), -1, best)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_votes > 0, top / n_votes, np.nan)
    return MajorityVote(counts=counts, labels=labels, tie=tie, share=share)


def _indicator_matrix(votes: np.ndarray, n_classes: int):
    """CSR items x (n_sources * n_classes) matrix with a 1 at (i, s * n_classes + vote) for every vote."""
    from scipy.sparse import csr_matrix

    n_items, n_sources = votes.shape
    voted = votes >= 0
    columns = (votes.astype(np.int32) + (np.arange(n_sources, dtype=np.int32) * n_classes))[voted]  # row-major
    indptr = np.zeros(n_items + 1, dtype=np.int64)
    np.cumsum(voted.sum(axis=1), out=indptr[1:])
    data = np.ones(len(columns))
    return csr_matrix((data, columns, indptr), shape=(n_items, n_sources * n_classes))


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / x.sum()
