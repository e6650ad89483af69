"""Fixing a biased sample: the fix methods by name, and the typed settings the dashboard caches on.

Each entry of ``FIX_METHODS`` carries its own behaviour: how it runs
(:mod:`~analysis.sampling.reweight` or :mod:`~analysis.sampling.resample`) and
how its result is written as CSV plus recipe. The page lists the registry;
adding a fix is one ``register`` call.

Downloads go through :func:`analysis.export.to_csv_bytes` (formula-injection
protection); the recipe JSON comes from :func:`analysis.export.provenance`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import ReferenceSharesError
from ..export import SafeCsv
from ..registry import Registry
from .reference import ReferenceShares
from .resample import Resample, resample_csv, stratified_resample
from .reweight import Reweighting, poststratification_weights, rake, weighted_csv

__all__ = ["FIX_METHODS", "FixMethod", "FixSettings", "fix_csv"]

Fix = Reweighting | Resample


@dataclass(frozen=True)
class FixSettings:
    """One fix: the method's name, the reference margins, and (for resampling) rows, replacement and seed.

    Frozen and hashable: the dashboard passes it straight to its cached wrappers.
    The first margin is the main group column; raking uses every margin.

    >>> ref = ReferenceShares("g", {"a": 0.5, "b": 0.5}, "typed shares")
    >>> s = FixSettings("stratified resample", (ref,))
    >>> s.run(pd.DataFrame({"g": ["a"] * 6 + ["b"] * 2})).table["rows_after"].tolist()
    [2, 2]
    """

    method: str
    margins: tuple[ReferenceShares, ...]
    rows: int | None = None
    replace: bool = False
    seed: int = 0

    @property
    def entry(self) -> FixMethod:
        return FIX_METHODS[self.method]

    def run(self, df: pd.DataFrame) -> Fix:
        if not self.margins:
            raise ReferenceSharesError("A fix needs the reference shares of at least one group column.")
        return self.entry.run(df, self)


@dataclass(frozen=True)
class FixMethod:
    """A way of fixing the sample: its name, the label the page shows, what it runs and how it is written."""

    name: str
    label: str
    kind: str  # "weights" (a weight column is added) or "resample" (rows are drawn)
    suffix: str  # of the downloaded file's name: data_<suffix>.csv
    run: Callable[[pd.DataFrame, FixSettings], Any]
    csv: Callable[..., tuple[SafeCsv, bytes]]


def _reweight(df: pd.DataFrame, s: FixSettings) -> Reweighting:
    # One margin: post-stratification (raking with one column is the same weights, said plainly).
    spec = {m.column: dict(m.shares) for m in s.margins}
    if len(spec) == 1:
        ((col, shares),) = spec.items()
        return poststratification_weights(df, group=col, reference=shares)
    return rake(df, margins=spec)


def _resample(df: pd.DataFrame, s: FixSettings) -> Resample:
    m = s.margins[0]
    return stratified_resample(df, group=m.column, reference=dict(m.shares), n=s.rows, replace=s.replace, seed=s.seed)


#: The fixes the page offers, in order.
FIX_METHODS: Registry[FixMethod] = Registry("fix method", ReferenceSharesError)
for _entry in (
    FixMethod("post-stratification", "Post-stratification weights", "weights", "weighted", _reweight, weighted_csv),
    FixMethod("raking", "Raking (several group columns)", "weights", "weighted", _reweight, weighted_csv),
    FixMethod("stratified resample", "Stratified resample", "resample", "resampled", _resample, resample_csv),
):
    FIX_METHODS.register(_entry)


def fix_csv(df: pd.DataFrame, settings: FixSettings, fix: Fix, *, source_name: str, source_sha256: str,
            protect_formulas: bool = True, source: Any = None) -> tuple[SafeCsv, bytes]:
    """The fixed data as CSV bytes (formula-protected unless asked not to be) and its recipe JSON.

    With ``source`` (the uploaded Dataset ``df`` is the frame of) original rows carry the uploaded text.
    """
    return settings.entry.csv(df, fix, source_name=source_name, source_sha256=source_sha256,
                              protect_formulas=protect_formulas, source=source)
