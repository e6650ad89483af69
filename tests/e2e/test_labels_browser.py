"""The Labels page in a real browser: agreement on the annotated sample, consensus download,
label suspects with an accepted correction, and that download.

Expected numbers come from the krippendorff package and pandas on the same file,
and from the facts in sample_data/README.md, not from the app's analysis layer.
"""

from __future__ import annotations

import krippendorff
import pandas as pd
import pytest
from e2e_helpers import after_rerun, assert_no_exception, metric_value, screenshot, select_option, wait_ready

import sample_data

pytestmark = pytest.mark.e2e

SAMPLE = "reviews_annotated.csv"
ANNOTATORS = ["annotator_1", "annotator_2", "annotator_3", "annotator_4"]


def _expect():
    from playwright.sync_api import expect

    return expect


def open_labels(page) -> None:
    select_option(page, "…or explore a bundled sample", SAMPLE, expect_text=SAMPLE)
    after_rerun(page, lambda: page.get_by_role("link", name="Labels").click(), "Krippendorff's alpha")
    _expect()(page.get_by_test_id("stMain").get_by_role("heading", level=1)).to_have_text("Labels")


def test_agreement_and_consensus_download(app_page):
    page = app_page
    open_labels(page)
    raw = pd.read_csv(sample_data.sample_path(SAMPLE))
    coded = raw[ANNOTATORS].replace({"negative": 0, "neutral": 1, "positive": 2}).astype(float).to_numpy().T
    alpha = krippendorff.alpha(coded, level_of_measurement="nominal")
    assert metric_value(page, "Krippendorff's alpha") == f"{alpha:.3f}" == "0.368"
    assert metric_value(page, "Tied majority votes") == "83"  # README
    assert metric_value(page, "Unanimous items") == f"{218 / 600:.1%}"  # README
    _expect()(page.locator(".st-key-lb_kappa_heatmap .js-plotly-plot")).to_be_visible()
    _expect()(page.locator(".st-key-lb_entropy_chart .js-plotly-plot")).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "labels_agreement")

    button = page.locator(".st-key-lb_download_consensus button")
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "reviews_annotated_consensus.csv"
    out = pd.read_csv(download.path())
    assert out.columns.tolist() == raw.columns.tolist() + ["consensus_label", "consensus_confidence", "consensus_votes"]
    assert len(out) == 600
    assert out["consensus_votes"].tolist() == raw[ANNOTATORS].notna().sum(axis=1).tolist()
    gold = raw["gold_label"].notna()
    assert (out.loc[gold, "consensus_label"] == raw.loc[gold, "gold_label"]).all()  # gold rows are fixed
    assert out.loc[6, "text"].startswith("'=SUM(A1)")  # README: R0007 is formula-protected in exports
    assert out["consensus_confidence"].between(0, 1).all()


def test_label_suspects_accept_one_and_download(app_page):
    page = app_page
    open_labels(page)
    mode = page.get_by_test_id("stMain").get_by_text("One label column", exact=True)
    after_rerun(page, mode.click, "Find label suspects")
    # Pre-filled with the sidebar's target (inside a form, so a change would not rerun).
    _expect()(page.get_by_role("combobox", name="Label column", exact=True)).to_have_value("annotator_1")
    find = page.get_by_role("button", name="Find label suspects")
    after_rerun(page, find.click, "Review the suspects", timeout=90_000)
    assert_no_exception(page)
    flagged = int(metric_value(page, "Label suspects").replace(",", ""))
    assert flagged > 0

    # Tick "accept" on the first suspect: the checkbox cell of row 1 in the grid.
    editor = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").last
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    assert box is not None
    rows_before = page.get_by_role("button", name="Download the data with 0 accepted corrections")
    _expect()(rows_before).to_be_visible()
    # The grid is a canvas: the checkbox of the first row sits about 42 px right of the grid's
    # left edge and 52 px below its top (35 px header + half a 35 px row).
    after_rerun(page, lambda: page.mouse.click(box["x"] + 42, box["y"] + 52), "1 accepted correction")
    screenshot(page, "labels_suspects")

    button = page.get_by_role("button", name="Download the data with 1 accepted correction")
    with page.expect_download() as info:
        button.click()
    out = pd.read_csv(info.value.path())
    raw = pd.read_csv(sample_data.sample_path(SAMPLE))
    assert out.columns.tolist() == raw.columns.tolist() + ["annotator_1_corrected", "label_corrected"]
    changed = out[out["label_corrected"]]
    assert len(changed) == 1
    row = changed.index[0]
    assert changed["annotator_1_corrected"].iloc[0] != raw.loc[row, "annotator_1"]
    untouched = out.drop(index=row)
    assert (untouched["annotator_1_corrected"].fillna("") == raw.drop(index=row)["annotator_1"].fillna("")).all()
    wait_ready(page)
    assert_no_exception(page)
