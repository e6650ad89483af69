"""Session-state keys and cached wrappers around the analysis layer.

Caches are keyed on the SHA-256 of the file's bytes (never on a DataFrame,
which Streamlit hashes from a sample of rows), and bounded so uploads do not
grow memory forever. Parsed datasets live in ``st.cache_resource``: the same
object is handed to every rerun instead of being unpickled each time (a
million-row frame would take seconds); the analysis layer never mutates it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

import sample_data
from analysis import DiagnosticsError, Overview, Schema, infer_schema, load_csv, overview
from analysis.io import Dataset

# --- session-state keys (page prefix "app_": shared by every page) ----------
UPLOAD = "app_upload"
SAMPLE = "app_sample"
UPLOAD_HASH = "app_upload_hash"  # (file_id, sha256) of the current upload, hashed once
ACTIVE = "app_active"  # ActiveData of this rerun, set by the sidebar
TARGET_PREFIX = "app_target_"  # + sha256[:16]: one target choice per dataset

CACHE_TTL = 2 * 60 * 60


@dataclass(frozen=True)
class ActiveData:
    """What the sidebar resolved for this rerun; pages read it, never widgets."""

    dataset: Dataset | None
    schema: Schema | None
    target: str | None
    source: str  # "sample" or "upload"
    error: str | None = None


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def load_dataset(sha256: str, name: str, _data: bytes) -> Dataset:
    """Parse uploaded bytes once per distinct content (``_data`` is not hashed; ``sha256`` is the key)."""
    return load_csv(_data, name=name)


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def load_sample(name: str) -> Dataset:
    return load_csv(sample_data.sample_path(name), name=name)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def get_schema(sha256: str, _dataset: Dataset) -> Schema:
    return infer_schema(_dataset.frame)


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def get_overview(sha256: str, target: str, cv_folds: int, _dataset: Dataset, _schema: Schema) -> Overview:
    return overview(_dataset, target=target, schema=_schema, cv_folds=cv_folds)


def upload_sha256(uploaded) -> str:
    """SHA-256 of an upload, computed once per upload (Streamlit's file_id) and kept in session state."""
    cached = st.session_state.get(UPLOAD_HASH)
    if cached and cached[0] == uploaded.file_id:
        return cached[1]
    digest = hashlib.sha256(uploaded.getbuffer()).hexdigest()
    st.session_state[UPLOAD_HASH] = (uploaded.file_id, digest)
    return digest


def target_key(dataset: Dataset) -> str:
    return TARGET_PREFIX + dataset.sha256[:16]


def active() -> ActiveData:
    """The active dataset, schema and target (set by the sidebar on every rerun)."""
    return st.session_state.get(ACTIVE) or ActiveData(None, None, None, "sample", "No dataset is loaded.")


__all__ = [
    "ACTIVE",
    "ActiveData",
    "DiagnosticsError",
    "SAMPLE",
    "TARGET_PREFIX",
    "UPLOAD",
    "active",
    "get_overview",
    "get_schema",
    "load_dataset",
    "load_sample",
    "target_key",
    "upload_sha256",
]


# --- Sampling bias page (prefix "sb_") -----------------------------------------
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


# --- Labels page (prefix "lb_") ----------------------------------------------
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


# --- Weak supervision page (prefix "ws_") ------------------------------------------
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
    from analysis.weak import WeakLabels, label_model, lf_matrix, lf_summary, parse_class_prior
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


# --- rebalancing lab (page prefix "rb_") -------------------------------------------
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
    from analysis.rebalance_fix import apply_fix

    return apply_fix(_dataset.frame, target=target, strategy=strategy, test_size=test_size, seed=seed, model=model,
                     add_is_synthetic=add_is_synthetic, source_name=source_name, source_sha256=sha256)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def rb_fix_download(sha256: str, target: str, strategy: str, test_size: float | None, seed: int, model: str,
                    add_is_synthetic: bool, source_name: str, protect: bool, _dataset: Dataset) -> dict:
    """{"name": file name, "data": bytes, "mime": type}: a zip with the test split, else the CSV alone."""
    from analysis.rebalance_fix import fix_files, fix_zip

    fix = rb_fix(sha256, target, strategy, test_size, seed, model, add_is_synthetic, source_name, _dataset)
    stem = source_name.rsplit(".", 1)[0] + f"_{strategy}"
    files = fix_files(fix, base_name=stem, protect_formulas=protect)
    recipe = {"recipe": files[f"{stem}_recipe.json"], "snippet": files[f"{stem}_recipe.py"], "stem": stem}
    if fix.test is not None:
        return {"name": f"{stem}.zip", "data": fix_zip(fix, base_name=stem, protect_formulas=protect),
                "mime": "application/zip", **recipe}
    return {"name": f"{stem}.csv", "data": files[f"{stem}.csv"], "mime": "text/csv", **recipe}
