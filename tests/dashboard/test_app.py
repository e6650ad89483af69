"""The dashboard's page logic under Streamlit's AppTest (no browser)."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import load_csv, overview
from sample_data import sample_path

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py")



def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def table(at, first_column: str):
    """The dataframe whose first column is ``first_column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def upload(at, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_opens_on_transactions_sample_with_numbers_from_the_analysis():
    at = start()
    expected = overview(load_csv(sample_path("transactions.csv")), target="is_fraud")
    cb = expected.class_balance
    m = metrics(at)
    assert m["Classes"][0] == "2"
    assert m["Imbalance ratio"][0] == f"{cb.imbalance_ratio:,.2f} : 1" == "48.46 : 1"
    assert m["Minority class"][0] == "1"
    assert m["Minority class"][1] == "405 rows · 2.02%"
    assert m["Normalized entropy"][0] == f"{cb.normalized_entropy:.3f}"
    assert m["Duplicate rows"][0] == "25"
    assert m["Conflicting duplicates"][0] == "12"
    assert m["Missing cells"][0] == "900"
    raw = pd.read_csv(sample_path("transactions.csv"))  # reference: plain pandas on the same file
    assert m["Missing cells"][1] == f"{raw.isna().sum().sum() / raw.size:.2%} of all cells" == "0.35% of all cells"
    assert m["Conflicting duplicates"][1] == "in 6 groups"  # 6 planted pairs, sample_data/README.md
    assert at.selectbox(key="app_sample").value == "transactions.csv"
    assert any("Severe imbalance" in w.value for w in at.warning)
    # Both charts are drawn from the same result: class counts and missing values.
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(specs) == 2
    bar = specs[0]["data"][0]
    assert bar["x"] == ["0", "1"]
    assert "19,626" in bar["text"][0] and "405" in bar["text"][1]


def test_upload_shows_exact_counts_and_target_can_be_changed():
    at = start()
    rows = ["x,label,other"] + [f"{i},no,a" for i in range(70)] + [f"{i},maybe,b" for i in range(20)]
    rows += [f"{i},yes,a" for i in range(10)]
    upload(at, "mine.csv", ("\n".join(rows) + "\n").encode())
    assert any("mine.csv" in md.value for md in at.sidebar.markdown)
    m = metrics(at)
    assert m["Classes"][0] == "3"
    assert m["Imbalance ratio"][0] == "7.00 : 1"
    assert m["Minority class"] == ("yes", "10 rows · 10.00%")
    assert table(at, "class")["count"].tolist() == [70, 20, 10]
    # Choose another target: the page follows.
    target_box = next(s for s in at.sidebar.selectbox if s.label == "Target column")
    target_box.set_value("other").run()
    assert metrics(at)["Imbalance ratio"][0] == f"{80 / 20:,.2f} : 1"


def test_awkward_file_notes_are_shown():
    at = start()
    upload(at, "semi.csv", "name;price;label\ncafé;1,5;yes\nnaïve;2,0;no\nthé;3,0;no\n".encode("cp1252"))
    infos = " ".join(i.value for i in at.info)
    assert "Windows-1252" in infos and "semicolons" in infos and "Decimal commas" in infos
    preview = at.dataframe[-1].value
    assert preview["name"].tolist() == ["café", "naïve", "thé"]
    assert preview["price"].tolist() == [1.5, 2.0, 3.0]


@pytest.mark.parametrize(
    "data, needle",
    [
        (b"\x00\x01\x02" * 50, "not a text CSV file"),
        (b"a,b\n1,2\n3,4,5\n", "line 3 has 3 fields"),
        (b"", "is empty"),
        (b"a,b,c\n", "no data rows"),
    ],
)
def test_bad_upload_shows_an_error_box_not_a_traceback(data, needle):
    at = start()
    upload(at, "bad.csv", data)
    errors = " ".join(e.value for e in at.error)
    assert needle in errors
    assert not at.exception


def test_regression_like_target_is_explained_and_the_rest_still_renders():
    at = start()
    rows = ["price,label"] + [f"{i * 1.37:.2f},{'a' if i % 3 else 'b'}" for i in range(200)]
    upload(at, "prices.csv", ("\n".join(rows) + "\n").encode())
    next(s for s in at.sidebar.selectbox if s.label == "Target column").set_value("price").run()
    assert any("looks like a regression target" in e.value for e in at.error)
    assert table(at, "name")["name"].tolist() == ["price", "label"]
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(
    "sample, target, classes",
    [("wine_imbalanced.csv", "cultivar", "3"), ("reviews_annotated.csv", "annotator_1", "3")],
)
def test_each_sample_can_be_chosen(sample, target, classes):
    at = start()
    at.selectbox(key="app_sample").set_value(sample).run()
    assert not at.exception
    assert next(s for s in at.sidebar.selectbox if s.label == "Target column").value == target
    assert metrics(at)["Classes"][0] == classes
    if sample == "reviews_annotated.csv":
        assert any("annotator_1" in c.value and "annotator_4" in c.value for c in at.caption)
