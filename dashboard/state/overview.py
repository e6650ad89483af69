"""Keys and the cached wrapper of the Overview page (prefix "ov_")."""

from __future__ import annotations

import streamlit as st

from analysis.io import Dataset
from analysis.overview import BalanceSettings, Overview, overview
from analysis.schema import Schema
from dashboard.state.session import CACHE_TTL

OV_FOLDS = "ov_folds"
OV_BALANCE_CHART = "ov_balance_chart"
OV_BALANCE_TABLE = "ov_balance_table"
OV_MISSING_CHART = "ov_missing_chart"
OV_ROLES = "ov_roles"
OV_PREVIEW = "ov_preview"

#: Value widgets whose setting survives a visit to another page (dashboard.state.session.keep_inputs).
#: The dataframes' keys hold selections, not settings: never listed.
PERSIST: tuple[str, ...] = (OV_FOLDS,)


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def ov_overview(sha256: str, target: str, settings: BalanceSettings, _dataset: Dataset, _schema: Schema) -> Overview:
    """The overview of one dataset (keyed on its SHA-256) for one target and one set of class-size checks."""
    return overview(
        _dataset,
        target=target,
        schema=_schema,
        cv_folds=settings.cv_folds,
        smote_k_neighbors=settings.smote_k_neighbors,
    )
