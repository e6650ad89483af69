"""The overview of a dataset: class balance, duplicates, and the report that joins them.

``balance``     class counts, imbalance verdict and its thresholds, target validation
``duplicates``  exact and conflicting duplicate rows, by hashing
``near_groups`` ``near_duplicates``  rows equal after normalisation or within cleanlab's kNN radius; conflicts
``outliers``    isolation-forest anomaly score per row, top rows, count per class
``report``      :class:`Overview` and :func:`overview` (what ``report`` prints and the page shows)
"""

from .balance import (
    VERDICT_THRESHOLDS,
    BalanceSettings,
    ClassBalance,
    check_labels,
    class_balance,
    class_balance_from_counts,
    imbalance_verdict,
    validate_target,
)
from .duplicates import DuplicateSummary, duplicate_summary, duplicate_summary_from_counts
from .near_duplicates import NearDuplicateSummary, near_duplicate_key_columns, near_duplicate_summary
from .near_groups import NearDuplicateSettings, NearGroups, near_groups
from .outliers import OutlierSettings, OutlierSummary, outlier_summary
from .report import Overview, overview

__all__ = [
    "VERDICT_THRESHOLDS",
    "BalanceSettings",
    "ClassBalance",
    "DuplicateSummary",
    "NearDuplicateSettings",
    "NearDuplicateSummary",
    "NearGroups",
    "OutlierSettings",
    "OutlierSummary",
    "Overview",
    "check_labels",
    "class_balance",
    "class_balance_from_counts",
    "duplicate_summary",
    "duplicate_summary_from_counts",
    "imbalance_verdict",
    "near_duplicate_key_columns",
    "near_duplicate_summary",
    "near_groups",
    "outlier_summary",
    "overview",
    "validate_target",
]
