"""The one model registry: every classifier a user can choose, and the only place a model name is checked.

Each entry builds its own scikit-learn classifier. :data:`MODEL_REGISTRY` raises
:class:`analysis.errors.UnknownModelError` for a name it does not hold;
:data:`MODELS` is its read-only ``name -> prose`` view (CLI choices, UI labels)
and :func:`make_classifier` the shortcut the diagnostics call.

Adding a model is one :meth:`Registry.register` call with a :class:`Model`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import UnknownModelError
from .registry import Registry

__all__ = ["MODELS", "MODEL_REGISTRY", "Model", "make_classifier"]


@dataclass(frozen=True)
class Model:
    """A named classifier: what to call it in prose, its rough cost and how to build it.

    ``build(seed=, class_weight=, max_iter=, n_estimators=, min_samples_leaf=)``
    returns a fresh, unfitted estimator; ``cost_per_cell`` is the seconds one
    fold costs per (row x feature) on the project's benchmark machine.
    """

    name: str
    description: str
    build: Callable[..., Any]
    cost_per_cell: float = 2e-7
    #: fits a sparse matrix (TF-IDF features stay sparse); ``False``: it is given a dense one
    accepts_sparse: bool = True

    def __str__(self) -> str:
        return self.description


def _logreg(*, seed: int, class_weight: Any, max_iter: int, **_: Any) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=max_iter, class_weight=class_weight)


def _hgb(*, seed: int, class_weight: Any, **_: Any) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=seed, class_weight=class_weight)


def _rf(*, seed: int, class_weight: Any, n_estimators: int, min_samples_leaf: int, **_: Any) -> Any:
    from sklearn.ensemble import RandomForestClassifier

    # One core: the callers parallelise over folds instead.
    return RandomForestClassifier(
        n_estimators=n_estimators, min_samples_leaf=min_samples_leaf, random_state=seed, n_jobs=1,
        class_weight=class_weight,
    )


#: Every model by its public name; looking up an unknown name raises UnknownModelError.
MODEL_REGISTRY: Registry[Model] = Registry("model", UnknownModelError)
MODEL_REGISTRY.register(Model("logreg", "logistic regression", _logreg, 2e-7))
MODEL_REGISTRY.register(Model("hgb", "histogram gradient boosting", _hgb, 6e-7, accepts_sparse=False))
MODEL_REGISTRY.register(Model("rf", "random forest", _rf, 3e-6))


class _Descriptions(Mapping[str, str]):
    """A live ``name -> description`` view of the registry (what ``MODELS`` was as a dict)."""

    def __getitem__(self, name: str) -> str:
        entry = MODEL_REGISTRY.get(name)
        if entry is None:  # a dict's KeyError, as MODELS was a dict (lookups that must fail loudly use the registry)
            raise KeyError(name)
        return entry.description

    def __iter__(self) -> Iterator[str]:
        return iter(MODEL_REGISTRY)

    def __len__(self) -> int:
        return len(MODEL_REGISTRY)

    def __contains__(self, name: object) -> bool:
        return name in MODEL_REGISTRY

    def __repr__(self) -> str:
        return repr(dict(self))


#: Public model names (CLI choices, UI options) -> what to call them in prose.
MODELS: Mapping[str, str] = _Descriptions()


def make_classifier(
    name: str,
    *,
    seed: int = 0,
    class_weight: Any = None,
    max_iter: int = 1000,
    n_estimators: int = 100,
    min_samples_leaf: int = 1,
) -> Any:
    """A fresh, unfitted scikit-learn classifier for a name in :data:`MODELS`.

    ``max_iter`` applies to logistic regression, ``n_estimators`` and
    ``min_samples_leaf`` to the random forest; the forest runs on one core (the
    callers parallelise over folds instead).

    Raises
    ------
    UnknownModelError
        For a name that is not registered (the message lists the registered ones).

    Examples
    --------
    >>> type(make_classifier("rf", n_estimators=10)).__name__
    'RandomForestClassifier'
    """
    return MODEL_REGISTRY[name].build(
        seed=seed, class_weight=class_weight, max_iter=max_iter, n_estimators=n_estimators,
        min_samples_leaf=min_samples_leaf,
    )
