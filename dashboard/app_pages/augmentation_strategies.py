"""Augmentation lab, strategy sections: templates (editor and preview), strategies side by side, the download.

``render()`` draws the three guarded sections; the Augmentation lab page calls it
after its robustness sections.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.augment import (
    AUGMENTATIONS,
    DEFAULT_AUGMENTATIONS,
    PERTURBATION,
    VERDICT_METRIC,
    AugmentCompareSettings,
    AugmentComparison,
    AugmentProgress,
    AugmentSettings,
    TemplateSet,
    iter_augmentations,
    labels_outside,
)
from analysis.augment.download import DEFAULT_TEST_SIZE
from analysis.models import MODELS
from analysis.rebalance import METRICS
from dashboard import components, sidebar
from dashboard.charts import augmentation_strategies as charts
from dashboard.components import escape_md, guarded
from dashboard.provenance import input_parent
from dashboard.state import augmentation_strategies as state
from dashboard.state import card as card_state
from dashboard.state import features as ft
from dashboard.state.session import ActiveData

__all__ = ["excluded_caption", "render"]


def _label(name: str) -> str:
    return AUGMENTATIONS[name].label


@guarded("Template synthesis")
def _templates(current: ActiveData) -> TemplateSet | None:
    st.subheader("Template synthesis")
    st.caption(
        "Write templates with {slot} names, a label per template and a list of values per slot (JSON). Every "
        "combination becomes a labelled row of the text column; the 'templates' strategy adds them to each training "
        "fold. Nothing you write is run as code: {slot} is replaced by a value, {{ and }} are literal braces."
    )
    use = st.checkbox("Use templates", value=False, key=state.AS_USE_TEMPLATES)
    if not use:
        return None
    text = st.text_area("Templates (JSON)", value=state.EXAMPLE_TEMPLATES, height=260, key=state.AS_TEMPLATES)
    templates = state.as_templates(text)
    n = templates.n_combinations
    st.markdown(f"**{n:,}** rows: " + " + ".join(
        f"{size:,}" for size in templates.sizes()) + " (one term per template: the product of its slot sizes).")
    outside = labels_outside(templates, current.dataset.frame[current.target])
    if outside:
        st.warning("Template labels that are not classes of the target are left out: "
                   + ", ".join(f"'{escape_md(v)}'" for v in outside) + ".", icon=":material/warning:")
    components.table(st, state.as_preview(templates), hide_index=True, key=state.AS_PREVIEW)
    if n > 20:
        st.caption(f"The first 20 of {n:,} rows.")
    return templates


def excluded_caption(excluded: tuple[str, ...]) -> None:
    """Name the suspected leaks the Features page's switch leaves out (the Rebalancing lab's caption)."""
    if excluded:
        st.caption("Suspected leaking features left out (switch on the Features page): "
                   + ", ".join(f"'{escape_md(c)}'" for c in excluded))


def _run(current: ActiveData, settings: AugmentCompareSettings) -> None:
    """Run the comparison with a progress bar; the finished comparison goes to session state."""
    bar = st.progress(0.0, text="Cross-validating the strategies…")
    for event in iter_augmentations(current.dataset.frame, settings):
        if isinstance(event, AugmentProgress):
            bar.progress(event.done / event.total, text=f"{_label(event.strategy)}: fold {event.done} of {event.total}")
        elif isinstance(event, AugmentComparison):
            state.as_store(current.dataset.sha256, settings, event)
    bar.empty()


@guarded("Strategies side by side")
def _compare(current: ActiveData, templates: TemplateSet | None) -> AugmentComparison | None:
    st.subheader("Augmentation strategies side by side")
    st.caption(
        "Each strategy augments the training folds only; every strategy is scored on the same test folds, clean and "
        f"perturbed ({PERTURBATION}). 95% intervals and p-values against no augmentation use the corrected "
        "resampled t-test (Nadeau & Bengio), as in the Rebalancing lab."
    )
    with st.form("as_form"):
        chosen = st.multiselect("Strategies", options=list(AUGMENTATIONS), default=list(DEFAULT_AUGMENTATIONS),
                                format_func=_label, key=state.AS_STRATEGIES,
                                help=" · ".join(f"{s.label}: {s.explanation}" for s in AUGMENTATIONS.values()))
        c1, c2, c3 = st.columns(3)
        model = c1.selectbox("Model", options=list(MODELS), format_func=lambda m: MODELS[m], key=state.AS_MODEL)
        folds = int(c2.number_input("Folds", min_value=2, max_value=10, value=5, key=state.AS_FOLDS))
        seed = int(c3.number_input("Seed", min_value=0, value=0, key=state.AS_SEED))
        run = st.form_submit_button("Compare strategies", type="primary", icon=":material/play_arrow:")
    settings = AugmentCompareSettings(target=current.target, strategies=tuple(chosen) or ("none",), model=model,
                                      folds=folds, seed=seed, templates=templates,
                                      excluded=ft.excluded_columns(current.dataset, current.target))
    excluded_caption(settings.excluded)
    if run:
        _run(current, settings)
    result = state.as_result(current.dataset.sha256, settings)
    if result is None:
        st.info("Choose strategies and press **Compare strategies**.", icon=":material/science:")
        return None
    components.verdict_box(result)
    metrics = list(result.metric_names)
    metric = st.selectbox("Metric", options=metrics, index=metrics.index(VERDICT_METRIC),
                          format_func=lambda m: METRICS[m].label, key=state.AS_METRIC)
    left, right = st.columns(2)
    components.chart(left, charts.clean_vs_perturbed_figure(result, metric=metric), key=state.AS_CHART)
    components.chart(right, charts.strategy_bars_figure(result, metric=metric), key=state.AS_CHART + "_bars")
    frame = result.summary_frame(metric)
    components.table(st, frame, hide_index=True, key=state.AS_TABLE, number_formats={
        "clean mean": "{:.3f}", "perturbed mean": "{:.3f}", "clean p vs none": "{:.3f}",
        "perturbed p vs none": "{:.3f}", "rows added per fold": "{:,.0f}",
    })
    return result


@guarded("Download augmented data")
def _download(current: ActiveData, templates: TemplateSet | None) -> None:
    st.subheader("Download augmented training data")
    dataset = current.dataset
    c1, c2 = st.columns(2)
    strategy = c1.selectbox("Strategy", options=[n for n in AUGMENTATIONS if n != "none"], format_func=_label,
                            key=state.AS_DL_STRATEGY)
    test_size = c2.slider("Untouched holdout (share set aside first)", min_value=0.05, max_value=0.5,
                          value=DEFAULT_TEST_SIZE, step=0.05, key=state.AS_TEST_SIZE)
    settings = AugmentSettings(target=current.target, strategy=strategy, test_size=float(test_size),
                               templates=templates, source_name=dataset.name, source_sha256=dataset.input_sha256,
                               excluded=ft.excluded_columns(dataset, current.target))
    excluded_caption(settings.excluded)
    if st.button("Augment the training data", icon=":material/auto_awesome:", key=state.AS_PREPARE):
        st.session_state[state.AS_PREPARED] = settings
    if st.session_state.get(state.AS_PREPARED) != settings:
        st.info("Choose a strategy and press **Augment the training data** to build the file.",
                icon=":material/auto_awesome:")
        return
    result = state.as_augment(settings, dataset)
    card_state.remember(dataset.sha256, "augment_fix", result)  # the Dataset card lists every fix applied
    components.verdict_box(result)
    download: dict = {}

    def build(protect: bool):
        download.update(state.as_download(settings, protect, dataset, input_parent()))
        return download["safe"]

    components.download_with_protection(
        "Download the augmented data (zip)", build,
        file_name=f"{dataset.name.rsplit('.', 1)[0]}_{strategy}.zip", mime="application/zip",
        key=state.AS_DOWNLOAD, protect_key=state.AS_PROTECT, type="primary",
    )
    st.caption(
        "The zip holds the augmented training CSV (the original columns in their types, plus is_synthetic and "
        "augmentation), the untouched holdout CSV (set aside before augmenting; identical and near-duplicate rows "
        "never straddle it), the recipe JSON, a Python snippet that rebuilds both files byte for byte, and each CSV's provenance "
        "(`dataset-diagnostics verify FILE --provenance FILE.provenance.json --input DATA` re-runs it)."
    )
    components.table(st, pd.concat([result.train.head(5), result.train[result.train["is_synthetic"]].head(5)]),
                     hide_index=True)
    st.code(download["snippet"].decode("utf-8"), language="python")
    r1, r2 = st.columns(2)
    r1.download_button("Download the recipe (JSON)", data=download["recipe"], file_name=f"{download['stem']}_recipe.json",
                       mime="application/json", icon=":material/data_object:", key=state.AS_DOWNLOAD_RECIPE)
    r2.download_button("Download the Python snippet", data=download["snippet"], file_name=f"{download['stem']}_recipe.py",
                       mime="text/x-python", icon=":material/code:", key=state.AS_DOWNLOAD_SNIPPET)


def render(current: ActiveData | None = None) -> None:
    """The strategy sections of the Augmentation lab (each guarded: one failing leaves the others)."""
    current = current if current is not None else sidebar.require_dataset()
    if current.target is None:
        st.info("Pick the target (label) column in the sidebar to compare augmentation strategies.",
                icon=":material/arrow_back:")
        return
    templates = _templates(current)
    _compare(current, templates)
    _download(current, templates)
