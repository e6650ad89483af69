"""The Overview page in a real browser: samples, uploads, awkward and broken files.

Expected numbers come from pandas reading the same files (an oracle
independent of the app), not from the app's own analysis layer.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from e2e_helpers import (
    assert_no_exception,
    dataframe_rows,
    eventually,
    metric_delta,
    metric_value,
    screenshot,
    select_option,
    upload,
)

import sample_data

pytestmark = pytest.mark.e2e

SAMPLE_LABEL = "…or explore a bundled sample"
TARGET_LABEL = "Target column"


# --- locators and checks -----------------------------------------------------
def _expect():
    from playwright.sync_api import expect

    return expect


def balance_chart(page):
    return page.locator(".st-key-ov_balance_chart .js-plotly-plot")


def balance_table(page):
    # The class table sits in the same row of columns as the class chart.
    return page.locator("[data-testid=stHorizontalBlock]:has(.st-key-ov_balance_chart) [data-testid=stDataFrame]")


def roles_table(page):
    # Data frames in the main area: [balance table, (conflicting rows), roles, preview].
    return page.get_by_test_id("stMain").get_by_test_id("stDataFrame").nth(-2)


def preview_table(page):
    return page.get_by_test_id("stMain").get_by_test_id("stDataFrame").last


def info_notes(page) -> list[str]:
    """Texts of the info boxes in the main area (the parse notes, and the verdict when it is "mild")."""
    boxes = page.get_by_test_id("stMain").get_by_test_id("stAlertContentInfo").get_by_test_id("stMarkdownContainer")
    return [t.strip() for t in boxes.all_inner_texts()]


def chart_classes(page) -> list[str]:
    chart = balance_chart(page)
    _expect()(chart).to_be_visible()
    _expect()(chart.locator(".xtick text").first).to_be_attached()
    return [t.strip() for t in chart.locator(".xtick text").all_text_contents()]


def assert_class_counts(page, target: str, counts: dict[str, int]) -> None:
    """Heading, metrics, chart and table of the class balance agree with `counts`."""
    expect = _expect()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stHeading").filter(has_text="Class balance of")).to_contain_text(target)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    largest, smallest = ordered[0][1], ordered[-1][1]
    assert metric_value(page, "Classes") == str(len(counts))
    assert metric_value(page, "Imbalance ratio") == f"{largest / smallest:,.2f} : 1"
    minority = ordered[-1][0]
    assert metric_value(page, "Minority class") == minority
    assert metric_delta(page, "Minority class").startswith(f"{smallest:,} rows")
    # The chart draws one bar per class, labelled with the class.
    assert sorted(chart_classes(page)) == sorted(counts)
    # The table: class, rows, share (raw values in the grid's accessible cells).
    def table_matches() -> None:
        table = {row[0]: int(float(row[1])) for row in dataframe_rows(balance_table(page))}
        assert table == counts

    eventually(table_matches)


def _assert_equal(actual, expected) -> None:
    assert actual == expected


def settled_rows(frame, first_column: list[str]) -> list[list[str]]:
    """The rows of a data frame once its first column reads `first_column`.

    The grid's accessible cells catch up with the canvas ~0.2 s after a rerun.
    """

    def rows() -> list[list[str]]:
        current = dataframe_rows(frame)
        assert [r[0] for r in current] == first_column
        return current

    return eventually(rows)


def sample_counts(name: str) -> tuple[str, dict[str, int]]:
    target = sample_data.DEFAULT_TARGETS[name]
    frame = pd.read_csv(sample_data.sample_path(name))
    counts = frame[target].dropna().astype(str).value_counts()
    return target, {str(k): int(v) for k, v in counts.items()}


# --- (a) the default sample ----------------------------------------------------
def test_opens_with_the_default_sample(app_page):
    page, expect = app_page, _expect()
    name = sample_data.DEFAULT_SAMPLE
    target, counts = sample_counts(name)
    assert (name, target) == ("transactions.csv", "is_fraud")

    expect(page.get_by_role("combobox", name=SAMPLE_LABEL, exact=True)).to_have_value(name)
    expect(page.get_by_role("combobox", name=TARGET_LABEL, exact=True)).to_have_value(target)
    sidebar = page.get_by_test_id("stSidebarUserContent")
    expect(sidebar).to_contain_text(f"Active: {name} (bundled sample)")
    expect(sidebar).to_contain_text(f"Target: {target}")

    expect(page.get_by_test_id("stMain").get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.get_by_test_id("stHeading").filter(has_text="Class balance of")).to_contain_text(target)
    expect(page.get_by_test_id("stMetricLabel").get_by_text("Imbalance ratio", exact=True)).to_be_visible()
    expect(balance_chart(page)).to_be_visible()
    assert_class_counts(page, target, counts)
    assert_no_exception(page)
    screenshot(page, "a_default_sample")


# --- (b) an upload with known class counts -------------------------------------
def test_upload_with_known_class_counts(app_page, tmp_path):
    page, expect = app_page, _expect()
    labels = ["no"] * 70 + ["maybe"] * 20 + ["yes"] * 10
    frame = pd.DataFrame(
        {
            "score": [round(0.37 * i + 0.11, 2) for i in range(len(labels))],
            "segment": ["north"] * 60 + ["south"] * 40,
            "label": labels,
        }
    )
    path = tmp_path / "known_counts.csv"
    frame.to_csv(path, index=False)

    upload(page, path)

    # The sample picker is disabled while an upload is active; `label` is preselected.
    expect(page.get_by_role("combobox", name=SAMPLE_LABEL, exact=True)).to_be_disabled()
    target = page.get_by_role("combobox", name=TARGET_LABEL, exact=True)
    expect(target).to_have_value("label")
    sidebar = page.get_by_test_id("stSidebarUserContent")
    expect(sidebar).to_contain_text("Active: known_counts.csv (uploaded)")
    expect(sidebar).to_contain_text("100 rows × 3 columns")
    expect(sidebar).to_contain_text("Target: label")

    assert_class_counts(page, "label", {"no": 70, "maybe": 20, "yes": 10})
    assert metric_value(page, "Imbalance ratio") == "7.00 : 1"
    assert metric_delta(page, "Minority class") == "10 rows · 10.00%"
    # Bar labels show the counts too.
    chart_text = balance_chart(page).inner_text()
    for count in ("70", "20", "10"):
        assert count in chart_text
    assert_no_exception(page)
    screenshot(page, "b_upload_known_counts")

    # Picking another target in the sidebar redraws the balance for it, and back.
    select_option(page, TARGET_LABEL, "segment", expect_text="Class balance of segment")
    assert_class_counts(page, "segment", {"north": 60, "south": 40})
    expect(sidebar).to_contain_text("Target: segment")
    select_option(page, TARGET_LABEL, "label", expect_text="Class balance of label")
    assert_class_counts(page, "label", {"no": 70, "maybe": 20, "yes": 10})
    assert_no_exception(page)


# --- (c) awkward but readable files ----------------------------------------------
def test_upload_cp1252_semicolons_decimal_commas(app_page, tmp_path):
    page, expect = app_page, _expect()
    rows = [
        ("Besançon", "12,5", "café", "oui"),
        ("Zürich", "3,75", "crème brûlée", "non"),
        ("Málaga", "1.234,5", "thé", "non"),
        ("Orléans", "0,25", "café", "oui"),
        ("Besançon", "7,5", "thé", "non"),
    ] * 4
    text = "ville;montant;catégorie;label\n" + "".join(";".join(r) + "\n" for r in rows)
    path = tmp_path / "excel_fr.csv"
    path.write_bytes(text.encode("cp1252"))

    upload(page, path)

    assert_no_exception(page)
    notes = "\n".join(info_notes(page))
    assert "Windows-1252" in notes
    assert "semicolon" in notes
    assert "Decimal commas were read as numbers in 'montant'" in notes
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_contain_text(
        "cp1252, semicolon-separated"
    )
    # Accented header and values survive; decimal commas became numbers.
    roles = settled_rows(roles_table(page), ["ville", "montant", "catégorie", "label"])
    assert roles[1][2].startswith("float"), roles[1]  # the dtype of montant

    def preview_ok() -> None:
        preview = dataframe_rows(preview_table(page))
        assert preview[0][1:] == ["Besançon", "12.5", "café", "oui"]
        assert preview[1][1:] == ["Zürich", "3.75", "crème brûlée", "non"]
        assert preview[2][1:3] == ["Málaga", "1234.5"]

    eventually(preview_ok)
    assert_class_counts(page, "label", {"non": 12, "oui": 8})
    screenshot(page, "c1_cp1252_semicolons")


def test_upload_utf8_bom(app_page, tmp_path):
    page, expect = app_page, _expect()
    body = "id,name,label\n" + "".join(f"{i},né_{i},{'a' if i % 3 else 'b'}\n" for i in range(30))
    path = tmp_path / "excel_bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))

    upload(page, path)

    assert_no_exception(page)
    notes = "\n".join(info_notes(page))
    assert "byte-order mark" in notes
    # The BOM is not glued to the first column's name.
    settled_rows(roles_table(page), ["id", "name", "label"])
    assert "Spaces around column names" not in notes
    eventually(lambda: _assert_equal(dataframe_rows(preview_table(page))[0][1:], ["0", "né_0", "b"]))
    expect(page.get_by_role("combobox", name=TARGET_LABEL, exact=True)).to_have_value("label")
    assert_class_counts(page, "label", {"a": 20, "b": 10})
    screenshot(page, "c2_utf8_bom")


def test_upload_duplicate_headers(app_page, tmp_path):
    page, expect = app_page, _expect()
    body = "x,x,y,label\n" + "".join(f"{i},{i * 2},{i % 5},{'p' if i % 4 else 'q'}\n" for i in range(40))
    path = tmp_path / "dupe_headers.csv"
    path.write_text(body)

    upload(page, path)

    assert_no_exception(page)
    notes = "\n".join(info_notes(page))
    assert "made unique" in notes
    # Markdown turns "->" into an arrow.
    assert re.search(r"'x' (->|→) 'x_2'", notes), notes
    settled_rows(roles_table(page), ["x", "x_2", "y", "label"])
    # Both x columns kept their own values.
    eventually(lambda: _assert_equal(dataframe_rows(preview_table(page))[3][1:3], ["3", "6"]))
    expect(page.get_by_role("combobox", name=TARGET_LABEL, exact=True)).to_have_value("label")
    assert_class_counts(page, "label", {"p": 30, "q": 10})
    screenshot(page, "c3_duplicate_headers")


# --- (d) files that cannot be read ---------------------------------------------
BAD_FILES = {
    "nul_bytes": ("bad.csv", b"\x00" * 4096, re.compile(r"'bad\.csv' is not a text CSV file \(it contains NUL bytes\)")),
    "ragged": (
        "ragged.csv",
        b"a,b,label\n1,2,x\n3,4,y\n5,6,7,x\n8,9,y\n",
        re.compile(r"'ragged\.csv' has rows of different lengths: line 4 has 4 fields but the header has 3"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_upload_shows_an_error(app_page, tmp_path, case):
    page, expect = app_page, _expect()
    name, data, message = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(data)

    upload(page, path)

    assert_no_exception(page)
    main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebarUserContent")
    error = main.get_by_test_id("stAlertContentError")
    expect(error).to_have_count(1)
    expect(error).to_contain_text(message)
    # The sidebar says the file failed without repeating the whole message.
    expect(sidebar.get_by_test_id("stAlertContentError")).to_contain_text("could not be read")
    expect(main.get_by_test_id("stAlertContentInfo")).to_contain_text("Upload another CSV")
    # Nothing of the previous dataset is left on the page.
    expect(main.locator(".js-plotly-plot")).to_have_count(0)
    expect(main.get_by_test_id("stMetric")).to_have_count(0)
    screenshot(page, f"d_bad_upload_{case}")

    # A good upload afterwards recovers.
    good = tmp_path / "recovered.csv"
    good.write_text("f,label\n" + "".join(f"{i / 7:.3f},{'u' if i % 2 else 'v'}\n" for i in range(20)))
    upload(page, good)
    assert_no_exception(page)
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)
    assert_class_counts(page, "label", {"u": 10, "v": 10})


# --- (e) every bundled sample ----------------------------------------------------
@pytest.mark.parametrize("name", list(sample_data.SAMPLES))
def test_each_bundled_sample_renders(app_page, name):
    page, expect = app_page, _expect()
    target, counts = sample_counts(name)
    if name != sample_data.DEFAULT_SAMPLE:
        select_option(page, SAMPLE_LABEL, name, expect_text=f"{name} ·")
    expect(page.get_by_role("combobox", name=TARGET_LABEL, exact=True)).to_have_value(target)
    expect(page.get_by_test_id("stSidebarUserContent")).to_contain_text(f"Active: {name} (bundled sample)")
    expect(balance_chart(page)).to_be_visible()
    assert_class_counts(page, target, counts)
    assert_no_exception(page)
    screenshot(page, f"e_sample_{name.removesuffix('.csv')}")
