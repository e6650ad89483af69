"""Augmentation lab: strategies applied to training folds only, template synthesis, comparison and download.

Where things live:

- ``strategies.py``: :data:`AUGMENTATIONS`, one entry per strategy, each building its own transformer
- ``templates.py``: template synthesis (``{slot}`` templates, value lists, all combinations or a sample)
- ``perturb.py``: :func:`perturb_for_evaluation`, the one perturbation the comparison scores under
- ``data.py``: the prepared features, class codes, row groups and the model pipeline
- ``compare.py`` / ``results.py``: :func:`compare_augmentations` and its results
- ``download.py``: :func:`apply_augmentation`, the augmented training file, its holdout and its recipe
"""

from __future__ import annotations

from .compare import (
    AugmentCompareSettings,
    AugmentProgress,
    compare_augmentations,
    evaluation_rng,
    iter_augmentations,
    score_fold,
)
from .data import AugmentData, augment_data, build_model_pipeline
from .download import (
    AUGMENTATION,
    AugmentResult,
    AugmentSettings,
    apply_augmentation,
    augment_csvs,
    augment_files,
    augment_zip,
)
from .errors import AugmentError, TemplateError, UnknownAugmentationError
from .perturb import NOISE_SD, PERTURBATION, WORD_DROPOUT, perturb_for_evaluation
from .results import VERDICT_METRIC, AugmentComparison, AugmentStrategyResult
from .strategies import AUGMENTATIONS, DEFAULT_AUGMENTATIONS, Augmenter, AugmentStrategy, Layout, eda_words
from .templates import (
    MAX_TEMPLATE_ROWS,
    Template,
    TemplateSet,
    labels_outside,
    load_templates,
    parse_template,
    synthesize,
)

__all__ = [
    "AUGMENTATION",
    "AUGMENTATIONS",
    "DEFAULT_AUGMENTATIONS",
    "MAX_TEMPLATE_ROWS",
    "NOISE_SD",
    "PERTURBATION",
    "VERDICT_METRIC",
    "WORD_DROPOUT",
    "AugmentCompareSettings",
    "AugmentComparison",
    "AugmentData",
    "AugmentError",
    "AugmentProgress",
    "AugmentResult",
    "AugmentSettings",
    "AugmentStrategy",
    "AugmentStrategyResult",
    "Augmenter",
    "Layout",
    "Template",
    "TemplateError",
    "TemplateSet",
    "UnknownAugmentationError",
    "apply_augmentation",
    "augment_csvs",
    "augment_data",
    "augment_files",
    "augment_zip",
    "build_model_pipeline",
    "compare_augmentations",
    "eda_words",
    "evaluation_rng",
    "iter_augmentations",
    "labels_outside",
    "load_templates",
    "parse_template",
    "perturb_for_evaluation",
    "score_fold",
    "synthesize",
]
