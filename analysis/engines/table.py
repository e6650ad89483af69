"""One table, whichever engine holds it: a pandas frame, a DuckDB relation or a Spark DataFrame.

A :class:`Table` is what every engine diagnostic takes. Its ``lazy()`` is a narwhals
``LazyFrame`` (DuckDB and Spark stay lazy: nothing is read until a count is asked
for); ``pandas`` is the frame itself when the data is in memory. Every table carries
the 0-based position of each row in its source (column :data:`ROW`), so row numbers
the engines report (conflicting duplicates, the sample) are those pandas reports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ROW", "Table", "is_parquet_source", "parquet_files", "quote_ident"]

#: The column holding each row's 0-based position in its source (never a user column).
ROW = "__dd_row__"


@dataclass(frozen=True, eq=False)
class Table:
    """A table held by one engine (see the module docstring).

    ``dtypes`` are the pandas dtypes of a table built from a pandas frame: keys an engine
    returns (labels, group values) are cast back to them, so a label prints as pandas
    prints it. ``source`` says where the rows came from (a path, or "DataFrame").
    """

    engine: str
    native: Any
    name: str
    columns: tuple[str, ...]
    source: str
    dtypes: Mapping[str, Any] | None = None
    pandas: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    #: the pandas frame a DuckDB/Spark table was made from: the model-based passes read it instead of
    #: fetching the same rows back from the engine
    origin: pd.DataFrame | None = field(default=None, repr=False)
    #: user column name -> the engine's column name (Spark gets plain ``c0, c1, ...``: a dot or a
    #: backtick in a name would read as a struct field there); identity when empty.
    aliases: Mapping[str, str] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def lazy(self) -> Any:
        """The narwhals LazyFrame over the native table (including :data:`ROW`)."""
        import narwhals as nw

        if "lazy" not in self._cache:
            frame = nw.from_native(self.native)
            self._cache["lazy"] = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
        return self._cache["lazy"]

    @property
    def n_rows(self) -> int:
        if "n_rows" not in self._cache:
            held = self.pandas if self.pandas is not None else self.origin
            if held is not None:
                self._cache["n_rows"] = len(held)
            else:
                import narwhals as nw

                out = self.lazy().select(nw.len().alias("n")).collect().to_pandas()
                self._cache["n_rows"] = int(out["n"].iloc[0])
        return int(self._cache["n_rows"])

    def col(self, name: str) -> str:
        """The engine's name of the user column ``name``."""
        return self.aliases.get(name, name)

    def restore(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rename an engine's result to the user's column names and cast them back to the source's
        pandas dtypes (when known)."""
        if self.aliases:
            back = {v: k for k, v in self.aliases.items()}
            frame = frame.rename(columns=lambda c: back.get(c, c))
        if not self.dtypes:
            return frame
        out = frame.copy()
        for name in out.columns:
            dtype = self.dtypes.get(name)
            if dtype is None or out[name].dtype == dtype:
                continue
            column = out[name]
            if isinstance(column.dtype, pd.DatetimeTZDtype) and not isinstance(dtype, pd.DatetimeTZDtype):
                column = column.dt.tz_convert("UTC").dt.tz_localize(None)  # Spark's session clock is UTC
            if pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.api.types.CategoricalDtype):
                if column.isna().any() and isinstance(dtype, np.dtype):
                    continue  # a null key of a numpy int column cannot exist; keep what came back
            out[name] = column.astype(dtype)
        return out

    def collect(self, lazy: Any) -> pd.DataFrame:
        """Run a narwhals query on this table's engine and return it as pandas (source dtypes restored)."""
        frame = lazy.collect().to_pandas()
        return self.restore(frame)


def is_parquet_source(path: str | os.PathLike[str]) -> bool:
    """A ``.parquet``/``.pq`` file, a glob of them, or a directory holding them."""
    from ..errors import NoFilesError

    text = os.fspath(path)
    if any(ch in text for ch in "*?["):
        return text.lower().endswith((".parquet", ".pq")) or text.endswith(("*", "/"))
    p = Path(text)
    if p.is_dir():
        try:
            return bool(parquet_files(text))
        except NoFilesError:
            return False
    return p.suffix.lower() in (".parquet", ".pq")


def parquet_files(path: str | os.PathLike[str]) -> list[str]:
    """The Parquet files a path names (one file, a directory's files, or a glob), sorted, so that
    every engine numbers the rows in the same order: file by file, then row by row.

    The listing and its checks are the pandas reader's (:mod:`analysis.intake.parquet`): a glob
    that matches nothing, a folder without Parquet files, a damaged file and files of different
    schemas get the same messages on every engine. A single file that does not exist gives ``[]``.
    """
    from ..intake.parquet import check_schemas
    from ..intake.parquet import parquet_files as listing

    text = os.fspath(path)
    base, files = listing(text)
    if base is None and not files[0].exists():
        return []
    check_schemas(files, None if base is None else text)
    return [str(f) for f in files]


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier (double quotes doubled), for the engines' hand-written SQL."""
    return '"' + name.replace('"', '""') + '"'
