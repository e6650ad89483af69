"""Sniffing and parsing CSV text: the delimiter, the rows, and what is wrong with them.

The delimiter is the one whose sampled rows have the most consistent field
count. Parsing uses pandas' pyarrow engine, falling back to the C engine; a
ragged row or a quote that is never closed is reported with its line number.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from .errors import EmptyFileError, ParseError, RaggedRowsError

#: Delimiters the sniffer chooses from, in order of preference on a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

SNIFF_BYTES = 64 * 1024
_SNIFF_ROWS = 50
_ARROW_RAGGED = re.compile(r"Expected (\d+) columns?, got (\d+)")
LEADING_BLANK_LINES = re.compile(rb"\A(?:\xef\xbb\xbf)?[\r\n]+")


def _sample_records(text_bytes: bytes, delimiter: str) -> list[list[str]]:
    sample = text_bytes[:SNIFF_BYTES]
    truncated = len(text_bytes) > SNIFF_BYTES
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


def sniff(text_bytes: bytes, name: str) -> tuple[str, list[str]]:
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


def lone_carriage_returns(body: bytes, start: int = 0) -> int:
    """How many carriage returns (``\\r``) not followed by ``\\n`` a file whose lines end with ``\\n`` or ``\\r\\n``
    holds from ``start`` on (0 for a file with no ``\\n``: there, a ``\\r`` ends each line).

    In such a file a lone ``\\r`` cannot end a line: it belongs to a value. pandas' ``to_csv`` writes one without
    quotes (a tweet or a scraped text that held it), and pyarrow, the C engine's default and the csv module all
    end the line there, which splits the row.

    >>> lone_carriage_returns(b"t,n\\nhello\\rworld,1\\n"), lone_carriage_returns(b"t,n\\r\\na\\rb,1\\r\\n")
    (1, 1)
    >>> lone_carriage_returns(b"t,n\\r\\na,1\\r\\n"), lone_carriage_returns(b"t,n\\ra,1\\r")
    (0, 0)
    """
    if body.find(b"\r", start) < 0 or body.find(b"\n", start) < 0:
        return 0
    return body.count(b"\r", start) - body.count(b"\r\n", start)


#: A carriage return that is not the first half of a CRLF line end.
LONE_CR = re.compile(rb"\r(?!\n)")
_LONE_CR_TEXT = re.compile(r"\r(?!\n)")


def mark_lone_carriage_returns(text_bytes: bytes) -> tuple[bytes, str | None, int]:
    """``text_bytes`` with each lone ``\\r`` below any leading blank lines replaced by a private-use character
    absent from the file (:func:`carriage_return_mark`), that character (None when there was nothing to mark),
    and how many were replaced. Every reader of the file's text (the parse, the raw text of downloads) marks it
    so, then puts the ``\\r`` back with :func:`restore_carriage_returns`."""
    blank = LEADING_BLANK_LINES.match(text_bytes)
    start = blank.end() if blank else 0
    kept = lone_carriage_returns(text_bytes, start)
    if not kept:
        return text_bytes, None, 0
    mark = carriage_return_mark(text_bytes)
    return text_bytes[:start] + LONE_CR.sub(mark.encode(), text_bytes[start:]), mark, kept


def parse(
    text_bytes: bytes, delimiter: str, header: list[str], name: str, notes: list[str]
) -> tuple[pd.DataFrame, str, list[str]]:
    # a lone \r is read as part of its value: marked here for every parser below, put back at the end
    text_bytes, mark, kept = mark_lone_carriage_returns(text_bytes)
    if mark is None:
        return _parse(text_bytes, delimiter, header, name, notes)
    frame, delimiter, header = _parse(text_bytes, delimiter, [_LONE_CR_TEXT.sub(mark, h) for h in header], name, notes)
    notes.append(
        f"{kept:,} carriage return{'s' if kept != 1 else ''} (\\r) inside values {'were' if kept != 1 else 'was'} "
        "kept as part of the value: this file's lines end with \\n, so a \\r alone does not end a line "
        "(pandas' to_csv writes one unquoted)."
    )
    return restore_carriage_returns(frame, mark), delimiter, [h.replace(mark, "\r") for h in header]


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
                        f"The file read as one column with {DELIMITER_NAMES[delimiter]}s; "
                        f"it was re-read with {DELIMITER_NAMES[other]}s."
                    )
                    return retry, other, retry_header
    return frame, delimiter, header


def placeholder_names(header: list[str]) -> list[str]:
    # Unique placeholders keep pyarrow from rejecting blank or repeated names;
    # _clean_header gives the real names afterwards.
    return [f"__col{i}" for i in range(len(header))]


def _read(text_bytes: bytes, delimiter: str, header: list[str], name: str) -> pd.DataFrame:
    names = placeholder_names(header)
    # pyarrow counts blank lines above the header as the header row (it would then
    # read the real header as data), so they are cut off here. Line numbers in
    # messages still come from the full text (_raise_ragged, _check_closed_quotes).
    body = LEADING_BLANK_LINES.sub(b"", text_bytes, count=1)
    try:
        if any("\r" in h or "\n" in h for h in header):
            # pyarrow skips a header row at a line break even inside quotes ("a\rb" as a name
            # would eat the first data row); the C engine below honours the quotes.
            raise ValueError("line break in a quoted column name")
        frame = pd.read_csv(io.BytesIO(body), engine="pyarrow", sep=delimiter, header=0, names=names, encoding="utf-8")
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
        return pd.read_csv(io.BytesIO(body), engine="c", sep=delimiter, header=0, names=names, encoding="utf-8")
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


def carriage_return_mark(body: bytes) -> str:
    """A private-use character absent from ``body``: it stands for each lone ``\\r`` while the parsers,
    which would end a line at a ``\\r``, read the file; :func:`restore_carriage_returns` puts them back."""
    for code in range(0xE000, 0xF900):
        if chr(code).encode() not in body:
            return chr(code)
    raise ParseError("The file uses every private-use character; its carriage returns cannot be kept.")


def restore_carriage_returns(frame: pd.DataFrame, mark: str) -> pd.DataFrame:
    """``frame`` with ``mark`` turned back into ``\\r`` in its text columns and its column names."""
    out = frame.rename(columns=lambda c: c.replace(mark, "\r") if isinstance(c, str) else c)
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.StringDtype):
            out.isetitem(i, column.str.replace(mark, "\r", regex=False).array)
        elif column.dtype == object:
            out.isetitem(i, column.map(lambda v: v.replace(mark, "\r") if isinstance(v, str) else v).array)
    return out


def _check_closed_quotes(text_bytes: bytes, delimiter: str, name: str) -> None:
    """Refuse a quote that is never closed: pyarrow silently reads the rest of the file into one value."""
    body = LEADING_BLANK_LINES.sub(b"", text_bytes, count=1)
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
