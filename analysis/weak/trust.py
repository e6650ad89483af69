"""How far to trust the label model's learned LF accuracies: against gold, and without gold.

The label model assumes LFs independent given the class. When two LFs are
correlated within a class (two keywords that go together, age and pregnancies),
the full model does not learn their accuracies right: it counts their joint
votes twice (one-class LFs are then estimated without their partners,
:mod:`.leaveout`). On the tweets LFs of ``tests/analysis/test_weak_real.py``
the learned accuracy of ``early_morning`` is 0.96 against 0.67 measured on
gold (the estimated class balance is off there); Snorkel's LabelModel has
gaps of the same size (``benchmarks/bench_weak_real.py``).
So the product says so:

* **With gold** (:func:`gold_accuracy_check`): per LF, the accuracy measured on
  the gold rows where it votes, its 95% Wilson score interval (Wilson 1927; the
  same as ``statsmodels.stats.proportion.proportion_confint(method="wilson")``),
  the gap learned - gold, and whether the learned accuracy lies outside the
  interval.
* **Without gold** (:func:`correlation_flags`): a misspecification check. For
  each LF pair, the co-firing count is compared with the count expected if the
  LFs fired independently given the class, the class being each item's
  majority-vote shares (the test of :mod:`.dependencies`,
  ``expected_if_independent_given_class``). A pair departs when it co-fires at
  least :data:`DEPARTURE_RATIO` times as often, or at most ``1 /`` that, as
  expected, and the departure is at least :data:`DEPARTURE_Z` Poisson standard
  deviations (``|observed - expected| / sqrt(expected)``). A deficit must also
  hold against the co-firing the fitted label model itself predicts (the same
  sum with its posteriors as the class shares): two LFs that each fire only on
  their own class never co-fire, the majority-vote class (noisy) expects some,
  but the model, having learned that, does not. Both LFs of a
  departing pair get a warning: their learned accuracies are unreliable, and
  *may be overstated* when the pair votes the same class and co-fires in excess
  (the model counts their joint votes twice: on Pima ``age >= 45`` and
  ``pregnancies >= 7`` learn 1.00 against 0.59 and 0.61 on gold). One-class
  LFs of such pairs (and of pairs that never fire together) are then estimated
  without their partners (:mod:`.leaveout`: 0.72 and 0.69), and the warning
  says *estimated without* instead. Other
  departures can go either way: on the tweets, ``evening`` (exclusive with
  ``early_morning``) is learned 0.22 *below* its gold accuracy. "May", not
  "likely": by the full model, the near-perfect ``http``, ``#`` and ``join me``
  (same class, in excess) were learned 0.06, 0.09 and 0.00 below gold.

Why both thresholds: the majority-vote class is made of the LFs' own votes, so
even for LFs that are truly independent given the class the expectation is
biased (on simulated independent one-class LFs the ratio ranges from 0.6 to 1.6
and, with thousands of items, the z-score passes 3); a ratio of 2 is never
reached there, while the z-score keeps chance departures of small counts out.
The same bias costs power on near-copies of one LF (they make most of their
class's majority vote, so the expectation is high): those are the duplicates
that :func:`.dependencies.lf_dependencies` merges before the label model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..results import json_float
from .dependencies import _expected_given_class
from .matrix import LFMatrix, wsum

__all__ = [
    "DEPARTURE_RATIO",
    "DEPARTURE_Z",
    "CorrelatedPair",
    "LFAccuracyCheck",
    "correlation_flags",
    "gold_accuracy_check",
    "trust_sentences",
    "wilson_interval",
]

#: A pair departs from independence given the class when it co-fires this many times as often as expected, or 1/this ...
DEPARTURE_RATIO = 2.0
#: ... and the departure is at least this many Poisson standard deviations.
DEPARTURE_Z = 3.0
#: Confidence of the gold-accuracy interval.
CONFIDENCE = 0.95
#: Two-sided standard-normal quantiles by confidence: ``scipy.stats.norm.ppf(0.975)`` to the last bit (a test
#: checks it), so the usual 95% interval does not import scipy.stats (about 2 s: most of ``weak``'s time on
#: vote patterns).
NORMAL_QUANTILES: dict[float, float] = {0.95: 1.959963984540054}


@dataclass(frozen=True)
class CorrelatedPair:
    """Two LFs whose co-firing departs from independence given the (majority-vote) class."""

    a: str
    b: str
    same_class: bool
    co_fired: int
    expected: float
    ratio: float
    z: float

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "same_class": self.same_class,
            "co_fired": self.co_fired,
            "expected_if_independent_given_class": round(self.expected, 3),
            "ratio": round(self.ratio, 4),
            "z": round(self.z, 3),
        }

    def describe(self) -> str:
        how = "more" if self.ratio > 1 else "less"
        return (
            f"'{self.a}' and '{self.b}' fire together {self.co_fired:,} times where {self.expected:,.0f} were expected "
            f"if independent given the class ({self.ratio:.1f}x, {how} often)"
        )


@dataclass(frozen=True)
class LFAccuracyCheck:
    """Per LF: learned accuracy against gold (nan without gold) and the LFs it is correlated with."""

    name: str
    learned: float
    n_gold_votes: int
    gold: float
    gold_low: float
    gold_high: float
    correlated_with: tuple[str, ...]
    overstated_with: tuple[str, ...] = ()  # the partners of the same class co-firing in excess
    left_out: tuple[str, ...] = ()  # the LFs left out of the fit that estimated ``learned`` (.leaveout)

    @property
    def gap(self) -> float:
        """Learned minus gold accuracy (nan without gold votes)."""
        return self.learned - self.gold

    @property
    def outside_gold_interval(self) -> bool | None:
        """Whether the learned accuracy lies outside the gold interval (None without gold votes)."""
        if not self.n_gold_votes or not math.isfinite(self.learned):
            return None
        return bool(self.learned < self.gold_low or self.learned > self.gold_high)

    @property
    def warning(self) -> str:
        """'estimated without ...' (partners left out of its estimate, :mod:`.leaveout`), 'may be overstated: ...'
        (same-class excess, not left out), 'unreliable: ...' (other departures), or ''."""
        quote = lambda names: ", ".join(f"'{o}'" for o in names)  # noqa: E731
        rest = [o for o in self.correlated_with if o not in self.overstated_with and o not in self.left_out]
        also = f"; also not independent of {quote(rest)} given the class" if rest else ""
        if self.left_out:
            return (f"estimated without {quote(self.left_out)} (dependent on it given the class), from the other LFs "
                    "only: less evidence, so a wider error" + also)
        if self.overstated_with:
            return f"may be overstated: this LF is correlated with {quote(self.overstated_with)} within a class" + also
        if rest:
            return (f"unreliable: this LF fires with {quote(rest)} far more or less often than independence given "
                    "the class predicts")
        return ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "learned_accuracy": json_float(self.learned),
            "n_gold_votes": self.n_gold_votes,
            "gold_accuracy": json_float(self.gold),
            "gold_ci_low": json_float(self.gold_low),
            "gold_ci_high": json_float(self.gold_high),
            "learned_minus_gold": json_float(self.gap),
            "learned_outside_gold_ci": self.outside_gold_interval,
            "correlated_with": list(self.correlated_with),
            "overstated_with": list(self.overstated_with),
            "left_out": list(self.left_out),
            "warning": self.warning,
        }


def wilson_interval(count: np.ndarray, n: np.ndarray, *, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``count / n`` (vectorised; nan where ``n`` is 0).

    Examples
    --------
    >>> lo, hi = wilson_interval(np.array([81]), np.array([263]))  # Newcombe (1998), example (a): 0.2553 to 0.3662
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.2553, 0.3662)
    """
    count, n = np.asarray(count, dtype=float), np.asarray(n, dtype=float)
    z = NORMAL_QUANTILES.get(confidence)
    if z is None:
        from scipy.stats import norm

        z = float(norm.ppf(1 - (1 - confidence) / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = count / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def correlation_flags(matrix: LFMatrix, posteriors: np.ndarray | None = None) -> tuple[CorrelatedPair, ...]:
    """LF pairs whose co-firing departs from independence given the class (see the module docstring).

    ``posteriors`` (items x classes, from the label model fitted without gold): a deficit must also be one
    against the co-firing they predict; without them, deficits are judged on the majority-vote class alone.

    Examples
    --------
    Two LFs that both fire on one kind of item (``z``, a fifth of them, whatever the class), and three
    independent ones:

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> lf = lambda c, p_in, p_out: np.where(rng.random(2000) < np.where(y == c, p_in, p_out), c, -1)
    >>> z = rng.random(2000) < 0.2
    >>> a, b = (np.where(z & (rng.random(2000) < np.where(y == 1, 0.9, 0.3)), 1, -1) for _ in range(2))
    >>> votes = np.column_stack([a, b, lf(0, 0.5, 0.1), lf(1, 0.4, 0.1), lf(0, 0.3, 0.1)])
    >>> matrix = LFMatrix(("a", "b", "c", "d", "e"), (0, 1), votes)
    >>> [(p.a, p.b, p.same_class, p.co_fired, round(p.expected), round(p.ratio, 1)) for p in correlation_flags(matrix)]
    [('a', 'b', True, 205, 59, 3.5)]
    """
    votes = matrix.votes
    m = votes.shape[1]
    fire = votes >= 0
    if m < 2 or not fire.any():
        return ()
    w = matrix.counts  # items per row (vote patterns), None for one
    expected = _expected_given_class(votes, fire, matrix.n_classes, w)
    f = fire.astype(np.float64)
    if posteriors is not None:
        mass = posteriors if w is None else posteriors * w[:, None]
        weight = mass.T @ f
        model = np.einsum("ca,cb->ab", weight / np.maximum(mass.sum(axis=0), 1e-12)[:, None], weight)
    co = np.rint(f.T @ f).astype(np.int64) if w is None else (fire.astype(np.int64) * w[:, None]).T @ fire.astype(np.int64)
    single = [np.unique(votes[fire[:, j], j]) for j in range(m)]
    out = []
    for a in range(m):
        for b in range(a + 1, m):
            e = float(expected[a, b])
            if e <= 0:
                continue
            ratio, z = co[a, b] / e, (co[a, b] - e) / math.sqrt(e)
            if ratio <= 1 / DEPARTURE_RATIO and posteriors is not None:
                z = max(z, (co[a, b] - model[a, b]) / math.sqrt(max(model[a, b], 1e-12)))  # the model explains it?
            if abs(z) >= DEPARTURE_Z and (ratio >= DEPARTURE_RATIO or ratio <= 1 / DEPARTURE_RATIO):
                same = len(single[a]) == 1 and len(single[b]) == 1 and single[a][0] == single[b][0]
                out.append(CorrelatedPair(matrix.names[a], matrix.names[b], bool(same), int(co[a, b]), e, float(ratio), float(z)))
    return tuple(out)


def gold_accuracy_check(
    matrix: LFMatrix, learned: np.ndarray, pairs: tuple[CorrelatedPair, ...], left_out: tuple[tuple[str, ...], ...] = ()
) -> tuple[LFAccuracyCheck, ...]:
    """Per LF: learned accuracy, accuracy on the gold rows where it votes (nan without gold) with its Wilson
    interval, the LFs it forms a correlated pair with, and those left out to estimate it."""
    m = len(matrix.names)
    if matrix.gold is not None:
        known = matrix.gold >= 0
        g = matrix.votes[known]
        on = g >= 0
        w = None if matrix.counts is None else matrix.counts[known]
        right = wsum((g == matrix.gold[known][:, None].astype(g.dtype)) & on, w, axis=0)
        total = wsum(on, w, axis=0)
    else:
        right = total = np.zeros(m, dtype=np.int64)
    low, high = wilson_interval(right, total)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.where(total > 0, right / np.maximum(total, 1), np.nan)
    partners: dict[str, list[str]] = {name: [] for name in matrix.names}
    excess: dict[str, list[str]] = {name: [] for name in matrix.names}
    for p in pairs:
        partners[p.a].append(p.b)
        partners[p.b].append(p.a)
        if p.same_class and p.ratio > 1:
            excess[p.a].append(p.b)
            excess[p.b].append(p.a)
    return tuple(
        LFAccuracyCheck(
            name=name,
            learned=float(learned[j]),
            n_gold_votes=int(total[j]),
            gold=float(acc[j]),
            gold_low=float(low[j]),
            gold_high=float(high[j]),
            correlated_with=tuple(partners[name]),
            overstated_with=tuple(excess[name]),
            left_out=tuple(left_out[j]) if left_out else (),
        )
        for j, name in enumerate(matrix.names)
    )


def trust_sentences(checks: tuple[LFAccuracyCheck, ...]) -> list[str]:
    """The verdict's sentences on the learned accuracies: correlated LFs, and learned accuracies outside the gold interval."""
    out = []
    flagged = [c.name for c in checks if c.correlated_with]
    over = [c.name for c in checks if c.overstated_with and not c.left_out]
    left = [c.name for c in checks if c.left_out]
    if flagged:
        out.append(
            f"The learned accuracies of {len(flagged)} of {len(checks)} LFs are unreliable: they fire with another LF "
            "far more or less often than independence given the class (which the label model assumes) predicts "
            f"({_names(flagged)})" + (f"; may be overstated for those correlated with an LF of the same class "
                                      f"({_names(over)})." if over else ".")
        )
    if left:
        out.append(
            f"The accuracies of {len(left)} one-class LF(s) are estimated without the LFs they depend on, from a fit of "
            f"the other LFs ({_names(left)}): the full model would overstate them."
        )
    outside = [c for c in checks if c.outside_gold_interval]
    if outside:
        worst = max(outside, key=lambda c: abs(c.gap))
        out.append(
            f"On gold, {len(outside)} LF(s) have a learned accuracy outside the 95% interval of their measured accuracy "
            f"(largest gap: '{worst.name}' learned {worst.learned:.1%}, measured {worst.gold:.1%})."
        )
    return out


def _names(names: list[str], limit: int = 6) -> str:
    return ", ".join(repr(n) for n in names[:limit]) + (", ..." if len(names) > limit else "")
