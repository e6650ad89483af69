"""Keys and cached wrappers of the Labels page.

Every wrapper takes the dataset's content hash and one typed settings value from
:mod:`analysis.labels.settings` (frozen and hashable): the cache key is exactly
what defines the analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from analysis.io import Dataset
from dashboard.state.session import CACHE_TTL

if TYPE_CHECKING:  # the analysis loads on first use, not when the app starts
    from analysis.export import SafeCsv
    from analysis.labels import (
        Agreement,
        AgreementSettings,
        Consensus,
        ConsensusSettings,
        Corrections,
        LabelIssues,
        LabelIssuesSettings,
    )

# --- widget and session keys -----------------------------------------------------
LB_MODE = "lb_mode_"  # + sha256[:16]: the default follows each dataset's annotator columns
LB_ANNOTATORS_PREFIX = "lb_annotators_"  # + sha256[:16]: the chosen annotator columns per dataset
LB_LEVEL = "lb_level"
LB_ORDER_PREFIX = "lb_order_"  # + sha256[:16] + "_" + the annotators: (order lowest first, confirmed) - not a widget
LB_MOVE_PREFIX = "lb_move_"  # + "up_"/"down_" + position: the order editor's buttons
LB_ORDER_CONFIRM = "lb_use_order"
LB_ORDER_BOX = "lb_order_box"
LB_KAPPA_WEIGHTS = "lb_kappa_weights"
LB_CONSENSUS_METHOD = "lb_consensus_method"
LB_GOLD = "lb_gold"
LB_PAIR_A = "lb_pair_a"
LB_PAIR_B = "lb_pair_b"
LB_BOOT_FORM = "lb_boot_form"
LB_BOOT_RESAMPLES = "lb_boot_resamples"
LB_BOOT_RESULT = "lb_boot_result"  # ((sha256, AgreementSettings, resamples), AgreementIntervals) of the last run
LB_ISSUES_FORM = "lb_issues_form"
LB_TARGET = "lb_target"
LB_MODEL = "lb_model"
LB_ISSUES_REQUEST = "lb_issues_request"  # (sha256, LabelIssuesSettings) the user asked to check
LB_ISSUES_RUN = "lb_issues_run"  # counts the distinct requests: a new request starts a fresh editor
LB_EDITOR_PREFIX = "lb_editor_"  # + the request's run number: accept/reject choices
LB_EDITOR_ROW_HEIGHT = 35  # px, header and rows of the suspects editor: pinned, the browser test ticks by it
LB_SUSPECTS_EDITOR = "lb_suspects_editor"  # container of the editor (its CSS class, for the browser test)

#: Value widgets whose choice survives a visit to another page (dashboard.state.session.keep_inputs).
#: The label order and the suspects request are plain session-state values: they survive by themselves.
PERSIST: tuple[str, ...] = (
    LB_MODE,
    LB_ANNOTATORS_PREFIX,
    LB_LEVEL,
    LB_KAPPA_WEIGHTS,
    LB_CONSENSUS_METHOD,
    LB_GOLD,
    LB_PAIR_A,
    LB_PAIR_B,
    LB_BOOT_RESAMPLES,
    LB_TARGET,
    LB_MODEL,
)

# Element keys (charts, tables, downloads): the browser tests find them by these names.
LB_KAPPA_HEATMAP = "lb_kappa_heatmap"
LB_CATEGORY_CHART = "lb_category_chart"
LB_PAIRWISE_TABLE = "lb_pairwise_table"
LB_BOOT_TABLE = "lb_boot_table"
LB_ANNOTATOR_CHART = "lb_annotator_chart"
LB_ANNOTATOR_TABLE = "lb_annotator_table"
LB_CONFUSION_CHART = "lb_confusion_chart"
LB_ENTROPY_CHART = "lb_entropy_chart"
LB_DISPUTED_TABLE = "lb_disputed_table"
LB_DOWNLOAD_CONSENSUS = "lb_download_consensus"
LB_QUALITY_CHART = "lb_quality_chart"
LB_DOWNLOAD_CORRECTED = "lb_download_corrected"
LB_PROTECT_CONSENSUS = "lb_protect_consensus"
LB_PROTECT_CORRECTED = "lb_protect_corrected"
LB_CONFLICTS = "lb_conflicts"


# --- cached wrappers -------------------------------------------------------------
@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def lb_label_values(sha256: str, settings: AgreementSettings, _dataset: Dataset) -> tuple[tuple, bool]:
    """The labels the settings' annotator columns use (sorted) and whether they are numeric (ordered by value)."""
    from analysis.labels import encode_ratings

    ratings = encode_ratings(_dataset.frame, annotators=list(settings.annotators))
    return ratings.categories, ratings.numeric


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def lb_agreement(sha256: str, settings: AgreementSettings, _dataset: Dataset) -> Agreement:
    return settings.run(_dataset.frame)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def lb_consensus(sha256: str, settings: ConsensusSettings, _dataset: Dataset) -> Consensus:
    return settings.run(_dataset.frame)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def lb_consensus_csv(sha256: str, settings: ConsensusSettings, _dataset: Dataset, protect: bool = True) -> SafeCsv:
    from analysis.export import to_csv_bytes
    from analysis.labels import with_consensus

    frame = with_consensus(_dataset.frame, lb_consensus(sha256, settings, _dataset))
    return to_csv_bytes(frame, protect_formulas=protect, source=_dataset)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def lb_label_issues(sha256: str, settings: LabelIssuesSettings, _dataset: Dataset) -> LabelIssues:
    return settings.run(_dataset.frame)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def lb_corrected_csv(sha256: str, corrections: Corrections, _dataset: Dataset, protect: bool = True) -> SafeCsv:
    """Safe CSV of the data with the accepted label corrections applied (the corrected column in the label's format)."""
    from analysis.export import to_csv_bytes

    like = {f"{corrections.target}_corrected": corrections.target}
    return to_csv_bytes(corrections.apply(_dataset.frame), protect_formulas=protect, source=_dataset, like=like)
