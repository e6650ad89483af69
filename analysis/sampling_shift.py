"""Distribution shift between two files (reference vs current: train vs production, train vs test).

Per feature (columns both files share, the target aside):

* numeric: two-sample Kolmogorov-Smirnov test (the statistic and p-value of
  ``scipy.stats.ks_2samp``, mode "auto": exact up to 10,000 rows per side,
  else Smirnov's asymptotic distribution ``kstwo.sf(D, round(n m / (n + m)))``,
  as scipy does), with the Wasserstein-1 distance divided by the reference's
  standard deviation as the effect size (``scipy.stats.wasserstein_distance`` / std);
* categorical: chi-square test of homogeneity of the 2 x k table of counts
  (``scipy.stats.chi2_contingency``, no continuity correction), with the
  Jensen-Shannon distance (base 2) of the two share vectors as the effect size;
* both: the population stability index (numeric: 10 bins cut at the
  reference's deciles; categorical: one bin per value; empty bins get the
  share ``PSI_EPSILON`` = 1e-4), reported for reading, not used in the decision.

The p-values are adjusted for the number of features tested with
Benjamini-Hochberg (statsmodels ``multipletests(method="fdr_bh")``). A feature
is flagged as drifted only when its adjusted p-value is below ``alpha``
(0.05) **and** its effect size reaches ``DRIFT_THRESHOLDS`` (normalized
Wasserstein 0.1, Jensen-Shannon distance 0.1, the defaults Evidently uses for
large data), so a million rows do not flag every feature for a trivial difference.

Multivariate: a domain classifier (scikit-learn ``HistGradientBoostingClassifier``)
(40 trees of depth 3, at least 50 rows per leaf)
tries to tell the two files apart on a stated subsample of each (default
5,000 rows per file); its stratified 5-fold cross-validated ROC AUC is near 0.5
when the files look alike. The features that drive it are ranked by permutation
importance (drop in ROC AUC on a held-out 30 %). Columns that identify rows
(IDs, timestamps, free text) are left out of tests and classifier: they differ
by construction.

Also: label shift when both files carry the target (chi-square of the class
counts, Jensen-Shannon distance; drift when p < alpha and JS >= 0.05), and
rows that appear in both files (exact matches over the shared columns:
leakage between train and test).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from .errors import ShiftInputError, require_column
from .sampling import PSI_EPSILON, _label, psi
from .schema import Role, infer_schema

__all__ = [
    "DRIFT_THRESHOLDS",
    "LABEL_SHIFT_JS",
    "FeatureShift",
    "DomainClassifier",
    "LabelShift",
    "ShiftResult",
    "FeatureDistribution",
    "shift",
    "feature_shift",
    "domain_classifier",
    "feature_distribution",
    "rows_in_both",
]

#: Effect-size thresholds for the drift decision (see the module docstring).
DRIFT_THRESHOLDS: dict[str, float] = {"numeric": 0.1, "categorical": 0.1}
#: Jensen-Shannon distance of the class shares from which a label shift is flagged.
LABEL_SHIFT_JS = 0.05
_KS_EXACT_MAX_N = 10_000  # scipy's MAX_AUTO_N
_MAX_CATEGORIES = 1_000
_PSI_BINS = 10
_SKIP_ROLES = {Role.IDENTIFIER: "identifier", Role.TEXT: "free text", Role.DATETIME: "date/time"}


@dataclass(frozen=True)
class FeatureShift:
    """Shift of one feature. ``test`` is ``ks``, ``chi2`` or ``skipped`` (``reason`` says why)."""

    name: str
    kind: str
    test: str
    statistic: float | None
    p_value: float | None
    p_adjusted: float | None
    effect: float | None
    effect_name: str | None
    psi: float | None
    drift: bool
    n_reference: int
    n_current: int
    missing_reference: float
    missing_current: float
    reason: str | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "test": self.test,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "effect": self.effect,
            "effect_name": self.effect_name,
            "psi": self.psi,
            "drift": self.drift,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "missing_reference": self.missing_reference,
            "missing_current": self.missing_current,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DomainClassifier:
    """Cross-validated ROC AUC of telling the files apart, and the features that drive it."""

    auc: float
    auc_std: float
    folds: int
    rows_per_file: tuple[int, int]
    subsampled: bool
    importances: tuple[tuple[str, float], ...]
    verdict_text: str

    def to_dict(self) -> dict:
        return {
            "auc": self.auc,
            "auc_std": self.auc_std,
            "folds": self.folds,
            "rows_reference": self.rows_per_file[0],
            "rows_current": self.rows_per_file[1],
            "subsampled": self.subsampled,
            "drivers": [{"feature": f, "importance": v} for f, v in self.importances],
            "verdict_text": self.verdict_text,
        }


@dataclass(frozen=True)
class LabelShift:
    target: str
    reference_shares: dict[str, float]
    current_shares: dict[str, float]
    statistic: float
    p_value: float
    dof: int
    js_distance: float
    total_variation: float
    drift: bool

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "reference_shares": dict(self.reference_shares),
            "current_shares": dict(self.current_shares),
            "statistic": self.statistic,
            "p_value": self.p_value,
            "dof": self.dof,
            "js_distance": self.js_distance,
            "total_variation": self.total_variation,
            "drift": self.drift,
        }


@dataclass(frozen=True)
class ShiftResult:
    features: tuple[FeatureShift, ...]
    domain: DomainClassifier | None
    label_shift: LabelShift | None
    rows_in_both: int
    n_reference: int
    n_current: int
    alpha: float
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DRIFT_THRESHOLDS))
    notes: tuple[str, ...] = ()

    @property
    def drifted(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features if f.drift)

    @property
    def verdict_text(self) -> str:
        tested = [f for f in self.features if f.test != "skipped"]
        parts = []
        if self.drifted:
            parts.append(f"{len(self.drifted)} of {len(tested)} features drifted: {', '.join(self.drifted)}.")
        else:
            parts.append(f"No feature drifted by a meaningful amount ({len(tested)} tested).")
        if self.domain is not None:
            parts.append(self.domain.verdict_text)
        if self.label_shift is not None and self.label_shift.drift:
            parts.append(f"The class shares of '{self.label_shift.target}' shifted (label shift).")
        if self.rows_in_both:
            parts.append(f"{self.rows_in_both:,} rows of the current file also appear in the reference (leakage if these are train and test).")
        return " ".join(parts)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([f.to_dict() for f in self.features])

    def to_dict(self) -> dict:
        return {
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "alpha": self.alpha,
            "thresholds": dict(self.thresholds),
            "psi_epsilon": PSI_EPSILON,
            "features": [f.to_dict() for f in self.features],
            "drifted": list(self.drifted),
            "domain_classifier_auc": self.domain.auc if self.domain is not None else None,
            "domain_classifier": self.domain.to_dict() if self.domain is not None else None,
            "label_shift": self.label_shift.to_dict() if self.label_shift is not None else None,
            "rows_in_both": self.rows_in_both,
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
        }


# --- per-feature tests -----------------------------------------------------------
def _numeric_values(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    return values[~np.isnan(values)]


def _numeric(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, float]:
    """KS statistic and p-value (as scipy), normalized Wasserstein-1, PSI; one sort per side."""
    a = np.sort(a)
    b = np.sort(b)
    n1, n2 = len(a), len(b)
    both = np.sort(np.concatenate([a, b]), kind="stable")  # two sorted runs: a merge
    cdf1 = np.searchsorted(a, both, side="right") / n1
    cdf2 = np.searchsorted(b, both, side="right") / n2
    gap = np.abs(cdf1 - cdf2)
    if max(n1, n2) <= _KS_EXACT_MAX_N:
        ks = stats.ks_2samp(a, b)
        d, p = float(ks.statistic), float(ks.pvalue)
    else:
        d = float(gap.max())
        m, n = sorted([float(n1), float(n2)], reverse=True)
        p = float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0, 1))
    w1 = float(np.sum(gap[:-1] * np.diff(both)))
    spread = float(np.std(a))
    if spread > 0:
        effect = w1 / spread
    else:
        effect = 0.0 if w1 == 0 else math.inf
    cuts = np.unique(a[(np.arange(1, _PSI_BINS) * n1) // _PSI_BINS])
    ca = np.diff(np.concatenate([[0], np.searchsorted(a, cuts, side="left"), [n1]])) / n1
    cb = np.diff(np.concatenate([[0], np.searchsorted(b, cuts, side="left"), [n2]])) / n2
    return d, p, effect, psi(cb, ca)


def _category_counts(series: pd.Series) -> pd.Series:
    counts = series.value_counts(dropna=True, sort=False)
    counts.index = [_label(v) for v in counts.index]
    return counts.groupby(level=0, sort=False).sum()


def _categorical(ca: pd.Series, cb: pd.Series) -> tuple[float, float, float, float]:
    keys = list(dict.fromkeys(list(ca.index) + list(cb.index)))
    ra = ca.reindex(keys, fill_value=0).to_numpy(dtype=float)
    rb = cb.reindex(keys, fill_value=0).to_numpy(dtype=float)
    if len(keys) < 2:
        stat, p = 0.0, 1.0
    else:
        res = stats.chi2_contingency(np.vstack([ra, rb]), correction=False)
        stat, p = float(res.statistic), float(res.pvalue)
    pa, pb = ra / ra.sum(), rb / rb.sum()
    return stat, p, float(jensenshannon(pa, pb, base=2)), psi(pb, pa)


def feature_shift(
    reference: pd.Series, current: pd.Series, *, name: str | None = None, kind: str | None = None
) -> FeatureShift:
    """Test one feature for shift (unadjusted p-value; ``drift`` left False, see :func:`shift`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = feature_shift(pd.Series(rng.normal(0, 1, 500)), pd.Series(rng.normal(1, 1, 500)))
    >>> f.test, f.p_value < 1e-10, round(f.effect, 1)
    ('ks', True, 0.9)
    """
    name = name or str(reference.name)
    if kind is None:
        kind = "numeric" if _is_numeric(reference) and _is_numeric(current) else "categorical"
    miss_a = float(reference.isna().mean()) if len(reference) else 0.0
    miss_b = float(current.isna().mean()) if len(current) else 0.0
    if kind == "numeric":
        a, b = _numeric_values(reference), _numeric_values(current)
        if len(a) == 0 or len(b) == 0:
            return _skipped(name, kind, len(a), len(b), miss_a, miss_b, "no values in one of the files")
        d, p, effect, psi_value = _numeric(a, b)
        return FeatureShift(name, kind, "ks", d, p, None, effect, "wasserstein_norm", psi_value, False, len(a), len(b), miss_a, miss_b)
    ca, cb = _category_counts(reference), _category_counts(current)
    if ca.sum() == 0 or cb.sum() == 0:
        return _skipped(name, kind, int(ca.sum()), int(cb.sum()), miss_a, miss_b, "no values in one of the files")
    stat, p, js, psi_value = _categorical(ca, cb)
    return FeatureShift(name, kind, "chi2", stat, p, None, js, "js_distance", psi_value, False, int(ca.sum()), int(cb.sum()), miss_a, miss_b)


def _skipped(name, kind, na, nb, miss_a, miss_b, reason) -> FeatureShift:
    return FeatureShift(name, kind, "skipped", None, None, None, None, None, None, False, int(na), int(nb), miss_a, miss_b, reason)


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


# --- the whole comparison ------------------------------------------------------------
def shift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    target: str | None = None,
    alpha: float = 0.05,
    thresholds: dict[str, float] | None = None,
    classifier: bool = True,
    classifier_rows: int = 5_000,
    folds: int = 5,
    seed: int = 0,
) -> ShiftResult:
    """Compare two files feature by feature, with a domain classifier, label shift and shared rows.

    Parameters
    ----------
    reference, current : DataFrame
        E.g. the training data and the production (or test) data.
    target : str, optional
        The label column: left out of the features; its class shares are compared when both files have it.
    alpha : float
        Level for the Benjamini-Hochberg adjusted p-values.
    thresholds : dict, optional
        Effect-size thresholds ``{"numeric": ..., "categorical": ...}`` (default ``DRIFT_THRESHOLDS``).
    classifier : bool
        Run the domain classifier.
    classifier_rows : int
        Rows drawn at random from each file for the classifier (all rows when a file has fewer).
    folds, seed : int

    Returns
    -------
    ShiftResult

    Raises
    ------
    ShiftInputError
        No shared column, an empty file, a bad alpha.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> a = pd.DataFrame({"x": rng.normal(0, 1, 400), "y": rng.normal(0, 1, 400)})
    >>> b = pd.DataFrame({"x": rng.normal(0.8, 1, 400), "y": rng.normal(0, 1, 400)})
    >>> shift(a, b, classifier=False).drifted
    ('x',)
    """
    from statsmodels.stats.multitest import multipletests

    if not (0 < alpha < 1):
        raise ShiftInputError(f"alpha must be between 0 and 1; got {alpha}.")
    for name, frame in (("reference", reference), ("current", current)):
        if len(frame) == 0:
            raise ShiftInputError(f"The {name} file has no rows.")
    limits = dict(DRIFT_THRESHOLDS, **(thresholds or {}))
    notes: list[str] = []
    common = [c for c in reference.columns if c in set(current.columns)]
    only_ref = [c for c in reference.columns if c not in set(current.columns)]
    only_cur = [c for c in current.columns if c not in set(reference.columns)]
    if only_ref:
        notes.append(f"Only in the reference file (not compared): {', '.join(map(str, only_ref))}.")
    if only_cur:
        notes.append(f"Only in the current file (not compared): {', '.join(map(str, only_cur))}.")
    if target is not None:
        require_column(list(reference.columns) + [c for c in only_cur], target, role="target column")
    features = [c for c in common if c != target]
    if not features:
        raise ShiftInputError(
            "The two files share no feature column, so there is nothing to compare. Columns of the reference: "
            f"{', '.join(map(str, reference.columns[:12]))}; of the current file: {', '.join(map(str, current.columns[:12]))}."
        )
    schema = infer_schema(reference[features])
    results: list[FeatureShift] = []
    for col in features:
        role = schema.role_of(str(col))
        kind = "numeric" if _is_numeric(reference[col]) and _is_numeric(current[col]) else "categorical"
        if role in _SKIP_ROLES:
            results.append(_skipped(str(col), kind, reference[col].notna().sum(), current[col].notna().sum(),
                                    float(reference[col].isna().mean()), float(current[col].isna().mean()),
                                    f"{_SKIP_ROLES[role]}: differs between files by construction"))
            continue
        if kind == "categorical":
            n_cat = int(reference[col].nunique()) + int(current[col].nunique())
            if n_cat > 2 * _MAX_CATEGORIES:
                results.append(_skipped(str(col), kind, reference[col].notna().sum(), current[col].notna().sum(),
                                        float(reference[col].isna().mean()), float(current[col].isna().mean()),
                                        f"more than {_MAX_CATEGORIES:,} distinct values"))
                continue
        results.append(feature_shift(reference[col], current[col], name=str(col), kind=kind))
    tested = [i for i, f in enumerate(results) if f.test != "skipped"]
    if tested:
        adjusted = multipletests([results[i].p_value for i in tested], alpha=alpha, method="fdr_bh")[1]
        for i, p_adj in zip(tested, adjusted):
            f = results[i]
            drift = bool(p_adj < alpha and f.effect is not None and f.effect >= limits[f.kind])
            results[i] = FeatureShift(**{**f.__dict__, "p_adjusted": float(p_adj), "drift": drift})
    usable = [f.name for f in results if f.test != "skipped"]
    domain = None
    if classifier and usable:
        domain = domain_classifier(reference, current, features=usable, rows=classifier_rows, folds=folds, seed=seed)
    elif classifier:
        notes.append("No usable feature for the domain classifier.")
    label = None
    if target is not None:
        if target in reference.columns and target in current.columns:
            label = _label_shift(reference[target], current[target], target, alpha)
        else:
            notes.append(f"The target '{target}' is not in both files: no label-shift check.")
    return ShiftResult(
        features=tuple(results),
        domain=domain,
        label_shift=label,
        rows_in_both=rows_in_both(reference[common], current[common]) if common else 0,
        n_reference=len(reference),
        n_current=len(current),
        alpha=alpha,
        thresholds=limits,
        notes=tuple(notes),
    )


def _label_shift(a: pd.Series, b: pd.Series, target: str, alpha: float) -> LabelShift:
    ca, cb = _category_counts(a), _category_counts(b)
    if ca.sum() == 0 or cb.sum() == 0:
        raise ShiftInputError(f"The target '{target}' has no values in one of the files.", column=target)
    stat, p, js, _ = _categorical(ca, cb)
    keys = list(dict.fromkeys(list(ca.index) + list(cb.index)))
    pa = ca.reindex(keys, fill_value=0) / ca.sum()
    pb = cb.reindex(keys, fill_value=0) / cb.sum()
    return LabelShift(
        target=target,
        reference_shares={str(k): float(v) for k, v in pa.items()},
        current_shares={str(k): float(v) for k, v in pb.items()},
        statistic=stat,
        p_value=p,
        dof=max(len(keys) - 1, 0),
        js_distance=js,
        total_variation=float(0.5 * np.abs(pa - pb).sum()),
        drift=bool(p < alpha and js >= LABEL_SHIFT_JS),
    )


def rows_in_both(reference: pd.DataFrame, current: pd.DataFrame) -> int:
    """How many rows of ``current`` equal (in every shared column) some row of ``reference``.

    Rows are compared by their 64-bit pandas row hash, after giving both files
    the same column types, so a collision (about n^2 / 2^64) is negligible.

    Examples
    --------
    >>> rows_in_both(pd.DataFrame({"a": [1, 2, 3]}), pd.DataFrame({"a": [3, 4, 1, 1]}))
    3
    """
    cols = [c for c in reference.columns if c in set(current.columns)]
    if not cols:
        return 0
    a, b = reference[cols], current[cols]
    same = {}
    for c in cols:
        if a[c].dtype != b[c].dtype:
            if _is_numeric(a[c]) and _is_numeric(b[c]):
                same[c] = "float64"
            else:
                same[c] = "string"
    if same:
        a, b = a.astype(same), b.astype(same)
    ha = pd.util.hash_pandas_object(a, index=False).to_numpy()
    hb = pd.util.hash_pandas_object(b, index=False).to_numpy()
    return int(np.isin(hb, ha).sum())


# --- domain classifier ---------------------------------------------------------------
def domain_classifier(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    features: list[str],
    rows: int = 5_000,
    folds: int = 5,
    seed: int = 0,
    top: int = 10,
) -> DomainClassifier:
    """Cross-validated ROC AUC of a classifier telling ``reference`` rows from ``current`` rows.

    Each file contributes at most ``rows`` rows drawn at random (seeded).
    Categorical features keep their 30 most frequent values (the rest become
    one "other" value). The model is ``HistGradientBoostingClassifier``
    (native missing-value and categorical support); the AUC is computed from
    stratified ``folds``-fold out-of-fold probabilities.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = pd.DataFrame({"x": rng.normal(0, 1, 300)}); b = pd.DataFrame({"x": rng.normal(3, 1, 300)})
    >>> domain_classifier(a, b, features=["x"]).auc > 0.95
    True
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, train_test_split
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    take = []
    for frame in (reference, current):
        n = len(frame)
        idx = np.sort(rng.choice(n, size=rows, replace=False)) if n > rows else np.arange(n)
        take.append(frame.iloc[idx][features])
    n_a, n_b = len(take[0]), len(take[1])
    if min(n_a, n_b) < folds:
        raise ShiftInputError(f"The domain classifier needs at least {folds} rows per file; got {n_a} and {n_b}.")
    X = pd.concat(take, ignore_index=True)
    y = np.r_[np.zeros(n_a, dtype=int), np.ones(n_b, dtype=int)]
    cat_mask = []
    encoded = {}
    for col in features:
        s = X[col]
        if _is_numeric(s):
            encoded[col] = s.to_numpy(dtype=float, na_value=np.nan)
            cat_mask.append(False)
        else:
            labels = s.map(lambda v: None if pd.isna(v) else _label(v))
            top_values = labels.value_counts().index[:30]
            codes = pd.Categorical(labels.where(labels.isin(top_values) | labels.isna(), "(other)")).codes.astype(float)
            codes[codes < 0] = np.nan
            encoded[col] = codes
            cat_mask.append(True)
    X = pd.DataFrame(encoded)

    def model():
        # Shallow, regularized trees: enough to find a shift, little room to overfit noise features.
        return HistGradientBoostingClassifier(
            max_iter=40, max_depth=3, min_samples_leaf=50, learning_rate=0.1,
            categorical_features=np.array(cat_mask), random_state=seed,
        )

    # One OpenMP thread: on a shared machine HGB's thread pool can be 40x slower than a single thread.
    with threadpool_limits(limits=1, user_api="openmp"):
        aucs = []
        for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(X, y):
            fitted = model().fit(X.iloc[train], y[train])
            aucs.append(roc_auc_score(y[test], fitted.predict_proba(X.iloc[test])[:, 1]))
        auc = float(np.mean(aucs))
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
        fitted = model().fit(Xtr, ytr)
        perm = permutation_importance(fitted, Xte, yte, scoring="roc_auc", n_repeats=3, random_state=seed)
    order = np.argsort(-perm.importances_mean)[:top]
    importances = tuple((features[i], float(perm.importances_mean[i])) for i in order)
    if auc < 0.55:
        text = f"The domain classifier cannot tell the files apart (ROC AUC {auc:.3f}): no multivariate shift."
    elif auc < 0.7:
        text = f"The domain classifier tells the files apart a little (ROC AUC {auc:.3f}): mild multivariate shift, driven by {importances[0][0]}."
    else:
        text = f"The domain classifier tells the files apart (ROC AUC {auc:.3f}): strong shift, driven most by {importances[0][0]}."
    return DomainClassifier(
        auc=auc,
        auc_std=float(np.std(aucs)),
        folds=folds,
        rows_per_file=(n_a, n_b),
        subsampled=len(reference) > rows or len(current) > rows,
        importances=importances,
        verdict_text=text,
    )


# --- overlaid distributions for the page ---------------------------------------------
@dataclass(frozen=True)
class FeatureDistribution:
    """Shares of one feature in both files on shared bins.

    Numeric: ``bins`` equal-width bins between the 1st and 99th percentile of
    both files' values (values beyond go to the end bins); categorical: the
    ``top`` most frequent values of both files together.
    """

    name: str
    kind: str
    bins: tuple[str, ...]
    edges: tuple[float, ...]
    reference: tuple[float, ...]
    current: tuple[float, ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"bin": self.bins, "reference": self.reference, "current": self.current})


def feature_distribution(reference: pd.Series, current: pd.Series, *, bins: int = 30, top: int = 30) -> FeatureDistribution:
    """Shares per bin of one feature in both files (non-missing values), for an overlaid chart.

    Examples
    --------
    >>> d = feature_distribution(pd.Series(["a", "a", "b"]), pd.Series(["b", "b", "c", "a"]))
    >>> d.bins, d.reference, d.current
    (('a', 'b', 'c'), (0.6666666666666666, 0.3333333333333333, 0.0), (0.25, 0.5, 0.25))
    """
    name = str(reference.name)
    if _is_numeric(reference) and _is_numeric(current):
        a, b = _numeric_values(reference), _numeric_values(current)
        both = np.concatenate([a, b])
        if len(both) == 0:
            raise ShiftInputError(f"'{name}' has no values in either file.", column=name)
        # Bins span the 1st to 99th percentile of both files together, so a long tail does not squash
        # the chart into one bar; values beyond fall into the end bins (labelled "≤" / "≥").
        lo, hi = (float(v) for v in np.quantile(both, [0.01, 0.99]))
        if lo == hi:
            lo, hi = float(both.min()), float(both.max())
        if lo == hi:
            hi = lo + 1.0
        edges = np.linspace(lo, hi, bins + 1)
        ha = np.histogram(np.clip(a, lo, hi), edges)[0] / max(len(a), 1)
        hb = np.histogram(np.clip(b, lo, hi), edges)[0] / max(len(b), 1)
        labels = [f"{edges[i]:.4g} – {edges[i + 1]:.4g}" for i in range(bins)]
        if both.min() < lo:
            labels[0] = f"≤ {edges[1]:.4g}"
        if both.max() > hi:
            labels[-1] = f"≥ {edges[-2]:.4g}"
        labels = tuple(labels)
        return FeatureDistribution(name, "numeric", labels, tuple(float(e) for e in edges), tuple(map(float, ha)), tuple(map(float, hb)))
    ca, cb = _category_counts(reference), _category_counts(current)
    total = ca.add(cb, fill_value=0).sort_values(ascending=False, kind="stable")
    keys = list(total.index[:top])
    pa = ca.reindex(keys, fill_value=0) / max(ca.sum(), 1)
    pb = cb.reindex(keys, fill_value=0) / max(cb.sum(), 1)
    return FeatureDistribution(name, "categorical", tuple(map(str, keys)), (), tuple(map(float, pa)), tuple(map(float, pb)))
