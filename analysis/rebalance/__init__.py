"""Rebalancing lab: a strategy registry and a leakage-free comparison of imbalance fixes, and the fix itself.

Every strategy is evaluated as ONE :class:`imblearn.pipeline.Pipeline`
(imputation, scaling, one-hot encoding, TF-IDF of free text, the sampler, the model), cross-validated
with repeated stratified k-fold, so resampling only ever touches training folds:
the test fold of every split holds original rows only.

Where things live:

- ``strategies.py``: :data:`STRATEGIES`, each entry building its sampler, pipeline and recipe lines
- ``metrics.py``: :data:`METRICS`, each entry with its label, score, direction and binary-only flag
- ``space.py``: the feature array (columns chosen by :mod:`analysis.features`)
- ``pipeline.py``: preprocessing blocks and the model
- ``stats.py``: Nadeau & Bengio's corrected interval and resampled t-test
- ``plan.py`` / ``run.py``: :class:`CompareSettings`, planning, running, :func:`compare_strategies`
- ``results.py``: :class:`StrategyResult`, :class:`Comparison`, :class:`Ranking`, tables
- ``fix.py`` / ``resample.py`` / ``recipe.py``: :func:`apply_fix`, decoding synthetic rows, the recipe
"""

from __future__ import annotations

from ..models import MODELS
from .fix import (
    DEFAULT_TEST_SIZE,
    IS_SYNTHETIC,
    SAMPLE_WEIGHT,
    FixResult,
    FixSettings,
    Projection,
    apply_fix,
    fix_csvs,
    fix_files,
    fix_zip,
)
from .metrics import BINARY_ONLY, HIGHER_IS_BETTER, METRIC_LABELS, METRICS, Metric, fold_metrics, metric_names
from .pipeline import THRESHOLD_OBJECTIVES, PipelineSettings
from .plan import (
    LARGE_ROWS,
    TEXT_NOTE_START,
    CompareSettings,
    ComparisonPlan,
    estimate_cost,
    grouped_space,
    plan_comparison,
)
from .results import (
    ACCURACY_WARNING,
    PROBABILITY_NOTE,
    Comparison,
    CostEstimate,
    FoldProgress,
    MetricSummary,
    Ranking,
    StrategyResult,
    Versus,
    duration_text,
    per_class_frame,
    rank_strategies,
    results_frame,
)
from .run import assemble_comparison, compare_strategies, iter_comparison, metric_summary, pilot_estimate
from .space import FeatureSpace, feature_space
from .stats import corrected_interval, corrected_resampled_ttest
from .strategies import (
    DEFAULT_STRATEGIES,
    STRATEGIES,
    EnsembleStrategy,
    SamplerStrategy,
    Strategy,
    build_pipeline,
    make_sampler,
)

__all__ = [
    "ACCURACY_WARNING",
    "BINARY_ONLY",
    "DEFAULT_STRATEGIES",
    "DEFAULT_TEST_SIZE",
    "HIGHER_IS_BETTER",
    "IS_SYNTHETIC",
    "LARGE_ROWS",
    "TEXT_NOTE_START",
    "METRICS",
    "METRIC_LABELS",
    "MODELS",
    "PROBABILITY_NOTE",
    "SAMPLE_WEIGHT",
    "STRATEGIES",
    "THRESHOLD_OBJECTIVES",
    "CompareSettings",
    "Comparison",
    "ComparisonPlan",
    "CostEstimate",
    "EnsembleStrategy",
    "FeatureSpace",
    "FixResult",
    "FixSettings",
    "FoldProgress",
    "Metric",
    "MetricSummary",
    "PipelineSettings",
    "Projection",
    "Ranking",
    "SamplerStrategy",
    "Strategy",
    "StrategyResult",
    "Versus",
    "apply_fix",
    "assemble_comparison",
    "build_pipeline",
    "compare_strategies",
    "corrected_interval",
    "corrected_resampled_ttest",
    "duration_text",
    "estimate_cost",
    "feature_space",
    "fix_csvs",
    "grouped_space",
    "fix_files",
    "fix_zip",
    "fold_metrics",
    "iter_comparison",
    "make_sampler",
    "metric_names",
    "metric_summary",
    "per_class_frame",
    "pilot_estimate",
    "plan_comparison",
    "rank_strategies",
    "results_frame",
]
