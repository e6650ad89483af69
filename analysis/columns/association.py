"""How each feature goes with the target: a ranked table, one feature's view by class, and alerts.

Per feature (numbers on the stated sample of :mod:`._common` above 5,000 rows):

- **mutual information** with the target, in nats: scikit-learn's
  ``mutual_info_classif`` (k = 3 neighbours, ``random_state`` = the seed;
  categories as discrete codes with missing as a value; numeric missing values
  filled with the median first);
- **an effect size and a test by type**: numeric against a binary target, the
  Mann-Whitney U test and the rank-biserial correlation (= Cliff's delta,
  ``2U / (n1 n0) - 1``: P(X higher in the second class) - P(lower)); numeric
  against 3 or more classes, the Kruskal-Wallis H test and epsilon squared
  (``H / (n - 1)``); categorical, the chi-square test of independence and
  Cramér's V (scipy's ``association``, without bias correction);
- **alerts** on every row: constant, near-constant (one value in at least 99%
  of the rows), high cardinality (a text column with more than 50 values),
  skew (|sample skewness| above 2, pandas' adjusted estimator), mostly missing
  (over 50%), mixed types (:mod:`.integrity`), and duplicate columns: two
  features whose values are the same or a one-to-one recoding of each other
  (``female`` 0/1 beside ``sex`` male/female; missing counts as a value), so
  one of them adds nothing.

:func:`feature_by_class` gives one feature's distribution per class (a shared
histogram, or the top 20 values) with the same test; :func:`correlations` the
pairwise Pearson correlations (pandas, pairwise complete) of the numeric
features and Cramér's V of the categorical ones, for at most 20 columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..results import ResultMixin, Severity, json_float, json_label
from ..schema import Schema
from ._common import (
    SAMPLE_ROWS,
    Labelled,
    category_codes,
    feature_names,
    labelled_rows,
    numeric_values,
    tree_values,
)

__all__ = [
    "Associations",
    "Correlations",
    "FeatureAssociation",
    "FeatureByClass",
    "column_alerts",
    "correlations",
    "duplicate_columns",
    "feature_associations",
    "feature_by_class",
]

SKEW_ALERT = 2.0
NEAR_CONSTANT_SHARE = 0.99
HIGH_CARDINALITY = 50
MOSTLY_MISSING = 0.5
MAX_HEATMAP_COLUMNS = 20
TOP_VALUES = 20


@dataclass(frozen=True)
class ClassTest:
    name: str | None
    statistic: float | None
    p_value: float | None
    effect_measure: str | None
    effect_size: float | None


_NO_TEST = ClassTest(None, None, None, None, None)


@dataclass(frozen=True)
class FeatureAssociation:
    """One row of the ranked table."""

    feature: str
    kind: str
    n_unique: int
    missing: int
    mutual_information: float | None
    test: ClassTest
    alerts: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        t = self.test
        return {
            "feature": self.feature,
            "kind": self.kind,
            "distinct": self.n_unique,
            "missing": self.missing,
            "mutual_information": json_float(self.mutual_information),
            "effect_size": json_float(t.effect_size),
            "effect_measure": t.effect_measure,
            "test": t.name,
            "statistic": json_float(t.statistic),
            "p_value": json_float(t.p_value),
            "alerts": list(self.alerts),
        }


@dataclass(frozen=True)
class Associations(ResultMixin):
    """Every feature's association with the target, strongest mutual information first."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"alerts": "info", "clean": "ok"}

    target: str
    classes: tuple[Any, ...]
    rows: int
    rows_used: int
    features: tuple[FeatureAssociation, ...]
    verdict: str
    verdict_text: str
    _notes: tuple[str, ...] = ()

    def feature(self, name: str) -> FeatureAssociation:
        for f in self.features:
            if f.feature == name:
                return f
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "classes": [json_label(c) for c in self.classes],
            "rows": self.rows,
            "rows_used": self.rows_used,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "features": [f.to_dict() for f in self.features],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame([f.to_dict() for f in self.features])
        if not frame.empty:
            frame["alerts"] = frame["alerts"].map("; ".join)
        return frame


def feature_associations(
    df: pd.DataFrame, *, target: str, features: Sequence[str] | None = None, sample_rows: int = SAMPLE_ROWS,
    seed: int = 0, schema: Schema | None = None, mixed: dict[str, str] | None = None,
) -> Associations:
    """Rank every feature by its mutual information with ``target``, with an effect size, a test and alerts.

    ``mixed`` maps mixed-type columns to their alert text (from :func:`analysis.columns.integrity`).

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8], "c": list("aabbaabb"), "y": [0, 0, 0, 0, 1, 1, 1, 1]})
    >>> a = feature_associations(df, target="y")
    >>> [f.feature for f in a.features], a.feature("x").test.effect_size
    (['x', 'c'], 1.0)
    """
    lab = labelled_rows(df, target=target, sample_rows=sample_rows, seed=seed, schema=schema)
    names = feature_names(lab, target, features)
    mi = _mutual_information(lab, names, seed)
    counts = {name: (int(lab.frame[name].nunique(dropna=True)), int(lab.frame[name].isna().sum())) for name in names}
    duplicates = duplicate_columns(lab.frame, names, distinct={k: u + (m > 0) for k, (u, m) in counts.items()})
    rows = []
    for name in names:
        kind = lab.kind(name)
        alerts = column_alerts(lab.frame[name], kind) + ((mixed[name],) if mixed and name in mixed else ())
        if name in duplicates:
            alerts += (_duplicate_alert(duplicates[name]),)
        rows.append(FeatureAssociation(
            feature=name, kind=kind, n_unique=counts[name][0], missing=counts[name][1],
            mutual_information=mi.get(name), test=_test(lab, name, kind), alerts=alerts,
        ))
    rows.sort(key=lambda r: -(r.mutual_information if r.mutual_information is not None else -1.0))
    flagged = [r for r in rows if r.alerts]
    verdict = "alerts" if flagged else "clean"
    text = (
        f"{len(flagged)} of {len(rows)} features have alerts (constant, near-constant, skewed, high-cardinality, "
        "mostly missing, mixed-type or duplicate columns): see each row."
        if flagged else f"No alert on any of the {len(rows)} features."
    )
    notes = [n for n in (lab.sample_note(),) if n]
    return Associations(target, lab.classes, len(lab.y), len(lab.sample), tuple(rows), verdict, text, tuple(notes))


def column_alerts(column: pd.Series, kind: str) -> tuple[str, ...]:
    """Alerts for one column, on every row (see the module doc for the thresholds)."""
    n = len(column)
    out: list[str] = []
    present = column.dropna()
    if n and len(present) / n < 1 - MOSTLY_MISSING:
        out.append(f"mostly missing ({1 - len(present) / n:.0%})")
    distinct = int(present.nunique())
    if distinct <= 1:
        out.append("constant")
        return tuple(out)
    top = float(present.value_counts().iloc[0] / len(present))
    if top >= NEAR_CONSTANT_SHARE:
        out.append(f"near-constant (one value in {top:.1%} of rows)")
    if kind in ("categorical", "identifier", "text") and not pd.api.types.is_numeric_dtype(column.dtype) \
            and distinct > HIGH_CARDINALITY:
        out.append(f"high cardinality ({distinct:,} values)")
    if kind == "numeric":
        skew = float(pd.to_numeric(present, errors="coerce").skew())  # type: ignore[arg-type]
        if np.isfinite(skew) and abs(skew) > SKEW_ALERT:
            out.append(f"skewed (skewness {skew:.1f})")
    return tuple(out)


def duplicate_columns(
    df: pd.DataFrame, names: Sequence[str], *, distinct: dict[str, int] | None = None
) -> dict[str, tuple[tuple[str, bool], ...]]:
    """For each of ``names`` that duplicates another: ``(other, same_values)`` pairs, in the table's order.

    Two columns duplicate each other when each value of one always comes with the same value of the
    other, both ways: the same values (``same_values`` True), or a one-to-one recoding (``female`` 0/1
    beside ``sex`` male/female); missing counts as a value; every row is compared. A recoding only
    counts where values repeat (at most half as many distinct values as rows): two columns whose values
    nearly all differ, such as two measurements or two ids, pair up one to one whatever they hold, so
    there only the same values count. Columns with one value or none are left to the constant alert.
    ``distinct``: each column's number of distinct values, missing counted as one, when already known.
    Only columns with as many distinct values can match, so only those are factorised: pandas numbers
    values by first appearance, which makes two columns' codes equal exactly when one recodes the other.

    >>> df = pd.DataFrame({"female": [1, 0, 0, 1], "sex": ["f", "m", "m", "f"], "x": [1, 2, 2, 2]})
    >>> duplicate_columns(df, ["female", "sex", "x"])
    {'female': (('sex', False),), 'sex': (('female', False),)}
    """
    n = len(df)
    by_count: dict[int, list[str]] = {}
    for name in dict.fromkeys(names):
        column = df[name]
        if isinstance(column, pd.DataFrame):  # a repeated name: not one column to compare
            continue
        count = distinct[name] if distinct is not None and name in distinct else int(column.nunique(dropna=False))
        if count > 1:
            by_count.setdefault(count, []).append(name)
    out: dict[str, tuple[tuple[str, bool], ...]] = {}
    for values, same_count in by_count.items():
        if len(same_count) < 2:
            continue
        groups: dict[bytes, list[tuple[str, np.ndarray]]] = {}
        for name in same_count:
            codes = pd.factorize(df[name], use_na_sentinel=False)[0]
            key = pd.util.hash_array(codes).sum(dtype=np.uint64).tobytes()  # a cheap key; equality is checked below
            groups.setdefault(key, []).append((name, codes))
        for members in groups.values():
            for name, codes in members:
                found = []
                for other, other_codes in members:
                    if other == name or not np.array_equal(codes, other_codes):
                        continue
                    same = _same_values(df[name], df[other])
                    if same or 2 * values <= n:
                        found.append((other, same))
                if found:
                    out[name] = tuple(found)
    return out


def _same_values(a: pd.Series, b: pd.Series) -> bool:
    """Whether two columns hold equal values row by row (missing where the other is missing)."""
    with np.errstate(invalid="ignore"):
        try:
            equal = (a.to_numpy(dtype=object) == b.to_numpy(dtype=object)) | (a.isna().to_numpy() & b.isna().to_numpy())
        except (TypeError, ValueError):
            return False
    return bool(np.all(equal))


def _duplicate_alert(others: tuple[tuple[str, bool], ...]) -> str:
    parts = [f"'{o}' ({'the same values' if same else 'a one-to-one recoding'})" for o, same in others]
    return f"duplicate of {', '.join(parts)}: one of them adds nothing"


def _mutual_information(lab: Labelled, names: list[str], seed: int) -> dict[str, float]:
    """sklearn's mutual_info_classif on the sample: numeric columns continuous, categories discrete codes."""
    from sklearn.feature_selection import mutual_info_classif

    usable = [n for n in names if lab.kind(n) in ("numeric", "categorical")]
    if not usable:
        return {}
    sub = lab.sample_frame
    columns, discrete = [], []
    for name in usable:
        if lab.kind(name) == "numeric":
            values = numeric_values(sub[name])
            fill = np.nanmedian(values) if np.isfinite(values).any() else 0.0
            # scaled into range, infinities kept in order (sklearn rescales each column by its std anyway)
            columns.append(tree_values(np.where(np.isnan(values), fill, values))[0])
            discrete.append(False)
        else:
            columns.append(category_codes(sub[name])[0].astype(float))
            discrete.append(True)
    mi = mutual_info_classif(np.column_stack(columns), lab.y[lab.sample], discrete_features=np.array(discrete),
                             n_neighbors=3, random_state=seed)
    return {name: float(v) for name, v in zip(usable, mi, strict=True)}


def _test(lab: Labelled, name: str, kind: str, *, rows: np.ndarray | None = None) -> ClassTest:
    """The test and effect size of one feature by type, on the sample."""
    from scipy import stats

    at = lab.sample if rows is None else rows
    y = lab.y[at]
    column = lab.frame[name].iloc[at]
    k = lab.n_classes
    if kind == "numeric":
        x = numeric_values(column)
        keep = np.isfinite(x)
        groups = [x[keep & (y == c)] for c in range(k)]
        if sum(len(g) > 0 for g in groups) < 2 or np.ptp(x[keep]) == 0:
            return _NO_TEST
        if k == 2:
            u, p = stats.mannwhitneyu(groups[1], groups[0], alternative="two-sided")
            return ClassTest("Mann-Whitney U", float(u), float(p), "rank-biserial",
                        float(2 * u / (len(groups[1]) * len(groups[0])) - 1))
        h, p = stats.kruskal(*[g for g in groups if len(g)])
        n = int(keep.sum())
        return ClassTest("Kruskal-Wallis H", float(h), float(p), "epsilon squared", float(h / (n - 1)))
    if kind == "categorical":
        codes, _ = category_codes(column)
        table = np.zeros((codes.max() + 1, k), dtype=np.int64)
        np.add.at(table, (codes, y), 1)
        table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        if min(table.shape) < 2:
            return _NO_TEST
        chi = stats.chi2_contingency(table, correction=False)
        v = stats.contingency.association(table, method="cramer")
        return ClassTest("chi-square", float(chi.statistic), float(chi.pvalue), "Cramér's V", float(v))
    return _NO_TEST


# --- one feature by class -------------------------------------------------------------------
@dataclass(frozen=True)
class FeatureByClass(ResultMixin):
    """One feature's distribution in each class: shared histogram bins (numeric) or the top values.

    ``counts[i][j]`` is the number of rows of class ``classes[j]`` in bin or value ``bins[i]``;
    ``to_frame()`` is the long table with each class's share.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"differs": "info", "similar": "ok", "untested": "info"}

    feature: str
    target: str
    kind: str
    classes: tuple[Any, ...]
    bins: tuple[str, ...]
    edges: tuple[float, ...]
    counts: tuple[tuple[int, ...], ...]
    test: ClassTest
    verdict: str
    verdict_text: str
    _notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        rows = []
        totals = np.array(self.counts).sum(axis=0) if self.counts else np.zeros(len(self.classes))
        for i, b in enumerate(self.bins):
            for j, c in enumerate(self.classes):
                n = self.counts[i][j]
                rows.append({"bin": b, "class": c, "count": n, "share": n / totals[j] if totals[j] else 0.0})
        return pd.DataFrame(rows, columns=["bin", "class", "count", "share"])

    def to_dict(self) -> dict[str, Any]:
        t = self.test
        return {
            "feature": self.feature, "target": self.target, "kind": self.kind,
            "classes": [json_label(c) for c in self.classes], "bins": list(self.bins),
            "edges": [json_float(e) for e in self.edges], "counts": [list(r) for r in self.counts],
            "test": t.name, "statistic": json_float(t.statistic), "p_value": json_float(t.p_value),
            "effect_measure": t.effect_measure, "effect_size": json_float(t.effect_size),
            "verdict": self.verdict, "verdict_text": self.verdict_text, "notes": list(self.notes),
        }


def feature_by_class(
    df: pd.DataFrame, *, target: str, feature: str, bins: int = 30, sample_rows: int = SAMPLE_ROWS, seed: int = 0,
    schema: Schema | None = None,
) -> FeatureByClass:
    """One feature's distribution per class (counted on every row) with its test (on the sample).

    Examples
    --------
    >>> df = pd.DataFrame({"c": list("aabbab"), "y": [0, 0, 1, 1, 0, 1]})
    >>> r = feature_by_class(df, target="y", feature="c")
    >>> r.bins, r.counts, round(r.test.effect_size, 3)
    (('a', 'b'), ((3, 0), (0, 3)), 1.0)
    """
    from ..errors import require_column

    require_column(df.columns, feature, role="feature column")
    if feature == target:
        from ..errors import DiagnosticsError

        raise DiagnosticsError(f"'{feature}' is the target; choose another column to view by class.", column=feature)
    lab = labelled_rows(df, target=target, sample_rows=sample_rows, seed=seed, schema=schema)
    kind = lab.kind(feature)
    column = lab.frame[feature]
    k = lab.n_classes
    notes: list[str] = []
    edges: tuple[float, ...] = ()
    if kind in ("numeric", "datetime"):
        x = numeric_values(column)
        keep = np.isfinite(x)
        edge_arr = np.histogram_bin_edges(x[keep], bins=bins) if keep.any() else np.array([0.0, 1.0])
        which = np.clip(np.searchsorted(edge_arr, x[keep], side="right") - 1, 0, len(edge_arr) - 2)
        table = np.zeros((len(edge_arr) - 1, k), dtype=np.int64)
        np.add.at(table, (which, lab.y[keep]), 1)
        labels = [f"{edge_arr[i]:.4g} – {edge_arr[i + 1]:.4g}" for i in range(len(edge_arr) - 1)]
        edges = tuple(float(e) for e in edge_arr)
        if (~keep).any():
            notes.append(f"{int((~keep).sum()):,} missing values are not in the histogram.")
    else:
        codes, values = category_codes(column)
        table = np.zeros((len(values), k), dtype=np.int64)
        np.add.at(table, (codes, lab.y), 1)
        order = np.argsort(-table.sum(axis=1), kind="stable")
        labels = ["(missing)" if values[i] is None else str(values[i]) for i in order[:TOP_VALUES]]
        top = table[order[:TOP_VALUES]]
        if len(order) > TOP_VALUES:
            rest = table[order[TOP_VALUES:]].sum(axis=0, keepdims=True)
            top = np.vstack([top, rest])
            labels.append(f"(other {len(order) - TOP_VALUES:,} values)")
            notes.append(f"The {TOP_VALUES} most frequent of {len(order):,} values are shown; the rest are 'other'.")
        table = top
    test = _test(lab, feature, "numeric" if kind == "numeric" else "categorical" if kind == "categorical" else kind)
    verdict, text = _view_verdict(feature, test)
    if lab.sampled and test.name:
        notes.append(f"The test ran on a stratified sample of {len(lab.sample):,} rows; the counts use every row.")
    return FeatureByClass(feature, target, kind, lab.classes, tuple(labels), edges,
                          tuple(tuple(int(v) for v in r) for r in table), test, verdict, text, tuple(notes))


def _view_verdict(feature: str, t: ClassTest) -> tuple[str, str]:
    if t.name is None or t.p_value is None or t.effect_size is None:
        return "untested", f"No test applies to '{feature}' (a constant, text, identifier or date column)."
    size = abs(t.effect_size)
    # Conventional magnitudes: |rank-biserial| 0.1/0.3/0.5; Cramér's V 0.1/0.3/0.5; epsilon squared 0.01/0.08/0.26.
    cuts = (0.01, 0.08, 0.26) if t.effect_measure == "epsilon squared" else (0.1, 0.3, 0.5)
    magnitude = "negligible" if size < cuts[0] else "small" if size < cuts[1] else "medium" if size < cuts[2] else "large"
    differs = t.p_value < 0.05 and magnitude != "negligible"
    return ("differs" if differs else "similar"), (
        f"'{feature}' {'differs' if differs else 'hardly differs'} between the classes: {t.effect_measure} "
        f"{t.effect_size:.3f} ({magnitude}), {t.name} p = {t.p_value:.3g}."
    )


# --- pairwise ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Correlations(ResultMixin):
    """Pearson correlations of the numeric features and Cramér's V of the categorical ones (at most 20 columns)."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"computed": "info", "strong_pairs": "info"}

    numeric: pd.DataFrame
    categorical: pd.DataFrame
    left_out: tuple[str, ...]
    verdict: str
    verdict_text: str
    _notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for measure, m in (("pearson", self.numeric), ("cramers_v", self.categorical)):
            cols = list(m.columns)
            for i, a in enumerate(cols):
                for b in cols[i + 1:]:
                    rows.append({"a": a, "b": b, "measure": measure, "value": float(m.to_numpy()[i, cols.index(b)])})
        return pd.DataFrame(rows, columns=["a", "b", "measure", "value"])

    def to_dict(self) -> dict[str, Any]:
        return {"pairs": self.to_frame().to_dict(orient="records"), "left_out": list(self.left_out),
                "verdict": self.verdict, "verdict_text": self.verdict_text, "notes": list(self.notes)}


def correlations(
    df: pd.DataFrame, *, columns: Sequence[str], schema: Schema | None = None, max_columns: int = MAX_HEATMAP_COLUMNS,
) -> Correlations:
    """Pairwise Pearson correlation (pandas, numeric) and Cramér's V (scipy, categorical; not bias-corrected).

    ``columns`` in the order to keep (e.g. strongest association first); past ``max_columns`` the rest are left out.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8.5], "c": list("xxyy"), "d": list("xxyy")})
    >>> r = correlations(df, columns=["a", "b", "c", "d"])
    >>> round(float(r.numeric.loc["a", "b"]), 3), float(r.categorical.loc["c", "d"])
    (0.998, 1.0)
    """
    from scipy.stats.contingency import association

    from ..schema import infer_schema

    schema = schema or infer_schema(df[list(columns)])
    kinds = {c.name: c.role.value for c in schema.columns}
    kept = [c for c in columns if kinds.get(c) in ("numeric", "categorical", "boolean")]
    left_out = tuple(c for c in columns if c not in kept)
    if len(kept) > max_columns:
        left_out += tuple(kept[max_columns:])
        kept = kept[:max_columns]
    num = [c for c in kept if kinds[c] == "numeric"]
    cat = [c for c in kept if kinds[c] != "numeric"]
    numeric = df[num].apply(pd.to_numeric, errors="coerce").corr(method="pearson") if num else pd.DataFrame()
    cv = pd.DataFrame(np.eye(len(cat)), index=cat, columns=cat)
    codes = {c: category_codes(df[c])[0] for c in cat}
    for i, a in enumerate(cat):
        for b in cat[i + 1:]:
            table = pd.crosstab(codes[a], codes[b]).to_numpy()
            value = association(table, method="cramer") if min(table.shape) > 1 else float("nan")
            cv.loc[a, b] = cv.loc[b, a] = value
    strong = [(a, b) for m in (numeric, cv) for i, a in enumerate(m.columns) for j, b in enumerate(m.columns)
              if j > i and abs(float(m.to_numpy()[i, j])) >= 0.9]
    notes = []
    if left_out:
        notes.append(f"Left out: {len(left_out)} columns (text, identifiers, dates, constants, or past the first "
                     f"{max_columns}).")
    text = (f"{len(strong)} pairs of features are almost interchangeable (|r| or V ≥ 0.9): "
            + ", ".join(f"'{a}'–'{b}'" for a, b in strong[:5]) + ".") if strong else \
        "No two features are almost interchangeable (all |r| and V below 0.9)."
    return Correlations(numeric, cv, left_out, "strong_pairs" if strong else "computed", text, tuple(notes))
