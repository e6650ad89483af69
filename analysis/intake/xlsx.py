"""Excel ``.xlsx`` into a :class:`~analysis.io.Dataset`: the first sheet, or a named one.

openpyxl reads the stored cell values (``data_only``: a formula gives the
value Excel last saved for it), not their display formats: a cell shown as
``12%`` holds ``0.12``, one shown as ``1,234.50`` holds ``1234.5``. The first
non-empty row is the header; fully empty rows and columns around the table are
dropped. Text cells that are empty or a missing-value word (``NA``, ``null``,
... the same list the CSV reader uses) are missing. Each column gets one type:
whole numbers ``int64`` (``Int64`` with gaps), numbers ``float64``, dates
``datetime64``, ``TRUE``/``FALSE`` ``bool``, text ``str``; a column mixing
text and numbers is read as text, as the CSV reader would.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from pandas._libs.parsers import STR_NA_VALUES

from ..errors import CorruptFileError, HeaderOnlyError, SheetError

__all__ = ["cell_text", "load_xlsx", "read_sheet", "xlsx_sheets"]


def _open(source: bytes | Path, name: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source,
                                      read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        reason = " ".join(str(exc).split())[:160]
        raise CorruptFileError(
            f"'{name}' cannot be read as an Excel workbook ({reason}). It may be damaged or not really .xlsx: "
            "open it in Excel or LibreOffice and save it again as .xlsx, or export the sheet as CSV."
        ) from exc


def xlsx_sheets(source: bytes | Path, *, name: str = "workbook.xlsx") -> list[str]:
    """The names of the worksheets, in workbook order (what the browser's sheet picker offers)."""
    book = _open(source, name)
    try:
        return [ws.title for ws in book.worksheets]
    finally:
        book.close()


def read_sheet(source: bytes | Path, *, name: str, sheet: str | None) -> tuple[str, list[Any], list[tuple]]:
    """``(sheet name, header cells, data rows)`` of a sheet, with empty rows and columns around the table dropped."""
    book = _open(source, name)
    try:
        titles = [ws.title for ws in book.worksheets]
        if not titles:
            raise SheetError(f"'{name}' has no worksheet (only chart sheets). Save the table on a worksheet.")
        if sheet is None:
            sheet = titles[0]
        elif sheet not in titles:
            shown = ", ".join(f"'{t}'" for t in titles[:20])
            raise SheetError(f"'{name}' has no sheet named '{sheet}'; its sheets are {shown}.")
        rows = [tuple(r) for r in book[sheet].iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFileError(f"Sheet '{sheet}' of '{name}' cannot be read ({' '.join(str(exc).split())[:160]}). "
                               "Save the workbook again as .xlsx, or export the sheet as CSV.") from exc
    finally:
        book.close()
    filled = [i for i, r in enumerate(rows) if any(not _blank(v) for v in r)]
    if not filled:
        raise SheetError(f"Sheet '{sheet}' of '{name}' is empty. Choose the sheet that holds the table"
                         + (" (--sheet NAME)." if len(titles) > 1 else "."))
    rows = rows[filled[0]: filled[-1] + 1]
    width = max((j + 1 for r in rows for j, v in enumerate(r) if not _blank(v)), default=0)
    first = min(next(j for j, v in enumerate(r) if not _blank(v)) for r in rows if any(not _blank(v) for v in r))
    rows = [tuple(r[first:width]) + (None,) * max(0, width - len(r)) for r in rows]
    return sheet, list(rows[0]), rows[1:]


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def cell_text(v: Any) -> str:
    """A stored cell value as exact text: numbers at full precision, dates ISO, text as stored, empty as ""."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(v, datetime):
        if v.hour == v.minute == v.second == v.microsecond == 0:
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, timedelta):
        return str(v)
    return str(v)


_MISSING_WORDS = frozenset(STR_NA_VALUES)


def _column(values: list[Any]) -> tuple[pd.Series, bool]:
    """One column's values as a typed pandas array; True when text and numbers were mixed."""
    cleaned = [None if _blank(v) or (isinstance(v, str) and v.strip() in _MISSING_WORDS) else v for v in values]
    present = [v for v in cleaned if v is not None]
    gaps = len(present) < len(cleaned)
    kinds = {type(v) for v in present}
    if not present:
        return pd.Series([float("nan")] * len(cleaned), dtype="float64"), False
    if kinds <= {bool}:
        return pd.Series(pd.array(cleaned, dtype="boolean")) if gaps else pd.Series(cleaned, dtype=bool), False
    if kinds <= {int} or (kinds <= {int, float} and all(float(v).is_integer() and abs(v) < 2**53 for v in present)):
        ints = [None if v is None else int(v) for v in cleaned]
        return (pd.Series(pd.array(ints, dtype="Int64")) if gaps else pd.Series(ints, dtype="int64")), False
    if kinds <= {int, float}:
        return pd.Series([float("nan") if v is None else float(v) for v in cleaned], dtype="float64"), False
    if kinds <= {datetime, date}:
        return pd.Series(pd.to_datetime(pd.Series(cleaned, dtype=object))), False
    if kinds <= {str}:
        return pd.Series(cleaned, dtype="str"), False
    return pd.Series([None if v is None else cell_text(v) for v in cleaned], dtype="str"), True


def load_xlsx(source: bytes | Path, *, name: str, sheet: str | None, max_bytes: int, origin: str = ""):
    """Read one sheet of an .xlsx workbook (bytes or a path) into a :class:`~analysis.io.Dataset`."""
    from ..io import Dataset, check_size, clean_header

    n_bytes = len(source) if isinstance(source, bytes) else source.stat().st_size
    check_size(n_bytes, max_bytes, name)
    digest = hashlib.sha256(source if isinstance(source, bytes) else source.read_bytes()).hexdigest()
    title, header, rows = read_sheet(source, name=name, sheet=sheet)
    if not rows:
        raise HeaderOnlyError(f"Sheet '{title}' of '{name}' has a header ({len(header)} columns) but no data rows.")
    notes: list[str] = []
    if sheet is None:
        titles = xlsx_sheets(source, name=name)
        if len(titles) > 1:
            notes.append(f"Read the first sheet, '{title}', of {len(titles)}; choose another with --sheet NAME "
                         "(or the sheet picker in the browser).")
    columns: dict[int, pd.Series] = {}
    mixed: list[int] = []
    for j in range(len(header)):
        columns[j], was_mixed = _column([r[j] for r in rows])
        if was_mixed:
            mixed.append(j)
    frame = pd.DataFrame({j: c.reset_index(drop=True) for j, c in columns.items()})
    names = ["" if _blank(h) else cell_text(h) for h in header]
    renamed = clean_header(frame, names, notes)
    if mixed:
        shown = ", ".join(f"'{frame.columns[j]}'" for j in mixed[:8])
        notes.append(f"Columns mixing numbers and text were read as text: {shown}.")
    # Two sheets of one workbook are two tables: ``sha256`` (every cache's key) names the sheet too, and
    # ``file_sha256`` keeps the file's own hash (``input_sha256``: what recipes record and verify checks).
    table_sha = hashlib.sha256(f"{digest}|xlsx sheet|{title}".encode()).hexdigest()
    return Dataset(frame=frame, name=name, sha256=table_sha, notes=tuple(notes), n_bytes=n_bytes,
                   renamed_columns=renamed, source=source, format="xlsx", sheet=title, origin=origin or name,
                   file_sha256=digest)
