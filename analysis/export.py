"""Writing downloads without changing a value: raw text, formats, formula protection, provenance, zips.

Every download of the project goes through :func:`to_csv_bytes`:

- **Original rows carry the text the user uploaded.** Given the source
  :class:`~analysis.io.Dataset` and, for each output row, the position of the
  original row it is (``-1`` for a synthetic row), a cell whose value is the
  original row's value is written as its raw text (:meth:`Dataset.raw_text`):
  ``02134`` stays ``02134``, ``1e5`` stays ``1e5``, an empty integer cell does
  not turn ``1`` into ``1.0``, a 20-digit identifier keeps its digits.
- **Other cells are written in their column's format**: synthetic rows and
  changed cells of an original column follow that column's text (integers as
  integers, zero-padded codes at their width, decimals with the column's
  decimals, dates in the column's date format, booleans with its words); added
  columns (weights, consensus, weak labels, ``is_synthetic``) and tables handed
  to the API as DataFrames are written losslessly (integers with missing values
  as integers, floats at ``repr`` precision).
- **Parquet and .xlsx inputs** have no text: their original cells are written as
  the exact text of the stored values (:mod:`analysis.intake.raw` defines it),
  and their other cells losslessly.
- **Formula protection.** Text cells that start with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return can run as formulas when the CSV is opened in a
  spreadsheet program (OWASP, "CSV Injection"). By default such cells get a
  leading ``'``; numbers (``-3.5``, ``-1``, ``+5``, ``1e-3``) are never touched.
  Column names in the header are protected the same way (and counted as cells).
  :class:`SafeCsv` says how many cells, in which columns, start like a formula
  and whether they were changed.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .intake.frames import takes_table

if TYPE_CHECKING:
    from .io import Dataset

__all__ = [
    "FORMULA_PREFIXES",
    "SafeCsv",
    "combine",
    "neutralize_formulas",
    "to_csv_bytes",
    "provenance",
    "zip_bytes",
]

#: First characters that make a spreadsheet cell a formula (OWASP CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# A number as a spreadsheet reads it (never a formula, never prefixed): -3.5, +5, 1e-3, -1,5.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_PLAIN_INT = re.compile(r"[+-]?\d+")
_PLAIN_DECIMAL = re.compile(r"[+-]?\d*[.,](\d+)")
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y/%m/%d",
    "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M",
)
_MAX_EXACT_INT = 2**53


@dataclass(frozen=True)
class SafeCsv:
    """CSV bytes and what formula protection found and changed (to state in the UI and the recipe).

    ``formula_cells``/``formula_columns`` count the cells that start like a
    formula whether or not they were prefixed; ``protected_*`` the ones that were.
    ``raw_text`` is True when original rows were written from the uploaded text.
    """

    data: bytes
    protected_cells: int
    protected_columns: tuple[str, ...]
    formula_cells: int = 0
    formula_columns: tuple[str, ...] = ()
    raw_text: bool = False

    @property
    def protected(self) -> bool:
        return self.protected_cells > 0 or (self.formula_cells == 0 and self.protected_cells == 0)


def combine(data: bytes, parts: list[SafeCsv] | tuple[SafeCsv, ...]) -> SafeCsv:
    """One :class:`SafeCsv` for a download made of several CSVs (a zip): ``data``, counts summed."""

    def union(names: list[tuple[str, ...]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for cols in names for c in cols))

    return SafeCsv(
        data,
        sum(p.protected_cells for p in parts),
        union([p.protected_columns for p in parts]),
        sum(p.formula_cells for p in parts),
        union([p.formula_columns for p in parts]),
        all(p.raw_text for p in parts) if parts else False,
    )


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


# --- formatting values -----------------------------------------------------------------
def _scalar_text(v: Any) -> str:
    """One value as lossless text (NA -> "")."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return "" if v != v else repr(float(v))
    if isinstance(v, pd.Timestamp):
        return str(v) if (v.hour or v.minute or v.second or v.microsecond or v.nanosecond) else v.strftime("%Y-%m-%d")
    if isinstance(v, (datetime, date)):
        return v.isoformat(sep=" ") if isinstance(v, datetime) else v.isoformat()
    return str(v)


def _lossless(series: pd.Series) -> np.ndarray:
    """A column as lossless text: integers with missing values as integers, floats at repr precision."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _lossless(series.astype(object))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return series.astype(str).where(series.notna(), "").to_numpy(dtype=object)
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        present = values[~np.isnan(values)]
        whole = (
            len(present) < len(values) and len(present) > 0 and bool(np.all(present == np.round(present)))
            and bool(np.all(np.abs(present) < _MAX_EXACT_INT))
        )
        if whole:  # an integer column that gained missing values: 1, not 1.0
            return np.array(["" if x != x else str(int(x)) for x in values], dtype=object)
        return np.array(["" if x != x else repr(float(x)) for x in values], dtype=object)
    return np.array([_scalar_text(v) for v in series.astype(object).to_numpy()], dtype=object)


@dataclass(frozen=True)
class _ColumnFormat:
    """How an original column writes its values, read from its uploaded text."""

    kind: str  # "int", "decimal", "date", "bool", "lossless"
    width: int = 0  # zero-padded integer codes (02134)
    decimals: int = 0
    min_decimals: int = 0  # written in shortest form (2.5, 2.25): trailing zeros go down to this
    decimal_comma: bool = False
    date_format: str = ""
    words: tuple[str, str] = ("True", "False")

    def write(self, values: pd.Series) -> np.ndarray:
        objs = values.astype(object).to_numpy()
        out = np.empty(len(objs), dtype=object)
        for i, v in enumerate(objs):
            out[i] = "" if _isna(v) else self._one(v)
        return out

    def _one(self, v: Any) -> str:
        try:
            if self.kind == "int" and not isinstance(v, str):
                n = int(round(float(v)))
                return f"{n:0{self.width}d}" if self.width and n >= 0 else str(n)
            if self.kind == "decimal" and not isinstance(v, str):
                text = f"{round(float(v), self.decimals) + 0.0:.{self.decimals}f}"  # + 0.0: never "-0.0"
                if self.min_decimals < self.decimals:
                    whole, _, frac = text.partition(".")
                    frac = frac.rstrip("0").ljust(self.min_decimals, "0")
                    text = f"{whole}.{frac}" if frac else whole
                return text.replace(".", ",") if self.decimal_comma else text
            if self.kind == "date":
                stamp = pd.Timestamp(v)
                return stamp.strftime(self.date_format)
            if self.kind == "bool" and isinstance(v, (bool, np.bool_)):
                return self.words[0] if v else self.words[1]
        except (TypeError, ValueError, OverflowError):
            pass
        return _scalar_text(v)


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _column_format(parsed: pd.Series, raw: pd.Series | None, delimiter: str) -> _ColumnFormat:
    """The format of an original column: its dtype, and its uploaded text when there is one."""
    dtype = parsed.dtype
    if raw is None:
        return _ColumnFormat("lossless")
    present = parsed.notna().to_numpy()
    texts = pd.Series(raw.to_numpy()[present][:5000], dtype=object).astype(str).str.strip()
    texts = texts[texts != ""]
    if texts.empty:
        return _ColumnFormat("lossless")
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if numeric and texts.str.fullmatch(_PLAIN_INT.pattern).all():
        digits = texts.str.lstrip("+-")
        padded = digits.str.len().gt(1) & digits.str.startswith("0")
        widths = digits.str.len()
        width = int(widths.iloc[0]) if padded.any() and widths.nunique() == 1 else 0
        return _ColumnFormat("int", width=width)
    if numeric:
        decimals = texts.str.fullmatch(_PLAIN_DECIMAL.pattern) | texts.str.fullmatch(_PLAIN_INT.pattern)
        if decimals.all():
            places = texts.str.extract(_PLAIN_DECIMAL.pattern)[0].fillna("").str.len()
            comma = delimiter != "," and texts.str.contains(",", regex=False).any()
            # Fixed decimals (11.96, 502.80) are kept; a column in shortest form (2.5, 2.25) stays in it.
            fixed = places.nunique() == 1
            top = int(places.max()) if len(places) else 0
            return _ColumnFormat("decimal", decimals=top, min_decimals=top if fixed else min(1, int(places.min())),
                                 decimal_comma=bool(comma))
        return _ColumnFormat("lossless")
    if pd.api.types.is_bool_dtype(dtype) or str(dtype) == "boolean":
        values = parsed.to_numpy()[present][:5000]
        true_words = texts[values[: len(texts)] == True].unique()  # noqa: E712 - numpy bools
        false_words = texts[values[: len(texts)] == False].unique()  # noqa: E712
        return _ColumnFormat("bool", words=(str(true_words[0]) if len(true_words) else "True",
                                            str(false_words[0]) if len(false_words) else "False"))
    sample = parsed.dropna().iloc[:50]
    is_date = pd.api.types.is_datetime64_any_dtype(dtype) or (
        len(sample) > 0 and all(isinstance(v, (date, pd.Timestamp)) for v in sample)
    )
    if is_date or _looks_dated(texts):
        probe = texts.iloc[:200].tolist()
        for fmt in _DATE_FORMATS:
            try:
                if all(datetime.strptime(t, fmt).strftime(fmt) == t for t in probe):
                    return _ColumnFormat("date", date_format=fmt)
            except ValueError:
                continue
    return _ColumnFormat("lossless")


def _looks_dated(texts: pd.Series) -> bool:
    return bool(texts.iloc[:50].str.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T][\d:]+)?").all())


def _same(new: pd.Series, old: pd.Series) -> np.ndarray:
    """Cell by cell: does the output hold the original value (missing equals missing)?

    Two columns of one numpy number, boolean or date dtype, or one string dtype, are compared as
    arrays (what comparing their cells as Python objects gives, without making an object per cell:
    a date column's Timestamps took most of a fix download's time); any other pair cell by cell.
    """
    if new.dtype == old.dtype and _native_equality(new.dtype):
        na_a, na_b = new.isna().to_numpy(), old.isna().to_numpy()
        eq = new.array == old.array
        eq = np.asarray(eq.fillna(False) if hasattr(eq, "fillna") else eq, dtype=bool)
        return (na_a & na_b) | (eq & ~na_a & ~na_b)
    a = new.astype(object).to_numpy()
    b = old.astype(object).to_numpy()
    na_a, na_b = pd.isna(a), pd.isna(b)
    same = np.array(na_a & na_b, dtype=bool)
    both = np.flatnonzero(~na_a & ~na_b)
    if len(both):
        try:
            eq = np.asarray(a[both] == b[both], dtype=bool)
        except (TypeError, ValueError):
            eq = np.fromiter((bool(x == y) for x, y in zip(a[both], b[both], strict=True)), dtype=bool, count=len(both))
        same[both] = eq
    return same


def _native_equality(dtype: Any) -> bool:
    """Whether cells of ``dtype`` compare as arrays exactly as they compare as Python objects."""
    if isinstance(dtype, pd.StringDtype):
        return True
    return isinstance(dtype, np.dtype) and dtype.kind in "biufmM"


# --- writing ---------------------------------------------------------------------------
def _none_match(text: np.ndarray, pattern: str) -> bool:
    """Whether ``pattern`` is sure to match in no cell: one search over the cells joined by NUL.

    A cell at its start is at the text's start or after a NUL. False (check cell by cell) when a
    cell is not text or the joined text matches, which a NUL inside a cell can cause: never
    a wrong "no". Most columns hold no cell to quote or protect, and this is about 30 times
    quicker than pandas' per-cell string methods on them.
    """
    try:
        joined = "\x00".join(text.tolist())
    except TypeError:
        return False
    return re.search(pattern, joined) is None


def _quote(text: np.ndarray, delimiter: str, *, lone: bool) -> np.ndarray:
    """Minimal CSV quoting: a field holding the delimiter, a quote, CR or LF is quoted (CR too, unlike csv's)."""
    pattern = f"[{re.escape(delimiter)}\"\r\n]"
    if not lone and _none_match(text, pattern):
        return text
    s = pd.Series(text, dtype=object)
    special = np.array(s.str.contains(pattern, regex=True).fillna(False), dtype=bool)
    if lone:  # a one-column row holding an empty field would read as a blank line
        special |= s.eq("").to_numpy(dtype=bool)
    if special.any():
        text = text.copy()
        text[special] = ('"' + s[special].str.replace('"', '""', regex=False) + '"').to_numpy(dtype=object)
    return text


#: A cell starting with a formula prefix, in text joined by NUL (every prefix is one character).
_FORMULA_START = "(?:^|\x00)[" + re.escape("".join(FORMULA_PREFIXES)) + "]"


def _formula_like(text: np.ndarray) -> np.ndarray:
    if _none_match(text, _FORMULA_START):
        return np.zeros(len(text), dtype=bool)
    s = pd.Series(text, dtype=object)
    starts = np.array(s.str.startswith(FORMULA_PREFIXES).fillna(False), dtype=bool)
    if starts.any():
        starts[starts] = ~s[starts].str.fullmatch(_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)
    return starts


@takes_table("df")
def to_csv_bytes(
    df: pd.DataFrame,
    *,
    protect_formulas: bool = True,
    source: Dataset | None = None,
    rows: np.ndarray | list[int] | None = None,
    like: Mapping[str, str] | None = None,
) -> SafeCsv:
    """UTF-8 CSV of ``df`` (no index) that changes no value; formula-protected unless asked not to be.

    Parameters
    ----------
    df : DataFrame
        The table to write: original columns, then any added ones.
    protect_formulas : bool
        Prefix text cells that a spreadsheet would run as a formula with ``'``.
    source : Dataset, optional
        The uploaded table ``df`` was made from. Its raw text is written for
        every cell of an original row that still holds the original value, in
        the source's delimiter. Without it, values are written losslessly.
    rows : array of int, optional
        For each row of ``df``, the position of the source row it is, or ``-1``
        for a row that is not an original row (synthetic). Defaults to the
        source's rows in order (``df`` must then have as many rows).
    like : mapping, optional
        Added column -> source column whose format (and raw text, where the
        value is the row's original value) it follows, e.g. ``{"y_corrected": "y"}``.

    Examples
    --------
    >>> from analysis.io import load_csv
    >>> ds = load_csv(b"zip,n,t\\n02134,1,=A1\\n10001,,ok\\n")
    >>> out = to_csv_bytes(ds.frame.assign(w=[0.5, 2.0]), source=ds)
    >>> out.data.decode().splitlines(), out.protected_cells
    (['zip,n,t,w', "02134,1,'=A1,0.5", '10001,,ok,2.0'], 1)
    """
    raw = source.raw_text() if source is not None else None
    n = len(df)
    if source is not None:
        if rows is None:
            if n != len(source.frame):
                raise ValueError(f"The table has {n:,} rows and the source {len(source.frame):,}: pass rows=.")
            positions = np.arange(n)
        else:
            positions = np.asarray(rows, dtype=np.int64)
            if len(positions) != n:
                raise ValueError(f"rows= has {len(positions):,} entries for {n:,} rows.")
    delimiter = source.delimiter if (source is not None and raw is not None) else ","
    like = dict(like or {})
    columns: list[np.ndarray] = []
    risky_total, risky_cols, protected_cols = 0, [], []
    for j, name in enumerate(df.columns):
        values = df.iloc[:, j]
        origin = like.get(str(name), name)
        if source is not None and origin in source.frame.columns:
            parsed = source.frame[origin]
            raw_col = raw[origin] if raw is not None else None
            original = positions >= 0
            take = np.where(original, positions, 0)
            same = original & _same(values.reset_index(drop=True), parsed.iloc[take].reset_index(drop=True))
            text = np.empty(n, dtype=object)
            if raw_col is not None:
                text[same] = raw_col.to_numpy()[take[same]]
            else:
                text[same] = _lossless(parsed.iloc[take[same]])
            rest = ~same
            if rest.any():
                # Only new or changed cells follow the column's format, so it is read only when there are some.
                # A Parquet/xlsx input's text is canonical, not a format to follow: its new cells are written losslessly.
                fmt = _column_format(parsed, raw_col if source.format in ("csv", "frame") else None, delimiter)
                text[rest] = fmt.write(values[rest]) if fmt.kind != "lossless" else _lossless(values[rest])
        else:
            text = _lossless(values)
        risky = _formula_like(text)
        k = int(risky.sum())
        if k:
            risky_total += k
            risky_cols.append(str(name))
            if protect_formulas:
                text = text.copy()
                text[risky] = "'" + pd.Series(text[risky], dtype=object)
                protected_cols.append(str(name))
        columns.append(_quote(text, delimiter, lone=df.shape[1] == 1))
    # Column names are cells too: a header "=HDR()" runs in a spreadsheet like any cell does.
    names = np.array([str(c) for c in df.columns], dtype=object)
    risky_names = _formula_like(names) if len(names) else np.zeros(0, dtype=bool)
    for j in np.flatnonzero(risky_names).tolist():
        risky_total += 1
        if str(names[j]) not in risky_cols:
            risky_cols.append(str(names[j]))
        if protect_formulas:
            if str(names[j]) not in protected_cols:
                protected_cols.append(str(names[j]))
            names[j] = "'" + names[j]
    header = _quote(names, delimiter, lone=df.shape[1] == 1)
    lines = [delimiter.join(header.tolist())]
    if n and columns:
        joined = columns[0]
        for col in columns[1:]:
            joined = joined + delimiter + col
        lines.extend(joined.tolist())
    elif n:
        lines.extend([""] * n)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return SafeCsv(
        data,
        risky_total if protect_formulas else 0,
        tuple(protected_cols),
        risky_total,
        tuple(risky_cols),
        raw is not None,
    )


def provenance(*, source_name: str, source_sha256: str, rows_in: int, rows_out: int, steps: tuple = (),
               **settings) -> dict:
    """Where an export came from, for its recipe JSON.

    ``source_sha256`` is the file's own hash (what ``verify --input`` checks); ``steps``
    (objects with ``to_dict()``, e.g. tokens read as missing) are what was done to the
    table after reading it, recorded under ``steps`` so the recipe reproduces it.
    """
    try:
        version = metadata.version("dataset-diagnostics")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "unknown"
    record = {
        "tool": "dataset-diagnostics",
        "tool_version": version,
        "created_utc": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "source": {"name": source_name, "sha256": source_sha256, "rows": rows_in},
        "output_rows": rows_out,
        "settings": settings,
    }
    if steps:  # only then: recipes without steps keep their exact keys
        record["steps"] = [step.to_dict() for step in steps]
    return record


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip archive of ``{name: content}`` (deflated), for multi-file downloads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
