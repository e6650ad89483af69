"""Building blocks of the strategies' pipelines: preprocessing of a feature-space array, the model.

Every array here is a :class:`~analysis.rebalance.space.FeatureSpace` array:
numbers first, then category codes. The preprocessing is
:class:`analysis.features.FeatureSpec` over those positions, the same
specification the recipe snippet prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..features import FeatureSpec
from ..models import make_classifier

__all__ = ["PipelineSettings", "THRESHOLD_OBJECTIVES"]

THRESHOLD_OBJECTIVES = ("balanced_accuracy", "f1", "mcc")


@dataclass(frozen=True)
class PipelineSettings:
    """What a strategy needs to build its pipeline: the array's layout, the model and its settings."""

    n_numeric: int
    n_categorical: int
    model: str = "logreg"
    seed: int = 0
    positive: int | None = None
    class_weight: Any = "balanced"
    threshold_objective: str = "balanced_accuracy"


def _spec(n_numeric: int, n_categorical: int, *, onehot: bool) -> FeatureSpec:
    return FeatureSpec(
        numeric=tuple(range(n_numeric)),
        categorical=tuple(range(n_numeric, n_numeric + n_categorical)),
        categorical_encoding="onehot" if onehot else "codes",
    )


def _preprocess(n_numeric: int, n_categorical: int, *, onehot: bool) -> Any:
    """Imputation and scaling of numbers; imputation (and one-hot encoding) of category codes."""
    return _spec(n_numeric, n_categorical, onehot=onehot).build()


def _onehot_codes(n_numeric: int, n_categorical: int) -> Any:
    """After a sampler in the ordinal space: one-hot the (imputed) category codes, keep numbers."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    parts: list[Any] = []
    if n_numeric:
        parts.append(("num", "passthrough", list(range(n_numeric))))
    parts.append((
        "cat",
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
        list(range(n_numeric, n_numeric + n_categorical)),
    ))
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)


def _model(s: PipelineSettings, class_weight: Any = None) -> Any:
    return make_classifier(s.model, seed=s.seed, class_weight=class_weight)


def _plain(s: PipelineSettings, model: Any) -> Any:
    from imblearn.pipeline import Pipeline

    return Pipeline([("prepare", _preprocess(s.n_numeric, s.n_categorical, onehot=True)), ("model", model)])


def _threshold_scorer(objective: str, positive: int | None) -> Any:
    from sklearn.metrics import f1_score, make_scorer, matthews_corrcoef

    if objective == "f1":
        return make_scorer(f1_score, pos_label=positive if positive is not None else 1)
    if objective == "mcc":
        return make_scorer(matthews_corrcoef)
    return "balanced_accuracy"
