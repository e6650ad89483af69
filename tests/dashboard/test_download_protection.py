"""Every page that downloads has the "protect formulas" switch (on by default) and says what it changed.

AppTest cannot read a download's bytes: the bytes are checked through the same
state wrappers the pages call, and the real file in tests/e2e.
"""

from __future__ import annotations

import pytest
from pagetest import open_page
from streamlit.testing.v1 import AppTest

from analysis.export import SafeCsv
from dashboard.components import PROTECT_LABEL, protection_caption
from dashboard.state import labels as lb_state
from dashboard.state import rebalancing as rb_state
from dashboard.state import sampling as sb_state
from dashboard.state import weak as ws_state

_SCRIPT = '''
import streamlit as st
from analysis.io import load_csv
from analysis.export import to_csv_bytes
from dashboard import components

ds = load_csv(b"zip,note,n\\n02134,=HYPERLINK(1),-1\\n10001,ok,2\\n")
calls = st.session_state.setdefault("calls", [])

def build(protect):
    calls.append(protect)
    return to_csv_bytes(ds.frame, source=ds, protect_formulas=protect)

components.download_with_protection("Download", build, file_name="d.csv", key="dl", protect_key="protect")
'''


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_switch_is_on_by_default_and_the_caption_names_cells_and_columns():
    at = AppTest.from_string(_SCRIPT, default_timeout=30).run()
    assert not at.exception
    box = at.checkbox(key="protect")
    assert box.label == PROTECT_LABEL and box.value is True
    assert at.session_state["calls"] == [True]
    text = _captions(at)
    assert "Formula protection is on: 1 text cell in 'note'" in text
    assert "Original rows carry exactly the text you uploaded." in text
    box.uncheck().run()
    assert at.session_state["calls"][-1] is False
    assert "Formula protection is off: 1 text cell in 'note'" in _captions(at)


def test_caption_escapes_column_names_and_says_when_nothing_changed():
    csv = SafeCsv(b"", 2, ("**x**",), 2, ("**x**",), False)
    assert "'\\*\\*x\\*\\*'" in protection_caption(csv, True)
    assert protection_caption(SafeCsv(b"", 0, (), 0, (), False), True).startswith("No text cell")


@pytest.mark.parametrize(
    ("page", "sample", "key"),
    [
        ("weak", "reviews_annotated.csv", ws_state.WS_PROTECT),
        ("labels", "reviews_annotated.csv", lb_state.LB_PROTECT_CONSENSUS),
        ("sampling", None, sb_state.SB_PROTECT),
        ("rebalancing", "wine_imbalanced.csv", rb_state.RB_PROTECT),  # the switch, not the data, is checked
    ],
)
def test_every_downloading_page_has_the_switch_on_by_default(page, sample, key):
    at = open_page(page, sample=sample, timeout=180)
    if page == "weak":  # the LF columns already in the sample: the label model runs at once
        at.segmented_control(key=ws_state.WS_MODE).set_value("LF columns in the data").run()
    if page == "sampling":  # no fix (and no download) before the user confirms the suggested population
        at.button(key=sb_state.SB_CONFIRM_BUTTON).click().run()
    if page == "rebalancing":  # the fix runs only when asked
        at.button(key=rb_state.RB_APPLY_FIX).click().run()
    box = at.checkbox(key=key)
    assert box.label == PROTECT_LABEL and box.value is True
    assert "Formula protection is" in _captions(at) or "No text cell starts like" in _captions(at)
    box.uncheck().run()
    assert not at.exception, at.exception
    assert at.checkbox(key=key).value is False
    captions = _captions(at)
    assert "Formula protection is off" in captions or "No text cell starts like" in captions


def test_weak_page_switch_changes_the_file_it_builds():
    """The reviews sample's row R0007 is '=SUM(A1)...' (README): prefixed with the switch on, as uploaded with it off."""
    from analysis.io import load_csv
    from analysis.weak import LabelModelSettings, LFColumns
    from sample_data import sample_path

    ds = load_csv(sample_path("reviews_annotated.csv"))
    lfs = LFColumns(("annotator_1", "annotator_2"))
    on = ws_state.ws_labeled_csv(ds.sha256, lfs, LabelModelSettings(), ds, True)
    off = ws_state.ws_labeled_csv(ds.sha256, lfs, LabelModelSettings(), ds, False)
    assert b",'=SUM(A1" in on.data and b",=SUM(A1" in off.data
    assert on.protected_cells == off.formula_cells > 0 and off.protected_cells == 0
