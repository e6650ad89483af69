"""Keys and cached wrappers of the Sampling bias page."""

from __future__ import annotations

import hashlib

import streamlit as st

from analysis.io import Dataset
from dashboard.state.session import CACHE_TTL

SB_GROUP = "sb_group"
SB_SOURCE = "sb_source"
SB_EDITOR_PREFIX = "sb_editor_"  # + sha256[:12] + group: the typed expected shares
SB_REFERENCE_UPLOAD = "sb_reference_upload"
SB_TOLERANCE = "sb_tolerance"
SB_SECOND_GROUP = "sb_second_group"
SB_SIM_SIZE = "sb_sim_size"
SB_SIM_REPEATS = "sb_sim_repeats"
SB_SIM_RESULT = "sb_sim_result"  # (key, SimulationResult) of the last run
SB_SHIFT_UPLOAD = "sb_shift_upload"
SB_SHIFT_FEATURE = "sb_shift_feature"
SB_FIX_METHOD = "sb_fix_method"
SB_RAKE_COLUMNS = "sb_rake_columns"
SB_RAKE_EDITOR_PREFIX = "sb_rake_editor_"
SB_FIX_REPLACE = "sb_fix_replace"
SB_FIX_ROWS = "sb_fix_rows"
SB_UPLOAD_HASHES = "sb_upload_hashes"  # {widget key: (file_id, sha256)}


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
def sb_representation(sha256: str, group: str, shares: tuple, source: str, notes: tuple, tolerance: float, _dataset: Dataset):
    from analysis.sampling import ReferenceShares, representation

    ref = ReferenceShares(group, dict(shares), source, notes)
    return representation(_dataset.frame, group=group, reference=ref, tolerance=tolerance)


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def sb_inside(sha256: str, group: str, target: str | None, _dataset: Dataset):
    """(label rates by group or None without a target, missingness by group)."""
    from analysis.sampling import label_by_group, missingness_by_group

    lbg = label_by_group(_dataset.frame, group=group, target=target) if target is not None else None
    return lbg, missingness_by_group(_dataset.frame, group=group)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def sb_intersection(sha256: str, groups: tuple, shares: tuple, joint_sha: str | None, tolerance: float, _dataset: Dataset, _joint: Dataset | None):
    from analysis.sampling import intersection_representation

    if _joint is not None:
        return intersection_representation(_dataset.frame, groups=groups, reference=_joint.frame, tolerance=tolerance)
    return intersection_representation(_dataset.frame, groups=groups, margins={groups[0]: dict(shares)}, tolerance=tolerance)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def sb_simulation(sha256: str, group: str, target: str | None, size: int, repeats: int, seed: int, _dataset: Dataset):
    from analysis.sampling_sim import simulate_sampling

    return simulate_sampling(_dataset.frame, group=group, target=target, sample_size=size, repeats=repeats, seed=seed)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def sb_shift(sha_reference: str, sha_current: str, target: str | None, _reference: Dataset, _current: Dataset):
    from analysis.sampling_shift import shift

    return shift(_reference.frame, _current.frame, target=target)


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def sb_feature_distribution(sha_reference: str, sha_current: str, feature: str, _reference: Dataset, _current: Dataset):
    from analysis.sampling_shift import feature_distribution

    return feature_distribution(_reference.frame[feature], _current.frame[feature])


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def sb_reweight(sha256: str, margins: tuple, _dataset: Dataset):
    """Post-stratification (one margin) or raking (several); ``margins`` = ((column, ((value, share), ...)), ...)."""
    from analysis.sampling_fix import poststratification_weights, rake

    spec = {col: dict(shares) for col, shares in margins}
    if len(spec) == 1:
        (col, shares), = spec.items()
        return poststratification_weights(_dataset.frame, group=col, reference=shares)
    return rake(_dataset.frame, margins=spec)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def sb_resample(sha256: str, group: str, shares: tuple, n: int | None, replace: bool, seed: int, _dataset: Dataset):
    from analysis.sampling_fix import stratified_resample

    return stratified_resample(_dataset.frame, group=group, reference=dict(shares), n=n, replace=replace, seed=seed)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def sb_fix_download(sha256: str, kind: str, key: tuple, _dataset: Dataset, _fix) -> tuple[bytes, bytes, int]:
    """(CSV bytes, recipe JSON bytes, cells protected) of the weighted or resampled data."""
    from analysis.sampling_fix import resample_csv, weighted_csv

    build = weighted_csv if kind == "weights" else resample_csv
    safe, recipe = build(_dataset.frame, _fix, source_name=_dataset.name, source_sha256=_dataset.sha256)
    return safe.data, recipe, safe.protected_cells
