"""The domain classifier: can a model tell the reference rows from the current rows?

A ``HistGradientBoostingClassifier`` (40 trees of depth 3, at least 50 rows per
leaf) on a stated subsample of each file; its stratified k-fold cross-validated
ROC AUC is near 0.5 when the files look alike, and permutation importance
(drop in ROC AUC on a held-out 30 %) ranks the features that drive it.

The AUC is that of the pooled out-of-fold probabilities (every row scored by
the model that did not see it), with a 95 % interval from DeLong's variance
(DeLong, DeLong & Clarke-Pearson 1988; the fast midrank algorithm of Sun & Xu
2014) of that AUC. The files count as apart only when the interval excludes
0.5: an AUC of 0.58 on 200 rows is no evidence of shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ShiftInputError
from ..results import ResultMixin, Severity
from ..wording import count_noun
from ._common import band_of, label_text
from .shift_features import is_numeric

__all__ = ["DomainClassifier", "delong_interval", "domain_classifier"]

#: ROC AUC from which the files count as a little (mild) or clearly (strong) apart.
AUC_BANDS: dict[str, float] = {"mild shift": 0.55, "strong shift": 0.7}


@dataclass(frozen=True)
class DomainClassifier(ResultMixin):
    """Cross-validated ROC AUC of telling the files apart, and the features that drive it."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"no shift": "ok", "mild shift": "warning", "strong shift": "critical"}

    auc: float
    auc_std: float
    folds: int
    rows_per_file: tuple[int, int]
    subsampled: bool
    importances: tuple[tuple[str, float], ...]
    verdict_text: str
    ci_low: float = 0.0
    ci_high: float = 1.0

    @property
    def evidence(self) -> bool:
        """True when the 95 % interval of the AUC excludes 0.5 from above (the files can be told apart)."""
        return self.ci_low > 0.5

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return _auc_band(self.auc) if self.evidence else "no shift"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.importances, columns=["feature", "importance"])

    def to_dict(self) -> dict:
        return {
            "auc": self.auc,
            "auc_std": self.auc_std,
            "auc_ci_low": self.ci_low,
            "auc_ci_high": self.ci_high,
            "auc_ci_method": "DeLong, pooled out-of-fold probabilities",
            "evidence_of_shift": self.evidence,
            "verdict": self.verdict,
            "folds": self.folds,
            "rows_reference": self.rows_per_file[0],
            "rows_current": self.rows_per_file[1],
            "subsampled": self.subsampled,
            "drivers": [{"feature": f, "importance": v} for f, v in self.importances],
            "verdict_text": self.verdict_text,
        }



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
    (native missing-value and categorical support); the AUC is that of the
    stratified ``folds``-fold out-of-fold probabilities, with DeLong's 95 %
    interval (:func:`delong_interval`).

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

    from ..threads import one_thread

    rng = np.random.default_rng(seed)
    take = []
    for frame in (reference, current):
        n = len(frame)
        idx = np.sort(rng.choice(n, size=rows, replace=False)) if n > rows else np.arange(n)
        take.append(frame.iloc[idx][features])
    n_a, n_b = len(take[0]), len(take[1])
    if min(n_a, n_b) < folds:
        raise ShiftInputError(f"The domain classifier needs at least {count_noun(folds, 'row')} per file; got {n_a:,} and {n_b:,}.")
    X = pd.concat(take, ignore_index=True)
    y = np.r_[np.zeros(n_a, dtype=int), np.ones(n_b, dtype=int)]
    cat_mask = []
    encoded = {}
    for col in features:
        s = X[col]
        if is_numeric(s):
            encoded[col] = s.to_numpy(dtype=float, na_value=np.nan)
            cat_mask.append(False)
        else:
            labels = s.map(lambda v: None if pd.isna(v) else label_text(v))
            top_values = labels.value_counts().index[:30]
            codes = pd.Categorical(labels.where(labels.isin(top_values) | labels.isna(), "(other)")).codes.astype(float)
            codes[codes < 0] = np.nan
            encoded[col] = codes
            cat_mask.append(True)
    # a float array, not a DataFrame: scikit-learn then bins the codes directly instead of running a
    # ColumnTransformer over the frame on every fit and predict (15 ms each, 28 predicts for the importances)
    matrix = np.column_stack([encoded[c] for c in features]) if features else np.empty((len(y), 0))

    def model():
        # Shallow, regularized trees: enough to find a shift, little room to overfit noise features.
        return HistGradientBoostingClassifier(
            max_iter=40, max_depth=3, min_samples_leaf=50, learning_rate=0.1,
            categorical_features=np.array(cat_mask), random_state=seed,
        )

    # One OpenMP thread: on a shared machine HGB's thread pool can be 40x slower than a single thread.
    with one_thread("openmp"):
        aucs = []
        oof = np.zeros(len(y))
        for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(matrix, y):
            fitted = model().fit(matrix[train], y[train])
            oof[test] = fitted.predict_proba(matrix[test])[:, 1]
            aucs.append(roc_auc_score(y[test], oof[test]))
        auc, ci_low, ci_high = delong_interval(y, oof)
        Xtr, Xte, ytr, yte = train_test_split(matrix, y, test_size=0.3, stratify=y, random_state=seed)
        fitted = model().fit(Xtr, ytr)
        # a frame here: permutation_importance checks an array for infinities (and refuses them), not a frame,
        # while the model bins them like any value (integer column names: no feature-name check either)
        perm = permutation_importance(fitted, pd.DataFrame(Xte), yte, scoring="roc_auc", n_repeats=3,
                                      random_state=seed)
    order = np.argsort(-perm.importances_mean)[:top]
    importances = tuple((features[i], float(perm.importances_mean[i])) for i in order)
    band = _auc_band(auc)
    ci = f"ROC AUC {auc:.3f}, 95% interval {ci_low:.3f} to {ci_high:.3f}"
    if ci_low <= 0.5:
        where = "which includes 0.5" if ci_high >= 0.5 else "below chance, as cross-validation gives on files it cannot tell apart"
        text = f"The domain classifier cannot tell the files apart ({ci}, {where}): no evidence of multivariate shift."
    elif band == "no shift":
        text = f"The domain classifier tells the files apart only slightly ({ci}, below 0.55): no meaningful multivariate shift."
    elif band == "mild shift":
        text = f"The domain classifier tells the files apart a little ({ci}): mild multivariate shift, driven by {importances[0][0]}."
    else:
        text = f"The domain classifier tells the files apart ({ci}): strong shift, driven most by {importances[0][0]}."
    return DomainClassifier(
        auc=auc,
        auc_std=float(np.std(aucs)),
        folds=folds,
        rows_per_file=(n_a, n_b),
        subsampled=len(reference) > rows or len(current) > rows,
        importances=importances,
        verdict_text=text,
        ci_low=ci_low,
        ci_high=ci_high,
    )




def _auc_band(auc: float) -> str:
    return band_of(auc, AUC_BANDS, "no shift")


def delong_interval(y: np.ndarray, score: np.ndarray, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """ROC AUC of ``score`` for the labels ``y`` (0/1) and its DeLong interval, clipped to [0, 1].

    DeLong, DeLong & Clarke-Pearson (1988): the AUC's variance from its
    structural components, computed with midranks (Sun & Xu 2014), then a
    normal interval.

    Examples
    --------
    >>> auc, lo, hi = delong_interval(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> auc, round(lo, 3), round(hi, 3)
    (0.75, 0.057, 1.0)
    """
    y = np.asarray(y).astype(bool)
    score = np.asarray(score, dtype=float)
    pos, neg = score[y], score[~y]
    m, n = len(pos), len(neg)
    if m < 2 or n < 2:
        return float("nan"), 0.0, 1.0
    rank_all = stats.rankdata(np.concatenate([pos, neg]))
    rank_pos, rank_neg = stats.rankdata(pos), stats.rankdata(neg)
    v10 = (rank_all[:m] - rank_pos) / n  # per positive: share of negatives below it (ties count half)
    v01 = 1.0 - (rank_all[m:] - rank_neg) / m  # per negative: share of positives above it
    auc = float(v10.mean())
    var = float(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n)
    half = float(stats.norm.ppf(1 - (1 - confidence) / 2) * np.sqrt(max(var, 0.0)))
    return auc, max(0.0, auc - half), min(1.0, auc + half)

