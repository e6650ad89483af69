"""Learned accuracies of one-class LFs that depend on other LFs: leave them out, then calibrate.

An LF that only ever votes class ``c`` has one accuracy, ``P(y = c | it fires)``.
Under the label model (LFs independent given the class) it is identified
only through how the LF co-fires with the others; when it is correlated
*within a class* with some of them (``age >= 45`` and ``pregnancies >= 7`` on
Pima; two keywords that go together), the model explains their joint firing
by making the class itself "fires with its partners", and learns each of them
near-perfect: 1.00 for ``age >= 45`` against 0.587 on gold (Snorkel's
LabelModel learns 1.00 too). No choice of class prior or joint factor for
the pair fixes that (measured: ``benchmarks/bench_weak_real.py``, docs below).

So for each one-class LF ``j`` with *partners* (the LFs it is found
dependent with, below), :func:`leave_out_accuracy` estimates its accuracy
from evidence that does not involve them:

1. fit the label model (same EM, same dependency merging, same class-prior
   setting and gold anchors) on the votes of every LF *except* ``j`` and its
   partners: ``q_i = P(y | votes of the rest)``;
2. fit ``j``'s own output table ``P(output_j | y)`` (abstain included) by EM
   with ``q`` held fixed (a one-source Dawid-Skene: ``r_i ∝ q_i * P(output_ij | y)``);
3. its accuracy is the mean of ``r_i[c]`` over the items where it fires.

Step 2 is what makes the estimate consistent when ``j`` is independent of the
rest given the class. The plain mean of ``q_i[c]`` over the items where ``j``
fires (the leave-one-out posterior) is *not*: it leans toward the class prior
as the rest gets weaker (``E[q_c | j fires]`` is ``P(y = c)`` for an
uninformative rest), and measured it is: on simulated one-class LFs of known
accuracy 0.20 to 0.27 below it where the rest is three or four moderate LFs,
0.04 where it is six (``tests/analysis/test_weak_leaveout.py``, where the
calibrated estimate is within 0.03); on Pima a worst gap of 0.205 against 0.137.

Partners of ``j`` (:func:`partners`): the LFs of a pair the dependency check
(:mod:`.dependencies`) found, the same-class LFs the misspecification check
(:mod:`.trust`) finds co-firing in excess, and LFs that *never* fire with
``j`` where independence given the (majority-vote) class expects at least
:data:`NEVER_TOGETHER_MIN_EXPECTED` co-firings (``P(0 | Poisson(3)) = 0.05``):
``age < 25`` never fires with ``age >= 45`` (one feature), a structural
dependence that the fitted model explains away by learning both perfect.
Pairs of the misspecification check that are not same-class excess are not
partners (on the tweets nearly every LF is in one; leaving all of them out
leaves too little evidence: measured worse).

Limits: the estimate is only as good as the rest's posterior. When the class
balance the model estimates is off, every accuracy conditioned on it is off:
on the tweets the model puts 24.5% of items in the iPhone class (46% on
gold) and overstates the Android LFs whichever estimator is used; given the
class balance (``class_prior``), the gaps come to Snorkel's level. LFs that
vote several classes, and one-class LFs without partners, keep the full
model's estimate (their accuracy is identified by the votes themselves).
Above :data:`MAX_ITEMS` items the leave-out fits run on the distinct vote
patterns and their counts (exact over every item, as on the DuckDB/Spark
engines, whose matrices are patterns already); they used to run on a seeded
sample of that many items.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..em import DawidSkene, dawid_skene
from .dependencies import _expected_given_class, lf_dependencies, merge_lfs
from .matrix import LFMatrix, patterns, wmean

__all__ = [
    "MAX_ITEMS",
    "NEVER_TOGETHER_MIN_EXPECTED",
    "calibrate",
    "leave_out_accuracy",
    "model_accuracies",
    "one_class",
    "partners",
]

#: LFs that never co-fire where independence given the class expects at least this many co-firings are partners.
NEVER_TOGETHER_MIN_EXPECTED = 3.0
#: Above this many items (rows) the leave-out fits run on vote patterns with counts (exact, and cheaper).
MAX_ITEMS = 50_000


def one_class(votes: np.ndarray) -> np.ndarray:
    """Per LF: whether every vote it gives is the same class (and it gives at least one).

    >>> one_class(np.array([[1, 0, -1], [1, 1, -1]], dtype=np.int8)).tolist()
    [True, False, False]
    """
    by_lf = np.ascontiguousarray(votes.T)  # one contiguous row per LF: a bincount each (cheap next to one EM pass)
    return np.array([np.count_nonzero(np.bincount(row.astype(np.intp) + 1)[1:]) == 1 for row in by_lf], dtype=bool)


def partners(matrix: LFMatrix, dependent: Sequence[tuple[str, str]], same_class_excess: Sequence[tuple[str, str]]) -> tuple[tuple[int, ...], ...]:
    """Per LF, the indices of the LFs to leave out with it (see the module docstring).

    ``dependent``: LF name pairs of :func:`.dependencies.lf_dependencies`; ``same_class_excess``: the pairs of
    :func:`.trust.correlation_flags` that vote one class and co-fire in excess.

    Examples
    --------
    ``a`` and ``b`` are one feature's high and low bands (never together); ``c`` and ``d`` are independent:

    >>> rng = np.random.default_rng(0)
    >>> y, x = rng.integers(0, 2, 400), rng.random(400)
    >>> lf = lambda p: np.where(rng.random(400) < p, y, -1)
    >>> votes = np.column_stack([np.where(x > 0.6, 1, -1), np.where(x < 0.3, 0, -1), lf(0.5), lf(0.5)])
    >>> partners(LFMatrix(("a", "b", "c", "d"), (0, 1), votes), [], [])
    ((1,), (0,), (), ())
    """
    names = matrix.names
    out: list[set[int]] = [set() for _ in names]
    for a, b in [*dependent, *same_class_excess]:
        i, j = names.index(a), names.index(b)
        out[i].add(j)
        out[j].add(i)
    fire = matrix.votes >= 0
    expected = _expected_given_class(matrix.votes, fire, matrix.n_classes, matrix.counts)
    by_lf = np.ascontiguousarray(fire.T)
    m = len(names)
    for i in range(m):
        for j in range(i + 1, m):
            if expected[i, j] >= NEVER_TOGETHER_MIN_EXPECTED and not np.any(by_lf[i] & by_lf[j]):
                out[i].add(j)
                out[j].add(i)
    return tuple(tuple(sorted(p)) for p in out)


def calibrate(q: np.ndarray, output: np.ndarray, *, smoothing: float = 0.01, max_iter: int = 500, tol: float = 1e-9,
              weights: np.ndarray | None = None) -> np.ndarray:
    """One source's Dawid-Skene fit with the class posterior of the other sources held fixed.

    ``q``: items x classes, P(y | the other sources); ``output``: the source's output per item, 0 = abstain,
    ``c + 1`` = vote ``c``; ``weights``: items per row (vote patterns), None for one. Returns the items' posteriors given the others *and* this source,
    ``r_i ∝ q_i * P(output_i | y)``, at the fitted table.

    Examples
    --------
    A source that fires on class 1 only, with others that are sure of the class: it is learned perfect.

    >>> q = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> calibrate(q, np.array([0, 2, 2, 0]))[[1, 2], 1].round(3).tolist()
    [1.0, 1.0]
    """
    k = q.shape[1]
    n_out = k + 1
    r = q
    table = np.full((k, n_out), 1.0 / n_out)
    for _ in range(max_iter):
        mass = r if weights is None else r * weights[:, None]
        new = np.stack([np.bincount(output, weights=mass[:, c], minlength=n_out) for c in range(k)]) + smoothing
        new /= new.sum(axis=1, keepdims=True)
        r = q * new[:, output].T
        r /= np.maximum(r.sum(axis=1, keepdims=True), 1e-300)
        if np.abs(new - table).max() < tol:
            break
        table = new
    return r


def leave_out_accuracy(
    matrix: LFMatrix,
    accuracy: np.ndarray,
    partner_sets: tuple[tuple[int, ...], ...],
    *,
    single: np.ndarray,
    known: np.ndarray | None,
    class_prior: np.ndarray | None,
    smoothing: float,
    max_iter: int,
    tol: float,
    seed: int = 0,
) -> tuple[np.ndarray, tuple[tuple[int, ...], ...]]:
    """The accuracies with those of one-class LFs that have partners replaced by the leave-out estimate.

    ``single``: per LF, whether it votes one class only (:func:`one_class`). Returns the accuracies and, per LF,
    the LFs left out to estimate it (empty where the full model's estimate ``accuracy`` is kept: several classes
    voted, no partners, or fewer than two LFs left).
    """
    votes = matrix.votes
    n, m = votes.shape
    out = np.array(accuracy, dtype=float, copy=True)
    left: list[tuple[int, ...]] = [() for _ in range(m)]
    if not any(single[j] and partner_sets[j] for j in range(m)):
        return out, tuple(left)
    sub, sub_known, sub_w = votes, known, matrix.counts
    if sub_w is None and n > MAX_ITEMS:  # exact and cheaper on the distinct (votes, gold anchor) patterns
        sub, (sub_known,), sub_w, _ = patterns(votes, known)
    cache: dict[tuple[int, ...], np.ndarray] = {}
    for j in range(m):
        if not single[j] or not partner_sets[j]:
            continue
        drop = (j, *partner_sets[j])
        keep = tuple(s for s in range(m) if s not in drop)
        if len(keep) < 2:
            continue
        if keep not in cache:
            rest = LFMatrix(names=tuple(matrix.names[s] for s in keep), labels=matrix.labels, votes=sub[:, list(keep)],
                            counts=sub_w)
            groups = lf_dependencies(rest)[1]
            rest_votes = merge_lfs(rest, groups)[0] if groups else rest.votes
            cache[keep] = dawid_skene(
                rest_votes, n_classes=matrix.n_classes, known=sub_known, class_prior=class_prior, max_iter=max_iter,
                tol=tol, smoothing=smoothing, abstain_as_output=True, weights=sub_w,
            ).posteriors
        output = sub[:, j].astype(np.intp) + 1
        on = np.flatnonzero(output > 0)
        if not len(on):
            continue
        r = calibrate(cache[keep], output, smoothing=smoothing, weights=sub_w)
        out[j] = wmean(r[on, output[on] - 1], None if sub_w is None else sub_w[on])
        left[j] = tuple(s for s in drop if s != j)
    return out, tuple(left)


def model_accuracies(
    matrix: LFMatrix,
    fit: DawidSkene,
    full: np.ndarray,
    full_without_gold: np.ndarray | None,
    *,
    merged: bool,
    dependent: Sequence[tuple[str, str]],
    same_class_excess: Sequence[tuple[str, str]],
    known: np.ndarray | None,
    class_prior: np.ndarray | None,
    smoothing: float,
    max_iter: int,
    tol: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray | None, tuple[tuple[int, ...], ...], str]:
    """The label model's learned accuracies (:func:`.model.label_model`): ``full`` (the fit's, anchored on gold
    when ``known``) and ``full_without_gold`` (the fit that did not see gold; None without gold), each with the
    leave-out estimate for one-class LFs with partners. Returns both, the LFs left out per LF, and a note ('' if none).
    """
    m = matrix.votes.shape[1]
    # Which LFs vote one class only: the fit's expected counts summed over classes count each vote (free), unless
    # LFs were merged before the fit.
    expected = fit.expected_counts
    k = matrix.n_classes
    single = one_class(matrix.votes) if merged or expected is None else (expected[:, :, :k].sum(axis=1) > 0.5).sum(axis=1) == 1
    partner_sets = partners(matrix, dependent, same_class_excess) if single.any() else ((),) * m

    def run(accuracy: np.ndarray, anchors: np.ndarray | None) -> tuple[np.ndarray, tuple[tuple[int, ...], ...]]:
        return leave_out_accuracy(
            matrix, accuracy, partner_sets, single=single, known=anchors, class_prior=class_prior, smoothing=smoothing,
            max_iter=max_iter, tol=tol, seed=seed,
        )

    learned, left = run(full, known)
    without = full_without_gold
    if without is not None:
        without = learned if known is None else run(without, None)[0]
    note = ""
    if any(left):
        note = (
            "Learned accuracies of one-class LFs estimated without the LFs they depend on (a fit of the other LFs, "
            "then the LF's own table given it): "
            + "; ".join(f"'{name}' without " + ", ".join(f"'{matrix.names[s]}'" for s in lo)
                        for name, lo in zip(matrix.names, left) if lo)
            + "."
        )
    return learned, without, left, note
