"""The strategy registry: every imbalance fix is one entry that carries its own code.

A :class:`Strategy` says what it is and what it needs (``min_class_rows`` and,
in words, ``need``), builds its sampler (:meth:`Strategy.make_sampler`) and its
whole pipeline (:meth:`Strategy.build_pipeline`), says how it is applied
without resampling (:meth:`Strategy.fix_unchanged`) and writes its part of the
recipe snippet (:meth:`Strategy.snippet_lines`). The families: resampling
(over, under, combined), cost-sensitive learning, threshold moving and
balanced ensembles. Adding a strategy is one ``STRATEGIES.register(...)`` call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import UnknownStrategyError
from ..features import FeatureSpec
from ..models import MODELS
from ..registry import Registry
from .pipeline import (
    THRESHOLD_OBJECTIVES,
    PipelineSettings,
    _model,
    _onehot_codes,
    _plain,
    _preprocess,
    _spec,
)
from .space import FeatureSpace
from .threshold_metrics import threshold_scorer

__all__ = [
    "DEFAULT_STRATEGIES",
    "STRATEGIES",
    "THRESHOLD_OBJECTIVES",
    "EnsembleStrategy",
    "SamplerStrategy",
    "Strategy",
    "build_pipeline",
    "make_sampler",
]


@dataclass(frozen=True)
class Unchanged:
    """How a strategy that changes no rows is applied: sample weights, a threshold, and what to tell the user."""

    note: str
    weights: np.ndarray | None = None
    threshold: float | None = None


@dataclass(frozen=True)
class SnippetContext:
    """What a strategy's lines of the recipe snippet need."""

    seed: int
    model: str
    cost_ratio: float | None
    threshold_objective: str
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    minority: Any
    #: free-text feature columns (TF-IDF before the sampler)
    text: tuple[str, ...] = ()


@dataclass(frozen=True)
class Strategy:
    """One imbalance fix: what it is, how it explains itself, what it needs; the baseline by default.

    ``space`` is where its sampler works: ``"ordinal"`` (numbers scaled,
    categories as codes: SMOTENC/SMOTEN and row-selecting samplers), ``"onehot"``
    (after one-hot encoding: distance-based samplers) or ``None`` (no sampler).
    ``min_class_rows`` is the fewest training-fold rows a class needs, ``need``
    says in words what that number is.
    """

    name: str
    family: str
    label: str
    explanation: str
    space: str | None = None
    min_class_rows: int = 1
    need: str = ""
    binary_only: bool = False
    neighbour_based: bool = False
    #: searches neighbours among all rows (not only the minority): slow on large data
    searches_all_rows: bool = False
    generates_rows: bool = False
    own_model: bool = False
    #: predictions come from the pipeline's own predict() (a tuned threshold), not the most probable class
    predicts_with_threshold: bool = False
    #: rough cost of one fold relative to the plain model (used by estimate_cost)
    cost_factor: float = 1.0
    #: its fix needs model features; ``False``: it only picks, copies or weights rows, so it also
    #: runs on a table without numeric or categorical features (text only)
    needs_features: bool = True

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
                f"{self.label} needs at least {self.need} = {self.min_class_rows} rows of class "
                f"{label!r} in every training fold; it has {count}. Use random_over, or collect more "
                f"rows of {label!r}."
            )
        return None

    def fold_skip_reason(self, *, class_train_rows: dict[Any, int]) -> str | None:
        """A further reason not to cross-validate (checked by the comparison only), or ``None``."""
        return None

    def make_sampler(self, *, n_numeric: int, n_categorical: int, seed: int) -> Any:
        """The imbalanced-learn sampler (``None``: this strategy resamples nothing)."""
        return None

    def build_pipeline(self, s: PipelineSettings) -> Any:
        """Preprocessing, sampler and model as one estimator (samplers run in ``fit`` only)."""
        return _plain(s, _model(s))

    def fix_unchanged(self, tr: FeatureSpace, *, model: str, seed: int, cost_ratio: float | None,
                      objective: str) -> Unchanged:
        """How the fix is applied when no rows change."""
        return Unchanged("No rows were changed (the baseline).")

    def recipe_settings(self, *, cost_ratio: float | None, threshold: float | None, objective: str,
                        model: str) -> dict[str, Any]:
        """This strategy's own entries of the recipe's settings."""
        return {}

    def snippet_lines(self, c: SnippetContext) -> list[str]:
        """This strategy's lines of the recipe snippet (after ``train``, ``numeric``, ``categorical``, ``y``)."""
        return ["# The baseline: train on `train` as it is."]


@dataclass(frozen=True)
class CostStrategy(Strategy):
    """Cost-sensitive learning: class weights in the model, no rows changed."""

    def build_pipeline(self, s: PipelineSettings) -> Any:
        return _plain(s, _model(s, class_weight=s.class_weight))

    def fix_unchanged(self, tr, *, model, seed, cost_ratio, objective) -> Unchanged:
        from sklearn.utils.class_weight import compute_sample_weight

        return Unchanged(
            "No rows were added or removed: train with the 'sample_weight' column "
            "(e.g. model.fit(X, y, sample_weight=df['sample_weight'])).",
            weights=compute_sample_weight(tr.class_weight(cost_ratio), tr.y),
        )

    def recipe_settings(self, *, cost_ratio, threshold, objective, model) -> dict[str, Any]:
        return {"class_weight": "balanced" if cost_ratio is None else {"minority_cost_ratio": cost_ratio}}

    def snippet_lines(self, c: SnippetContext) -> list[str]:
        if c.cost_ratio is None:
            lines = ["from sklearn.utils.class_weight import compute_sample_weight",
                     "train = train.assign(sample_weight=compute_sample_weight('balanced', y))"]
        else:
            lines = [f"train = train.assign(sample_weight=(y == {c.minority!r}).map({{True: {c.cost_ratio!r}, False: 1.0}}))"]
        return lines + ["# model.fit(X, y, sample_weight=train['sample_weight'])"]


@dataclass(frozen=True)
class ThresholdStrategy(Strategy):
    """Threshold moving: the model as it is, its decision threshold tuned by inner cross-validation."""

    def fold_skip_reason(self, *, class_train_rows: dict[Any, int]) -> str | None:
        if min(class_train_rows.values()) * 2 // 3 < 2:
            return (
                "Threshold moving tunes its threshold by an inner 3-fold cross-validation, which needs "
                "at least 3 rows of every class in each training fold. Use class_weight instead."
            )
        return None

    def build_pipeline(self, s: PipelineSettings) -> Any:
        from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

        return TunedThresholdClassifierCV(
            _plain(s, _model(s)),
            scoring=threshold_scorer(s.threshold_objective, s.positive),
            cv=StratifiedKFold(3, shuffle=True, random_state=s.seed),
        )

    def fix_unchanged(self, tr, *, model, seed, cost_ratio, objective) -> Unchanged:
        pipe = self.build_pipeline(PipelineSettings(
            tr.n_numeric, tr.n_categorical, model=model, seed=seed, positive=tr.positive,
            threshold_objective=objective, n_text=tr.n_text,
        ))
        # TunedThresholdClassifierCV thresholds the probability of its pos_label (the larger code by
        # default); express it for the minority class.
        pipe.fit(tr.inputs, tr.y)
        t = float(pipe.best_threshold_)
        t = t if tr.positive == 1 else 1.0 - t
        return Unchanged(
            f"No rows were changed: predict class {tr.classes[tr.positive]!r} when its predicted "
            f"probability is at least {t:.4f} (tuned for {objective} with a {model} model).",
            threshold=t,
        )

    def recipe_settings(self, *, cost_ratio, threshold, objective, model) -> dict[str, Any]:
        return {"threshold": threshold, "threshold_objective": objective, "model": model}

    def snippet_lines(self, c: SnippetContext) -> list[str]:
        return [
            "from sklearn.model_selection import TunedThresholdClassifierCV, StratifiedKFold",
            f"# wrap your {MODELS[c.model]} pipeline; it learns the threshold that maximises {c.threshold_objective}:",
            f"# TunedThresholdClassifierCV(pipeline, scoring={c.threshold_objective!r}, "
            f"cv=StratifiedKFold(3, shuffle=True, random_state={c.seed})).fit(X, y)",
        ]


@dataclass(frozen=True)
class EnsembleStrategy(Strategy):
    """A balanced ensemble with its own model: ``classifier`` is (module, class, keyword arguments)."""

    classifier: tuple[str, str, tuple[tuple[str, Any], ...]] = ("", "", ())
    own_model: bool = True

    def _kwargs(self, seed: int) -> dict[str, Any]:
        return {**dict(self.classifier[2]), "random_state": seed}

    def build_pipeline(self, s: PipelineSettings) -> Any:
        module, cls, _ = self.classifier
        clf = getattr(importlib.import_module(module), cls)(**self._kwargs(s.seed), n_jobs=1)
        return _plain(s, clf)

    def fix_unchanged(self, tr, *, model, seed, cost_ratio, objective) -> Unchanged:
        return Unchanged(f"No rows were changed: {self.label} balances inside the model; the recipe shows how to train it.")

    def snippet_lines(self, c: SnippetContext) -> list[str]:
        module, cls, _ = self.classifier
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs(c.seed).items())
        return [f"from {module} import {cls}", f"model = {cls}({args})"]


@dataclass(frozen=True)
class SamplerStrategy(Strategy):
    """Resampling with an imbalanced-learn sampler: ``sampler`` is (module, class, keyword arguments).

    ``seeded`` samplers get ``random_state``; ``copies_rows`` samplers add copies
    of original rows (marked synthetic in the fixed data); ``cleaner`` names the
    attribute of a combined sampler whose ``sample_indices_`` locate the original rows.
    """

    sampler: tuple[str, str, tuple[tuple[str, Any], ...]] = ("", "", ())
    seeded: bool = True
    copies_rows: bool = False
    cleaner: str | None = None

    def _sampler(self, n_numeric: int, n_categorical: int) -> tuple[str, str, dict[str, Any], dict[str, str]]:
        """(module, class, keyword arguments, the same arguments as source) for this feature layout."""
        module, cls, kwargs = self.sampler
        return module, cls, dict(kwargs), {k: repr(v) for k, v in kwargs}

    def make_sampler(self, *, n_numeric: int, n_categorical: int, seed: int) -> Any:
        module, cls, kwargs, _ = self._sampler(n_numeric, n_categorical)
        if self.seeded:
            kwargs["random_state"] = seed
        return getattr(importlib.import_module(module), cls)(**kwargs)

    def sampler_for(self, *, n_numeric: int, n_categorical: int, n_text: int, seed: int) -> Any:
        """The sampler for this layout. With text columns every sampler works after one-hot encoding and
        TF-IDF, where every column it sees is a number: it is made as for ``n_numeric + n_text`` numeric
        columns and no categorical one (SMOTE, not SMOTENC; imbalanced-learn's samplers take the sparse matrix)."""
        if n_text:
            return self.make_sampler(n_numeric=n_numeric + n_text, n_categorical=0, seed=seed)
        return self.make_sampler(n_numeric=n_numeric, n_categorical=n_categorical, seed=seed)

    def build_pipeline(self, s: PipelineSettings) -> Any:
        from imblearn.pipeline import Pipeline

        sampler = self.sampler_for(n_numeric=s.n_numeric, n_categorical=s.n_categorical, n_text=s.n_text,
                                   seed=s.seed)
        if self.space == "ordinal" and s.n_categorical and not s.n_text:
            return Pipeline([
                ("prepare", _preprocess(s.n_numeric, s.n_categorical, onehot=False)),
                ("sampler", sampler),
                ("encode", _onehot_codes(s.n_numeric, s.n_categorical)),
                ("model", _model(s)),
            ])
        return Pipeline([
            ("prepare", _preprocess(s.n_numeric, s.n_categorical, onehot=True, n_text=s.n_text, model=s.model)),
            ("sampler", sampler),
            ("model", _model(s)),
        ])

    def preprocessing(self, numeric: Iterable[str], categorical: Iterable[str], text: Iterable[str] = (),
                      model: str = "logreg") -> FeatureSpec:
        """The preprocessing before the sampler, on named columns (what the recipe snippet builds)."""
        numeric, categorical, text = tuple(numeric), tuple(categorical), tuple(text)
        if text:  # the fix's own specification (pipeline._spec), on names instead of positions
            named = _spec(len(numeric), len(categorical), onehot=True, n_text=len(text), model=model)
            return replace(named, numeric=numeric, categorical=categorical, text=text)
        return FeatureSpec(numeric=numeric, categorical=categorical,
                           categorical_encoding="onehot" if self.space == "onehot" else "ordinal")

    def snippet_lines(self, c: SnippetContext) -> list[str]:
        if c.text:
            module, cls, _, code = self._sampler(len(c.numeric) + len(c.text), 0)
        else:
            module, cls, _, code = self._sampler(len(c.numeric), len(c.categorical))
        if self.seeded:
            code["random_state"] = repr(c.seed)
        args = ", ".join(f"{k}={v}" for k, v in code.items())
        columns = "train[numeric + categorical]"
        lines = [self.preprocessing(c.numeric, c.categorical, c.text, c.model).to_code(define_columns=False)]
        if c.text:
            lines.append(f"text = {list(c.text)!r}  # TF-IDF features; a missing text is an empty one")
            columns = "train[numeric + categorical + text].fillna({t: '' for t in text})"
        return lines + [
            f"from {module} import {cls}",
            f"sampler = {cls}({args})",
            f"X_res, y_res = sampler.fit_resample(prep.fit_transform({columns}), y)",
            "print(y_res.value_counts())  # the class counts of the fixed data",
        ]


@dataclass(frozen=True)
class SmoteStrategy(SamplerStrategy):
    """SMOTE, SMOTENC with categorical features, SMOTEN when every feature is categorical."""

    def _sampler(self, n_numeric, n_categorical):
        if n_categorical and not n_numeric:
            return "imblearn.over_sampling", "SMOTEN", {}, {}
        if n_categorical:
            return "imblearn.over_sampling", "SMOTENC", (
                {"categorical_features": list(range(n_numeric, n_numeric + n_categorical))}
            ), {"categorical_features": "list(range(len(numeric), len(numeric) + len(categorical)))"}
        return "imblearn.over_sampling", "SMOTE", {}, {}

    def make_sampler(self, *, n_numeric, n_categorical, seed):
        sampler = super().make_sampler(n_numeric=n_numeric, n_categorical=n_categorical, seed=seed)
        if type(sampler).__name__ == "SMOTENC":
            # the rows of the recipe's stock SMOTENC, decoded without SciPy's per-row loop (analysis._smotenc)
            from .._smotenc import smotenc

            return smotenc(**sampler.get_params())
        return sampler


class _Strategies(Registry[Strategy]):
    """The strategy registry; an unknown name raises UnknownStrategyError listing the available ones."""

    def require(self, names: Iterable[str]) -> None:
        """Raise UnknownStrategyError naming every unknown name at once (the one place names are checked)."""
        unknown = [n for n in names if n not in self]
        if unknown:
            raise UnknownStrategyError(
                f"Unknown strategy {', '.join(repr(u) for u in unknown)}. Available: {', '.join(self)}.",
                available=tuple(self),
            )

    def __getitem__(self, name: str) -> Strategy:
        self.require([name])
        return super().__getitem__(name)


_OVER, _UNDER, _COMBINE, _ENSEMBLE = (
    "imblearn.over_sampling", "imblearn.under_sampling", "imblearn.combine", "imblearn.ensemble"
)
_K, _N = "k_neighbors + 1", "n_neighbors + 1"

#: Every strategy by its public name (the CLI and UI identifiers).
STRATEGIES: _Strategies = _Strategies("strategy", UnknownStrategyError)
_register: Callable[[Strategy], Strategy] = STRATEGIES.register
_register(Strategy("none", "baseline", "No rebalancing",
          "The model trained on the data as it is: the baseline every fix is compared with."))
_register(CostStrategy("class_weight", "cost", "Class weights",
          "Cost-sensitive learning: errors on rare classes cost more (weights inversely proportional "
          "to class frequency, or your cost ratio); no rows are added or removed.", needs_features=False))
_register(ThresholdStrategy("threshold", "threshold", "Threshold moving",
          "Trains on the data as it is, then moves the decision threshold (tuned by inner "
          "cross-validation for the chosen objective) instead of the default 0.5.",
          binary_only=True, predicts_with_threshold=True, cost_factor=4.0))
_register(SamplerStrategy("random_over", "over", "Random oversampling",
          "Duplicates randomly chosen minority rows until the classes are balanced.",
          space="ordinal", cost_factor=1.5, sampler=(_OVER, "RandomOverSampler", ()), copies_rows=True,
          needs_features=False))
_register(SmoteStrategy("smote", "over", "SMOTE",
          "Creates synthetic minority rows by interpolating between a minority row and one of its "
          "5 nearest minority neighbours (SMOTENC with categorical features, SMOTEN when all are "
          "categorical).",
          space="ordinal", min_class_rows=6, need=_K, neighbour_based=True, generates_rows=True, cost_factor=1.7))
_register(SamplerStrategy("adasyn", "over", "ADASYN",
          "Like SMOTE, but creates more synthetic rows where minority rows are surrounded by the "
          "majority (the hard-to-learn regions).",
          space="onehot", min_class_rows=6, need=_N, neighbour_based=True, generates_rows=True, cost_factor=2.5,
          sampler=(_OVER, "ADASYN", ())))
_register(SamplerStrategy("borderline_smote", "over", "Borderline-SMOTE",
          "SMOTE that only interpolates from minority rows near the class border.",
          space="onehot", min_class_rows=6, need=_K, neighbour_based=True, generates_rows=True, cost_factor=2.5,
          sampler=(_OVER, "BorderlineSMOTE", ())))
_register(SamplerStrategy("random_under", "under", "Random undersampling",
          "Drops randomly chosen majority rows until the classes are balanced: fast, but throws "
          "information away.",
          space="ordinal", cost_factor=0.3, sampler=(_UNDER, "RandomUnderSampler", ()), needs_features=False))
_register(SamplerStrategy("near_miss", "under", "NearMiss-1",
          "Keeps the majority rows closest to the minority rows (NearMiss version 1) and drops the rest.",
          space="onehot", min_class_rows=3, need="n_neighbors", neighbour_based=True, searches_all_rows=True,
          cost_factor=3.0, sampler=(_UNDER, "NearMiss", (("version", 1),)), seeded=False))
_register(SamplerStrategy("tomek", "under", "Tomek links",
          "Removes majority rows that form a Tomek link (mutual nearest neighbours of different "
          "classes) to clean the class border; changes the balance only a little.",
          space="onehot", neighbour_based=True, searches_all_rows=True, cost_factor=5.0,
          sampler=(_UNDER, "TomekLinks", ()), seeded=False))
_register(SamplerStrategy("enn", "under", "Edited nearest neighbours",
          "Removes majority rows whose 3 nearest neighbours mostly disagree with their label "
          "(cleaning noisy and borderline rows).",
          space="onehot", neighbour_based=True, searches_all_rows=True, cost_factor=5.0,
          sampler=(_UNDER, "EditedNearestNeighbours", ()), seeded=False))
_register(SamplerStrategy("smote_enn", "combined", "SMOTE + ENN",
          "SMOTE oversampling followed by edited-nearest-neighbours cleaning of both classes.",
          space="onehot", min_class_rows=6, need=_K, neighbour_based=True, searches_all_rows=True,
          generates_rows=True, cost_factor=7.0, sampler=(_COMBINE, "SMOTEENN", ()), cleaner="enn_"))
_register(SamplerStrategy("smote_tomek", "combined", "SMOTE + Tomek links",
          "SMOTE oversampling followed by removing Tomek links.",
          space="onehot", min_class_rows=6, need=_K, neighbour_based=True, searches_all_rows=True,
          generates_rows=True, cost_factor=7.0, sampler=(_COMBINE, "SMOTETomek", ()), cleaner="tomek_"))
_register(EnsembleStrategy("balanced_rf", "ensemble", "Balanced random forest",
          "A random forest whose every tree is grown on a bootstrap sample undersampled to balance; "
          "uses its own model (the model choice does not apply).",
          cost_factor=3.0, classifier=(_ENSEMBLE, "BalancedRandomForestClassifier", (
              ("n_estimators", 100), ("sampling_strategy", "all"), ("replacement", True), ("bootstrap", False)))))
_register(EnsembleStrategy("easy_ensemble", "ensemble", "Easy ensemble",
          "Ten AdaBoost models, each trained on a different balanced undersample, averaged; uses "
          "its own model (the model choice does not apply).",
          cost_factor=3.0, classifier=(_ENSEMBLE, "EasyEnsembleClassifier", (("n_estimators", 10),))))

#: The set preselected in the UI and used by the CLI without ``--strategies``.
DEFAULT_STRATEGIES: tuple[str, ...] = ("none", "class_weight", "threshold", "random_over", "smote", "random_under")


def make_sampler(name: str, *, n_numeric: int, n_categorical: int, seed: int) -> Any:
    """The imbalanced-learn sampler of a strategy (``None`` for strategies without one)."""
    return STRATEGIES[name].make_sampler(n_numeric=n_numeric, n_categorical=n_categorical, seed=seed)


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
    n_text: int = 0,
) -> Any:
    """The full pipeline of a strategy: preprocessing, its sampler and the model, as one estimator.

    The input is :attr:`FeatureSpace.inputs` (numbers first, then category
    codes, then ``n_text`` free-text columns, TF-IDF-encoded inside the pipeline). Resampling sits inside :class:`imblearn.pipeline.Pipeline`, which
    applies samplers in ``fit`` only, never in ``predict``.

    Examples
    --------
    >>> pipe = build_pipeline("smote", n_numeric=2, n_categorical=1)
    >>> [name for name, _ in pipe.steps]
    ['prepare', 'sampler', 'encode', 'model']
    >>> type(pipe.named_steps["sampler"]).__name__
    'SMOTENC'
    """
    return STRATEGIES[strategy].build_pipeline(PipelineSettings(
        n_numeric, n_categorical, model=model, seed=seed, positive=positive, class_weight=class_weight,
        threshold_objective=threshold_objective, n_text=n_text,
    ))
