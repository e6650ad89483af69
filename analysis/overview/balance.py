"""Class distribution and imbalance indicators of a classification target.

Verdict thresholds (on the imbalance ratio IR = largest class count / smallest
class count) follow the degrees of imbalance in Google's Machine Learning Crash
Course ("Imbalanced datasets": mild when the minority is 20-40% of the data,
moderate at 1-20%, extreme below 1%), which for two classes are IR 1.5, 4 and 99:

=========  ==================  ===============================
verdict    imbalance ratio     two classes: minority share
=========  ==================  ===============================
balanced   IR < 1.5            above 40%
mild       1.5 <= IR < 4       20% to 40%
severe     4 <= IR < 99        1% to 20%
extreme    IR >= 99            below about 1%
=========  ==================  ===============================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import RegressionTargetError, SingleClassError, TargetError, TooManyClassesError, require_column
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity, json_label, py_scalar
from ..schema import MAX_TARGET_CLASSES
from ..wording import spelled_apart

__all__ = [
    "check_labels",
    "class_balance_from_counts",
    "VERDICT_THRESHOLDS",
    "BalanceSettings",
    "ClassBalance",
    "class_balance",
    "imbalance_verdict",
    "validate_target",
]

#: Upper imbalance-ratio bounds of each verdict (see the module docstring).
VERDICT_THRESHOLDS: dict[str, float] = {"balanced": 1.5, "mild": 4.0, "severe": 99.0, "extreme": math.inf}

_VERDICT_TEXT = {
    "balanced": "The classes are balanced: plain accuracy and default thresholds are fine.",
    "mild": "Mild imbalance: most models cope, but report balanced accuracy or macro F1 rather than accuracy.",
    "severe": (
        "Severe imbalance: a model can look accurate while ignoring the minority class. Use "
        "PR AUC, balanced accuracy or MCC, and compare rebalancing strategies."
    ),
    "extreme": (
        "Extreme imbalance: the minority class is a tiny fraction. Accuracy is meaningless here; "
        "collect more minority examples if you can, use PR AUC, and try cost-sensitive learning "
        "or threshold moving before resampling."
    ),
}


@dataclass(frozen=True)
class BalanceSettings:
    """What the class-size warnings are checked against (hashable: the dashboard's cache key).

    Attributes
    ----------
    cv_folds : int
        Folds of the stratified cross-validation a user will run; classes with
        fewer rows are warned about.
    smote_k_neighbors : int
        SMOTE's ``k_neighbors``; classes with at most that many rows are warned about.
    """

    cv_folds: int = 5
    smote_k_neighbors: int = 5


@dataclass(frozen=True)
class ClassBalance(ResultMixin):
    """Class counts of a target and what they imply.

    ``counts`` and ``proportions`` are ordered from the largest class to the
    smallest; rows with a missing label are counted in ``n_missing`` only.
    The verdict's severity: balanced -> ok, mild -> info, severe -> warning,
    extreme -> critical.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {
        "balanced": "ok",
        "mild": "info",
        "severe": "warning",
        "extreme": "critical",
    }

    target: str
    counts: dict[Any, int]
    proportions: dict[Any, float]
    imbalance_ratio: float
    normalized_entropy: float
    minority_class: Any
    minority_count: int
    majority_class: Any
    majority_count: int
    n_missing: int
    verdict: str
    verdict_text: str
    warnings: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        return len(self.counts)

    @property
    def n_labeled(self) -> int:
        return sum(self.counts.values())

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "class": list(self.counts),
                "count": list(self.counts.values()),
                "proportion": list(self.proportions.values()),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {str(k): v for k, v in self.counts.items()},
            "proportions": {str(k): v for k, v in self.proportions.items()},
            "imbalance_ratio": self.imbalance_ratio,
            "normalized_entropy": self.normalized_entropy,
            "minority_class": json_label(self.minority_class),
            "minority_count": self.minority_count,
            "majority_class": json_label(self.majority_class),
            "majority_count": self.majority_count,
            "n_classes": self.n_classes,
            "missing_labels": self.n_missing,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "warnings": list(self.warnings),
        }


def imbalance_verdict(imbalance_ratio: float) -> str:
    """Name the degree of imbalance (see the module docstring for the thresholds)."""
    for name, upper in VERDICT_THRESHOLDS.items():
        if imbalance_ratio < upper:
            return name
    return "extreme"


def validate_target(df: pd.DataFrame, target: str) -> pd.Series:
    """Check that ``target`` is a usable class label; return its non-missing values."""
    require_column(df.columns, target, role="target column")
    labels = df[target].dropna()
    check_labels(labels, target=target, n_rows=len(df))
    return labels


def check_labels(labels: pd.Series, *, target: str, n_rows: int) -> None:
    """Check the non-missing labels of ``target`` (in the column's dtype, repeats allowed) make a class label.

    The pandas path passes the column's values; an engine passes the keys of its
    ``GROUP BY target`` (:mod:`analysis.engines`), so both refuse the same columns with the same words.
    """
    n_unique = int(labels.nunique())
    if n_unique == 0:
        raise TargetError(
            f"The target '{target}' has no values (all {n_rows:,} rows are empty). Pick another column.",
            column=target,
        )
    if n_unique == 1:
        raise SingleClassError(
            f"The target '{target}' needs at least 2 classes; got 1 ({labels.iloc[0]!r}). "
            "Pick another column, or add rows of the other classes.",
            column=target,
        )
    if pd.api.types.is_numeric_dtype(labels.dtype) and not pd.api.types.is_bool_dtype(labels.dtype):
        fractional = bool((np.asarray(labels, dtype=float) % 1 != 0).any())
        if n_unique > MAX_TARGET_CLASSES or (fractional and n_unique > 20):
            raise RegressionTargetError(
                f"The target '{target}' has {n_unique:,} distinct numeric values, so it looks like a "
                "regression target; class balance needs a categorical label. Pick a label column, "
                "or bin this one into classes first.",
                column=target,
            )
    if n_unique > MAX_TARGET_CLASSES:
        raise TooManyClassesError(
            f"The target '{target}' has {n_unique:,} distinct values; at most {MAX_TARGET_CLASSES} "
            "classes are supported. Pick a label column with fewer classes, or group rare values.",
            column=target,
        )


@takes_table("df")
def class_balance(
    df: pd.DataFrame, *, target: str, cv_folds: int = 5, smote_k_neighbors: int = 5
) -> ClassBalance:
    """Class counts, imbalance ratio, normalized entropy and a verdict.

    Parameters
    ----------
    df : DataFrame
    target : str
        The label column.
    cv_folds : int
        Folds of the stratified cross-validation a user will run; classes with
        fewer rows are warned about.
    smote_k_neighbors : int
        SMOTE's ``k_neighbors``; classes with at most that many rows are warned about.

    Returns
    -------
    ClassBalance

    Raises
    ------
    ColumnNotFoundError, SingleClassError, RegressionTargetError, TooManyClassesError, TargetError

    Examples
    --------
    >>> cb = class_balance(pd.DataFrame({"y": ["a"] * 9 + ["b"] * 3}), target="y")
    >>> cb.imbalance_ratio, cb.minority_class, cb.verdict
    (3.0, 'b', 'mild')
    """
    labels = validate_target(df, target)
    return class_balance_from_counts(
        labels.value_counts(sort=False), target=target, n_rows=len(df), cv_folds=cv_folds,
        smote_k_neighbors=smote_k_neighbors,
    )


def class_balance_from_counts(
    counts_series: pd.Series, *, target: str, n_rows: int, cv_folds: int = 5, smote_k_neighbors: int = 5
) -> ClassBalance:
    """The class balance from the rows per non-missing label (index: the labels; ``n_rows`` counts all rows).

    :func:`class_balance` counts with pandas; :mod:`analysis.engines` counts with DuckDB or Spark
    (``GROUP BY target``). Everything after the counts is this one function. The caller has
    checked the labels (:func:`check_labels`).
    """
    # Largest first; ties keep a stable order by label text.
    order = sorted(counts_series.index, key=lambda k: (-int(counts_series[k]), str(k)))
    counts = {py_scalar(k): int(counts_series[k]) for k in order}
    n = sum(counts.values())
    proportions = {k: c / n for k, c in counts.items()}
    values = np.fromiter(counts.values(), dtype=float)
    p = values / n
    entropy = float(-(p * np.log(p)).sum())
    normalized_entropy = entropy / math.log(len(counts))
    majority_class, majority_count = next(iter(counts.items()))
    minority_class, minority_count = list(counts.items())[-1]
    ratio = majority_count / minority_count
    verdict = imbalance_verdict(ratio)
    warnings = _warnings(
        target, counts, n_rows - n, majority_class, proportions[majority_class], cv_folds, smote_k_neighbors
    )
    return ClassBalance(
        target=target,
        counts=counts,
        proportions=proportions,
        imbalance_ratio=float(ratio),
        normalized_entropy=float(min(1.0, normalized_entropy)),
        minority_class=minority_class,
        minority_count=minority_count,
        majority_class=majority_class,
        majority_count=majority_count,
        n_missing=int(n_rows - n),
        verdict=verdict,
        verdict_text=_VERDICT_TEXT[verdict],
        warnings=tuple(warnings),
    )


def _warnings(
    target: str,
    counts: dict[Any, int],
    n_missing: int,
    majority_class: Any,
    majority_share: float,
    cv_folds: int,
    k_neighbors: int,
) -> list[str]:
    out: list[str] = []
    if n_missing:
        out.append(
            f"{n_missing:,} row{'s have' if n_missing != 1 else ' has'} no value in '{target}'; "
            "left out of the class counts."
        )
    for group in spelled_apart(counts):
        listed = " and ".join(f"{k!r} ({c:,})" for k, c in group)
        out.append(
            f"{listed} differ only in case or spaces: every model treats them as different classes of '{target}'. "
            "Merge them before training if they are one class."
        )
    too_small_cv = [(k, c) for k, c in counts.items() if c < cv_folds]
    if too_small_cv:
        listed = _listed(too_small_cv)
        out.append(
            f"Fewer rows than the {cv_folds} folds of stratified cross-validation in: {listed}. "
            "Some test folds would miss these classes; use fewer folds or collect more rows."
        )
    too_small_smote = [(k, c) for k, c in counts.items() if c < k_neighbors + 1]
    if too_small_smote:
        listed = _listed(too_small_smote)
        out.append(
            f"SMOTE needs at least k_neighbors + 1 = {k_neighbors + 1} rows of a class; these have "
            f"fewer: {listed}. Lower k_neighbors or use random oversampling for them."
        )
    if majority_share >= 0.9:
        out.append(
            f"A model that always answers {majority_class!r} would score {majority_share:.1%} accuracy "
            "while never finding the other classes: judge models by balanced accuracy, macro F1, MCC or PR AUC."
        )
    return out


#: Classes named in one warning; the rest are counted ("and 9 more").
MAX_LISTED_CLASSES = 8


def _listed(classes: list[tuple[Any, int]]) -> str:
    """``'a' (3), 'b' (2)``, at most :data:`MAX_LISTED_CLASSES` of them, then how many more.

    >>> _listed([(f"c{i}", 1) for i in range(10)])
    "'c0' (1), 'c1' (1), 'c2' (1), 'c3' (1), 'c4' (1), 'c5' (1), 'c6' (1), 'c7' (1) and 2 more"
    """
    shown = ", ".join(f"{k!r} ({c})" for k, c in classes[:MAX_LISTED_CLASSES])
    rest = len(classes) - MAX_LISTED_CLASSES
    return shown + (f" and {rest} more" if rest > 0 else "")
