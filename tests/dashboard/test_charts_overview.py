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


def test_data_derived_labels_are_escaped_for_plotly():
    # Plotly renders a subset of HTML in labels and titles: class, target and column names are escaped.
    df = pd.DataFrame({"<i>f</i>": [1.0, None, 3.0, 4.0], "<b>y</b>": ["<a href=x>a</a>", "b", "b", "b"]})
    result = overview(df, target="<b>y</b>")
    fig = charts.class_balance_figure(result.class_balance)
    assert list(fig.data[0].x) == ["b", "&lt;a href=x&gt;a&lt;/a&gt;"]
    assert list(fig.data[0].y) == [3, 1]
    assert "'&lt;b&gt;y&lt;/b&gt;'" in fig.layout.title.text and "<b>" not in fig.layout.title.text
    missing = charts.missing_values_figure(result).data[0]
    assert list(missing.y) == ["&lt;i&gt;f&lt;/i&gt;"] and list(missing.x) == pytest.approx([0.25])
