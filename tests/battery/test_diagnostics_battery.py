"""The shared battery over every registered diagnostic (issue 9): one class, NaNs,
nullable and categorical dtypes, unicode and duplicate column names, the input
not mutated, ``to_dict()`` JSON-safe, deterministic under a seed, only project
errors raised. Modelled on imbalanced-learn's ``utils/estimator_checks.py``.
"""

from __future__ import annotations

import pytest

from analysis.diagnostics import DIAGNOSTICS

from .checks import CHECKS

CASES = [(d, c) for d in DIAGNOSTICS.values() for c in CHECKS]


@pytest.mark.parametrize(("diagnostic", "check"), CASES, ids=[f"{d.name}-{c.__name__[6:]}" for d, c in CASES])
def test_battery(diagnostic, check):
    check(diagnostic)
