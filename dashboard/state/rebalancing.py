"""Keys and cached wrappers of the Rebalancing lab."""

from __future__ import annotations

import streamlit as st

from analysis.io import Dataset
from dashboard.state.session import CACHE_TTL

RB_RESULTS = "rb_results"  # {run key: {strategy name: StrategyResult}}, filled as each strategy finishes
RB_RUN = "rb_run"  # the settings (run key) of the last comparison the user started
RB_STRATEGIES = "rb_strategies"
RB_MODEL = "rb_model"
RB_FOLDS = "rb_folds"
RB_REPEATS = "rb_repeats"
RB_SEED = "rb_seed"
RB_SUBSAMPLE_ON = "rb_subsample_on_"  # + sha256[:16]: default and limit follow the dataset
RB_SUBSAMPLE = "rb_subsample_"  # + sha256[:16]
RB_METRIC = "rb_metric"
RB_FIX_STRATEGY = "rb_fix_strategy"
RB_HOLDOUT = "rb_holdout"
RB_TEST_SIZE = "rb_test_size"
RB_IS_SYNTHETIC = "rb_is_synthetic"
RB_PROTECT = "rb_protect"
RB_COST_RATIO = "rb_cost_ratio"
RB_OBJECTIVE = "rb_objective"


@st.cache_resource(max_entries=2, ttl=CACHE_TTL, show_spinner=False)
def rb_plan(sha256: str, target: str, strategies: tuple, model: str, folds: int, repeats: int, seed: int,
            subsample: int | None, cost_ratio: float | None, threshold_objective: str, _dataset: Dataset):
    """The validated comparison plan (features and folds); a resource: never copied, never mutated."""
    from analysis.rebalance import plan_comparison

    return plan_comparison(_dataset.frame, target=target, strategies=list(strategies), model=model, folds=folds,
                           repeats=repeats, seed=seed, subsample=subsample, cost_ratio=cost_ratio,
                           threshold_objective=threshold_objective)


def rb_results(run_key: tuple) -> dict:
    """Finished strategy results of one run (by settings): {name: StrategyResult}, a copy."""
    return dict(st.session_state.get(RB_RESULTS, {}).get(run_key, {}))


def rb_store(run_key: tuple, result) -> None:
    """Keep one finished strategy result in session state (results of other runs are kept too, at most 4 runs)."""
    store = dict(st.session_state.get(RB_RESULTS, {}))
    runs = dict(store.get(run_key, {}))
    runs[result.name] = result
    store[run_key] = runs
    while len(store) > 4:
        store.pop(next(iter(store)))
    st.session_state[RB_RESULTS] = store


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def rb_fix(sha256: str, target: str, strategy: str, test_size: float | None, seed: int, model: str,
           add_is_synthetic: bool, source_name: str, _dataset: Dataset):
    from analysis.rebalance import apply_fix

    return apply_fix(_dataset.frame, target=target, strategy=strategy, test_size=test_size, seed=seed, model=model,
                     add_is_synthetic=add_is_synthetic, source_name=source_name, source_sha256=sha256)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def rb_fix_download(sha256: str, target: str, strategy: str, test_size: float | None, seed: int, model: str,
                    add_is_synthetic: bool, source_name: str, protect: bool, _dataset: Dataset) -> dict:
    """{"name": file name, "data": bytes, "mime": type}: a zip with the test split, else the CSV alone."""
    from analysis.rebalance import fix_files, fix_zip

    fix = rb_fix(sha256, target, strategy, test_size, seed, model, add_is_synthetic, source_name, _dataset)
    stem = source_name.rsplit(".", 1)[0] + f"_{strategy}"
    files = fix_files(fix, base_name=stem, protect_formulas=protect)
    recipe = {"recipe": files[f"{stem}_recipe.json"], "snippet": files[f"{stem}_recipe.py"], "stem": stem}
    if fix.test is not None:
        return {"name": f"{stem}.zip", "data": fix_zip(fix, base_name=stem, protect_formulas=protect),
                "mime": "application/zip", **recipe}
    return {"name": f"{stem}.csv", "data": files[f"{stem}.csv"], "mime": "text/csv", **recipe}
