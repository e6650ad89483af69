"""The dashboard's page logic under Streamlit's AppTest (no browser): the sidebar and the Overview page."""

import re

import pandas as pd
import pytest
from pagetest import errors, metric_deltas, open_page, specs, table
from pagetest import upload as _upload
from streamlit.testing.v1 import AppTest

from analysis import load_csv, overview
from dashboard import keys
from dashboard.components import escape_md
from sample_data import sample_path


def start() -> AppTest:
    return open_page(timeout=60)


def metrics(at: AppTest) -> dict:
    return metric_deltas(at)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    _upload(at, name, data)
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
    assert at.selectbox(key=keys.SAMPLE).value == "transactions.csv"
    assert any("Severe imbalance" in w.value for w in at.warning)
    # The duplicates' own verdict: 12 rows in 6 groups, in a warning box (severity "warning").
    assert any(w.value.startswith("**Conflicting labels:** 12 rows in 6 groups") for w in at.warning)
    # Both charts are drawn from the same result: class counts and missing values.
    figures = specs(at)
    assert len(figures) == 2
    bar = figures[0]["data"][0]
    assert bar["x"] == ["0", "1"]
    assert "19,626" in bar["text"][0] and "405" in bar["text"][1]


def test_upload_shows_exact_counts_and_target_can_be_changed():
    at = start()
    rows = ["x,label,other"] + [f"{i},no,a" for i in range(70)] + [f"{i},maybe,b" for i in range(20)]
    rows += [f"{i},yes,a" for i in range(10)]
    upload(at, "mine.csv", ("\n".join(rows) + "\n").encode())
    assert any(escape_md("mine.csv") in md.value for md in at.sidebar.markdown)  # shown, escaped
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
    assert all(escape_md(word) in infos for word in ("Windows-1252", "semicolons", "Decimal commas"))
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
    shown = " ".join(errors(at))
    assert needle in shown
    assert not at.exception


def test_regression_like_target_is_explained_and_the_rest_still_renders():
    at = start()
    rows = ["price,label"] + [f"{i * 1.37:.2f},{'a' if i % 3 else 'b'}" for i in range(200)]
    upload(at, "prices.csv", ("\n".join(rows) + "\n").encode())
    next(s for s in at.sidebar.selectbox if s.label == "Target column").set_value("price").run()
    assert any("looks like a regression target" in m for m in errors(at))
    assert table(at, "name")["name"].tolist() == ["price", "label"]
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(
    "sample, target, classes",
    [("wine_imbalanced.csv", "cultivar", "3"), ("reviews_annotated.csv", "annotator_1", "3")],
)
def test_each_sample_can_be_chosen(sample, target, classes):
    at = start()
    at.selectbox(key=keys.SAMPLE).set_value(sample).run()
    assert not at.exception
    assert next(s for s in at.sidebar.selectbox if s.label == "Target column").value == target
    assert metrics(at)["Classes"][0] == classes
    if sample == "reviews_annotated.csv":
        assert any(escape_md("annotator_1") in c.value and escape_md("annotator_4") in c.value for c in at.caption)


def test_user_text_is_escaped_wherever_it_is_rendered_as_markdown():
    # A file name, a column name and a class label that would render bold, an image and KaTeX.
    at = start()
    data = "**x**,$y$\n" + "".join(f"{i},![a](http://e.invalid/a.png)\n" for i in range(30))
    data += "".join(f"{i},`b`\n" for i in range(10))
    upload(at, "**bold** ![x](http://e.invalid/x.png).csv", data.encode())
    next(s for s in at.sidebar.selectbox if s.label == "Target column").set_value("$y$").run()
    assert not at.exception
    assert metrics(at)["Classes"][0] == "2"
    assert metrics(at)["Minority class"][0] == escape_md("`b`")
    sources = [m.value for m in at.sidebar.markdown] + [c.value for c in at.caption]
    sources += [h.value for h in at.subheader] + [w.value for w in at.warning] + [i.value for i in at.info]
    for source in sources:
        generated_bold = re.sub(r"\*\*[A-Z][a-z ]+:\*\*", "", source)  # "**Active:**", "**Mild imbalance:**"
        assert not re.search(r"(?<!\\)\*\*", generated_bold), source
        assert "![" not in source, source
        assert not re.search(r"(?<!\\)[$`]", source), source
    assert any(escape_md("**bold** ![x](http://e.invalid/x.png).csv") in s for s in sources)
    assert any(escape_md("$y$") in h.value for h in at.subheader)
