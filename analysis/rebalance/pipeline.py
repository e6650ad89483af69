"""Building blocks of the strategies' pipelines: preprocessing of a feature-space array, the model.

Every input here is :attr:`~analysis.rebalance.space.FeatureSpace.inputs`:
numbers first, then category codes, then free-text columns (if any). The
preprocessing is :class:`analysis.features.FeatureSpec` over those positions,
the same specification the recipe snippet prints. Text columns become TF-IDF
features (:func:`text_limits`) fitted inside the pipeline, so only on training
folds, before any sampler; the matrix is then sparse, except for a model that
needs a dense one (histogram gradient boosting: at most 300 terms per column).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..features import FeatureSpec
from ..models import MODEL_REGISTRY, make_classifier

__all__ = ["PipelineSettings", "THRESHOLD_OBJECTIVES", "text_limits"]

#: TF-IDF limits per text column: (max_features, min_df, ngram_range), sparse and dense (as label issues).
TEXT_SPARSE = (20_000, 2, (1, 2))
TEXT_DENSE = (300, 2, (1, 2))


def text_limits(model: str) -> tuple[int, int, tuple[int, int]]:
    """The TF-IDF limits for ``model``: 20,000 terms (sparse), or 300 for a model that needs a dense matrix.

    >>> text_limits("logreg"), text_limits("hgb")
    ((20000, 2, (1, 2)), (300, 2, (1, 2)))
    """
    return TEXT_SPARSE if MODEL_REGISTRY[model].accepts_sparse else TEXT_DENSE

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
    #: free-text columns after the category codes (TF-IDF inside the pipeline)
    n_text: int = 0


def _spec(n_numeric: int, n_categorical: int, *, onehot: bool, n_text: int = 0, model: str = "logreg") -> FeatureSpec:
    base = FeatureSpec(
        numeric=tuple(range(n_numeric)),
        categorical=tuple(range(n_numeric, n_numeric + n_categorical)),
        categorical_encoding="onehot" if onehot else "codes",
    )
    if not n_text:
        return base  # exactly the specification without text (the same numbers as before text was used)
    start = n_numeric + n_categorical
    max_features, min_df, ngrams = text_limits(model)
    return replace(base, text=tuple(range(start, start + n_text)), sparse=MODEL_REGISTRY[model].accepts_sparse,
                   text_max_features=max_features, text_min_df=min_df, text_ngram_range=ngrams)


def _preprocess(n_numeric: int, n_categorical: int, *, onehot: bool, n_text: int = 0, model: str = "logreg") -> Any:
    """Imputation and scaling of numbers; imputation (and one-hot encoding) of category codes; TF-IDF of texts."""
    return _spec(n_numeric, n_categorical, onehot=onehot, n_text=n_text, model=model).build()


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

    prepare = _preprocess(s.n_numeric, s.n_categorical, onehot=True, n_text=s.n_text, model=s.model)
    return Pipeline([("prepare", prepare), ("model", model)])


