"""The HTML report of a dataset card: self-contained, bounded, escaped (no browser: see tests/e2e for that).

References: the HTML is parsed with Python's html.parser (what a browser would fetch: every src/href);
sizes are byte counts of the file written.
"""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from analysis.card import PREVIEW_ROWS, build_card
from dashboard.report import MAX_FIGURE_BYTES, card_figures, html_report

HOSTILE = "<script>alert('x')</script>"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0
        self.tags: list[str] = []
        self.rows = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.scripts += tag == "script"
        self.rows += tag == "tr"
        self.urls += [v for k, v in attrs if k in ("src", "href", "data", "action", "srcset") and v]


def _parse(data: bytes) -> _Links:
    p = _Links()
    p.feed(data.decode("utf-8"))
    return p


@pytest.fixture(scope="module")
def hostile_report() -> bytes:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({HOSTILE: rng.normal(size=120), "x": rng.integers(0, 5, 120).astype(float),
                       "y": rng.choice(["<img src=x onerror=alert(1)>", "b"], 120)})
    df.loc[:9, "x"] = np.nan
    return html_report(build_card(df, target="y", measure=()))


def test_no_external_resource_and_plotly_inlined_once(hostile_report):
    p = _parse(hostile_report)
    assert p.urls == []  # nothing to fetch: no src/href at all
    assert hostile_report.count(b"Plotly.newPlot") == 2  # class balance and missing values
    assert hostile_report.count(b"sourceMappingURL") <= 1
    assert b'src="http' not in hostile_report and b"cdn.plot.ly/plotly" not in hostile_report.split(b"</script>")[-1]


def test_hostile_names_stay_inert(hostile_report):
    p = _parse(hostile_report)
    assert "img" not in p.tags
    # one <script> for plotly.js plus one per chart; the hostile column name never opens one
    assert p.scripts == 1 + 2
    text = hostile_report.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "<img src=x" not in text


def test_print_stylesheet_and_preview_bounded(hostile_report):
    assert b"@media print" in hostile_report
    assert _parse(hostile_report).rows == PREVIEW_ROWS + 1  # header row + the preview


def test_a_million_rows_stay_under_ten_megabytes():
    n = 1_000_000
    df = pd.DataFrame({"x": np.arange(n) % 997, "y": np.where(np.arange(n) % 10 == 0, "yes", "no")})
    card = build_card(df, target="y", measure=())
    data = html_report(card)
    assert len(data) < 10 * 1024 * 1024
    assert _parse(data).rows == PREVIEW_ROWS + 1


def test_oversized_chart_is_left_out_with_a_note():
    from analysis.labels import label_issues

    rng = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame({"a": rng.normal(size=n), "y": rng.choice(["p", "q"], n)})
    card = build_card(df, target="y", measure=(), results={"label_errors": label_issues(df, target="y", folds=3)})
    assert "label_errors" in card_figures(card)
    import dashboard.report.html as module

    original = module.MAX_FIGURE_BYTES
    module.MAX_FIGURE_BYTES = 10
    try:
        data = html_report(card)
    finally:
        module.MAX_FIGURE_BYTES = original
    assert b"A chart was left out" in data and b"Plotly.newPlot" not in data
    assert MAX_FIGURE_BYTES == original


def test_report_package_never_imports_streamlit():
    """The report is drawn by the CLI too: its package (and the chart builders it reuses) stay free of streamlit."""
    import ast
    from pathlib import Path

    import dashboard.charts
    import dashboard.report

    folders = [Path(dashboard.report.__file__).parent, Path(dashboard.charts.__file__).parent]
    for path in [p for folder in folders for p in folder.glob("*.py")] + [Path(dashboard.report.__file__).parents[1] / "text.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "streamlit" for n in names), path
