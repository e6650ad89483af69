"""Augmentation lab: how fragile is a model trained on this data (robustness), and which augmentation helps.

This file holds the page's main() and its robustness sections; the augmentation strategies, template
synthesis and the download are drawn by ``augmentation_strategies.render()``.
"""

import time

import streamlit as st

from analysis.rebalance import METRICS, MODELS
from analysis.robustness import (
    FRAGILE_DROP,
    PERTURBATIONS,
    REFERENCE_STRENGTH,
    SENSITIVE_DROP,
    SENSITIVITY,
    RobustnessProgress,
    RobustnessSettings,
    iter_robustness,
)
from dashboard import components, sidebar
from dashboard.app_pages import augmentation_strategies
from dashboard.charts import augmentation as charts
from dashboard.components import escape_md, guarded
from dashboard.state import augmentation as state
from dashboard.state import card as card_state
from dashboard.state import features as ft


def settings_form(dataset, target: str) -> tuple[RobustnessSettings, bool]:
    """The robustness settings, built once from the form; and whether the form was submitted."""
    with st.form(state.AU_FORM):
        kinds = st.multiselect(
            "Perturbations", list(PERTURBATIONS), default=list(PERTURBATIONS), key=state.AU_KINDS,
            format_func=lambda k: f"{k} · {PERTURBATIONS[k].title} ({'/'.join(PERTURBATIONS[k].applies_to)})",
            help="Kinds that do not fit the table's columns (text kinds on a table without text) are skipped "
            "with the reason.",
        )
        c1, c2, c3, c4 = st.columns(4)
        model = c1.selectbox("Model", list(MODELS), key=state.AU_MODEL, format_func=lambda m: f"{m} · {MODELS[m]}")
        folds = int(c2.number_input("Folds", min_value=2, max_value=10, value=5, key=state.AU_FOLDS))
        seed = int(c3.number_input("Seed", min_value=0, max_value=2**31 - 1, value=0, key=state.AU_SEED))
        sensitivity = c4.checkbox("Per-feature sensitivity", value=True, key=state.AU_SENSITIVITY,
                                  help="Perturb one feature at a time (one more prediction per feature and fold).")
        submitted = st.form_submit_button("Run robustness test", type="primary", icon=":material/play_arrow:")
    settings = RobustnessSettings(target=target, model=model, perturbations=tuple(kinds), folds=folds, seed=seed,
                                  sensitivity=bool(sensitivity), excluded=ft.excluded_columns(dataset, target))
    augmentation_strategies.excluded_caption(settings.excluded)
    return settings, submitted


def _progress_text(event: RobustnessProgress, elapsed: float) -> str:
    what = {"fit": "fitting the model", "sensitivity": "per-feature sensitivity"}.get(
        event.stage, f"{PERTURBATIONS[event.stage].title} ladder" if event.stage in PERTURBATIONS else event.stage)
    return f"Fold {event.fold} of {event.folds}: {what} · step {event.done} of {event.total} · {elapsed:,.0f} s"


@guarded("Robustness")
def robustness_section(dataset, settings: RobustnessSettings, submitted: bool) -> None:
    st.subheader("Robustness: how much do perturbed test rows move the scores?")
    if submitted:
        if not settings.perturbations:
            st.error("Choose at least one perturbation.", icon=":material/error:")
            return
        st.session_state[state.AU_RUN] = (dataset.sha256, settings)
    active = st.session_state.get(state.AU_RUN)
    if active is None or active[0] != dataset.sha256 or active[1].target != settings.target:
        st.info("Press **Run robustness test** to start.", icon=":material/play_arrow:")
        return
    result = state.au_result(active)
    if result is None and submitted:
        bar = st.progress(0.0, text="Preparing features, near-duplicate groups and folds…")
        started = time.perf_counter()
        plan = state.au_plan(active[0], active[1], dataset)
        live = st.empty()  # each finished perturbation kind is drawn here while the others run
        for event in iter_robustness(plan):
            if isinstance(event, RobustnessProgress):
                bar.progress(event.done / max(event.total, 1), text=_progress_text(event, time.perf_counter() - started))
                if event.partial is not None:
                    state.au_store_partial(active, event.partial)  # kept even if a click stops the run
                    with live.container():
                        partial_section(event.partial, running=True)
            else:
                result = event
                state.au_store(active, result)  # kept in session state as soon as it finishes
        bar.empty()
        live.empty()
    if result is None:
        partial = state.au_partial(active)
        if partial is not None:
            partial_section(partial, running=False)
        st.info("Press **Run robustness test** to run these settings.", icon=":material/play_arrow:")
        return
    card_state.remember(dataset.sha256, "robustness", result)  # the Dataset card states it
    if active[1] != settings:
        st.caption("Showing the last run; the settings above changed since. Press **Run robustness test** to "
                   "run them.")
    results_section(dataset, active[1], result)


def partial_section(result, *, running: bool) -> None:
    """The perturbation kinds finished so far: verdict and curves (no widgets: drawn again as kinds finish)."""
    done = sorted({p.kind for p in result.perturbations}, key=list(PERTURBATIONS).index)
    st.caption(("First results while the run goes on" if running else "The last run stopped before it finished")
               + f": {', '.join(escape_md(k) for k in done)} done; per-feature sensitivity and the fragile rows "
               "come with the whole run.")
    components.verdict_box(result)
    components.chart(st, charts.robustness_curves_figure(result, metric="balanced_accuracy"), width="stretch")


def results_section(dataset, settings: RobustnessSettings, result) -> None:
    components.verdict_box(result)
    st.caption(
        f"{result.folds}-fold stratified cross-validation (seed {result.seed}), model {MODELS[result.model]}, "
        f"{result.rows_used:,} rows. The model is fitted once per training fold; each test fold is scored clean "
        "and under every perturbation, applied to the raw test rows before the fold's fitted preprocessing, with "
        f"training-fold statistics. Verdict: balanced accuracy at about {REFERENCE_STRENGTH:.0%} strength; "
        f"a drop of {FRAGILE_DROP} or more is fragile, {SENSITIVE_DROP} or more sensitive. Intervals: corrected 95% "
        "(Nadeau & Bengio)."
    )
    for kind, reason in result.skipped.items():
        st.warning(f"**{escape_md(kind)}** skipped: {escape_md(reason)}", icon=":material/block:")
    options = list(result.metric_names)
    if st.session_state.get(state.AU_METRIC) not in options:
        st.session_state.pop(state.AU_METRIC, None)
    metric = st.selectbox("Metric", options, index=options.index("balanced_accuracy"), key=state.AU_METRIC,
                          format_func=lambda m: METRICS[m].label)
    components.chart(st, charts.robustness_curves_figure(result, metric=metric), width="stretch", key=state.AU_CURVES)
    components.table(st, result.to_frame()[["kind", "strength", "flip_rate", f"{metric}_mean", f"{metric}_ci_low",
                                            f"{metric}_ci_high"]],
                     hide_index=True, width="stretch", key=state.AU_CLEAN_TABLE,
                     column_config={"flip_rate": st.column_config.NumberColumn("flip rate", format="percent")})
    components.chart(st, charts.flip_rate_figure(result), width="stretch", key=state.AU_FLIPS)
    sensitivity_section(result)
    fragile_section(dataset, settings, result)
    with st.popover("What do the perturbations do?"):
        for kind in PERTURBATIONS.values():
            st.markdown(f"**{kind.name}** ({'/'.join(kind.applies_to)}): {kind.explanation}")


@guarded("Per-feature sensitivity")
def sensitivity_section(result) -> None:
    if not result.sensitivity:
        return
    st.markdown("**Which features is the model most sensitive to?**")
    components.chart(st, charts.sensitivity_figure(result), width="stretch", key=state.AU_SENSITIVITY_CHART)
    words = {"numeric": "a number", "categorical": "a category", "text": "a text column"}
    st.caption("One feature at a time, " + "; ".join(
        f"{words[kind]}: {PERTURBATIONS[name].title.lower()} at strength {strength:g}"
        for kind, (name, strength) in SENSITIVITY.items()
    ) + ". The drop is the clean balanced accuracy minus the perturbed one, averaged over the folds.")


@guarded("Fragile rows")
def fragile_section(dataset, settings: RobustnessSettings, result) -> None:
    frame = result.fragile_frame()
    st.markdown(f"**Fragile rows**: {len(frame):,} of {result.rows_used:,} rows changed prediction at least once "
                "under perturbation (the fragile region of the decision boundary), most often first.")
    if frame.empty:
        return
    components.table(st, frame.head(200), hide_index=True, width="stretch", key=state.AU_FRAGILE_TABLE,
                     column_config={"flip_share": st.column_config.NumberColumn("flip share", format="percent")})
    name = dataset.name.rsplit(".", 1)[0] + "_fragile_rows.csv"
    components.download_with_protection(
        f"Download the {len(frame):,} fragile rows (original values)",
        lambda protect: state.au_fragile_download(dataset.sha256, settings, protect, result, dataset),
        file_name=name, key=state.AU_DOWNLOAD, protect_key=state.AU_PROTECT,
    )


def main() -> None:
    st.title("Augmentation lab")
    current = sidebar.require_dataset()
    if current.target is None:
        st.info("Pick the target (label) column in the sidebar to test robustness and augmentation.",
                icon=":material/arrow_back:")
        st.stop()
    dataset, target = current.dataset, current.target
    st.caption(
        f"{escape_md(dataset.name)} · target **{escape_md(target)}** · {len(dataset.frame):,} rows. First: how "
        "fragile is a model trained on this data? Perturb the test folds (noise, flips, missing values, typos) "
        "and watch the cross-validated scores."
    )
    form = None
    with components.section("Robustness settings"):
        form = settings_form(dataset, target)
    if form is not None:
        robustness_section(dataset, *form)
    augmentation_strategies.render(current)


main()
