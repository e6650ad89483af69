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

For weak supervision (labeling functions) ``dawid_skene(..., abstain_as_output=True)``
runs the same steps with "abstain" as one more observed output of every
source (a ``K x (K + 1)`` table per source, like Snorkel's label model): a
keyword rule that only ever votes one class is informative by *when* it fires.
Annotator consensus (:mod:`analysis.labels.consensus`) and the weak-supervision label
model (:mod:`analysis.weak`) both call :func:`dawid_skene`; there is no other EM.

Both steps are vectorised: the sources are grouped in blocks whose joint
outputs are coded as one small integer per item, once; the M-step is a
weighted ``bincount`` per block and class, the E-step a gather from a table
of summed log-probabilities per joint code. An iteration on 1,000,000 items x
20 sources costs about one majority-vote pass (benchmarks/bench_weak.py,
benchmarks/bench_labels.py).
"""

from __future__ import annotations

import time

import numpy as np

from ._em_results import DawidSkene, MajorityVote
from .errors import VotesError

__all__ = ["DawidSkene", "MajorityVote", "dawid_skene", "majority_labels", "majority_vote", "vote_counts"]

_BLOCK_CODES = 4096  # joint outputs of one block of sources fit in a code table of at most this size


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
    return majority_labels(_counts(votes, n_classes))


def majority_labels(counts: np.ndarray) -> MajorityVote:
    """Majority vote from vote counts per item and class (ties and items without votes get ``-1``).

    ``counts`` has shape ``(n_items, n_classes)``, e.g. from :func:`vote_counts`;
    callers that already hold the counts skip recounting the votes.

    Examples
    --------
    >>> mv = majority_labels(np.array([[2, 1], [1, 1], [0, 0]]))
    >>> mv.labels.tolist(), mv.tie.tolist()
    ([0, -1, -1], [False, True, False])
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or not np.issubdtype(counts.dtype, np.integer) or (counts.size and counts.min() < 0):
        raise VotesError("counts must be a 2-D matrix (items x classes) of non-negative integers.")
    return _majority(counts)


def dawid_skene(
    votes: np.ndarray,
    *,
    n_classes: int,
    class_prior: np.ndarray | None = None,
    known: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-7,
    smoothing: float = 0.01,
    abstain_as_output: bool = False,
    weights: np.ndarray | None = None,
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
    abstain_as_output : bool
        False (annotators): a ``-1`` is a missing vote and says nothing about
        the item. True (labeling functions, weak supervision): abstaining is an
        observed output, each source gets a ``K x (K + 1)`` table whose last
        column is P(abstain | class), so a source that fires mostly on one
        class is informative by *when* it fires (Snorkel's label model treats
        abstains the same way).
    weights : array of int, shape (n_items,), optional
        How many items each row stands for: the rows are then the *distinct
        vote patterns* and their counts (what the DuckDB/Spark engines collect,
        :mod:`analysis.engines.weak`). EM on patterns is exact: items with the
        same votes (and the same ``known`` class) have the same posterior, so
        every sum over items is a sum over patterns times their counts. Default:
        one item per row (the sums are taken exactly as without weights).

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
    any vote get the class priors as posterior (without ``abstain_as_output``).

    Both settings run the same E- and M-steps: the sources are grouped in
    blocks whose joint outputs (no vote, vote 0, ..., vote K-1: base ``K + 1``
    digits) fit one small integer code per item, built once. The M-step is, per
    block, one weighted ``bincount`` of the codes per class; the E-step one
    table of summed log-probabilities per joint code, gathered per class.
    Missing votes contribute a log-probability of 0 (plain Dawid-Skene) or
    ``log P(abstain | class)`` (``abstain_as_output``). An iteration on
    1,000,000 items x 20 sources costs about one majority-vote pass
    (``benchmarks/bench_weak.py``, ``benchmarks/bench_labels.py``).

    Examples
    --------
    >>> votes = np.array([[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 1, 0], [0, -1, 0]])
    >>> ds = dawid_skene(votes, n_classes=2)
    >>> ds.labels.tolist(), ds.converged
    ([0, 1, 0, 1, 0], True)

    A source that only ever votes 1 is informative by when it fires once its
    abstains count as outputs:

    >>> votes = np.array([[1, 1], [1, 1], [-1, 0], [-1, 0], [-1, 0], [1, 1]])
    >>> ds = dawid_skene(votes, n_classes=2, abstain_as_output=True)
    >>> ds.confusion.shape, ds.confusion[0, :, -1].round(1).tolist()  # P(source 0 abstains | class)
    ((2, 2, 3), [1.0, 0.0])
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
    if weights is not None:
        weights = np.asarray(weights)
        if weights.shape != (n_items,) or not np.issubdtype(weights.dtype, np.integer) or (weights.size and weights.min() < 1):
            raise VotesError(f"weights needs one positive integer count per row ({n_items}).")
        weights = weights.astype(np.float64)
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1) or not tol >= 0 or not smoothing >= 0:
        raise VotesError("max_iter must be an integer >= 1, and tol and smoothing >= 0.")
    return _em(
        votes,
        n_classes,
        prior=fixed_prior,
        known_idx=known_idx,
        known_cls=known_cls,
        max_iter=int(max_iter),
        tol=float(tol),
        smoothing=float(smoothing),
        abstain_as_output=bool(abstain_as_output),
        weights=weights,
    )


def _em(votes, k, *, prior, known_idx, known_cls, max_iter, tol, smoothing, abstain_as_output, weights=None) -> DawidSkene:
    """The EM loop of :func:`dawid_skene` (inputs checked).

    Internally output 0 is "no vote" and output ``j + 1`` is vote ``j``;
    posteriors are kept class-major, shape ``(K, n_items)``, so every pass
    over the items reads and writes contiguous rows. ``weights`` (float, or
    None for one item per row) multiply every sum over rows.
    """
    n, m = votes.shape
    base = k + 1
    blocks = _blocks(votes, base)
    counts = _counts(votes, k)
    n_votes = counts.sum(axis=1)
    # Start from each item's vote shares (uniform without votes).
    post = np.where(n_votes > 0, counts.T / np.maximum(n_votes, 1), 1.0 / k)
    known_eye = None
    if known_idx is not None:
        known_eye = np.eye(k)[:, known_cls]
        post[:, known_idx] = known_eye
    first = 0 if abstain_as_output else 1  # outputs that are modelled (column 0 = no vote)
    log_out = np.zeros((m, k, base))
    history: list[float] = []
    seconds: list[float] = []
    converged = False
    priors = prior
    for _ in range(max_iter):
        start = time.perf_counter()
        # M-step: expected (class, output) counts per source, smoothed and normalised over the modelled outputs.
        priors = prior if prior is not None else _normalise((post.sum(axis=1) if weights is None else post @ weights) + 1e-12)
        table = _tallies(blocks, post, m, k, base, weights)[:, :, first:] + smoothing
        table /= np.maximum(table.sum(axis=2, keepdims=True), 1e-300)
        # E-step: log prior + the summed log P(output | class) of each item's joint output code, per block.
        with np.errstate(divide="ignore"):
            log_out[:, :, first:] = np.log(table)
        log_post = np.empty((k, n))
        log_post[:] = np.log(priors)[:, None]
        for members, code, digits in blocks:
            joint = np.zeros((k, digits.shape[0]))
            for pos, s in enumerate(members):
                joint += log_out[s][:, digits[:, pos]]
            for c in range(k):
                log_post[c] += joint[c].take(code)
        top = log_post.max(axis=0)
        log_post -= top
        post = np.exp(log_post, out=log_post)
        norm = post.sum(axis=0)
        post /= norm
        if weights is None:
            ll = float(top.sum() + np.log(norm).sum())
        else:
            ll = float(top @ weights + np.log(norm) @ weights)
        if known_idx is not None:
            post[:, known_idx] = known_eye
        history.append(ll)
        seconds.append(time.perf_counter() - start)
        if len(history) > 1 and abs(history[-1] - history[-2]) <= tol * max(abs(history[-1]), 1.0):
            converged = True
            break
    expected = _tallies(blocks, post, m, k, base, weights)[:, :, first:]
    if abstain_as_output:  # public order: votes 0 .. K-1, then abstain (so index -1 reads the abstain code)
        table, expected = (np.concatenate([a[:, :, 1:], a[:, :, :1]], axis=2) for a in (table, expected))
    return DawidSkene(
        posteriors=np.ascontiguousarray(post.T),
        class_priors=np.asarray(priors, dtype=float),
        confusion=table,
        log_likelihood=history[-1],
        n_iter=len(history),
        converged=converged,
        history=tuple(history),
        abstain_as_output=abstain_as_output,
        expected_counts=expected,
        iteration_seconds=tuple(seconds),
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
    # Any memory layout works below (the helpers read whole columns or rows), so a transposed
    # view of the right dtype is used as it is, without a copy.
    return arr.astype(small, copy=False)


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


def _blocks(votes: np.ndarray, base: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Group sources into blocks whose joint outputs (base ``K + 1`` digits, 0 = no vote) fit one small code.

    Returns per block: the source indices, the code per item (``intp``, ready
    for gathers and ``bincount``), and the digit table ``digits[code, position]``
    (the output of the block's source at that position).
    """
    n, m = votes.shape
    size = 1
    while base ** (size + 1) <= _BLOCK_CODES:
        size += 1
    blocks = []
    for start in range(0, m, size):
        members = np.arange(start, min(start + size, m))
        code = np.zeros(n, dtype=np.intp)
        for pos, s in enumerate(members):
            digit = votes[:, s].astype(np.intp)
            digit += 1
            if pos:
                digit *= base**pos
            code += digit
        digits = (np.arange(base ** len(members))[:, None] // base ** np.arange(len(members))[None, :]) % base
        blocks.append((members, code, digits))
    return blocks


def _tallies(blocks, post: np.ndarray, m: int, k: int, base: int, weights: np.ndarray | None = None) -> np.ndarray:
    """``tallies[s, c, o]`` = sum over items of P(class c) [source s gave output o] (``post`` is class-major;
    ``weights``: items per row, None for one)."""
    tallies = np.zeros((m, k, base))
    mass = post if weights is None else post * weights
    for members, code, digits in blocks:
        n_codes = digits.shape[0]
        weight = np.stack([np.bincount(code, weights=mass[c], minlength=n_codes) for c in range(k)])  # (k, codes)
        for pos, s in enumerate(members):
            onehot = np.zeros((n_codes, base))
            onehot[np.arange(n_codes), digits[:, pos]] = 1.0
            tallies[s] = weight @ onehot
    return tallies


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / x.sum()
