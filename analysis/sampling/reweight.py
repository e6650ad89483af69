"""Reweighting a biased sample: post-stratification weights and raking, and the weighted CSV.

* **Post-stratification** (one group column): each row of group g gets the
  weight q_g / p_g (reference share over sample share), scaled so the weights
  average 1 over the rows kept. The weighted group shares then equal the
  reference shares exactly.
* **Raking** (several group columns, iterative proportional fitting; Deming &
  Stephan 1940): starting from weight 1, the weights of each column's groups
  are scaled in turn so that column's weighted shares match its reference
  margin, until every margin is within ``tol`` (convergence and the number of
  sweeps are reported). Raking matches the margins, not the joint cells.

Rows whose group value has no reference share (or is missing) cannot be
weighted towards a reference: they get weight 0, and a note says how many.
Reference shares are renormalized over the groups present in the data (a group
with no rows cannot be created by weighting).
"""

from __future__ import annotations

import json  # noqa: F401  (used by the doctest)
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ReferenceSharesError
from ..export import SafeCsv
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from ..wording import count_noun, verb
from ._common import csv_with_recipe, quoted, validate_group
from .reference import ReferenceShares, reference_shares

__all__ = ["WEIGHT_COLUMN", "Reweighting", "poststratification_weights", "rake", "weighted_csv"]

#: Name of the weight column added to the download (suffixed if the data already has one).
WEIGHT_COLUMN = "sample_weight"


@dataclass(frozen=True, eq=False)
class Reweighting(ResultMixin):
    """Row weights and how well they reproduce the reference margins.

    ``table`` has one row per (column, value): the sample share, the target
    (reference) share and the weighted share.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"converged": "ok", "not converged": "warning"}

    method: str
    columns: tuple[str, ...]
    weights: np.ndarray
    table: pd.DataFrame
    converged: bool
    iterations: int
    max_margin_error: float
    notes: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "converged" if self.converged else "not converged"

    @property
    def verdict_text(self) -> str:
        if self.converged:
            return (
                f"The {self.method} weights match every reference margin (largest error {self.max_margin_error:.1e}); "
                f"effective sample size {self.effective_sample_size:,.0f} of {count_noun(len(self.weights), 'row')}."
            )
        return f"The {self.method} weights did not converge (largest margin error {self.max_margin_error:.2g})."

    @property
    def n_zero_weight(self) -> int:
        return int((self.weights == 0).sum())

    @property
    def effective_sample_size(self) -> float:
        """Kish's effective sample size (sum w)^2 / sum w^2: what the weighting costs in precision."""
        w = self.weights
        return float(w.sum() ** 2 / (w**2).sum()) if (w**2).sum() else 0.0

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def apply(self, df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        """A copy of ``df`` with the weight column appended (original columns untouched); and its name."""
        name = WEIGHT_COLUMN
        i = 2
        while name in df.columns:
            name = f"{WEIGHT_COLUMN}_{i}"
            i += 1
        out = df.copy()
        out[name] = self.weights
        return out, name

    def to_dict(self) -> dict:
        w = self.weights
        return {
            "method": self.method,
            "columns": list(self.columns),
            "converged": self.converged,
            "iterations": self.iterations,
            "max_margin_error": self.max_margin_error,
            "rows": int(len(w)),
            "zero_weight_rows": self.n_zero_weight,
            "weight_min": float(w[w > 0].min()) if (w > 0).any() else 0.0,
            "weight_max": float(w.max()) if len(w) else 0.0,
            "effective_sample_size": self.effective_sample_size,
            "margins": self.table.to_dict(orient="records"),
            "notes": list(self.notes),
        }



@takes_table("df")
def poststratification_weights(
    df: pd.DataFrame, *, group: str, reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares
) -> Reweighting:
    """Weights that make the weighted shares of ``group`` equal the reference shares.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 3 + ["b"]})
    >>> rw = poststratification_weights(df, group="g", reference={"a": 0.5, "b": 0.5})
    >>> rw.weights.round(4).tolist()
    [0.6667, 0.6667, 0.6667, 2.0]
    """
    return rake(df, margins={group: reference}, method="post-stratification")


@takes_table("df")
def rake(
    df: pd.DataFrame,
    *,
    margins: Mapping[str, Mapping[Any, float] | pd.DataFrame | ReferenceShares],
    max_iter: int = 200,
    tol: float = 1e-10,
    method: str = "raking",
) -> Reweighting:
    """Raking (iterative proportional fitting) of row weights to several group margins.

    Parameters
    ----------
    df : DataFrame
    margins : mapping column -> reference
        Reference shares of each group column (typed shares, a value,share
        table or a reference dataset, as in :func:`analysis.sampling.reference_shares`).
    max_iter : int
        Most sweeps over the columns.
    tol : float
        Converged when every weighted share is within ``tol`` of its target.

    Returns
    -------
    Reweighting
        ``converged``, ``iterations`` and ``max_margin_error`` report the fit.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "x", "x", "y", "y"], "b": ["u", "v", "u", "v", "u"]})
    >>> rw = rake(df, margins={"a": {"x": .5, "y": .5}, "b": {"u": .5, "v": .5}})
    >>> rw.converged, rw.max_margin_error < 1e-10
    (True, True)
    """
    if not margins:
        raise ReferenceSharesError("Raking needs the reference shares of at least one group column.")
    if max_iter < 1 or not (0 < tol < 1):
        raise ReferenceSharesError(f"max_iter must be >= 1 and tol in (0, 1); got {max_iter} and {tol}.")
    n = len(df)
    keep = np.ones(n, dtype=bool)
    notes: list[str] = []
    codes: dict[str, np.ndarray] = {}
    values: dict[str, list[str]] = {}
    targets: dict[str, np.ndarray] = {}
    sample_share: dict[str, np.ndarray] = {}
    for col, ref in margins.items():
        labels = validate_group(df, col)
        shares = reference_shares(ref, group=col)
        notes += list(shares.notes)
        known = labels.isin(list(shares.shares)).fillna(False).to_numpy(dtype=bool)
        n_missing = int(labels.isna().sum())
        n_unknown = int((~known).sum()) - n_missing
        if n_missing:
            notes.append(f"{count_noun(n_missing, 'row')} {verb(n_missing, 'has', 'have')} no value in '{col}': weight 0.")
        if n_unknown:
            odd = sorted(set(labels[~known].dropna()))
            notes.append(
                f"{count_noun(n_unknown, 'row')} {verb(n_unknown, 'has', 'have')} a value of '{col}' the reference does not give a share "
                f"({quoted(odd[:5])}): weight 0."
            )
        keep &= known
        present = [v for v in shares.shares if bool((labels == v).any())]
        lost = [v for v in shares.shares if v not in present and shares.shares[v] > 0]
        if lost:
            notes.append(
                f"No row has '{col}' = {quoted(lost)}: weighting cannot create them; the other "
                "reference shares were renormalized."
            )
        values[col] = present
        q = np.array([shares.shares[v] for v in present], dtype=float)
        if q.sum() <= 0:
            raise ReferenceSharesError(f"None of the groups of '{col}' with a positive reference share has rows.")
        targets[col] = q / q.sum()
        position = {v: i for i, v in enumerate(present)}
        code = labels.map(position).astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
        codes[col] = code
    if not keep.any():
        raise ReferenceSharesError("No row has a value the reference gives a share to in every group column.")
    for col in margins:
        counts = np.bincount(codes[col][keep], minlength=len(values[col])).astype(float)
        sample_share[col] = counts / counts.sum()
        empty = [values[col][i] for i in np.flatnonzero((counts == 0) & (targets[col] > 0))]
        if empty:
            raise ReferenceSharesError(
                f"After leaving out rows without a reference share, '{col}' = {quoted(empty)} has no "
                "row left, so its margin cannot be matched. Drop that column from the raking or fix the reference."
            )

    w = keep.astype(float)
    converged, iterations, err = False, 0, math.inf
    for sweep in range(1, max_iter + 1):
        iterations = sweep
        for col in margins:
            c = codes[col]
            current = np.bincount(c[keep], weights=w[keep], minlength=len(values[col]))
            factor = np.divide(targets[col] * w.sum(), current, out=np.zeros_like(current), where=current > 0)
            w[keep] *= factor[c[keep]]
        err = _max_error(w, keep, codes, targets, values)
        if err < tol:
            converged = True
            break
    if not converged:
        notes.append(
            f"Raking did not converge in {count_noun(max_iter, 'sweep')} (largest margin error {err:.2g}); the margins may be "
            "inconsistent with the sample (e.g. a combination the sample lacks)."
        )
    kept = keep.sum()
    w = w * (kept / w.sum())
    rows = []
    for col in margins:
        weighted = np.bincount(codes[col][keep], weights=w[keep], minlength=len(values[col])) / w.sum()
        for i, v in enumerate(values[col]):
            rows.append(
                {
                    "column": col,
                    "value": v,
                    "sample_share": float(sample_share[col][i]),
                    "target_share": float(targets[col][i]),
                    "weighted_share": float(weighted[i]),
                    "weight": float(w[keep][codes[col][keep] == i].mean()) if len(margins) == 1 else float("nan"),
                }
            )
    table = pd.DataFrame(rows)
    if len(margins) > 1:
        table = table.drop(columns="weight")
    return Reweighting(
        method=method,
        columns=tuple(margins),
        weights=w,
        table=table,
        converged=converged,
        iterations=iterations,
        max_margin_error=float(err),
        notes=tuple(notes),
    )


def _max_error(w: np.ndarray, keep: np.ndarray, codes: dict[str, np.ndarray], targets: dict[str, np.ndarray], values: dict[str, list[str]]) -> float:
    total = w[keep].sum()
    worst = 0.0
    for col, c in codes.items():
        shares = np.bincount(c[keep], weights=w[keep], minlength=len(values[col])) / total
        worst = max(worst, float(np.abs(shares - targets[col]).max()))
    return worst


def weighted_csv(
    df: pd.DataFrame,
    rw: Reweighting,
    *,
    source_name: str,
    source_sha256: str,
    protect_formulas: bool = True,
    source: Any = None,
) -> tuple[SafeCsv, bytes]:
    """CSV of the original columns plus the weight column, and the recipe JSON (UTF-8 bytes).

    With ``source`` (the uploaded Dataset ``df`` is the frame of) original cells carry the uploaded text.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a", "a", "b"], "t": ["=x", "y", "z"]})
    >>> rw = poststratification_weights(df, group="g", reference={"a": 0.5, "b": 0.5})
    >>> csv, recipe = weighted_csv(df, rw, source_name="d.csv", source_sha256="0" * 64)
    >>> csv.data.decode().splitlines()[:2], json.loads(recipe)["settings"]["weight_column"]
    (['g,t,sample_weight', "a,'=x,0.75"], 'sample_weight')
    """
    out, name = rw.apply(df)
    return csv_with_recipe(
        df,
        out,
        source_name=source_name,
        source_sha256=source_sha256,
        protect_formulas=protect_formulas,
        source=source,
        fix=rw.method,
        weight_column=name,
        weighting=rw.to_dict(),
        how_to_use=f"Pass the '{name}' column as sample_weight to the estimator's fit (and to the metrics).",
    )
