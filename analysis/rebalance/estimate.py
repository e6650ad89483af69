"""The run-time estimate of a comparison (:class:`CostEstimate`) and durations in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .results import FoldProgress

__all__ = ["CostEstimate", "duration_text"]


@dataclass(frozen=True)
class CostEstimate:
    """An up-front estimate of the comparison's run time on one core (seconds), with its warnings.

    ``basis`` says where it comes from: ``"formula"`` (rows x features x a
    per-model constant, before anything runs) or ``"pilot"`` (timed fits on a
    stratified sample of this data, :func:`analysis.rebalance.pilot_estimate`).
    """

    seconds: float
    per_strategy: dict[str, float]
    warnings: tuple[str, ...]
    basis: str = "formula"
    pilot_seconds: float = 0.0

    #: How far off a pilot estimate may be, either way (a factor): the bound every table of
    #: ``benchmarks/bench_estimate.py`` stays within, the machine's load included (README).
    SPREAD = 2.5

    @property
    def text(self) -> str:
        """The estimate in words ("under a second", "about 12 s", "about 3 min")."""
        return duration_text(self.seconds)

    @property
    def low(self) -> float:
        """The short end of the likely range (seconds)."""
        return self.seconds / self.SPREAD

    @property
    def high(self) -> float:
        """The long end of the likely range (seconds)."""
        return self.seconds * self.SPREAD

    @property
    def range_text(self) -> str:
        """The likely range in words ("likely 6 s to 24 s"; "likely under 2 s" when short)."""
        if self.high < 1:
            return "likely under a second"
        if self.low < 1:
            return f"likely under {_short(self.high)}"
        return f"likely {_short(self.low)} to {_short(self.high)}"

    def remaining(self, strategies: Sequence[str], progress: FoldProgress, elapsed: float) -> float:
        """Seconds still to go after ``progress``, ``elapsed`` seconds into the run.

        The estimated work of the finished fits is compared with the time they
        really took, and the rest of the estimate is scaled by that ratio, so the
        figure corrects itself as the run goes on.
        """
        order = [n for n in strategies if n in self.per_strategy]
        if progress.strategy not in order:
            return 0.0
        i = order.index(progress.strategy)
        done = sum(self.per_strategy[n] for n in order[:i])
        done += self.per_strategy[progress.strategy] * progress.done / max(progress.total, 1)
        total = sum(self.per_strategy[n] for n in order)
        if done <= 0:
            return max(total - elapsed, 0.0)
        return max((total - done) * elapsed / done, 0.0)


def _short(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds < 120 else f"{seconds / 60:,.0f} min"


def duration_text(seconds: float) -> str:
    """A duration in words: "under a second", "about 12 s", "about 3 min".

    Examples
    --------
    >>> duration_text(0.4), duration_text(12.3), duration_text(185)
    ('under a second', 'about 12 s', 'about 3 min')
    """
    if seconds < 1:
        return "under a second"
    if seconds < 120:
        return f"about {seconds:,.0f} s"
    return f"about {seconds / 60:,.0f} min"
