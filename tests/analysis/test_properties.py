"""Property tests: random tables through the reader, the schema, the class balance and the overview.

Independent references: an RFC 4180 writer in this file writes the files (not pandas),
``DataFrame.duplicated`` and a pairwise loop count duplicates, ``scipy.stats.entropy``
gives the entropy, and plain ``collections.Counter`` the class counts.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from scipy.stats import entropy
from tiers import examples

from analysis.errors import DiagnosticsError
from analysis.io import load_csv
from analysis.overview import class_balance, overview
from analysis.schema import MAX_TARGET_CLASSES, Role, infer_schema, suggest_target

FAST = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])

DELIMITERS = [",", ";", "\t", "|"]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
_DELIMITER_WORDS = {";": "semicolons", "\t": "tabs", "|": "pipes"}
# Non-ASCII letters for cp1252 files all encode to bytes >= 0xC0, so no run of them is
# valid UTF-8 by accident (which would make the file genuinely ambiguous).
_CP1252_LETTERS = "éüßñàçÉÖ"
_UNICODE_LETTERS = "éüßñ€Łł東京ø"
_TEXT_SYMBOLS = ' ,;\t|"\n\r-'


# --- random tables written as CSV text -------------------------------------------------
@st.composite
def csv_tables(draw):
    encoding = draw(st.sampled_from(ENCODINGS))
    delimiter = draw(st.sampled_from(DELIMITERS))
    letters = "abcxyz" + (_CP1252_LETTERS if encoding == "cp1252" else _UNICODE_LETTERS)
    n_cols = draw(st.integers(1, 5))
    n_rows = draw(st.integers(1, 12))
    # Names: letters, digits, inner spaces; never a delimiter, so the header alone cannot
    # make a wrong delimiter look consistent.
    name = st.text(alphabet=letters + "0123456789_ ", min_size=1, max_size=8).map(str.strip).filter(bool)
    names = draw(st.lists(name, min_size=n_cols, max_size=n_cols, unique=True))
    assume(not any(n.startswith("column_") for n in names))
    kinds = draw(st.lists(st.sampled_from(["int", "float", "text"]), min_size=n_cols, max_size=n_cols))
    # Text always starts with a letter ('w'): otherwise '1', 'NA', 'True' or '1,5' would
    # rightly be read as numbers, missing values or booleans.
    text = st.text(alphabet=letters + _TEXT_SYMBOLS, max_size=10).map(lambda s: "w" + s)
    cell = {
        "int": st.integers(-(10**12), 10**12),
        "float": st.floats(allow_nan=False, allow_infinity=False, width=64),
        "text": text,
    }
    columns = {}
    for column, kind in zip(names, kinds):
        values = draw(st.lists(st.one_of(st.none(), cell[kind]), min_size=n_rows, max_size=n_rows))
        columns[column] = values
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return encoding, delimiter, names, kinds, columns, eol


def _field(value, delimiter: str) -> str:
    # RFC 4180 quoting, written out here: Python's csv.writer before 3.12 leaves a bare '\r'
    # unquoted when the line terminator is '\n', which makes a broken file.
    text = "" if value is None else str(value) if not isinstance(value, float) else repr(value)
    if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write(names, columns, delimiter, eol="\n") -> str:
    n_rows = len(next(iter(columns.values())))
    lines = [delimiter.join(_field(n, delimiter) for n in names)]
    for i in range(n_rows):
        row = [_field(columns[c][i], delimiter) for c in names]
        if len(row) == 1 and row[0] == "":
            row = ['""']  # a lone empty field would be a blank line, which readers skip
        lines.append(delimiter.join(row))
    return "".join(line + eol for line in lines)


@FAST
@given(csv_tables())
def test_written_tables_load_back_exactly(table):
    encoding, delimiter, names, kinds, columns, eol = table
    text = _write(names, columns, delimiter, eol)
    raw = text.encode(encoding)  # the alphabets are chosen so that every encoding can hold them
    single_column = len(names) == 1
    try:
        ds = load_csv(raw, name="t.csv")
    except DiagnosticsError as exc:
        # Only one honest failure: a one-column file has no delimiter, so it is read as
        # comma-separated, and a value with an unquoted comma makes that row wider.
        assert single_column and delimiter != ","
        assert any(v is not None and "," in str(v) for v in columns[names[0]]), str(exc)
        assert "has rows of different lengths" in str(exc)
        return

    frame = ds.frame
    assert frame.shape == (len(columns[names[0]]), len(names))
    assert list(frame.columns) == names
    assert ds.delimiter == ("," if single_column else delimiter)
    non_ascii = not text.isascii()
    expected_encoding = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(encoding)
    if encoding == "cp1252":
        expected_encoding = "cp1252" if non_ascii else "utf-8"
    assert ds.encoding == expected_encoding
    if ds.delimiter != ",":
        assert f"Columns are separated by {_DELIMITER_WORDS[ds.delimiter]}, not commas." in ds.notes
    for column, kind in zip(names, kinds):
        got = frame[column].tolist()
        for want, value in zip(columns[column], got):
            if want is None:
                assert pd.isna(value), (column, value)
            elif kind == "text":
                assert value == want, (column, value, want)
            else:
                assert float(value) == float(want), (column, value, want)


# --- arbitrary bytes: a result or a DiagnosticsError, nothing else ----------------
_PIECES = [b"a", b"b", b"1", b"2.5", b"-3", b",", b";", b"\t", b"|", b'"', b'""', b"\n", b"\r\n", b"\r", b" ",
           b"\xe9", b"\xc3\xa9", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"NA", b"1,5", b"x,y\n", b"PK\x03\x04"]


@FAST
@given(st.one_of(st.binary(max_size=200), st.lists(st.sampled_from(_PIECES), max_size=60).map(b"".join)))
@example(b",\xef\xbb\xbf\t\x01\n,")  # found by this test: a BOM, then whitespace, inside the header
def test_any_bytes_give_a_dataset_or_a_diagnostics_error(raw):
    try:
        ds = load_csv(raw, name="fuzz.csv")
    except DiagnosticsError as exc:
        assert str(exc).startswith("'fuzz.csv'")
        assert exc.code != "invalid_input"  # a specific subclass, not the bare base class
        return
    assert ds.frame.shape[0] >= 1 and ds.frame.shape[1] >= 1
    assert len(set(ds.frame.columns)) == ds.frame.shape[1]  # names are unique
    assert all(isinstance(c, str) and c == c.strip() and c for c in ds.frame.columns)
    assert ds.n_bytes == len(raw)


# --- random frames through schema, balance and overview ----------------------------
@st.composite
def frames(draw):
    n_rows = draw(st.integers(0, 25))
    n_cols = draw(st.integers(1, 5))
    columns = {}
    for j in range(n_cols):
        kind = draw(st.sampled_from(["int", "float", "whole_float", "text", "label", "bool", "date", "nan", "zero_one"]))
        missing = draw(st.booleans())

        def maybe(value_strategy, missing=missing):
            return st.one_of(st.none(), value_strategy) if missing else value_strategy

        if kind == "int":
            values = draw(st.lists(maybe(st.integers(-5, 5)), min_size=n_rows, max_size=n_rows))
        elif kind == "float":
            values = draw(st.lists(maybe(st.floats(-1e6, 1e6, allow_nan=False)), min_size=n_rows, max_size=n_rows))
        elif kind == "whole_float":
            values = [None if v is None else float(v) for v in
                      draw(st.lists(maybe(st.integers(0, 4)), min_size=n_rows, max_size=n_rows))]
        elif kind == "text":
            values = draw(st.lists(maybe(st.text(max_size=30)), min_size=n_rows, max_size=n_rows))
        elif kind == "label":
            values = draw(st.lists(maybe(st.sampled_from(["a", "b", "c", "yes", "no"])), min_size=n_rows, max_size=n_rows))
        elif kind == "bool":
            values = draw(st.lists(st.booleans(), min_size=n_rows, max_size=n_rows))
        elif kind == "date":
            days = draw(st.lists(maybe(st.integers(0, 60)), min_size=n_rows, max_size=n_rows))
            values = [None if d is None else f"2026-01-01 {d % 24:02d}:00:00" for d in days]
        elif kind == "zero_one":
            values = [None if v is None else float(v) for v in
                      draw(st.lists(maybe(st.integers(0, 1)), min_size=n_rows, max_size=n_rows))]
        else:
            values = [None] * n_rows
        series = pd.Series(values, dtype="float64" if kind in ("nan", "whole_float", "zero_one", "float") else None)
        if kind == "int" and not missing:
            series = series.astype("int64")
        columns[f"c{j}_{kind}"] = series
    return pd.DataFrame(columns)


def _reference_conflicts(df: pd.DataFrame, target: str) -> int:
    """Rows whose features equal another row's (NaN equal to NaN) while both labels differ (pairwise loop)."""
    features = [c for c in df.columns if c != target]
    if not features:
        return 0

    def key(i):
        return tuple("<NA>" if pd.isna(v) else v for v in df[features].iloc[i])

    keys = [key(i) for i in range(len(df))]
    labels = df[target].tolist()
    count = 0
    for i in range(len(df)):
        if pd.isna(labels[i]):
            continue
        if any(keys[j] == keys[i] and not pd.isna(labels[j]) and labels[j] != labels[i] for j in range(len(df))):
            count += 1
    return count


@FAST
@given(frames())
def test_schema_invariants(df):
    before = df.copy()
    try:
        schema = infer_schema(df)
    except DiagnosticsError:
        return
    pd.testing.assert_frame_equal(df, before)  # not mutated
    assert [c.name for c in schema.columns] == list(df.columns)
    assert schema.n_rows == len(df)
    for profile in schema.columns:
        assert profile.n_missing == int(df[profile.name].isna().sum())
        assert profile.n_unique == int(df[profile.name].nunique())
        if profile.n_unique <= 1:
            assert profile.role is Role.CONSTANT
    candidates = schema.target_candidates
    assert len(set(candidates)) == len(candidates)
    for name in candidates:
        profile = next(c for c in schema.columns if c.name == name)
        assert 2 <= profile.n_unique <= MAX_TARGET_CLASSES
        assert profile.role not in (Role.CONSTANT, Role.IDENTIFIER, Role.TEXT, Role.DATETIME)
        # every suggested target must be accepted by the class balance
        balance = class_balance(df, target=name)
        assert balance.n_classes == profile.n_unique
    # the automatic choice is one of the candidates, or none with the reason (suggest_target agrees)
    choice = schema.target_choice
    assert choice is not None and choice.candidates == candidates and choice.reason
    if choice.column is None:
        with pytest.raises(DiagnosticsError):
            suggest_target(schema)
    else:
        assert choice.column in candidates and suggest_target(schema) == choice.column
    grouped = [name for group in schema.annotator_groups for name in group]
    assert len(grouped) == len(set(grouped))  # groups are disjoint
    assert all(len(group) >= 2 for group in schema.annotator_groups)


def _check_balance(df: pd.DataFrame, target: str, cb) -> None:
    labels = df[target].dropna()
    # reference: collections.Counter over the non-missing labels
    reference = Counter(labels.tolist())
    assert sorted(cb.counts.values(), reverse=True) == list(cb.counts.values())
    assert sorted(cb.counts.values()) == sorted(reference.values())
    assert cb.n_labeled == len(labels) == len(df) - cb.n_missing
    assert math.isclose(sum(cb.proportions.values()), 1.0, rel_tol=1e-12)
    assert cb.imbalance_ratio >= 1.0
    assert cb.imbalance_ratio == max(reference.values()) / min(reference.values())
    assert cb.majority_count == max(reference.values())
    assert cb.minority_count == min(reference.values())
    assert 0.0 <= cb.normalized_entropy <= 1.0
    # reference: scipy.stats.entropy of the counts (natural log), divided by log K
    expected = entropy(list(reference.values())) / math.log(len(reference))
    assert cb.normalized_entropy == pytest.approx(min(1.0, expected), abs=1e-12)
    assert cb.verdict in ("balanced", "mild", "severe", "extreme")


def _documented_refusal(column: pd.Series) -> bool:
    """When class_balance must refuse a target (analysis/overview/balance.py docstrings and messages):
    no values, one class, more than 50 classes, or a fractional numeric column with more than 20 values."""
    labels = column.dropna()
    n = labels.nunique()
    numeric = pd.api.types.is_numeric_dtype(labels.dtype) and not pd.api.types.is_bool_dtype(labels.dtype)
    fractional = numeric and bool((labels.astype(float) % 1 != 0).any())
    return n < 2 or n > MAX_TARGET_CLASSES or (fractional and n > 20)


@FAST
@given(frames(), st.data())
def test_class_balance_and_overview_invariants(df, data):
    target = data.draw(st.sampled_from(list(df.columns)))
    refuse = _documented_refusal(df[target])
    try:
        cb = class_balance(df, target=target)
    except DiagnosticsError as exc:
        assert refuse, f"refused a usable target: {exc}"
        assert f"'{target}'" in str(exc)  # the message names the column
        return
    assert not refuse
    _check_balance(df, target, cb)

    # The invariants below are about counting; the near-duplicate and outlier passes (checked
    # against scikit-learn in test_near_duplicates.py) run in the whole-pipeline test below.
    report = overview(df, target=target, near=None, outliers=None)
    # reference: pandas' own DataFrame.duplicated
    assert report.duplicates.duplicate_rows == int(df.duplicated().sum())
    assert report.duplicates.conflicting_duplicates == _reference_conflicts(df, target)
    assert report.duplicates.conflicting_duplicates == len(report.duplicates.conflict_rows)
    assert report.missing == {c: int(df[c].isna().sum()) for c in df.columns}
    assert (report.rows, report.columns) == df.shape
    d = report.to_dict()
    assert d["duplicate_rows"] == report.duplicates.duplicate_rows
    assert d["class_balance"]["imbalance_ratio"] == cb.imbalance_ratio
    assert sum(d["class_balance"]["counts"].values()) == cb.n_labeled


@FAST
@given(csv_tables())
def test_loaded_tables_survive_the_whole_pipeline(table):
    encoding, delimiter, names, kinds, columns, eol = table
    raw = _write(names, columns, delimiter, eol).encode(encoding)
    try:
        ds = load_csv(raw)
        schema = infer_schema(ds.frame)
        full = True  # every pass (near-duplicates, outliers) for the first usable target, counting for the rest
        for target in ds.frame.columns:
            try:
                cb = class_balance(ds.frame, target=target)
            except DiagnosticsError:
                continue
            _check_balance(ds.frame, target, cb)
            passes = {} if full else {"near": None, "outliers": None}
            report = overview(ds, target=target, schema=schema, **passes)
            full = False
            assert report.duplicates.duplicate_rows == int(ds.frame.duplicated().sum())
            # the loader's notes, then only a pass that could not run says why (a value beyond 1e150)
            assert report.notes[: len(ds.notes)] == ds.notes
            assert all(n.startswith("Outliers were not scored:") for n in report.notes[len(ds.notes):])
    except DiagnosticsError:
        pass


@FAST
@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=2, max_size=60))
def test_class_balance_matches_counter_on_string_labels(labels):
    assume(len(set(labels)) >= 2)
    df = pd.DataFrame({"y": labels, "x": np.arange(len(labels))})
    cb = class_balance(df, target="y")
    _check_balance(df, "y", cb)
    # ties are ordered by label text
    counts = Counter(labels)
    assert list(cb.counts) == sorted(counts, key=lambda k: (-counts[k], k))


@st.composite
def decimal_comma_tables(draw):
    n_rows = draw(st.integers(1, 10))
    cents = draw(st.lists(st.one_of(st.none(), st.integers(-10**9, 10**9)), min_size=n_rows, max_size=n_rows))
    dots = draw(st.booleans())  # thousands separators, as German/French Excel writes them
    return cents, dots


def _european(cents: int, dots: bool) -> str:
    whole, frac = divmod(abs(cents), 100)
    digits = f"{whole:,}".replace(",", ".") if dots else str(whole)
    return f"{'-' if cents < 0 else ''}{digits},{frac:02d}"


@FAST
@given(decimal_comma_tables(), st.sampled_from([";", "\t", "|"]), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_decimal_comma_numbers_become_floats(table, delimiter, encoding):
    cents, dots = table
    assume(any(c is not None for c in cents))
    lines = [f"name{delimiter}preis"] + [
        f"caf\u00e9 {i}{delimiter}{'' if c is None else _european(c, dots)}" for i, c in enumerate(cents)
    ]
    ds = load_csv(("\r\n".join(lines) + "\r\n").encode(encoding))
    assert ds.delimiter == delimiter
    assert ds.frame["name"].iloc[0] == "caf\u00e9 0"
    assert "Decimal commas were read as numbers in 'preis'." in ds.notes
    for want, got in zip(cents, ds.frame["preis"].tolist()):
        if want is None:
            assert math.isnan(got)
        else:
            # reference: exact integer cents divided by 100
            assert got == pytest.approx(want / 100, rel=1e-15, abs=1e-12)


# --- extreme values through every command (issue 10) ------------------------------------
_EXTREME = st.sampled_from([1.27e251, -1e300, 1.7976931348623157e308, 1e150, -1e149, 1e-320, float("inf"),
                            float("-inf")])


@st.composite
def extreme_tables(draw):
    """A small labelled table whose numeric column holds a few extreme values among zeros or normals."""
    n_rows = draw(st.integers(24, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    base = np.zeros(n_rows) if draw(st.booleans()) else rng.normal(size=n_rows)
    positions = draw(st.lists(st.integers(0, n_rows - 1), min_size=1, max_size=3, unique=True))
    for p in positions:
        base[p] = draw(_EXTREME)
    n_minority = draw(st.integers(6, n_rows // 2))
    return pd.DataFrame({
        "x": rng.normal(size=n_rows),
        "extreme": base,
        "shop": rng.choice(["a", "b", "c"], n_rows),
        "label": ["no"] * (n_rows - n_minority) + ["yes"] * n_minority,
    })


def _run_cli(argv: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    from analysis.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # the one-line bad-input path; anything else propagates and fails
            code = exc.code
    return code, err.getvalue()


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(extreme_tables())
def test_extreme_values_get_a_result_or_one_clear_line_from_every_command(tmp_path_factory, df):
    """No command crashes with a non-project error on values at the edge of float64."""
    import warnings

    from analysis.features import MAX_ABS_FEATURE

    folder = tmp_path_factory.mktemp("extreme")
    path = folder / "t.csv"
    df.to_csv(path, index=False)
    data = str(path)
    commands = [
        ["report", data, "--target", "label"],
        ["features", data, "--target", "label", "--folds", "3"],
        ["label-issues", data, "--target", "label", "--folds", "3"],
        ["compare", data, "--target", "label", "--strategies", "none,smote", "--folds", "3", "--repeats", "1"],
        ["fix", data, "--target", "label", "--strategy", "random_over", "-o", str(folder / "fixed.csv")],
        ["shift", data, data, "--target", "label"],
        ["bias", data, "--group", "shop", "--expected", "a=0.3,b=0.3,c=0.4"],
    ]
    values = df["extreme"].to_numpy()
    scalable = bool(np.isfinite(values).all() and np.abs(values).max() <= MAX_ABS_FEATURE)
    for argv in commands:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code, err = _run_cli(argv + ["--format", "json"])
        assert code in (0, 2), argv
        if code == 2:
            assert err.count("\n") == 1 and "Traceback" not in err, err
            assert "Input X contains" not in err  # never raw scikit-learn text
        if argv[0] in ("label-issues", "compare", "fix"):
            # the rule of analysis.features: refused exactly when a value cannot be scaled
            if scalable:
                assert "'extreme' holds" not in err, (argv, err)
            else:
                assert code == 2 and "The feature column 'extreme' holds" in err, (argv, err)
        if argv[0] in ("report", "features"):
            assert code == 0, (argv, err)  # a column the models cannot scale costs no one the rest of the report
# --- downloads re-read to the same table (issue 10, item 11) ---------------------------
_FORMULA_TEXT = _TEXT_SYMBOLS + "=+-@'"


@st.composite
def _download_tables(draw):
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    delimiter = draw(st.sampled_from(DELIMITERS))
    n_rows = draw(st.integers(1, 10))
    # Text may start with a formula character, hold CR, LF, quotes and delimiters, and unicode.
    text = st.text(alphabet="abcxyz" + _UNICODE_LETTERS + _FORMULA_TEXT, min_size=1, max_size=10)
    cells = {
        "t": st.one_of(st.none(), text),
        "zip": st.one_of(st.none(), st.integers(0, 99999).map(lambda v: f"{v:05d}")),
        "n": st.one_of(st.none(), st.integers(-(10**6), 10**6)),
        "f": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64), st.just("1e5")),
        "big": st.integers(10**19, 10**20 - 1),
    }
    columns = {name: draw(st.lists(cell, min_size=n_rows, max_size=n_rows)) for name, cell in cells.items()}
    # The text column's name may itself be hostile: a formula, quotes, delimiters, CR or LF inside.
    # (It starts and ends with a non-space: the reader strips padding around names.)
    hostile = draw(st.tuples(st.sampled_from("=+-@th"), st.text(alphabet="ab" + _FORMULA_TEXT, max_size=8)))
    columns = {hostile[0] + hostile[1] + "h" if draw(st.booleans()) else "t": columns.pop("t"), **columns}
    rows = draw(st.lists(st.integers(0, n_rows - 1), min_size=1, max_size=2 * n_rows))
    return encoding, delimiter, columns, rows, draw(st.sampled_from(["\n", "\r\n"]))


def _unprotect(text: str) -> str:
    """A cell or column name without the apostrophe protection adds (before text a spreadsheet would run)."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def _strip_protection(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.rename(columns=_unprotect)
    for column in map(_unprotect, columns):
        values = out[column].astype(object)
        # Only the apostrophe protection adds: before text a spreadsheet would run (an uploaded
        # cell that is itself "'" or "'x" is data, never stripped).
        out[column] = values.map(
            lambda v: v[1:] if isinstance(v, str) and v.startswith("'") and v[1:2] in ("=", "+", "-", "@", "\t", "\r")
            else v
        )
    return out


@FAST
@given(_download_tables(), st.booleans())
# found by this test: an uploaded "'=" in a column with a formula-like name, where the stripping lost its '
@example(("utf-8", ",", {"=h": [None] * 4 + ["'="] + [None] * 2, "n": [None] * 7, "big": [10**22] * 7}, [4], "\n"),
         True)
def test_downloads_reread_to_the_same_rows_and_values(table, protect):
    """Upload -> download (original rows, repeated and reordered, plus an added column) -> load_csv: same values.

    Reference: ``load_csv`` of the upload itself, on the same rows (``iloc``), so the
    writer is checked against the reader, whatever the reader makes of a value.
    """
    from analysis.export import to_csv_bytes

    encoding, delimiter, columns, rows, eol = table
    names = list(columns)
    upload = _write(names, columns, delimiter, eol).encode(encoding)
    try:
        ds = load_csv(upload, name="u.csv")
    except DiagnosticsError:
        assume(False)
        return
    positions = np.asarray(rows)
    out = ds.frame.iloc[positions].reset_index(drop=True)
    out["weight"] = np.linspace(0.1, 3.0, len(out))
    safe = to_csv_bytes(out, source=ds, rows=positions, protect_formulas=protect)
    back = load_csv(safe.data, name="d.csv").frame
    raw_header = list(back.columns)
    if protect:
        # the header is protected like every cell: a formula-like name comes back with its '
        for name, got in zip(names, raw_header, strict=False):
            assert got == ("'" + name if _unprotect("'" + name) == name else name), (name, got)
        back = _strip_protection(back, safe.protected_columns)
    else:
        assert raw_header[: len(names)] == names
        # a column of only protected text re-reads as text, where the upload may read as numbers
        back = back.astype({_unprotect(c): ds.frame[_unprotect(c)].dtype for c in safe.protected_columns},
                           errors="ignore")
    assert list(back.columns) == names + ["weight"]
    expected = ds.frame.iloc[positions].reset_index(drop=True)
    stripped = {_unprotect(c) for c in safe.protected_columns} if protect else set()
    for column in names:
        want, got = expected[column].tolist(), back[column].tolist()
        for w, g in zip(want, got, strict=True):
            if pd.isna(w):
                assert pd.isna(g), (column, w, g)
            elif isinstance(w, float):
                assert g == w, (column, w, g)
            elif column in stripped and _unprotect(str(w)) != str(w):
                # an uploaded cell that itself starts with ' and a formula character is written as uploaded,
                # and a reader's stripping cannot tell it from a protected cell: it loses the '. The text check
                # below compares the written cell with the uploaded one exactly.
                assert str(g) == _unprotect(str(w)), (column, w, g)
            else:
                assert str(g) == str(w), (column, w, g)
    assert back["weight"].tolist() == out["weight"].tolist()
    # And as text: each cell of the download is the uploaded cell (csv module on both sides).
    import csv
    import io

    def cells(data: bytes, enc: str) -> list[list[str]]:
        text = data.decode(enc).lstrip("\ufeff")
        return [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=ds.delimiter) if r][1:]

    uploaded = cells(upload, "utf-16" if encoding == "utf-16" else "utf-8")
    for i, record in enumerate(cells(safe.data, "utf-8")):
        for j, got in enumerate(record[: len(names)]):
            want = uploaded[positions[i]][j]
            assert got in (want, "'" + want) if protect else got == want, (names[j], want, got)


def test_an_uploaded_apostrophe_cell_is_kept_and_only_formula_text_is_prefixed():
    """The case hypothesis found: a cell that is a lone "'" is data, written back as it was."""
    from analysis.export import to_csv_bytes

    upload = b"t,n\n=1+1,1\n',2\n'x,3\n-4,4\n"
    ds = load_csv(upload, name="u.csv")
    safe = to_csv_bytes(ds.frame, source=ds, rows=np.arange(len(ds.frame)), protect_formulas=True)
    assert safe.data.decode().splitlines() == ["t,n", "'=1+1,1", "',2", "'x,3", "-4,4"]
