"""Hostile names and huge cells on every page (issue 15, items 5 and 7), under AppTest.

Item 5: a table whose file, column, value and label names are markdown/HTML payloads
(tests/dashboard/hostile.py) is opened on every page with its sections running. No
markdown-rendering element (text, boxes, captions, headings, widget labels and help) holds a
payload unescaped, and no plotly figure holds an HTML payload (``<a href>``, ``<b>``, ``<img>``)
that plotly would render.

Item 7: a table with a 1 MB cell: what each page sends stays bounded (the serialised elements,
measured from AppTest's element protos).
"""

from __future__ import annotations

import json

import hostile
import pagetest
from streamlit.testing.v1.element_tree import Block

from analysis import load_csv
from analysis.weak import LabelingFunction, lfs_to_json
from dashboard.state import labels as lb
from dashboard.state import rebalancing as rb
from dashboard.state import weak as ws

MD_PAYLOADS = (hostile.IMG_MD, hostile.LINK_HTML, hostile.BOLD_HTML, hostile.IMG_HTML, hostile.TICKS)
HTML_PAYLOADS = (hostile.LINK_HTML, hostile.BOLD_HTML, hostile.IMG_HTML)
WIDGETS = {"text_input", "text_area", "number_input", "selectbox", "multiselect", "checkbox", "toggle", "slider",
           "select_slider", "button", "download_button", "file_uploader", "date_input", "color_picker",
           "button_group"}
TABLES = {"arrow_data_frame", "dataframe", "arrow_table"}


def _elements(at):
    def walk(node):
        if not isinstance(node, Block):
            yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at._tree)


def _leaks(at) -> list[tuple[str, str]]:
    """(element type, payload) for every payload that reached a rendering element unescaped."""
    found = []
    for el in _elements(at):
        kind = getattr(el, "type", type(el).__name__)
        if kind in TABLES:
            continue  # tables show text as text (their size is item 7's test)
        if kind == "plotly_chart":
            text, payloads = json.dumps(json.loads(el.proto.spec), ensure_ascii=False), HTML_PAYLOADS
        elif kind in WIDGETS:  # options and values are plain text; label and help render markdown
            text, payloads = f"{getattr(el, 'label', '')}\n{getattr(el, 'help', '') or ''}", MD_PAYLOADS
        else:
            text, payloads = el.proto.SerializeToString().decode("utf-8", "replace"), MD_PAYLOADS
        found += [(kind, p) for p in payloads if p in text]
    return found


def _open(name: str, data: bytes, target: str):
    at = pagetest.open_page(timeout=60)
    pagetest.upload(at, name, data)
    next(s for s in at.sidebar.selectbox if s.label == "Target column").set_value(target).run()
    return at


def _hostile_lf_json() -> bytes:
    lfs = [LabelingFunction(f"lf{hostile.IMG_MD}{hostile.BOLD_HTML}", "keywords", hostile.TEXT, hostile.LABELS[0],
                            keywords=("great",)),
           LabelingFunction(f"lf{hostile.LINK_HTML}{hostile.TICKS}", "keywords", hostile.TEXT, hostile.LABELS[1],
                            keywords=("bad",))]
    return lfs_to_json(lfs).encode()


def _visit_every_page(at, sha: str, *, lf_file: bytes | None = None):
    """Every page with its main sections running; yields the page name after each (``at`` then shows it)."""
    at.switch_page("app_pages/overview.py").run()
    yield "overview"
    at.switch_page("app_pages/features.py").run()
    yield "features"
    at.switch_page("app_pages/sampling.py").run()
    yield "sampling"
    at.session_state[lb.LB_MODE + sha] = "Several annotator columns"
    at.session_state[lb.LB_ANNOTATORS_PREFIX + sha] = hostile.ANNOTATORS
    at.switch_page("app_pages/labels.py").run()
    yield "labels"
    at.switch_page("app_pages/weak.py").run()
    if lf_file is not None:
        at.file_uploader(key=ws.WS_LOAD).set_value(("lfs.json", lf_file, "application/json")).run()
    yield "weak"
    at.session_state[rb.RB_STRATEGIES] = ["none"]
    at.session_state[rb.RB_FOLDS] = 2
    at.switch_page("app_pages/rebalancing.py").run()
    pagetest.button(at, "Run comparison").click().run()
    yield "rebalancing"


def test_hostile_names_are_never_rendered_as_markdown_or_html():
    data = hostile.csv_bytes()
    at = _open(hostile.FILE_NAME, data, hostile.TARGET)
    sha = load_csv(data).sha256[:16]
    seen_charts = 0
    for page in _visit_every_page(at, sha, lf_file=_hostile_lf_json()):
        assert not at.exception, (page, at.exception)
        assert _leaks(at) == [], page
        seen_charts += len(at.get("plotly_chart"))
    assert seen_charts >= 8  # the payloads did reach charts (escaped), the scan is not vacuous


def _sent_bytes(at) -> int:
    return sum(len(el.proto.SerializeToString()) for el in _elements(at))


def test_a_1_mb_cell_reaches_no_page_in_full_and_stays_whole_in_downloads():
    """Before: the Sampling bias page sent the 1 MB group value in its shares editor (and charts/tables
    would send any such cell whole). Now every page sends well under 100 kB; downloads keep it."""
    import numpy as np
    import pandas as pd

    from analysis.export import to_csv_bytes
    from dashboard.text import MAX_CELL_CHARS

    rng = np.random.default_rng(0)
    n, big = 120, "W" * 1_000_000
    frame = pd.DataFrame({"x": rng.normal(size=n).round(3), "shop": rng.choice(["north", "south", "east"], n),
                          "note": rng.choice(["fine", "meh"], n), "y": rng.choice(["yes", "no"], n, p=[0.3, 0.7])})
    frame.loc[3, "note"] = big
    frame.loc[5, "shop"] = big
    data = frame.to_csv(index=False).encode()
    at = _open("big.csv", data, "y")
    ds = load_csv(data)
    sizes = {page: _sent_bytes(at) for page in _visit_every_page(at, ds.sha256[:16])}
    assert max(sizes.values()) < 100_000, sizes
    at.switch_page("app_pages/overview.py").run()
    # the data preview: the longest table of the data's own columns (a near-duplicate group's rows share them)
    preview = max((d.value for d in at.dataframe if list(d.value.columns) == ["x", "shop", "note", "y"]), key=len)
    assert preview["note"].str.len().max() == MAX_CELL_CHARS and preview["note"].iloc[3].endswith("…")
    assert big in to_csv_bytes(ds.frame, source=ds).data.decode()  # the download keeps the full value


def test_a_hostile_lf_file_on_the_weak_page_gives_one_clear_error():
    """Issue 15, item 6, the page's loader: 5,000-deep nesting and a 5,000-digit integer are refused."""
    at = pagetest.open_page("weak", timeout=30)
    at.session_state[ws.WS_MODE] = "Build labeling functions"
    at.run()
    for content, needle in ((b"[" * 5000 + b"]" * 5000, "more than 20 levels deep"),
                            (b'[{"name": "a", "threshold": ' + b"9" * 5000 + b"}]", "5,000-digit integer")):
        at.file_uploader(key=ws.WS_LOAD).set_value(("lfs.json", content, "application/json")).run()
        assert not at.exception, at.exception
        assert any(needle in e for e in pagetest.errors(at)), pagetest.errors(at)
