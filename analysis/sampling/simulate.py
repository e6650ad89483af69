"""Sampling simulator: what non-probability sampling costs, made visible.

From the data at hand (taken as the population), draw ``repeats`` samples of
``sample_size`` rows with each method and measure how far each sample's
distribution of the group column (and of the target, if given) lands from the
full data's, as total variation distance (TVD = 1/2 sum |p - q|: the share of
rows that would have to change group).

Methods (the registry ``SAMPLING_METHODS``; adding one is one ``register`` call)
    simple random         ``Generator.choice`` without replacement
    stratified by group   proportional allocation (largest remainder), simple random within each group
    stratified by target  the same, by the target's classes (only with a target)
    systematic            every k-th row (k = N // n) from a random start
    convenience: first N  the first n rows of the file (the same sample every time)
    convenience: one group over-weighted
                          rows of the largest group are ``overweight`` times as likely to be drawn
                          (weighted sampling without replacement, Efraimidis & Spirakis 2006)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ..errors import DiagnosticsError, require_column
from ..intake.frames import takes_table
from ..registry import Registry
from ..results import ResultMixin, Severity
from ..wording import count_noun
from ._common import group_labels, largest_remainder, validate_group

__all__ = ["METHODS", "SAMPLING_METHODS", "SamplingMethod", "SimulationResult", "SimulationSettings", "simulate_sampling"]


@dataclass(frozen=True)
class _Draw:
    """What every sampling method draws from: row counts, rows of each group / class and their full-data shares."""

    n: int
    size: int
    group_rows: list[np.ndarray]
    group_full: np.ndarray
    target_rows: list[np.ndarray] | None
    target_full: np.ndarray | None
    weights: np.ndarray


@dataclass(frozen=True)
class SamplingMethod:
    """One way of drawing a sample: its name, whether it needs the target, and the draw (row positions)."""

    name: str
    draw: Callable[[_Draw, np.random.Generator], np.ndarray]
    needs_target: bool = False


def _simple_random(d: _Draw, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(d.n, size=d.size, replace=False)


def _by_group(d: _Draw, rng: np.random.Generator) -> np.ndarray:
    return _stratified(rng, d.group_rows, d.group_full, d.size)


def _by_target(d: _Draw, rng: np.random.Generator) -> np.ndarray:
    assert d.target_rows is not None and d.target_full is not None  # needs_target
    return _stratified(rng, d.target_rows, d.target_full, d.size)


def _systematic(d: _Draw, rng: np.random.Generator) -> np.ndarray:
    step = d.n // d.size
    return int(rng.integers(step)) + step * np.arange(d.size)


def _first_n(d: _Draw, rng: np.random.Generator) -> np.ndarray:
    return np.arange(d.size)


def _overweighted(d: _Draw, rng: np.random.Generator) -> np.ndarray:
    keys = rng.random(d.n) ** (1.0 / d.weights)
    return np.argpartition(-keys, d.size - 1)[: d.size]


#: The sampling methods the simulator runs, in order.
SAMPLING_METHODS: Registry[SamplingMethod] = Registry("sampling method", DiagnosticsError)
for _method in (
    SamplingMethod("simple random", _simple_random),
    SamplingMethod("stratified by group", _by_group),
    SamplingMethod("stratified by target", _by_target, needs_target=True),
    SamplingMethod("systematic", _systematic),
    SamplingMethod("convenience: first N", _first_n),
    SamplingMethod("convenience: one group over-weighted", _overweighted),
):
    SAMPLING_METHODS.register(_method)

#: The names of the sampling methods (kept for callers of the earlier tuple).
METHODS: tuple[str, ...] = SAMPLING_METHODS.names()


@dataclass(frozen=True)
class SimulationSettings:
    """Settings of one simulator run (hashable; the dashboard's cache key besides the data's hash)."""

    group: str
    target: str | None = None
    sample_size: int | None = None
    repeats: int = 100
    overweight: float = 3.0
    seed: int = 0

    def run(self, df: pd.DataFrame) -> SimulationResult:
        return simulate_sampling(
            df,
            group=self.group,
            target=self.target,
            sample_size=self.sample_size,
            repeats=self.repeats,
            overweight=self.overweight,
            seed=self.seed,
        )


@dataclass(frozen=True, eq=False)
class SimulationResult(ResultMixin):
    """Distances of every simulated sample; ``draws`` has one row per (method, repeat).

    The verdict is always ``computed`` (severity info): the simulator shows what
    each sampling method costs, it does not judge the data.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"computed": "info"}

    group: str
    target: str | None
    sample_size: int
    repeats: int
    seed: int
    overweighted_group: str
    draws: pd.DataFrame

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "computed"

    @property
    def verdict_text(self) -> str:
        return (
            f"{count_noun(self.repeats, 'sample')} of {count_noun(self.sample_size, 'row')} per method, compared with the full data's "
            f"distribution of '{self.group}'" + (f" and '{self.target}'." if self.target else ".")
        )

    def summary(self) -> pd.DataFrame:
        """Per method: mean, 5th and 95th percentile of the group (and target) TVD."""
        cols = ["group_tvd"] + (["target_tvd"] if self.target else [])
        agg = self.draws.groupby("method", sort=False)[cols].agg(["mean", _p05, _p95])
        agg.columns = [f"{c}_{stat}" for c in cols for stat in ("mean", "p05", "p95")]
        return agg.reset_index()

    def to_frame(self) -> pd.DataFrame:
        return self.draws

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "target": self.target,
            "sample_size": self.sample_size,
            "repeats": self.repeats,
            "seed": self.seed,
            "overweighted_group": self.overweighted_group,
            "methods": self.summary().to_dict(orient="records"),
        }


@takes_table("df")
def simulate_sampling(
    df: pd.DataFrame,
    *,
    group: str,
    target: str | None = None,
    sample_size: int | None = None,
    repeats: int = 100,
    overweight: float = 3.0,
    seed: int = 0,
) -> SimulationResult:
    """Draw repeated samples by several methods and measure their distance to the full data.

    Parameters
    ----------
    df : DataFrame
    group : str
        The group column whose distribution is compared.
    target : str, optional
        Also compare the target's class distribution, and stratify by it.
    sample_size : int, optional
        Rows per sample (default: 10 % of the rows, between 50 and 2,000).
    repeats : int
        Samples per method (the first-N sample is the same every time).
    overweight : float
        How much more likely a row of the largest group is drawn by the over-weighted convenience sample.
    seed : int

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a", "b"] * 500})
    >>> r = simulate_sampling(df, group="g", sample_size=100, repeats=20)
    >>> s = r.summary().set_index("method")["group_tvd_mean"]
    >>> float(s["stratified by group"]), bool(s["convenience: one group over-weighted"] > s["simple random"])
    (0.0, True)
    """
    labels = validate_group(df, group)
    n = len(df)
    if sample_size is None:
        sample_size = int(min(2_000, max(50, n // 10)))
    if not (1 <= sample_size < n):
        raise DiagnosticsError(f"The sample size must be between 1 and {n - 1:,} (the data has {count_noun(n, 'row')}); got {sample_size:,}.")
    if not (1 <= repeats <= 10_000):
        raise DiagnosticsError(f"Repeats must be between 1 and 10,000; got {repeats}.")
    if overweight <= 0:
        raise DiagnosticsError(f"The over-weighting factor must be positive; got {overweight}.")
    g_codes, g_full, g_values = _codes(labels)
    t_codes: np.ndarray | None = None
    t_full = t_rows = None
    if target is not None:
        require_column(list(df.columns), target, role="target column")
        t_codes, t_full, _ = _codes(group_labels(df[target]))
        t_rows = _rows_by_code(t_codes, len(t_full))
    largest = int(np.argmax(g_full))
    draw = _Draw(
        n=n,
        size=sample_size,
        group_rows=_rows_by_code(g_codes, len(g_full)),
        group_full=g_full,
        target_rows=t_rows,
        target_full=t_full,
        weights=np.where(g_codes == largest, overweight, 1.0),
    )
    rng = np.random.default_rng(seed)
    methods = [m for m in SAMPLING_METHODS.values() if target is not None or not m.needs_target]
    records = []
    for method in methods:
        for r in range(repeats):
            idx = method.draw(draw, rng)
            rec = {"method": method.name, "repeat": r, "group_tvd": _tvd(g_codes[idx], g_full)}
            if t_codes is not None and t_full is not None:
                rec["target_tvd"] = _tvd(t_codes[idx], t_full)
            records.append(rec)
    return SimulationResult(
        group=group,
        target=target,
        sample_size=sample_size,
        repeats=repeats,
        seed=seed,
        overweighted_group=g_values[largest],
        draws=pd.DataFrame(records),
    )


def _p05(s: pd.Series) -> float:
    return float(s.quantile(0.05))


def _p95(s: pd.Series) -> float:
    return float(s.quantile(0.95))


def _codes(labels: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Integer codes (missing is its own value), full-data shares, value names."""
    filled = labels.fillna("(missing)")
    codes, uniques = pd.factorize(filled, sort=True)
    full = np.bincount(codes, minlength=len(uniques)) / len(codes)
    return codes, full, [str(u) for u in uniques]


def _tvd(sample_codes: np.ndarray, full: np.ndarray) -> float:
    p = np.bincount(sample_codes, minlength=len(full)) / len(sample_codes)
    return float(0.5 * np.abs(p - full).sum())


def _rows_by_code(codes: np.ndarray, k: int) -> list[np.ndarray]:
    """Row positions of each code, found once (a stable sort) instead of once per draw."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(k + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(k)]


def _stratified(rng: np.random.Generator, rows: list[np.ndarray], full: np.ndarray, size: int) -> np.ndarray:
    sizes = largest_remainder(size, full)
    parts = []
    for k, m in enumerate(sizes):
        if m:
            parts.append(rng.choice(rows[k], size=m, replace=False))
    return np.concatenate(parts)
