"""The exact stored values of a Parquet or .xlsx input, as text, for downloads.

A download of a CSV input writes each original cell as the text the user
uploaded (:meth:`analysis.io.Dataset.raw_text`). A Parquet or .xlsx input has
no text: what it stores is typed values. "Exactly" for them means each original
cell is written as the canonical text of its *stored* value, which reads back
to the identical value:

- integers with all their digits (``4611686018427387905``, not ``4.6e18``);
- floating-point numbers in Python's shortest round-trip form (``0.30000000000000004``;
  a whole number without ``.0``); decimals with their scale (``1.10``);
- dates ``YYYY-MM-DD``; timestamps ``YYYY-MM-DD HH:MM:SS[.ffffff]`` at their full
  stored precision (nanoseconds included), with their UTC offset when zoned;
- booleans ``True``/``False``; text exactly as stored (leading zeros, spaces);
- missing values as an empty cell. For .xlsx the stored value, not the display
  format (a cell shown as ``12%`` is written ``0.12``); a text cell ``NA`` stays ``NA``.

``tests/analysis/test_io_formats.py`` reads such downloads back with the
original Arrow schema and compares them value by value with the file.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

if TYPE_CHECKING:
    from ..io import Dataset

__all__ = ["raw_text", "value_text"]


def value_text(v: Any) -> str:
    """One stored Parquet value as exact text (see the module docstring)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "NaN"  # a stored NaN is a value (Arrow reads "NaN" back as NaN), unlike a null
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, pd.Timestamp):
        return v.isoformat(sep=" ")
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, (timedelta, pd.Timedelta)):
        return str(v)
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return v.hex()
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, default=str, ensure_ascii=False)
    return str(v)


def raw_text(dataset: Dataset) -> pd.DataFrame | None:
    """Every original cell of a Parquet or .xlsx dataset as exact text; None when it cannot line up."""
    if dataset.source is None:
        return None
    if dataset.format == "parquet":
        columns = _parquet_columns(dataset)
    elif dataset.format == "xlsx":
        columns = _xlsx_columns(dataset)
    else:
        return None
    width = dataset.frame.shape[1]
    if columns is None or len(columns) != width or any(len(c) != dataset.frame.shape[0] for c in columns):
        return None
    return pd.DataFrame({c: pd.array(col, dtype=object) for c, col in zip(dataset.frame.columns, columns, strict=True)})


def _parquet_columns(dataset: Dataset) -> list[list[str]] | None:
    from .parquet import _read_many, read_arrow

    source = dataset.source
    if dataset.files:
        assert isinstance(source, Path)
        table = _read_many(source, dataset.files, dataset.name)
    else:
        assert isinstance(source, (bytes, Path))
        table = read_arrow(source, name=dataset.name)
    out = []
    for i in range(table.num_columns):
        col = table.column(i)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        values = col.to_pylist()  # nanosecond timestamps come back as pandas Timestamps, at full precision
        out.append([value_text(v) for v in values])
    return out


def _xlsx_columns(dataset: Dataset) -> list[list[str]] | None:
    from .xlsx import cell_text, read_sheet

    source = dataset.source
    assert isinstance(source, (bytes, Path))
    _, header, rows = read_sheet(source, name=dataset.name, sheet=dataset.sheet)
    return [[cell_text(r[j]) for r in rows] for j in range(len(header))]
