"""Shared chart style: the palette every page uses, the base layout, and label escaping."""

from __future__ import annotations

import html

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

LAYOUT = dict(
    template="plotly_white",
    margin=dict(l=10, r=10, t=50, b=10),
    font=dict(size=13),
    hoverlabel=dict(font_size=13),
)
MAX_BARS = 50


def label(value: object) -> str:
    """A data-derived label made safe for plotly, which renders a subset of HTML in labels."""
    return html.escape(str(value), quote=False)
