"""Rows whose label looks wrong: out-of-fold probabilities + confident learning (cleanlab).

For one label column, every row gets a predicted class distribution from a
model that never saw that row (scikit-learn's ``cross_val_predict`` with a
stratified K-fold and a pipeline fitted inside each fold: median imputation and
scaling of numbers, one-hot encoding of categories, TF-IDF of free text).
cleanlab's ``find_label_issues`` (confident learning, Northcutt et al. 2021,
"prune by noise rate") then flags the rows whose given label is unlikely, and
``get_label_quality_scores`` (self-confidence: the out-of-fold probability of
the given label) ranks them, lowest first. The suggested label is the most
probable class. Conflicting duplicates (identical features, different labels)
come from :func:`analysis.overview.duplicate_summary` on the same features.

Model quality comes first: disagreements with a model that predicts no better
than always answering the most common class are not evidence of wrong labels.
The out-of-fold accuracy gets a 95% Wilson score interval (a binomial
proportion over the checked rows; Wilson because it stays inside [0, 1] and
keeps its coverage near 0 and 1, Brown, Cai & DasGupta 2001); the suspects are
*reliable* only when the interval's lower end is above the majority-class
share (the accuracy of the majority-class baseline). Otherwise the result says
so and the dashboard offers no corrections.

cleanlab runs in-process (``n_jobs=1``): its default forks a multiprocessing
pool, and a fork inside the multi-threaded Streamlit server can hang forever
(issue 10). Its pruning also keeps module-level globals, so calls are serialised
with a lock (two dashboard sessions run in threads of one process).
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..candidates import NOT_FEATURE_ROLES
from ..errors import LabelIssuesError, require_column
from ..features import FeatureSpec, label_issue_features, spec_for_prepared, tfidf_note
from ..intake.frames import takes_table
from ..models import MODELS, make_classifier
from ..overview import DuplicateSummary, duplicate_summary, validate_target
from ..results import ResultMixin, Severity, json_label, py_scalar
from ..schema import infer_schema

__all__ = [
    "MODELS",
    "LabelIssues",
    "ModelQuality",
    "apply_corrections",
    "label_issues",
    "model_quality",
    "out_of_fold_probabilities",
    "suspects",
]

#: Confidence level of the interval on the out-of-fold accuracy that decides reliability.
RELIABILITY_CONFIDENCE = 0.95

# cleanlab's pruning writes module-level globals (cleanlab.filter) even with n_jobs=1:
# two sessions of the dashboard (threads of one process) must not interleave there.
_CLEANLAB_LOCK = threading.Lock()


@dataclass(frozen=True)
class ModelQuality:
    """How well the out-of-fold model predicts the given labels, against the majority-class baseline.

    Attributes
    ----------
    name : str
        The model (a key of :data:`analysis.models.MODELS`).
    n : int
        Rows scored (the checked rows).
    oof_accuracy, oof_balanced_accuracy : float
        Accuracy and balanced accuracy (mean recall over classes) of the
        out-of-fold predictions (the most probable class per row).
    baseline_accuracy : float
        Share of the most common class: the accuracy of always predicting it.
    chance_balanced_accuracy : float
        ``1 / n_classes``: the balanced accuracy of any constant prediction.
    accuracy_low, accuracy_high : float
        95% Wilson score interval of the out-of-fold accuracy.
    """

    name: str
    n: int
    oof_accuracy: float
    oof_balanced_accuracy: float
    baseline_accuracy: float
    chance_balanced_accuracy: float
    accuracy_low: float
    accuracy_high: float

    @property
    def reliable(self) -> bool:
        """True when the accuracy's interval lies above the baseline: the model is clearly better."""
        return bool(self.accuracy_low > self.baseline_accuracy)

    @property
    def text(self) -> str:
        return (
            f"out-of-fold accuracy {self.oof_accuracy:.3f} (95% interval {self.accuracy_low:.3f} to "
            f"{self.accuracy_high:.3f}), balanced accuracy {self.oof_balanced_accuracy:.3f}; always predicting "
            f"the most common class: accuracy {self.baseline_accuracy:.3f}, balanced accuracy "
            f"{self.chance_balanced_accuracy:.3f}"
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "oof_accuracy": self.oof_accuracy,
            "oof_balanced_accuracy": self.oof_balanced_accuracy,
            "baseline_accuracy": self.baseline_accuracy,
            "chance_balanced_accuracy": self.chance_balanced_accuracy,
            "accuracy_ci_low": self.accuracy_low,
            "accuracy_ci_high": self.accuracy_high,
            "confidence": RELIABILITY_CONFIDENCE,
            "n": self.n,
        }


def model_quality(given: np.ndarray, pred_probs: np.ndarray, *, name: str) -> ModelQuality:
    """Out-of-fold accuracy and balanced accuracy of ``pred_probs`` against the majority-class baseline.

    Parameters
    ----------
    given : array of int
        The given class codes ``0 .. K-1``.
    pred_probs : array, shape (n, K)
        Out-of-fold predicted probabilities.
    name : str
        The model's name, reported as it is.

    Examples
    --------
    >>> q = model_quality(np.array([0, 0, 0, 1]), np.array([[.9, .1], [.8, .2], [.4, .6], [.3, .7]]), name="m")
    >>> q.oof_accuracy, q.oof_balanced_accuracy, q.baseline_accuracy, q.reliable
    (0.75, 0.8333333333333333, 0.75, False)
    """
    from sklearn.metrics import accuracy_score, balanced_accuracy_score
    from statsmodels.stats.proportion import proportion_confint

    given = np.asarray(given)
    predicted = np.asarray(pred_probs).argmax(axis=1)
    n_classes = np.asarray(pred_probs).shape[1]
    n = int(len(given))
    correct = int((predicted == given).sum())
    low, high = proportion_confint(correct, n, alpha=1 - RELIABILITY_CONFIDENCE, method="wilson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class never predicted is fine here
        balanced = float(balanced_accuracy_score(given, predicted))
    return ModelQuality(
        name=name,
        n=n,
        oof_accuracy=float(accuracy_score(given, predicted)),
        oof_balanced_accuracy=balanced,
        baseline_accuracy=float(np.bincount(given, minlength=n_classes).max() / max(n, 1)),
        chance_balanced_accuracy=1.0 / n_classes,
        accuracy_low=float(low),
        accuracy_high=float(high),
    )


@dataclass(frozen=True, eq=False)
class LabelIssues(ResultMixin):
    """Label-error suspects of one label column.

    Attributes
    ----------
    target, model : str
    folds : int
        Cross-validation folds used for the out-of-fold probabilities.
    features : tuple of str
        Columns the model used.
    classes : tuple
        The label values, in the order of ``pred_probs`` columns.
    checked_rows : ndarray of int
        0-based data rows that were checked (rows with a label).
    pred_probs : ndarray, shape (n_checked, n_classes)
        Out-of-fold predicted probabilities.
    quality : ndarray
        Label-quality score per checked row (cleanlab self-confidence, 0..1, low = suspicious).
    flagged : ndarray of int
        Positions into ``checked_rows`` flagged by confident learning, most suspicious first.
    duplicates : DuplicateSummary
        Exact duplicates and conflicting duplicates on the same features.
    performance : ModelQuality
        Out-of-fold accuracy and balanced accuracy against the majority-class
        baseline; when the model is not clearly better (``reliable`` False) the
        flags are not evidence of wrong labels and the verdict is 'unreliable'.
    """

    target: str
    model: str
    folds: int
    features: tuple[str, ...]
    classes: tuple[Any, ...]
    checked_rows: np.ndarray
    given: np.ndarray
    pred_probs: np.ndarray
    quality: np.ndarray
    flagged: np.ndarray
    duplicates: DuplicateSummary
    performance: ModelQuality
    notes: tuple[str, ...] = ()

    SEVERITY: ClassVar[dict[str, Severity]] = {"suspects": "warning", "none_flagged": "ok", "unreliable": "info"}

    @property
    def n_flagged(self) -> int:
        return int(len(self.flagged))

    @property
    def reliable(self) -> bool:
        """Whether the model is clearly better than the majority-class baseline (see :class:`ModelQuality`)."""
        return self.performance.reliable

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        """'unreliable' when the model is not clearly better than the baseline, else 'suspects' or 'none_flagged'."""
        if not self.reliable:
            return "unreliable"
        return "suspects" if self.n_flagged else "none_flagged"

    @property
    def verdict_text(self) -> str:
        checked = len(self.checked_rows)
        q = self.performance
        if not self.reliable:
            return (
                f"No reliable label suspects: the {MODELS[self.model]} predicts '{self.target}' no clearly better "
                f"than always answering the most common class (out-of-fold accuracy {q.oof_accuracy:.3f}, 95% "
                f"interval {q.accuracy_low:.3f} to {q.accuracy_high:.3f}, against {q.baseline_accuracy:.3f}). "
                f"Its disagreements with the labels ({self.n_flagged:,} rows flagged) are not evidence of label "
                "errors; use features that predict the label, or review labels another way."
            )
        if not self.n_flagged:
            return f"No label suspects: confident learning flags none of the {checked:,} labelled rows."
        return (
            f"Label suspects: {self.n_flagged:,} of {checked:,} labelled rows ({self.n_flagged / max(checked, 1):.1%}) "
            "have a label that the model trained on the other rows finds unlikely."
        )

    @property
    def suggested(self) -> np.ndarray:
        return self.pred_probs.argmax(axis=1)

    def to_frame(self) -> pd.DataFrame:
        """The flagged rows, most suspicious first: row, given, suggested, score, suggested_probability."""
        f = self.flagged
        classes = np.array(self.classes, dtype=object)
        return pd.DataFrame(
            {
                "row": self.checked_rows[f],
                "given": classes[self.given[f]],
                "suggested": classes[self.suggested[f]],
                "score": self.quality[f],
                "suggested_probability": self.pred_probs[f].max(axis=1),
            }
        )

    def to_dict(self) -> dict:
        frame = self.to_frame()
        return {
            "target": self.target,
            # How good the model is (issue 10): the flags only count as label errors when `reliable`.
            "model": self.performance.to_dict(),
            "reliable": self.reliable,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "folds": self.folds,
            "features": list(self.features),
            "classes": [json_label(c) for c in self.classes],
            "n_checked": int(len(self.checked_rows)),
            "n_flagged": self.n_flagged,
            "rows": [
                {"row": int(row), "given": json_label(given), "suggested": json_label(suggested), "score": float(score)}
                for row, given, suggested, score in zip(frame["row"], frame["given"], frame["suggested"], frame["score"])
            ],
            "conflicting_duplicates": self.duplicates.conflicting_duplicates,
            "conflicting_groups": self.duplicates.conflicting_groups,
            "conflict_rows": list(self.duplicates.conflict_rows),
            "notes": list(self.notes),
        }


@takes_table("df")
def label_issues(
    df: pd.DataFrame,
    *,
    target: str,
    model: str = "logreg",
    features: Sequence[str] | None = None,
    folds: int = 5,
    seed: int = 0,
    exclude: Sequence[str] = (),
) -> LabelIssues:
    """Flag rows whose label disagrees with what the other columns predict.

    Parameters
    ----------
    df : DataFrame
    target : str
        The label column. Rows without a label are not checked.
    model : {'logreg', 'hgb', 'rf'}
        Logistic regression, histogram gradient boosting or a random forest.
    features : sequence of str, optional
        Feature columns; default every other column except identifiers, dates
        and constants (free-text columns are used through TF-IDF).
    folds : int
        Stratified K-fold splits (lowered to the smallest class count if needed).
    seed : int
        Seed of the fold shuffling and of the models.
    exclude : sequence of str, optional
        Columns never used as features (suspected label leaks the user chose to exclude).

    Returns
    -------
    LabelIssues

    Raises
    ------
    ColumnNotFoundError, SingleClassError, RegressionTargetError, TooManyClassesError, LabelIssuesError

    Examples
    --------
    >>> x = np.linspace(-3, 3, 200)
    >>> y = np.where(x > 0, "pos", "neg")
    >>> y[[10, 190]] = ["pos", "neg"]  # two wrong labels, far from the boundary
    >>> res = label_issues(pd.DataFrame({"x": x, "y": y}), target="y")
    >>> res.to_frame()[["row", "given", "suggested"]].values.tolist()
    [[190, 'neg', 'pos'], [10, 'pos', 'neg']]
    """
    if model not in MODELS:
        raise LabelIssuesError(f"Unknown model '{model}'; choose one of {', '.join(MODELS)}.", column=target)
    if not isinstance(folds, (int, np.integer)) or folds < 2:
        raise LabelIssuesError(f"folds must be an integer >= 2; got {folds!r}.", column=target)
    labels = validate_target(df, target)
    features = _choose_features(df, target, features)
    kept = np.flatnonzero(df[target].notna().to_numpy())
    codes, classes = pd.factorize(labels, sort=True)
    counts = np.bincount(codes, minlength=len(classes))
    smallest = int(counts.argmin())
    if counts[smallest] < 2:
        raise LabelIssuesError(
            f"The class {classes[smallest]!r} of '{target}' has {counts[smallest]} row; out-of-fold checking "
            "needs at least 2 rows per class. Merge or drop that class first.",
            column=target,
        )
    n_splits = int(min(folds, counts.min()))
    notes = []
    if n_splits < folds:
        notes.append(
            f"Used {n_splits} folds instead of {folds}: the class {classes[smallest]!r} has only {counts[smallest]} rows."
        )
    # The shared feature builder (analysis.features), on the rows that carry a label.
    spec, x = label_issue_features(df.iloc[kept], target=target, features=features, dense=model == "hgb",
                                   exclude=tuple(exclude))
    if spec.text:  # say so, as the rebalancing lab does: a text column is a model feature here too
        notes.append(tfidf_note(spec.text, spec.text_max_features, spec.text_min_df, spec.text_ngram_range))
    left_out = [str(c) for c in exclude if c in df.columns and c != target]
    if left_out:
        notes.append("Not used as features (suspected label leaks, excluded): "
                     + ", ".join(f"'{c}'" for c in left_out) + ".")
    pred_probs = _out_of_fold(spec, x, codes, model=model, folds=n_splits, seed=seed)

    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    # n_jobs=1: no multiprocessing pool inside the server (it can hang there); the lock: cleanlab's globals.
    with _CLEANLAB_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cleanlab warns on tiny classes; the result still stands
        flagged = find_label_issues(codes, pred_probs, return_indices_ranked_by="self_confidence", n_jobs=1)
        quality = get_label_quality_scores(codes, pred_probs, method="self_confidence")
    dups = duplicate_summary(df[list(features) + [target]], target=target)
    return LabelIssues(
        target=target,
        model=model,
        folds=n_splits,
        features=tuple(features),
        classes=tuple(py_scalar(c) for c in classes),
        checked_rows=kept,
        given=codes,
        pred_probs=pred_probs,
        quality=np.asarray(quality, dtype=float),
        flagged=np.asarray(flagged, dtype=np.int64),
        duplicates=dups,
        performance=model_quality(codes, pred_probs, name=model),
        notes=tuple(notes),
    )


def out_of_fold_probabilities(
    x: pd.DataFrame, y: np.ndarray, *, model: str = "logreg", folds: int = 5, seed: int = 0
) -> np.ndarray:
    """Out-of-fold ``predict_proba`` of the chosen model pipeline (stratified, shuffled K-fold).

    ``x`` holds prepared features (numbers as floats, categories and text as
    strings: :func:`analysis.features.prepare_frame`); ``y`` integer class codes ``0 .. K-1``.
    """
    spec = spec_for_prepared(x, dense=model == "hgb")
    return _out_of_fold(spec, x, y, model=model, folds=folds, seed=seed)


def _out_of_fold(spec: FeatureSpec, x: pd.DataFrame, y: np.ndarray, *, model: str, folds: int, seed: int) -> np.ndarray:
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import Pipeline

    from ..splits import duplicate_safe_kfold
    from ..threads import one_thread

    # Probabilities matter here, not only rankings: a bigger, smoother forest and a fully converged fit.
    estimator = make_classifier(model, seed=seed, max_iter=2000, n_estimators=200, min_samples_leaf=2)
    pipeline = Pipeline([("features", spec.build()), ("model", estimator)])
    cv = duplicate_safe_kfold(x, y, folds=folds, seed=seed)  # identical rows stay in one fold
    # OpenMP (HistGradientBoosting) on every core spin-waits badly when the machine is shared
    # (measured: 18 s instead of 0.8 s for 1,200 rows on 2 busy cores); use half of them.
    threads = max(1, (os.cpu_count() or 2) // 2)
    with warnings.catch_warnings(), one_thread("openmp", limits=threads):
        warnings.simplefilter("ignore", category=UserWarning)  # unknown categories in a fold are expected
        return cross_val_predict(pipeline, x, y, cv=cv, method="predict_proba")


def apply_corrections(df: pd.DataFrame, *, target: str, corrections: Mapping[int, Any]) -> pd.DataFrame:
    """A copy of ``df`` with ``<target>_corrected`` (accepted suggestions applied) and ``label_corrected``.

    ``corrections`` maps 0-based data rows to their new label. The original
    columns are unchanged.

    Examples
    --------
    >>> out = apply_corrections(pd.DataFrame({"y": ["a", "b"]}), target="y", corrections={1: "a"})
    >>> out["y_corrected"].tolist(), out["label_corrected"].tolist()
    (['a', 'a'], [False, True])
    """
    require_column(list(df.columns), target, role="label column")
    bad = [r for r in corrections if not 0 <= int(r) < len(df)]
    if bad:
        raise LabelIssuesError(
            f"Corrections name rows outside 0 .. {len(df) - 1}: {bad[:5]}. Recompute the suspects on this data.",
            column=target,
        )
    out = df.copy()
    corrected = df[target].astype(object).to_numpy(copy=True)
    changed = np.zeros(len(df), dtype=bool)
    for row, label in corrections.items():
        corrected[int(row)] = label
        changed[int(row)] = True
    out[f"{target}_corrected"] = corrected
    out["label_corrected"] = changed
    return out


def suspects(df: pd.DataFrame, result: LabelIssues, *, n: int = 100) -> pd.DataFrame:
    """The ``n`` most suspicious flagged rows with their feature columns (for review before correcting).

    Examples
    --------
    >>> x = np.linspace(-3, 3, 100)
    >>> y = np.where(x > 0, "pos", "neg")
    >>> y[5] = "pos"
    >>> df = pd.DataFrame({"x": x, "y": y})
    >>> suspects(df, label_issues(df, target="y"), n=1)[["row", "given", "suggested"]].values.tolist()
    [[5, 'pos', 'neg']]
    """
    top = result.to_frame().head(n).reset_index(drop=True)
    features = df.iloc[top["row"].to_numpy()][list(result.features)].reset_index(drop=True)
    return pd.concat([top, features.rename(columns={c: f"{c} (data)" for c in features.columns if c in top.columns})], axis=1)


# --- private helpers -------------------------------------------------------------
def _choose_features(df: pd.DataFrame, target: str, features: Sequence[str] | None) -> list[str]:
    if features is not None:
        chosen = [str(f) for f in features]
        for f in chosen:
            require_column(list(df.columns), f, role="feature column")
        if target in chosen:
            raise LabelIssuesError(f"The target '{target}' cannot also be a feature.", column=target)
    else:
        schema = infer_schema(df.drop(columns=[target]))
        chosen = [c.name for c in schema.columns if c.role not in NOT_FEATURE_ROLES]
    if not chosen:
        raise LabelIssuesError(
            f"No column can predict '{target}': every other column is an identifier, a date or constant. "
            "Add feature columns, or name them with features=.",
            column=target,
            available=[str(c) for c in df.columns],
        )
    return chosen
