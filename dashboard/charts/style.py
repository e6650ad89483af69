"""Shared chart style: the palette every page uses, the base layout, and label escaping."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dashboard.text import MAX_CELL_CHARS, MAX_TEXT_CHARS, clip, inert_tags

#: Colours shared by every page (one palette, declared once).
MAJORITY = "#3b5bdb"
MINORITY = "#e8590c"
NEUTRAL = "#868e96"
GOOD = "#2f9e44"
BAD = "#e03131"
OVER = "#e8590c"
UNDER = "#1971c2"
SERIES = ["#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#1098ad", "#f08c00", "#c92a2a", "#5c940d",
          "#862e9c", "#0b7285", "#d9480f", "#364fc7", "#a61e4d", "#495057", "#74b816"]
EXPECTED = "#adb5bd"  # a reference / expected value drawn beside an observed one
LIGHT = "#74c0fc"  # a pale companion of MAJORITY (e.g. overlaps beside coverage)


def _template() -> go.layout.Template:
    """plotly_white with the defaults of the trace types these pages draw only.

    The full template carries defaults for 24 trace types (3-D, maps, carpets, ...);
    plotly validates and copies it into every figure, which cost about 20 ms a
    chart, more than the chart itself. For the types kept here the look is the same.
    """
    import plotly.io as pio

    white = pio.templates["plotly_white"]
    data = {kind: getattr(white.data, kind) for kind in TRACE_TYPES}
    return go.layout.Template(layout=white.layout, data=data)


#: The trace types any chart builder draws (tests/dashboard/test_chart_style.py checks every builder keeps to them).
TRACE_TYPES = ("bar", "box", "heatmap", "histogram", "scatter", "scattergl")
TEMPLATE = _template()


def _make_default() -> None:
    """Make TEMPLATE plotly's default: a figure takes its default template at creation
    without validating it again (plotly assumes a registered default is valid), where
    ``update_layout(template=TEMPLATE)`` validated and copied it into every chart, about
    8 ms of a 12 ms chart. Only the dashboard's process imports this module."""
    import plotly.io as pio

    pio.templates["dataset_diagnostics"] = TEMPLATE
    pio.templates.default = "dataset_diagnostics"


_make_default()

#: The layout every chart shares (the template is plotly's default, set above).
LAYOUT = dict(
    margin=dict(l=10, r=10, t=50, b=10),
    font=dict(size=13),
    hoverlabel=dict(font_size=13),
)
MAX_BARS = 50


def label(value: object) -> str:
    """A data-derived label made safe for plotly: at most MAX_CELL_CHARS characters, its HTML escaped.

    Plotly renders a subset of HTML in category labels, hover text and titles
    (``<a href>``, ``<b>``, ``<br>``).

    >>> label("<b>x</b>"), len(label("y" * 10_000))
    ('&lt;b&gt;x&lt;/b&gt;', 200)
    """
    return html.escape(clip(value, MAX_CELL_CHARS), quote=False)


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return inert_tags(clip(value, MAX_TEXT_CHARS))
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            return value  # a numeric array, base64-encoded by plotly 6: numbers, never text to clip
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_safe(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype == object:
        return [_safe(v) for v in value.tolist()]
    return value


def safe_figure(fig: go.Figure) -> go.Figure:
    """The figure as sent to the browser: every string bounded and every HTML tag but ``<br>``,
    ``<extra>``, ``<sup>``, ``<sub>`` made inert.

    The net under :func:`label`: a data-derived name a builder forgot to escape still
    renders as text, and no string sends megabytes to the browser.
    """
    # The figure was validated when it was built, and _safe only shortens strings and makes tags inert:
    # validating it again cost as much as building it (plotly's own template loader skips it the same way).
    return go.Figure(_safe(fig.to_plotly_json()), _validate=False)
