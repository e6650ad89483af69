"""Fixtures shared by several test folders."""

from __future__ import annotations

import dataclasses

import pytest

#: Test-only sizes of the two ensemble strategies (their registered entries grow 100 trees and
#: 10 AdaBoost models of 50 stumps: seconds per fit, most of the strategy battery's time).
LIGHT_ENSEMBLES = {"balanced_rf": 10, "easy_ensemble": 2}


@pytest.fixture(scope="module")
def light_ensembles():
    """The ensemble strategies with fewer members, for tests whose assertions do not depend on
    the ensemble's size (runs or says why, determinism, input left alone, leakage-free folds).
    The registered entries are put back afterwards; the full-size entries stay covered by the
    golden CLI case (``balanced_rf``) and by tests/analysis/test_rebalance_fix.py (fix and recipe
    of every registered strategy)."""
    from analysis.rebalance import STRATEGIES

    originals = {name: STRATEGIES[name] for name in LIGHT_ENSEMBLES}
    for name, n in LIGHT_ENSEMBLES.items():
        entry = originals[name]
        module, cls, kwargs = entry.classifier  # type: ignore[attr-defined]
        light = tuple((k, n if k == "n_estimators" else v) for k, v in kwargs)
        STRATEGIES.register(dataclasses.replace(entry, classifier=(module, cls, light)), replace=True)
    try:
        yield
    finally:
        for entry in originals.values():
            STRATEGIES.register(entry, replace=True)
