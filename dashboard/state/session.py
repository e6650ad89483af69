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
from analysis.io import Dataset
from dashboard.keys import ACTIVE, SAMPLE, TARGET_PREFIX, UPLOAD, UPLOAD_HASH

CACHE_TTL = 2 * 60 * 60


@dataclass(frozen=True)
class ActiveData:
    """What the sidebar resolved for this rerun; pages read it, never widgets."""

    dataset: Dataset | None
    schema: Schema | None
    target: str | None
    source: str  # "sample" or "upload"
    error: str | None = None
    #: the dataset as read, when ``dataset`` is a derived one (mixed-type tokens read as missing)
    original: Dataset | None = None


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def load_dataset(sha256: str, name: str, _data: bytes) -> Dataset:
    """Parse uploaded bytes once per distinct content (``_data`` is not hashed; ``sha256`` is the key)."""
    return load_csv(_data, name=name)


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
    "TARGET_PREFIX",
    "UPLOAD",
    "active",
    "get_schema",
    "load_dataset",
    "load_sample",
    "target_key",
    "upload_sha256",
]



#: The sidebar's inputs that must outlive a change of dataset: the target chosen for each
#: dataset (its widget is only drawn while that dataset is active).
APP_PERSIST: tuple[str, ...] = (TARGET_PREFIX,)


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
