"""What the per-column diagnostics share: the labelled rows, their class codes, a stated sample, column kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..errors import require_column
from ..overview import validate_target
from ..results import py_scalar
from ..schema import Role, Schema, infer_schema

#: Above this many labelled rows, the model-based parts (single-feature models, rules, mutual
#: information, tests) run on a stratified sample of this many rows; counts and alerts use every row.
SAMPLE_ROWS = 5_000

#: A column's kind for the per-column diagnostics (from its role in :mod:`analysis.schema`).
KIND_OF_ROLE = {
    Role.NUMERIC: "numeric",
    Role.BOOLEAN: "categorical",
    Role.CATEGORICAL: "categorical",
    Role.IDENTIFIER: "identifier",
    Role.CONSTANT: "constant",
    Role.TEXT: "text",
    Role.DATETIME: "datetime",
}


@dataclass(frozen=True, eq=False)
class Labelled:
    """The labelled rows of a table: their class codes, the classes, and a stratified sample of them."""

    frame: pd.DataFrame  # every labelled row (positions ``rows`` of the input)
    y: np.ndarray  # class codes 0..K-1 of ``frame``'s rows
    classes: tuple[Any, ...]
    sample: np.ndarray  # positions in ``frame`` of the sampled rows (all rows when small)
    schema: Schema

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @cached_property
    def sample_frame(self) -> pd.DataFrame:
        """The sampled rows of ``frame``, taken once (each column's own take from a large Arrow-backed
        frame cost a call per check: 0.3 s of the leakage summary on a 200,000-row table)."""
        return self.frame.iloc[self.sample]

    @property
    def sampled(self) -> bool:
        return len(self.sample) < len(self.y)

    def kind(self, column: str) -> str:
        return KIND_OF_ROLE[self.schema.role_of(column)]

    def sample_note(self) -> str | None:
        if not self.sampled:
            return None
        return (
            f"Models, rules, mutual information and tests ran on a stratified sample of {len(self.sample):,} of the "
            f"{len(self.y):,} labelled rows (class shares kept; above {SAMPLE_ROWS:,} rows); "
            "constant-within-class checks and alerts count every row."
        )


def labelled_rows(
    df: pd.DataFrame, *, target: str, sample_rows: int = SAMPLE_ROWS, seed: int = 0, schema: Schema | None = None
) -> Labelled:
    """Validate ``target``, keep the labelled rows, code the classes and draw the stated sample."""
    require_column(df.columns, target, role="target column")
    validate_target(df, target)
    present = df[target].notna().to_numpy()
    frame = df.loc[present] if not present.all() else df
    values = frame[target]
    classes = sorted(pd.unique(values), key=lambda v: (str(type(v)), v if not isinstance(v, str) else str(v)))
    y = pd.Categorical(values, categories=classes).codes.astype(np.int64)
    schema = schema if schema is not None and present.all() else infer_schema(frame)
    return Labelled(frame, y, tuple(py_scalar(c) for c in classes), _sample(y, sample_rows, seed), schema)


def _sample(y: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a stratified sample of ``size`` rows (all rows when there are fewer)."""
    n = len(y)
    if n <= size:
        return np.arange(n)
    from sklearn.model_selection import train_test_split

    try:
        keep, _ = train_test_split(np.arange(n), train_size=size, stratify=y, random_state=seed)
    except ValueError:  # a class of one row cannot be stratified: a plain random sample
        keep = np.random.default_rng(seed).choice(n, size=size, replace=False)
    return np.sort(keep)


def feature_names(labelled: Labelled, target: str, features: Sequence[str] | None = None) -> list[str]:
    """The columns to describe: every column but the target (or the given ones, in the table's order)."""
    chosen = set(features) if features is not None else None
    return [str(c) for c in labelled.frame.columns if c != target and (chosen is None or c in chosen)]


def numeric_values(column: pd.Series) -> np.ndarray:
    """A numeric, boolean or datetime column as float (NaN for missing)."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        out = column.astype("int64").to_numpy(dtype=float)
        out[column.isna().to_numpy()] = np.nan
        return out
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def category_codes(column: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes 0..m-1 of a column's values (missing is a value of its own, last), and the values."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True, sort=False)
    values = [py_scalar(v) for v in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append(None)
    return codes.astype(np.int64), values


def t_interval(values: Sequence[float], *, low: float = 0.0, high: float = 1.0) -> tuple[float, float, float]:
    """Mean and 95% t interval over folds, cut to [low, high] (a rough guide with few folds)."""
    from scipy import stats

    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if len(arr) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(arr.mean())
    if len(arr) < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, len(arr) - 1) * arr.std(ddof=1) / np.sqrt(len(arr)))
    return mean, max(low, mean - half), min(high, mean + half)


def tree_scale(values: np.ndarray) -> float:
    """The divisor that brings ``values`` within float32 for a tree (:func:`analysis.features.range_divisor`).

    A single-feature tree depends only on the order of the values, so dividing by a positive
    constant changes no split and no prediction; thresholds are multiplied back when shown.
    """
    from ..features import FLOAT32_SAFE, range_divisor

    return range_divisor(values, FLOAT32_SAFE)


def tree_values(values: np.ndarray) -> tuple[np.ndarray, float]:
    """``values`` as a float32 tree can take them, and the divisor used (see :func:`tree_scale`).

    Infinities keep their place in the order: +inf just above the largest finite value, -inf just
    below the smallest (a tree refuses infinities; a single-feature tree needs only the order).
    """
    scale = tree_scale(values)
    x = values / scale
    finite = x[np.isfinite(x)]
    if np.isinf(x).any():
        high = float(finite.max(initial=0.0))
        low = float(finite.min(initial=0.0))
        x = np.where(x == np.inf, high + abs(high) + 1.0, np.where(x == -np.inf, low - abs(low) - 1.0, x))
    return x, scale
