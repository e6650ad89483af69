"""Keys and cached wrappers of the Labels page."""

from __future__ import annotations

import streamlit as st

from analysis.io import Dataset
from dashboard.state.session import CACHE_TTL

LB_MODE = "lb_mode_"  # + sha256[:16]: the default follows each dataset's annotator columns
LB_ANNOTATORS_PREFIX = "lb_annotators_"  # + sha256[:16]: the chosen annotator columns per dataset
LB_LEVEL = "lb_level"
LB_ORDER_PREFIX = "lb_order_"  # + sha256[:16]: the label order (lowest first)
LB_CONSENSUS_METHOD = "lb_consensus_method"
LB_GOLD = "lb_gold"
LB_PAIR_A = "lb_pair_a"
LB_PAIR_B = "lb_pair_b"
LB_BOOT_RESAMPLES = "lb_boot_resamples"
LB_BOOT_RESULT = "lb_boot_result"  # (key, AgreementIntervals) of the last bootstrap run
LB_TARGET = "lb_target"
LB_MODEL = "lb_model"
LB_ISSUES_REQUEST = "lb_issues_request"  # the (sha, target, model) the user asked to check
LB_EDITOR_PREFIX = "lb_editor_"  # + a hash of the request: accept/reject choices


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def lb_label_values(sha256: str, annotators: tuple, _dataset: Dataset) -> tuple:
    """The labels the annotator columns use (sorted), to pre-fill the order widget."""
    from analysis.labels import encode_ratings

    return encode_ratings(_dataset.frame, annotators=list(annotators)).categories


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def lb_agreement(sha256: str, annotators: tuple, level: str, order: tuple | None, _dataset: Dataset):
    from analysis.labels import agreement

    return agreement(_dataset.frame, annotators=list(annotators), level=level, order=order)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def lb_consensus(sha256: str, annotators: tuple, method: str, gold: str | None, _dataset: Dataset):
    from analysis.labels import consensus_labels

    return consensus_labels(_dataset.frame, annotators=list(annotators), method=method, gold=gold)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def lb_consensus_csv(sha256: str, annotators: tuple, method: str, gold: str | None, _dataset: Dataset):
    from analysis.export import to_csv_bytes
    from analysis.labels import with_consensus

    result = lb_consensus(sha256, annotators, method, gold, _dataset)
    return to_csv_bytes(with_consensus(_dataset.frame, result))


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def lb_label_issues(sha256: str, target: str, model: str, _dataset: Dataset):
    from analysis.labels_issues import label_issues

    return label_issues(_dataset.frame, target=target, model=model)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def lb_corrected_csv(sha256: str, target: str, corrections: tuple, _dataset: Dataset):
    """Safe CSV of the data with the accepted label corrections ((row, label) pairs) applied."""
    from analysis.export import to_csv_bytes
    from analysis.labels_issues import apply_corrections

    return to_csv_bytes(apply_corrections(_dataset.frame, target=target, corrections=dict(corrections)))
