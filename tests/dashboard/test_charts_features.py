"""Chart builders of the Features page, without Streamlit (figure JSON checked directly)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.columns import leakage_suspects
from dashboard.charts.features import auc_figure


def test_auc_axis_starts_at_zero_with_chance_marked_on_the_axis_not_over_the_bars():
    rng = np.random.default_rng(0)
    y = np.array(["no"] * 60 + ["yes"] * 40)
    df = pd.DataFrame({"noise": rng.normal(size=100), "spent": np.where(y == "yes", 5.0, 0.0), "y": y})
    fig = auc_figure(leakage_suspects(df, target="y")).to_plotly_json()
    axis = fig["layout"]["xaxis"]
    assert axis["range"][0] == 0 and axis["range"][1] >= 1  # bars keep their true length
    assert dict(zip(axis["tickvals"], axis["ticktext"]))[0.5] == "0.5 chance"
    assert not fig["layout"].get("annotations")  # no label drawn inside the plot, over the top bar
    assert [s["x0"] for s in fig["layout"]["shapes"]] == [0.5]  # the dashed chance line
