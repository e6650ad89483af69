"""The active dataset, shared by every page, and the cache bounds every state module uses.

Caches are keyed on the SHA-256 of the file's bytes (never on a DataFrame,
which Streamlit hashes from a sample of rows), and bounded so uploads do not
grow memory forever. Parsed datasets live in ``st.cache_resource``: the same
object is handed to every rerun instead of being unpickled each time (a
million-row frame would take seconds); the analysis layer never mutates it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

import sample_data
from analysis import (
    DiagnosticsError,
    Schema,
    infer_schema,
    load_csv,
)
from analysis.intake import data_root, load_table, xlsx_sheets
from analysis.intake.paths import open_under_root
from analysis.io import Dataset
from dashboard.keys import ACTIVE, SAMPLE, SERVER_PATH, SHEET_PREFIX, TARGET_PREFIX, UPLOAD, UPLOAD_HASH

CACHE_TTL = 2 * 60 * 60


@dataclass(frozen=True)
class ActiveData:
    """What the sidebar resolved for this rerun; pages read it, never widgets."""

    dataset: Dataset | None
    schema: Schema | None
    target: str | None
    source: str  # "sample", "upload" or "server" (a path under --data-root)
    error: str | None = None
    #: the dataset as read, when ``dataset`` is a derived one (mixed-type tokens read as missing)
    original: Dataset | None = None


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def load_dataset(sha256: str, name: str, _data: bytes, sheet: str | None = None) -> Dataset:
    """Parse uploaded bytes (CSV, Parquet or .xlsx) once per distinct content and sheet (``sha256`` is the key)."""
    return load_table(_data, name=name, sheet=sheet)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def workbook_sheets(sha256: str, name: str, _data: bytes) -> list[str]:
    """The worksheets of an uploaded .xlsx (empty for any other file), for the sheet picker."""
    if not _data.startswith(b"PK\x03\x04"):
        return []
    from analysis.intake.formats import sniff_bytes

    return xlsx_sheets(_data, name=name) if sniff_bytes(_data, name) == "xlsx" else []


def server_root():
    """The folder ``dataset-diagnostics app --data-root DIR`` allows, or None: the opener is off.

    The ``app`` command passes it in the environment variable DATASET_DIAGNOSTICS_DATA_ROOT
    (``analysis.intake.DATA_ROOT_ENV``) of the Streamlit process; it is read on every rerun.
    """
    return data_root()


@st.cache_resource(max_entries=2, ttl=CACHE_TTL, show_spinner=False)
def _open_server(path: str, mtime_ns: int, size: int, root: str, sheet: str | None) -> Dataset:
    from pathlib import Path

    return open_under_root(path, Path(root), sheet=sheet)


def load_server_path(text: str, sheet: str | None = None) -> Dataset:
    """Open a path typed by the user, only under the server's data root (refused otherwise, symlinks included).

    Cached by the resolved path, its modification time and size, so a changed file is read again.
    """
    from analysis.intake import resolve_under_root

    root = server_root()
    if root is None:
        raise DiagnosticsError("Opening files on the server is off; start the app with --data-root DIR to allow it.")
    path = resolve_under_root(text, root)
    stat = path.stat()
    return _open_server(str(path), stat.st_mtime_ns, stat.st_size, str(root), sheet)


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def load_sample(name: str) -> Dataset:
    return load_csv(sample_data.sample_path(name), name=name)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def get_schema(sha256: str, _dataset: Dataset) -> Schema:
    return infer_schema(_dataset.frame)


def upload_sha256(uploaded) -> str:
    """SHA-256 of an upload, computed once per upload (Streamlit's file_id) and kept in session state."""
    cached = st.session_state.get(UPLOAD_HASH)
    if cached and cached[0] == uploaded.file_id:
        return cached[1]
    digest = hashlib.sha256(uploaded.getbuffer()).hexdigest()
    st.session_state[UPLOAD_HASH] = (uploaded.file_id, digest)
    return digest


def target_key(dataset: Dataset) -> str:
    return TARGET_PREFIX + dataset.sha256[:16]


def active() -> ActiveData:
    """The active dataset, schema and target (set by the sidebar on every rerun)."""
    return st.session_state.get(ACTIVE) or ActiveData(None, None, None, "sample", "No dataset is loaded.")


__all__ = [
    "ACTIVE",
    "APP_PERSIST",
    "ActiveData",
    "keep_inputs",
    "DiagnosticsError",
    "SAMPLE",
    "SERVER_PATH",
    "SHEET_PREFIX",
    "TARGET_PREFIX",
    "UPLOAD",
    "active",
    "get_schema",
    "load_dataset",
    "load_sample",
    "load_server_path",
    "server_root",
    "workbook_sheets",
    "target_key",
    "upload_sha256",
]



#: The sidebar's inputs that must outlive a change of dataset: the target chosen for each
#: dataset (its widget is only drawn while that dataset is active).
APP_PERSIST: tuple[str, ...] = (TARGET_PREFIX, SHEET_PREFIX, SERVER_PATH)


def keep_inputs(persistent: tuple[str, ...]) -> None:
    """Keep what the user set on other pages when they change page.

    Streamlit forgets a widget's value when the page holding it is not
    rendered. Writing each kept key's value back into session state at the
    start of every run (Streamlit's documented workaround) keeps it alive.
    ``persistent`` holds keys or key prefixes (keys carry a dataset suffix);
    each page's state module lists its own in ``PERSIST``: only value widgets
    (selectbox, radio, multiselect, number and text inputs, checkboxes), never
    buttons, uploaders, forms or data editors, whose values cannot be set.
    """
    kept = (*APP_PERSIST, *persistent)
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(kept):
            st.session_state[key] = st.session_state[key]
