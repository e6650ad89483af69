"""Keys and cached wrappers of the Weak supervision page.

The wrappers take typed, hashable settings (:class:`analysis.weak.LFSet` or
:class:`analysis.weak.LFColumns`, and :class:`analysis.weak.LabelModelSettings`)
keyed with the file's SHA-256; the dataset itself is not hashed.
"""

from __future__ import annotations

import streamlit as st

from analysis.export import SafeCsv
from analysis.io import Dataset
from analysis.weak import LabelModelSettings, LFColumns, LFSet, WeakLabels
from dashboard.state.session import CACHE_TTL

WS_MODE = "ws_mode"
WS_LFS_PREFIX = "ws_lfs_"  # + sha256[:16]: the declarative LFs built for this dataset (list of dicts)
WS_LFS_VERSION_SUFFIX = "_version"  # + on the LF key: bumped when the LF list is replaced (fresh table editor)
WS_EDITOR_PREFIX = "ws_editor_"  # + sha256[:16] + "_" + version: the LF table editor
WS_COLUMNS_PREFIX = "ws_columns_"  # + sha256[:16]: the chosen LF columns
WS_ABSTAIN = "ws_abstain"
WS_GOLD = "ws_gold"  # + "_" + sha256[:16]: the gold column per dataset
WS_CLASSES_PREFIX = "ws_classes_"  # + sha256[:16] + "_build"/"_columns": the classes (comma-separated text)
WS_PRIOR = "ws_prior"
WS_LOADED = "ws_loaded"  # file_id of the last LF JSON file loaded
WS_REMOVE = "ws_remove"
WS_REMOVE_BUTTON = "ws_remove_button"
WS_ADD_FORM = "ws_add_form"
WS_DEMO = "ws_demo"
WS_LOAD = "ws_load"
WS_SAVE = "ws_save"
WS_SUMMARY_TABLE = "ws_summary_table"
WS_COVERAGE_CHART = "ws_coverage_chart"
WS_BALANCE_CHART = "ws_balance_chart"
WS_CONFLICT_CHART = "ws_conflict_chart"
WS_ACCURACY_CHART = "ws_accuracy_chart"
WS_AGREEMENT_CHART = "ws_agreement_chart"
WS_DOWNLOAD = "ws_download"
WS_PROTECT = "ws_protect"

#: Value widgets kept when the user visits another page (``session.keep_inputs``): the mode, the gold
#: column and the classes (per dataset: prefixes), the LF columns, the abstain value and the class prior.
#: The declarative LFs live under WS_LFS_PREFIX, plain session state that Streamlit never forgets; the
#: LF table editor and the add form are not value widgets and are rebuilt from it.
PERSIST: tuple[str, ...] = (WS_MODE, WS_GOLD, WS_CLASSES_PREFIX, WS_COLUMNS_PREFIX, WS_ABSTAIN, WS_PRIOR)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ws_weak_labels(sha256: str, lfs: LFColumns | LFSet, settings: LabelModelSettings, _dataset: Dataset) -> WeakLabels:
    """LF summary + label model of ``lfs`` (LF columns or declarative LFs) on the dataset."""
    from analysis.weak import fit_weak_labels

    return fit_weak_labels(_dataset.frame, lfs, settings)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def ws_labeled_csv(sha256: str, lfs: LFColumns | LFSet, settings: LabelModelSettings, _dataset: Dataset,
                   protect: bool = True) -> SafeCsv:
    """Safe CSV of the data with ``weak_label`` and ``weak_confidence``; original cells as uploaded."""
    from analysis.export import to_csv_bytes
    from analysis.weak import with_weak_labels

    result = ws_weak_labels(sha256, lfs, settings, _dataset)
    return to_csv_bytes(with_weak_labels(_dataset.frame, result.model), protect_formulas=protect, source=_dataset)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ws_column_values(sha256: str, column: str, _dataset: Dataset) -> tuple[str, ...]:
    """Distinct values of a column to pre-fill the classes (see :func:`analysis.candidates.weak_class_values`)."""
    from analysis.candidates import weak_class_values

    return weak_class_values(_dataset.frame[column])
