"""The server-path opener's guard: only files under the directory the operator allowed.

``dataset-diagnostics app --data-root DIR`` puts the resolved ``DIR`` into the
environment variable :data:`DATA_ROOT_ENV` (``DATASET_DIAGNOSTICS_DATA_ROOT``)
of the Streamlit process it starts; the dashboard's session code reads it with
:func:`data_root` and offers "Open a file on the server" only when it is set.
Every path a user types goes through :func:`resolve_under_root`: it is joined to
the root, resolved (``realpath``: every ``..`` and every symlink, at every level)
and refused unless the result is the root or inside it. A symlink inside the root
that points outside is therefore refused, and so is ``../x`` or an absolute path
elsewhere; nothing outside the root is opened, listed or stat-ed for the user.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import DataRootError

__all__ = ["DATA_ROOT_ENV", "data_root", "resolve_under_root"]

#: The environment variable that carries ``--data-root`` to the dashboard process.
DATA_ROOT_ENV = "DATASET_DIAGNOSTICS_DATA_ROOT"


def data_root(environ: dict[str, str] | None = None) -> Path | None:
    """The allowed directory from the environment (resolved), or None when the opener is off."""
    value = (environ if environ is not None else os.environ).get(DATA_ROOT_ENV, "").strip()
    if not value:
        return None
    root = Path(os.path.realpath(value))
    return root if root.is_dir() else None


def check_root(root: str | os.PathLike) -> Path:
    """``--data-root DIR`` resolved; a missing path or a file is refused."""
    resolved = Path(os.path.realpath(root))
    if not resolved.is_dir():
        raise DataRootError(f"--data-root '{root}' is not a directory on this machine. Pass an existing folder.")
    return resolved


def resolve_under_root(text: str, root: Path) -> Path:
    """The real path of ``text`` (relative to ``root``, or absolute) if it lies under ``root``; else refuse.

    Raises
    ------
    DataRootError
        When the resolved path is outside ``root`` (``..``, an absolute path
        elsewhere, a symlink pointing out), or when it does not exist.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> resolve_under_root("../etc/passwd", root)
    Traceback (most recent call last):
    analysis.errors.DataRootError: '../etc/passwd' is outside the data folder this server allows; only files under it can be opened.
    """
    cleaned = text.strip()
    if not cleaned:
        raise DataRootError("Type a path under the data folder, e.g. sales/2024.parquet.")
    if "\x00" in cleaned:
        raise DataRootError("The path holds a NUL character; type a plain file path.")
    base = Path(os.path.realpath(root))
    candidate = Path(os.path.realpath(base / os.path.expanduser(cleaned) if not os.path.isabs(cleaned) else cleaned))
    if candidate != base and base not in candidate.parents:
        raise DataRootError(f"'{cleaned[:200]}' is outside the data folder this server allows; only files under it "
                            "can be opened.")
    if not candidate.exists():
        raise DataRootError(f"There is no file or folder '{cleaned[:200]}' under the data folder.")
    return candidate


def open_under_root(text: str, root: Path, *, sheet: str | None = None, max_bytes: int | None = None):
    """Read the file or Parquet folder at ``text`` under ``root`` (see :func:`resolve_under_root`).

    Globs are not taken (a pattern could reach through a link); in a folder, every
    Parquet file is checked to lie under the root as well.
    """
    from . import load_table
    from .parquet import is_glob, parquet_files

    if is_glob(text) and not (Path(root) / text).exists():
        raise DataRootError("Patterns (*, ?, [ ]) are not taken here: type a file, or a folder of Parquet files.")
    path = resolve_under_root(text, root)
    if path.is_dir():
        for file in parquet_files(path)[1]:
            resolve_under_root(str(file), root)
    return load_table(path, name=path.name, sheet=sheet, max_bytes=max_bytes)
