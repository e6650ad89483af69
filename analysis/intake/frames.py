"""Tables handed to the Python API: the one coercion every entry point uses, and ``Dataset.from_frame``.

A notebook user passes a pandas DataFrame; someone who read a file with
:func:`analysis.load_table` passes the :class:`~analysis.io.Dataset`; an Arrow
table is converted with the same type rules as a Parquet file. :func:`as_frame`
turns each into the DataFrame the diagnostics compute on (never a copy of a
DataFrame: the diagnostics do not mutate their input) and refuses anything else
with a message that says what arrived.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import pandas as pd

from ..errors import TableTypeError

if TYPE_CHECKING:
    from ..io import Dataset

__all__ = ["as_frame", "frame_sha256", "from_frame", "takes_table"]

F = TypeVar("F", bound=Callable[..., Any])


def as_frame(data: Any, *, argument: str = "df") -> pd.DataFrame:
    """The pandas DataFrame behind ``data``: a DataFrame as is, a Dataset's frame, an Arrow table converted.

    Parameters
    ----------
    data : DataFrame, Dataset or pyarrow.Table
        The table a public function was given.
    argument : str
        The parameter's name, for the message.

    Raises
    ------
    TableTypeError
        For anything else (a list, a dict, a path, a Series, a frame with
        MultiIndex columns), naming what arrived.

    Examples
    --------
    >>> from analysis.io import load_csv
    >>> as_frame(load_csv(b"a,b\\n1,2\\n")).shape
    (1, 2)
    >>> as_frame([1, 2])
    Traceback (most recent call last):
    analysis.errors.TableTypeError: df must be a pandas DataFrame, a Dataset (analysis.load_table) or a pyarrow Table; got list.
    """
    from ..io import Dataset

    if isinstance(data, Dataset):
        return data.frame
    if isinstance(data, pd.DataFrame):
        frame = data
    elif type(data).__module__.startswith("pyarrow") and type(data).__name__ == "Table":
        from .parquet import arrow_to_pandas

        frame = arrow_to_pandas(data)
    else:
        what = type(data).__name__
        hint = " (read the file first: analysis.load_table(path))" if isinstance(data, (str, bytes)) or hasattr(
            data, "__fspath__") else ""
        if isinstance(data, pd.Series):
            hint = " (use series.to_frame())"
        raise TableTypeError(
            f"{argument} must be a pandas DataFrame, a Dataset (analysis.load_table) or a pyarrow Table; got {what}.{hint}"
        )
    if isinstance(frame.columns, pd.MultiIndex):
        raise TableTypeError(
            f"{argument} has {frame.columns.nlevels}-level column names; diagnostics pick columns by one name. "
            "Flatten them first, e.g. df.columns = ['_'.join(map(str, c)) for c in df.columns]."
        )
    return frame


def is_native_table(value: Any) -> bool:
    """A DuckDB relation or a Spark DataFrame (told by its type's module first: neither engine is imported to say no)."""
    if not type(value).__module__.startswith(("duckdb", "pyspark")):
        return False
    from ..engines import is_native_table as owned

    return owned(value)


def takes_table(*names: str, native: bool = False) -> Callable[[F], F]:
    """Decorate a public entry point so its table parameters go through :func:`as_frame`.

    ``names`` are the parameters that take a table, in positional order (the
    first, or the first two for ``shift``); they may be passed by position or
    by keyword. The function then accepts a DataFrame, a Dataset or an Arrow
    table alike, and refuses anything else with the same message everywhere.
    With ``native=True`` a DuckDB relation or a Spark DataFrame is passed on
    as it is (the function counts on that engine: :mod:`analysis.engines`).
    """

    def coerce(value: Any, name: str) -> Any:
        if native and is_native_table(value):
            return value
        return as_frame(value, argument=name)

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if args:
                head = [coerce(a, n) for a, n in zip(args[: len(names)], names, strict=False)]
                args = (*head, *args[len(head):])
            for n in names:
                if n in kwargs:
                    kwargs[n] = coerce(kwargs[n], n)
            return function(*args, **kwargs)

        wrapper.__wrapped_table_params__ = names  # type: ignore[attr-defined]  # the API test reads it
        return cast(F, wrapper)

    return decorate


def frame_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of a canonical serialisation of ``frame``: the same table always hashes the same.

    What goes in: the number of rows, each column's name and dtype, and each
    column's values through pandas' deterministic ``hash_pandas_object`` (a fixed
    key; missing values hash alike). What does not: the index (the diagnostics
    read rows by position), the memory layout (blocks, copies, C/F order).
    Changing any value, name, dtype or the column order changes the hash.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1, 2], "y": ["a", None]})
    >>> frame_sha256(df) == frame_sha256(df.copy().set_index(pd.Index([7, 9])))
    True
    >>> frame_sha256(df) == frame_sha256(df.astype({"x": "float64"}))
    False
    """
    digest = hashlib.sha256()
    header = {"rows": int(frame.shape[0]), "columns": [[str(c), str(frame.dtypes.iloc[i])]
                                                       for i, c in enumerate(frame.columns)]}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i].reset_index(drop=True)
        try:
            hashed = pd.util.hash_pandas_object(column, index=False).to_numpy(dtype=np.uint64)
        except TypeError:  # unhashable cells (lists, dicts): their text stands in
            hashed = pd.util.hash_pandas_object(column.map(repr), index=False).to_numpy(dtype=np.uint64)
        digest.update(hashed.astype("<u8").tobytes())
    return digest.hexdigest()


def from_frame(frame: pd.DataFrame, *, name: str = "dataframe", source: str = "") -> Dataset:
    """A :class:`~analysis.io.Dataset` around ``frame`` (see :meth:`Dataset.from_frame`)."""
    from ..io import Dataset

    frame = as_frame(frame, argument="frame")
    notes: list[str] = []
    names = [str(c) for c in frame.columns]
    if names != list(frame.columns) or len(set(names)) != len(names):
        # Diagnostics pick columns by (string) name: make them so, and say what changed.
        from ..io import clean_header

        frame = frame.copy(deep=False)
        clean_header(frame, names, notes)
    return Dataset(
        frame=frame,
        name=name,
        sha256=frame_sha256(frame),
        notes=tuple(notes),
        format="frame",
        origin=source or "a pandas DataFrame handed to the Python API",
    )
