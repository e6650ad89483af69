"""The classifiers a user can choose, shared by the rebalancing lab and the label-error finder."""

from __future__ import annotations

__all__ = ["MODELS", "make_classifier"]

#: Public model names (CLI choices, UI options) -> what to call them in prose.
MODELS: dict[str, str] = {
    "logreg": "logistic regression",
    "hgb": "histogram gradient boosting",
    "rf": "random forest",
}


def make_classifier(
    name: str,
    *,
    seed: int = 0,
    class_weight=None,
    max_iter: int = 1000,
    n_estimators: int = 100,
    min_samples_leaf: int = 1,
):
    """A fresh, unfitted scikit-learn classifier for a name in :data:`MODELS`.

    ``max_iter`` applies to logistic regression, ``n_estimators`` and
    ``min_samples_leaf`` to the random forest; the forest runs on one core (the
    callers parallelise over folds instead).

    Examples
    --------
    >>> type(make_classifier("rf", n_estimators=10)).__name__
    'RandomForestClassifier'
    """
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    if name == "logreg":
        return LogisticRegression(max_iter=max_iter, class_weight=class_weight)
    if name == "hgb":
        return HistGradientBoostingClassifier(random_state=seed, class_weight=class_weight)
    if name == "rf":
        return RandomForestClassifier(
            n_estimators=n_estimators,
            min_samples_leaf=min_samples_leaf,
            random_state=seed,
            n_jobs=1,
            class_weight=class_weight,
        )
    raise ValueError(f"Unknown model {name!r}; choose one of {', '.join(MODELS)}.")
