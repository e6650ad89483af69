"""Chart builders draw exactly the numbers of the result they are given."""

import pandas as pd
import pytest

from analysis import class_balance, overview
from dashboard.charts import overview as charts


def test_class_balance_figure_bars_and_labels():
    df = pd.DataFrame({"y": ["a"] * 6 + ["b"] * 3 + ["c"]})
    fig = charts.class_balance_figure(class_balance(df, target="y"))
    bar = fig.data[0]
    assert list(bar.x) == ["a", "b", "c"]
    assert list(bar.y) == [6, 3, 1]
    assert list(bar.text) == ["6<br>60.0%", "3<br>30.0%", "1<br>10.0%"]
    assert list(bar.marker.color) == [charts.MAJORITY, charts.MAJORITY, charts.MINORITY]
    assert "imbalance ratio 6.00 : 1" in fig.layout.title.text


def test_missing_values_figure_only_columns_with_missing():
    df = pd.DataFrame({"a": [1, None, None, 4], "b": [1, 2, 3, 4], "y": ["p", "q", None, "p"]})
    fig = charts.missing_values_figure(overview(df, target="y"))
    bar = fig.data[0]
    assert list(bar.y) == ["y", "a"]  # ascending share: the longest bar on top
    assert list(bar.x) == pytest.approx([0.25, 0.5])
    assert list(bar.text) == ["1 (25.0%)", "2 (50.0%)"]
