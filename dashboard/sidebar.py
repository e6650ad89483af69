"""The sidebar every page shares: choose the dataset and the target, and show both."""

from __future__ import annotations

from typing import Any

import streamlit as st

import sample_data
from analysis import DiagnosticsError, suggest_target
from analysis.intake import SUFFIXES
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
            "Upload a CSV, Parquet or Excel file",
            type=list(SUFFIXES),
            key=keys.UPLOAD,
            help=f"Up to {DEFAULT_MAX_BYTES // 1024**3} GB. CSV: comma, semicolon, tab or pipe separated; "
            "UTF-8, UTF-8 with BOM, UTF-16 or Windows-1252. Parquet: one file. Excel: .xlsx (pick the sheet "
            "below when there are several).",
        )
        root = session.server_root()
        server_path = None
        if root is not None:
            server_path = st.text_input(
                "…or open a file on the server",
                key=keys.SERVER_PATH,
                placeholder="e.g. sales/2024.parquet",
                help=f"A CSV, Parquet or .xlsx file, or a folder of Parquet files, under the data folder "
                f"'{escape_md(root.name)}' (set by --data-root). Paths outside it are refused.",
                disabled=uploaded is not None,
            ).strip() or None
        names = list(sample_data.SAMPLES)
        sample = st.selectbox(
            "…or explore a bundled sample",
            names,
            index=names.index(sample_data.DEFAULT_SAMPLE),
            key=keys.SAMPLE,
            format_func=lambda n: n,
            help="\n\n".join(f"**{k}**: {v}" for k, v in sample_data.SAMPLES.items()),
            disabled=uploaded is not None or server_path is not None,
        )
        if uploaded is not None:
            st.caption("Remove the upload (× next to its name) to go back to a sample.")
        elif server_path is not None:
            st.caption("Clear the server path to go back to a sample.")
        st.session_state.pop(keys.ACTIVE, None)  # a failure below leaves no stale dataset behind
        active = _resolve(uploaded, sample, server_path)
        st.session_state[keys.ACTIVE] = active
        _show_active(active)
        if uploaded is not None:
            with st.expander("Its provenance (optional)", icon=":material/link:"):
                st.file_uploader(
                    "The uploaded file's .provenance.json", type=["json"], key=keys.UPLOAD_PROVENANCE,
                    help="If this file was written by dataset-diagnostics (a fix, weights, weak labels, augmented "
                    "data), upload its .provenance.json: the provenance of every download made from it then "
                    "holds that record, so a chain of fixes stays linked.",
                )
            _show_input_provenance(active)
    return session.active()


def _resolve(uploaded: Any, sample: str, server_path: str | None = None) -> session.ActiveData:
    source = "upload" if uploaded is not None else "server" if server_path is not None else "sample"
    try:
        with st.spinner("Reading the file…"):
            if uploaded is not None:
                sha = session.upload_sha256(uploaded)
                data = uploaded.getvalue()
                sheet = _sheet_picker(sha, session.workbook_sheets(sha, uploaded.name, data))
                dataset = session.load_dataset(sha, uploaded.name, data, sheet)
            elif server_path is not None:
                dataset = session.load_server_path(server_path)
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


def _sheet_picker(sha256: str, sheets: list[str]) -> str | None:
    """A sheet picker for a workbook with several worksheets (None: the first sheet, or not a workbook)."""
    if len(sheets) < 2:
        return None
    return st.selectbox("Sheet", sheets, key=keys.SHEET_PREFIX + sha256[:16],
                        help="The worksheet that holds the table; its first non-empty row is the header.")


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
    where = {"upload": "uploaded", "server": "server file"}.get(active.source, "bundled sample")
    if ds.sheet is not None:
        where += f", sheet {escape_md(ds.sheet)}"
    target = escape_md(active.target) if active.target else "— none —"
    st.markdown(
        f"**Active:** {escape_md(ds.name)} ({where})  \n{rows:,} rows × {cols} columns  \n**Target:** {target}"
    )
    st.caption(f"SHA-256 {ds.sha256[:12]}…")


def _show_input_provenance(active: session.ActiveData) -> None:
    """Whether the uploaded provenance describes the uploaded file (and so will be linked)."""
    from analysis.errors import DiagnosticsError
    from analysis.provenance import input_provenance
    from dashboard.provenance import input_parent

    given = input_parent()
    if given is None or active.dataset is None:
        return
    try:
        record, note = input_provenance(active.dataset, given=given)
    except DiagnosticsError as exc:
        st.error(f"The provenance file cannot be read: {escape_md(str(exc))}", icon=":material/error:")
        return
    if record is None:
        st.warning(escape_md(note or "The provenance does not describe this file: it will not be linked."),
                   icon=":material/link_off:")
    else:
        st.caption(f":material/link: Linked: this file is '{escape_md(record.output_name)}', written by "
                   f"{escape_md(record.written_by)} (`{escape_md(record.command)}`). Downloads made from it "
                   "record that provenance.")


def require_dataset() -> session.ActiveData:
    """The active data for a page; without a readable dataset, say why and stop the page."""
    current = session.active()
    if current.dataset is None:
        st.error(escape_md(current.error or "No dataset is loaded."), icon=":material/error:")
        st.info("Upload another CSV, Parquet or Excel file in the sidebar, or remove the upload (or the server "
                "path) to return to a bundled sample.")
        st.stop()
    return current
