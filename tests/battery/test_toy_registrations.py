"""A toy entry registered in a registry is checked by the same battery as the built-in ones.

(The toy strategy's appearance in `compare --help`, on the page and through
`compare_strategies` is tested in tests/dashboard/test_rebalance_registry.py;
the toy LF kind's in tests/analysis/test_weak_kinds.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

from analysis.diagnostics import DIAGNOSTICS, Diagnostic, Roles
from analysis.overview import class_balance
from analysis.rebalance import STRATEGIES, SamplerStrategy

from .checks import CHECKS, check_diagnostic
from .strategy_checks import check_strategy


@dataclass(frozen=True)
class _KeepAll(SamplerStrategy):
    def make_sampler(self, *, n_numeric: int, n_categorical: int, seed: int) -> Any:
        from imblearn import FunctionSampler

        return FunctionSampler()  # the identity: keeps every row


@pytest.fixture
def toy_strategy():
    entry = STRATEGIES.register(_KeepAll("toy_keep_all", "under", "Toy (keeps every row)", "A test entry.",
                                         space="ordinal"))
    try:
        yield entry
    finally:
        STRATEGIES.unregister("toy_keep_all")


def test_a_registered_toy_strategy_passes_the_strategy_battery(toy_strategy):
    assert "toy_keep_all" in STRATEGIES
    check_strategy(toy_strategy)


def test_a_registered_toy_diagnostic_passes_the_battery():
    def run(frame: pd.DataFrame, roles: Roles):
        return class_balance(frame, target=roles.target)

    DIAGNOSTICS.register(Diagnostic("toy_balance", "Toy", frozenset({"target"}), run))
    try:
        assert "toy_balance" in DIAGNOSTICS
        check_diagnostic(DIAGNOSTICS["toy_balance"])
    finally:
        DIAGNOSTICS.unregister("toy_balance")


def test_the_battery_can_fail_a_diagnostic_that_crashes_or_mutates():
    """The checks are not vacuous: a diagnostic that raises a non-project error, or writes into
    its input, is caught."""

    def crashes(frame: pd.DataFrame, roles: Roles):
        if frame[roles.target].nunique() < 2:
            raise ValueError("raw library error")
        return class_balance(frame, target=roles.target)

    def mutates(frame: pd.DataFrame, roles: Roles):
        frame["y"] = frame["y"].str.upper()
        return class_balance(frame, target=roles.target)

    single_class = next(c for c in CHECKS if c.__name__ == "check_single_class")
    not_mutated = next(c for c in CHECKS if c.__name__ == "check_input_not_mutated")
    with pytest.raises(ValueError, match="raw library error"):
        single_class(Diagnostic("crashes", "Toy", frozenset({"target"}), crashes))
    with pytest.raises(AssertionError):
        not_mutated(Diagnostic("mutates", "Toy", frozenset({"target"}), mutates))
