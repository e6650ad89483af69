"""Checks every registered rebalancing strategy must pass (after imbalanced-learn's
``check_samplers_*``): it runs leakage-free on a plain binary table, answers a
single class with a project error, copes with NaNs and categorical dtypes,
leaves the input alone, and gives the same numbers under the same seed. A
strategy that cannot run on a table must say why (``skipped``), never crash.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import DiagnosticsError
from analysis.rebalance import Strategy, compare_strategies

from . import tables


def _table() -> pd.DataFrame:
    frame = tables.plain()
    return frame[["x_num", "x_int", "x_cat", "region", "y"]]


def _run(strategy: Strategy, frame: pd.DataFrame, **kw):
    # 'none' is the baseline every comparison carries; ask for the strategy alone where it is 'none'.
    comparison = compare_strategies(frame, target="y", strategies=[strategy.name], folds=2, seed=0, n_jobs=1, **kw)
    return next(r for r in comparison.strategies if r.name == strategy.name)


def check_runs_or_says_why(strategy: Strategy) -> None:
    result = _run(strategy, _table())
    if result.ok:
        for name in ("balanced_accuracy", "f1_macro", "mcc"):
            summary = result.metrics[name]
            assert summary.mean == summary.mean, (strategy.name, name)  # not NaN
    else:
        assert isinstance(result.skipped, str) and result.skipped.strip(), strategy.name


def check_single_class_is_a_project_error(strategy: Strategy) -> None:
    frame = _table().assign(y="neg")
    with pytest.raises(DiagnosticsError):
        _run(strategy, frame)


def check_nans_and_categorical_dtypes(strategy: Strategy) -> None:
    frame = tables.with_nans(_table())
    frame = frame[frame["y"].notna()].copy()
    frame["x_cat"] = frame["x_cat"].astype("category")
    frame["x_int"] = frame["x_int"].astype("Int64")
    result = _run(strategy, frame)
    assert result.ok or (isinstance(result.skipped, str) and result.skipped.strip()), strategy.name


def check_input_not_mutated(strategy: Strategy) -> None:
    frame = _table()
    before = frame.copy(deep=True)
    _run(strategy, frame)
    pd.testing.assert_frame_equal(frame, before)


def check_deterministic(strategy: Strategy) -> None:
    first, second = _run(strategy, _table()), _run(strategy, _table())
    assert first.skipped == second.skipped, strategy.name
    if first.ok:
        for name, summary in first.metrics.items():
            assert summary.mean == second.metrics[name].mean or summary.mean != summary.mean, (strategy.name, name)


STRATEGY_CHECKS = (
    check_runs_or_says_why,
    check_single_class_is_a_project_error,
    check_nans_and_categorical_dtypes,
    check_input_not_mutated,
    check_deterministic,
)


def check_strategy(strategy: Strategy) -> None:
    """Every check on one strategy (what a test that registers a toy strategy calls)."""
    for check in STRATEGY_CHECKS:
        check(strategy)
