"""Keys and cached wrappers of the Rebalancing lab."""

from __future__ import annotations

import streamlit as st

from analysis.io import Dataset
from analysis.rebalance import CompareSettings, FixSettings
from dashboard.state.session import CACHE_TTL

RB_RESULTS = "rb_results"  # {run key: {strategy name: StrategyResult}}, filled as each strategy finishes
RB_RUN = "rb_run"  # (sha256, CompareSettings) of the last comparison the user started
RB_STRATEGIES = "rb_strategies"
RB_MODEL = "rb_model"
RB_FOLDS = "rb_folds"
RB_REPEATS = "rb_repeats"
RB_SEED = "rb_seed"
RB_SUBSAMPLE_ON = "rb_subsample_on_"  # + sha256[:16]: default and limit follow the dataset
RB_SUBSAMPLE = "rb_subsample_"  # + sha256[:16]
MIN_SUBSAMPLE = 100  # the smallest subsample offered; a table this small is never subsampled
RB_METRIC = "rb_rank_by"
RB_FIX_STRATEGY = "rb_fix_strategy"
RB_HOLDOUT = "rb_holdout"
RB_TEST_SIZE = "rb_test_size"
RB_IS_SYNTHETIC = "rb_is_synthetic"
RB_PROTECT = "rb_protect"
RB_COST_RATIO = "rb_cost_ratio"
RB_OBJECTIVE = "rb_objective"
RB_FORM = "rb_form"
RB_METRIC_CHART = "rb_metric_chart"
RB_RANKING = "rb_ranking"
RB_ALL_METRICS = "rb_all_metrics"
RB_PER_CLASS = "rb_per_class"
RB_PR = "rb_pr_curves"
RB_CALIBRATION = "rb_calibration"
RB_CONFUSION = "rb_confusion"
RB_FIX_COUNTS = "rb_fix_counts"
RB_PROJECTION = "rb_projection"
RB_DOWNLOAD = "rb_download"
RB_DOWNLOAD_RECIPE = "rb_download_recipe"
RB_DOWNLOAD_SNIPPET = "rb_download_snippet"
RB_GROUP = "rb_group"
RB_APPLY_FIX = "rb_apply_fix"  # button
RB_FIX_RUN = "rb_fix_run"  # the FixSettings of the last fix the user asked for (not a widget)
RB_FIX_SUGGESTED = "rb_fix_suggested"  # (table SHA-256, strategy) the picker last followed (not a widget)

#: Value widgets kept when the user changes page (dashboard.state.session.keep_inputs).
PERSIST: tuple[str, ...] = (
    RB_STRATEGIES, RB_MODEL, RB_FOLDS, RB_REPEATS, RB_SEED, RB_SUBSAMPLE_ON, RB_SUBSAMPLE, RB_COST_RATIO,
    RB_OBJECTIVE, RB_GROUP, RB_METRIC, RB_FIX_STRATEGY, RB_HOLDOUT, RB_TEST_SIZE, RB_IS_SYNTHETIC, RB_PROTECT,
)


@st.cache_resource(max_entries=2, ttl=CACHE_TTL, show_spinner=False)
def rb_plan(sha256: str, settings: CompareSettings, _dataset: Dataset):
    """The validated comparison plan (features and folds); a resource: never copied, never mutated."""
    from analysis.rebalance import plan_comparison

    return plan_comparison(_dataset.frame, settings)


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def rb_estimate(sha256: str, settings: CompareSettings, _dataset: Dataset):
    """The run-time estimate from timed pilot fits on this data (analysis.rebalance.pilot_estimate)."""
    from analysis.rebalance import pilot_estimate

    return pilot_estimate(rb_plan(sha256, settings, _dataset))


def rb_results(run_key: tuple[str, CompareSettings]) -> dict:
    """Finished strategy results of one run (by settings): {name: StrategyResult}, a copy."""
    return dict(st.session_state.get(RB_RESULTS, {}).get(run_key, {}))


def rb_store(run_key: tuple[str, CompareSettings], result) -> None:
    """Keep one finished strategy result in session state (results of other runs are kept too, at most 4 runs)."""
    store = dict(st.session_state.get(RB_RESULTS, {}))
    runs = dict(store.get(run_key, {}))
    runs[result.name] = result
    store[run_key] = runs
    while len(store) > 4:
        store.pop(next(iter(store)))
    st.session_state[RB_RESULTS] = store


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def rb_fix(settings: FixSettings, _dataset: Dataset):
    """The fix of these settings (``settings.source_sha256`` keys the dataset)."""
    from analysis.rebalance import apply_fix

    return apply_fix(_dataset.frame, settings)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def rb_fix_download(settings: FixSettings, protect: bool, _dataset: Dataset, parent: bytes | None = None) -> dict:
    """{"name", "data", "mime", "safe", "provenance", ...}: a zip with the test split, else the CSV alone.

    ``safe`` is the download as a SafeCsv (what formula protection found and changed).
    Original rows carry the uploaded text; synthetic rows follow each column's format.
    Each CSV's provenance (``analysis.provenance``, recipe ``fix`` with the CLI's
    parameters) is inside the zip; ``provenance`` is the CSV's own, for a download alone.
    """
    from analysis.export import combine, zip_bytes
    from analysis.provenance import fix_parameters, provenance_for, provenance_name
    from analysis.rebalance import fix_csvs, fix_files

    fix = rb_fix(settings, _dataset)
    stem = settings.source_name.rsplit(".", 1)[0] + f"_{settings.strategy}"
    csvs = fix_csvs(fix, base_name=stem, protect_formulas=protect, source=_dataset)
    files = fix_files(fix, base_name=stem, protect_formulas=protect, csvs=csvs)
    recipe = {"recipe": files[f"{stem}_recipe.json"], "snippet": files[f"{stem}_recipe.py"], "stem": stem}
    parameters = fix_parameters(settings, protect=protect)
    parts = {"train": (f"{stem}.csv", fix.train, fix.n_synthetic), "test": (f"{stem}_test.csv", fix.test, 0)}
    for role, (name, frame, synthetic) in parts.items():
        if name in csvs:
            record = provenance_for(csvs[name].data, file_name=name, command="fix", parameters=parameters,
                                    source=_dataset, written_by="dashboard: Rebalancing lab", frame=frame,
                                    synthetic=synthetic, role=role, parent=parent)
            files[provenance_name(name)] = record.to_json()
    provenance = {"provenance": files[provenance_name(f"{stem}.csv")]}
    if fix.test is not None:
        data = zip_bytes(files)
        return {"name": f"{stem}.zip", "data": data, "mime": "application/zip",
                "safe": combine(data, list(csvs.values())), **recipe, **provenance}
    return {"name": f"{stem}.csv", "data": files[f"{stem}.csv"], "mime": "text/csv", "safe": csvs[f"{stem}.csv"],
            **recipe, **provenance}
