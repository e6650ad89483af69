"""Every file of the bad/awkward corpus in ``tests/data`` gives its exact error or its exact parse.

The corpus is written by ``tests/data/make_corpus.py``; ``EXPECTED`` below is the
table of outcomes. The expected values are worked out by hand from the bytes
the generator writes (each entry says why), not by running the reader.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from analysis.errors import (
    BinaryFileError,
    DiagnosticsError,
    EmptyFileError,
    FileTooLargeError,
    HeaderOnlyError,
    InputFileError,
    NoTargetCandidateError,
    ParseError,
    RaggedRowsError,
    RegressionTargetError,
)
from analysis.io import load_csv
from analysis.overview import class_balance
from analysis.schema import Role, infer_schema, suggest_target

DATA = Path(__file__).resolve().parents[1] / "data"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_corpus", DATA / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS: dict[str, bytes] = _load_generator().build()


@dataclass(frozen=True)
class Fails:
    """The file must raise ``error`` with every ``says`` substring in the message."""

    error: type[DiagnosticsError]
    says: tuple[str, ...]
    line: int | None = None


@dataclass(frozen=True)
class Parses:
    """The file must load with exactly these properties."""

    shape: tuple[int, int]
    columns: tuple[str, ...]
    delimiter: str
    encoding: str
    notes: tuple[str, ...] = ()  # substrings, each in some note; no notes at all when empty
    cells: dict[tuple[int, str], object] = field(default_factory=dict)
    renamed: dict[str, str] | None = None


EXPECTED: dict[str, Fails | Parses] = {
    # --- not a table --------------------------------------------------------
    "empty.csv": Fails(EmptyFileError, ("'empty.csv' is empty", "header row and data rows")),
    "whitespace_only.csv": Fails(EmptyFileError, ("'whitespace_only.csv' is empty",)),
    # header 'id,name,label' = 3 columns, nothing below it
    "header_only.csv": Fails(HeaderOnlyError, ("has a header (3 columns) but no data rows", "at least one data row")),
    "header_then_blank_lines.csv": Fails(HeaderOnlyError, ("has a header (3 columns) but no data rows",)),
    "binary_nul.csv": Fails(BinaryFileError, ("not a text CSV file", "NUL bytes")),
    # UTF-16 without a byte-order mark: every other byte is NUL
    "utf16le_no_bom.csv": Fails(BinaryFileError, ("NUL bytes", "CSV (UTF-8)")),
    "excel_workbook.xlsx": Fails(BinaryFileError, ("ZIP archive or an Excel .xlsx workbook", "save the table as CSV")),
    "image.png": Fails(BinaryFileError, ("looks like a PNG image",)),
    "gzipped.csv.gz": Fails(BinaryFileError, ("looks like a gzip archive",)),
    # --- ragged rows and quoting ----------------------------------------------
    # line 3 is '4,5': 2 fields under a 3-field header
    "ragged_short_row.csv": Fails(
        RaggedRowsError, ("line 3 has 2 fields but the header has 3", "Fix that line"), line=3
    ),
    # records 2 and 4 span 2 and 3 physical lines, so the 5th record '4,extra,2,oops' is on line 8
    "ragged_after_quoted_newlines.csv": Fails(
        RaggedRowsError, ("line 8 has 4 fields but the header has 3",), line=8
    ),
    # 1 header line + 150 good rows, then the bad one: line 152, past the sniffer's 50-row sample
    "ragged_far_down.csv": Fails(RaggedRowsError, ("line 152 has 4 fields but the header has 3",), line=152),
    # the quote opened on line 3 is never closed: lines 3-5 would become one value
    "unclosed_quote.csv": Fails(
        ParseError, ("never closed", "row starting on line 3", "rows after it would be lost"), line=3
    ),
    # --- encodings ------------------------------------------------------------
    "semicolon_cp1252_decimal_comma.csv": Parses(
        shape=(5, 5),
        columns=("id", "produit", "prix", "quantité", "catégorie"),
        delimiter=";",
        encoding="cp1252",
        # 'id;produit;prix;quantit' is 23 bytes, so the cp1252 'é' (0xE9) sits at offset 23
        notes=("not valid UTF-8 (first invalid byte at offset 23)", "Windows-1252", "semicolons",
               "Decimal commas were read as numbers in 'prix'"),
        cells={
            (0, "produit"): "café",
            (1, "produit"): "crème brûlée",
            (2, "produit"): "thé vert, bio",  # a comma inside a semicolon file stays text
            (4, "produit"): "remise 5 €",  # 0x80 is € only in cp1252, not in Latin-1
            (0, "prix"): 3.5,
            (1, "prix"): 6.25,
            (2, "prix"): 2.8,
            (3, "prix"): 1234.5,  # '1.234,50': dot = thousands, comma = decimals
            (4, "prix"): -0.75,
            (2, "quantité"): 3,
            (3, "catégorie"): "entrée",
        },
    ),
    "utf8_bom_excel.csv": Parses(
        shape=(3, 3),
        columns=("name", "city", "label"),  # 'name', not '\ufeffname'
        delimiter=",",
        encoding="utf-8-sig",
        notes=("UTF-8 byte-order mark",),
        cells={(0, "name"): "Zoë", (1, "name"): "Łukasz", (0, "city"): "São Paulo", (2, "label"): "yes"},
    ),
    "utf16le_bom_excel_unicode.txt": Parses(
        shape=(3, 3),
        columns=("name", "city", "score"),
        delimiter="\t",
        encoding="utf-16",
        notes=("UTF-16", "converted to UTF-8", "tabs", "Decimal commas were read as numbers in 'score'"),
        cells={(0, "city"): "東京", (1, "city"): "München", (0, "score"): 1.5, (1, "score"): 2.25, (2, "score"): 3.0},
    ),
    # --- delimiters -----------------------------------------------------------
    "tab_separated.tsv": Parses(
        shape=(3, 3), columns=("x", "y", "label"), delimiter="\t", encoding="utf-8",
        notes=("separated by tabs",), cells={(1, "x"): 3, (1, "y"): 4.5, (2, "label"): "cat"},
    ),
    "pipe_separated.csv": Parses(
        shape=(3, 3), columns=("x", "y", "label"), delimiter="|", encoding="utf-8",
        notes=("separated by pipes",), cells={(0, "y"): "a, b", (1, "y"): "c; d", (1, "label"): "no"},
    ),
    # --- headers --------------------------------------------------------------
    "duplicate_headers.csv": Parses(
        shape=(2, 4), columns=("a", "a_2", "b", "a_3"), delimiter=",", encoding="utf-8",
        notes=("Repeated column names were made unique: 'a' -> 'a_2', 'a' -> 'a_3'",),
        cells={(0, "a"): 1, (0, "a_2"): 2, (0, "a_3"): 4, (1, "b"): 7},
    ),
    "blank_headers.csv": Parses(
        shape=(2, 4), columns=("column_1", "x", "column_3", "y"), delimiter=",", encoding="utf-8",
        notes=("2 blank column names were named by position: column_1, column_3",),
        cells={(1, "column_1"): 1, (1, "column_3"): 5},
    ),
    "padded_headers.csv": Parses(
        shape=(2, 3), columns=("id", "name", "label"), delimiter=",", encoding="utf-8",
        notes=("Spaces around column names were removed",),
        cells={(1, "name"): "bob"},
        renamed={" id ": "id", "  name": "name", "label  ": "label"},
    ),
    # --- layout ---------------------------------------------------------------
    "quoted_delimiters_newlines.csv": Parses(
        shape=(4, 3), columns=("id", "text", "label"), delimiter=",", encoding="utf-8",
        cells={
            (0, "text"): "Hello, world",
            (1, "text"): 'She said "hi"\nthen left',
            (2, "text"): "a;b|c\tdone",
            (3, "text"): math.nan,  # "" is an empty cell
            (3, "label"): "neg",
        },
    ),
    "crlf_line_endings.csv": Parses(
        shape=(2, 3), columns=("a", "b", "label"), delimiter=",", encoding="utf-8",
        cells={(1, "b"): 4, (1, "label"): "y"},  # 'y', not 'y\r'
    ),
    "cr_only_line_endings.csv": Parses(
        shape=(2, 3), columns=("a", "b", "label"), delimiter=",", encoding="utf-8",
        cells={(0, "a"): 1, (1, "label"): "y"},
    ),
    "trailing_blank_lines.csv": Parses(
        shape=(2, 2), columns=("a", "b"), delimiter=",", encoding="utf-8", cells={(1, "b"): "y"},
    ),
    # two blank lines above the header: the header is still the header, not a data row
    "leading_blank_lines.csv": Parses(
        shape=(2, 2), columns=("a", "b"), delimiter=",", encoding="utf-8", cells={(0, "a"): 1, (1, "b"): "y"},
    ),
    "single_column.csv": Parses(
        shape=(5, 1), columns=("value",), delimiter=",", encoding="utf-8", cells={(0, "value"): 3, (4, "value"): 5},
    ),
    "too_large.csv": Parses(
        shape=(30, 2), columns=("id", "label"), delimiter=",", encoding="utf-8", cells={(29, "id"): 30},
    ),
    "no_target_candidate.csv": Parses(
        shape=(30, 4), columns=("record_id", "email", "comment", "weight_kg"), delimiter=",", encoding="utf-8",
        cells={(0, "record_id"): 1001, (0, "email"): "user001@example.com", (0, "weight_kg"): 51.37},
    ),
    "float_target.csv": Parses(
        shape=(40, 3), columns=("rooms", "district", "price"), delimiter=",", encoding="utf-8",
        cells={(0, "price"): 100000.0, (1, "price"): 107919.37, (39, "rooms"): 5},
    ),
}


def test_corpus_is_large_enough_and_fully_described():
    assert len(CORPUS) >= 18
    assert set(EXPECTED) == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_committed_file_equals_generator_output(name):
    # The generator is the reference: a hand-edited or stale data file fails here.
    assert (DATA / name).read_bytes() == CORPUS[name]


def _check_fails(expected: Fails, name: str, source) -> None:
    with pytest.raises(expected.error) as info:
        load_csv(source, name=name)
    error = info.value
    assert isinstance(error, InputFileError)
    message = str(error)
    assert message.startswith(f"'{name}'"), message  # every message names the file
    for fragment in expected.says:
        assert fragment in message, (fragment, message)
    assert error.line == expected.line
    assert "\n" not in message  # one line for the CLI's stderr


def _check_parses(expected: Parses, name: str, source) -> None:
    ds = load_csv(source, name=name)
    assert ds.name == name
    assert ds.frame.shape == expected.shape
    assert tuple(ds.frame.columns) == expected.columns
    assert ds.delimiter == expected.delimiter
    assert ds.encoding == expected.encoding
    if expected.notes:
        for fragment in expected.notes:
            assert any(fragment in note for note in ds.notes), (fragment, ds.notes)
    else:
        assert ds.notes == ()
    for (row, column), value in expected.cells.items():
        got = ds.frame[column].iloc[row]
        if isinstance(value, float) and math.isnan(value):
            assert got != got, (row, column, got)  # NaN
        elif isinstance(value, float):
            assert got == pytest.approx(value, abs=1e-9), (row, column, got)
        else:
            assert got == value, (row, column, got)
    if expected.renamed is not None:
        assert ds.renamed_columns == expected.renamed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_from_path(name):
    expected = EXPECTED[name]
    if isinstance(expected, Fails):
        _check_fails(expected, name, DATA / name)
    else:
        _check_parses(expected, name, DATA / name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_from_bytes(name):
    # The dashboard passes the uploaded bytes; the outcome must not depend on the source kind.
    expected = EXPECTED[name]
    if isinstance(expected, Fails):
        _check_fails(expected, name, CORPUS[name])
    else:
        _check_parses(expected, name, CORPUS[name])


# --- entries whose point is beyond the parse ----------------------------------
@pytest.mark.parametrize("as_path", [True, False])
def test_too_large_file_is_refused_with_both_sizes(as_path):
    size = len(CORPUS["too_large.csv"])
    assert size == 150  # 'id,label\n' (9) + 9 rows of 4 bytes + 21 rows of 5 bytes
    source = DATA / "too_large.csv" if as_path else CORPUS["too_large.csv"]
    with pytest.raises(FileTooLargeError) as info:
        load_csv(source, name="too_large.csv", max_bytes=100)
    message = str(info.value)
    assert "'too_large.csv' is 150 bytes; the limit is 100 bytes" in message
    assert "--max-mb" in message  # says what to do


def test_file_exactly_at_the_limit_is_accepted():
    data = CORPUS["too_large.csv"]
    assert load_csv(data, max_bytes=len(data)).frame.shape == (30, 2)
    with pytest.raises(FileTooLargeError, match="151 bytes; the limit is 150 bytes"):
        load_csv(data + b"\n", max_bytes=len(data))


def test_large_sizes_are_given_in_human_units():
    # 3 MiB against a 1 MiB limit: 3 * 1024 * 1024 bytes = 3.0 MB
    data = b"a,b\n" + b"1,2\n" * (3 * 1024 * 1024 // 4 - 1)
    assert len(data) == 3 * 1024 * 1024
    with pytest.raises(FileTooLargeError, match=r"is 3\.0 MB; the limit is 1\.0 MB"):
        load_csv(data, max_bytes=1024 * 1024)


def test_no_target_candidate_file():
    ds = load_csv(DATA / "no_target_candidate.csv")
    schema = infer_schema(ds.frame)
    assert {c.name: c.role for c in schema.columns} == {
        "record_id": Role.IDENTIFIER,  # unique integers named *_id
        "email": Role.IDENTIFIER,  # unique short strings
        "comment": Role.TEXT,  # unique, 11+ words each
        "weight_kg": Role.NUMERIC,  # continuous floats
    }
    assert schema.target_candidates == ()
    with pytest.raises(NoTargetCandidateError, match="none has between 2 and 50 distinct values"):
        suggest_target(schema)


def test_float_target_file_is_a_regression_target():
    ds = load_csv(DATA / "float_target.csv")
    schema = infer_schema(ds.frame)
    assert schema.role_of("price") is Role.NUMERIC
    assert "price" not in schema.target_candidates
    # rooms (1..5, last-but-not-last) and district (4 values) are the classes on offer
    assert schema.target_candidates == ("district", "rooms")
    with pytest.raises(RegressionTargetError, match="'price' has 40 distinct numeric values"):
        class_balance(ds.frame, target="price")


def test_semicolon_file_decimal_columns_are_float_dtype():
    ds = load_csv(DATA / "semicolon_cp1252_decimal_comma.csv")
    assert str(ds.frame["prix"].dtype) == "float64"
    assert str(ds.frame["quantité"].dtype) == "int64"
    # the same text read as Latin-1 would turn 0x80 into a C1 control character, not '€'
    assert "\x80" not in ds.frame["produit"].iloc[4]
