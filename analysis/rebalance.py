"""Rebalancing lab: a strategy registry and a leakage-free comparison of imbalance fixes.

Every strategy is evaluated as ONE :class:`imblearn.pipeline.Pipeline`
(imputation, scaling, one-hot encoding, the sampler, the model), cross-validated
with repeated stratified k-fold, so resampling only ever touches training folds:
the test fold of every split holds original rows only.

The registry (:data:`STRATEGIES`) names the fixes the seed literature groups in
families: resampling (over, under, combined), cost-sensitive learning, threshold
moving and balanced ensembles. Each entry checks whether it can run on the data
and returns a reason instead of crashing when it cannot.

Uncertainty. Fold scores are not independent (training sets overlap), so the
95% interval of a metric and the comparison with the baseline use the variance
correction of Nadeau & Bengio (2003, "Inference for the generalization error",
Machine Learning 52:239-281): the variance of the mean over J = folds x repeats
resamples is ``(1/J + n_test/n_train) * s^2`` instead of ``s^2 / J``, with a
Student t distribution on J - 1 degrees of freedom.

The evaluation is a generator (:func:`iter_comparison`) that yields progress
fold by fold and each strategy's result as soon as its folds finish, so the
dashboard can show progress and keep finished results.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .balance import validate_target
from .errors import (
    NoFeaturesError,
    RebalanceError,
    TooFewRowsError,
    UnknownModelError,
    UnknownStrategyError,
)
from .models import MODELS, make_classifier
from .schema import Role, infer_schema

__all__ = [
    "STRATEGIES",
    "DEFAULT_STRATEGIES",
    "MODELS",
    "METRICS",
    "HIGHER_IS_BETTER",
    "Strategy",
    "FeatureSpace",
    "MetricSummary",
    "Versus",
    "FoldProgress",
    "StrategyResult",
    "ComparisonPlan",
    "Comparison",
    "CostEstimate",
    "feature_space",
    "plan_comparison",
    "iter_comparison",
    "assemble_comparison",
    "compare_strategies",
    "fold_metrics",
    "per_class_frame",
    "rank_strategies",
    "results_frame",
    "corrected_resampled_ttest",
    "corrected_interval",
    "build_pipeline",
    "estimate_cost",
    "ACCURACY_WARNING",
]

#: Metrics summarised per strategy, in display order. The last three need a binary target.
METRICS: tuple[str, ...] = (
    "accuracy",
    "balanced_accuracy",
    "f1_macro",
    "mcc",
    "g_mean",
    "roc_auc",
    "average_precision",
    "brier",
)
BINARY_ONLY = ("roc_auc", "average_precision", "brier")
#: Direction of each metric (the Brier score is a loss).
HIGHER_IS_BETTER: dict[str, bool] = {m: m != "brier" for m in METRICS}
METRIC_LABELS: dict[str, str] = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "f1_macro": "macro F1",
    "mcc": "MCC",
    "g_mean": "G-mean",
    "roc_auc": "ROC AUC",
    "average_precision": "PR AUC (average precision)",
    "brier": "Brier score (lower is better)",
}
ACCURACY_WARNING = (
    "Accuracy hides the minority class: a model that always predicts the majority scores "
    "the majority share. Compare strategies on balanced accuracy, macro F1, MCC or PR AUC."
)
PROBABILITY_NOTE = (
    "Resampling and class weights change the class mix the model learns from, so its predicted "
    "probabilities shift towards the minority: they rank well but are no longer calibrated "
    "(see the Brier score and the calibration curves). Recalibrate, or use threshold moving, "
    "if you need probabilities."
)


#: A neighbour-based sampler on more training rows than this is slow; the plan warns.
LARGE_ROWS = 50_000
_MAX_CATEGORIES = 100
_ALPHA = 0.05


# --- the registry ------------------------------------------------------------
@dataclass(frozen=True)
class Strategy:
    """One imbalance fix: what it is, how it explains itself, what it needs.

    ``space`` is where its sampler works: ``"ordinal"`` (numbers scaled,
    categories as codes: SMOTENC/SMOTEN and row-selecting samplers), ``"onehot"``
    (after one-hot encoding: distance-based samplers) or ``None`` (no sampler).
    ``min_class_rows`` is the fewest training-fold rows a class needs.
    """

    name: str
    family: str
    label: str
    explanation: str
    space: str | None = None
    min_class_rows: int = 1
    binary_only: bool = False
    neighbour_based: bool = False
    generates_rows: bool = False
    own_model: bool = False
    #: rough cost of one fold relative to the plain model (used by estimate_cost)
    cost_factor: float = 1.0

    def skip_reason(self, *, class_train_rows: dict[Any, int], n_classes: int) -> str | None:
        """Why this strategy cannot run on data with these training-fold class sizes, or ``None``.

        Examples
        --------
        >>> STRATEGIES["smote"].skip_reason(class_train_rows={"no": 90, "yes": 4}, n_classes=2)
        "SMOTE needs at least k_neighbors + 1 = 6 rows of class 'yes' in every training fold; it has 4. Use random_over, or collect more rows of 'yes'."
        """
        if self.binary_only and n_classes > 2:
            return (
                f"{self.label} needs a binary target; this one has {n_classes} classes. "
                "Use class_weight for a multiclass target."
            )
        small = [(k, c) for k, c in class_train_rows.items() if c < self.min_class_rows]
        if small:
            label, count = min(small, key=lambda kc: kc[1])
            return (
                f"{self.label} needs at least {_NEED[self.name]} = {self.min_class_rows} rows of class "
                f"{label!r} in every training fold; it has {count}. Use random_over, or collect more "
                f"rows of {label!r}."
            )
        return None


_NEED = {
    "smote": "k_neighbors + 1",
    "adasyn": "n_neighbors + 1",
    "borderline_smote": "k_neighbors + 1",
    "smote_enn": "k_neighbors + 1",
    "smote_tomek": "k_neighbors + 1",
    "near_miss": "n_neighbors",
}

_REGISTRY = [
    Strategy("none", "baseline", "No rebalancing",
             "The model trained on the data as it is: the baseline every fix is compared with."),
    Strategy("class_weight", "cost", "Class weights",
             "Cost-sensitive learning: errors on rare classes cost more (weights inversely proportional "
             "to class frequency, or your cost ratio); no rows are added or removed."),
    Strategy("threshold", "threshold", "Threshold moving",
             "Trains on the data as it is, then moves the decision threshold (tuned by inner "
             "cross-validation for the chosen objective) instead of the default 0.5.",
             binary_only=True, cost_factor=4.0),
    Strategy("random_over", "over", "Random oversampling",
             "Duplicates randomly chosen minority rows until the classes are balanced.",
             space="ordinal", cost_factor=1.5),
    Strategy("smote", "over", "SMOTE",
             "Creates synthetic minority rows by interpolating between a minority row and one of its "
             "5 nearest minority neighbours (SMOTENC with categorical features, SMOTEN when all are "
             "categorical).",
             space="ordinal", min_class_rows=6, neighbour_based=True, generates_rows=True, cost_factor=1.7),
    Strategy("adasyn", "over", "ADASYN",
             "Like SMOTE, but creates more synthetic rows where minority rows are surrounded by the "
             "majority (the hard-to-learn regions).",
             space="onehot", min_class_rows=6, neighbour_based=True, generates_rows=True, cost_factor=2.5),
    Strategy("borderline_smote", "over", "Borderline-SMOTE",
             "SMOTE that only interpolates from minority rows near the class border.",
             space="onehot", min_class_rows=6, neighbour_based=True, generates_rows=True, cost_factor=2.5),
    Strategy("random_under", "under", "Random undersampling",
             "Drops randomly chosen majority rows until the classes are balanced: fast, but throws "
             "information away.",
             space="ordinal", cost_factor=0.3),
    Strategy("near_miss", "under", "NearMiss-1",
             "Keeps the majority rows closest to the minority rows (NearMiss version 1) and drops the rest.",
             space="onehot", min_class_rows=3, neighbour_based=True, cost_factor=3.0),
    Strategy("tomek", "under", "Tomek links",
             "Removes majority rows that form a Tomek link (mutual nearest neighbours of different "
             "classes) to clean the class border; changes the balance only a little.",
             space="onehot", neighbour_based=True, cost_factor=5.0),
    Strategy("enn", "under", "Edited nearest neighbours",
             "Removes majority rows whose 3 nearest neighbours mostly disagree with their label "
             "(cleaning noisy and borderline rows).",
             space="onehot", neighbour_based=True, cost_factor=5.0),
    Strategy("smote_enn", "combined", "SMOTE + ENN",
             "SMOTE oversampling followed by edited-nearest-neighbours cleaning of both classes.",
             space="onehot", min_class_rows=6, neighbour_based=True, generates_rows=True, cost_factor=7.0),
    Strategy("smote_tomek", "combined", "SMOTE + Tomek links",
             "SMOTE oversampling followed by removing Tomek links.",
             space="onehot", min_class_rows=6, neighbour_based=True, generates_rows=True, cost_factor=7.0),
    Strategy("balanced_rf", "ensemble", "Balanced random forest",
             "A random forest whose every tree is grown on a bootstrap sample undersampled to balance; "
             "uses its own model (the model choice does not apply).",
             own_model=True, cost_factor=3.0),
    Strategy("easy_ensemble", "ensemble", "Easy ensemble",
             "Ten AdaBoost models, each trained on a different balanced undersample, averaged; uses "
             "its own model (the model choice does not apply).",
             own_model=True, cost_factor=3.0),
]

#: Every strategy by its public name (the CLI and UI identifiers).
STRATEGIES: dict[str, Strategy] = {s.name: s for s in _REGISTRY}
#: The set preselected in the UI and used by the CLI without ``--strategies``.
DEFAULT_STRATEGIES: tuple[str, ...] = ("none", "class_weight", "threshold", "random_over", "smote", "random_under")
THRESHOLD_OBJECTIVES = ("balanced_accuracy", "f1", "mcc")


# --- features ------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class FeatureSpace:
    """The features as one float array: numeric columns first, then categorical codes.

    Categorical codes index ``vocab[column]`` (the original values, sorted);
    missing values are NaN in both parts (imputation happens inside the pipeline).
    """

    X: np.ndarray
    y: np.ndarray  # class codes 0..K-1
    classes: tuple[Any, ...]
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    vocab: dict[str, tuple[Any, ...]]
    dropped: dict[str, str]
    rows: np.ndarray  # positions in the input frame of the rows used (target present)
    positive: int | None  # code of the minority class for binary targets
    integer_columns: tuple[str, ...] = ()

    @property
    def n_numeric(self) -> int:
        return len(self.numeric)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical


def feature_space(df: pd.DataFrame, *, target: str) -> FeatureSpace:
    """Validate the target and turn the other columns into model features.

    Identifier, free-text, date/time and constant columns are not features
    (they are listed in ``dropped`` with the reason); categorical columns with
    more than 100 values are dropped too. Rows without a label are left out.

    Examples
    --------
    >>> df = pd.DataFrame({"id": range(30), "x": [1.5, None, 2.5] * 10, "c": ["a", "b", "c"] * 10,
    ...                    "y": ["n"] * 24 + ["p"] * 6})
    >>> fs = feature_space(df, target="y")
    >>> fs.numeric, fs.categorical, fs.classes, fs.positive, fs.dropped["id"]
    (('x',), ('c',), ('n', 'p'), 1, 'identifier')
    """
    validate_target(df, target)
    labels = df[target]
    keep = labels.notna().to_numpy()
    rows = np.flatnonzero(keep)
    schema = infer_schema(df.drop(columns=[target]))
    numeric, categorical, dropped, integer = [], [], {}, []
    for profile in schema.columns:
        if profile.role is Role.NUMERIC:
            numeric.append(profile.name)
            if profile.integer_valued:
                integer.append(profile.name)
        elif profile.role in (Role.CATEGORICAL, Role.BOOLEAN):
            if profile.n_unique > _MAX_CATEGORIES:
                dropped[profile.name] = f"categorical with {profile.n_unique:,} values (more than {_MAX_CATEGORIES})"
            else:
                categorical.append(profile.name)
        else:
            dropped[profile.name] = str(profile.role)
    if not numeric and not categorical:
        raise NoFeaturesError(
            f"No column can be used as a feature to predict '{target}': "
            + ", ".join(f"'{k}' ({v})" for k, v in dropped.items())
            + ". Add numeric or categorical feature columns."
        )
    sub = df.iloc[rows]
    parts = [pd.to_numeric(sub[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan) for c in numeric]
    vocab: dict[str, tuple[Any, ...]] = {}
    for c in categorical:
        present = sub[c].dropna()
        values = sorted(pd.unique(present), key=lambda v: (str(type(v)), str(v)))
        vocab[c] = tuple(_py(v) for v in values)
        codes = pd.Categorical(sub[c], categories=values).codes.astype(float)
        codes[codes < 0] = np.nan
        parts.append(codes)
    X = np.column_stack(parts) if parts else np.empty((len(rows), 0))
    y_values = labels.iloc[rows]
    classes = sorted(pd.unique(y_values), key=lambda v: (str(type(v)), v if not isinstance(v, str) else str(v)))
    y = pd.Categorical(y_values, categories=classes).codes.astype(np.int64)
    positive = None
    if len(classes) == 2:
        counts = np.bincount(y, minlength=2)
        positive = int(np.argmin(counts)) if counts[0] != counts[1] else 1
    return FeatureSpace(
        X=np.ascontiguousarray(X, dtype=float),
        y=y,
        classes=tuple(_py(c) for c in classes),
        numeric=tuple(numeric),
        categorical=tuple(categorical),
        vocab=vocab,
        dropped=dropped,
        rows=rows,
        positive=positive,
        integer_columns=tuple(integer),
    )


# --- pipelines ---------------------------------------------------------------
def _preprocess(n_numeric: int, n_categorical: int, *, onehot: bool):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline as SkPipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts = []
    if n_numeric:
        parts.append((
            "num",
            SkPipeline([
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("scale", StandardScaler()),
            ]),
            list(range(n_numeric)),
        ))
    if n_categorical:
        cat_steps = [("impute", SimpleImputer(strategy="most_frequent", keep_empty_features=True))]
        if onehot:
            cat_steps.append(("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)))
        parts.append(("cat", SkPipeline(cat_steps), list(range(n_numeric, n_numeric + n_categorical))))
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)


def _onehot_codes(n_numeric: int, n_categorical: int):
    """After a sampler in the ordinal space: one-hot the (imputed) category codes, keep numbers."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    parts = []
    if n_numeric:
        parts.append(("num", "passthrough", list(range(n_numeric))))
    parts.append((
        "cat",
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
        list(range(n_numeric, n_numeric + n_categorical)),
    ))
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)


def _model(model: str, seed: int, class_weight=None):
    return make_classifier(model, seed=seed, class_weight=class_weight)


def make_sampler(name: str, *, n_numeric: int, n_categorical: int, seed: int):
    """The imbalanced-learn sampler of a strategy (``None`` for strategies without one)."""
    from imblearn import combine, over_sampling, under_sampling

    if name == "random_over":
        return over_sampling.RandomOverSampler(random_state=seed)
    if name == "random_under":
        return under_sampling.RandomUnderSampler(random_state=seed)
    if name == "smote":
        if n_categorical and not n_numeric:
            return over_sampling.SMOTEN(random_state=seed)
        if n_categorical:
            return over_sampling.SMOTENC(
                categorical_features=list(range(n_numeric, n_numeric + n_categorical)), random_state=seed
            )
        return over_sampling.SMOTE(random_state=seed)
    if name == "adasyn":
        return over_sampling.ADASYN(random_state=seed)
    if name == "borderline_smote":
        return over_sampling.BorderlineSMOTE(random_state=seed)
    if name == "near_miss":
        return under_sampling.NearMiss(version=1)
    if name == "tomek":
        return under_sampling.TomekLinks()
    if name == "enn":
        return under_sampling.EditedNearestNeighbours()
    if name == "smote_enn":
        return combine.SMOTEENN(random_state=seed)
    if name == "smote_tomek":
        return combine.SMOTETomek(random_state=seed)
    return None


def _class_weight(fs: FeatureSpace, cost_ratio: float | None):
    if cost_ratio is None or fs.positive is None:
        return "balanced"
    return {fs.positive: float(cost_ratio), 1 - fs.positive: 1.0}


def _threshold_scorer(objective: str, positive: int | None):
    from sklearn.metrics import f1_score, make_scorer, matthews_corrcoef

    if objective == "f1":
        return make_scorer(f1_score, pos_label=positive if positive is not None else 1)
    if objective == "mcc":
        return make_scorer(matthews_corrcoef)
    return "balanced_accuracy"


def build_pipeline(
    strategy: str,
    *,
    n_numeric: int,
    n_categorical: int,
    model: str = "logreg",
    seed: int = 0,
    positive: int | None = None,
    class_weight: Any = "balanced",
    threshold_objective: str = "balanced_accuracy",
):
    """The full pipeline of a strategy: preprocessing, its sampler and the model, as one estimator.

    The input is a :class:`FeatureSpace` array (numbers first, then category
    codes). Resampling sits inside :class:`imblearn.pipeline.Pipeline`, which
    applies samplers in ``fit`` only, never in ``predict``.

    Examples
    --------
    >>> pipe = build_pipeline("smote", n_numeric=2, n_categorical=1)
    >>> [name for name, _ in pipe.steps]
    ['prepare', 'sampler', 'encode', 'model']
    >>> type(pipe.named_steps["sampler"]).__name__
    'SMOTENC'
    """
    from imblearn.ensemble import BalancedRandomForestClassifier, EasyEnsembleClassifier
    from imblearn.pipeline import Pipeline
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

    spec = STRATEGIES[strategy]
    if strategy == "balanced_rf":
        clf = BalancedRandomForestClassifier(
            n_estimators=100, sampling_strategy="all", replacement=True, bootstrap=False,
            random_state=seed, n_jobs=1,
        )
        return Pipeline([("prepare", _preprocess(n_numeric, n_categorical, onehot=True)), ("model", clf)])
    if strategy == "easy_ensemble":
        clf = EasyEnsembleClassifier(n_estimators=10, random_state=seed, n_jobs=1)
        return Pipeline([("prepare", _preprocess(n_numeric, n_categorical, onehot=True)), ("model", clf)])
    if strategy == "class_weight":
        return Pipeline([
            ("prepare", _preprocess(n_numeric, n_categorical, onehot=True)),
            ("model", _model(model, seed, class_weight=class_weight)),
        ])
    if strategy == "threshold":
        inner = Pipeline([("prepare", _preprocess(n_numeric, n_categorical, onehot=True)), ("model", _model(model, seed))])
        return TunedThresholdClassifierCV(
            inner,
            scoring=_threshold_scorer(threshold_objective, positive),
            cv=StratifiedKFold(3, shuffle=True, random_state=seed),
        )
    sampler = make_sampler(strategy, n_numeric=n_numeric, n_categorical=n_categorical, seed=seed)
    if sampler is None:  # "none"
        return Pipeline([("prepare", _preprocess(n_numeric, n_categorical, onehot=True)), ("model", _model(model, seed))])
    if spec.space == "ordinal" and n_categorical:
        return Pipeline([
            ("prepare", _preprocess(n_numeric, n_categorical, onehot=False)),
            ("sampler", sampler),
            ("encode", _onehot_codes(n_numeric, n_categorical)),
            ("model", _model(model, seed)),
        ])
    return Pipeline([
        ("prepare", _preprocess(n_numeric, n_categorical, onehot=True)),
        ("sampler", sampler),
        ("model", _model(model, seed)),
    ])


# --- metrics -----------------------------------------------------------------
def fold_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray, *, n_classes: int, positive: int | None
) -> dict[str, float]:
    """Every metric of one test fold (class codes 0..K-1; ``proba`` has K columns).

    Examples
    --------
    >>> m = fold_metrics(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]),
    ...                  np.array([[.9, .1], [.4, .6], [.3, .7], [.2, .8]]), n_classes=2, positive=1)
    >>> m["accuracy"], m["balanced_accuracy"], m["roc_auc"]
    (0.75, 0.75, 1.0)
    """
    from imblearn.metrics import geometric_mean_score
    from sklearn import metrics as skm

    labels = list(range(n_classes))
    out = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y_true, y_pred),
        "f1_macro": skm.f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0),
        "mcc": skm.matthews_corrcoef(y_true, y_pred),
        "g_mean": geometric_mean_score(y_true, y_pred, labels=labels, average="multiclass"),
    }
    if positive is not None:
        is_pos = (y_true == positive).astype(int)
        p = proba[:, positive]
        out["roc_auc"] = skm.roc_auc_score(is_pos, p)
        out["average_precision"] = skm.average_precision_score(is_pos, p)
        out["brier"] = skm.brier_score_loss(is_pos, p)
    precision, recall, _, _ = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    for k in labels:
        out[f"precision_{k}"] = precision[k]
        out[f"recall_{k}"] = recall[k]
    return {k: float(v) for k, v in out.items()}


def corrected_interval(values: Sequence[float], *, test_train_ratio: float, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of the mean of resampled scores with the Nadeau-Bengio variance correction.

    ``mean +- t_{J-1} * sqrt((1/J + n_test/n_train) * s^2)`` where ``s^2`` is the
    sample variance of the J scores.

    Examples
    --------
    >>> lo, hi = corrected_interval([0.8, 0.9, 0.7, 0.8], test_train_ratio=1 / 3)
    >>> round(lo, 4), round(hi, 4)
    (0.6015, 0.9985)
    """
    v = np.asarray(values, dtype=float)
    j = len(v)
    mean = float(v.mean())
    if j < 2:
        return mean, mean
    var = float(v.var(ddof=1))
    from scipy import stats  # imported here: the CLI builds its parser from this module

    half = stats.t.ppf(0.5 + level / 2, j - 1) * math.sqrt((1 / j + test_train_ratio) * var)
    return float(mean - half), float(mean + half)


def corrected_resampled_ttest(
    a: Sequence[float], b: Sequence[float], *, test_train_ratio: float
) -> tuple[float, float, float]:
    """Nadeau & Bengio's corrected resampled t-test of paired scores ``a`` vs ``b``.

    ``t = mean(d) / sqrt((1/J + n_test/n_train) * var(d))`` with ``d = a - b``
    over the J resamples (sample variance), two-sided p from Student t with J - 1
    degrees of freedom. Returns ``(mean difference, t, p)``; identical scores give
    ``t = 0, p = 1``.

    Examples
    --------
    >>> d, t, p = corrected_resampled_ttest([0.80, 0.82, 0.84], [0.78, 0.80, 0.80], test_train_ratio=0.5)
    >>> round(d, 4), round(t, 4), round(p, 4)
    (0.0267, 2.5298, 0.1271)
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    j = len(d)
    mean = float(d.mean())
    var = float(d.var(ddof=1)) if j > 1 else 0.0
    if var == 0.0 or j < 2:
        if mean == 0.0:
            return mean, 0.0, 1.0
        return mean, math.copysign(math.inf, mean), 0.0
    t = mean / math.sqrt((1 / j + test_train_ratio) * var)
    from scipy import stats

    p = float(2 * stats.t.sf(abs(t), j - 1))
    return mean, float(t), p


# --- results -----------------------------------------------------------------
@dataclass(frozen=True)
class MetricSummary:
    """Mean, sample standard deviation and corrected 95% interval of one metric across folds."""

    mean: float
    std: float
    ci_low: float
    ci_high: float
    values: tuple[float, ...]

    def to_dict(self) -> dict:
        return {"mean": self.mean, "std": self.std, "ci_low": self.ci_low, "ci_high": self.ci_high}


@dataclass(frozen=True)
class Versus:
    """A strategy against the baseline on one metric (same folds)."""

    difference: float
    t: float
    p_value: float
    verdict: str  # "better" | "no clear difference" | "worse"

    def to_dict(self) -> dict:
        return {"difference": self.difference, "t": self.t, "p_value": self.p_value, "verdict": self.verdict}


@dataclass(frozen=True)
class FoldProgress:
    """One finished fold: ``done`` of ``total`` folds of ``strategy``; ``overall`` of ``overall_total``."""

    strategy: str
    done: int
    total: int
    overall: int
    overall_total: int


@dataclass(frozen=True, eq=False)
class StrategyResult:
    """Cross-validated results of one strategy (or why it was skipped).

    Out-of-fold predictions of the first repeat (every row predicted exactly
    once) are kept in ``oof_pred`` / ``oof_score`` for the confusion matrix,
    PR and calibration curves.
    """

    name: str
    family: str
    label: str
    explanation: str
    skipped: str | None = None
    metrics: dict[str, MetricSummary] = field(default_factory=dict)
    per_class: dict[str, dict[str, MetricSummary]] = field(default_factory=dict)
    versus_baseline: dict[str, Versus] = field(default_factory=dict)
    confusion: np.ndarray | None = None
    pr_curve: tuple[np.ndarray, np.ndarray] | None = None
    calibration: tuple[np.ndarray, np.ndarray] | None = None
    oof_pred: np.ndarray | None = None
    oof_score: np.ndarray | None = None
    #: fit + predict time summed over the folds (CPU seconds; folds may run in parallel)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.skipped is None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "family": self.family, "label": self.label}
        if self.skipped is not None:
            out["skipped"] = self.skipped
            out["metrics"] = {}
            return out
        out["metrics"] = {m: s.to_dict() for m, s in self.metrics.items()}
        out["per_class"] = {
            label: {k: v.to_dict() for k, v in d.items()} for label, d in self.per_class.items()
        }
        out["versus_baseline"] = {m: v.to_dict() for m, v in self.versus_baseline.items()}
        out["confusion_matrix"] = self.confusion.tolist() if self.confusion is not None else None
        out["seconds"] = round(self.seconds, 3)
        return out


@dataclass(frozen=True)
class CostEstimate:
    """A rough up-front estimate of the comparison's run time (seconds), with its warnings."""

    seconds: float
    per_strategy: dict[str, float]
    warnings: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class ComparisonPlan:
    """Validated settings, features and the exact folds of a comparison (run it with :func:`iter_comparison`)."""

    target: str
    strategies: tuple[str, ...]
    model: str
    folds: int
    repeats: int
    seed: int
    space: FeatureSpace
    splits: tuple[tuple[np.ndarray, np.ndarray], ...]
    rows_total: int
    subsample: int | None
    cost_ratio: float | None
    threshold_objective: str
    estimate: CostEstimate
    notes: tuple[str, ...]

    @property
    def test_train_ratio(self) -> float:
        return 1.0 / (self.folds - 1)

    @property
    def rows_used(self) -> int:
        return int(len(self.space.y))

    @property
    def prevalence(self) -> float | None:
        """Share of the positive (minority) class for a binary target: the chance level of precision."""
        if self.space.positive is None:
            return None
        return float(np.mean(self.space.y == self.space.positive))

    @property
    def positive_class(self) -> Any:
        return self.space.classes[self.space.positive] if self.space.positive is not None else None

    @property
    def metric_names(self) -> tuple[str, ...]:
        return tuple(m for m in METRICS if self.space.positive is not None or m not in BINARY_ONLY)


@dataclass(frozen=True, eq=False)
class Comparison:
    """The whole comparison: one :class:`StrategyResult` per strategy plus the settings."""

    target: str
    model: str
    folds: int
    repeats: int
    seed: int
    classes: tuple[Any, ...]
    positive_class: Any
    strategies: tuple[StrategyResult, ...]
    rows_total: int
    rows_used: int
    subsample: int | None
    features: tuple[str, ...]
    dropped_features: dict[str, str]
    notes: tuple[str, ...]

    def result(self, name: str) -> StrategyResult:
        for r in self.strategies:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def metric_names(self) -> tuple[str, ...]:
        return tuple(m for m in METRICS if self.positive_class is not None or m not in BINARY_ONLY)

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy: mean and std of every metric, the verdict vs the baseline, or the skip reason."""
        return results_frame(self.strategies, self.metric_names)

    def ranking(self, metric: str) -> Ranking:
        return rank_strategies(self.strategies, metric=metric)

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "model": self.model,
            "folds": self.folds,
            "repeats": self.repeats,
            "seed": self.seed,
            "classes": [_json_label(c) for c in self.classes],
            "positive_class": _json_label(self.positive_class) if self.positive_class is not None else None,
            "rows": self.rows_total,
            "rows_used": self.rows_used,
            "subsample": self.subsample,
            "features": list(self.features),
            "dropped_features": dict(self.dropped_features),
            "strategies": [r.to_dict() for r in self.strategies],
            "notes": list(self.notes),
            "accuracy_warning": ACCURACY_WARNING,
            "probability_note": PROBABILITY_NOTE,
        }


@dataclass(frozen=True)
class Ranking:
    """Strategies ordered by one metric, with the verdict against the baseline and a summary sentence."""

    metric: str
    frame: pd.DataFrame
    worth_it: tuple[str, ...]
    worse: tuple[str, ...]
    summary: str

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "worth_it": list(self.worth_it),
            "worse": list(self.worse),
            "summary": self.summary,
            "rows": self.frame.to_dict(orient="records"),
        }


def results_frame(results: Sequence[StrategyResult], metric_names: Sequence[str]) -> pd.DataFrame:
    """Tabulate finished (and skipped) strategies: means, stds and verdicts per metric."""
    rows = []
    for r in results:
        row: dict[str, Any] = {"strategy": r.name, "family": r.family}
        for m in metric_names:
            s = r.metrics.get(m)
            row[m] = s.mean if s else np.nan
            row[f"{m}_std"] = s.std if s else np.nan
            v = r.versus_baseline.get(m)
            row[f"{m}_vs_baseline"] = v.verdict if v else ("baseline" if r.name == "none" and r.ok else "")
        row["skipped"] = r.skipped or ""
        rows.append(row)
    return pd.DataFrame(rows)


def per_class_frame(results: Sequence[StrategyResult]) -> pd.DataFrame:
    """Per-class precision and recall (means across folds) of every strategy that ran, one row per (strategy, class).

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(40.0), "y": [0] * 30 + [1] * 10})
    >>> res = compare_strategies(df, target="y", strategies=["none"], folds=2, n_jobs=1)
    >>> per_class_frame(res.strategies).columns.tolist()
    ['strategy', 'class', 'precision', 'recall']
    """
    rows = [
        {"strategy": r.name, "class": label, "precision": d["precision"].mean, "recall": d["recall"].mean}
        for r in results if r.ok for label, d in r.per_class.items()
    ]
    return pd.DataFrame(rows, columns=["strategy", "class", "precision", "recall"])


def rank_strategies(results: Sequence[StrategyResult], *, metric: str) -> Ranking:
    """Order the strategies that ran by ``metric`` (best first) and say which are worth it.

    A strategy is *worth it* when the corrected resampled t-test finds it better
    than the baseline beyond the fold-to-fold noise (p < 0.05).
    """
    if metric not in HIGHER_IS_BETTER:
        raise RebalanceError(f"Unknown metric '{metric}'. Choose one of: {', '.join(METRICS)}.")
    ran = [r for r in results if r.ok and metric in r.metrics]
    higher = HIGHER_IS_BETTER[metric]
    ran.sort(key=lambda r: -r.metrics[metric].mean if higher else r.metrics[metric].mean)
    rows = []
    for rank, r in enumerate(ran, start=1):
        v = r.versus_baseline.get(metric)
        rows.append({
            "rank": rank,
            "strategy": r.name,
            "mean": r.metrics[metric].mean,
            "ci_low": r.metrics[metric].ci_low,
            "ci_high": r.metrics[metric].ci_high,
            "difference": v.difference if v else 0.0,
            "p_value": v.p_value if v else np.nan,
            "verdict": v.verdict if v else "baseline",
        })
    frame = pd.DataFrame(rows, columns=["rank", "strategy", "mean", "ci_low", "ci_high", "difference", "p_value", "verdict"])
    worth = tuple(frame.loc[frame["verdict"] == "better", "strategy"])
    worse = tuple(frame.loc[frame["verdict"] == "worse", "strategy"])
    label = METRIC_LABELS[metric]
    if not ran:
        summary = f"No strategy has a {label} yet."
    elif worth:
        best = worth[0]
        summary = (
            f"For {label}, {_names(worth)} beat the baseline by more than the fold-to-fold noise; "
            f"{best} is best ({frame.loc[frame['strategy'] == best, 'mean'].iloc[0]:.3f})."
        )
    else:
        summary = (
            f"For {label}, no strategy beats the baseline by more than the fold-to-fold noise: "
            "keep the data as it is, or try another model or metric."
        )
    if worse:
        summary += f" Worse than the baseline: {_names(worse)}."
    return Ranking(metric=metric, frame=frame, worth_it=worth, worse=worse, summary=summary)


def _names(names: Sequence[str]) -> str:
    return ", ".join(names)


# --- planning and running ------------------------------------------------------
def estimate_cost(
    n_rows: int, n_features: int, *, strategies: Sequence[str], folds: int, repeats: int, model: str = "logreg"
) -> CostEstimate:
    """A rough run-time estimate, before anything runs.

    One fold of the plain model is taken to cost ``n_rows * n_features * c``
    seconds (``c`` per model, measured on this project's benchmark machine:
    logreg 2e-7, hgb 6e-7, rf 3e-6); each strategy multiplies it by its
    ``cost_factor``; neighbour-based samplers add ``n_rows**2 * 1e-10`` per fold
    for the neighbour search. It is an order of magnitude, not a promise.

    Examples
    --------
    >>> est = estimate_cost(10_000, 10, strategies=["none", "smote"], folds=5, repeats=1)
    >>> round(est.per_strategy["none"], 3), round(est.per_strategy["smote"], 3)
    (0.1, 0.22)
    """
    c = {"logreg": 2e-7, "hgb": 6e-7, "rf": 3e-6}[model]
    per_fold = n_rows * max(n_features, 1) * c
    per: dict[str, float] = {}
    warnings = []
    for name in strategies:
        s = STRATEGIES[name]
        secs = per_fold * s.cost_factor
        if s.neighbour_based:
            secs += n_rows**2 * 1e-10
        per[name] = secs * folds * repeats
        if s.neighbour_based and n_rows > LARGE_ROWS and name not in ("smote", "adasyn", "borderline_smote"):
            warnings.append(
                f"{s.label} searches nearest neighbours among all {n_rows:,} rows in every fold: slow. "
                "Evaluate on a stratified subsample, or leave it out."
            )
    return CostEstimate(seconds=float(sum(per.values())), per_strategy=per, warnings=tuple(warnings))


def plan_comparison(
    df: pd.DataFrame,
    *,
    target: str,
    strategies: Sequence[str] | None = None,
    model: str = "logreg",
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    subsample: int | None = None,
    cost_ratio: float | None = None,
    threshold_objective: str = "balanced_accuracy",
) -> ComparisonPlan:
    """Validate the settings, build the features and fix the folds of a comparison.

    Parameters
    ----------
    df : DataFrame
    target : str
    strategies : names from :data:`STRATEGIES`; default :data:`DEFAULT_STRATEGIES`.
        ``none`` (the baseline) is always run first, added if missing.
    model : "logreg", "hgb" or "rf"
    folds, repeats : repeated stratified k-fold settings
    seed : seeds the folds, the samplers and the models
    subsample : evaluate on a stratified subsample of this many rows (stated in the result)
    cost_ratio : for ``class_weight`` on a binary target, the cost of a missed minority row
        relative to a majority row (default: balanced weights)
    threshold_objective : what ``threshold`` optimises: balanced_accuracy, f1 or mcc

    Raises
    ------
    UnknownStrategyError, UnknownModelError, TooFewRowsError, NoFeaturesError, RebalanceError,
    and the target errors of :func:`analysis.balance.validate_target`.

    Examples
    --------
    >>> df = pd.DataFrame({"x": range(40), "y": [0] * 30 + [1] * 10})
    >>> plan = plan_comparison(df, target="y", strategies=["random_over"], folds=2)
    >>> plan.strategies, len(plan.splits), plan.notes[0]
    (('none', 'random_over'), 2, "The baseline 'none' was added: every strategy is compared with it.")
    """
    from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split

    names = list(DEFAULT_STRATEGIES if strategies is None else strategies)
    unknown = [n for n in names if n not in STRATEGIES]
    if unknown:
        raise UnknownStrategyError(
            f"Unknown strategy {', '.join(repr(u) for u in unknown)}. Available: {', '.join(STRATEGIES)}."
        )
    if model not in MODELS:
        raise UnknownModelError(f"Unknown model '{model}'. Choose one of: {', '.join(MODELS)}.")
    if threshold_objective not in THRESHOLD_OBJECTIVES:
        raise RebalanceError(
            f"Unknown threshold objective '{threshold_objective}'. Choose one of: {', '.join(THRESHOLD_OBJECTIVES)}."
        )
    if not (isinstance(folds, (int, np.integer)) and 2 <= folds <= 20):
        raise RebalanceError(f"folds must be a whole number from 2 to 20; got {folds!r}.")
    if not (isinstance(repeats, (int, np.integer)) and 1 <= repeats <= 20):
        raise RebalanceError(f"repeats must be a whole number from 1 to 20; got {repeats!r}.")
    if cost_ratio is not None and not (cost_ratio > 0 and math.isfinite(cost_ratio)):
        raise RebalanceError(f"The cost ratio must be a positive number; got {cost_ratio!r}.")
    notes: list[str] = []
    deduped = list(dict.fromkeys(names))
    if "none" not in deduped:
        notes.append("The baseline 'none' was added: every strategy is compared with it.")
    ordered = ("none",) + tuple(n for n in deduped if n != "none")

    space = feature_space(df, target=target)
    rows_total = int(len(space.y))
    missing_labels = len(df) - rows_total
    if missing_labels:
        notes.append(f"{missing_labels:,} rows without a value in '{target}' were left out.")
    if space.dropped:
        notes.append(
            "Not used as features: " + ", ".join(f"'{k}' ({v})" for k, v in space.dropped.items()) + "."
        )
    if subsample is not None:
        if not (isinstance(subsample, (int, np.integer)) and subsample >= 2 * folds):
            raise RebalanceError(f"subsample must be a whole number of rows, at least {2 * folds}; got {subsample!r}.")
        if subsample < rows_total:
            keep, _ = train_test_split(
                np.arange(rows_total), train_size=int(subsample), stratify=space.y, random_state=seed
            )
            keep = np.sort(keep)
            space = _subset(space, keep)
            notes.append(
                f"Evaluated on a stratified subsample of {subsample:,} of the {rows_total:,} labelled rows "
                "(class shares kept): the numbers describe this subsample."
            )
        else:
            subsample = None
    if cost_ratio is not None and space.positive is None and "class_weight" in ordered:
        notes.append(
            f"The cost ratio applies to binary targets; with {space.n_classes} classes class_weight uses "
            "balanced weights (inverse class frequency)."
        )
    counts = np.bincount(space.y, minlength=space.n_classes)
    smallest = int(counts.min())
    if smallest < folds:
        label = space.classes[int(counts.argmin())]
        raise TooFewRowsError(
            f"Class {label!r} has {smallest} row{'s' if smallest != 1 else ''}; stratified {folds}-fold "
            f"cross-validation needs at least {folds} of every class. Use at most {max(smallest, 2)} folds "
            "(if it has 2 or more rows), or collect more rows of that class.",
            column=target,
        )
    cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    splits = tuple((tr.astype(np.int64), te.astype(np.int64)) for tr, te in cv.split(space.X, space.y))
    estimate = estimate_cost(
        len(space.y), space.X.shape[1], strategies=ordered, folds=folds, repeats=repeats, model=model
    )
    return ComparisonPlan(
        target=target,
        strategies=ordered,
        model=model,
        folds=int(folds),
        repeats=int(repeats),
        seed=int(seed),
        space=space,
        splits=splits,
        rows_total=rows_total,
        subsample=subsample,
        cost_ratio=cost_ratio,
        threshold_objective=threshold_objective,
        estimate=estimate,
        notes=tuple(notes),
    )


def _subset(space: FeatureSpace, keep: np.ndarray) -> FeatureSpace:
    return FeatureSpace(
        X=space.X[keep], y=space.y[keep], classes=space.classes, numeric=space.numeric,
        categorical=space.categorical, vocab=space.vocab, dropped=space.dropped, rows=space.rows[keep],
        positive=space.positive, integer_columns=space.integer_columns,
    )


def _class_train_rows(plan: ComparisonPlan) -> dict[Any, int]:
    """Smallest count of each class over the training folds (SMOTE's k must fit in every one)."""
    y = plan.space.y
    out = {}
    for k, label in enumerate(plan.space.classes):
        out[label] = int(min((y[tr] == k).sum() for tr, _ in plan.splits))
    return out


def _fit_fold(
    strategy: str,
    X: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    settings: dict,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Fit the strategy's pipeline on one training fold; predict its test fold. Runs in a worker."""
    start = time.perf_counter()
    settings = dict(settings)
    n_classes = settings.pop("n_classes")
    pipe = build_pipeline(strategy, **settings)
    try:
        pipe.fit(X[train], y[train])
    except (ValueError, RuntimeError) as exc:
        # A sampler may refuse data its up-front check could not foresee (e.g. ADASYN finding
        # no majority neighbours): reported as this strategy's skip reason, the others still run.
        return " ".join(str(exc).split())
    proba = pipe.predict_proba(X[test])
    if strategy == "threshold":
        pred = pipe.predict(X[test])  # the tuned threshold, not 0.5
    else:
        # predict() of these models is the most probable class: skip a second pass through the pipeline
        pred = pipe.classes_[proba.argmax(axis=1)]
    if proba.shape[1] != n_classes:  # a class absent from a training fold cannot happen with stratification
        return (
            f"after resampling, a training fold held {proba.shape[1]} of the {n_classes} classes "
            "(the sampler removed every row of a class)"
        )
    return test, np.asarray(pred, dtype=np.int64), proba.astype(np.float64), time.perf_counter() - start


def _settings(plan: ComparisonPlan) -> dict:
    s = plan.space
    return dict(
        n_numeric=s.n_numeric,
        n_categorical=len(s.categorical),
        model=plan.model,
        seed=plan.seed,
        positive=s.positive,
        class_weight=_class_weight(s, plan.cost_ratio),
        threshold_objective=plan.threshold_objective,
    )


def iter_comparison(
    plan: ComparisonPlan,
    *,
    n_jobs: int | None = None,
    done: dict[str, StrategyResult] | None = None,
) -> Iterator[FoldProgress | StrategyResult]:
    """Run a planned comparison, yielding progress after every fold and each strategy's result.

    Strategies run in order (the baseline first) as one stream of (strategy,
    fold) fits on ``n_jobs`` processes (default: 2 for data larger than 200,000
    cells x folds, else 1, where starting workers costs more than it saves), so
    both cores stay busy and results still arrive strategy by strategy. Results
    are identical whatever ``n_jobs`` is: every fold is seeded the same way.
    ``done`` holds results of this plan finished earlier (e.g. before an
    interrupted run): they are yielded again without being recomputed.

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(40.0), "y": [0] * 30 + [1] * 10})
    >>> plan = plan_comparison(df, target="y", strategies=["none"], folds=2)
    >>> [type(e).__name__ for e in iter_comparison(plan, n_jobs=1)]
    ['FoldProgress', 'FoldProgress', 'StrategyResult']
    """
    from joblib import Parallel, delayed

    space = plan.space
    if n_jobs is None:
        n_jobs = 2 if space.X.size * plan.folds > 200_000 else 1
    class_rows = _class_train_rows(plan)
    settings = _settings(plan)
    settings_run = {**settings, "n_classes": space.n_classes}
    runnable, skipped = [], {}
    for name in plan.strategies:
        reason = STRATEGIES[name].skip_reason(class_train_rows=class_rows, n_classes=space.n_classes)
        if name == "threshold" and reason is None:
            inner = min(class_rows.values()) * 2 // 3
            if inner < 2:
                reason = (
                    "Threshold moving tunes its threshold by an inner 3-fold cross-validation, which needs "
                    "at least 3 rows of every class in each training fold. Use class_weight instead."
                )
        if reason is None:
            runnable.append(name)
        else:
            skipped[name] = reason
    n_splits = len(plan.splits)
    todo = [n for n in runnable if not (done and n in done)]
    overall_total = n_splits * len(runnable)
    overall = 0
    baseline_values: dict[str, tuple[float, ...]] | None = None

    # One stream of (strategy, fold) fits, in order: both cores stay busy across strategy
    # boundaries, and results still arrive strategy by strategy.
    def tasks():
        for name in todo:
            for tr, te in plan.splits:
                yield delayed(_fit_fold)(name, space.X, space.y, tr, te, settings_run)

    with Parallel(n_jobs=n_jobs, return_as="generator") as parallel:
        stream = iter(parallel(tasks())) if todo else iter(())
        for name in plan.strategies:
            if done and name in done:
                result = done[name]
                if name == "none" and result.ok:
                    baseline_values = {m: s.values for m, s in result.metrics.items()}
                overall += n_splits if name in runnable else 0
                yield result
                continue
            if name in skipped:
                yield _skipped_result(name, skipped[name])
                continue
            outcomes, errors = [], []
            for k in range(1, n_splits + 1):
                outcome = next(stream)
                overall += 1
                (errors if isinstance(outcome, str) else outcomes).append(outcome)
                yield FoldProgress(name, k, n_splits, overall, overall_total)
            if errors:
                yield _skipped_result(name, f"{STRATEGIES[name].label} failed on this data: {errors[0]}")
                continue
            result = _summarise(plan, name, outcomes, baseline_values, sum(o[3] for o in outcomes))
            if name == "none":
                baseline_values = {m: s.values for m, s in result.metrics.items()}
            yield result


def _skipped_result(name: str, reason: str) -> StrategyResult:
    s = STRATEGIES[name]
    return StrategyResult(name=name, family=s.family, label=s.label, explanation=s.explanation, skipped=reason)


def _summarise(plan, name, outcomes, baseline_values, seconds) -> StrategyResult:
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import confusion_matrix, precision_recall_curve

    space = plan.space
    y, k, pos = space.y, space.n_classes, space.positive
    per_fold = [fold_metrics(y[te], pred, proba, n_classes=k, positive=pos) for te, pred, proba, _ in outcomes]
    ratio = plan.test_train_ratio
    names = [m for m in METRICS if pos is not None or m not in BINARY_ONLY]
    metrics = {m: _summary([f[m] for f in per_fold], ratio) for m in names}
    per_class = {
        str(label): {
            "precision": _summary([f[f"precision_{i}"] for f in per_fold], ratio),
            "recall": _summary([f[f"recall_{i}"] for f in per_fold], ratio),
        }
        for i, label in enumerate(space.classes)
    }
    versus = {}
    if baseline_values is not None:
        for m in names:
            d, t, p = corrected_resampled_ttest(metrics[m].values, baseline_values[m], test_train_ratio=ratio)
            versus[m] = Versus(d, t, p, _verdict(d, p, HIGHER_IS_BETTER[m]))
    # First repeat: every row is in exactly one test fold.
    n = len(y)
    oof_pred = np.full(n, -1, dtype=np.int64)
    oof_score = np.full(n, np.nan, dtype=np.float64) if pos is not None else None
    for te, pred, proba, _ in outcomes[: plan.folds]:
        oof_pred[te] = pred
        if pos is not None:
            oof_score[te] = proba[:, pos]
    confusion = confusion_matrix(y, oof_pred, labels=list(range(k)))
    pr = calibration = None
    if pos is not None:
        precision, recall, _ = precision_recall_curve(y == pos, oof_score)
        pr = _thin(recall, precision)
        prob_true, prob_pred = calibration_curve(y == pos, oof_score, n_bins=10, strategy="quantile")
        calibration = (prob_pred, prob_true)
    s = STRATEGIES[name]
    return StrategyResult(
        name=name, family=s.family, label=s.label, explanation=s.explanation,
        metrics=metrics, per_class=per_class, versus_baseline=versus, confusion=confusion,
        pr_curve=pr, calibration=calibration, oof_pred=oof_pred,
        oof_score=oof_score, seconds=seconds,
    )


def _thin(x: np.ndarray, y: np.ndarray, limit: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """At most ``limit`` points of a curve (evenly spaced, ends kept), enough to draw it."""
    if len(x) <= limit:
        return x, y
    idx = np.unique(np.linspace(0, len(x) - 1, limit).round().astype(int))
    return x[idx], y[idx]


def _summary(values: Sequence[float], ratio: float) -> MetricSummary:
    v = np.asarray(values, dtype=float)
    lo, hi = corrected_interval(v, test_train_ratio=ratio)
    return MetricSummary(
        mean=float(v.mean()), std=float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        ci_low=float(lo), ci_high=float(hi), values=tuple(float(x) for x in v),
    )


def _verdict(difference: float, p: float, higher_is_better: bool) -> str:
    if p >= _ALPHA or difference == 0:
        return "no clear difference"
    return "better" if (difference > 0) == higher_is_better else "worse"


def assemble_comparison(plan: ComparisonPlan, results: Sequence[StrategyResult]) -> Comparison:
    """Put the results of :func:`iter_comparison` (in any order) into a :class:`Comparison`."""
    by_name = {r.name: r for r in results}
    ordered = tuple(by_name[n] for n in plan.strategies if n in by_name)
    s = plan.space
    return Comparison(
        target=plan.target,
        model=plan.model,
        folds=plan.folds,
        repeats=plan.repeats,
        seed=plan.seed,
        classes=s.classes,
        positive_class=s.classes[s.positive] if s.positive is not None else None,
        strategies=ordered,
        rows_total=plan.rows_total,
        rows_used=plan.rows_used,
        subsample=plan.subsample,
        features=s.columns,
        dropped_features=s.dropped,
        notes=plan.notes + (ACCURACY_WARNING,),
    )


def compare_strategies(
    df: pd.DataFrame,
    *,
    target: str,
    strategies: Sequence[str] | None = None,
    model: str = "logreg",
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    subsample: int | None = None,
    cost_ratio: float | None = None,
    threshold_objective: str = "balanced_accuracy",
    n_jobs: int | None = None,
    callback: Callable[[FoldProgress | StrategyResult], None] | None = None,
) -> Comparison:
    """Cross-validate rebalancing strategies leakage-free and compare them with the baseline.

    See :func:`plan_comparison` for the parameters; ``callback`` receives every
    event of :func:`iter_comparison` (fold progress and finished strategies).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=60), "y": [0] * 48 + [1] * 12})
    >>> res = compare_strategies(df, target="y", strategies=["random_over"], folds=3, n_jobs=1)
    >>> [r.name for r in res.strategies], res.result("random_over").versus_baseline["mcc"].verdict
    (['none', 'random_over'], 'no clear difference')
    """
    plan = plan_comparison(
        df, target=target, strategies=strategies, model=model, folds=folds, repeats=repeats, seed=seed,
        subsample=subsample, cost_ratio=cost_ratio, threshold_objective=threshold_objective,
    )
    results = []
    for event in iter_comparison(plan, n_jobs=n_jobs):
        if callback is not None:
            callback(event)
        if isinstance(event, StrategyResult):
            results.append(event)
    return assemble_comparison(plan, results)


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _json_label(value: Any) -> Any:
    value = _py(value)
    return value if isinstance(value, (int, float, bool)) else str(value)
