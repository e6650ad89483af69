"""Representation of the cells of two group columns on any engine: one ``GROUP BY a, b``.

The cell counts, the margins and the order of first occurrence come from the engine; the
labels (:func:`analysis.sampling.group_labels`), the checks and the statistics are the pandas
path's own (:func:`analysis.sampling.intersection_from_counts`), so the JSON is the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import GroupColumnError, require_column
from ..sampling import (
    BiasResult,
    ReferenceShares,
    check_group_labels,
    group_labels,
    intersection_from_counts,
    intersection_representation,
)
from .ordered import counts_in_first_order
from .sample import whole_table
from .table import Table

__all__ = ["engine_intersection"]


def engine_intersection(
    table: Table,
    *,
    groups: tuple[str, str],
    reference: pd.DataFrame | None = None,
    margins: Mapping[str, Mapping[Any, float] | ReferenceShares] | None = None,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasResult:
    """:func:`analysis.sampling.intersection_representation` on the table's engine (pandas runs it as is)."""
    if table.engine == "pandas":
        return intersection_representation(whole_table(table), groups=groups, reference=reference, margins=margins,
                                           tolerance=tolerance, alpha=alpha)
    a, b = groups
    if a == b:
        raise GroupColumnError(f"Pick two different group columns; both are '{a}'.", column=a)
    for col in groups:
        require_column(list(table.columns), col, role="group column")
    pairs = counts_in_first_order(table, [a, b])
    n_rows = int(pairs["n"].sum())
    la = group_labels(pairs[a]).reset_index(drop=True)
    check_group_labels(la, group=a, n_rows=n_rows)
    lb = group_labels(pairs[b]).reset_index(drop=True)
    check_group_labels(lb, group=b, n_rows=n_rows)
    n = pairs["n"].to_numpy()
    both = (la.notna() & lb.notna()).to_numpy()
    cells = pd.Series(n[both], index=(la[both] + " × " + lb[both]).to_numpy())
    counts = {str(k): int(v) for k, v in cells.groupby(level=0, sort=False).sum().items()}
    labels = {a: la, b: lb}

    def own_margin(col: str) -> dict[str, float]:
        has = labels[col].notna().to_numpy()
        per = pd.Series(n[has], index=labels[col][has].to_numpy()).groupby(level=0, sort=False).sum()
        total = int(per.sum())
        return {str(k): int(v) / total for k, v in per.items()}

    return intersection_from_counts(counts, groups=groups, own_margin=own_margin, n_missing=int(n[~both].sum()),
                                    reference=reference, margins=margins, tolerance=tolerance, alpha=alpha)
