"""The record of a fix: the recipe (provenance JSON) and a runnable Python snippet that redoes it.

The snippet's preprocessing is printed by :meth:`analysis.features.FeatureSpec.to_code`
from the same specification the strategy builds, and each strategy writes its
own lines (:meth:`~analysis.rebalance.strategies.Strategy.snippet_lines`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..export import provenance
from .space import FeatureSpace
from .strategies import STRATEGIES, SnippetContext

if TYPE_CHECKING:
    from .fix import FixSettings

__all__ = ["recipe_dict", "snippet"]


def recipe_dict(
    s: FixSettings, space: FeatureSpace, *, sampler_name: str | None, threshold: float | None, rows_in: int,
    rows_out: int, counts_before: dict[Any, int], counts_after: dict[Any, int],
) -> dict:
    """The provenance record of a fix (settings, features, class counts), as written to ``*_recipe.json``."""
    spec = STRATEGIES[s.strategy]
    settings: dict[str, Any] = {
        "strategy": s.strategy,
        "family": spec.family,
        "sampler": sampler_name,
        "target": str(s.target),
        "seed": s.seed,
        "holdout_test_size": s.test_size,
        "holdout_keeps_together": (
            "rows with identical values in every column but the target and identifiers"
            + (f", and rows sharing a value of '{s.group}'" if s.group is not None else "")
        ) if s.test_size is not None else None,
        "group_column": s.group,
        "features_numeric": list(space.numeric),
        "features_categorical": list(space.categorical),
        "not_features": dict(space.dropped),
        "preprocessing_for_the_sampler": "median imputation + standard scaling of numbers; most-frequent "
        "imputation of categories" + (" + one-hot encoding" if spec.space == "onehot" else ""),
        "formula_protection": True,
        "counts_before": {str(k): v for k, v in counts_before.items()},
        "counts_after": {str(k): v for k, v in counts_after.items()},
    }
    settings.update(spec.recipe_settings(cost_ratio=s.cost_ratio, threshold=threshold,
                                         objective=s.threshold_objective, model=s.model))
    return provenance(
        source_name=s.source_name, source_sha256=s.source_sha256, rows_in=int(rows_in), rows_out=int(rows_out),
        **settings,
    )


def snippet(s: FixSettings, space: FeatureSpace) -> str:
    """A short, runnable Python script that redoes the fix with pandas, scikit-learn and imbalanced-learn."""
    target, seed = s.target, s.seed
    lines = [
        f"# Reproduces the '{s.strategy}' fix of dataset-diagnostics with imbalanced-learn.",
        "import pandas as pd",
        "from sklearn.model_selection import train_test_split",
        "",
        f"df = pd.read_csv({s.source_name!r})",
        f"df = df[df[{target!r}].notna()].reset_index(drop=True)",
    ]
    if s.test_size is not None:
        lines += [
            f"train, test = train_test_split(df, test_size={float(s.test_size)!r}, stratify=df[{target!r}], random_state={seed})",
            "train, test = train.sort_index(), test.sort_index()  # holdout: never resampled",
        ]
    else:
        lines.append("train = df")
    lines += [f"numeric = {list(space.numeric)!r}", f"categorical = {list(space.categorical)!r}", f"y = train[{target!r}]"]
    context = SnippetContext(
        seed=seed, model=s.model, cost_ratio=s.cost_ratio, threshold_objective=s.threshold_objective,
        numeric=space.numeric, categorical=space.categorical,
        minority=space.classes[space.positive] if space.positive is not None else None,
    )
    lines += STRATEGIES[s.strategy].snippet_lines(context)
    return "\n".join(lines) + "\n"
