"""Adding a strategy or a metric is a one-file change: a toy entry shows up everywhere the registries are listed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.rebalance import METRICS, STRATEGIES, Metric, SamplerStrategy, compare_strategies


@dataclass(frozen=True)
class _Toy(SamplerStrategy):
    """Keeps every row (imblearn's FunctionSampler with the identity): behaves like the baseline."""

    def make_sampler(self, *, n_numeric: int, n_categorical: int, seed: int) -> Any:
        from imblearn import FunctionSampler

        return FunctionSampler()


def _share_predicted_positive(y, pred, proba, *, labels, positive) -> float:
    return float(np.mean(pred == (positive if positive is not None else 1)))


@pytest.fixture
def toy():
    STRATEGIES.register(_Toy("toy_keep", "under", "Toy (keeps every row)", "A test entry.", space="ordinal"))
    METRICS.register(Metric("toy_share", "share predicted positive", _share_predicted_positive))
    try:
        yield
    finally:
        STRATEGIES.unregister("toy_keep")
        METRICS.unregister("toy_share")


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # --help and bad input exit through SystemExit
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    return pd.DataFrame({"x": x, "c": rng.choice(["a", "b"], 120), "y": (x + rng.normal(size=120) > 1.2).astype(int)})


def test_toy_strategy_and_metric_run_through_compare_strategies(toy):
    res = compare_strategies(_data(), target="y", strategies=["toy_keep"], folds=3, n_jobs=1)
    toy_result, base = res.result("toy_keep"), res.result("none")
    assert toy_result.ok and "toy_share" in res.metric_names
    # the identity sampler changes nothing: the same scores as the baseline on every fold
    assert toy_result.metrics["mcc"].values == base.metrics["mcc"].values
    assert toy_result.metrics["toy_share"].values == base.metrics["toy_share"].values
    assert res.ranking("toy_share").metric == "toy_share"


def test_toy_strategy_is_listed_and_accepted_by_the_cli(toy, capsys, tmp_path):
    code, out, _ = run(capsys, "compare", "--help")
    assert code == 0 and "toy_keep" in " ".join(out.split())
    path = tmp_path / "d.csv"
    _data().to_csv(path, index=False)
    code, out, err = run(capsys, "compare", path, "--target", "y", "--strategies", "toy_keep", "--folds", "3",
                         "--jobs", "1", "--format", "json")
    assert code == 0, err
    assert "toy_keep" in out and "toy_share" in out


def test_toy_strategy_is_an_option_of_the_page(toy):
    import pagetest

    from dashboard.state import rebalancing as state

    at = pagetest.open_page("rebalancing")
    assert any("toy_keep" in o for o in at.multiselect(key=state.RB_STRATEGIES).options)
    assert any("toy_keep" in o for o in at.selectbox(key=state.RB_FIX_STRATEGY).options)


def test_without_the_toy_nothing_remains():
    assert "toy_keep" not in STRATEGIES.names() and "toy_share" not in METRICS.names()
    assert "toy_keep" not in STRATEGIES and "toy_share" not in METRICS
