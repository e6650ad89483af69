"""The overview on any engine: the counts from the engine, the statistics from the pandas path.

``engine_overview(table, target=...)`` returns the same :class:`~analysis.overview.Overview`
that :func:`analysis.overview.overview` returns for the same rows: class counts
(``GROUP BY target``), missing cells per column, exact and conflicting duplicates come
from the engine over every row; the class-balance statistics and the duplicate verdict
are :func:`~analysis.overview.class_balance_from_counts` and
:func:`~analysis.overview.duplicate_summary_from_counts`. Column roles, near-duplicates
and outliers are model-like passes over rows: they run on the sample of
:func:`~analysis.engines.sample.draw_sample` (the whole table when it is small).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ..errors import require_column
from ..overview import (
    Overview,
    check_labels,
    class_balance_from_counts,
    duplicate_summary_from_counts,
    overview,
)
from ..overview.near_duplicates import near_duplicate_summary
from ..overview.near_groups import DEFAULT_NEAR, NearDuplicateSettings
from ..overview.outliers import DEFAULT_OUTLIERS, OutlierSettings, outlier_summary
from ..results import py_scalar
from ..rowsample import SAMPLE_ROWS
from ..schema import Schema, infer_schema
from .counts import duplicate_counts, group_counts
from .sample import SampleInfo, draw_sample
from .table import ROW, Table

__all__ = ["EngineOverview", "engine_overview", "label_counts", "rows_beyond"]


@dataclass(frozen=True)
class EngineOverview:
    """The overview, the rows model-based passes saw (``frame``) and how they were drawn (``sample``).

    The rows the overview lists (outliers, near-duplicate groups) are positions in the whole table,
    not in ``frame``: ``sample.source_rows`` maps one to the other.
    """

    overview: Overview
    frame: pd.DataFrame
    sample: SampleInfo | None
    engine: str


def label_counts(table: Table, target: str, *, missing: dict[str, int] | None = None) -> tuple[pd.Series, int]:
    """Rows per non-missing label (index in the source's dtype, checked like pandas checks it) and all rows.

    With a ``missing`` dict, the same ``GROUP BY target`` also counts the missing cells of every
    column into it (one pass instead of two).
    """
    require_column(list(table.columns), target, role="target column")
    others = list(table.columns) if missing is not None else []
    counts = group_counts(table, [target], missing_of=others)
    if missing is not None:
        missing.update({c: int(counts[f"m{i}"].sum()) for i, c in enumerate(others)})
    n_rows = int(counts["n"].sum())
    labelled = counts[counts[target].notna()]
    labels = labelled[target].reset_index(drop=True)
    check_labels(labels, target=target, n_rows=n_rows)
    return pd.Series(labelled["n"].to_numpy(), index=pd.Index(labels), name="count"), n_rows


def engine_overview(
    table: Table,
    *,
    target: str,
    schema: Schema | None = None,
    cv_folds: int = 5,
    smote_k_neighbors: int = 5,
    near: NearDuplicateSettings | None = DEFAULT_NEAR,
    outliers: OutlierSettings | None = DEFAULT_OUTLIERS,
    sample_rows: int = SAMPLE_ROWS,
    seed: int = 0,
) -> EngineOverview:
    """The overview of ``table`` on its engine (see the module docstring); pandas runs today's path."""
    if table.engine == "pandas":
        assert table.pandas is not None
        result = overview(table.pandas, target=target, schema=schema, cv_folds=cv_folds,
                          smote_k_neighbors=smote_k_neighbors, near=near, outliers=outliers)
        result = dataclasses.replace(result, name=table.name, notes=tuple(table.notes) + result.notes)
        return EngineOverview(result, table.pandas, None, table.engine)
    missing: dict[str, int] = {}
    counts, n_rows = label_counts(table, target, missing=missing)
    balance = class_balance_from_counts(counts, target=target, n_rows=n_rows, cv_folds=cv_folds,
                                        smote_k_neighbors=smote_k_neighbors)
    class_counts = {py_scalar(k): int(v) for k, v in counts.items()}
    frame, sample = draw_sample(table, target=target, sample_rows=sample_rows, seed=seed, class_counts=class_counts)
    schema = schema if schema is not None else exact_schema(frame, missing, n_rows)
    duplicate_rows, conflict_rows, groups = duplicate_counts(table, target=target)
    notes = list(table.notes) + ([sample.note()] if sample is not None else [])
    scored = None
    if outliers is not None:
        from ..features import ExtremeValueError

        # in the sample, the rows pandas scores in the whole table (outliers.max_rows is the smaller size), or
        # every sampled row (its size is only near sample_rows: never sampled again); numbered in the whole table
        if sample is not None and outliers.max_rows >= sample_rows:
            outliers = dataclasses.replace(outliers, max_rows=max(outliers.max_rows, len(frame)))
        try:
            scored = outlier_summary(frame, target=target, settings=outliers, drawn=sample, class_counts=class_counts,
                                     rows_beyond=partial(rows_beyond, table))
        except ExtremeValueError as exc:
            notes.append(f"Outliers were not scored: {exc}")
    result = Overview(
        name=table.name,
        rows=n_rows,
        columns=len(table.columns),
        target=target,
        class_balance=balance,
        duplicates=duplicate_summary_from_counts(duplicate_rows, conflict_rows, groups),
        missing={c: missing[c] for c in table.columns},
        schema=schema,
        verdict=balance.verdict,
        verdict_text=balance.verdict_text,
        notes=tuple(notes),
        near_duplicates=(
            near_duplicate_summary(frame, target=target, settings=near, schema=schema) if near is not None else None
        ),
        outliers=scored,
    )
    if sample is not None and sample.source_rows is not None:  # rows listed as positions in the whole table
        positions = sample.source_rows
        result = dataclasses.replace(
            result,
            near_duplicates=result.near_duplicates.in_source_positions(positions) if result.near_duplicates else None,
        )
    return EngineOverview(result, frame, sample, table.engine)


def rows_beyond(
    table: Table, ranges: Mapping[str, tuple[float, float]], columns: list[str]
) -> tuple[np.ndarray, pd.DataFrame]:
    """The rows of ``table`` with a finite number outside ``ranges`` in some column (the outlier sample's smallest
    and largest): their sorted positions and their ``columns``, fetched from the engine (pandas' rule:
    :func:`analysis.overview.outliers.outlier_summary`; NaN and infinities are never outside)."""
    import narwhals as nw

    schema = table.lazy().collect_schema()
    conditions = []
    for name, (low, high) in ranges.items():
        col = nw.col(table.col(name))
        outside = (col < low) | (col > high)
        if schema[table.col(name)].is_float():  # an engine orders NaN above every number; inf is never a candidate
            outside = outside & col.is_finite()
        conditions.append(outside.fill_null(False))
    if not conditions:
        return np.empty(0, dtype=np.int64), pd.DataFrame(columns=columns)
    picked = table.lazy().filter(nw.any_horizontal(*conditions, ignore_nulls=True))
    frame = table.collect(picked.select([ROW, *(table.col(c) for c in columns)]).sort(ROW)).reset_index(drop=True)
    return frame.pop(ROW).to_numpy(dtype=np.int64), frame


def exact_schema(frame: pd.DataFrame, missing: dict[str, int], n_rows: int) -> Schema:
    """Column roles inferred on ``frame`` (the sample, or every row), with the exact missing counts."""
    schema = infer_schema(frame)
    if len(frame) == n_rows:
        return schema
    columns = tuple(dataclasses.replace(c, n_missing=missing.get(c.name, c.n_missing)) for c in schema.columns)
    return dataclasses.replace(schema, columns=columns, n_rows=n_rows)
