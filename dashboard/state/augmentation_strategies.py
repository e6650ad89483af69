"""Keys and cached wrappers of the Augmentation lab's strategy sections (strategies, templates, download)."""

from __future__ import annotations

import json

import streamlit as st

from analysis.augment import AugmentCompareSettings, AugmentSettings, TemplateSet
from analysis.io import Dataset
from dashboard.state.session import CACHE_TTL

AS_STRATEGIES = "as_strategies"
AS_MODEL = "as_model"
AS_FOLDS = "as_folds"
AS_SEED = "as_seed"
AS_USE_TEMPLATES = "as_use_templates"
AS_TEMPLATES = "as_templates_json"
AS_RUN = "as_run"  # button
AS_RESULTS = "as_results"  # {(sha256, AugmentCompareSettings): AugmentComparison}, at most 4
AS_METRIC = "as_metric"
AS_CHART = "as_chart"
AS_TABLE = "as_table"
AS_PREVIEW = "as_preview"
AS_DL_STRATEGY = "as_dl_strategy"
AS_TEST_SIZE = "as_test_size"
AS_PROTECT = "as_protect"
AS_PREPARE = "as_prepare"  # button
AS_PREPARED = "as_prepared"  # the AugmentSettings of the last file the user asked for (not a widget)
AS_DOWNLOAD = "as_download"
AS_DOWNLOAD_RECIPE = "as_download_recipe"
AS_DOWNLOAD_SNIPPET = "as_download_snippet"

#: Value widgets kept when the user changes page (dashboard.state.session.keep_inputs).
PERSIST: tuple[str, ...] = (
    AS_STRATEGIES, AS_MODEL, AS_FOLDS, AS_SEED, AS_USE_TEMPLATES, AS_TEMPLATES, AS_METRIC, AS_DL_STRATEGY,
    AS_TEST_SIZE, AS_PROTECT,
)

#: What the template editor starts with (a worked example for the reviews sample).
EXAMPLE_TEMPLATES = json.dumps({
    "column": "text",
    "templates": [
        {"template": "The {item} stopped working after {time}. Asked for a refund.", "label": "negative"},
        {"template": "Love the {item}, {praise}.", "label": "positive"},
    ],
    "slots": {"item": ["charger", "kettle", "jacket"], "time": ["a day", "a week"],
              "praise": ["works great", "five stars", "worth every penny"]},
}, indent=2)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def as_templates(text: str) -> TemplateSet:
    """The template set written in the editor (TemplateError for a bad one)."""
    from analysis.augment import load_templates

    return load_templates(text)


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def as_preview(templates: TemplateSet, rows: int = 20):
    """The first ``rows`` generated rows (text, label)."""
    from analysis.augment import synthesize

    return synthesize(templates).head(rows)


def as_result(sha256: str, settings: AugmentCompareSettings):
    """The finished comparison of these settings on this dataset, or None (kept in session state)."""
    return st.session_state.get(AS_RESULTS, {}).get((sha256, settings))


def as_store(sha256: str, settings: AugmentCompareSettings, result) -> None:
    store = dict(st.session_state.get(AS_RESULTS, {}))
    store[(sha256, settings)] = result
    while len(store) > 4:
        store.pop(next(iter(store)))
    st.session_state[AS_RESULTS] = store


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def as_augment(settings: AugmentSettings, _dataset: Dataset):
    """The augmented training table of these settings (``settings.source_sha256`` keys the dataset)."""
    from analysis.augment import apply_augmentation

    return apply_augmentation(_dataset.frame, settings)


@st.cache_data(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def as_download(settings: AugmentSettings, protect: bool, _dataset: Dataset, parent: bytes | None = None) -> dict:
    """{"name", "data", "safe", "recipe", "snippet", "stem"}: a zip of the augmented CSV, the holdout and the recipe.

    Each CSV's provenance (``analysis.provenance``, recipe ``augment`` with the CLI's
    parameters, so ``dataset-diagnostics verify --input`` re-runs it) is inside the zip.
    """
    from analysis.augment import augment_csvs, augment_files
    from analysis.export import combine, zip_bytes
    from analysis.provenance import augment_parameters, provenance_for, provenance_name

    result = as_augment(settings, _dataset)
    stem = settings.source_name.rsplit(".", 1)[0] + f"_{settings.strategy}"
    csvs = augment_csvs(result, base_name=stem, protect_formulas=protect, source=_dataset)
    files = augment_files(result, base_name=stem, protect_formulas=protect, source=_dataset)
    parameters = augment_parameters(settings, protect=protect)
    parts = {"train": (f"{stem}.csv", result.train), "test": (f"{stem}_holdout.csv", result.test)}
    for role, (name, frame) in parts.items():
        if name in csvs:
            record = provenance_for(csvs[name].data, file_name=name, command="augment", parameters=parameters,
                                    source=_dataset, written_by="dashboard: Augmentation lab", frame=frame,
                                    synthetic=0 if role == "test" else None, role=role, parent=parent)
            files[provenance_name(name)] = record.to_json()
    data = zip_bytes(files)
    return {"name": f"{stem}.zip", "data": data, "safe": combine(data, list(csvs.values())),
            "recipe": files[f"{stem}_recipe.json"], "snippet": files[f"{stem}_recipe.py"], "stem": stem}
