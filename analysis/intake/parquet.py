"""Parquet into a :class:`~analysis.io.Dataset`: one file, a directory of files, or a glob.

pyarrow reads the files; :func:`arrow_to_pandas` keeps their types (an integer
column with nulls becomes a nullable ``Int64`` column, not floats; a boolean with
nulls ``boolean``; dates and timestamps ``datetime64``; dictionary columns
``category``; decimals ``float64``, whose exact stored values the downloads still
write, see :mod:`analysis.intake.raw`).

The SHA-256 of one file is the SHA-256 of its bytes (what ``verify --input``
checks). For several files it is the SHA-256 of the lines ``<relative path>
<size> <sha256>`` of every file in reading order, so renaming, adding or
changing any file changes it.
"""

from __future__ import annotations

import glob as globlib
import hashlib
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import CorruptFileError, HeaderOnlyError, MixedSchemaError, NoFilesError

__all__ = ["arrow_to_pandas", "check_schemas", "is_glob", "load_parquet", "parquet_files", "read_arrow"]

_CHUNK = 16 * 1024 * 1024


def is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def parquet_files(source: str | Path) -> tuple[Path | None, tuple[Path, ...]]:
    """``(base folder, files)`` of a directory or glob; ``(None, (path,))`` for one file.

    A directory gives every ``*.parquet`` file under it (Spark's and Hive's
    ``key=value`` folders included), skipping hidden and ``_``-prefixed
    files (``_SUCCESS``, ``.crc``). A glob gives the files it matches (``**``
    crosses folders).
    """
    text = str(source)
    if is_glob(text) and not Path(text).exists():
        matches = sorted(Path(p) for p in globlib.glob(text, recursive=True) if Path(p).is_file())
        if not matches:
            raise NoFilesError(f"No file matches '{text}'. Check the pattern (quote it so the shell does not expand "
                               "it), e.g. 'data/*.parquet' or 'data/**/*.parquet'.")
        not_parquet = [p for p in matches if not _starts_par1(p)]
        if not_parquet:
            raise NoFilesError(f"'{text}' matches {len(matches)} files, and '{not_parquet[0].name}' is not a Parquet "
                               "file; a glob is read as one Parquet dataset. Narrow the pattern, e.g. '*.parquet'.")
        prefix = text[: min(text.index(ch) for ch in "*?[" if ch in text)]
        base = Path(prefix) if prefix.endswith(("/", os.sep)) else Path(prefix).parent
        return base, tuple(matches)
    path = Path(text)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.parquet") if p.is_file() and not any(
            part.startswith((".", "_")) for part in p.relative_to(path).parts))
        if not files:
            raise NoFilesError(f"The folder '{path.name}' holds no .parquet file. Point at a Parquet file, a folder "
                               "of .parquet files, or a CSV or .xlsx file.")
        return path, tuple(files)
    return None, (path,)


def _starts_par1(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PAR1"


def read_arrow(source: bytes | Path, *, name: str) -> pa.Table:
    """One Parquet file (bytes or a path) as an Arrow table; a damaged file raises :class:`CorruptFileError`."""
    try:
        return pq.read_table(pa.py_buffer(source) if isinstance(source, bytes) else source)
    except (pa.ArrowException, OSError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise CorruptFileError(
            f"'{name}' cannot be read as Parquet ({reason}). The file may be truncated or damaged: "
            "write it again, or export the table as CSV."
        ) from exc


def check_schemas(files: tuple[Path, ...], label: str | None = None) -> None:
    """Each file's footer reads and all share one schema (``label``: the folder or glob; None for one file).

    Only the footers are read: the DuckDB and Spark engines call this before their
    own reader, so a damaged file or mixed schemas get the pandas reader's message.
    """
    schemas = []
    for path in files:
        try:
            schemas.append(pq.read_schema(path).remove_metadata())
        except (pa.ArrowException, OSError) as exc:
            where = f" in '{label}'" if label is not None else ""
            raise CorruptFileError(
                f"'{path.name}'{where} cannot be read as Parquet ({' '.join(str(exc).split())[:160]}). The file may "
                "be truncated or damaged: write it again, or export the table as CSV.") from exc
    if not schemas:
        return
    first = schemas[0]
    for path, schema in zip(files[1:], schemas[1:], strict=True):
        if not schema.equals(first):
            a, b = {f.name: str(f.type) for f in first}, {f.name: str(f.type) for f in schema}
            diff = sorted(set(a) ^ set(b)) or sorted(k for k in a if a[k] != b.get(k))
            detail = ", ".join(f"'{c}' ({a.get(c, 'absent')} vs {b.get(c, 'absent')})" for c in diff[:5])
            raise MixedSchemaError(
                f"The Parquet files of '{label}' do not share one schema: '{files[0].name}' and '{path.name}' differ "
                f"in {detail}. Read the files with one schema separately, or rewrite them with a common one."
            )


def _read_many(base: Path, files: tuple[Path, ...], label: str) -> pa.Table:
    """Every file of a directory or glob as one table, after checking they share one schema."""
    check_schemas(files, label)
    import pyarrow.dataset as pads

    try:
        dataset = pads.dataset([str(p) for p in files], format="parquet", partitioning="hive",
                               partition_base_dir=str(base))
        return dataset.to_table()
    except (pa.ArrowException, OSError) as exc:
        raise CorruptFileError(f"'{label}' cannot be read as one Parquet dataset "
                               f"({' '.join(str(exc).split())[:200]}).") from exc


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow -> pandas keeping the types a person expects (see the module docstring)."""
    columns: dict[Any, Any] = {}
    for i, field in enumerate(table.schema):
        col = table.column(i)
        kind = field.type
        if pa.types.is_dictionary(kind):
            columns[i] = col.to_pandas()
        elif (pa.types.is_integer(kind) or pa.types.is_boolean(kind)) and col.null_count:
            dtype = "boolean" if pa.types.is_boolean(kind) else f"{'U' if pa.types.is_unsigned_integer(kind) else ''}Int{kind.bit_width}"
            columns[i] = pd.array(col.to_pylist(), dtype=dtype)
        elif pa.types.is_date(kind):
            columns[i] = col.to_pandas(date_as_object=False)
        elif pa.types.is_decimal(kind):
            columns[i] = col.cast(pa.float64()).to_pandas()
        elif pa.types.is_null(kind):
            columns[i] = pd.Series([float("nan")] * len(col))
        else:
            columns[i] = col.to_pandas()
    frame = pd.DataFrame({i: pd.Series(v).reset_index(drop=True) for i, v in columns.items()})
    frame.columns = list(table.schema.names)
    return frame


def file_sha256(path: Path) -> tuple[str, int]:
    digest, n = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            n += len(chunk)
    return digest.hexdigest(), n


def load_parquet(source: bytes | str | Path, *, name: str, max_bytes: int, origin: str = ""):
    """Read Parquet (bytes of one file, a file, a folder or a glob) into a :class:`~analysis.io.Dataset`."""
    from ..io import Dataset, check_size, clean_header

    notes: list[str] = []
    files: tuple[Path, ...] = ()
    kept: bytes | Path
    if isinstance(source, bytes):
        check_size(len(source), max_bytes, name)
        table = read_arrow(source, name=name)
        sha, n_bytes, kept = hashlib.sha256(source).hexdigest(), len(source), source
    else:
        base, paths = parquet_files(source)
        sizes = [p.stat().st_size for p in paths]
        check_size(sum(sizes), max_bytes, name)
        if base is None:
            table = read_arrow(paths[0], name=name)
            sha, n_bytes = file_sha256(paths[0])
            kept = paths[0]
        else:
            table = _read_many(base, paths, name)
            lines = []
            for path in paths:
                digest, size = file_sha256(path)
                lines.append(f"{path.relative_to(base).as_posix()} {size} {digest}\n")
            sha = hashlib.sha256("".join(lines).encode()).hexdigest()
            n_bytes, files, kept = sum(sizes), paths, base
            notes.append(f"Read {len(paths)} Parquet files as one table.")
    decimals = [f"'{f.name}'" for f in table.schema if pa.types.is_decimal(f.type)]
    if decimals:
        notes.append(f"Decimal columns {', '.join(decimals)} are analysed as floating-point numbers; "
                     "downloads write their exact stored values.")
    frame = arrow_to_pandas(table)
    renamed = clean_header(frame, [str(c) for c in frame.columns], notes)
    if frame.shape[0] == 0:
        raise HeaderOnlyError(f"'{name}' has {frame.shape[1]} columns but no rows. Use a file with at least one row.")
    return Dataset(frame=frame, name=name, sha256=sha, notes=tuple(notes), n_bytes=n_bytes, renamed_columns=renamed,
                   source=kept, format="parquet", origin=origin or name, files=files)
