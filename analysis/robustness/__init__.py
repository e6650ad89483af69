"""Robustness lab: how fragile is a model trained on this data?

Cross-validated like the rebalancing lab (same group-aware folds, feature
builder, models, metrics and corrected intervals): the model is fitted once per
training fold, then each test fold is scored clean and under every perturbation
at a ladder of strengths.

Where things live:

- ``perturbations.py``: :data:`PERTURBATIONS` (numeric noise, scaling, category flips, missing values)
- ``text.py``: typos, word dropout and word swap (no downloaded resources)
- ``plan.py``: :class:`RobustnessSettings`, :func:`plan_robustness` (features and folds)
- ``run.py``: :func:`iter_robustness` (progress, then the result), :func:`robustness`
- ``results.py``: :class:`RobustnessResult`, the verdict and its thresholds
- ``download.py``: the fragile rows with their original values
"""

from __future__ import annotations

from . import text as _text  # noqa: F401  (registers the text perturbations)
from .download import ADDED_COLUMNS, fragile_rows_csv, fragile_rows_table
from .perturbations import (
    KINDS,
    PERTURBATIONS,
    ColumnKinds,
    FoldReference,
    Perturbation,
    RobustnessError,
    UnknownPerturbationError,
)
from .plan import RobustnessPlan, RobustnessSettings, plan_robustness
from .results import (
    FRAGILE_DROP,
    REFERENCE_STRENGTH,
    SENSITIVE_DROP,
    VERDICT_METRIC,
    FeatureSensitivity,
    PerturbationScore,
    RobustnessProgress,
    RobustnessResult,
    robustness_verdict,
)
from .run import SENSITIVITY, iter_robustness, robustness
from .text import QWERTY_NEIGHBOURS, drop_tokens, swap_tokens, typo, typo_tokens

__all__ = [
    "ADDED_COLUMNS",
    "FRAGILE_DROP",
    "KINDS",
    "PERTURBATIONS",
    "QWERTY_NEIGHBOURS",
    "REFERENCE_STRENGTH",
    "SENSITIVE_DROP",
    "SENSITIVITY",
    "VERDICT_METRIC",
    "ColumnKinds",
    "FeatureSensitivity",
    "FoldReference",
    "Perturbation",
    "PerturbationScore",
    "RobustnessError",
    "RobustnessPlan",
    "RobustnessProgress",
    "RobustnessResult",
    "RobustnessSettings",
    "UnknownPerturbationError",
    "drop_tokens",
    "fragile_rows_csv",
    "fragile_rows_table",
    "iter_robustness",
    "plan_robustness",
    "robustness",
    "robustness_verdict",
    "swap_tokens",
    "typo",
    "typo_tokens",
]
