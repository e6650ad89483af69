"""Writing fixed datasets safely: CSV bytes, formula-injection protection, provenance, zips.

Every export of the project goes through :func:`to_csv_bytes`. Text cells that
start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can run as
formulas when the CSV is opened in a spreadsheet program (OWASP, "CSV
Injection"); pandas does not neutralize them. By default such cells get a
leading ``'`` (the OWASP recommendation), in text columns only: numbers such as
-3.5 are never touched.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata

import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "SafeCsv",
    "neutralize_formulas",
    "to_csv_bytes",
    "provenance",
    "zip_bytes",
]

#: First characters that make a spreadsheet cell a formula (OWASP CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SafeCsv:
    """CSV bytes and what protection changed (to state in the UI and the recipe)."""

    data: bytes
    protected_cells: int
    protected_columns: tuple[str, ...]


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series.dtype) or series.dtype == object


def neutralize_formulas(df: pd.DataFrame) -> tuple[pd.DataFrame, int, tuple[str, ...]]:
    """Prefix formula-like text cells with ``'``; return a copy, the cell count and the columns touched.

    Examples
    --------
    >>> out, n, cols = neutralize_formulas(pd.DataFrame({"t": ["=1+1", "ok"], "x": [-3.5, 2.0]}))
    >>> out["t"].tolist(), out["x"].tolist(), n, cols
    (["'=1+1", 'ok'], [-3.5, 2.0], 1, ('t',))
    """
    out = df.copy()
    total, touched = 0, []
    for column in out.columns:
        values = out[column]
        if not _is_text(values):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
        if values.dtype == object:
            # object columns can mix numbers and text: only real strings are formulas
            risky &= values.map(lambda v: isinstance(v, str)).astype(bool)
        n = int(risky.sum())
        if n:
            fixed = values.astype(object).copy()
            fixed[risky.to_numpy()] = "'" + text[risky].astype(str)
            out[column] = fixed.astype(values.dtype) if values.dtype != object else fixed
            total += n
            touched.append(str(column))
    return out, total, tuple(touched)


def to_csv_bytes(df: pd.DataFrame, *, protect_formulas: bool = True) -> SafeCsv:
    """UTF-8 CSV of ``df`` without the index, formula-protected unless asked not to be."""
    protected, n, cols = neutralize_formulas(df) if protect_formulas else (df, 0, ())
    buffer = io.StringIO()
    protected.to_csv(buffer, index=False, lineterminator="\n")
    return SafeCsv(buffer.getvalue().encode("utf-8"), n, cols)


def provenance(*, source_name: str, source_sha256: str, rows_in: int, rows_out: int, **settings) -> dict:
    """Where an export came from, for its recipe JSON."""
    try:
        version = metadata.version("dataset-diagnostics")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "unknown"
    return {
        "tool": "dataset-diagnostics",
        "tool_version": version,
        "created_utc": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "source": {"name": source_name, "sha256": source_sha256, "rows": rows_in},
        "output_rows": rows_out,
        "settings": settings,
    }


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip archive of ``{name: content}`` (deflated), for multi-file downloads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
