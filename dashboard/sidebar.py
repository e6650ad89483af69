"""The sidebar every page shares: choose the dataset and the target, and show both."""

from __future__ import annotations

from typing import Any

import streamlit as st

import sample_data
from analysis import DiagnosticsError, suggest_target
from analysis.io import DEFAULT_MAX_BYTES, Dataset
from analysis.schema import Schema
from dashboard import keys
from dashboard.components import escape_md, section
from dashboard.state import features as features_state
from dashboard.state import session

_OTHER = "── other columns ──"


def render() -> session.ActiveData:
    """Draw the sidebar, resolve the active dataset and target, store them in session state.

    The sidebar is its own error boundary: if it fails, it shows an error card and
    the pages say that no dataset is loaded instead of showing a traceback.
    """
    with st.sidebar, section("the sidebar"):
        st.markdown("### :material/troubleshoot: dataset-diagnostics")
        st.caption("Is this training data fit to learn from?")
        st.subheader("Dataset")
        uploaded = st.file_uploader(
            "Upload a CSV",
            type=["csv", "tsv", "txt"],
            key=keys.UPLOAD,
            help=f"Up to {DEFAULT_MAX_BYTES // 1024**3} GB. Comma, semicolon, tab or pipe separated; "
            "UTF-8, UTF-8 with BOM, UTF-16 or Windows-1252.",
        )
        names = list(sample_data.SAMPLES)
        sample = st.selectbox(
            "…or explore a bundled sample",
            names,
            index=names.index(sample_data.DEFAULT_SAMPLE),
            key=keys.SAMPLE,
            format_func=lambda n: n,
            help="\n\n".join(f"**{k}**: {v}" for k, v in sample_data.SAMPLES.items()),
            disabled=uploaded is not None,
        )
        if uploaded is not None:
            st.caption("Remove the upload (× next to its name) to go back to a sample.")
        st.session_state.pop(keys.ACTIVE, None)  # a failure below leaves no stale dataset behind
        active = _resolve(uploaded, sample)
        st.session_state[keys.ACTIVE] = active
        _show_active(active)
    return session.active()


def _resolve(uploaded: Any, sample: str) -> session.ActiveData:
    source = "upload" if uploaded is not None else "sample"
    try:
        with st.spinner("Reading the file…"):
            if uploaded is not None:
                sha = session.upload_sha256(uploaded)
                dataset = session.load_dataset(sha, uploaded.name, uploaded.getvalue())
            else:
                dataset = session.load_sample(sample)
            schema = session.get_schema(dataset.sha256, dataset)
    except DiagnosticsError as exc:
        return session.ActiveData(None, None, None, source, str(exc))
    target = _target_picker(dataset, schema)
    effective = features_state.effective_dataset(dataset)  # the Features page's "read tokens as missing"
    if effective is not dataset:
        return session.ActiveData(effective, session.get_schema(effective.sha256, effective), target, source,
                                  original=dataset)
    return session.ActiveData(dataset, schema, target, source)


def _target_picker(dataset: Dataset, schema: Schema) -> str | None:
    candidates = list(schema.target_candidates)
    others = [c.name for c in schema.columns if c.name not in candidates]
    options = candidates + ([_OTHER] + others if others else [])
    preferred = sample_data.DEFAULT_TARGETS.get(dataset.name)
    default: str | None
    why: str | None = None
    try:
        default = preferred if preferred in candidates else suggest_target(schema)
        if default != preferred and schema.target_choice is not None:
            why = schema.target_choice.reason
    except DiagnosticsError as exc:
        default, why = None, str(exc)
    index = options.index(default) if default in options else None
    choice = st.selectbox(
        "Target column",
        options,
        index=index,
        key=session.target_key(dataset),
        placeholder="Choose a target",
        help="Label-like columns come first (named like a label, yes/no values, few text categories); "
        "counts and binned measurements come last. Any column can be picked.",
    )
    if choice in (None, _OTHER):
        if candidates:
            ranked = ", ".join(escape_md(c) for c in candidates[:5])
            st.warning(
                f"**Choose a target.** No column is clearly the label. Likely candidates, best first: {ranked}.",
                icon=":material/help:",
            )
        else:
            st.info(escape_md(why or "No column looks like a class label."), icon=":material/info:")
        return None
    if choice == default and why:
        st.caption(f"Chosen automatically: {escape_md(why)}")
    return choice


def _show_active(active: session.ActiveData) -> None:
    if active.dataset is None:
        st.error("The file could not be read: see the message on the page.", icon=":material/error:")
        return
    ds = active.dataset
    rows, cols = ds.frame.shape
    where = "uploaded" if active.source == "upload" else "bundled sample"
    target = escape_md(active.target) if active.target else "— none —"
    st.markdown(
        f"**Active:** {escape_md(ds.name)} ({where})  \n{rows:,} rows × {cols} columns  \n**Target:** {target}"
    )
    st.caption(f"SHA-256 {ds.sha256[:12]}…")


def require_dataset() -> session.ActiveData:
    """The active data for a page; without a readable dataset, say why and stop the page."""
    current = session.active()
    if current.dataset is None:
        st.error(escape_md(current.error or "No dataset is loaded."), icon=":material/error:")
        st.info("Upload another CSV in the sidebar, or remove the upload to return to a bundled sample.")
        st.stop()
    return current
