"""Sampling simulator: what non-probability sampling costs, made visible.

From the data at hand (taken as the population), draw ``repeats`` samples of
``sample_size`` rows with each method and measure how far each sample's
distribution of the group column (and of the target, if given) lands from the
full data's, as total variation distance (TVD = 1/2 sum |p - q|: the share of
rows that would have to change group).

Methods
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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DiagnosticsError, require_column
from .sampling import _validate_group, group_labels

__all__ = ["METHODS", "SimulationResult", "simulate_sampling"]

METHODS: tuple[str, ...] = (
    "simple random",
    "stratified by group",
    "stratified by target",
    "systematic",
    "convenience: first N",
    "convenience: one group over-weighted",
)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Distances of every simulated sample; ``draws`` has one row per (method, repeat)."""

    group: str
    target: str | None
    sample_size: int
    repeats: int
    seed: int
    overweighted_group: str
    draws: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Per method: mean, 5th and 95th percentile of the group (and target) TVD."""
        cols = ["group_tvd"] + (["target_tvd"] if self.target else [])
        agg = self.draws.groupby("method", sort=False)[cols].agg(["mean", lambda s: s.quantile(0.05), lambda s: s.quantile(0.95)])
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
    labels = _validate_group(df, group)
    n = len(df)
    if sample_size is None:
        sample_size = int(min(2_000, max(50, n // 10)))
    if not (1 <= sample_size < n):
        raise DiagnosticsError(f"The sample size must be between 1 and {n - 1:,} (the data has {n:,} rows); got {sample_size:,}.")
    if not (1 <= repeats <= 10_000):
        raise DiagnosticsError(f"Repeats must be between 1 and 10,000; got {repeats}.")
    if overweight <= 0:
        raise DiagnosticsError(f"The over-weighting factor must be positive; got {overweight}.")
    g_codes, g_full, g_values = _codes(labels)
    g_rows = _rows_by_code(g_codes, len(g_full))
    t_codes = t_full = t_rows = None
    if target is not None:
        require_column(df.columns, target, role="target column")
        t_codes, t_full, _ = _codes(group_labels(df[target]))
        t_rows = _rows_by_code(t_codes, len(t_full))
    rng = np.random.default_rng(seed)
    largest = int(np.argmax(g_full))
    weights = np.where(g_codes == largest, overweight, 1.0)
    methods = [m for m in METHODS if target is not None or m != "stratified by target"]
    step = n // sample_size
    records = []
    for method in methods:
        for r in range(repeats):
            if method == "simple random":
                idx = rng.choice(n, size=sample_size, replace=False)
            elif method == "stratified by group":
                idx = _stratified(rng, g_rows, g_full, sample_size)
            elif method == "stratified by target":
                idx = _stratified(rng, t_rows, t_full, sample_size)
            elif method == "systematic":
                idx = int(rng.integers(step)) + step * np.arange(sample_size)
            elif method == "convenience: first N":
                idx = np.arange(sample_size)
            else:
                keys = rng.random(n) ** (1.0 / weights)
                idx = np.argpartition(-keys, sample_size - 1)[:sample_size]
            rec = {"method": method, "repeat": r, "group_tvd": _tvd(g_codes[idx], g_full)}
            if target is not None:
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


def _stratified(rng, rows: list[np.ndarray], full: np.ndarray, size: int) -> np.ndarray:
    raw = size * full
    sizes = np.floor(raw).astype(int)
    short = size - int(sizes.sum())
    if short > 0:
        sizes[np.argsort(-(raw - sizes), kind="stable")[:short]] += 1
    parts = []
    for k, m in enumerate(sizes):
        if m:
            parts.append(rng.choice(rows[k], size=m, replace=False))
    return np.concatenate(parts)
