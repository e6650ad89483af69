"""Reading a CSV from bytes or a path into a :class:`Dataset`.

The fast path is pandas with the pyarrow engine. Around it sit the checks a
person needs when a file is not quite right: the encoding (UTF-8, UTF-8 with a
byte-order mark, UTF-16 with a BOM, else Windows-1252/Latin-1, said in a note),
the delimiter (comma, semicolon, tab or pipe), header clean-up (blank,
duplicate and padded names), and specific errors for files that cannot be a
table (empty, header only, binary, ragged rows, too large).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from pandas._libs.parsers import STR_NA_VALUES  # the missing-value words pandas' readers use

from .errors import (
    BinaryFileError,
    EmptyFileError,
    FileTooLargeError,
    HeaderOnlyError,
    ParseError,
    RaggedRowsError,
)

__all__ = ["Dataset", "load_csv", "DEFAULT_MAX_BYTES", "DELIMITERS"]

#: Largest file accepted, in bytes (1 GiB; .streamlit/config.toml allows the same upload).
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024

#: Delimiters the sniffer chooses from, in order of preference on a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

_SNIFF_BYTES = 64 * 1024
_SNIFF_ROWS = 50
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
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
_ARROW_RAGGED = re.compile(r"Expected (\d+) columns?, got (\d+)")
_STREAM_CHUNK = 16 * 1024 * 1024
_BOM_NOTE = "The file starts with a UTF-8 byte-order mark (as Excel writes); it was removed."
_LEADING_BLANK_LINES = re.compile(rb"\A(?:\xef\xbb\xbf)?[\r\n]+")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A parsed table and where it came from.

    Attributes
    ----------
    frame : DataFrame
        The data, with cleaned, unique column names. Treat it as read-only:
        the dashboard shares one object between reruns.
    name : str
        Display name (the file name).
    sha256 : str
        SHA-256 of the raw bytes; the cache key everywhere.
    notes : tuple of str
        What the reader noticed and did (encoding fallback, renamed columns...),
        in plain words for the user.
    encoding, delimiter : str
        What the file was read with.
    n_bytes : int
        Size of the raw file.
    """

    frame: pd.DataFrame
    name: str
    sha256: str
    notes: tuple[str, ...] = ()
    encoding: str = "utf-8"
    delimiter: str = ","
    n_bytes: int = 0
    renamed_columns: dict[str, str] = field(default_factory=dict)

    @property
    def delimiter_name(self) -> str:
        return _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "rows": int(self.frame.shape[0]),
            "columns": int(self.frame.shape[1]),
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "bytes": self.n_bytes,
            "notes": list(self.notes),
        }


def load_csv(
    source: bytes | bytearray | str | os.PathLike,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Dataset:
    """Read a CSV file into a :class:`Dataset`.

    Parameters
    ----------
    source : bytes or path
        The raw file content, or a path to read it from.
    name : str, optional
        Display name; defaults to the file name of a path, else ``"upload.csv"``.
    max_bytes : int
        Files larger than this are refused before they are parsed.

    Returns
    -------
    Dataset

    Raises
    ------
    EmptyFileError, HeaderOnlyError, BinaryFileError, RaggedRowsError,
    FileTooLargeError, ParseError
        All subclasses of :class:`analysis.errors.DiagnosticsError`.

    Examples
    --------
    >>> ds = load_csv(b"a;b\\n1;x\\n2;y\\n", name="tiny.csv")
    >>> ds.frame.shape, ds.delimiter
    ((2, 2), ';')
    """
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        name = name or "upload.csv"
        _check_size(len(data), max_bytes, name)
        return _load_bytes(data, name)
    path = Path(source)
    name = name or path.name
    _check_size(path.stat().st_size, max_bytes, name)
    streamed = _load_path(path, name)
    if streamed is not None:
        return streamed
    return _load_bytes(path.read_bytes(), name)


# --- private helpers (inputs already checked) ------------------------------
def _load_bytes(data: bytes, name: str) -> Dataset:
    """The general path: any encoding, delimiter and header problem, with notes and errors."""
    notes: list[str] = []
    text_bytes, encoding = _to_utf8(data, name, notes)
    delimiter, header = _sniff(text_bytes, name)
    frame, delimiter, header = _parse(text_bytes, delimiter, header, name, notes)
    return _finish(
        frame,
        header,
        delimiter,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        n_bytes=len(data),
        notes=notes,
    )


def _load_path(path: Path, name: str) -> Dataset | None:
    """Read a UTF-8 file straight from disk, never holding its bytes whole.

    One streaming pass computes the SHA-256, checks UTF-8 and counts quotes;
    pyarrow then parses from the path and hands its columns to pandas one at a
    time, so the peak memory stays near the DataFrame's own size. Anything out
    of the ordinary (another encoding, leading blank lines, an odd number of
    quotes, a parse error, a single column) returns None: the general path then
    reads the bytes and explains what it finds.
    """
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES + 1)
    if not head or head.isspace() or head.startswith(_UTF16_BOMS) or _LEADING_BLANK_LINES.match(head):
        return None
    _reject_binary(head, name)
    digest, quotes, n_bytes = hashlib.sha256(), 0, 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_STREAM_CHUNK):
                digest.update(chunk)
                quotes += chunk.count(b'"')
                n_bytes += len(chunk)
                if not chunk.isascii() or decoder.getstate()[0]:
                    decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if quotes % 2:
        return None
    delimiter, header = _sniff(head, name)
    try:
        frame = _read_arrow_path(path, delimiter, len(header))
    except (pd.errors.ParserError, ValueError, pa.ArrowException):
        return None
    if frame.shape[1] < 2:
        return None
    notes: list[str] = []
    encoding = "utf-8"
    if head.startswith(_UTF8_BOM):
        notes.append(_BOM_NOTE)
        encoding = "utf-8-sig"
    return _finish(
        frame, header, delimiter, name=name, sha256=digest.hexdigest(), encoding=encoding, n_bytes=n_bytes, notes=notes
    )


def _read_arrow_path(path: Path, delimiter: str, width: int) -> pd.DataFrame:
    """pyarrow's CSV reader with the options pandas' pyarrow engine uses, converted column by column."""
    table = pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(column_names=_placeholder_names([""] * width), skip_rows=1),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter),
        convert_options=pa_csv.ConvertOptions(null_values=sorted(STR_NA_VALUES), strings_can_be_null=True),
    )
    for i, kind in enumerate(table.schema.types):
        if pa.types.is_null(kind):  # an all-empty column: float64 NaN, as pandas reads it
            table = table.set_column(i, table.field(i).name, table.column(i).cast(pa.float64()))
    # self_destruct frees each Arrow column once converted (the table is not used again).
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _finish(
    frame: pd.DataFrame,
    header: list[str],
    delimiter: str,
    *,
    name: str,
    sha256: str,
    encoding: str,
    n_bytes: int,
    notes: list[str],
) -> Dataset:
    renamed = _clean_header(frame, header, notes)
    if frame.shape[0] == 0:
        raise HeaderOnlyError(
            f"'{name}' has a header ({frame.shape[1]} columns) but no data rows. "
            "Use a file with at least one data row below the header."
        )
    if delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[delimiter]}s, not commas.")
        _convert_decimal_commas(frame, notes)
    return Dataset(
        frame=frame,
        name=name,
        sha256=sha256,
        notes=tuple(notes),
        encoding=encoding,
        delimiter=delimiter,
        n_bytes=n_bytes,
        renamed_columns=renamed,
    )


def _check_size(n_bytes: int, max_bytes: int, name: str) -> None:
    if n_bytes > max_bytes:
        raise FileTooLargeError(
            f"'{name}' is {_human_bytes(n_bytes)}; the limit is {_human_bytes(max_bytes)}. "
            "Upload a sample of the rows, or raise the limit (server.maxUploadSize in "
            ".streamlit/config.toml, --max-mb on the CLI)."
        )


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


def _to_utf8(data: bytes, name: str, notes: list[str]) -> tuple[bytes, str]:
    """Return the content as UTF-8 bytes and the encoding it was read with."""
    if not data or data.isspace():
        raise EmptyFileError(f"'{name}' is empty. Use a CSV file with a header row and data rows.")
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BinaryFileError(
                f"'{name}' starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                f"(byte {exc.start}). Re-save it as UTF-8 CSV."
            ) from None
        notes.append("The file is UTF-16 (as Excel's 'Unicode text' export writes); it was converted to UTF-8.")
        return text.encode("utf-8"), "utf-16"
    _reject_binary(data, name)
    if data.startswith(_UTF8_BOM):
        # pyarrow skips a UTF-8 BOM itself; checking the rest is still needed.
        if _is_utf8(data):
            notes.append(_BOM_NOTE)
            return data, "utf-8-sig"
    elif _is_utf8(data):
        return data, "utf-8"
    body = data[3:] if data.startswith(_UTF8_BOM) else data
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


def _reject_binary(data: bytes, name: str) -> None:
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


def _sample_records(text_bytes: bytes, delimiter: str) -> list[list[str]]:
    sample = text_bytes[:_SNIFF_BYTES]
    truncated = len(text_bytes) > _SNIFF_BYTES
    text = sample.decode("utf-8", errors="replace").lstrip("\ufeff")
    if truncated and "\n" in text:
        text = text[: text.rfind("\n")]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:  # blank lines carry no information
                rows.append(row)
            if len(rows) > _SNIFF_ROWS:
                break
    except csv.Error:
        pass
    return rows


def _sniff(text_bytes: bytes, name: str) -> tuple[str, list[str]]:
    """Choose the delimiter whose rows have the most consistent field count."""
    best: tuple[float, int, int] | None = None
    best_delim, best_header = ",", []
    for order, delim in enumerate(DELIMITERS):
        rows = _sample_records(text_bytes, delim)
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            score = (0.0, width, -order)
        else:
            body = rows[1:] or rows
            score = (sum(len(r) == width for r in body) / len(body), width, -order)
        if best is None or score > best:
            best, best_delim, best_header = score, delim, rows[0]
    if best is None:
        raise EmptyFileError(f"'{name}' has no rows. Use a CSV file with a header row and data rows.")
    return best_delim, best_header


def _parse(
    text_bytes: bytes, delimiter: str, header: list[str], name: str, notes: list[str]
) -> tuple[pd.DataFrame, str, list[str]]:
    frame = _read(text_bytes, delimiter, header, name)
    if frame.shape[1] == 1:
        # A one-column result whose header holds another delimiter was sniffed wrong.
        for other in DELIMITERS:
            if other != delimiter and other in str(header[0] if header else ""):
                retry_header = _sample_records(text_bytes, other)[0]
                try:
                    retry = _read(text_bytes, other, retry_header, name)
                except RaggedRowsError:
                    continue
                if retry.shape[1] > 1:
                    notes.append(
                        f"The file read as one column with {_DELIMITER_NAMES[delimiter]}s; "
                        f"it was re-read with {_DELIMITER_NAMES[other]}s."
                    )
                    return retry, other, retry_header
    return frame, delimiter, header


def _placeholder_names(header: list[str]) -> list[str]:
    # Unique placeholders keep pyarrow from rejecting blank or repeated names;
    # _clean_header gives the real names afterwards.
    return [f"__col{i}" for i in range(len(header))]


def _read(text_bytes: bytes, delimiter: str, header: list[str], name: str) -> pd.DataFrame:
    names = _placeholder_names(header)
    kwargs = dict(sep=delimiter, header=0, names=names, encoding="utf-8")
    # pyarrow counts blank lines above the header as the header row (it would then
    # read the real header as data), so they are cut off here. Line numbers in
    # messages still come from the full text (_raise_ragged, _check_closed_quotes).
    body = _LEADING_BLANK_LINES.sub(b"", text_bytes, count=1)
    try:
        frame = pd.read_csv(io.BytesIO(body), engine="pyarrow", **kwargs)
    except (pd.errors.ParserError, ValueError) as exc:
        match = _ARROW_RAGGED.search(str(exc))
        if match:
            # Usually a ragged row. But pyarrow says the same when a quoted value with line
            # breaks is longer than its 1 MB block; if no row is ragged, the C engine reads it.
            _raise_ragged(text_bytes, delimiter, len(header), name)
        arrow_error = exc
    else:
        _check_closed_quotes(text_bytes, delimiter, name)
        return frame
    # The C engine accepts a few things pyarrow refuses (e.g. some quoting styles).
    try:
        return pd.read_csv(io.BytesIO(body), engine="c", **kwargs)
    except (pd.errors.ParserError, ValueError) as exc:
        if "Expected" in str(exc) or "tokenizing" in str(exc):
            _raise_ragged(text_bytes, delimiter, len(header), name)
            raise ParseError(
                f"'{name}' could not be parsed as CSV: a row does not have {len(header)} fields. "
                "Check the quoting and the delimiter."
            ) from None
        raise ParseError(
            f"'{name}' could not be parsed as CSV ({arrow_error}). "
            "Check that it is a delimited text table with one header row."
        ) from None


def _check_closed_quotes(text_bytes: bytes, delimiter: str, name: str) -> None:
    """Refuse a quote that is never closed: pyarrow silently reads the rest of the file into one value."""
    body = _LEADING_BLANK_LINES.sub(b"", text_bytes, count=1)
    if body.count(b'"') % 2 == 0:
        return  # balanced quotes cannot leave a field open (the cheap, common case)
    # An odd count may be a harmless literal quote (12" pipe); the C engine tells the two apart.
    try:
        pd.read_csv(io.BytesIO(body), engine="c", sep=delimiter, header=None, dtype=str)
    except ValueError as exc:  # pandas' ParserError and EmptyDataError both derive from it
        if "EOF inside string" not in str(exc):
            return
    else:
        return
    text = io.StringIO(text_bytes.decode("utf-8", errors="replace").lstrip("\ufeff"), newline="")
    reader = csv.reader(text, delimiter=delimiter)
    start = next_start = 1  # physical lines: quoted values may hold newlines
    try:
        for _ in reader:
            start, next_start = next_start, reader.line_num + 1
    except csv.Error:
        start = next_start  # the swallowed value exceeded the csv module's field size limit
    raise ParseError(
        f"'{name}' has a quote (\") that is never closed: the row starting on line {start} runs to "
        "the end of the file, so the rows after it would be lost. Close that quote (write a quote "
        'inside a quoted value as "") and upload again.',
        line=start,
    )


def _raise_ragged(text_bytes: bytes, delimiter: str, width: int, name: str) -> None:
    """Raise for the first row whose width differs from the header's; return if none is found."""
    # An unclosed quote makes the last row short; name the cause, not the symptom.
    _check_closed_quotes(text_bytes, delimiter, name)
    text = io.StringIO(text_bytes.decode("utf-8", errors="replace").lstrip("\ufeff"), newline="")
    reader = csv.reader(text, delimiter=delimiter)
    start = next_start = 1  # physical line where each record starts (quoted values may hold newlines)
    try:
        for row in reader:
            start, next_start = next_start, reader.line_num + 1
            if row and len(row) != width:
                raise RaggedRowsError(
                    f"'{name}' has rows of different lengths: line {start} has "
                    f"{len(row)} fields but the header has {width}. Fix that line (often an "
                    "unquoted delimiter inside a value) and upload again.",
                    line=start,
                )
    except csv.Error:
        # In the non-strict mode used here the csv module only fails on a value over its
        # field size limit (128 KB), which is no fault of the file: the caller carries on.
        return


_DECIMAL_COMMA = r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+),\d+$|^[+-]?\d+$"


def _convert_decimal_commas(frame: pd.DataFrame, notes: list[str]) -> None:
    """Turn text columns written with decimal commas (``1,5``; ``1.234,5``) into numbers."""
    converted = []
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        present = values.dropna().astype(str).str.strip()
        if present.empty or not present.str.contains(",", regex=False).any():
            continue
        if not present.str.fullmatch(_DECIMAL_COMMA).all():
            continue
        numbers = present.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        frame[column] = pd.to_numeric(numbers, errors="raise").reindex(frame.index)
        converted.append(f"'{column}'")
    if converted:
        notes.append(f"Decimal commas were read as numbers in {', '.join(converted)}.")


def _clean_header(frame: pd.DataFrame, header: list[str], notes: list[str]) -> dict[str, str]:
    """Give ``frame`` clean, unique column names; return {original: new} for changed ones."""
    raw = [h if h is not None else "" for h in header] + [""] * (frame.shape[1] - len(header))
    cleaned: list[str] = []
    renamed: dict[str, str] = {}
    stripped_any, blanks, dupes = False, [], []
    seen: set[str] = set()
    for position, original in enumerate(raw[: frame.shape[1]], start=1):
        new = original.strip().lstrip("\ufeff")
        if new != original:
            stripped_any = True
        if not new:
            new = f"column_{position}"
            blanks.append(new)
        if new in seen:
            base, k = new, 2
            while f"{base}_{k}" in seen:
                k += 1
            new = f"{base}_{k}"
            dupes.append(f"'{base}' -> '{new}'")
        seen.add(new)
        cleaned.append(new)
        if new != original:
            renamed[original] = new
    frame.columns = cleaned
    if stripped_any:
        notes.append("Spaces around column names were removed.")
    if blanks:
        notes.append(f"{len(blanks)} blank column name(s) were named by position: {', '.join(blanks)}.")
    if dupes:
        notes.append(f"Repeated column names were made unique: {', '.join(dupes)}.")
    return renamed
