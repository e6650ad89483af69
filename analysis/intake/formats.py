"""Which reader a file needs, from its first bytes (magic numbers), not only its name.

- ``PAR1`` -> Parquet; a folder or a glob -> Parquet files.
- ``PK\\x03\\x04`` (a zip) holding ``xl/workbook.xml`` -> Excel ``.xlsx``; another
  zip (a ``.docx``, an ``.ods``, an archive) is refused, saying what it is.
- An OLE2 compound file (``D0 CF 11 E0``) is either a password-protected
  ``.xlsx`` (Office wraps encrypted workbooks that way; it holds an
  ``EncryptionInfo`` stream) or a legacy ``.xls``: both refused with what to do.
- Arrow/Feather, ORC, gzip and other binary kinds are refused by name.
- Anything else is text and goes to the CSV reader (:func:`analysis.io.load_csv`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import UnsupportedFormatError

__all__ = ["FORMATS", "SUFFIXES", "detect_format"]

#: Formats the intake reads.
FORMATS = ("csv", "parquet", "xlsx")
#: File-name endings the browser's uploader accepts.
SUFFIXES = ("csv", "tsv", "txt", "parquet", "pq", "xlsx")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
_OTHER = {
    b"ARROW1": "an Arrow IPC / Feather file",
    b"ORC": "an ORC file",
    b"\x1f\x8b": "a gzip archive (decompress it first)",
    b"Obj\x01": "an Avro file",
}
_SAVE_AS = "Save or export the table as CSV, Parquet or .xlsx and try again."


def detect_format(head: bytes, *, name: str, zip_names: list[str] | None = None, whole: bytes | None = None) -> str:
    """``"csv"``, ``"parquet"`` or ``"xlsx"`` for a file starting with ``head``; refuse other kinds.

    ``zip_names`` are the member names when the file is a zip (the caller lists
    them from a path or the bytes); ``whole`` is the file's bytes when at hand
    (an OLE2 file is searched for the encryption stream).

    Examples
    --------
    >>> detect_format(b"PAR1\\x15\\x04", name="t.parquet")
    'parquet'
    >>> detect_format(b"a,b\\n1,2\\n", name="t.csv")
    'csv'
    """
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        members = zip_names or []
        if "xl/workbook.xml" in members or any(m.startswith("xl/") for m in members):
            return "xlsx"
        if "word/document.xml" in members:
            what = "a Word document (.docx)"
        elif "content.xml" in members:
            what = "an OpenDocument file (.ods/.odt)"
        else:
            what = "a zip archive"
        raise UnsupportedFormatError(f"'{name}' is {what}, not a table this tool reads. {_SAVE_AS}")
    if head.startswith(_OLE2):
        if whole is not None and _ENCRYPTED in whole:
            raise UnsupportedFormatError(
                f"'{name}' is a password-protected (encrypted) Excel workbook, which cannot be read. Remove the "
                "password in Excel (File > Info > Protect Workbook > Encrypt with Password, clear it) and save "
                "again, or export the sheet as CSV."
            )
        raise UnsupportedFormatError(
            f"'{name}' is a legacy Excel 97-2003 workbook (.xls) or another OLE2 file, which is not read. Open it "
            "in Excel or LibreOffice and save it as .xlsx or CSV."
        )
    for magic, what in _OTHER.items():
        if head.startswith(magic):
            raise UnsupportedFormatError(f"'{name}' is {what}, not a table this tool reads. {_SAVE_AS}")
    return "csv"


def zip_members(source: bytes | Path, name: str) -> list[str]:
    """Member names of a zip; a damaged zip that claims to be .xlsx raises CorruptFileError."""
    from ..errors import CorruptFileError

    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFileError(
            f"'{name}' starts like a zip / .xlsx file but is damaged ({exc}). Save the workbook again as .xlsx, "
            "or export the sheet as CSV."
        ) from exc


def sniff_path(path: Path, name: str) -> str:
    """The format of a file on disk (reads its first bytes, the zip directory, or an OLE2 file whole)."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    zip_names = zip_members(path, name) if head.startswith(b"PK\x03\x04") else None
    whole = path.read_bytes() if head.startswith(_OLE2) and path.stat().st_size <= 64 * 1024 * 1024 else None
    return detect_format(head, name=name, zip_names=zip_names, whole=whole)


def sniff_bytes(data: bytes, name: str) -> str:
    zip_names = zip_members(data, name) if data.startswith(b"PK\x03\x04") else None
    return detect_format(data[:16], name=name, zip_names=zip_names, whole=data)
