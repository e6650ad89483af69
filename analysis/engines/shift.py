"""Distribution shift between two tables on DuckDB or Spark: the per-feature tests from counts.

What each part of :func:`analysis.sampling.shift` needs, and where it runs here:

* categorical features and label shift: the values' counts (``GROUP BY value``), exact; the
  chi-square test, Jensen-Shannon distance and PSI are the pandas path's
  (:func:`analysis.sampling.shift_features.compare_categories`);
* numeric features with at most ``exact_max_distinct`` distinct values in the two tables together:
  the distinct values with their counts, exact (:func:`.shift_stats.numeric_from_counts`);
  more: a quantile sketch places grid points and exact counts at them bound the statistics
  (:func:`.shift_stats.numeric_from_grid`); each feature says which under ``method`` and, for a
  sketch, ``sketch`` (which sketch, the bounds of the statistic and the effect, the p-value range);
* missing shares and row counts: exact;
* model-based and row-level parts (column roles, free-text drift, the domain classifier, rows in
  both tables): on each table's sample (:func:`.sample.draw_sample`: the whole table up to
  ``sample_rows`` rows), stated in a note and under ``sample``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from ..sampling import (
    DRIFT_THRESHOLDS,
    FeatureShift,
    ShiftResult,
    shift,
)
from ..sampling.shift_features import compare_categories, is_numeric, labelled_counts, skipped_feature
from ..sampling.shift_report import finish_shift
from ..sampling.shift_steps import shift_columns, skip_reason
from ..sampling.shift_text import TextShift, text_shift
from ..schema import Role, infer_schema
from .counts import missing_count, missing_expr
from .ordered import counts_in_first_order
from .quantiles import SKETCH_POINTS, counts_at, sketch_name, sketch_quantiles
from .registry import DEFAULT_SAMPLE_ROWS, EngineSettings, choose_engine, is_native_table, open_table
from .sample import SampleInfo, draw_sample, whole_table
from .shift_stats import numeric_from_counts, numeric_from_grid
from .table import Table

__all__ = ["EXACT_MAX_DISTINCT", "engine_shift", "open_pair"]

#: A numeric feature with at most this many distinct values in the two tables together is tested
#: from its exact value counts; above, from a quantile sketch with exact counts at its points.
EXACT_MAX_DISTINCT = 100_000


def engine_shift(
    reference: Table,
    current: Table,
    *,
    target: str | None = None,
    alpha: float = 0.05,
    thresholds: dict[str, float] | None = None,
    classifier: bool = True,
    classifier_rows: int = 5_000,
    folds: int = 5,
    seed: int = 0,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    exact_max_distinct: int = EXACT_MAX_DISTINCT,
) -> tuple[ShiftResult, dict[str, Any] | None]:
    """:func:`analysis.sampling.shift` of two tables on their engine, and the samples the model-based
    parts saw (``None`` when both were whole). On pandas it is the pandas function itself."""
    if reference.engine == "pandas" and current.engine == "pandas":
        result = shift(whole_table(reference), whole_table(current), target=target, alpha=alpha,
                       thresholds=thresholds, classifier=classifier, classifier_rows=classifier_rows,
                       folds=folds, seed=seed)
        return result, None
    limits = dict(DRIFT_THRESHOLDS, **(thresholds or {}))
    n_ref, n_cur = reference.n_rows, current.n_rows
    common, features, notes = shift_columns(list(reference.columns), list(current.columns), n_ref, n_cur,
                                            target=target, alpha=alpha)
    sa, info_a = draw_sample(reference, target=None, sample_rows=sample_rows, seed=seed)
    sb, info_b = draw_sample(current, target=None, sample_rows=sample_rows, seed=seed)
    kinds = {c: "numeric" if is_numeric(sa[c]) and is_numeric(sb[c]) else "categorical" for c in features}
    numeric = [c for c in features if kinds[c] == "numeric"]
    profile_a, profile_b = _profile(reference, features, numeric), _profile(current, features, numeric)
    schema = infer_schema(sa[features])
    plan: dict[Any, str | FeatureShift] = {}
    texts: list[TextShift] = []
    for col in features:
        name, kind = str(col), kinds[col]
        role = schema.role_of(name)
        if role is Role.TEXT:
            texts.append(text_shift(sa[col], sb[col], name=name, alpha=alpha, length_threshold=limits["numeric"]))
        (miss_a, uniq_a, *_), (miss_b, uniq_b, *_) = profile_a[col], profile_b[col]
        args = (n_ref - miss_a, n_cur - miss_b, miss_a / n_ref, miss_b / n_cur)
        reason = skip_reason(role, kind, partial(int, uniq_a + uniq_b))
        if reason is None and kind == "numeric" and (args[0] == 0 or args[1] == 0):
            reason = "no values in one of the files"
        if reason is not None:
            plan[col] = skipped_feature(name, kind, *args, reason)
        elif kind == "categorical":
            plan[col] = "categorical"
        else:
            plan[col] = "exact" if uniq_a + uniq_b <= exact_max_distinct else "sketch"
    exact = [c for c in features if plan[c] == "exact"]
    counts_a, counts_b = _value_counts(reference, exact), _value_counts(current, exact)
    results: list[FeatureShift] = []
    for col in features:
        step = plan[col]
        missing = (profile_a[col][0] / n_ref, profile_b[col][0] / n_cur)
        if isinstance(step, FeatureShift):
            results.append(step)
        elif step == "categorical":
            results.append(_categorical(reference, current, col, missing))
        elif step == "exact":
            results.append(_numeric_exact(col, counts_a[col], counts_b[col], missing))
        else:
            results.append(_numeric_sketch(reference, current, col, (profile_a[col], profile_b[col]), missing))
    samples = _samples(info_a, info_b)
    result = finish_shift(
        results, texts, notes, reference=sa, current=sb, common=common, target=target,
        target_counts=lambda t: (_category_counts(reference, t), _category_counts(current, t)),
        n_reference=n_ref, n_current=n_cur, alpha=alpha, limits=limits,
        classifier=classifier, classifier_rows=classifier_rows, folds=folds, seed=seed,
        extra_notes=(_sample_note(info_a, info_b, n_ref, n_cur),) if samples is not None else (),
    )
    return result, samples


def open_pair(reference: Any, current: Any, settings: EngineSettings | None = None) -> tuple[Table, Table]:
    """Two tables on one engine: the engine of the first native one (a DuckDB relation, a Spark DataFrame),
    or ``settings``' choice; a pandas frame beside a native table is copied onto its engine."""
    settings = settings or EngineSettings()
    if settings.engine == "auto":
        natives = [t for t in (reference, current) if is_native_table(t)]
        engine = choose_engine(natives[0] if natives else reference, settings)
        settings = replace(settings, engine=engine)
    return open_table(reference, settings, name="reference"), open_table(current, settings, name="current")


def _profile(table: Table, features: list, numeric: list) -> dict[Any, tuple[int, int, float, float, float]]:
    """Per feature, in one pass: missing cells, distinct non-missing values and, for the ``numeric`` ones,
    the standard deviation (ddof 0), smallest and largest of the non-missing values (else NaN)."""
    exprs = []
    for i, c in enumerate(features):
        exprs.append(missing_count(table, c).alias(f"m{i}"))
        exprs.append(nw.col(table.col(c)).n_unique().alias(f"u{i}"))
        if c in numeric:
            x = nw.when(_present(table, c)).then(nw.col(table.col(c)).cast(nw.Float64))
            exprs += [x.std(ddof=0).alias(f"s{i}"), x.min().alias(f"lo{i}"), x.max().alias(f"hi{i}")]
    row = table.lazy().select(*exprs).collect().to_pandas().iloc[0]
    out = {}
    for i, c in enumerate(features):
        missing = int(row[f"m{i}"])
        # n_unique counts null (and NaN) as a value; pandas' nunique does not.
        s, lo, hi = (float(row[f"{k}{i}"]) for k in ("s", "lo", "hi")) if c in numeric else (np.nan,) * 3
        out[c] = (missing, int(row[f"u{i}"]) - (1 if missing else 0), s, lo, hi)
    return out


def _value_counts(table: Table, columns: list) -> dict[Any, tuple[np.ndarray, np.ndarray]]:
    """Each numeric column's distinct non-missing values (as floats) and their counts, in one ``GROUP BY``
    over the columns stacked one under another."""
    if not columns:
        return {}
    lf = table.lazy()
    stacked = nw.concat([
        lf.filter(_present(table, c)).select(nw.lit(i, nw.Int64).alias("f"), nw.col(table.col(c)).cast(nw.Float64).alias("v"))
        for i, c in enumerate(columns)
    ], how="vertical")
    out = stacked.group_by("f", "v").agg(nw.len().alias("n")).collect().to_pandas()
    result = {}
    for i, c in enumerate(columns):
        part = out[out["f"] == i]
        result[c] = (part["v"].to_numpy(dtype=float), part["n"].to_numpy(dtype=np.int64))
    return result


def _present(table: Table, column: str) -> nw.Expr:
    return ~missing_expr(table, column)


def _category_counts(table: Table, column: str) -> pd.Series:
    """:func:`analysis.sampling.shift_features.category_counts` from a ``GROUP BY``: label text -> rows."""
    out = counts_in_first_order(table, [column], where=_present(table, column))
    values, n = out[column], out["n"].to_numpy()
    if isinstance(values.dtype, pd.CategoricalDtype):  # pandas lists a category column by its categories, unused ones too
        by_value = dict(zip(values, n))
        keys = list(values.dtype.categories)
        counts = pd.Series([int(by_value.get(k, 0)) for k in keys], index=keys)
    else:
        counts = pd.Series(n, index=list(values))
    return labelled_counts(counts)


def _categorical(reference: Table, current: Table, col: Any, missing: tuple[float, float]) -> FeatureShift:
    ca, cb = _category_counts(reference, col), _category_counts(current, col)
    if ca.sum() == 0 or cb.sum() == 0:
        return skipped_feature(str(col), "categorical", int(ca.sum()), int(cb.sum()), *missing, "no values in one of the files")
    stat, p, js, psi_value = compare_categories(ca, cb)
    return FeatureShift(str(col), "categorical", "chi2", stat, p, None, js, "js_distance", psi_value, False,
                        int(ca.sum()), int(cb.sum()), *missing)


def _numeric_exact(col: Any, a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray],
                   missing: tuple[float, float]) -> FeatureShift:
    (va, ca), (vb, cb) = a, b
    d, p, effect, psi_value = numeric_from_counts(va, ca, vb, cb)
    return FeatureShift(str(col), "numeric", "ks", d, p, None, effect, "wasserstein_norm", psi_value, False,
                        int(ca.sum()), int(cb.sum()), *missing)


def _numeric_sketch(reference: Table, current: Table, col: Any, profiles: tuple[tuple, tuple],
                    missing: tuple[float, float]) -> FeatureShift:
    probs = np.linspace(0, 1, SKETCH_POINTS + 1)
    (miss_a, _, spread, lo_a, hi_a), (miss_b, _, _, lo_b, hi_b) = profiles
    n1, n2 = reference.n_rows - miss_a, current.n_rows - miss_b
    qa = sketch_quantiles(reference, col, _present(reference, col), probs)
    qb = sketch_quantiles(current, col, _present(current, col), probs)
    tenths = np.arange(1, 10)
    deciles = qa[tenths * SKETCH_POINTS // 10] if len(qa) == len(probs) else np.quantile(qa, tenths / 10)
    cuts = np.unique(deciles)
    grid = np.unique(np.concatenate([qa, qb, cuts, [lo_a, hi_a, lo_b, hi_b]]))
    lt_a, le_a = counts_at(reference, col, _present(reference, col), grid)
    lt_b, le_b = counts_at(current, col, _present(current, col), grid)
    r = numeric_from_grid(grid, lt_a, le_a, lt_b, le_b, n1=n1, n2=n2, spread=spread, cuts=cuts)
    sketch = {
        "quantiles": sketch_name(reference.engine),
        "points": int(len(grid)),
        "statistic_bound": float(r["statistic_bound"]),  # type: ignore[arg-type]
        "effect_bound": float(r["effect_bound"]),  # type: ignore[arg-type]
        "p_value_range": r["p_value_range"],
        "p_value_method": "Smirnov's asymptotic distribution at the statistic (and at its bounds for the range)",
        "psi": "exact counts in 10 bins cut at the sketch's deciles of the reference (no bound)",
    }
    return FeatureShift(str(col), "numeric", "ks", float(r["statistic"]), float(r["p_value"]), None,  # type: ignore[arg-type]
                        float(r["effect"]), "wasserstein_norm", float(r["psi"]), False, n1, n2, *missing,  # type: ignore[arg-type]
                        method="sketch", sketch=sketch)


def _samples(info_a: SampleInfo | None, info_b: SampleInfo | None) -> dict[str, Any] | None:
    if info_a is None and info_b is None:
        return None
    return {"reference": info_a.to_dict() if info_a else None, "current": info_b.to_dict() if info_b else None}


def _sample_note(info_a: SampleInfo | None, info_b: SampleInfo | None, n_ref: int, n_cur: int) -> str:
    def part(info: SampleInfo | None, n: int, which: str) -> str:
        rows = info.rows if info is not None else n
        return f"{rows:,} of the {which}'s {n:,} rows"

    seed = (info_a or info_b).seed  # type: ignore[union-attr]
    return (f"Column roles, free-text drift, the domain classifier and rows in both files ran on samples "
            f"({part(info_a, n_ref, 'reference')}, {part(info_b, n_cur, 'current file')}; seed {seed}); the "
            "per-feature tests, missing shares and label shift count every row.")
