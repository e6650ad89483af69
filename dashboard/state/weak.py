"""Keys and cached wrappers of the Weak supervision page."""

from __future__ import annotations

import streamlit as st

from analysis.io import Dataset
from dashboard.state.session import CACHE_TTL

WS_MODE = "ws_mode"
WS_LFS_PREFIX = "ws_lfs_"  # + sha256[:16]: the declarative LFs built for this dataset (list of dicts)
WS_COLUMNS_PREFIX = "ws_columns_"  # + sha256[:16]: the chosen LF columns
WS_ABSTAIN = "ws_abstain"
WS_GOLD = "ws_gold"  # + "_" + sha256[:16]: the gold column per dataset
WS_CLASSES_PREFIX = "ws_classes_"  # + sha256[:16]: the classes (comma-separated text)
WS_PRIOR = "ws_prior"
WS_LOADED = "ws_loaded"  # file_id of the last LF JSON file loaded
WS_REMOVE = "ws_remove"


def _ws_fit(mode: str, spec: str, abstain: str, gold: str | None, labels: tuple | None, prior: str, frame):
    from analysis.weak import (
        WeakLabels,
        label_model,
        lf_matrix,
        lf_summary,
        parse_class_prior,
    )
    from analysis.weak_lfs import declarative_matrix, lfs_from_json

    if mode == "columns":
        matrix = lf_matrix(frame, lfs=spec.split("\x1f"), abstain=abstain, gold=gold, labels=labels)
    else:
        matrix = declarative_matrix(frame, lfs=lfs_from_json(spec), labels=labels, gold=gold)
    return WeakLabels(lf_summary(matrix), label_model(matrix, class_prior=parse_class_prior(prior)))


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ws_weak_labels(sha256: str, mode: str, spec: str, abstain: str, gold: str | None, labels: tuple | None, prior: str, _dataset: Dataset):
    """LF summary + label model; ``spec`` = LF columns joined by \\x1f (mode 'columns') or the LF-set JSON ('build')."""
    return _ws_fit(mode, spec, abstain, gold, labels, prior, _dataset.frame)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def ws_labeled_csv(sha256: str, mode: str, spec: str, abstain: str, gold: str | None, labels: tuple | None, prior: str, _dataset: Dataset):
    """Safe CSV of the data with ``weak_label`` and ``weak_confidence``."""
    from analysis.export import to_csv_bytes
    from analysis.weak import with_weak_labels

    result = ws_weak_labels(sha256, mode, spec, abstain, gold, labels, prior, _dataset)
    return to_csv_bytes(with_weak_labels(_dataset.frame, result.model))


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ws_column_values(sha256: str, column: str, _dataset: Dataset) -> tuple:
    """Distinct non-empty values of a column (at most 50, sorted as text), to pre-fill the classes."""
    values = _dataset.frame[column].dropna().unique()[:51]
    return tuple(sorted(str(v) for v in values)) if len(values) <= 50 else ()
