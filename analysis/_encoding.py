"""Encodings and binary files: what the CSV reader checks before it parses.

UTF-8 (with or without a byte-order mark) is read as it is; UTF-16 with a BOM
is converted; anything else is read as Windows-1252, else Latin-1, said in a
note. Files that are not text at all (archives, images, workbooks, NUL bytes)
are refused with what they look like.
"""

from __future__ import annotations

import codecs

from .errors import BinaryFileError, EmptyFileError

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
BOM_NOTE = "The file starts with a UTF-8 byte-order mark (as Excel writes); it was removed."
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive or an Excel .xlsx workbook",
    b"\xd0\xcf\x11\xe0": "an Excel .xls workbook (OLE2)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"PAR1": "a Parquet file",
    b"SQLite format 3": "a SQLite database",
}


def to_utf8(data: bytes, name: str, notes: list[str]) -> tuple[bytes, str]:
    """Return the content as UTF-8 bytes and the encoding it was read with."""
    if not data or data.isspace():
        raise EmptyFileError(f"'{name}' is empty. Use a CSV file with a header row and data rows.")
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BinaryFileError(
                f"'{name}' starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                f"(byte {exc.start}). Re-save it as UTF-8 CSV."
            ) from None
        notes.append("The file is UTF-16 (as Excel's 'Unicode text' export writes); it was converted to UTF-8.")
        return text.encode("utf-8"), "utf-16"
    reject_binary(data, name)
    if data.startswith(UTF8_BOM):
        # pyarrow skips a UTF-8 BOM itself; checking the rest is still needed.
        if _is_utf8(data):
            notes.append(BOM_NOTE)
            return data, "utf-8-sig"
    elif _is_utf8(data):
        return data, "utf-8"
    body = data[3:] if data.startswith(UTF8_BOM) else data
    first_bad = _first_invalid_utf8(data)  # an offset in the file as uploaded, BOM included
    try:
        text, encoding, label = body.decode("cp1252"), "cp1252", "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        text, encoding, label = body.decode("latin-1"), "latin-1", "Latin-1 (ISO-8859-1)"
    notes.append(
        f"The file is not valid UTF-8 (first invalid byte at offset {first_bad}); it was read as "
        f"{label}. Check accented characters, and re-save as UTF-8 to be sure."
    )
    return text.encode("utf-8"), encoding


def reject_binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise BinaryFileError(
                f"'{name}' is not a text CSV file: it looks like {what}. "
                "Export or save the table as CSV and upload that."
            )
    head = data[:8192]
    if b"\x00" in head:
        raise BinaryFileError(
            f"'{name}' is not a text CSV file (it contains NUL bytes). "
            "Export or save the table as CSV (UTF-8) and upload that."
        )
    control = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if control > max(8, len(head) // 100):
        raise BinaryFileError(
            f"'{name}' does not look like text ({control} control characters in its first "
            f"{len(head)} bytes). Export or save the table as CSV (UTF-8) and upload that."
        )


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    # Decode in chunks so a large file is never held twice in memory.
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 16 * 1024 * 1024
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start : start + step], final=start + step >= len(view))
    except UnicodeDecodeError:
        return False
    return True


def _first_invalid_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1  # pragma: no cover
