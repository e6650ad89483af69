"""``GROUP BY keys`` with each group's first row: counts in the order pandas' ``value_counts(sort=False)`` gives.

pandas lists the values of ``value_counts(sort=False)`` (and ``groupby(sort=False)``) in the order
they first occur; an engine's ``GROUP BY`` comes back in no particular order. Each group's
smallest source position (:data:`~analysis.engines.table.ROW`) restores that order, so the lists
an engine result prints are those of the pandas path, in the same order.
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

from .table import ROW, Table

__all__ = ["counts_in_first_order"]


def counts_in_first_order(table: Table, keys: list[str], *, where: nw.Expr | None = None) -> pd.DataFrame:
    """Rows per distinct ``keys`` (null keys kept) in ``n`` and the group's first row in ``first``,
    sorted by ``first``; ``where`` keeps only the rows it is true for. Keys under their user names."""
    lf = table.lazy()
    if where is not None:
        lf = lf.filter(where)
    native = [table.col(k) for k in keys]
    grouped = lf.group_by(*native, drop_null_keys=False).agg(
        nw.len().alias("__dd_n__"), nw.col(ROW).min().alias("__dd_first__")
    )
    out = table.collect(grouped).rename(columns={"__dd_n__": "n", "__dd_first__": "first"})
    return out.sort_values("first", kind="stable").reset_index(drop=True)
