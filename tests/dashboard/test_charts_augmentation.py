"""Chart builders of the Augmentation lab (robustness), checked against the result's own numbers,
which tests/analysis/test_robustness*.py check against scikit-learn and numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.robustness import RobustnessSettings, iter_robustness, plan_robustness
from dashboard.charts.augmentation import flip_rate_figure, robustness_curves_figure, sensitivity_figure


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(0)
    n = 120
    x = rng.normal(size=(n, 2))
    df = pd.DataFrame({"signal": x[:, 0], "<b>noise</b>": x[:, 1], "c": rng.choice(["a", "b"], n),
                       "y": (x[:, 0] > 0).astype(int)})
    plan = plan_robustness(df, RobustnessSettings(target="y", folds=3, perturbations=("gaussian_noise", "missing"),
                                                  strengths=(0.1, 0.5)))
    return list(iter_robustness(plan))[-1]


def test_curves_start_at_the_clean_score_and_carry_the_intervals(result):
    fig = robustness_curves_figure(result).to_plotly_json()
    assert len(fig["data"]) == 2
    for trace, kind in zip(fig["data"], ("gaussian_noise", "missing")):
        ladder = result.ladder(kind)
        clean = result.clean["balanced_accuracy"]
        assert list(trace["x"]) == [0.0, 0.1, 0.5]
        assert np.allclose(trace["y"], [clean.mean] + [p.metrics["balanced_accuracy"].mean for p in ladder])
        assert np.allclose(trace["error_y"]["arrayminus"],
                           [clean.mean - clean.ci_low] + [p.metrics["balanced_accuracy"].mean
                                                          - p.metrics["balanced_accuracy"].ci_low for p in ladder])
    assert [s["y0"] for s in fig["layout"]["shapes"]] == [0.5, 0.5]  # majority baseline, binary
    mcc = robustness_curves_figure(result, metric="mcc").to_plotly_json()
    assert not mcc["layout"].get("shapes") and mcc["data"][0]["y"][0] == pytest.approx(result.clean["mcc"].mean)


def test_flip_rate_bars_are_the_results_rates(result):
    fig = flip_rate_figure(result).to_plotly_json()
    assert [t["name"] for t in fig["data"]] == ["gaussian_noise", "missing"]
    for trace in fig["data"]:
        assert np.allclose(trace["y"], [p.flip_rate for p in result.ladder(trace["name"])])
        assert list(trace["x"]) == ["0.1", "0.5"]
    assert fig["layout"]["xaxis"]["categoryarray"] == ["0.1", "0.5"]  # numeric order on the axis


def test_sensitivity_bars_rank_largest_drop_on_top_with_escaped_names(result):
    fig = sensitivity_figure(result).to_plotly_json()
    bars = fig["data"][0]
    assert list(bars["y"])[-1] == "signal"  # the largest drop is drawn at the top
    assert "&lt;b&gt;noise&lt;/b&gt;" in bars["y"]
    assert np.allclose(sorted(bars["x"]), sorted(s.drop for s in result.sensitivity))
