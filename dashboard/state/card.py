"""Keys, session reads and cached exports of the Dataset card page (prefix "cd_").

The card is filled from what the session already computed: the other pages'
cached wrappers are called with the settings those pages stored in session
state (a cache hit), never with new settings. The overview is cheap and is
computed on demand; leakage suspects come from the pages' cached feature
report (``features.page_report``): above AUTO_LEAKAGE_ROWS rows only once a
page computed it or the user pressed the card's button, as it is not instant.
What no page measured stays "not measured".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from analysis.card import FIELD_LABELS, DatasetCard, HumanFields, build_card, croissant_bytes, to_markdown
from analysis.io import Dataset
from analysis.overview import BalanceSettings
from analysis.schema import Schema
from dashboard.state import features as ft
from dashboard.state import labels as lb
from dashboard.state import overview as ov
from dashboard.state import rebalancing as rb
from dashboard.state.session import CACHE_TTL

CD_HUMAN = "cd_human_"  # + sha256[:16] + "_" + field: the human fields' text areas, per dataset
CD_LOAD = "cd_load"  # uploader of a saved human fields file
CD_LOADED = "cd_loaded"  # file_id of the last file loaded (not a widget)
CD_LEAKAGE = "cd_leakage"  # button: read the leakage suspects on a large table
CD_SAVE = "cd_save"
CD_DOWNLOAD_MD = "cd_download_md"
CD_DOWNLOAD_CROISSANT = "cd_download_croissant"
CD_DOWNLOAD_HTML = "cd_download_html"
CD_FACTS_TABLE = "cd_facts_table"
CD_MEASURED = "cd_measured"  # {sha256: {fact key: result}}: the last result a page showed (not a widget)

#: Results the Sampling bias and Weak supervision pages hand to the card as they show them (their settings live
#: in editors and uploads the card cannot rebuild): one `remember(...)` line after each page computes.
REMEMBERED: tuple[str, ...] = ("representativeness", "shift", "weak", "robustness")
#: Fixes other pages applied (remembered under these keys), listed with the Rebalancing lab's on the card.
FIX_KEYS: tuple[str, ...] = ("sampling_fix", "augment_fix")

#: The human fields' text areas survive a visit to another page (dashboard.state.session.keep_inputs).
PERSIST: tuple[str, ...] = (CD_HUMAN,)

#: Up to this many rows the leakage suspects are read without a click (the Overview page computes them anyway).
AUTO_LEAKAGE_ROWS = 5_000

#: The human fields, in the page's order.
HUMAN_FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)


def human_key(dataset: Dataset, name: str) -> str:
    return f"{CD_HUMAN}{dataset.sha256[:16]}_{name}"


def human_fields(dataset: Dataset) -> HumanFields:
    """The human fields typed for this dataset so far."""
    values = {name: str(st.session_state.get(human_key(dataset, name), "") or "") for name in HUMAN_FIELDS}
    return HumanFields(**values)


def set_human_fields(dataset: Dataset, fields: HumanFields) -> None:
    """Fill the text areas from a loaded file (call before the widgets are drawn)."""
    for name, value in fields.to_dict().items():
        st.session_state[human_key(dataset, name)] = value


@dataclass(frozen=True)
class Gathered:
    """The result objects the session holds for the card, and where each missing one can be measured."""

    results: dict[str, Any]
    notes: tuple[str, ...]


def remember(sha256: str, key: str, result: Any) -> None:
    """Keep the last result a page showed for a dataset, for the card (at most 4 datasets are kept)."""
    store = dict(st.session_state.get(CD_MEASURED, {}))
    per = dict(store.pop(sha256, {}))
    per[key] = result
    store[sha256] = per
    while len(store) > 4:
        store.pop(next(iter(store)))
    st.session_state[CD_MEASURED] = store


def leakage_available(dataset: Dataset, target: str) -> bool:
    """Small tables, and tables whose leakage suspects a page computed (a cache hit) or the user asked for
    with the card's button."""
    return len(dataset.frame) <= AUTO_LEAKAGE_ROWS or ft.wanted(dataset, target)


def ask_leakage(dataset: Dataset, target: str) -> None:
    ft.want(dataset, target)


def gather(dataset: Dataset, schema: Schema, target: str) -> Gathered:
    """The results this session computed for the dataset (cache hits), plus the overview computed on demand."""
    sha = dataset.sha256
    notes: list[str] = []
    settings = BalanceSettings(cv_folds=int(st.session_state.get(ov.OV_FOLDS, 5)))
    results: dict[str, Any] = {"overview": ov.ov_overview(sha, target, settings, dataset, schema)}
    if leakage_available(dataset, target):
        results["leakage"] = ft.page_report(dataset, target).leakage
    agreement = _agreement(dataset)
    if agreement is not None:
        results["agreement"], intervals = agreement
        if intervals is not None:
            results["agreement_intervals"] = intervals
    request = st.session_state.get(lb.LB_ISSUES_REQUEST)
    if request is not None and request[0] == sha:
        if request[1].target == target:
            results["label_errors"] = lb.lb_label_issues(sha, request[1], dataset)
        else:
            notes.append(f"The Labels page checked '{request[1].target}', not the target '{target}': its "
                         "label-error estimate is left out.")
    remembered = st.session_state.get(CD_MEASURED, {}).get(sha, {})
    results.update({k: v for k, v in remembered.items() if k in REMEMBERED})
    fixes = []
    fix = st.session_state.get(rb.RB_FIX_RUN)
    if fix is not None and fix.source_sha256 == dataset.input_sha256 and fix.target == target:
        fixes.append(rb.rb_fix(fix, dataset))
    # The Sampling bias page's reweighting/resampling and the Augmentation lab's augmented data.
    fixes += [remembered[k] for k in FIX_KEYS if k in remembered]
    if fixes:
        results["fixes"] = fixes
    return Gathered(results, tuple(notes))


def _agreement(dataset: Dataset):
    """(Agreement, intervals or None) from the Labels page: its last bootstrap, else its nominal-level choice."""
    sha = dataset.sha256
    boot = st.session_state.get(lb.LB_BOOT_RESULT)
    if boot is not None and boot[0][0] == sha:
        settings = boot[0][1]
        return lb.lb_agreement(sha, settings, dataset), boot[1]
    annotators = st.session_state.get(lb.LB_ANNOTATORS_PREFIX + sha[:16]) or []
    level = st.session_state.get(lb.LB_LEVEL, "nominal")
    if len(annotators) >= 2 and level == "nominal":
        from analysis.labels import AgreementSettings

        return lb.lb_agreement(sha, AgreementSettings(annotators=tuple(annotators), level=level), dataset), None
    return None


def card(dataset: Dataset, schema: Schema, target: str, human: HumanFields) -> tuple[DatasetCard, tuple[str, ...]]:
    """The card of what the session measured (nothing model-based is computed here)."""
    got = gather(dataset, schema, target)
    return build_card(dataset, target=target, results=got.results, human=human, measure=()), got.notes


# --- exports (cached on the card's inputs: the dataset, the target and the text typed) -----------------
@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def cd_markdown(key: tuple, _card: DatasetCard) -> bytes:
    return to_markdown(_card).encode("utf-8")


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def cd_croissant(key: tuple, _card: DatasetCard, _dataset: Dataset) -> bytes:
    return croissant_bytes(_card, frame=_dataset.frame)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def cd_html(key: tuple, _card: DatasetCard) -> bytes:
    from dashboard.report import html_report

    return html_report(_card)


def export_key(card: DatasetCard) -> tuple:
    """What the exports depend on: the data, the target, the human fields and the facts' texts."""
    return (card.sha256, card.target, card.human, tuple((f.key, f.measured, f.text) for f in card.facts))
