"""Dataset card: the measured facts this session gathered, the fields only a person can write, three exports."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from analysis.card import FIELD_LABELS, SECTIONS, DatasetCard, HumanFields
from analysis.errors import DiagnosticsError
from dashboard import components, sidebar
from dashboard.components import escape_md
from dashboard.provenance import provenance_button
from dashboard.state import card as state
from dashboard.state.session import ActiveData

_MULTILINE = {"motivation", "intended_uses", "out_of_scope_uses", "sensitive_information", "maintenance", "collection"}


def main() -> None:
    st.title("Dataset card")
    st.caption("A datasheet (Gebru et al., 2021) of this dataset: the facts the diagnostics measured in this session "
               "fill themselves in; you write the rest. Download it as a Hugging Face README (Markdown), Croissant "
               "JSON-LD, or a self-contained HTML report.")
    current = sidebar.require_dataset()
    if current.dataset is None or current.schema is None:  # pragma: no cover - require_dataset stopped already
        return
    if current.target is None:
        st.info("Pick the target (label) column in the sidebar: a card describes a labelled dataset.",
                icon=":material/arrow_back:")
        return
    card = facts_section(current)
    human_section(current)  # may load a saved file: the downloads below read the fields after it
    if card is not None:
        downloads_section(current, card)


@components.guarded("Measured facts")
def facts_section(current: ActiveData) -> DatasetCard | None:
    dataset, schema, target = current.dataset, current.schema, current.target
    assert dataset is not None and schema is not None and target is not None
    with st.spinner("Gathering what this session measured…"):
        card, notes = state.card(dataset, schema, target, state.human_fields(dataset))
    components.verdict_box(card)
    for note in notes:
        st.info(escape_md(note), icon=":material/info:")
    if not state.leakage_available(dataset, target):
        st.button("Add the leakage suspects (instant if the Overview page computed them)", key=state.CD_LEAKAGE,
                  on_click=state.ask_leakage, args=(dataset, target), icon=":material/search:")
    from dashboard.report import card_figures

    figures = card_figures(card)
    for key, heading in SECTIONS.items():
        facts = card.section(key)
        if not facts:
            continue
        with components.section(heading):
            st.subheader(heading, anchor=False)
            for fact in facts:
                _fact(fact, figures.get(fact.key, []))
    return card


def _fact(fact, figures) -> None:
    if fact.measured:
        st.markdown(f"**{escape_md(fact.title)}** · measured, shown on the {escape_md(fact.page)} page")
        st.markdown(escape_md(fact.text, limit=5_000))
        for fig in figures:
            components.chart(st, fig, width="stretch")
    else:
        st.markdown(f"**{escape_md(fact.title)}** · :gray[not measured]")
        st.caption(escape_md(f"Not measured — {fact.spec.how}.", limit=5_000))
        st.page_link(fact.spec.page_path, label=f"Open the {fact.page} page", icon=":material/arrow_forward:")


def _load(current: ActiveData) -> None:
    """Fill the text areas from a saved file (before they are drawn in this run)."""
    dataset = current.dataset
    assert dataset is not None
    uploaded = st.file_uploader("Load saved human fields (JSON or YAML)", type=["json", "yaml", "yml"], key=state.CD_LOAD,
                                help="A file saved from this page, to finish a card later.", max_upload_size=1)
    if uploaded is not None and st.session_state.get(state.CD_LOADED) != uploaded.file_id:
        try:
            fields = HumanFields.from_bytes(uploaded.getvalue(), name=uploaded.name)
        except DiagnosticsError as exc:
            st.error(escape_md(str(exc)), icon=":material/error:")
            return
        state.set_human_fields(dataset, fields)
        st.session_state[state.CD_LOADED] = uploaded.file_id
        st.success(f"Loaded {len(fields.filled)} fields from {escape_md(uploaded.name)}.", icon=":material/check:")


@components.guarded("Human fields")
def human_section(current: ActiveData) -> None:
    dataset = current.dataset
    assert dataset is not None
    st.subheader("What only you can write", anchor=False)
    st.caption("Kept while you visit other pages. Save them to a file to finish the card later.")
    _load(current)
    left, right = st.columns(2)
    for i, name in enumerate(state.HUMAN_FIELDS):
        label, prompt = FIELD_LABELS[name]
        box = left if i % 2 == 0 else right
        if name in _MULTILINE:
            box.text_area(label, key=state.human_key(dataset, name), placeholder=prompt, max_chars=20_000, height=110)
        else:
            box.text_input(label, key=state.human_key(dataset, name), placeholder=prompt, max_chars=500)
    fields = state.human_fields(dataset)
    st.download_button("Save the human fields (JSON)", data=fields.to_json(), file_name="card_human_fields.json",
                       mime="application/json", key=state.CD_SAVE, icon=":material/save:")


@components.guarded("Downloads")
def downloads_section(current: ActiveData, card: DatasetCard) -> None:
    dataset = current.dataset
    assert dataset is not None
    st.subheader("Download the card", anchor=False)
    stem = (dataset.name.rsplit(".", 1)[0] or "dataset") + "_card"
    card = replace(card, human=state.human_fields(dataset))  # the fields as typed (or loaded) in this run
    key = state.export_key(card)
    exports = [
        ("Markdown (Hugging Face README)", "markdown", state.cd_markdown(key, card), "README.md", "text/markdown",
         state.CD_DOWNLOAD_MD),
        ("Croissant JSON-LD", "croissant", state.cd_croissant(key, card, dataset), f"{stem}.croissant.json",
         "application/ld+json", state.CD_DOWNLOAD_CROISSANT),
        ("HTML report", "html", state.cd_html(key, card), f"{stem}.html", "text/html", state.CD_DOWNLOAD_HTML),
    ]
    for column, (label, fmt, data, name, mime, download_key) in zip(st.columns(3), exports):
        column.download_button(label, data=data, file_name=name, mime=mime, key=download_key,
                               icon=":material/download:")
        # Each export's provenance (hash, input, the card's target and fields), like every download.
        provenance_button(data, file_name=name, command="card", dataset=dataset, page="Dataset card",
                          download_key=download_key, role=fmt, container=column,
                          parameters={"target": card.target, "format": fmt, "human": card.human.to_dict()})
    st.caption("The Croissant file describes the CSV by its name and SHA-256: publish it beside the data. The HTML "
               "report works offline (charts included) and holds a preview of at most 50 rows, never the whole table.")


main()
