"""The sampling-bias report on any engine: the counts from the engine, the statistics from the pandas path.

One scan does all the counting: ``GROUP BY group, target`` with the rows and the missing
cells of every other column per cell (``GROUP BY group`` without a target). The contingency
table of label rates by group is that result; representation and missingness by group are
its sums over the target, in pandas (a few rows per group). ``GROUP BY a, b`` gives the
cells of an intersection.
The raw keys are turned into group labels by :func:`analysis.sampling.group_labels`
(whole floats read as integers, text stripped) exactly as on the pandas path, and the
tests, intervals and verdicts are :func:`~analysis.sampling.compare_counts`,
:func:`~analysis.sampling.label_by_group_from_table` and
:func:`~analysis.sampling.missingness_from_counts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import GroupColumnError, ReferenceSharesError, require_column
from ..sampling import (
    MISSING_GROUP_LABEL,
    BiasReport,
    BiasResult,
    ReferenceShares,
    bias_report,
    check_group_labels,
    compare_counts,
    group_labels,
    label_by_group_from_table,
    missingness_from_counts,
    reference_shares,
)
from .counts import group_counts
from .sample import whole_table
from .table import Table

__all__ = ["engine_bias_report", "engine_representation"]


def _check_target(table: Table, *, group: str, target: str) -> None:
    require_column(list(table.columns), target, role="target column")
    if group == target:
        raise GroupColumnError(f"The group column and the target are both '{group}'; pick two different columns.")


def _scan_keys(table: Table, *, group: str, target: str | None) -> list[str]:
    """``[group, target]``, or ``[group]`` without a usable target (its error is raised after the
    representation's own, in the pandas path's order)."""
    if target is None or target == group or target not in table.columns:
        return [group]
    return [group, target]


def _labelled(counts: pd.DataFrame, column: str, *, group: str, n_rows: int) -> pd.Series:
    """The group labels of the raw keys in ``counts[column]`` (checked like the pandas path checks them)."""
    labels = group_labels(counts[column]).reset_index(drop=True)
    check_group_labels(labels, group=group, n_rows=n_rows)
    return labels


def engine_representation(
    table: Table,
    *,
    group: str,
    reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasResult:
    """:func:`analysis.sampling.representation` from one ``GROUP BY group`` on the table's engine."""
    return _report(table, group=group, reference=reference, target=None, tolerance=tolerance, alpha=alpha).representation


def engine_bias_report(
    table: Table,
    *,
    group: str,
    reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares,
    target: str | None = None,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasReport:
    """:func:`analysis.sampling.bias_report` on the table's engine (pandas runs today's path)."""
    if table.engine == "pandas":
        return bias_report(whole_table(table), group=group, reference=reference, target=target,
                           tolerance=tolerance, alpha=alpha)
    return _report(table, group=group, reference=reference, target=target, tolerance=tolerance, alpha=alpha)


def _report(table: Table, *, group: str, reference: Any, target: str | None, tolerance: float, alpha: float) -> BiasReport:
    if not (0 <= tolerance < 1):
        raise ReferenceSharesError(f"The tolerance must be between 0 and 1; got {tolerance}.")
    if not (0 < alpha < 1):
        raise ReferenceSharesError(f"alpha must be between 0 and 1; got {alpha}.")
    columns = list(table.columns)
    require_column(columns, group, role="group column")
    keys = _scan_keys(table, group=group, target=target)
    others = [c for c in columns if c != group]
    cells = group_counts(table, keys, missing_of=others)
    sums = ["n"] + [f"m{i}" for i in range(len(others))]
    if len(keys) == 1:
        by_group = cells
    else:  # the sums over the target: one row per raw group key (a null key is a group too)
        by_group = cells.groupby(group, dropna=False, sort=False, observed=True)[sums].sum().reset_index()
    n_rows = int(by_group["n"].sum())
    labels = _labelled(by_group, group, group=group, n_rows=n_rows)
    ref = reference_shares(reference, group=group)
    sizes = by_group["n"].to_numpy()
    present = labels.notna().to_numpy()
    per_label = pd.Series(sizes[present], index=labels[present].to_numpy()).groupby(level=0, sort=False).sum()
    representation = compare_counts(
        {str(k): int(v) for k, v in per_label.items()}, ref, group=group,
        n_missing=int(sizes[~present].sum()), tolerance=tolerance, alpha=alpha,
    )
    key = labels.fillna(MISSING_GROUP_LABEL).to_numpy()
    missing = pd.DataFrame({c: by_group[f"m{i}"].to_numpy() for i, c in enumerate(others)}, index=range(len(by_group)))
    missing_counts = missing.groupby(key, sort=True).sum()
    group_sizes = pd.Series(sizes).groupby(key, sort=True).sum()
    missing_by_group = missingness_from_counts(group_sizes, missing_counts, group=group, columns=others, alpha=alpha)
    lbg = None
    if target is not None:
        _check_target(table, group=group, target=target)
        lbg = _label_by_group(cells, group=group, target=target)
    return BiasReport(representation, lbg, missing_by_group)


def _label_by_group(pairs: pd.DataFrame, *, group: str, target: str):
    g = group_labels(pairs[group]).reset_index(drop=True)
    c = group_labels(pairs[target]).reset_index(drop=True)
    n = pairs["n"].reset_index(drop=True)
    ok = g.notna() & c.notna()
    cells = pd.DataFrame({"g": g[ok].to_numpy(), "c": c[ok].to_numpy(), "n": n[ok].to_numpy()})
    table_ = cells.pivot_table(index="g", columns="c", values="n", aggfunc="sum", fill_value=0, sort=True)
    table_ = table_.astype("int64")
    table_.index.name, table_.columns.name = None, None
    return label_by_group_from_table(table_, group=group, target=target, n_dropped=int(n[~ok].sum()))
