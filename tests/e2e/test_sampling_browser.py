"""The "Sampling bias" page in a real browser: bundled population, second-file upload, weighted download.

Expected numbers come from pandas and scipy reading the same files, not from the app.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from e2e_helpers import after_rerun, assert_no_exception, metric_value, screenshot, wait_ready
from scipy import stats

import sample_data

pytestmark = pytest.mark.e2e

POPULATION = {"north": 0.22, "south": 0.24, "east": 0.18, "west": 0.20, "central": 0.16}


def _expect():
    from playwright.sync_api import expect

    return expect


def open_sampling(page) -> None:
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sampling bias")
    after_rerun(page, link.click, "Against a reference population")
    wait_ready(page, "Fix: reweight or resample")


def confirm_population(page) -> None:
    button = page.locator(".st-key-sb_confirm_button").get_by_role("button")
    after_rerun(page, button.click, "Chi-square")


def test_bias_shift_and_weighted_download(app_page, tmp_path):
    page = app_page
    expect = _expect()
    open_sampling(page)
    assert_no_exception(page)
    # The bundled population is a suggestion: no verdict and no download until it is confirmed.
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("confirm it to compare")).to_be_visible()
    assert page.locator(".st-key-sb_download_csv").count() == 0
    confirm_population(page)

    df = pd.read_csv(sample_data.sample_path("transactions.csv"))
    counts = df["region"].value_counts()
    n = len(df)
    chi2 = stats.chisquare([counts[v] for v in POPULATION], np.array(list(POPULATION.values())) * n).statistic
    assert metric_value(page, "Chi-square") == f"{chi2:,.1f}"
    assert metric_value(page, "Cohen's w") == f"{np.sqrt(chi2 / n):.3f}"
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Moderate sampling bias in 'region'")).to_be_visible()
    expect(page.locator(".st-key-sb_bars_chart .js-plotly-plot")).to_be_visible()
    expect(page.locator(".st-key-sb_ratio_chart .js-plotly-plot")).to_be_visible()
    screenshot(page, "sampling_a_population")

    # Second file: 4,000 rows with doubled amounts, plus 50 rows copied unchanged.
    current = df.sample(4000, random_state=8).copy()
    current["amount"] = current["amount"] * 2
    current = pd.concat([current, df.iloc[1000:1050]], ignore_index=True)
    path = tmp_path / "production.csv"
    current.to_csv(path, index=False)
    dropzone = page.locator(".st-key-sb_shift_upload").get_by_test_id("stFileUploaderDropzoneInput")
    after_rerun(page, lambda: dropzone.set_input_files(str(path)), "Drifted features")
    wait_ready(page, "in both files")
    assert_no_exception(page)
    in_both = len(current.merge(df.drop_duplicates(), how="inner"))  # pandas reference
    assert metric_value(page, "Rows in both files") == f"{in_both:,}"
    drifted = metric_value(page, "Drifted features")
    assert drifted.endswith("of 10") and int(drifted.split()[0]) >= 1
    expect(page.locator(".st-key-sb_overlay_chart .js-plotly-plot")).to_be_visible()
    expect(page.locator(".st-key-sb_overlay_chart .gtitle")).to_have_text("'amount' in both files")
    screenshot(page, "sampling_b_shift")

    # The weighted download: original columns intact plus sample_weight; weighted shares = population.
    button = page.locator(".st-key-sb_download_csv").get_by_role("button")
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "transactions_weighted.csv"
    weighted = pd.read_csv(download.path())
    assert list(weighted.columns) == list(df.columns) + ["sample_weight"]
    pd.testing.assert_frame_equal(weighted[df.columns], df)
    shares = weighted.groupby("region")["sample_weight"].sum() / weighted["sample_weight"].sum()
    assert shares.to_dict() == pytest.approx(POPULATION, abs=1e-9)
    with page.expect_download() as info:
        page.locator(".st-key-sb_download_recipe").get_by_role("button").click()
    recipe = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert recipe["settings"]["fix"] == "post-stratification" and recipe["output_rows"] == n
    assert_no_exception(page)
    screenshot(page, "sampling_c_fix")


def _share_cells(page) -> list[str]:
    """The expected-share column of the shares editor as shown (the grid's accessible cells)."""
    cells = page.locator("[class*='st-key-sb_editor_'] [role=gridcell]")
    texts = [cells.nth(i).inner_text().strip() for i in range(cells.count())]
    return texts[1::2]


def _type_shares(page, shares: list[float]) -> None:
    """Type one share per row into the shares editor (double-click the cell, type, Enter); retype what did not land."""
    for _ in range(3):  # a keystroke that lands while the app redraws can be lost: check and retype
        shown = _share_cells(page)
        todo = [i for i, share in enumerate(shares) if i >= len(shown) or shown[i] != str(share)]
        if not todo:
            return
        for i in todo:
            box = page.locator("[class*='st-key-sb_editor_'] [data-testid=stDataFrameResizable]").first.bounding_box()
            page.mouse.dblclick(box["x"] + box["width"] * 0.75, box["y"] + 35 * (i + 1) + 17)  # header and rows: 35 px
            page.wait_for_timeout(300)
            page.keyboard.press("Control+A")
            page.keyboard.type(str(shares[i]), delay=50)
            page.keyboard.press("Enter")
            page.wait_for_timeout(500)
            wait_ready(page)
    assert _share_cells(page)[: len(shares)] == [str(s) for s in shares]


def test_typed_shares_editor_survive_overview_and_resample_fix(app_page):
    page = app_page
    expect = _expect()
    open_sampling(page)
    df = pd.read_csv(sample_data.sample_path("transactions.csv"))
    counts = df["region"].value_counts()
    main = page.get_by_test_id("stMain")
    radio = main.get_by_test_id("stRadio").filter(has_text="Type the expected shares")
    after_rerun(page, lambda: radio.get_by_text("Type the expected shares").click(), "Type the population share")
    # The editor starts with empty shares: nothing is judged until they are typed.
    expect(page.get_by_test_id("stDataFrame").filter(has_text="expected share").first).to_be_visible()
    expect(main.get_by_text("Nothing is judged until you do")).to_be_visible()
    assert page.locator("[data-testid=stMetric]").filter(has_text="Chi-square").count() == 0
    order = list(counts.index)  # the editor lists the sample's values, largest first
    _type_shares(page, [POPULATION[v] for v in order])
    wait_ready(page, "Chi-square")
    chi2 = stats.chisquare([counts[v] for v in POPULATION], np.array(list(POPULATION.values())) * len(df)).statistic
    assert metric_value(page, "Chi-square") == f"{chi2:,.1f}"
    screenshot(page, "sampling_d_typed")
    # A visit to Overview keeps the typed shares and the verdict.
    overview = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview")
    after_rerun(page, overview.click, "Overview")
    open_sampling(page)
    assert metric_value(page, "Chi-square") == f"{chi2:,.1f}"
    fix = main.get_by_test_id("stRadio").filter(has_text="Stratified resample")
    after_rerun(page, lambda: fix.get_by_text("Stratified resample").click(), "Rows after")
    # Population shares without replacement: central (1,210 rows for 16 %) limits the sample to floor(1210 / 0.16).
    assert metric_value(page, "Rows after") == f"{int(counts['central'] / 0.16):,}"
    expect(page.locator(".st-key-sb_download_csv")).to_contain_text("Download the resampled CSV")
    assert_no_exception(page)
    screenshot(page, "sampling_e_typed_resample")
