"""Intake: CSV, Parquet (a file, a folder or a glob) and Excel .xlsx into a :class:`~analysis.io.Dataset`.

:func:`load_table` is the one entry point the CLI and the dashboard use: it
finds the format from the file's first bytes (:mod:`.formats`), then hands it
to the CSV reader (:func:`analysis.io.load_csv`, unchanged), the Parquet reader
(:mod:`.parquet`) or the xlsx reader (:mod:`.xlsx`). :func:`as_frame` is the
coercion every public analysis function applies to its table argument;
:func:`resolve_under_root` is the check behind the dashboard's server-path
opener (``dataset-diagnostics app --data-root DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CorruptFileError
from .formats import FORMATS, SUFFIXES, detect_format, sniff_bytes, sniff_path
from .frames import as_frame, frame_sha256, from_frame
from .parquet import is_glob, load_parquet
from .paths import DATA_ROOT_ENV, data_root, resolve_under_root
from .xlsx import xlsx_sheets

__all__ = [
    "DATA_ROOT_ENV",
    "FORMATS",
    "SUFFIXES",
    "as_frame",
    "data_root",
    "detect_format",
    "frame_sha256",
    "from_frame",
    "load_table",
    "resolve_under_root",
    "xlsx_sheets",
]

_PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")


def load_table(
    source: bytes | bytearray | str | os.PathLike,
    *,
    name: str | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
):
    """Read a CSV, Parquet or .xlsx file (bytes, a path, a Parquet folder or glob) into a Dataset.

    Parameters
    ----------
    source : bytes or path
        The file's bytes (an upload), a path, a folder of Parquet files, or a
        glob such as ``"data/*.parquet"``.
    name : str, optional
        Display name; defaults to the path's file name, else ``"upload"``.
    sheet : str, optional
        The worksheet of an .xlsx file (default: the first). Refused for other formats.
    max_bytes : int, optional
        Files larger than this are refused (default: :data:`analysis.io.DEFAULT_MAX_BYTES`).

    Raises
    ------
    UnsupportedFormatError, CorruptFileError, SheetError, NoFilesError, MixedSchemaError
        and every error of :func:`analysis.io.load_csv`; all are ``DiagnosticsError``.

    Examples
    --------
    >>> import io, pyarrow as pa, pyarrow.parquet as pq
    >>> buffer = io.BytesIO(); pq.write_table(pa.table({"x": pa.array([1, None], pa.int64()), "y": ["a", "b"]}), buffer)
    >>> ds = load_table(buffer.getvalue(), name="t.parquet")  # an integer column with a null stays integers
    >>> ds.format, str(ds.frame["x"].dtype)
    ('parquet', 'Int64')
    """
    from ..io import DEFAULT_MAX_BYTES, load_csv

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        label = name or "upload"
        kind = sniff_bytes(data, label)
        _check_suffix(kind, label)
        _check_sheet(kind, sheet, label)
        if kind == "parquet":
            return load_parquet(data, name=label, max_bytes=limit, origin="upload")
        if kind == "xlsx":
            from .xlsx import load_xlsx

            return load_xlsx(data, name=label, sheet=sheet, max_bytes=limit, origin="upload")
        return _with_origin(load_csv(data, name=label, max_bytes=limit), "upload")
    text = os.fspath(source)
    path = Path(text)
    if path.is_dir() or (is_glob(str(text)) and not path.exists()):
        _check_sheet("parquet", sheet, str(text))
        label = name or (path.name if path.is_dir() else str(text))
        return load_parquet(str(text), name=label, max_bytes=limit, origin=str(text))
    label = name or path.name
    kind = sniff_path(path, label)
    _check_suffix(kind, label)
    _check_sheet(kind, sheet, label)
    if kind == "parquet":
        return load_parquet(path, name=label, max_bytes=limit, origin=str(path))
    if kind == "xlsx":
        from .xlsx import load_xlsx

        return load_xlsx(path, name=label, sheet=sheet, max_bytes=limit, origin=str(path))
    return _with_origin(load_csv(path, name=label, max_bytes=limit), str(path))


def _with_origin(dataset, origin: str):
    from dataclasses import replace

    return replace(dataset, origin=origin)


def _check_suffix(kind: str, name: str) -> None:
    """A file named .parquet or .xlsx whose bytes are something else is damaged or misnamed: say so."""
    lower = name.lower()
    if kind == "csv" and lower.endswith(_PARQUET_SUFFIXES):
        raise CorruptFileError(f"'{name}' is named like a Parquet file but does not start with Parquet's 'PAR1' "
                               "marker; it is damaged or not Parquet. Write it again, or export the table as CSV.")
    if kind == "csv" and lower.endswith((".xlsx", ".xlsm")):
        raise CorruptFileError(f"'{name}' is named like an .xlsx workbook but is not one (no zip/Office Open XML "
                               "content). Open it in Excel or LibreOffice and save it as .xlsx, or export it as CSV.")


def _check_sheet(kind: str, sheet: str | None, name: str) -> None:
    if sheet is not None and kind != "xlsx":
        from ..errors import SheetError

        raise SheetError(f"--sheet applies to .xlsx workbooks; '{name}' is read as {kind.upper()}. Drop --sheet.")
