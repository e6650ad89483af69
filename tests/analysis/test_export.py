"""Safe CSV export: formula-injection protection (OWASP "CSV Injection") and round trips."""

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from analysis.export import FORMULA_PREFIXES, neutralize_formulas, provenance, to_csv_bytes, zip_bytes


def test_owasp_prefixes_are_all_covered():
    # OWASP CSV Injection lists = + - @ and the tab and carriage-return characters.
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_text_cells_are_prefixed_numbers_untouched(dtype):
    df = pd.DataFrame(
        {
            "text": pd.Series(["=SUM(A1)", "+1 great", "-5 stars", "@support", "\tx", "fine", None], dtype=dtype),
            "num": [-3.5, 2.0, -1.0, 0.0, 1.0, 2.0, np.nan],
        }
    )
    out, n, cols = neutralize_formulas(df)
    assert out["text"].tolist()[:6] == ["'=SUM(A1)", "'+1 great", "'-5 stars", "'@support", "'\tx", "fine"]
    assert pd.isna(out["text"].iloc[6])
    assert out["num"].tolist()[:6] == [-3.5, 2.0, -1.0, 0.0, 1.0, 2.0]
    assert (n, cols) == (5, ("text",))
    assert df["text"].iloc[0] == "=SUM(A1)"  # input not mutated


def test_object_column_mixing_numbers_and_text_only_protects_strings():
    df = pd.DataFrame({"mix": [-2, "-2", "=x", 3.5]})
    out, n, _ = neutralize_formulas(df)
    assert out["mix"].tolist() == [-2, "'-2", "'=x", 3.5]
    assert n == 2


def test_csv_round_trip_and_switch_off():
    df = pd.DataFrame({"a": ["=1", "b,c", 'say "hi"'], "n": [1, -2, 3]})
    safe = to_csv_bytes(df)
    back = pd.read_csv(io.BytesIO(safe.data))
    assert back["a"].tolist() == ["'=1", "b,c", 'say "hi"']
    assert back["n"].tolist() == [1, -2, 3]
    assert safe.protected_cells == 1 and safe.protected_columns == ("a",)
    raw = to_csv_bytes(df, protect_formulas=False)
    assert pd.read_csv(io.BytesIO(raw.data))["a"].tolist()[0] == "=1"
    assert raw.protected_cells == 0
    assert safe.data.decode("utf-8").splitlines()[0] == "a,n"


def test_zip_and_provenance():
    blob = zip_bytes({"train.csv": b"a\n1\n", "recipe.json": b"{}"})
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert sorted(z.namelist()) == ["recipe.json", "train.csv"]
        assert z.read("train.csv") == b"a\n1\n"
    p = provenance(source_name="d.csv", source_sha256="ab", rows_in=10, rows_out=12, strategy="smote")
    assert p["source"] == {"name": "d.csv", "sha256": "ab", "rows": 10}
    assert p["output_rows"] == 12 and p["settings"] == {"strategy": "smote"}
    json.dumps(p)


def test_a_formula_in_a_column_name_is_protected_like_a_cell():
    """Issue 15, item 2: the header is cells too; numbers-as-names stay as they are."""
    from analysis.io import load_csv

    ds = load_csv(b"=HDR(),-1,ok\n=1+1,2,x\n")
    on = to_csv_bytes(ds.frame, source=ds)
    assert on.data.decode().splitlines() == ["'=HDR(),-1,ok", "'=1+1,2,x"]
    assert (on.formula_cells, on.formula_columns, on.protected_columns) == (2, ("=HDR()",), ("=HDR()",))
    off = to_csv_bytes(ds.frame, source=ds, protect_formulas=False)
    assert off.data.decode().splitlines()[0] == "=HDR(),-1,ok" and off.protected_cells == 0


def test_a_column_name_holding_a_carriage_return_reads_back():
    """A quoted CR in a column name must not eat the first data row (pyarrow skips lines, not records)."""
    from analysis.io import load_csv

    ds = load_csv(b'"=\rh",n\n,0\nx,1\n')
    assert list(ds.frame.columns) == ["=\rh", "n"] and len(ds.frame) == 2
    out = to_csv_bytes(ds.frame, source=ds)
    assert out.data == b'"\'=\rh",n\n,0\nx,1\n'
    back = load_csv(out.data).frame
    assert list(back.columns) == ["'=\rh", "n"] and back["n"].tolist() == [0, 1]


def test_a_cell_starting_with_a_carriage_return_is_quoted_and_reads_back():
    """Issue 15, item 1: a bare CR written unquoted split the row for every CSV reader."""
    import csv

    from analysis.io import load_csv

    ds = load_csv(b't,n\n"\rx",1\n"a\rb",2\nok,3\n')
    out = to_csv_bytes(ds.frame, source=ds)
    assert b"\"'\rx\"" in out.data and b'"a\rb"' in out.data
    rows = list(csv.reader(io.StringIO(out.data.decode(), newline="")))
    assert len(rows) == 4  # header + 3: the reference is Python's csv reader
    back = load_csv(out.data).frame
    assert back["t"].tolist() == ["'\rx", "a\rb", "ok"] and back["n"].tolist() == [1, 2, 3]


def test_missing_value_words_are_written_back_as_uploaded():
    """Issue 15, item 10: NA, nan, NULL, None, n/a, #N/A and null stay the text they were."""
    from analysis.io import load_csv

    words = ["NA", "nan", "NULL", "None", "n/a", "#N/A", "null"]
    upload = ("w,n\n" + "".join(f"{w},{i}\n" for i, w in enumerate(words))).encode()
    ds = load_csv(upload)
    assert ds.frame["w"].isna().all()  # the reader treats them as missing ...
    out = to_csv_bytes(ds.frame.assign(extra=1.5), source=ds)
    assert [line.split(",")[0] for line in out.data.decode().splitlines()[1:]] == words  # ... the download keeps them


_CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab1.,;\"\r\n\t\x00=+-@ e")), max_size=6)


@settings(max_examples=examples(200), deadline=None)
@given(cells=st.lists(_CELL_TEXT, max_size=12), delimiter=st.sampled_from([",", ";", "\t"]))
def test_quoting_and_formula_checks_equal_a_cell_by_cell_reference(cells, delimiter):
    """The one-search shortcut over a whole column (cells joined by NUL) decides as a plain loop over the cells
    does, NULs, prefixes and delimiters inside cells included. Reference: the rule written per cell in Python
    (quote a cell holding the delimiter, a quote, CR or LF; protect one starting with an OWASP prefix unless it
    is a plain number)."""
    import re

    from analysis.export import _formula_like, _quote

    text = np.array(cells, dtype=object)
    quoted = _quote(text, delimiter, lone=False)
    for cell, out in zip(cells, quoted):
        special = any(c in cell for c in delimiter + '"\r\n')
        assert out == ('"' + cell.replace('"', '""') + '"' if special else cell)
    number = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
    expected = [cell.startswith(FORMULA_PREFIXES) and not number.fullmatch(cell) for cell in cells]
    assert _formula_like(text).tolist() == expected
    mixed = np.array([*cells, "x", None], dtype=object)  # a missing cell: the per-cell path
    assert _formula_like(mixed).tolist() == [*expected, False, False]


def _same_cell_by_cell(new: pd.Series, old: pd.Series) -> np.ndarray:
    """The reference: each pair of cells compared as Python objects, missing equal to missing."""
    out = []
    for x, y in zip(new.astype(object), old.astype(object), strict=True):
        out.append(bool(pd.isna(x) and pd.isna(y)) or (not pd.isna(x) and not pd.isna(y) and bool(x == y)))
    return np.array(out, dtype=bool)


@pytest.mark.parametrize("kind", ["float", "int", "uint", "bool", "datetime", "timedelta", "str", "string"])
def test_columns_of_one_dtype_compare_as_their_cells_do(kind):
    from analysis.export import _native_equality, _same

    rng = np.random.default_rng(3)
    n = 400
    base = {
        "float": pd.Series(rng.choice([0.0, -0.0, 1.5, np.nan, 2.25, np.inf], n)),
        "int": pd.Series(rng.integers(-3, 3, n)),
        "uint": pd.Series(rng.integers(0, 4, n).astype(np.uint16)),
        "bool": pd.Series(rng.random(n) < 0.5),
        "datetime": pd.Series(pd.to_datetime(rng.integers(0, 5, n), unit="D")).where(rng.random(n) > 0.1),
        "timedelta": pd.Series(pd.to_timedelta(rng.integers(0, 5, n), unit="h")).where(rng.random(n) > 0.1),
        "str": pd.Series(rng.choice(["a", "é", "", "b c"], n), dtype="str").where(rng.random(n) > 0.1),
        "string": pd.Series(rng.choice(["a", "é", "", "b c"], n), dtype="string").where(rng.random(n) > 0.1),
    }[kind]
    changed = base.sample(frac=1.0, random_state=1).reset_index(drop=True)  # about half the cells differ
    assert changed.dtype == base.dtype and _native_equality(base.dtype)
    expected = _same_cell_by_cell(changed, base)
    assert 0 < expected.sum() < n
    np.testing.assert_array_equal(_same(changed, base), expected)
    np.testing.assert_array_equal(_same(base, base), np.ones(n, dtype=bool))
