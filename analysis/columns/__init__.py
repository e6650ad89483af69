"""What the columns say: leakage suspects, association with the target, per-feature views, integrity.

``leakage``      single-feature predictive power, near-deterministic rules, identifiers, constant per class
``association``  per-feature association with the target (mutual information, effect size, test), alerts,
                 one feature's distribution by class, pairwise correlation / Cramér's V
``integrity``    mixed-type columns (numbers with a few text tokens), spelling variants, special characters
``report``       :func:`feature_report`: the per-feature table ``dataset-diagnostics features`` prints
"""

from ._common import SAMPLE_ROWS
from .association import (
    Associations,
    ClassTest,
    Correlations,
    FeatureAssociation,
    FeatureByClass,
    column_alerts,
    correlations,
    feature_associations,
    feature_by_class,
)
from .integrity import Integrity, MixedColumn, SpellingVariants, TokensAsMissing, integrity, read_tokens_as_missing
from .leakage import FeatureLeakage, LeakageReport, LeakageSettings, leakage_suspects
from .report import FeatureReport, feature_report

__all__ = [
    "SAMPLE_ROWS",
    "Associations",
    "ClassTest",
    "Correlations",
    "FeatureAssociation",
    "FeatureByClass",
    "FeatureLeakage",
    "FeatureReport",
    "Integrity",
    "LeakageReport",
    "LeakageSettings",
    "MixedColumn",
    "SpellingVariants",
    "TokensAsMissing",
    "column_alerts",
    "correlations",
    "feature_associations",
    "feature_by_class",
    "feature_report",
    "integrity",
    "leakage_suspects",
    "read_tokens_as_missing",
]
