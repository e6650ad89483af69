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


def check_text_column_is_a_feature(strategy: Strategy) -> None:
    """A free-text column (some cells missing) is a TF-IDF feature: the comparison runs or says why, and the fix
    runs or raises a project error (issue 14: text columns used everywhere)."""
    import numpy as np

    from analysis.rebalance import apply_fix

    frame = _table()
    rng = np.random.default_rng(1)
    words = np.array(["fast", "slow", "late", "fine", "broken", "great", "refund", "again", "box", "item"])
    text = [" ".join(rng.choice(words[:5] if y == "pos" else words[3:], 5)) + f" order {i}"
            for i, y in enumerate(frame["y"])]
    frame = frame.assign(note=pd.Series(text).where(rng.random(len(frame)) > 0.05))
    comparison = compare_strategies(frame, target="y", strategies=[strategy.name], folds=2, seed=0, n_jobs=1)
    assert comparison.text_features == ("note",), comparison.text_features
    result = next(r for r in comparison.strategies if r.name == strategy.name)
    assert result.ok or (isinstance(result.skipped, str) and result.skipped.strip()), strategy.name
    try:
        fix = apply_fix(frame, target="y", strategy=strategy.name, test_size=0.25, seed=0)
    except DiagnosticsError:
        return
    assert list(fix.train.columns)[: frame.shape[1]] == list(frame.columns) and fix.recipe["settings"]["features_text"] == ["note"]


STRATEGY_CHECKS = (
    check_runs_or_says_why,
    check_text_column_is_a_feature,
    check_single_class_is_a_project_error,
    check_nans_and_categorical_dtypes,
    check_input_not_mutated,
    check_deterministic,
)


def check_strategy(strategy: Strategy) -> None:
    """Every check on one strategy (what a test that registers a toy strategy calls)."""
    for check in STRATEGY_CHECKS:
        check(strategy)
