"""Keys and cached wrappers of the Augmentation lab (its robustness sections; prefix "au_")."""

from __future__ import annotations

import streamlit as st

from analysis.io import Dataset
from analysis.robustness import RobustnessSettings
from dashboard.state.session import CACHE_TTL

AU_FORM = "au_rb_form"
AU_MODEL = "au_rb_model"
AU_FOLDS = "au_rb_folds"
AU_SEED = "au_rb_seed"
AU_KINDS = "au_rb_kinds"
AU_SENSITIVITY = "au_rb_sensitivity"
AU_RUN = "au_rb_run"  # (sha256, RobustnessSettings) of the last run the user started (not a widget)
AU_RESULTS = "au_rb_results"  # {(sha256, RobustnessSettings): RobustnessResult}, kept as each run finishes
AU_PARTIAL = "au_rb_partial"  # {(sha256, RobustnessSettings): RobustnessResult of the kinds done}, last run only
AU_METRIC = "au_rb_metric"
AU_CURVES = "au_rb_curves"
AU_FLIPS = "au_rb_flips"
AU_SENSITIVITY_CHART = "au_rb_sensitivity_chart"
AU_CLEAN_TABLE = "au_rb_clean"
AU_FRAGILE_TABLE = "au_rb_fragile"
AU_DOWNLOAD = "au_rb_download"
AU_PROTECT = "au_rb_protect"
#: Finished runs kept per session (each holds per-row arrays of its table).
MAX_RUNS = 4

#: Value widgets kept when the user changes page (dashboard.state.session.keep_inputs).
PERSIST: tuple[str, ...] = (AU_MODEL, AU_FOLDS, AU_SEED, AU_KINDS, AU_SENSITIVITY, AU_METRIC, AU_PROTECT)


@st.cache_resource(max_entries=2, ttl=CACHE_TTL, show_spinner=False)
def au_plan(sha256: str, settings: RobustnessSettings, _dataset: Dataset):
    """The validated robustness plan (features and folds); a resource: never copied, never mutated."""
    from analysis.robustness import plan_robustness

    return plan_robustness(_dataset.frame, settings)


def au_result(run_key: tuple[str, RobustnessSettings]):
    """The finished result of one run (by dataset hash and settings), or ``None``."""
    return st.session_state.get(AU_RESULTS, {}).get(run_key)


def au_store(run_key: tuple[str, RobustnessSettings], result) -> None:
    """Keep a finished result in session state (the last MAX_RUNS runs)."""
    store = dict(st.session_state.get(AU_RESULTS, {}))
    store.pop(run_key, None)
    store[run_key] = result
    while len(store) > MAX_RUNS:
        store.pop(next(iter(store)))
    st.session_state[AU_RESULTS] = store


def au_partial(run_key: tuple[str, RobustnessSettings]):
    """The kinds finished so far of a run that did not finish (a click stopped it), or ``None``."""
    return st.session_state.get(AU_PARTIAL, {}).get(run_key)


def au_store_partial(run_key: tuple[str, RobustnessSettings], result) -> None:
    """Keep the partial result of the running run (only the latest run's)."""
    st.session_state[AU_PARTIAL] = {run_key: result}


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def au_fragile_download(sha256: str, settings: RobustnessSettings, protect: bool, _result, _dataset: Dataset):
    """The fragile rows as safe CSV bytes (original values, analysis.export)."""
    from analysis.robustness import fragile_rows_csv

    return fragile_rows_csv(_result, _dataset, protect_formulas=protect)
