"""The label model: majority vote and Dawid-Skene EM over LF votes, abstains modelled.

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
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ..em import DawidSkene, MajorityVote, dawid_skene, majority_vote
from ..errors import WeakSupervisionError
from ..results import ResultMixin, Severity, json_float
from ..wording import count_noun, verb
from .balance import ClassBalance, check_prior, class_balance, parse_class_prior
from .dependencies import LFDependency, lf_dependencies, merge_lfs
from .heldout import choose
from .heldout import gold_accuracy as gold_scores
from .heldout import heldout as heldout_split
from .leaveout import model_accuracies
from .matrix import LFMatrix, wmean, wsum
from .summary import gold_counts
from .trust import CorrelatedPair, LFAccuracyCheck, correlation_flags, gold_accuracy_check, trust_sentences

__all__ = ["LabelModel", "label_model", "parse_class_prior"]

@dataclass(frozen=True, eq=False)
class LabelModel(ResultMixin):
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
        (comparable with the empirical accuracy on gold). For an LF that votes
        one class and depends on other LFs (``left_out``), the estimate of
        :func:`.leaveout.leave_out_accuracy` (a fit without those LFs, then the
        LF's own table given it), not the full model's.
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
    notes: tuple[str, ...] = ()
    iteration_seconds: tuple[float, ...] = ()  # wall time of each EM iteration (benchmarks)
    fit: DawidSkene | None = None  # the analysis.em.dawid_skene result behind the fields above
    used: str = "label_model"  # which labels the weak labels are: "label_model" or "majority_vote"
    used_reason: str = ""
    heldout: dict | None = None  # the held-out gold comparison that chose ``used`` (None without gold)
    dependencies: tuple[LFDependency, ...] = ()
    merged: tuple[str, ...] = ()  # names of the merged LFs the EM saw ("a + b")
    n_gold_copied: int = 0  # items whose weak label is their gold label (fixed to it)
    correlated: tuple[CorrelatedPair, ...] = ()  # LF pairs departing from independence given the class (.trust)
    learned_without_gold: np.ndarray | None = None  # learned accuracies of the fit that did not see gold (with gold)
    left_out: tuple[tuple[str, ...], ...] = ()  # per LF: the LFs left out to estimate its accuracy (.leaveout)
    balance: ClassBalance | None = None  # which class balance the fit used and why (.balance)

    SEVERITY: ClassVar[dict[str, Severity]] = {
        "label_model": "ok",
        "majority_vote": "info",
        "not_converged": "warning",
        "copies_gold": "warning",
    }

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        """``copies_gold`` (every row has gold: the weak labels are the gold column), ``not_converged``
        (EM stopped at ``max_iter``), ``majority_vote`` (held-out gold chose majority vote) or ``label_model``."""
        if self.used_gold and self.matrix.gold is not None and len(self.codes) and bool((self.matrix.gold >= 0).all()):
            return "copies_gold"
        if not self.converged:
            return "not_converged"
        return self.used

    @property
    def n_items(self) -> int:
        """Items (rows of the data): the rows of ``codes``, or their counts when the model ran on vote patterns."""
        return self.matrix.n_items

    @property
    def verdict_text(self) -> str:
        n = int(wsum(self.codes >= 0, self.matrix.counts))
        parts = []
        if self.verdict == "copies_gold":
            parts.append(
                f"Every row has a gold label, so the {n:,} weak labels are copies of the gold column '{self.matrix.gold_column}' "
                "(gold rows keep their gold label): they add nothing. The LF accuracies and the comparison with majority "
                "vote below are the useful part; apply the LFs to rows without gold to label new data."
            )
        if not self.converged:
            parts.append(
                f"The label model did not converge after {self.n_iter} iterations: its LF accuracies and labels may "
                "still change with more iterations; compare them with majority vote before trusting them."
            )
        which = "majority vote (ties broken by the label model)" if self.used == "majority_vote" else "the label model"
        parts.append(f"The weak labels come from {which}: {n:,} of {self.n_items:,} items labelled ({self.coverage:.1%}).")
        if self.used_reason:
            parts.append(self.used_reason)
        if self.converged:
            parts.append(f"EM converged after {self.n_iter} iterations.")
        parts += trust_sentences(self.accuracy_checks())
        return " ".join(parts)

    def accuracy_checks(self) -> tuple[LFAccuracyCheck, ...]:
        """Per LF: learned accuracy against gold (Wilson interval) and the LFs it is correlated with (:mod:`.trust`)."""
        learned = self.learned_accuracy if self.learned_without_gold is None else self.learned_without_gold
        return gold_accuracy_check(self.matrix, learned, self.correlated, self.left_out)

    @property
    def coverage(self) -> float:
        return wmean(self.codes >= 0, self.matrix.counts) if len(self.codes) else 0.0

    @property
    def agreement_with_majority(self) -> float:
        """Share of items with a (non-tied) majority vote whose label-model label is the same."""
        mv = self.majority.labels
        has = mv >= 0
        w = self.matrix.counts
        return wmean(self.codes[has] == mv[has], None if w is None else w[has]) if has.any() else math.nan

    def agreement_table(self) -> pd.DataFrame:
        """Items by majority-vote outcome (rows: each label, 'tie', 'no vote') and label-model label (columns)."""
        labels = [str(v) for v in self.matrix.labels]
        mv = self.majority.labels.astype(np.int64)
        row = np.where(self.majority.tie, len(labels), np.where(mv >= 0, mv, len(labels) + 1))
        col = np.where(self.codes >= 0, self.codes, len(labels))
        size = (len(labels) + 2) * (len(labels) + 1)
        table = np.bincount(row * (len(labels) + 1) + col, weights=self.matrix.counts, minlength=size)
        table = table.astype(np.int64).reshape(len(labels) + 2, len(labels) + 1)
        return pd.DataFrame(table, index=labels + ["tie", "no vote"], columns=labels + ["no vote"])

    def accuracy_frame(self) -> pd.DataFrame:
        """Per LF: learned accuracy (label model) beside, when gold exists, the one learned without gold and the
        empirical one with its 95% Wilson interval."""
        frame = pd.DataFrame({"name": list(self.matrix.names), "learned_accuracy": self.learned_accuracy})
        if self.matrix.gold is not None:
            correct, incorrect, _ = gold_counts(self.matrix)
            total = correct + incorrect
            with np.errstate(invalid="ignore", divide="ignore"):
                frame["empirical_accuracy"] = np.where(total > 0, correct / np.maximum(total, 1), np.nan)
            checks = self.accuracy_checks()
            frame["learned_without_gold"] = [c.learned for c in checks]
            frame["empirical_ci_low"] = [c.gold_low for c in checks]
            frame["empirical_ci_high"] = [c.gold_high for c in checks]
        return frame

    def label_counts(self) -> dict:
        on = self.codes >= 0
        w = self.matrix.counts
        counts = np.bincount(self.codes[on], weights=None if w is None else w[on], minlength=self.matrix.n_classes)
        return {lab: int(c) for lab, c in zip(self.matrix.labels, counts)}

    def to_frame(self) -> pd.DataFrame:
        """Per item: ``weak_label`` (the abstain value where no LF voted) and ``weak_confidence``.

        Raises :class:`WeakSupervisionError` for a model fitted on vote patterns (DuckDB/Spark), which holds no rows.
        """
        if self.matrix.counts is not None:
            raise WeakSupervisionError(
                "This label model ran on the distinct vote patterns of a DuckDB/Spark table, so it holds no rows to "
                "label; write labelled rows with the pandas engine (--engine pandas), or label a pandas frame."
            )
        return pd.DataFrame(
            {
                "weak_label": self.matrix.label_of(self.codes, missing=self.matrix.abstain),
                "weak_confidence": self.confidence,
            }
        )

    def to_dict(self) -> dict:
        mv = self.majority
        w = self.matrix.counts
        n = max(self.n_items, 1)
        labelled = self.codes >= 0
        conf = self.confidence[labelled]
        heldout = self.heldout or {}
        out = {
            "method": "dawid_skene_abstain",
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "used": self.used,
            "used_reason": self.used_reason,
            # Held-out gold comparison (null without gold): same held-out items for both.
            "majority_vote_accuracy": json_float(heldout.get("majority_vote")),
            "label_model_accuracy": json_float(heldout.get("label_model")),
            "heldout": None if self.heldout is None else {k: json_float(v) if isinstance(v, float) else v for k, v in heldout.items()},
            "dependencies": [d.to_dict() for d in self.dependencies],
            # Misspecification check (.trust): pairs departing from independence given the class, and per LF its
            # learned accuracy against gold (null without gold) with the LFs it is correlated with.
            "correlated_pairs": [p.to_dict() for p in self.correlated],
            "lf_accuracy_check": [c.to_dict() for c in self.accuracy_checks()],
            "merged_lfs": list(self.merged),
            "n_gold_copied": self.n_gold_copied,
            "coverage": self.coverage,
            "n_labelled": int(wsum(labelled, w)),
            "label_counts": {str(k): v for k, v in self.label_counts().items()},
            "mean_confidence": wmean(conf, None if w is None else w[labelled]) if len(conf) else None,
            "class_priors": {str(k): float(p) for k, p in zip(self.matrix.labels, self.class_priors)},
            "class_prior_fixed": self.prior_fixed,
            # Where the balance comes from (.balance): given, the model's own (EM), or the gold rows when they reject it.
            "class_balance": None if self.balance is None else self.balance.to_dict(self.matrix.labels),
            "learned_accuracy": {name: json_float(a) for name, a in zip(self.matrix.names, self.learned_accuracy)},
            # How each learned accuracy was estimated (.leaveout): LFs listed here were left out of the fit that
            # estimated it (one-class LFs with dependent partners); the others come from the full model.
            "learned_accuracy_method": "full model; one-class LFs with dependent partners: leave-out fit + calibration",
            "learned_accuracy_left_out": {name: list(lo) for name, lo in zip(self.matrix.names, self.left_out) if lo},
            "n_iter": self.n_iter,
            "converged": self.converged,
            "log_likelihood": self.log_likelihood,
            "used_gold": self.used_gold,
            "majority_vote": {
                "coverage": float(wsum(mv.labels >= 0, w) / n),
                "n_ties": mv.n_ties if w is None else int(w[mv.tie].sum()),
            },
            "agreement_with_majority": json_float(self.agreement_with_majority),
            "notes": list(self.notes),
        }
        # Present without gold too (null), so no key depends on the --gold flag.
        out["gold_accuracy"] = (
            None
            if self.gold_accuracy is None
            else {k: json_float(v) if isinstance(v, float) else v for k, v in self.gold_accuracy.items()}
        )
        return out


def label_model(
    matrix: LFMatrix,
    *,
    class_prior: Sequence[float] | dict | None = None,
    use_gold: bool = True,
    max_iter: int = 200,
    tol: float = 1e-7,
    smoothing: float = 0.01,
    merge_dependent: bool = True,
    fallback: bool = True,
    gold_balance: bool = True,
    seed: int = 0,
) -> LabelModel:
    """Combine LF votes: majority vote (baseline) and the Dawid-Skene label model with abstains as outcomes.

    The learned accuracy of an LF is abstain-aware: the expected share of its
    votes that are right under the fitted posteriors, P(true = its vote | it
    fires), which for an LF that only votes one class is P(true = that class |
    it fires). For one-class LFs with dependent partners it is estimated
    without them (:mod:`.leaveout`); the posteriors and labels are the full
    model's either way.

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
    merge_dependent : bool
        Check LF pairs for dependencies (:func:`~analysis.weak.dependencies.lf_dependencies`:
        LFs that never fire together, or one-class duplicates) and merge them
        before the EM, which assumes LFs independent given the class.
    fallback : bool
        With gold labels: split the gold rows in two halves (seeded), fit with one
        half fixed and compare the label model with majority vote on the other
        half; when majority vote is more accurate there, the weak labels are
        majority vote (ties broken by the label model). ``used`` and
        ``used_reason`` say which and why.
    gold_balance : bool
        With gold labels and no ``class_prior``: fix the class balance to the gold rows' shares when they reject
        the model's own estimate (:mod:`.balance`; assumes the gold rows are a random sample). ``False`` keeps
        the model's estimate.
    seed : int
        Seed of the gold split.

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
    prior = check_prior(class_prior, matrix.labels)
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1) or not tol >= 0 or not smoothing > 0:
        raise WeakSupervisionError("max_iter must be an integer >= 1, tol >= 0 and smoothing > 0.")
    votes = matrix.votes
    w = matrix.counts  # items per row when the rows are vote patterns (DuckDB/Spark), None for one
    majority = majority_vote(votes, n_classes=k)
    has_gold = matrix.gold is not None and bool((matrix.gold >= 0).any())
    known = matrix.gold if (use_gold and has_gold) else None
    dependencies, groups = lf_dependencies(matrix) if merge_dependent else ((), ())
    em_votes = merge_lfs(matrix, groups)[0] if groups else votes

    def em(known: np.ndarray | None, prior: np.ndarray | None = prior) -> DawidSkene:
        return dawid_skene(
            em_votes, n_classes=k, known=known, class_prior=prior, max_iter=max_iter, tol=tol, smoothing=smoothing,
            abstain_as_output=True, weights=w,
        )

    fit = em(known)
    balance = ClassBalance("model" if prior is None else "given", prior, fit.class_priors if prior is None else prior)
    covered = majority.n_votes > 0
    notes = []
    if groups:
        notes.append(
            "Dependent LFs merged before the label model (it assumes LFs independent given the class): "
            + "; ".join(d.describe() for d in dependencies if d.merged)
            + ". Each merged group votes its members' majority."
        )
    unmerged = [d for d in dependencies if not d.merged]
    if unmerged:
        notes.append("Also dependent, not merged: " + "; ".join(d.describe() for d in unmerged) + ".")
    n_uncovered = int(wsum(~covered, w))
    if n_uncovered:
        keep = "stay empty" if matrix.abstain is None else f"keep the abstain value {matrix.abstain!r}"
        notes.append(f"{count_noun(n_uncovered, 'item')} {verb(n_uncovered, 'has', 'have')} no LF vote and {keep}.")
    gold_accuracy = heldout = learned_without_gold = None
    used, reason = "label_model", ""
    if has_gold:
        assert matrix.gold is not None
        blind = fit if known is None else em(None)
        # The class balance (.balance): the model's own unless the gold rows reject it; then refit with theirs.
        balance = class_balance(matrix, model=blind.class_priors, given=prior) if gold_balance else balance
        if balance.source == "gold":
            fit, blind = em(known, balance.shares), em(None, balance.shares)
            notes.append(balance.describe(matrix.labels))
        gold_accuracy = gold_scores(matrix.gold, majority, blind.posteriors, covered, w)
        learned_without_gold = blind.vote_accuracy if not groups else _vote_accuracy(votes, blind.posteriors, w)
        if known is not None:
            fixed = int(wsum(known >= 0, w))
            notes.append(
                f"{count_noun(fixed, 'gold row')} {verb(fixed, 'is', 'are')} fixed to their gold label; accuracy on "
                "gold is measured with a second fit that did not see them."
            )

        def heldout_fit(anchor: np.ndarray | None) -> np.ndarray:  # the balance decided on the anchor half only
            shares = prior if anchor is None or not gold_balance else class_balance(matrix, model=balance.model, gold=anchor, given=prior).shares
            return em(anchor if use_gold else None, shares).posteriors

        heldout = heldout_split(matrix.gold, majority, heldout_fit, seed=seed, weights=w, split=matrix.split)
        used, reason = choose(heldout, fallback=fallback)
    if not fit.converged:
        notes.append(f"EM stopped after {fit.n_iter} iterations without converging (tolerance {tol:g}).")
    correlated = correlation_flags(matrix, (fit if not has_gold else blind).posteriors)
    # One-class LFs with dependent partners: accuracy from a fit that leaves them out (.leaveout).
    learned, learned_without_gold, left, note = model_accuracies(
        matrix, fit, fit.vote_accuracy if not groups else _vote_accuracy(votes, fit.posteriors, w), learned_without_gold,
        merged=bool(groups), dependent=[(d.a, d.b) for d in dependencies],
        same_class_excess=[(p.a, p.b) for p in correlated if p.same_class and p.ratio > 1],
        known=known, class_prior=balance.shares, smoothing=smoothing, max_iter=max_iter, tol=tol, seed=seed,
    )
    if note:
        notes.append(note)
    if correlated:
        notes.append(
            "Learned accuracies unreliable (the label model assumes LFs independent given the class; these pairs are "
            "not): " + "; ".join(p.describe() for p in correlated) + "."
        )
    lm_codes = fit.labels
    if used == "majority_vote":  # ties (no majority) keep the label model's label
        lm_codes = np.where(majority.labels >= 0, majority.labels, lm_codes)
        if known is not None:
            lm_codes = np.where(known >= 0, known, lm_codes)
    codes = np.where(covered, lm_codes, -1)
    confidence = np.where(covered, fit.posteriors[np.arange(len(codes)), np.maximum(codes, 0)], np.nan)
    n_copied = int(wsum((known >= 0) & covered, w)) if known is not None else 0
    if n_copied and n_copied < matrix.n_items:
        notes.append(f"{count_noun(n_copied, 'weak label')} {verb(n_copied, 'is', 'are')} the gold label of their "
                     "row (gold rows are fixed to it).")
    return LabelModel(
        matrix=matrix,
        codes=codes,
        confidence=confidence,
        posteriors=fit.posteriors,
        majority=majority,
        class_priors=fit.class_priors,
        prior_fixed=balance.shares is not None,
        outputs=_outputs(matrix, fit) if groups else np.concatenate([fit.confusion[:, :, -1:], fit.confusion[:, :, :-1]], axis=2),
        learned_accuracy=learned,
        log_likelihood=fit.log_likelihood,
        n_iter=fit.n_iter,
        converged=fit.converged,
        history=fit.history,
        used_gold=known is not None,
        gold_accuracy=gold_accuracy,
        notes=tuple(notes),
        iteration_seconds=fit.iteration_seconds,
        fit=fit,
        used=used,
        used_reason=reason,
        heldout=heldout,
        dependencies=dependencies,
        merged=tuple(merge_lfs(matrix, groups)[1][: len(groups)]) if groups else (),
        n_gold_copied=n_copied,
        correlated=correlated,
        learned_without_gold=learned_without_gold,
        left_out=tuple(tuple(matrix.names[s] for s in lo) for lo in left),
        balance=balance,
    )



def _vote_accuracy(votes: np.ndarray, post: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Per LF: mean posterior of its vote over the items it votes on, P(true = vote | it fires) (nan if silent);
    ``w``: items per row (vote patterns), None for one."""
    out = np.full(votes.shape[1], np.nan)
    for j in range(votes.shape[1]):
        on = np.flatnonzero(votes[:, j] >= 0)
        if len(on):
            out[j] = wmean(post[on, votes[on, j]], None if w is None else w[on])
    return out


def _outputs(matrix: LFMatrix, fit: DawidSkene) -> np.ndarray:
    """Per original LF, P(output | class) from the fitted posteriors (abstain first), when LFs were merged."""
    k = matrix.n_classes
    post = fit.posteriors if matrix.counts is None else fit.posteriors * matrix.counts[:, None]
    out = np.empty((matrix.votes.shape[1], k, k + 1))
    weight = post.sum(axis=0)
    for j in range(matrix.votes.shape[1]):
        code = matrix.votes[:, j].astype(np.int64) + 1  # 0 = abstain
        for c in range(k):
            out[j, c] = np.bincount(code, weights=post[:, c], minlength=k + 1) / max(float(weight[c]), 1e-300)
    return out
