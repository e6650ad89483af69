"""Keys and cached wrappers of the Sampling bias page.

Every wrapper takes the content hash of its data plus one typed, hashable
settings object from :mod:`analysis.sampling` (``ReferenceShares``,
``BiasSettings``, ``IntersectionSettings``, ``SimulationSettings``,
``ShiftSettings``, ``FixSettings``); the data itself is passed unhashed.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import streamlit as st

from dashboard.state.session import CACHE_TTL

if TYPE_CHECKING:  # the analysis package loads scipy: import it when a wrapper first runs
    from analysis.io import Dataset
    from analysis.sampling import BiasSettings, FixSettings, IntersectionSettings, ShiftSettings, SimulationSettings

SB_GROUP = "sb_group"  # + "_" + sha256[:12]
SB_SOURCE = "sb_source"  # + "_" + sha256[:12]
SB_EDITOR_PREFIX = "sb_editor_"  # + sha256[:12] + group: the typed expected shares
SB_REFERENCE_UPLOAD = "sb_reference_upload"
SB_TOLERANCE = "sb_tolerance"
SB_SECOND_GROUP = "sb_second_group"  # + "_" + sha256[:12]
SB_SIM_FORM = "sb_sim_form"
SB_SIM_SIZE = "sb_sim_size"
SB_SIM_REPEATS = "sb_sim_repeats"
SB_SIM_RESULT = "sb_sim_result"  # (SimulationSettings, sha256, SimulationResult) of the last run
SB_SHIFT_UPLOAD = "sb_shift_upload"
SB_SHIFT_FEATURE = "sb_shift_feature"  # + "_" + the second file's sha256[:12]
SB_FIX_METHOD = "sb_fix_method"
SB_RAKE_COLUMNS = "sb_rake_columns"  # + "_" + sha256[:12]
SB_RAKE_EDITOR_PREFIX = "sb_rake_editor_"
SB_FIX_REPLACE = "sb_fix_replace"
SB_FIX_ROWS = "sb_fix_rows"
SB_UPLOAD_HASHES = "sb_upload_hashes"  # {widget key: (file_id, sha256)}
# What survives a change of page. Value widgets: kept by session.keep_inputs (keys or key prefixes).
# Data editors cannot be set through session state: the page keeps their edited rows itself under
# SB_KEPT_PREFIX + the editor's key, and seeds the editor from them when it is drawn again.
SB_KEPT_PREFIX = "sb_kept_"  # + editor key: the edited rows (a DataFrame)
SB_SEED_PREFIX = "sb_seed_"  # + editor key: the rows the editor was drawn from this visit
SB_CONFIRMED_PREFIX = "sb_confirmed_"  # + sha256[:12] + "_" + group: the user confirmed the bundled population
SB_CONFIRM_BUTTON = "sb_confirm_button"
SB_REFERENCE_KEPT = "sb_reference_kept"  # the last uploaded reference file (a Dataset) until the user removes it
PERSIST: tuple[str, ...] = (
    SB_GROUP + "_",
    SB_SOURCE + "_",
    SB_TOLERANCE,
    SB_SECOND_GROUP + "_",
    SB_FIX_METHOD,
    SB_FIX_REPLACE,
    SB_FIX_ROWS,
    SB_RAKE_COLUMNS + "_",
    SB_SHIFT_FEATURE + "_",
)
# Keys of the page's charts, tables and downloads.
SB_POPULATION_TABLE = "sb_population_table"
SB_BARS_CHART = "sb_bars_chart"
SB_RATIO_CHART = "sb_ratio_chart"
SB_GROUPS_TABLE = "sb_groups_table"
SB_CELLS_CHART = "sb_cells_chart"
SB_RESIDUAL_CHART = "sb_residual_chart"
SB_MISSING_CHART = "sb_missing_chart"
SB_SIM_CHART = "sb_sim_chart"
SB_SIM_TARGET_CHART = "sb_sim_target_chart"
SB_SIM_TABLE = "sb_sim_table"
SB_DRIFT_TABLE = "sb_drift_table"
SB_TEXT_DRIFT_TABLE = "sb_text_drift_table"
SB_OVERLAY_CHART = "sb_overlay_chart"
SB_FIX_CHART = "sb_fix_chart"
SB_DOWNLOAD_CSV = "sb_download_csv"
SB_DOWNLOAD_RECIPE = "sb_download_recipe"
SB_PROTECT = "sb_protect"


def sb_upload_sha256(uploaded, key: str) -> str:
    """SHA-256 of one of the page's own uploads, computed once per upload."""
    hashes = st.session_state.setdefault(SB_UPLOAD_HASHES, {})
    cached = hashes.get(key)
    if cached and cached[0] == uploaded.file_id:
        return cached[1]
    digest = hashlib.sha256(uploaded.getbuffer()).hexdigest()
    hashes[key] = (uploaded.file_id, digest)
    return digest


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def sb_observed_shares(sha256: str, group: str, _dataset: Dataset) -> dict:
    from analysis.sampling import observed_shares

    return observed_shares(_dataset.frame, group=group)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def sb_reference_from_file(sha256: str, group: str, _reference: Dataset):
    from analysis.sampling import reference_shares

    return reference_shares(_reference.frame, group=group, source=f"reference file '{_reference.name}'")


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def sb_representation(sha256: str, settings: BiasSettings, _dataset: Dataset):
    return settings.run(_dataset.frame)


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def sb_inside(sha256: str, group: str, target: str | None, _dataset: Dataset):
    """(label rates by group or None without a target, missingness by group)."""
    from analysis.sampling import label_by_group, missingness_by_group

    lbg = label_by_group(_dataset.frame, group=group, target=target) if target is not None else None
    return lbg, missingness_by_group(_dataset.frame, group=group)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def sb_intersection(sha256: str, settings: IntersectionSettings, joint_sha: str | None, _dataset: Dataset, _joint: Dataset | None):
    return settings.run(_dataset.frame, _joint.frame if _joint is not None else None)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def sb_simulation(sha256: str, settings: SimulationSettings, _dataset: Dataset):
    return settings.run(_dataset.frame)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def sb_shift(sha_reference: str, sha_current: str, settings: ShiftSettings, _reference: Dataset, _current: Dataset):
    return settings.run(_reference.frame, _current.frame)


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def sb_feature_distribution(sha_reference: str, sha_current: str, feature: str, _reference: Dataset, _current: Dataset):
    from analysis.sampling import feature_distribution

    return feature_distribution(_reference.frame[feature], _current.frame[feature])


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def sb_fix(sha256: str, settings: FixSettings, _dataset: Dataset):
    """The reweighting or resample the settings ask for (``FIX_METHODS`` says which)."""
    return settings.run(_dataset.frame)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def sb_fix_download(sha256: str, settings: FixSettings, protect: bool, _dataset: Dataset):
    """(SafeCsv, recipe JSON bytes) of the weighted or resampled data; original rows carry the uploaded text."""
    from analysis.sampling import fix_csv

    fix = sb_fix(sha256, settings, _dataset)
    return fix_csv(_dataset.frame, settings, fix, source_name=_dataset.name, source_sha256=_dataset.input_sha256,
                   protect_formulas=protect, source=_dataset)
