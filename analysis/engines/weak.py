"""Weak supervision on DuckDB or Spark: the vote patterns and their counts from the engine, the rest from
:mod:`analysis.weak`.

The LF votes are computed lazily on the engine (LF columns as they are; declarative LFs through each
kind's portable ``vote_expr``) and only their distinct patterns leave it, with their counts::

    SELECT v0, v1, ..., count(*) FROM votes WHERE gold IS NULL GROUP BY v0, v1, ...

The rows *with* a gold label come back one by one (their position, votes and gold label): the label
model's held-out check splits the gold rows by a seeded permutation of their positions
(:func:`analysis.weak.heldout.split_rows`), so which pattern a gold row joins depends on where it is.
Gold labels are usually a small checked subset; with a gold label on every row this query returns
every row's votes (a few bytes each).

The patterns become an :class:`~analysis.weak.matrix.LFMatrix` with ``counts``
(:func:`analysis.weak.patterns.pattern_matrix`), and the LF summary and the label model are the pandas
path's own functions (:func:`analysis.weak.lf_summary`, :func:`analysis.weak.label_model`: one EM,
weighted by the counts), so the JSON is the pandas JSON (counts equal, floats within 1e-9:
``tests/engines/test_engine_weak.py``). Per-row output (the labelled rows of ``weak -o``) is not made
here: the CLI writes it from the rows read into pandas (the whole table up to ``--sample-rows``, else the
sample, which its JSON's ``sample`` states).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import LFSpecError, require_column
from ..weak import LabelModelSettings, LFColumns, LFSet, WeakLabels, fit_weak_labels, label_model, lf_summary
from ..weak.matrix import canon, check_lf_columns, encode_votes
from ..weak.patterns import pattern_matrix
from .counts import missing_expr
from .table import ROW, Table

__all__ = ["engine_weak_labels", "vote_patterns"]

_N = "__dd_n__"
_GOLD = "__dd_gold__"


def _vote_columns(table: Table, lfs: LFColumns | LFSet, gold: str | None) -> tuple[list[str], list[Any], list[Any]]:
    """LF names, their vote expressions on the engine, and per LF the label it votes (None: the column's values)."""
    schema = table.lazy().collect_schema()
    if isinstance(lfs, LFColumns):
        names = check_lf_columns(list(table.columns), lfs.names, gold=gold)
        return names, [nw.col(table.col(n)) for n in names], [None] * len(names)
    checked = lfs.lfs  # checked when the LFSet was made
    if not checked:
        raise LFSpecError("Define at least one labeling function.")
    if gold is not None:
        require_column(list(table.columns), gold, role="gold label column")
    exprs = []
    for lf in checked:
        require_column(list(table.columns), lf.column, role=f"column of LF '{lf.name}'")
        native = table.col(lf.column)
        exprs.append(lf.rule.vote_expr(nw.col(native), schema[native], lf).fill_null(False))
    return [lf.name for lf in checked], exprs, [lf.label for lf in checked]


def vote_patterns(table: Table, lfs: LFColumns | LFSet, *, gold: str | None) -> tuple[list[str], pd.DataFrame, list[Any]]:
    """The distinct votes of rows without a gold label with their counts, then the gold rows one by one.

    Returns the LF names, a frame with columns ``v0 .. v{m-1}`` (raw LF values, or True/False where a
    declarative LF fires), the gold value (``None`` on pattern rows), the count ``n`` and the row position
    (``-1`` on pattern rows), and the label each declarative LF votes.
    """
    names, exprs, labels = _vote_columns(table, lfs, gold)
    keys = [f"v{i}" for i in range(len(names))]
    columns = [e.alias(k) for e, k in zip(exprs, keys)]
    lazy = table.lazy()
    if gold is None:
        frame = lazy.select(*columns).group_by(*keys, drop_null_keys=False).agg(nw.len().alias(_N))
        patterns = frame.collect().to_pandas()
        patterns[_GOLD] = None
        patterns[ROW] = -1
    else:
        no_gold = missing_expr(table, gold)
        marked = lazy.select(nw.col(ROW), *columns, nw.col(table.col(gold)).alias(_GOLD), no_gold.alias("__dd_no_gold__"))
        grouped = marked.filter(nw.col("__dd_no_gold__")).group_by(*keys, drop_null_keys=False).agg(nw.len().alias(_N))
        patterns = grouped.collect().to_pandas()
        patterns[_GOLD] = np.nan  # no gold (NaN, not None: an integer gold column stays numeric when joined)
        patterns[ROW] = -1
        rows = marked.filter(~nw.col("__dd_no_gold__")).select(nw.col(ROW), *keys, nw.col(_GOLD)).sort(ROW)
        rows = rows.collect().to_pandas()
        if not rows[ROW].is_monotonic_increasing:  # the engine sorted them; never trust it blindly
            rows = rows.sort_values(ROW, kind="stable")
        rows[_N] = 1
        patterns = pd.concat([patterns, rows], ignore_index=True)
    patterns = patterns.rename(columns={_N: "n", _GOLD: "gold", ROW: "row"})
    return names, patterns[[*keys, "gold", "n", "row"]], labels


def engine_weak_labels(table: Table, lfs: LFColumns | LFSet, settings: LabelModelSettings, *, seed: int = 0) -> WeakLabels:
    """The LF summary and label model of ``table`` on its engine (see the module docstring); pandas runs today's path.

    Raises
    ------
    LFNotPortableError
        A declarative LF whose kind (or column type) has no DuckDB/Spark expression; the message names it.
    WeakSupervisionError, ColumnNotFoundError
        As :func:`analysis.weak.fit_weak_labels` raises them, with the same messages.
    """
    if table.engine == "pandas":
        assert table.pandas is not None
        return fit_weak_labels(table.pandas, lfs, settings)
    names, found, labels = vote_patterns(table, lfs, gold=settings.gold)
    abstain: Any
    if isinstance(lfs, LFColumns):
        votes = {name: found[f"v{i}"] for i, name in enumerate(names)}
        abstain, allow_silent = canon(lfs.abstain), False
    else:
        fired = {name: found[f"v{i}"].fillna(False).astype(bool).to_numpy() for i, name in enumerate(names)}
        votes = {name: pd.Series(np.where(fired[name], labels[i], None), dtype=object) for i, name in enumerate(names)}
        abstain, allow_silent = None, True
    gold = None if settings.gold is None else found["gold"]
    rows = encode_votes(votes, abstain=abstain, gold=gold, gold_column=settings.gold, labels=settings.labels,
                        allow_silent=allow_silent)
    rows = dataclasses.replace(rows, counts=found["n"].to_numpy(dtype=np.int64))
    matrix, _ = pattern_matrix(rows, positions=found["row"].to_numpy(dtype=np.int64), seed=seed)
    return WeakLabels(lf_summary(matrix), label_model(matrix, class_prior=settings.prior, seed=seed))
