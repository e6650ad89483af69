"""The class balance of the label model: the model's own estimate, checked against gold when gold exists.

Every learned accuracy is conditioned on the class balance: the accuracy of an
LF that votes one class ``c`` is ``P(y = c | it fires)``, so a balance that is
off moves all of them (and the labels' threshold). Without gold the balance is
the label model's own estimate (EM, jointly with the LF accuracies; Dawid and
Skene 1979), which is consistent when the LFs are independent given the class
(three such LFs identify it, Kruskal's theorem). When LFs are dependent
*within* a class it is not: on ``dslabs::trump_tweets`` with eight keyword and
time LFs the model puts 24.5% of the tweets in the iPhone class, 46% on gold.
Nothing gold-free fixes that: the method of moments on conditionally
independent triplets (Fu et al. 2020, "Fast and Three-rious: Speeding Up Weak
Supervision with Triplet Methods", ICML; the balance from the third moment,
Anandkumar et al. 2014, JMLR 15) assumes the same independence and gives
25.8% (median over the triplets; ``benchmarks/bench_weak_real.py``), and
Snorkel's ``LabelModel`` does not estimate the balance at all: it takes it as
given, from ``Y_dev`` gold labels when passed, else uniform (its 0.688 on the
tweets is the uniform guess).

With gold rows, their class shares are an unbiased estimate of the balance
*if the gold rows are a random sample of the items* (assumed; say otherwise
with an explicit ``class_prior``). They are noisier than the model's estimate,
which uses every row: on the bundled reviews sample (600 rows, 150 gold,
independent simulated annotators) the model's 27.7 / 28.3 / 44.0% is closer
to the true 27.3 / 29.0 / 43.7% than the gold rows' 36.0 / 28.7 / 35.3%. So
:func:`class_balance` keeps the model's estimate unless the gold rows reject
it: Pearson's chi-square test of the gold class counts against the shares the
model estimated *without* gold, at :data:`REJECT_P` (strict, because a
rejection replaces an estimate from every row by one from the gold rows only;
the reviews' gold rows give p = 0.04 against the truth itself). When it
rejects, the balance is fixed to the gold shares (Jeffreys-smoothed, so a class
absent from gold keeps a small positive share) and the label model is refitted
with it, as Snorkel's ``fit(Y_dev=...)`` does; the interval of each share is
Wilson's. The test needs an expected count of at least
:data:`MIN_EXPECTED` per class (the chi-square approximation's usual rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..errors import WeakSupervisionError, format_columns
from .matrix import LFMatrix, canon
from .trust import wilson_interval

__all__ = ["MIN_EXPECTED", "REJECT_P", "ClassBalance", "check_prior", "class_balance", "parse_class_prior"]

#: The gold class counts reject the model's balance below this chi-square p-value.
REJECT_P = 0.01
#: The test needs at least this many expected gold rows per class.
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class ClassBalance:
    """Which class balance the label model uses, and the evidence for it.

    Attributes
    ----------
    source : str
        ``"given"`` (the user's ``class_prior``), ``"gold"`` (the gold rows rejected the model's
        estimate) or ``"model"`` (the label model's own estimate, EM without gold).
    shares : ndarray or None
        The balance to fix in the fit (``None`` for ``"model"``: EM estimates it).
    model : ndarray
        The model's estimate from the fit without gold (the given prior when ``"given"``).
    gold, gold_low, gold_high : ndarray or None
        Gold class shares and their 95% Wilson intervals (``None`` without gold rows).
    n_gold : int
    chi2, p_value : float
        Pearson's test of the gold counts against ``model`` (nan when not run).
    """

    source: str
    shares: np.ndarray | None
    model: np.ndarray
    gold: np.ndarray | None = None
    gold_low: np.ndarray | None = None
    gold_high: np.ndarray | None = None
    n_gold: int = 0
    chi2: float = math.nan
    p_value: float = math.nan

    def describe(self, labels: tuple) -> str:
        """One sentence for the notes when the gold rows overrule the model ('' otherwise)."""
        if self.source != "gold" or self.gold is None or self.gold_low is None or self.gold_high is None:
            return ""
        gold = ", ".join(
            f"{lab!s} {g:.1%} ({lo:.1%} to {hi:.1%})" for lab, g, lo, hi in zip(labels, self.gold, self.gold_low, self.gold_high)
        )
        model = ", ".join(f"{lab!s} {m:.1%}" for lab, m in zip(labels, self.model))
        return (
            f"Class balance from the {self.n_gold:,} gold rows (taken as a random sample of the items): {gold}. The "
            f"label model's own estimate without gold ({model}) is rejected by them (chi-square p = {self.p_value:.2g}), "
            "a sign of LFs dependent within a class; a balance that is off biases every learned accuracy."
        )

    def summary(self, labels: tuple) -> str:
        """One sentence for the page: the model's balance against the gold rows' and which one the fit uses."""
        if self.source == "given":
            return "Class balance: given (" + ", ".join(f"{lab!s} {v:.1%}" for lab, v in zip(labels, self.model)) + ")."
        model = ", ".join(f"{lab!s} {m:.1%}" for lab, m in zip(labels, self.model))
        if self.gold is None or self.gold_low is None or self.gold_high is None:
            return f"Class balance: estimated by the label model ({model}); there are no gold rows to check it against."
        gold = ", ".join(
            f"{lab!s} {g:.1%} ({lo:.1%} to {hi:.1%})" for lab, g, lo, hi in zip(labels, self.gold, self.gold_low, self.gold_high)
        )
        head = f"Class balance: the label model's own estimate without gold {model}; the {self.n_gold:,} gold rows {gold}"
        if math.isnan(self.p_value):
            return f"{head}. Too few gold rows to test it (fewer than {MIN_EXPECTED:g} expected per class): the model's is used."
        if self.source == "gold":
            return (f"{head}. The gold rows reject the model's (chi-square p = {self.p_value:.2g}): the label model uses "
                    "the gold balance (taken as a random sample of the items).")
        return f"{head}. Not rejected (chi-square p = {self.p_value:.2g}, rejected below {REJECT_P:g}): the model's own is used."

    def to_dict(self, labels: tuple) -> dict:
        def per_class(values: np.ndarray | None) -> dict | None:
            return None if values is None else {str(lab): float(v) for lab, v in zip(labels, values)}

        return {
            "source": self.source,
            "model_estimate": per_class(self.model),
            "gold_shares": per_class(self.gold),
            "gold_ci_low": per_class(self.gold_low),
            "gold_ci_high": per_class(self.gold_high),
            "n_gold": self.n_gold,
            "chi2": None if math.isnan(self.chi2) else self.chi2,
            "p_value": None if math.isnan(self.p_value) else self.p_value,
        }


def class_balance(
    matrix: LFMatrix, *, model: np.ndarray, gold: np.ndarray | None = None, given: np.ndarray | None = None
) -> ClassBalance:
    """Choose the class balance: given, else the model's unless the gold rows reject it (module docstring).

    Parameters
    ----------
    matrix : LFMatrix
    model : ndarray, shape (n_classes,)
        The balance the label model estimated without gold.
    gold : ndarray of int, optional
        Gold class codes (``-1`` where none); defaults to ``matrix.gold``. Pass a subset (the
        held-out split's anchor half) to decide on those rows only.
    given : ndarray, optional
        A fixed class prior from the user: used as is.

    Examples
    --------
    >>> m = LFMatrix(names=("a",), labels=(0, 1), votes=np.zeros((200, 1), dtype=np.int64),
    ...              gold=np.repeat([0, 1, -1], [30, 70, 100]))
    >>> b = class_balance(m, model=np.array([0.7, 0.3]))
    >>> b.source, b.shares.round(3).tolist()
    ('gold', [0.302, 0.698])
    """
    from scipy.stats import chi2 as chi2_dist

    k = matrix.n_classes
    model = np.asarray(model, dtype=float)
    if given is not None:
        return ClassBalance("given", np.asarray(given, dtype=float), np.asarray(given, dtype=float))
    gold = matrix.gold if gold is None else gold
    mask = np.asarray(gold) >= 0 if gold is not None else np.zeros(0, dtype=bool)
    codes = np.asarray(gold)[mask] if gold is not None else np.empty(0, dtype=np.int64)
    # On vote patterns (engines) each row stands for matrix.counts items.
    w = None if matrix.counts is None or gold is None else np.asarray(matrix.counts)[mask]
    n = len(codes) if w is None else int(w.sum())
    if not n:
        return ClassBalance("model", None, model)
    counts = np.bincount(codes, weights=w, minlength=k).astype(float)
    low, high = wilson_interval(counts, np.full(k, float(n)))
    base = ClassBalance("model", None, model, gold=counts / n, gold_low=low, gold_high=high, n_gold=n)
    expected = n * model
    if expected.min() < MIN_EXPECTED:
        return base
    stat = float(((counts - expected) ** 2 / expected).sum())
    p = float(chi2_dist.sf(stat, k - 1))
    if p >= REJECT_P:
        return replace(base, chi2=stat, p_value=p)
    shares = (counts + 0.5) / (n + 0.5 * k)  # Jeffreys: a class absent from gold keeps a positive share
    return replace(base, source="gold", shares=shares, chi2=stat, p_value=p)


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


def check_prior(class_prior, labels: tuple) -> np.ndarray | None:
    if class_prior is None:
        return None
    if isinstance(class_prior, dict):
        given = {canon(k): v for k, v in class_prior.items()}
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
