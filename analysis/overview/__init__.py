"""The overview of a dataset: class balance, duplicates, and the report that joins them.

``balance``     class counts, imbalance verdict and its thresholds, target validation
``duplicates``  exact and conflicting duplicate rows, by hashing
``report``      :class:`Overview` and :func:`overview` (what ``report`` prints and the page shows)
"""

from .balance import (
    VERDICT_THRESHOLDS,
    BalanceSettings,
    ClassBalance,
    class_balance,
    imbalance_verdict,
    validate_target,
)
from .duplicates import DuplicateSummary, duplicate_summary
from .report import Overview, overview

__all__ = [
    "VERDICT_THRESHOLDS",
    "BalanceSettings",
    "ClassBalance",
    "DuplicateSummary",
    "Overview",
    "class_balance",
    "duplicate_summary",
    "imbalance_verdict",
    "overview",
    "validate_target",
]
