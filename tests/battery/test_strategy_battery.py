"""The shared battery over every registered rebalancing strategy (issue 9)."""

from __future__ import annotations

import pytest

from analysis.rebalance import STRATEGIES

from .strategy_checks import STRATEGY_CHECKS

# Ensemble strategies with fewer members: no check depends on the ensemble's size (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("light_ensembles")

CASES = [(s, c) for s in STRATEGIES.values() for c in STRATEGY_CHECKS]


@pytest.mark.parametrize(("strategy", "check"), CASES, ids=[f"{s.name}-{c.__name__[6:]}" for s, c in CASES])
def test_strategy_battery(strategy, check):
    check(strategy)
