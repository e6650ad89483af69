"""The domain classifier: can a model tell the reference rows from the current rows?

A ``HistGradientBoostingClassifier`` (40 trees of depth 3, at least 50 rows per
leaf) on a stated subsample of each file; its stratified k-fold cross-validated
ROC AUC is near 0.5 when the files look alike, and permutation importance
(drop in ROC AUC on a held-out 30 %) ranks the features that drive it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ..errors import ShiftInputError
from ..results import ResultMixin, Severity
from ._common import band_of, label_text
from .shift_features import is_numeric

__all__ = ["DomainClassifier", "domain_classifier"]

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

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return _auc_band(self.auc)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.importances, columns=["feature", "importance"])

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
    band = _auc_band(auc)
    if band == "no shift":
        text = f"The domain classifier cannot tell the files apart (ROC AUC {auc:.3f}): no multivariate shift."
    elif band == "mild shift":
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




def _auc_band(auc: float) -> str:
    return band_of(auc, AUC_BANDS, "no shift")
