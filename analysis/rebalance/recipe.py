"""The record of a fix: the recipe (provenance JSON) and a runnable Python snippet that redoes it.

The snippet's preprocessing is printed by :meth:`analysis.features.FeatureSpec.to_code`
from the same specification the strategy builds, and each strategy writes its
own lines (:meth:`~analysis.rebalance.strategies.Strategy.snippet_lines`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..export import provenance
from ..splits import holdout_keeps_together
from .space import FeatureSpace
from .strategies import STRATEGIES, SnippetContext

if TYPE_CHECKING:
    from ..splits import RowGroups
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
        "holdout_keeps_together": holdout_keeps_together(s.test_size, s.group),
        "group_column": s.group,
        "features_numeric": list(space.numeric),
        "features_categorical": list(space.categorical),
        "features_text": list(space.text),
        "not_features": dict(space.dropped),
        "preprocessing_for_the_sampler": "median imputation + standard scaling of numbers; most-frequent "
        "imputation of categories" + (" + one-hot encoding" if spec.space == "onehot" or space.text else "")
        + (" + TF-IDF of text columns (fitted on the training part)" if space.text else ""),
        "formula_protection": True,
        "counts_before": {str(k): v for k, v in counts_before.items()},
        "counts_after": {str(k): v for k, v in counts_after.items()},
    }
    settings.update(spec.recipe_settings(cost_ratio=s.cost_ratio, threshold=threshold,
                                         objective=s.threshold_objective, model=s.model))
    return provenance(
        source_name=s.source_name, source_sha256=s.source_sha256, rows_in=int(rows_in), rows_out=int(rows_out),
        steps=s.source_steps, **settings,
    )


def _group_split_lines(s: FixSettings, space: FeatureSpace, key_drop: list[str]) -> list[str]:
    """The snippet's test split that keeps identical and near-duplicate rows (and one group value) on one
    side: exactly :func:`analysis.splits.holdout_split` (groups placed greedily, large first) over
    :func:`analysis.splits.row_groups` (called, not re-implemented: near-duplicate search is not a few lines)."""
    group = f", group={s.group!r}" if s.group is not None else ""
    lines = [
        "import numpy as np",
        "# Identical and near-duplicate rows (equal after normalising case, spacing, punctuation and rounding",
        "# to 6 significant digits, or within 0.13 x the median nearest-neighbour distance) stay on one side:",
        "# dataset-diagnostics' own grouping (pip install dataset-diagnostics), so the split is the same.",
        "from analysis.splits import row_groups",
        f"groups = row_groups(df, exclude={key_drop!r}{group}).ids",
    ]
    lines += [
        f"codes = pd.Categorical(df[{s.target!r}], categories={list(space.classes)!r}).codes",
        f"per_group = np.zeros((groups.max() + 1, {space.n_classes}), dtype=np.int64)",
        "np.add.at(per_group, (groups, codes), 1)",
        f"order = np.random.RandomState({s.seed}).permutation(len(per_group))",
        "order = order[np.argsort(-per_group[order].sum(axis=1), kind='stable')]  # large groups first",
        f"goal, taken = np.bincount(codes) * {float(s.test_size or 0)!r}, np.zeros({space.n_classes})",
        "in_test = np.zeros(len(per_group), dtype=bool)",
        "for g in order:  # a group goes to the test split when it brings each class's share closer to the goal",
        "    if ((taken + per_group[g] - goal) ** 2).sum() < ((taken - goal) ** 2).sum():",
        "        in_test[g], taken = True, taken + per_group[g]",
        "test_rows = in_test[groups]",
        "train, test = df[~test_rows], df[test_rows]  # holdout: never resampled",
    ]
    return lines


def snippet(s: FixSettings, space: FeatureSpace, groups: RowGroups | None = None) -> str:
    """A short, runnable Python script that redoes the fix with pandas, scikit-learn and imbalanced-learn."""
    target, seed = s.target, s.seed
    lines = [
        f"# Reproduces the '{s.strategy}' fix of dataset-diagnostics with imbalanced-learn.",
        "import pandas as pd",
        "from sklearn.model_selection import train_test_split",
        "",
        f"df = pd.read_csv({s.source_name!r})",
        *(line for step in s.source_steps for line in step.code_lines()),
        f"df = df[df[{target!r}].notna()].reset_index(drop=True)",
    ]
    if s.test_size is not None and groups is not None and not groups.trivial:
        identifiers = [c for c, why in space.dropped.items() if why == "identifier"]
        lines += _group_split_lines(s, space, [target, *identifiers, *([s.group] if s.group else [])])
    elif s.test_size is not None:
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
        minority=space.classes[space.positive] if space.positive is not None else None, text=space.text,
    )
    lines += STRATEGIES[s.strategy].snippet_lines(context)
    return "\n".join(lines) + "\n"
