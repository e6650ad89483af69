"""The shared page pieces: the error boundary of a section and markdown escaping, under AppTest."""

from __future__ import annotations

import logging
import re

from streamlit.testing.v1 import AppTest

from dashboard.components import escape_md

_SCRIPT = '''
import streamlit as st

from analysis.errors import DiagnosticsError
from dashboard import components

st.title("Components")

with components.section("Broken section"):
    st.write("before the bug")
    raise RuntimeError("secret-detail-7f3a /srv/app/internal.py")


@components.guarded("Bad input")
def bad_input():
    raise DiagnosticsError("The column 'price' is not in the data. Available columns: 'a', 'b'.")


bad_input()

with components.section("Next section"):
    st.write("the next section still renders")

st.markdown(components.escape_md(st.session_state.get("text", "")))
'''

_HOSTILE = "**bold** ![img](http://example.invalid/x.png) $x^2$ `code` <b>html</b> [link](http://e.invalid) _it_ #1"


def _run(text: str = "") -> AppTest:
    at = AppTest.from_string(_SCRIPT, default_timeout=30)
    at.session_state["text"] = text
    return at.run()


def _all_text(at: AppTest) -> list[str]:
    out = []
    for kind in ("markdown", "error", "warning", "info", "success", "caption", "text", "code", "title", "exception"):
        for element in at.get(kind):
            value = getattr(element, "value", None)
            out.append(str(value) if value is not None else str(element.proto))
    return out


def test_an_unexpected_error_shows_a_card_with_a_reference_and_the_next_section_renders(caplog):
    with caplog.at_level(logging.ERROR, logger="dataset_diagnostics.dashboard"):
        at = _run()
    assert not at.exception
    cards = [e.value for e in at.error if "Something went wrong" in e.value]
    assert len(cards) == 1
    assert "**Broken section**" in cards[0]
    ref = re.search(r"reference `([0-9a-f]{8})`", cards[0]).group(1)
    # The rest of the page renders: the text before the bug and the next section.
    shown = _all_text(at)
    assert any("before the bug" in t for t in shown)
    assert any("the next section still renders" in t for t in shown)
    # The traceback and the exception text reach the server log only, never an element.
    assert not any("secret-detail-7f3a" in t or "Traceback" in t or "internal.py" in t for t in shown)
    records = [r for r in caplog.records if r.name == "dataset_diagnostics.dashboard"]
    assert len(records) == 1
    assert ref in records[0].getMessage() and "Broken section" in records[0].getMessage()
    assert records[0].exc_info is not None and "secret-detail-7f3a" in str(records[0].exc_info[1])


def test_a_diagnostics_error_shows_its_own_message():
    at = _run()
    # Shown escaped for markdown (messages quote user-supplied names): unescaped, it is the message.
    messages = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert "The column 'price' is not in the data. Available columns: 'a', 'b'." in messages
    assert not any("Bad input" in m for m in messages)  # a user error is not a bug card


def test_escape_md_round_trips_through_st_markdown_as_literal_text():
    at = _run(_HOSTILE)
    source = at.markdown[-1].value
    # Nothing that markdown would act on is left unescaped ...
    assert not re.search(r"(?<!\\)\*\*", source)
    assert not re.search(r"(?<!\\)!(?<!\\)\[", source) and "![" not in source
    assert not re.search(r"(?<!\\)\$", source)
    assert not re.search(r"(?<!\\)[`<>\[\]_#]", source)
    # ... no URL is left whole for GFM to autolink (an invisible word joiner follows "http:") ...
    assert "http:\u2060" in re.sub(r"\\(.)", r"\1", source)
    # ... and un-escaping (and dropping the joiners) gives back exactly the text the user supplied.
    assert re.sub(r"\\(.)", r"\1", source).replace("\u2060", "") == _HOSTILE
    assert source == escape_md(_HOSTILE)


def test_safe_figure_keeps_long_numeric_arrays_whole():
    """plotly 6 sends numeric arrays as base64 ``bdata`` strings: clipping them as text broke every
    chart with more than ~90 points (the Labels page's entropy histogram rendered blank)."""
    import base64

    import numpy as np
    import plotly.graph_objects as go

    from dashboard.charts.style import safe_figure

    x = np.linspace(0.0, 1.0, 2_000)
    spec = safe_figure(go.Figure(go.Histogram(x=x, name="<b>n</b>"))).to_plotly_json()["data"][0]
    sent = spec["x"]
    values = np.frombuffer(base64.b64decode(sent["bdata"]), dtype=sent["dtype"]) if isinstance(sent, dict) else np.asarray(sent)
    assert np.array_equal(values, x)
    assert "<b>" not in spec["name"]  # text is still made inert


def test_pages_draw_tables_and_charts_only_through_the_clipping_components():
    """Every table and chart a page draws goes through components.table / components.chart, which
    bound cells and make data-derived HTML inert (issue 15 items 5 and 7): a direct st.dataframe on
    a new section sent a 1 MB cell to the browser."""
    import re
    from pathlib import Path

    pages = Path(__file__).resolve().parents[2] / "dashboard" / "app_pages"
    direct = {
        f"{path.name}:{n}": line.strip()
        for path in sorted(pages.glob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(dataframe|plotly_chart)\(", line)
    }
    assert not direct, direct
