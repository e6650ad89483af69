"""The shared chart style: the lean template looks like plotly_white for every trace type the pages draw, and
``safe_figure`` (built without a second validation) sends the same figure as a validated rebuild would.

Reference: plotly's own ``plotly_white`` template and ``go.Figure(dict)`` with validation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import class_balance
from dashboard.charts.style import LAYOUT, TEMPLATE, TRACE_TYPES, safe_figure

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def test_every_trace_type_the_dashboard_draws_keeps_plotly_whites_defaults():
    drawn = set()
    for path in DASHBOARD.rglob("*.py"):
        drawn |= {name.lower() for name in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", path.read_text())}
    drawn -= {"figure"}
    assert drawn and drawn <= set(TRACE_TYPES), drawn - set(TRACE_TYPES)
    white = pio.templates["plotly_white"]
    assert TEMPLATE.layout.to_plotly_json() == white.layout.to_plotly_json()
    for kind in TRACE_TYPES:
        assert [t.to_plotly_json() for t in getattr(TEMPLATE.data, kind)] == \
               [t.to_plotly_json() for t in getattr(white.data, kind)], kind


def test_safe_figure_equals_a_validated_rebuild_and_still_escapes():
    fig = go.Figure(go.Bar(x=["a", "<b>x</b>" + "y" * 5000], y=[1, 2], name="<script>n</script>"))
    fig.update_layout(title="t<img src=x>", **LAYOUT)
    fast = safe_figure(fig)
    validated = go.Figure(fast.to_plotly_json())
    assert fast.to_dict() == validated.to_dict()
    text = fast.to_json()
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert len(fast.data[0].x[1]) < 5000



def test_every_chart_carries_the_lean_template_as_a_validated_figure_would(monkeypatch):
    """TEMPLATE is plotly's default, applied unvalidated when a figure is created: a builder's chart equals the
    same chart built with no default template and given ``template=TEMPLATE`` through plotly's validation."""
    from dashboard.charts.overview import class_balance_figure

    balance = class_balance(pd.DataFrame({"y": ["a"] * 30 + ["b"] * 10}), target="y")
    assert pio.templates.default == "dataset_diagnostics"
    fig = class_balance_figure(balance)
    monkeypatch.setattr(pio.templates, "default", None)
    validated = class_balance_figure(balance)
    assert validated.layout.template.to_plotly_json() == {}
    validated.update_layout(template=TEMPLATE)
    assert fig.to_dict() == validated.to_dict()
