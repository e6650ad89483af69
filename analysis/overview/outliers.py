"""Outlier rows: an isolation-forest anomaly score per row, the most unusual rows, and how many per class.

The score is Liu, Ting and Zhou's (2008) isolation-forest anomaly score
``s(x) = 2 ** (-E[h(x)] / c(n))`` in (0, 1], computed by
:class:`sklearn.ensemble.IsolationForest` (100 trees of 256 rows,
``random_state=seed``) as ``-score_samples(X)``: near 1 is easy to isolate
(an outlier), about 0.5 or below is ordinary. A row counts as an outlier when
its score is at least ``OutlierSettings.threshold`` (0.6: clearly above the
0.5 that every row scores when nothing stands out).

Features: numeric columns (missing values replaced by the column median; an
isolation forest splits one column at a time, so no scaling is needed) and
categorical columns as integer codes (missing is a code of its own). Free text
and identifier columns are left out (``select_features(text="drop")``). Above
``max_rows`` rows (:data:`analysis.rowsample.OUTLIER_ROWS`, 100,000, by default) the
forest is fitted and rows are scored on the stratified sample of
:func:`analysis.rowsample.stratified_positions` (DuckDB and Spark find the same rows
in their larger sample: :func:`analysis.rowsample.subsample_positions`), stated in
``sample`` and the notes; ``rows`` keeps the scored rows' positions in the whole table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import NoFeaturesError, require_column
from ..features import FLOAT32_SAFE, range_divisor, select_features
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity, json_label
from ..rowsample import OUTLIER_ROWS, SampleInfo, stratified_positions, subsample_positions
from ..schema import Schema
from ..threads import thread_map, threads_for
from ..wording import count_noun, listing, share_text, verb

__all__ = ["BeyondSample", "OutlierSettings", "OutlierSummary", "outlier_matrix", "outlier_summary"]


@dataclass(frozen=True)
class OutlierSettings:
    """Isolation-forest settings: the flag threshold, the number of top rows kept, the sample size, the seed.

    ``max_rows``: above this many rows, a stratified sample of about this many is scored
    (:func:`analysis.rowsample.stratified_positions`, with ``seed``). ``beyond_sample``: the rows outside
    that sample with a number beyond its range are scored too (:class:`BeyondSample`; off, a recipe
    recorded before the check existed gives its outputs again).
    """

    threshold: float = 0.6
    top: int = 100
    max_rows: int = OUTLIER_ROWS
    seed: int = 0
    beyond_sample: bool = True


DEFAULT_OUTLIERS = OutlierSettings()

#: At most this many rows outside the sample are scored for a value beyond its range (a random subset above).
MAX_BEYOND_ROWS = 10_000
#: The rows outside the sample farthest beyond its range that the JSON lists (``beyond_sample.farthest``).
FARTHEST_LISTED = 100


@dataclass(frozen=True, eq=False)
class BeyondSample:
    """The rows outside the scored sample with a value beyond the sample's range, scored by the same forest.

    A sample can miss the few rows that hold an absurd value; every row is checked, column by column,
    for a finite number below the sample's smallest or above its largest in that column (``candidates``
    rows), and those rows (at most :data:`MAX_BEYOND_ROWS`, a random subset above) are scored. Their
    scores are not in the sample's counts and shares; they join the top rows.
    """

    candidates: int
    rows: np.ndarray = field(repr=False)  # 0-based positions in the whole table
    scores: np.ndarray = field(repr=False)
    threshold: float
    #: per row: the column it lies farthest beyond the sample's range in, its value there, and how far, in widths
    #: of that range (a column constant in the sample: in units of its value's size, at least 1)
    column: np.ndarray = field(repr=False)
    value: np.ndarray = field(repr=False)
    excess: np.ndarray = field(repr=False)
    ranges: Mapping[str, tuple[float, float]] = field(repr=False)

    def farthest_rows(self) -> pd.DataFrame:
        """Every scored row with the column it lies farthest beyond the sample's range in: the value, the
        sample's smallest and largest there, the distance in widths of that range, and the score; farthest first.

        The isolation-forest score cannot say how far beyond: it scores any value beyond its training range
        as the range's end. This ranking can."""
        order = np.argsort(-self.excess, kind="stable") if len(self.excess) else np.empty(0, dtype=np.int64)
        columns = [str(c) for c in self.column[order]]
        return pd.DataFrame({
            "row": self.rows[order].astype(np.int64), "column": pd.Series(columns, dtype=object),
            "value": self.value[order], "sample_min": [self.ranges[c][0] for c in columns],
            "sample_max": [self.ranges[c][1] for c in columns], "widths_beyond": self.excess[order],
            "score": self.scores[order],
        })

    @property
    def n_flagged(self) -> int:
        return int((self.scores >= self.threshold).sum())

    def flagged_rows(self) -> pd.DataFrame:
        """The rows at or above the threshold: 0-based position and score, highest first (an isolation forest
        scores a value beyond its training range as the range's end, so they need not reach the top rows)."""
        flagged = self.scores >= self.threshold
        order = np.argsort(-self.scores[flagged], kind="stable")
        return pd.DataFrame({"row": self.rows[flagged][order].astype(np.int64), "score": self.scores[flagged][order]})

    def flagged_text(self, shown: int = 5) -> str:
        """'rows 1422 and 284468' (0-based; the first ``shown`` of them, then how many more)."""
        rows = [f"{int(r)}" for r in self.flagged_rows()["row"]]
        return f"{verb(len(rows), 'row', 'rows')} {listing(rows, shown=shown)}"

    def to_dict(self) -> dict[str, Any]:
        flagged = self.flagged_rows()
        return {
            "rule": "a finite value below the sample's minimum or above its maximum in a numeric column",
            "candidates": self.candidates,
            "rows_scored": int(len(self.rows)),
            "n_flagged": self.n_flagged,
            "flagged": [{"row": int(r), "score": float(v)} for r, v in zip(flagged["row"], flagged["score"])],
            "farthest": [
                {"row": int(r["row"]), "column": r["column"], "value": float(r["value"]),
                 "sample_range": [float(r["sample_min"]), float(r["sample_max"])],
                 "widths_beyond": float(r["widths_beyond"]), "score": float(r["score"])}
                for r in self.farthest_rows().head(FARTHEST_LISTED).to_dict("records")
            ],
        }


@dataclass(frozen=True, eq=False)
class OutlierSummary(ResultMixin):
    """Per-row outlier scores (``scores[i]`` for ``rows[i]``), the flagged count overall and per class.

    ``per_class`` maps each label to its rows, flagged rows and flagged share;
    the key ``None`` (``"label": null`` in JSON) holds the rows without a label.

    Verdict: ``none`` (ok), ``outliers`` (info: some rows score at least the threshold),
    ``not_applicable`` (no numeric or categorical feature).
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"none": "ok", "outliers": "info", "not_applicable": "info"}

    settings: OutlierSettings
    columns: tuple[str, ...]
    rows: np.ndarray = field(repr=False)  # 0-based positions scored
    scores: np.ndarray = field(repr=False)
    per_class: dict[Any, dict[str, float]] = field(default_factory=dict)
    sampled: bool = False
    sample: SampleInfo | None = None  # which rows were scored, when not all of them
    beyond: BeyondSample | None = None  # rows outside the scored sample with a value beyond its range
    verdict: str = "none"
    verdict_text: str = "No row stands out: every isolation-forest score is below the threshold."
    notes: tuple[str, ...] = ()

    @property
    def n_flagged(self) -> int:
        return int((self.scores >= self.settings.threshold).sum())

    def top_rows(self) -> pd.DataFrame:
        """The ``settings.top`` highest-scoring rows: 0-based position and score, highest first."""
        rows, scores = self.rows, self.scores
        if self.beyond is not None and len(self.beyond.rows):  # after the sample's rows: ties keep them first
            rows, scores = np.r_[rows, self.beyond.rows], np.r_[scores, self.beyond.scores]
        order = np.argsort(-scores, kind="stable")[: self.settings.top]
        return pd.DataFrame({"row": rows[order].astype(np.int64), "score": scores[order]})

    def to_frame(self) -> pd.DataFrame:
        return self.top_rows()

    def per_class_frame(self) -> pd.DataFrame:
        """One line per class (``(no label)`` for rows without one): rows, flagged rows, flagged share."""
        return pd.DataFrame(
            [{"class": "(no label)" if k is None else str(k), **v} for k, v in self.per_class.items()],
            columns=["class", "rows", "flagged", "share_flagged"],
        )

    def top_data(self, df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        """The top rows of ``df`` (the scored table) with an ``outlier_score`` column, and their 0-based positions.

        The positions let :func:`analysis.export.to_csv_bytes` write the original text of each cell.
        """
        return _rows_with_scores(df, self.top_rows())

    def beyond_data(self, df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        """The flagged rows outside the sample (:meth:`BeyondSample.flagged_rows`) as :meth:`top_data` gives the
        top rows: ``df``'s rows with an ``outlier_score`` column, and their 0-based positions."""
        flagged = self.beyond.flagged_rows() if self.beyond is not None else pd.DataFrame({"row": [], "score": []})
        return _rows_with_scores(df, flagged)

    def to_dict(self) -> dict[str, Any]:
        top = self.top_rows()
        return {
            "method": "isolation_forest",
            "threshold": self.settings.threshold,
            "seed": self.settings.seed,
            "columns": list(self.columns),
            "rows_scored": int(len(self.rows)),
            "sampled": self.sampled,
            "sample": self.sample.to_dict() if self.sample is not None else None,
            "n_flagged": self.n_flagged,
            "share_flagged": (self.n_flagged / len(self.rows)) if len(self.rows) else 0.0,
            "beyond_sample": self.beyond.to_dict() if self.beyond is not None else None,
            "per_class": [{"label": json_label(k), **v} for k, v in self.per_class.items()],
            "top": [{"row": int(r), "score": float(s)} for r, s in zip(top["row"], top["score"])],
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
        }


def _rows_with_scores(df: pd.DataFrame, ranked: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """``df``'s rows at ``ranked["row"]`` with an ``outlier_score`` column (``ranked["score"]``), and the positions."""
    positions = ranked["row"].to_numpy(dtype=np.int64)
    frame = df.iloc[positions].reset_index(drop=True)
    name = "outlier_score"
    while name in frame.columns:
        name = "_" + name
    frame[name] = ranked["score"].to_numpy(dtype=float)
    return frame, positions


def outlier_matrix(
    df: pd.DataFrame, numeric: tuple[str, ...], categorical: tuple[str, ...], dtype: Any = float
) -> np.ndarray:
    """Median-imputed numbers, then categorical codes (missing = -1), as one C-ordered array of ``dtype``.

    Each column is computed in float64 and then cast, so a float32 matrix holds the values a float64 one
    cast as a whole would (what the isolation forest's trees read); it is filled in place, with no stack of
    per-column arrays beside it.
    """
    return _encode(df, numeric, categorical, dtype)[0]


_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True)
class _Encoding:
    """How :func:`outlier_matrix` turned the scored rows into numbers, to turn other rows the same way: each
    numeric column's fill value (its median) and divisor, each categorical column's values in code order."""

    fills: tuple[float, ...]
    divisors: tuple[float, ...]
    categories: tuple[pd.Index, ...]
    #: each numeric column's smallest and largest finite value in the fitted rows (columns without one: absent)
    ranges: dict[str, tuple[float, float]]


def _encode(
    df: pd.DataFrame, numeric: tuple[str, ...], categorical: tuple[str, ...], dtype: Any,
    fitted: _Encoding | None = None,
) -> tuple[np.ndarray, _Encoding]:
    """:func:`outlier_matrix` and its encoding; with ``fitted``, other rows encoded as those were.

    Encoded with ``fitted``, a value beyond the float32 range is clipped to it (beyond every split of a tree
    grown on the fitted rows either way) and a category the fitted rows lack gets the code after theirs.
    """
    out = np.empty((len(df), len(numeric) + len(categorical)), dtype=dtype)
    fills, divisors, categories, ranges = [], [], [], {}
    for j, c in enumerate(numeric):
        v = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(v)
        if fitted is None:
            if finite.any():
                ranges[c] = (float(v[finite].min()), float(v[finite].max()))
            fill = float(np.median(v[finite])) if finite.any() else 0.0
            v = np.where(finite, v, fill)
            # an isolation tree splits uniformly between a node's min and max: a constant changes nothing
            divisor = range_divisor(v, FLOAT32_SAFE)
            fills.append(fill)
            divisors.append(divisor)
            out[:, j] = v / divisor
        else:
            out[:, j] = np.clip(np.where(finite, v, fitted.fills[j]) / fitted.divisors[j], -_FLOAT32_MAX, _FLOAT32_MAX)
    for j, c in enumerate(categorical, start=len(numeric)):
        col = df[c]
        # a string column factorises as its objects do (codes by first appearance, missing -1), 6x quicker
        values = col if isinstance(col.dtype, pd.StringDtype) else col.astype(object)
        if fitted is None:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            categories.append(pd.Index(uniques))
            out[:, j] = codes
        else:
            known = fitted.categories[j - len(numeric)]
            codes = known.get_indexer(pd.Index(values))
            codes[(codes < 0) & col.notna().to_numpy()] = len(known)  # a value the fitted rows lack
            out[:, j] = codes
    return out, fitted or _Encoding(tuple(fills), tuple(divisors), tuple(categories), ranges)


@takes_table("df")
def outlier_summary(
    df: pd.DataFrame, *, target: str, settings: OutlierSettings = DEFAULT_OUTLIERS, schema: Schema | None = None,
    drawn: SampleInfo | None = None, class_counts: Mapping[Any, int] | None = None,
    rows_beyond: Callable[[Mapping[str, tuple[float, float]], list[str]], tuple[np.ndarray, pd.DataFrame]]
    | None = None,
) -> OutlierSummary:
    """Score every row (or a stated stratified sample) for how unusual its features are.

    ``schema`` (the already inferred schema of ``df``) saves inferring the column roles again. ``drawn``:
    ``df`` is itself the stratified sample ``drawn`` of a larger table (DuckDB's or Spark's), whose rows per
    label are ``class_counts``; the rows scored are then those pandas would score in the whole table (when
    ``settings.max_rows`` is below the drawn sample's size; else every drawn row), numbered in the whole table.
    ``rows_beyond(ranges, columns)`` then finds, in the whole table, the rows with a finite number outside
    ``ranges`` (per numeric column, the scored rows' smallest and largest) in some column: their sorted
    positions and their ``columns`` (:class:`BeyondSample`; without it, a drawn table's rest is not checked).

    Examples
    --------
    >>> rng = np.random.RandomState(0)
    >>> df = pd.DataFrame({"x": np.r_[rng.normal(size=99), 40.0], "y": ["a", "b"] * 50})
    >>> s = outlier_summary(df, target="y")
    >>> int(s.top_rows()["row"][0]), s.verdict
    (99, 'outliers')
    """
    require_column(df.columns, target, role="target column")
    try:
        cols = select_features(df, target=target, text="drop", schema=schema)
    except NoFeaturesError:
        return OutlierSummary(
            settings, (), np.empty(0, np.int64), np.empty(0), verdict="not_applicable",
            verdict_text="No numeric or categorical feature to score rows on (free text and identifiers are left out).",
        )
    n = len(df)
    if drawn is None:
        picked = stratified_positions(n, df[target], sample_rows=settings.max_rows, seed=settings.seed)
    else:
        picked = subsample_positions(drawn, df[target], class_counts, settings.max_rows)
    sampled = picked is not None
    rows = picked if picked is not None else np.arange(n, dtype=np.int64)
    used = [*cols.numeric, *cols.categorical]
    # only the scored columns are taken (taking every column of a large Arrow-backed frame costs seconds)
    sub = (df[used] if df.columns.is_unique else df).iloc[rows] if sampled else df
    # float32, as the forest's trees read it (scikit-learn converts float64 on every call, to the same
    # values): half the memory, one conversion; the sampled rows' own frame is dropped before the fit
    x, encoding = _encode(sub, cols.numeric, cols.categorical, np.float32)
    del sub
    # when the scored rows are not the whole table, the rest is checked for numbers beyond their range: in df
    # itself, or in the engine's table that df was drawn from (only when it can be asked: rows_beyond)
    find = partial(_rows_beyond_in_frame, df) if drawn is None else rows_beyond
    screen = settings.beyond_sample and (sampled or drawn is not None)
    scores = np.zeros(len(rows))
    beyond = None
    if len(rows) >= 2:
        from sklearn.ensemble import IsolationForest

        forest = IsolationForest(n_estimators=100, random_state=settings.seed, n_jobs=1).fit(x)
        # row chunks on threads for a large table (a tree's apply releases the GIL): each row's score
        # is its own sum over the trees in their order, so the chunks give the one call's, bit for bit
        chunks = np.array_split(x, threads_for(len(x)))
        scores = -np.concatenate(thread_map(forest.score_samples, chunks, rows=len(x)))
        if screen and find is not None:
            beyond = _beyond_sample(find, cols.numeric, cols.categorical, encoding, forest, settings)
    flagged = scores >= settings.threshold
    labels = df[target].iloc[rows] if sampled else df[target]
    per_class: dict[Any, dict[str, float]] = {}
    for value in sorted(pd.unique(labels.dropna()), key=lambda v: (str(type(v)), str(v))):
        mask = (labels == value).to_numpy()
        k = int(mask.sum())
        per_class[value] = {"rows": k, "flagged": int((flagged & mask).sum()),
                            "share_flagged": float((flagged & mask).sum() / k) if k else 0.0}
    missing = labels.isna().to_numpy()
    if missing.any():  # rows without a label are scored too
        per_class[None] = {"rows": int(missing.sum()), "flagged": int((flagged & missing).sum()),
                           "share_flagged": float((flagged & missing).sum() / missing.sum())}
    notes = []
    population, seed = (n, settings.seed) if drawn is None else (drawn.population_rows, drawn.seed)
    sample = SampleInfo(len(rows), population, seed, target, passes="outlier scores") if sampled else None
    if sample is not None:
        of_sample = "counts and shares are" if beyond is not None else "counts, shares and top rows are"
        notes.append(
            f"Scored on a sample of {len(rows):,} of {population:,} rows, stratified by '{target}' (seed {seed}; "
            f"above {settings.max_rows:,} rows): the {of_sample} of the sample; rows are numbered in the whole table."
        )
    if drawn is not None and drawn.source_rows is not None:  # numbered in the whole table
        rows = np.asarray(drawn.source_rows, dtype=np.int64)[rows]
    if cols.dropped:
        kinds = sorted(set(cols.dropped.values()))
        notes.append(f"{count_noun(len(cols.dropped), 'column')} left out ({', '.join(kinds)}).")
    if beyond is not None:
        notes.append(_beyond_note(beyond))
    result = OutlierSummary(
        settings=settings, columns=cols.numeric + cols.categorical, rows=rows, scores=scores, per_class=per_class,
        sampled=sampled, sample=sample, beyond=beyond, notes=tuple(notes),
    )
    extra = beyond.n_flagged if beyond is not None else 0
    if result.n_flagged:
        more = (
            f" Outside the sample, {extra:,} of the {len(beyond.rows):,} rows with a number beyond the sample's "
            f"range score that high too ({beyond.flagged_text()}, 0-based)." if beyond is not None and extra else ""
        )
        text = (
            f"Outliers: {result.n_flagged:,} of {len(rows):,} rows ({share_text(result.n_flagged, len(rows))}) have an "
            f"isolation-forest anomaly score of at least {settings.threshold:g}: their feature values are unusual "
            f"for this table (the share per class is listed).{more} Check them for entry errors before training; "
            "keep them if they are real."
        )
        result = dataclasses.replace(result, verdict="outliers", verdict_text=text)
    elif beyond is not None and extra:
        text = (
            f"Outliers: {extra:,} of the {len(beyond.rows):,} rows outside the sample with a number beyond its range "
            f"have an isolation-forest anomaly score of at least {settings.threshold:g} ({beyond.flagged_text()}, "
            "0-based); "
            f"none of the {len(rows):,} sampled rows does. Check them for entry errors before training; keep them "
            "if they are real."
        )
        result = dataclasses.replace(result, verdict="outliers", verdict_text=text)
    return result


def _rows_beyond_in_frame(
    df: pd.DataFrame, ranges: Mapping[str, tuple[float, float]], columns: list[str]
) -> tuple[np.ndarray, pd.DataFrame]:
    """The rows of ``df`` with a finite number outside ``ranges`` in some column: sorted positions, and their ``columns``."""
    beyond = np.zeros(len(df), dtype=bool)
    for c, (low, high) in ranges.items():
        v = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            beyond |= ((v < low) | (v > high)) & np.isfinite(v)
    positions = np.flatnonzero(beyond)  # a sampled row lies within the sample's range by definition
    return positions, (df[columns] if df.columns.is_unique else df).iloc[positions]


def _beyond_sample(
    find: Callable[[Mapping[str, tuple[float, float]], list[str]], tuple[np.ndarray, pd.DataFrame]],
    numeric: tuple[str, ...], categorical: tuple[str, ...], encoding: _Encoding, forest: Any,
    settings: OutlierSettings,
) -> BeyondSample:
    """:class:`BeyondSample`: the rows ``find`` returns (positions in the whole table, sorted, and their values)
    for a finite number beyond the sample's ranges, encoded as the sample was and scored by its ``forest``."""
    ranges = encoding.ranges
    used = [*numeric, *categorical]
    candidates, values = find(ranges, used) if ranges else (np.empty(0, dtype=np.int64), pd.DataFrame())
    keep = np.arange(len(candidates))
    if len(candidates) > MAX_BEYOND_ROWS:
        keep = np.sort(np.random.RandomState(settings.seed).choice(len(candidates), MAX_BEYOND_ROWS, replace=False))
    scores = np.empty(0)
    kept = values.iloc[keep]
    if len(keep):
        x, _ = _encode(kept, numeric, categorical, np.float32, encoding)
        scores = -forest.score_samples(x)
    column, value, excess = _farthest(kept, ranges)
    return BeyondSample(int(len(candidates)), np.asarray(candidates, dtype=np.int64)[keep], scores,
                        settings.threshold, column, value, excess, dict(ranges))


def _farthest(rows: pd.DataFrame, ranges: Mapping[str, tuple[float, float]]) -> tuple[np.ndarray, ...]:
    """Per row: the column of ``ranges`` it lies farthest beyond, its value there, and how far in widths of that
    column's range (a range of one value: in units of that value's size, at least 1). Ties: the first column."""
    names = list(ranges)
    if not len(rows) or not names:
        return np.empty(0, dtype=object), np.empty(0), np.empty(0)
    values = np.column_stack([pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                              for c in names])
    low = np.array([ranges[c][0] for c in names])
    high = np.array([ranges[c][1] for c in names])
    width = np.where(high > low, high - low, np.maximum(np.abs(low), 1.0))
    with np.errstate(invalid="ignore"):
        beyond = np.maximum(low - values, values - high)
    beyond = np.where(np.isfinite(values) & (beyond > 0), beyond / width, 0.0)
    pick = beyond.argmax(axis=1)
    at = np.arange(len(rows))
    return np.asarray(names, dtype=object)[pick], values[at, pick], beyond[at, pick]


def _beyond_note(beyond: BeyondSample) -> str:
    if not beyond.candidates:
        return "Every row outside the sample has its numbers within the sample's range in every numeric column."
    subset = "" if len(beyond.rows) == beyond.candidates else f" ({len(beyond.rows):,} of them, drawn at random)"
    far = beyond.farthest_rows().head(1).to_dict("records")
    farthest = (
        f" The farthest beyond it: row {far[0]['row']} (0-based), {far[0]['column']} = {far[0]['value']:g} against the "
        f"sample's {far[0]['sample_min']:g} to {far[0]['sample_max']:g}." if far else ""
    )
    return (
        f"Outside the sample, {count_noun(beyond.candidates, 'row')} with a number beyond the sample's range in some "
        f"numeric column {verb(beyond.candidates, 'was', 'were')} scored too{subset}: "
        f"{beyond.n_flagged:,} at or above the threshold. They are not in the counts and shares above; they join the "
        "ranking of the top rows, and those at or above the threshold are listed apart; an isolation forest scores "
        f"a value beyond the sample's range as the range's end, however far out.{farthest}"
    )
