"""The steps of :func:`analysis.sampling.shift` that an engine's shift (:mod:`analysis.engines.shift`)
takes too: the column checks, which features are left out of the tests and why, and the
Benjamini-Hochberg adjustment with the drift decision."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..errors import ShiftInputError, require_column
from ..schema import Role
from .shift_features import FeatureShift

__all__ = ["MAX_CATEGORIES", "SKIP_ROLES", "adjust_features", "shift_columns", "skip_reason"]

#: A categorical feature with more distinct values than this per file (on average) is not tested.
MAX_CATEGORIES = 1_000
#: Column roles that differ between files by construction: never tested.
SKIP_ROLES = {Role.IDENTIFIER: "identifier", Role.TEXT: "free text", Role.DATETIME: "date/time"}


def shift_columns(
    reference: list, current: list, n_reference: int, n_current: int, *, target: str | None, alpha: float
) -> tuple[list, list, list[str]]:
    """The checks of :func:`shift` on the two tables' columns and sizes: the shared columns, the features
    (shared, the target aside) and the notes on columns only one table has."""
    if not (0 < alpha < 1):
        raise ShiftInputError(f"alpha must be between 0 and 1; got {alpha}.")
    for name, n in (("reference", n_reference), ("current", n_current)):
        if n == 0:
            raise ShiftInputError(f"The {name} file has no rows.")
    notes: list[str] = []
    common = [c for c in reference if c in set(current)]
    only_ref = [c for c in reference if c not in set(current)]
    only_cur = [c for c in current if c not in set(reference)]
    if only_ref:
        notes.append(f"Only in the reference file (not compared): {', '.join(map(str, only_ref))}.")
    if only_cur:
        notes.append(f"Only in the current file (not compared): {', '.join(map(str, only_cur))}.")
    if target is not None:
        require_column(list(reference) + [c for c in only_cur], target, role="target column")
    features = [c for c in common if c != target]
    if not features:
        raise ShiftInputError(
            "The two files share no feature column, so there is nothing to compare. Columns of the reference: "
            f"{', '.join(map(str, reference[:12]))}; of the current file: {', '.join(map(str, current[:12]))}."
        )
    return common, features, notes


def _distinct_in_both(a: pd.Series, b: pd.Series) -> int:
    return int(a.nunique()) + int(b.nunique())


def skip_reason(role: Role | None, kind: str, n_categories: Callable[[], int]) -> str | None:
    """Why a feature is left out of the tests (``None``: it is tested): an identifier, free text or a
    date/time differs by construction; a categorical feature with more than ``MAX_CATEGORIES``
    distinct values per file on average (``n_categories()``: both files' distinct values) is no category."""
    if role in SKIP_ROLES:
        return f"{SKIP_ROLES[role]}: differs between files by construction"
    if kind == "categorical" and n_categories() > 2 * MAX_CATEGORIES:
        return f"more than {MAX_CATEGORIES:,} distinct values"
    return None


def adjust_features(results: list[FeatureShift], *, alpha: float, limits: dict[str, float]) -> list[FeatureShift]:
    """Benjamini-Hochberg adjusted p-values of the tested features, and each one's drift decision."""
    from statsmodels.stats.multitest import multipletests

    results = list(results)
    tested = [i for i, f in enumerate(results) if f.test != "skipped"]
    if tested:
        adjusted = multipletests([results[i].p_value for i in tested], alpha=alpha, method="fdr_bh")[1]
        for i, p_adj in zip(tested, adjusted):
            f = results[i]
            drift = bool(p_adj < alpha and f.effect is not None and f.effect >= limits[f.kind])
            results[i] = FeatureShift(**{**f.__dict__, "p_adjusted": float(p_adj), "drift": drift})
    return results
