"""Keys and the cached wrapper of the Overview page (prefix "ov_")."""

from __future__ import annotations

import streamlit as st

from analysis.export import SafeCsv
from analysis.io import Dataset
from analysis.overview import (
    BalanceSettings,
    NearDuplicateSettings,
    NearDuplicateSummary,
    OutlierSettings,
    OutlierSummary,
    Overview,
    near_duplicate_summary,
    outlier_summary,
    overview,
)
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
        near=None,  # computed by ov_near_duplicates / ov_outliers, on request above AUTO_CHECK_ROWS rows
        outliers=None,
    )


# --- near-duplicates and outliers (issue 14) ---
OV_NEAR_TABLE = "ov_near_table"
OV_OUTLIER_TABLE = "ov_outlier_table"
OV_OUTLIER_BEYOND_TABLE = "ov_outlier_beyond_table"
OV_OUTLIER_FARTHEST_TABLE = "ov_outlier_farthest_table"
OV_OUTLIER_CLASS_TABLE = "ov_outlier_class_table"
OV_OUTLIER_DOWNLOAD = "ov_outlier_download"
OV_OUTLIER_PROTECT = "ov_outlier_protect"


#: Near-duplicates and outliers run by themselves on tables up to this many rows; above, on a button
#: (a second or more per 20,000 rows: not on every visit of a large table).
AUTO_CHECK_ROWS = 5_000
OV_CHECK_RUN = "ov_check_run"
#: (sha256, target) pairs whose checks were asked for (session state, not a widget).
OV_CHECK_DONE = "ov_check_done"


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ov_near_duplicates(
    sha256: str, target: str, settings: NearDuplicateSettings, _dataset: Dataset, _schema: Schema
) -> NearDuplicateSummary:
    return near_duplicate_summary(_dataset.frame, target=target, settings=settings, schema=_schema)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ov_outliers(sha256: str, target: str, settings: OutlierSettings, _dataset: Dataset) -> OutlierSummary:
    return outlier_summary(_dataset.frame, target=target, settings=settings)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def ov_outliers_csv(
    sha256: str, target: str, settings: OutlierSettings, _dataset: Dataset, protect: bool = True
) -> SafeCsv:
    """Safe CSV of the most unusual rows (original cell text kept) with their outlier score."""
    from analysis.export import to_csv_bytes

    frame, positions = ov_outliers(sha256, target, settings, _dataset).top_data(_dataset.frame)
    return to_csv_bytes(frame, protect_formulas=protect, source=_dataset, rows=positions)
