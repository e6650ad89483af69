"""The Weak supervision page in a real browser: build two keyword LFs, download the labeled data.

Expected values come from plain pandas string matching on the same file (where
does each keyword LF fire?), not from the app's analysis layer.
"""

from __future__ import annotations

import string

import pandas as pd
import pytest
from e2e_helpers import after_rerun, assert_no_exception, eventually, metric_value, screenshot, select_option

import sample_data

pytestmark = pytest.mark.e2e

SAMPLE = "reviews_annotated.csv"


def _expect():
    from playwright.sync_api import expect

    return expect


def add_keyword_lf(page, name: str, keywords: str, label: str, *, whole_word: bool, expect_text: str | None) -> None:
    """Fill the 'add LF' form (no rerun until it is submitted) and submit it."""
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="LF name", exact=True).fill(name)
    form.get_by_role("textbox", name="Keywords or values (comma-separated)", exact=True).fill(keywords)
    combo = form.get_by_role("combobox", name="Assigns label", exact=True)
    combo.click()
    page.get_by_role("option", name=label, exact=True).click()
    _expect()(combo).to_have_value(label)
    box = form.get_by_role("checkbox", name="Whole words only")
    if box.is_checked() != whole_word:
        form.get_by_text("Whole words only").click()
    submit = form.get_by_role("button", name="Add labeling function")
    after_rerun(page, submit.click, expect_text)


def test_build_two_keyword_lfs_and_download_the_labeled_data(app_page):
    page = app_page
    select_option(page, "…or explore a bundled sample", SAMPLE, expect_text=SAMPLE)
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Weak supervision")
    after_rerun(page, link.click, "Add labeling function")
    _expect()(page.get_by_test_id("stMain").get_by_role("heading", level=1)).to_have_text("Weak supervision")

    add_keyword_lf(page, "praise", "great, five stars", "positive", whole_word=False, expect_text="Total coverage")
    add_keyword_lf(page, "refund", "refund, worst", "negative", whole_word=True, expect_text=None)

    raw = pd.read_csv(sample_data.sample_path(SAMPLE))
    lower = raw["text"].str.lower()
    praise = lower.str.contains("great", regex=False) | lower.str.contains("five stars", regex=False)
    words = lower.map(lambda t: {w.strip(string.punctuation) for w in t.split()})
    refund = words.map(lambda ws: bool(ws & {"refund", "worst"}))
    _expect()(page.get_by_test_id("stMain")).to_contain_text("Rows labelled")
    # The second LF's rerun may still be drawing: wait until the metrics show both LFs.
    def both_lfs_counted() -> None:
        assert metric_value(page, "Total coverage") == f"{(praise | refund).mean():.1%}"

    eventually(both_lfs_counted)
    assert metric_value(page, "Conflict") == f"{(praise & refund).mean():.1%}"
    assert metric_value(page, "Rows labelled") == f"{int((praise | refund).sum()):,}"
    for key in ("ws_coverage_chart", "ws_conflict_chart", "ws_accuracy_chart", "ws_agreement_chart"):
        _expect()(page.locator(f".st-key-{key} .js-plotly-plot")).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "weak_supervision")

    button = page.locator(".st-key-ws_download button")
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "reviews_annotated_weak_labels.csv"
    out = pd.read_csv(download.path())
    assert out.columns.tolist() == raw.columns.tolist() + ["weak_label", "weak_confidence"]
    assert len(out) == 600
    assert out["review_id"].tolist() == raw["review_id"].tolist()
    assert out.loc[6, "text"].startswith("'=SUM(A1)")  # README: R0007 is formula-protected in exports
    # Rows no LF covers stay empty; gold rows LFs cover keep their gold label (the default gold column);
    # other rows only one LF covers get its label.
    assert out.loc[~(praise | refund), "weak_label"].isna().all()
    gold = raw["gold_label"].notna() & (praise | refund)
    assert (out.loc[gold, "weak_label"] == raw.loc[gold, "gold_label"]).all()
    only_praise, only_refund = praise & ~refund & ~gold, refund & ~praise & ~gold
    assert (out.loc[only_praise, "weak_label"] == "positive").all()
    assert (out.loc[only_refund, "weak_label"] == "negative").all()
    assert out.loc[praise | refund, "weak_confidence"].between(0.5, 1).all()
    assert out.loc[~(praise | refund), "weak_confidence"].isna().all()
