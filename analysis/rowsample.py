"""The one stratified row sample that model-based passes use on large tables, on every engine.

Above :data:`SAMPLE_ROWS` rows, the model-based passes (leakage models; on DuckDB and Spark also
column roles and near-duplicates) run on a sample stratified by the target, and above
:data:`OUTLIER_ROWS` rows the outlier scores run on the smaller sample nested in it; every count
(classes, missing cells, exact and conflicting duplicates) stays over all rows.

Each row gets a pseudo-random key from its 0-based position alone, ``(((row + seed + 1) mod M) *
950706376) mod M`` with M = 2**31 - 1: one step of the multiplicative congruential generator with
Fishman and Moore's (1986) best multiplier for that modulus (products stay below 2**61, so int64
arithmetic is exact on numpy, DuckDB and Spark alike), so every engine picks exactly the same rows
for the same seed. A class of ``n_c`` rows keeps the rows whose key falls below ``quota_c / n_c`` of
the range, ``quota_c`` being its share of ``sample_rows`` (at least :data:`MIN_PER_CLASS` rows, or
the whole class when smaller); rows without a label are left out. Without a target, every row
keeps with probability ``sample_rows / n``. The size is close to ``sample_rows`` (results print
the exact size). :func:`analysis.engines.sample.draw_sample` writes the same rule as an engine
expression; :func:`stratified_positions` computes it with numpy for a pandas frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MIN_PER_CLASS",
    "OUTLIER_ROWS",
    "SAMPLE_ROWS",
    "SampleInfo",
    "class_thresholds",
    "position_keys",
    "stratified_positions",
    "subsample_positions",
    "uniform_threshold",
]

#: Model-based passes run on a stratified sample of about this many rows when a table has more
#: (pandas' ``report``, outlier scores, and every model-based pass on DuckDB and Spark).
SAMPLE_ROWS = 200_000
#: The outlier scores' own sample size: above this many rows they score a stratified sample of about this many
#: (the same sampler; nested in the :data:`SAMPLE_ROWS` sample, see :func:`subsample_positions`). Scoring a row
#: walks it down 100 trees, the costliest per-row work of ``report``: on 1M x 30, 200,000 rows took 0.8 s of CPU.
OUTLIER_ROWS = 100_000
#: Rows expected of every class at least (or all of a smaller class), so rare classes survive the sample: each
#: row is kept when its key falls under its class's threshold, so the count is about this, not exactly.
MIN_PER_CLASS = 50
#: The modulus and multiplier of the position key (Fishman and Moore, 1986).
KEY_MODULUS = 2**31 - 1
KEY_MULTIPLIER = 950706376
#: What the engines' sample covers (the pandas ``report`` names its own passes).
ENGINE_PASSES = "outliers, near-duplicates, leakage, column roles"


@dataclass(frozen=True)
class SampleInfo:
    """Which rows the model-based diagnostics saw: ``rows`` of ``population_rows``, drawn with ``seed``,
    stratified by ``stratified_by`` (``None``: a uniform sample). ``passes`` names them for the note."""

    rows: int
    population_rows: int
    seed: int
    stratified_by: str | None
    method: str = "position key (((row + seed + 1) mod M) * 950706376) mod M, M = 2^31 - 1; per-class threshold"
    passes: str = ENGINE_PASSES
    #: The sampled rows' 0-based positions in the whole table, in the sample's order (when known):
    #: results that list rows of the sample give these positions, so a row can be found in the file.
    source_rows: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "population_rows": self.population_rows,
            "seed": self.seed,
            "stratified_by": self.stratified_by,
            "method": self.method,
        }

    def note(self) -> str:
        by = f", stratified by '{self.stratified_by}'" if self.stratified_by else ""
        return (
            f"Model-based diagnostics ({self.passes}) ran on a sample of "
            f"{self.rows:,} of {self.population_rows:,} rows (seed {self.seed}{by}); every count is over all rows."
        )


def position_keys(positions: np.ndarray, seed: int) -> np.ndarray:
    """The key of each 0-based row position (int64, in [0, M))."""
    return (((np.asarray(positions, dtype=np.int64) + (seed + 1)) % KEY_MODULUS) * KEY_MULTIPLIER) % KEY_MODULUS


def uniform_threshold(n_rows: int, sample_rows: int) -> int:
    """Rows whose key is below this are kept when the sample is not stratified."""
    return int(KEY_MODULUS * sample_rows / n_rows)


def class_thresholds(class_counts: Mapping[Any, int], sample_rows: int) -> dict[Any, int]:
    """Per class label: rows of that class whose key is below the value are kept (its quota's share)."""
    total = sum(class_counts.values())
    out = {}
    for label, count in class_counts.items():
        quota = min(count, max(MIN_PER_CLASS, round(sample_rows * count / total)))
        out[label] = int(KEY_MODULUS * quota / count) + (1 if quota == count else 0)
    return out


def stratified_positions(
    n_rows: int, labels: pd.Series | None, *, sample_rows: int = SAMPLE_ROWS, seed: int = 0
) -> np.ndarray | None:
    """Sorted 0-based positions of the sample (``None`` when ``n_rows <= sample_rows``: use every row).

    ``labels`` (the target column, ``n_rows`` long) stratifies the sample; ``None`` or no labelled
    row gives the uniform sample.

    Examples
    --------
    >>> y = pd.Series(["a"] * 900 + ["b"] * 100)
    >>> rows = stratified_positions(1000, y, sample_rows=200, seed=0)
    >>> n_b = int((y.iloc[rows] == "b").sum())  # about MIN_PER_CLASS: 'b' is over-represented, not 10%
    >>> 150 < len(rows) < 250, 40 <= n_b <= 60, n_b / len(rows) > 0.15
    (True, True, True)
    """
    if n_rows <= sample_rows:
        return None
    key = position_keys(np.arange(n_rows, dtype=np.int64), seed)
    codes = np.full(n_rows, -1, dtype=np.int64)
    uniques: Any = ()
    if labels is not None:
        codes, uniques = pd.factorize(labels, use_na_sentinel=True)
    present = codes >= 0
    if not len(uniques) or not present.any():
        return np.flatnonzero(key < uniform_threshold(n_rows, sample_rows))
    counts = np.bincount(codes[present], minlength=len(uniques))
    limits = class_thresholds(dict(enumerate(int(c) for c in counts)), sample_rows)
    bound = np.array([limits[i] for i in range(len(uniques))] + [0], dtype=np.int64)  # code -1: never kept
    return np.flatnonzero(present & (key < bound[codes]))


def subsample_positions(
    drawn: SampleInfo, labels: pd.Series | None, class_counts: Mapping[Any, int] | None, sample_rows: int
) -> np.ndarray | None:
    """Positions, among the rows of an already drawn sample, of the smaller sample of about ``sample_rows`` rows.

    A class's key threshold only grows with the sample size, so the sample of ``sample_rows`` rows of the whole
    table (same seed, same class counts) is nested in ``drawn``: it is found among the drawn rows alone, and is
    exactly what :func:`stratified_positions` picks from the whole table. ``labels`` are the drawn rows' labels,
    ``class_counts`` the whole table's rows per label (as ``drawn`` was stratified by them). ``None``: not smaller
    than the drawn sample, or its source positions are unknown (use every drawn row).

    Examples
    --------
    >>> y = pd.Series(["a"] * 9000 + ["b"] * 1000)
    >>> big = stratified_positions(10_000, y, sample_rows=4000, seed=2)
    >>> drawn = SampleInfo(len(big), 10_000, 2, "y", source_rows=big)
    >>> small = subsample_positions(drawn, y.iloc[big], {"a": 9000, "b": 1000}, 1000)
    >>> big[small].tolist() == stratified_positions(10_000, y, sample_rows=1000, seed=2).tolist()
    True
    """
    if drawn.source_rows is None or sample_rows >= drawn.rows:
        return None
    key = position_keys(drawn.source_rows, drawn.seed)
    if drawn.stratified_by is None or labels is None or not class_counts:
        return np.flatnonzero(key < uniform_threshold(drawn.population_rows, sample_rows))
    bounds = class_thresholds(class_counts, sample_rows)
    bound = pd.Series(labels, copy=False).map(bounds)
    if bound.isna().any():
        raise ValueError("a drawn row's label is not among class_counts: the counts are not the table the sample came from")
    return np.flatnonzero(key < bound.to_numpy(dtype=np.int64))
