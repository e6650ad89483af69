"""Reading a CSV from bytes or a path into a :class:`Dataset`.

The fast path is pandas with the pyarrow engine. Around it sit the checks a
person needs when a file is not quite right: the encoding (UTF-8, UTF-8 with a
byte-order mark, UTF-16 with a BOM, else Windows-1252/Latin-1, said in a note;
``_encoding``), the delimiter (comma, semicolon, tab or pipe; ``_csv_sniff``),
header clean-up (blank, duplicate and padded names), and specific errors for
files that cannot be a table (empty, header only, binary, ragged rows, too large).
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from pandas._libs.parsers import STR_NA_VALUES  # the missing-value words pandas' readers use

from ._csv_sniff import (
    DELIMITER_NAMES,
    DELIMITERS,
    LEADING_BLANK_LINES,
    SNIFF_BYTES,
    mark_lone_carriage_returns,
    parse,
    placeholder_names,
    sniff,
)
from ._encoding import BOM_NOTE, UTF8_BOM, UTF16_BOMS, reject_binary, to_utf8
from .errors import FileTooLargeError, HeaderOnlyError
from .threads import arrow_threads, in_background, parse_spare
from .wording import count_noun, verb

__all__ = ["Dataset", "load_csv", "DEFAULT_MAX_BYTES", "DELIMITERS"]

#: Largest file accepted, in bytes (1 GiB; .streamlit/config.toml allows the same upload).
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024

_STREAM_CHUNK = 16 * 1024 * 1024
_QUOTE = ord('"')


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
    #: The uploaded bytes or the path they were read from (None for a DataFrame handed to the API).
    source: bytes | Path | None = field(default=None, repr=False, compare=False)
    _raw: dict = field(default_factory=dict, repr=False, compare=False)
    #: What was done to the table after reading (e.g. tokens read as missing), oldest first: frozen
    #: steps with ``to_dict()`` and ``code_lines()``, recorded in recipes so they reproduce the table.
    steps: tuple = ()
    #: SHA-256 of the file as read, when ``steps`` changed the table (``sha256`` then keys the changed table).
    file_sha256: str = ""
    #: What was read: "csv", "parquet", "xlsx", or "frame" (a DataFrame handed to the API); see analysis.intake.
    format: str = "csv"
    #: The sheet an .xlsx table was read from (None for other formats).
    sheet: str | None = None
    #: Where the table came from, in words (a path, "upload", or what ``from_frame`` was told).
    origin: str = ""
    #: The Parquet files of a directory or glob, in reading order (empty for one file).
    files: tuple[Path, ...] = ()

    @property
    def input_sha256(self) -> str:
        """SHA-256 of the file itself: what a recipe records as its input and ``verify --input`` checks."""
        return self.file_sha256 or self.sha256

    def raw_text(self) -> pd.DataFrame | None:
        """Every cell exactly as the file wrote it: text columns, no missing-value conversion.

        The source is re-read lazily, on the first call (a download), and the result
        is cached on the dataset, so memory is not doubled until then. Empty cells
        are ``""``; ``NA``, ``null``, ``02134``, ``1e5`` stay the text they were.
        Returns None when there is no source (a DataFrame handed to the API) or when
        the re-read does not line up with :attr:`frame` (then exports fall back to
        writing the parsed values losslessly).

        Examples
        --------
        >>> ds = load_csv(b"zip,n\\n02134,1e5\\n10001,NA\\n")
        >>> ds.frame["zip"].tolist(), ds.raw_text()["zip"].tolist(), ds.raw_text()["n"].tolist()
        ([2134, 10001], ['02134', '10001'], ['1e5', 'NA'])
        """
        if "text" not in self._raw:
            if self.format == "csv":
                self._raw["text"] = _read_raw_text(self)
            else:  # Parquet and xlsx: the stored values as canonical text (analysis.intake.raw)
                from .intake.raw import raw_text

                self._raw["text"] = raw_text(self)
        return self._raw["text"]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, name: str = "dataframe", source: str = "") -> Dataset:
        """Wrap a DataFrame from a notebook, recording where it came from.

        ``sha256`` hashes a canonical serialisation of the values, column names and
        dtypes (not the index, not the memory layout), so the same table always hashes
        the same; ``source`` says in words where it came from (kept as ``origin``).

        Examples
        --------
        >>> a = Dataset.from_frame(pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}), source="notebook")
        >>> b = Dataset.from_frame(pd.DataFrame({"y": ["a", "b"], "x": [1, 2]})[["x", "y"]])
        >>> a.sha256 == b.sha256, a.origin, a.format
        (True, 'notebook', 'frame')
        """
        from .intake.frames import from_frame

        return from_frame(frame, name=name, source=source)

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    @property
    def read_as(self) -> str:
        """How the table was read, in words: "utf-8, comma-separated", "Parquet, 3 files", "Excel sheet 'Data'"."""
        if self.format == "parquet":
            return f"Parquet, {len(self.files)} files" if self.files else "Parquet"
        if self.format == "xlsx":
            return f"Excel sheet '{self.sheet}'"
        if self.format == "frame":
            return "a pandas DataFrame"
        return f"{self.encoding}, {self.delimiter_name}-separated"

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
    return replace(_load_bytes(path.read_bytes(), name), source=path)


# --- private helpers (inputs already checked) ------------------------------
def _load_bytes(data: bytes, name: str) -> Dataset:
    """The general path: any encoding, delimiter and header problem, with notes and errors."""
    notes: list[str] = []
    text_bytes, encoding = to_utf8(data, name, notes)
    delimiter, header = sniff(text_bytes, name)
    frame, delimiter, header = parse(text_bytes, delimiter, header, name, notes)
    return _finish(
        frame,
        header,
        delimiter,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        n_bytes=len(data),
        notes=notes,
        source=data,
    )


def _load_path(path: Path, name: str) -> Dataset | None:
    """Read a UTF-8 file straight from disk, never holding its bytes whole.

    One streaming pass computes the SHA-256, checks UTF-8 and counts quotes
    while pyarrow parses from the path and hands its columns to pandas one at a
    time, so the peak memory stays near the DataFrame's own size. Anything out
    of the ordinary (another encoding, leading blank lines, an odd number of
    quotes, a parse error, a single column) returns None: the general path then
    reads the bytes and explains what it finds.
    """
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES + 1)
    if not head or head.isspace() or head.startswith(UTF16_BOMS) or LEADING_BLANK_LINES.match(head):
        return None
    reject_binary(head, name)
    try:  # not UTF-8 in its first bytes: the general path, without a parse started for nothing
        codecs.getincrementaldecoder("utf-8")().decode(head)  # incremental: a character cut at the end is fine
    except UnicodeDecodeError:
        return None
    # the streaming pass runs while pyarrow parses (both mostly outside the GIL); its verdict decides
    stream = in_background(_stream_check, path)
    try:
        delimiter, header = sniff(head, name)
    except BaseException:
        if stream.result() is None:  # not UTF-8, or an odd number of quotes: the general path explains
            return None
        raise
    try:
        frame: pd.DataFrame | None = _read_arrow_path(path, delimiter, len(header))
    except (pd.errors.ParserError, ValueError, pa.ArrowException):
        frame = None
    checked = stream.result()
    if checked is None or frame is None or frame.shape[1] < 2:
        return None
    digest, n_bytes = checked
    notes: list[str] = []
    encoding = "utf-8"
    if head.startswith(UTF8_BOM):
        notes.append(BOM_NOTE)
        encoding = "utf-8-sig"
    return _finish(
        frame, header, delimiter, name=name, sha256=digest, encoding=encoding, n_bytes=n_bytes, notes=notes,
        source=path,
    )


def _stream_check(path: Path) -> tuple[str, int] | None:
    """The SHA-256 and size of the file in one streaming pass, or None when it is not UTF-8 or its
    double quotes do not pair up (the fast path then leaves it to the general one)."""
    digest, quotes, n_bytes = hashlib.sha256(), 0, 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_STREAM_CHUNK):
                digest.update(chunk)
                if b'"' in chunk:  # memchr: a file without quotes is not counted byte by byte
                    # numpy's vectorised compare: 7x quicker than bytes.count's loop
                    quotes += int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == _QUOTE))
                n_bytes += len(chunk)
                if not chunk.isascii() or decoder.getstate()[0]:
                    decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return None if quotes % 2 else (digest.hexdigest(), n_bytes)


def _read_arrow_path(path: Path, delimiter: str, width: int) -> pd.DataFrame:
    """pyarrow's CSV reader with the options pandas' pyarrow engine uses, converted column by column."""
    with arrow_threads(spare=parse_spare()):  # a caller's background work may want a core (analysis.threads)
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=placeholder_names([""] * width), skip_rows=1),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter),
            convert_options=pa_csv.ConvertOptions(null_values=sorted(STR_NA_VALUES), strings_can_be_null=True),
        )
    for i, kind in enumerate(table.schema.types):
        if pa.types.is_null(kind):  # an all-empty column: float64 NaN, as pandas reads it
            table = table.set_column(i, table.field(i).name, table.column(i).cast(pa.float64()))
    # The parse leaves its working memory (block buffers, builders' spare capacity) cached in Arrow's allocator:
    # 1M x 30, a 268 MB table held 740 MB. Handed back before the conversion, the frame is not stacked on it
    # (the read's peak fell from 820-860 MB to 740-755 MB, and the conversion took no longer).
    pa.default_memory_pool().release_unused()
    # self_destruct frees each Arrow column once converted (the table is not used again).
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    # The parse's freed buffers stay cached in Arrow's allocator until it decays them: on a 1M-row
    # file a third of a GB that every later pass would otherwise stack its own peak on.
    pa.default_memory_pool().release_unused()
    return frame


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
    source: bytes | Path | None = None,
) -> Dataset:
    renamed = _clean_header(frame, header, notes)
    if frame.shape[0] == 0:
        raise HeaderOnlyError(
            f"'{name}' has a header ({frame.shape[1]} columns) but no data rows. "
            "Use a file with at least one data row below the header."
        )
    if delimiter != ",":
        notes.append(f"Columns are separated by {DELIMITER_NAMES[delimiter]}s, not commas.")
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
        source=source,
    )


def _read_raw_text(dataset: Dataset) -> pd.DataFrame | None:
    """Re-read the source with every column as text and no missing-value words (see Dataset.raw_text)."""
    source = dataset.source
    if source is None:
        return None
    data = source.read_bytes() if isinstance(source, Path) else source
    text_bytes, _ = to_utf8(data, dataset.name, [])  # the same decoding as the parse
    text_bytes, mark, _ = mark_lone_carriage_returns(text_bytes)  # as the parse marks them (_csv_sniff)
    body = LEADING_BLANK_LINES.sub(b"", text_bytes, count=1)
    width = dataset.frame.shape[1]
    names = placeholder_names([""] * width)
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows_after_names=1),
            parse_options=pa_csv.ParseOptions(delimiter=dataset.delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, null_values=[], strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        columns = [table.column(i).to_pylist() for i in range(width)]
    except (pa.ArrowException, ValueError):
        # The C engine's leniency (rare quoting styles): the csv module reads the same records.
        import csv
        import io

        reader = csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"), newline=""), delimiter=dataset.delimiter)
        records = [r for r in reader if r][1:]
        if any(len(r) != width for r in records):
            return None
        columns = [[r[i] for r in records] for i in range(width)]
    if not columns or len(columns[0]) != dataset.frame.shape[0]:
        return None
    if mark is not None:
        columns = [[v.replace(mark, "\r") for v in col] for col in columns]
    raw = pd.DataFrame({c: pd.array(col, dtype=object) for c, col in zip(dataset.frame.columns, columns, strict=True)})
    return raw


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
        new = original.strip().lstrip("\ufeff").strip()  # whitespace after a stray BOM too
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
        notes.append(f"{count_noun(len(blanks), 'blank column name')} {verb(len(blanks), 'was', 'were')} named by "
                     f"position: {', '.join(blanks)}.")
    if dupes:
        notes.append(f"Repeated column names were made unique: {', '.join(dupes)}.")
    return renamed


#: The size check and header clean-up, shared with the Parquet and xlsx readers (analysis.intake).
check_size = _check_size
clean_header = _clean_header
