"""Compatibility re-export: the class balance lives in :mod:`analysis.overview`.

This module exists only until the integrator updates the last importers of
``analysis.balance`` (other packages moved concurrently); it is then deleted.
"""

from .overview.balance import (  # noqa: F401
    VERDICT_THRESHOLDS,
    BalanceSettings,
    ClassBalance,
    class_balance,
    imbalance_verdict,
    validate_target,
)
