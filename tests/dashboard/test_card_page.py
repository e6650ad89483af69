"""The Dataset card page in AppTest: facts gathered (the Sampling page's and the Rebalancing lab's results
included), two human fields typed and kept across pages, saved fields loaded, three downloads.

The downloads' bytes are read from AppTest's media storage (recorded as the page stores them) and
checked with the format's own reader: PyYAML for the Markdown header, json for Croissant, and the
report's markers for the HTML. The numbers are checked against the report command's pinned JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from pagetest import APP
from streamlit.testing.v1 import AppTest

from dashboard import keys
from dashboard.state import card as state

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.fixture()
def media(monkeypatch) -> dict[str, bytes]:
    """file id -> bytes of every file the page hands to Streamlit (downloads included)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            stored[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return stored


def open_card(sample: str = "wine_imbalanced.csv") -> AppTest:
    """The card page on a small sample, without drawing the default sample's Overview first."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[keys.SAMPLE] = sample
    at.switch_page("app_pages/card.py").run()
    assert not at.exception, at.exception
    return at


def _download(at, media: dict[str, bytes], key: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key))
    return media[os.path.splitext(button.proto.url.rsplit("/", 1)[1])[0]]


def test_card_page_fills_facts_keeps_two_fields_and_downloads_three_formats(media):
    at = open_card()
    sha = at.session_state[keys.ACTIVE].dataset.sha256[:16]
    motivation, licence = f"{state.CD_HUMAN}{sha}_motivation", f"{state.CD_HUMAN}{sha}_licence"
    at.text_area(key=motivation).input("Teach <b>imbalance</b> with wine.").run()
    at.text_input(key=licence).input("cc-by-4.0").run()
    assert not at.exception
    # kept while the user visits another page
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/card.py").run()
    assert at.text_area(key=motivation).value == "Teach <b>imbalance</b> with wine."
    assert at.text_input(key=licence).value == "cc-by-4.0"

    md = _download(at, media, state.CD_DOWNLOAD_MD).decode()
    header = yaml.safe_load(md.split("---\n")[1])
    assert header["license"] == "cc-by-4.0" and header["size_categories"] == ["n<1K"]
    assert "Teach \\<b\\>imbalance\\</b\\> with wine." in md
    ref = json.loads((GOLDEN / "report_wine.json").read_text())["stdout"]
    assert "imbalance ratio 8.88" in md and f"{ref['class_balance']['imbalance_ratio']:.2f}" == "8.88"

    doc = json.loads(_download(at, media, state.CD_DOWNLOAD_CROISSANT))
    assert doc["license"] == "cc-by-4.0" and len(doc["recordSet"][0]["field"]) == ref["columns"]
    html = _download(at, media, state.CD_DOWNLOAD_HTML)
    assert b"Plotly.newPlot" in html and b"&lt;b&gt;imbalance&lt;/b&gt;" in html and b"<b>imbalance" not in html
    saved = _download(at, media, state.CD_SAVE)
    assert json.loads(saved)["licence"] == "cc-by-4.0"
    # facts the session did not measure point to their page
    assert any("not measured" in m.value for m in at.markdown)
    assert [e.value for e in at.error] == []

    # a saved file fills the fields back; a broken one says why and changes nothing
    at.file_uploader(key=state.CD_LOAD).set_value(("h.json", b"{broken", "application/json")).run()
    assert any("not valid JSON" in e.value for e in at.error)
    assert at.text_input(key=licence).value == "cc-by-4.0"
    at.file_uploader(key=state.CD_LOAD).set_value(("h.yaml", b"licence: mit\n", "application/x-yaml")).run()
    assert at.text_input(key=licence).value == "mit"


def test_card_shows_the_representation_the_sampling_page_computed():
    """The Sampling bias page hands its last result to the card; the numbers are the bias command's (golden)."""
    from dashboard.state import sampling as sb

    ref = json.loads((GOLDEN / "bias_transactions_file.json").read_text())["stdout"]
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[keys.SAMPLE] = "transactions.csv"
    at.switch_page("app_pages/sampling.py").run()
    at.button(key=sb.SB_CONFIRM_BUTTON).click().run()  # the bundled population as the reference
    at.switch_page("app_pages/card.py").run()
    assert not at.exception
    text = next(m.value for m in at.markdown if m.value.startswith("'region' against")).replace("\\", "")
    under = [g["value"] for g in ref["groups"] if g["flag"] == "under"]
    assert f"Under-represented: {', '.join(under)}" in text
    assert f"total variation {ref['total_variation']:.3f}" in text


def test_card_shows_the_fix_applied_on_the_rebalancing_lab(media):
    """The fix the Rebalancing lab applied is on the card, with the recipe the lab's own download carries."""
    from dashboard.state import rebalancing as rb

    at = open_card()
    at.switch_page("app_pages/rebalancing.py").run()
    at.button(key=rb.RB_APPLY_FIX).click().run()
    assert not at.exception
    settings = at.session_state[rb.RB_FIX_RUN]
    at.switch_page("app_pages/card.py").run()
    assert not at.exception
    text = next(m.value for m in at.markdown if "class counts before" in m.value).replace("\\", "")
    fix = rb.rb_fix(settings, at.session_state[keys.ACTIVE].dataset)  # the lab's cached fix (the same object)
    assert fix.verdict_text in text
    md = _download(at, media, state.CD_DOWNLOAD_MD).decode()
    assert f'"strategy": "{settings.strategy}"' in md and "### Fixes applied" in md


def test_card_lists_the_augmented_data_the_augmentation_lab_built():
    """Every fix applied is on the card: here the Augmentation lab's download (its own result's words)."""
    from dashboard.state import augmentation_strategies as aug

    at = open_card()
    at.switch_page("app_pages/augmentation.py").run()
    at.selectbox(key=aug.AS_DL_STRATEGY).set_value("mixup")
    at.button(key=aug.AS_PREPARE).click().run()
    assert not at.exception, at.exception
    settings = at.session_state[aug.AS_PREPARED]
    result = aug.as_augment(settings, at.session_state[keys.ACTIVE].dataset)  # the lab's cached result
    at.switch_page("app_pages/card.py").run()
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Fixes applied** · measured" in shown and result.verdict_text in shown


def test_leakage_suspects_the_features_page_computed_are_measured_on_the_card():
    """Seen in the browser: on the bundled transactions (20,031 rows, above the card's automatic limit) the card
    still said 'not measured — open the Overview or Features page' after the Features page had shown the
    suspects. The card now reads them from that page's cached report: the fact is measured, with the
    verdict the analysis gives (reference: ``leakage_suspects`` on the same table)."""
    from analysis.columns import leakage_suspects
    from analysis.io import load_csv
    from sample_data import sample_path

    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state[keys.SAMPLE] = "transactions.csv"
    at.switch_page("app_pages/card.py").run()
    assert not at.exception
    assert len(load_csv(sample_path("transactions.csv")).frame) > state.AUTO_LEAKAGE_ROWS
    assert at.button(key=state.CD_LEAKAGE)  # not measured yet: the card offers to compute it
    assert "**Leakage suspects** · :gray[not measured]" in [m.value for m in at.markdown]
    at.switch_page("app_pages/features.py").run()
    at.switch_page("app_pages/card.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == state.CD_LEAKAGE]
    shown = [m.value for m in at.markdown]
    assert "**Leakage suspects** · measured, shown on the Features page" in shown
    report = leakage_suspects(load_csv(sample_path("transactions.csv")).frame, target="is_fraud")
    assert any(report.verdict_text.split(":")[0] in m.replace("\\", "") for m in shown)


def test_the_cards_button_adds_the_leakage_suspects_of_a_large_table():
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state[keys.SAMPLE] = "transactions.csv"
    at.switch_page("app_pages/card.py").run()
    assert "**Leakage suspects** · :gray[not measured]" in [m.value for m in at.markdown]
    at.button(key=state.CD_LEAKAGE).click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key == state.CD_LEAKAGE]
    assert "**Leakage suspects** · measured, shown on the Features page" in [m.value for m in at.markdown]
