"""The Augmentation lab's robustness test in a real browser on the reviews sample (free text):
one button, live progress, curves, flip rates and the fragile rows' download.

Expected values come from the uploaded file itself (pandas): the downloaded rows must be original rows,
value for value, and the text perturbations must run while the numeric ones are skipped with the reason.
"""

from __future__ import annotations

import pandas as pd
import pytest
from e2e_helpers import after_rerun, assert_no_exception, screenshot, select_option

import sample_data

pytestmark = pytest.mark.e2e

SAMPLE = "reviews_annotated.csv"


def test_robustness_on_reviews_runs_and_downloads_fragile_rows(app_page):
    from playwright.sync_api import expect

    page = app_page
    select_option(page, "…or explore a bundled sample", SAMPLE, expect_text=SAMPLE)
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Augmentation lab")
    after_rerun(page, link.click, "Run robustness test")
    expect(page.get_by_test_id("stMain").get_by_role("heading", level=1)).to_have_text("Augmentation lab")
    folds = page.get_by_role("spinbutton", name="Folds").first  # the robustness form's (strategies have their own)
    folds.fill("3")
    run = page.get_by_role("button", name="Run robustness test")
    after_rerun(page, run.click, "Fragile rows", timeout=240_000)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("gaussian_noise skipped: Gaussian noise needs numeric feature columns")
    for key in ("au_rb_curves", "au_rb_flips", "au_rb_sensitivity_chart"):
        expect(page.locator(f".st-key-{key} .js-plotly-plot")).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "augmentation_robustness_reviews")

    button = page.locator(".st-key-au_rb_download button")
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "reviews_annotated_fragile_rows.csv"
    out = pd.read_csv(download.path(), keep_default_na=False)
    raw = pd.read_csv(sample_data.sample_path(SAMPLE), keep_default_na=False)
    added = ["robustness_flips", "robustness_trials", "robustness_flip_share", "robustness_clean_prediction"]
    assert out.columns.tolist() == raw.columns.tolist() + added
    assert len(out) > 0 and out["robustness_flips"].is_monotonic_decreasing
    original = raw.set_index("review_id").loc[out["review_id"]].reset_index()
    for col in raw.columns:
        if col != "text":  # text cells starting like a formula are protected with a leading '
            assert out[col].astype(str).tolist() == original[col].astype(str).tolist(), col
    assert (out["text"].str.lstrip("'") == original["text"]).all()
