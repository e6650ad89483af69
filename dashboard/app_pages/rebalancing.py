"""Rebalancing lab: compare imbalance fixes leakage-free, pick one, download the fixed data."""

import time

import streamlit as st

from analysis.rebalance import (
    ACCURACY_WARNING,
    DEFAULT_STRATEGIES,
    DEFAULT_TEST_SIZE,
    LARGE_ROWS,
    METRICS,
    MODELS,
    PROBABILITY_NOTE,
    STRATEGIES,
    TEXT_NOTE_START,
    THRESHOLD_OBJECTIVES,
    CompareSettings,
    FixSettings,
    FoldProgress,
    Ranking,
    duration_text,
    iter_comparison,
    per_class_frame,
    rank_strategies,
    results_frame,
)
from dashboard import components, sidebar
from dashboard.charts import rebalancing as charts
from dashboard.components import escape_md, guarded
from dashboard.provenance import PROVENANCE_HELP, input_parent, provenance_key
from dashboard.state import features as ft
from dashboard.state import rebalancing as state


def _metric_column(name: str):
    return st.column_config.NumberColumn(METRICS[name].label, format="%.4f")


def _objective_label(objective: str) -> str:
    return {"f1": "F1 of the minority class", "mcc": "MCC"}.get(
        objective, METRICS[objective].label if objective in METRICS else objective
    )


def settings_form(dataset, target: str) -> tuple[CompareSettings, bool]:
    """The comparison settings, built once from the form; and whether the form was submitted."""
    rows = len(dataset.frame)
    with st.form(state.RB_FORM):
        chosen = st.multiselect(
            "Strategies to compare",
            list(STRATEGIES),
            default=list(DEFAULT_STRATEGIES),
            key=state.RB_STRATEGIES,
            format_func=lambda n: f"{n} · {STRATEGIES[n].label} ({STRATEGIES[n].family})",
            help="The baseline 'none' always runs: every strategy is compared with it on the same folds.",
        )
        c1, c2, c3, c4 = st.columns(4)
        model = c1.selectbox("Model", list(MODELS), key=state.RB_MODEL, format_func=lambda m: f"{m} · {MODELS[m]}")
        folds = int(c2.number_input("Folds", min_value=2, max_value=10, value=5, key=state.RB_FOLDS))
        repeats = int(c3.number_input("Repeats", min_value=1, max_value=5, value=1, key=state.RB_REPEATS,
                                      help="Repeated stratified k-fold: more repeats, narrower intervals, longer runs."))
        seed = int(c4.number_input("Seed", min_value=0, max_value=2**31 - 1, value=0, key=state.RB_SEED))
        sub_on, sub_rows = False, rows
        if rows > state.MIN_SUBSAMPLE:  # a smaller table has nothing to subsample (and the input's minimum)
            s1, s2 = st.columns([1, 1])
            sub_on = s1.checkbox(
                "Evaluate on a stratified subsample", value=rows > LARGE_ROWS,
                key=state.RB_SUBSAMPLE_ON + dataset.sha256[:16],
                help="Neighbour-based samplers are slow on large data. The results say when a subsample was used.",
            )
            sub_rows = int(s2.number_input("Subsample rows", min_value=state.MIN_SUBSAMPLE, max_value=rows,
                                           value=min(rows, LARGE_ROWS), step=1000,
                                           # per dataset: the default and the limit follow its size
                                           key=state.RB_SUBSAMPLE + dataset.sha256[:16]))
        k1, k2 = st.columns([1, 1])
        cost_ratio = k1.number_input(
            "class_weight: cost of a missed minority row (× a majority row)", min_value=0.01, value=None,
            placeholder="balanced (inverse class frequency)", key=state.RB_COST_RATIO,
            help="Binary targets. Leave empty for balanced weights.",
        )
        objective = k2.selectbox("threshold: objective to tune for", list(THRESHOLD_OBJECTIVES),
                                 key=state.RB_OBJECTIVE, format_func=_objective_label)
        group_options = [None, *[c for c in dataset.frame.columns if c != target]]
        if st.session_state.get(state.RB_GROUP) not in group_options:
            st.session_state.pop(state.RB_GROUP, None)  # a column of another dataset
        group = st.selectbox(
            "Group column (optional): rows sharing its value stay on one side of every split", group_options,
            key=state.RB_GROUP, format_func=lambda c: "none" if c is None else str(c),
            placeholder="none (rows with identical features still stay together)",
            help="A patient, user or session column: its rows never sit on both sides of a fold or the test "
            "split. Rows with identical features always stay together, with or without it.",
        )
        submitted = st.form_submit_button("Run comparison", type="primary", icon=":material/play_arrow:")
    settings = CompareSettings(
        target=target, strategies=tuple(chosen), model=model, folds=folds, repeats=repeats, seed=seed,
        subsample=sub_rows if sub_on and sub_rows < rows else None,
        cost_ratio=float(cost_ratio) if cost_ratio is not None else None, threshold_objective=objective,
        group=group, excluded=ft.excluded_columns(dataset, target),
    )
    if settings.excluded:
        st.caption("Suspected leaking features left out (switch on the Features page): "
                   + ", ".join(f"'{escape_md(c)}'" for c in settings.excluded))
    return settings, submitted


@guarded("Run-time estimate")
def estimate_section(dataset, settings: CompareSettings) -> None:
    if not settings.strategies:
        return
    with st.spinner("Timing a pilot fit on this data…"):
        estimate = state.rb_estimate(dataset.sha256, settings, dataset)
    st.caption(
        f"Estimated run time: {estimate.text} on one core ({estimate.range_text}), from timed pilot fits "
        "of each strategy on a stratified sample of this data"
        + (f" (a stratified subsample of {settings.subsample:,} rows)" if settings.subsample else "")
        + f"; the pilot took {estimate.pilot_seconds:.1f} s. The range is how far such estimates "
        f"strayed on real tables (up to {estimate.SPREAD:g}x either way): other work on the machine "
        "slows a run down."
    )
    for warning in estimate.warnings:
        st.warning(warning, icon=":material/hourglass_top:")


def _progress_text(event: FoldProgress, estimate, strategies, elapsed: float) -> str:
    remaining = estimate.remaining(strategies, event, elapsed) if estimate is not None else None
    return (
        f"{STRATEGIES[event.strategy].label}: fold {event.done} of {event.total} "
        f"({event.overall} of {event.overall_total} fits) · {elapsed:,.0f} s elapsed"
        + (f" · {duration_text(remaining)} to go" if remaining is not None else "")
    )


def _live_table(live, plan, finished: dict) -> None:
    so_far = results_frame([finished[n] for n in plan.strategies if n in finished], plan.metric_names)
    components.table(live,
        so_far[["strategy", "family", *plan.metric_names, "skipped"]], hide_index=True, width="stretch",
        column_config={m: _metric_column(m) for m in plan.metric_names},
    )


@guarded("Comparison")
def comparison_section(dataset, settings: CompareSettings, submitted: bool) -> Ranking | None:
    if submitted:
        if not settings.strategies:
            st.error("Choose at least one strategy to compare.", icon=":material/error:")
        else:
            st.session_state[state.RB_RUN] = (dataset.sha256, settings)
    active = st.session_state.get(state.RB_RUN)
    if active is None or active[0] != dataset.sha256 or active[1].target != settings.target:
        return None  # results of another dataset or target are not shown here
    with st.spinner("Preparing features and folds…"):
        plan = state.rb_plan(active[0], active[1], dataset)
    finished = state.rb_results(active)
    if submitted and len(finished) < len(plan.strategies):
        estimate = state.rb_estimate(active[0], active[1], dataset)
        bar = st.progress(0.0, text=f"Starting… (estimated {estimate.text})")
        live = st.empty()  # each strategy's scores as soon as it finishes, before the full report
        started = time.perf_counter()
        # a failure mid-run is shown here; the strategies finished so far are kept and shown below
        with components.section("Running the comparison"):
            # threads, not processes, inside the server: forked workers inherit its signal handlers
            for event in iter_comparison(plan, done=dict(finished), backend="threading"):
                if isinstance(event, FoldProgress):
                    bar.progress(
                        event.overall / max(event.overall_total, 1),
                        text=_progress_text(event, estimate, plan.strategies, time.perf_counter() - started),
                    )
                else:
                    finished[event.name] = event
                    state.rb_store(active, event)  # kept in session state as soon as it finishes
                    _live_table(live, plan, finished)
        bar.empty()
        live.empty()
    results = [finished[n] for n in plan.strategies if n in finished]
    missing = [n for n in plan.strategies if n not in finished]
    if missing and results:
        st.info(
            f"{len(results)} of {len(plan.strategies)} strategies finished; press **Run comparison** to finish "
            f"the rest ({', '.join(missing)}). Finished results are kept.", icon=":material/pending:",
        )
    elif missing:
        st.info("Press **Run comparison** to start.", icon=":material/play_arrow:")
    # the note on free-text columns in a box of its own (the page wrote a shorter box and the note under it)
    text_note = next((n for n in plan.notes if n.startswith(TEXT_NOTE_START)), None)
    if text_note is not None:
        st.info(escape_md(text_note), icon=":material/notes:")
    for note in plan.notes:
        if note is not text_note:
            st.caption(escape_md(note))
    return results_section(plan, results) if results else None


def results_section(plan, results) -> Ranking:
    st.subheader("Which strategies are worth it?")
    metric_options = list(plan.metric_names)
    default_metric = "average_precision" if "average_precision" in metric_options else "balanced_accuracy"
    if st.session_state.get(state.RB_METRIC) not in metric_options:
        st.session_state.pop(state.RB_METRIC, None)  # kept from a target with other metrics
    metric = st.selectbox(
        "Metric you care about", metric_options, index=metric_options.index(default_metric), key=state.RB_METRIC,
        format_func=lambda m: METRICS[m].label,
    )
    if metric == "accuracy":
        st.warning(ACCURACY_WARNING, icon=":material/warning:")
    ranking = rank_strategies(results, metric=metric)
    components.verdict_box(ranking, text=ranking.summary)
    st.caption(
        f"{plan.folds}-fold × {plan.repeats} repeated stratified cross-validation, seed {plan.seed}, model "
        f"{MODELS[plan.model]}, {plan.rows_used:,} rows"
        + (f" (a stratified subsample of {plan.rows_total:,})" if plan.subsample else "")
        + ". 'better'/'worse': Nadeau & Bengio's corrected resampled t-test against the baseline on the same "
        "folds, p < 0.05; otherwise 'no clear difference'. Intervals: corrected 95%."
    )
    components.table(st,
        ranking.frame, hide_index=True, width="stretch", key=state.RB_RANKING,
        number_formats={"p_value": "{:.3f}"},  # the baseline has no p against itself: blank, not "None"
        column_config={
            "mean": _metric_column(metric),
            "ci_low": st.column_config.NumberColumn("95% low", format="%.4f"),
            "ci_high": st.column_config.NumberColumn("95% high", format="%.4f"),
            "difference": st.column_config.NumberColumn("vs baseline", format="%+.4f"),
            "p_value": st.column_config.TextColumn("p", alignment="right"),
        },
    )
    components.chart(st, charts.rebalance_metric_figure(results, metric=metric), width="stretch", key=state.RB_METRIC_CHART)
    for r in results:
        if not r.ok:
            st.warning(f"**{r.name}** skipped: {escape_md(r.skipped)}", icon=":material/block:")
    st.markdown("**All metrics** (mean across folds; accuracy is listed but hides the minority class)")
    table = results_frame(results, plan.metric_names)
    components.table(st,
        table[["strategy", "family", *plan.metric_names, "skipped"]], hide_index=True, width="stretch",
        key=state.RB_ALL_METRICS, column_config={m: _metric_column(m) for m in plan.metric_names},
    )
    st.markdown("**Per-class precision and recall** (means across folds)")
    components.table(st,
        per_class_frame(results), hide_index=True, width="stretch", key=state.RB_PER_CLASS,
        column_config={
            "precision": st.column_config.NumberColumn(format="%.3f"),
            "recall": st.column_config.NumberColumn(format="%.3f"),
        },
    )
    ran = [r for r in results if r.ok]
    if plan.prevalence is not None and ran:
        left, right = st.columns(2)
        components.chart(left, charts.pr_curves_figure(ran, prevalence=plan.prevalence), width="stretch", key=state.RB_PR)
        components.chart(right, charts.calibration_figure(ran), width="stretch", key=state.RB_CALIBRATION)
        st.info(PROBABILITY_NOTE, icon=":material/info:")
    if ran:
        components.chart(st, charts.confusion_matrices_figure(ran, classes=plan.space.classes), width="stretch",
                        key=state.RB_CONFUSION)
    with st.popover("What do the strategies do?"):
        for r in results:
            st.markdown(f"**{r.name}** ({r.family}): {r.explanation}")
    return ranking


#: The strategy the fix section offers before a comparison has suggested one.
DEFAULT_FIX = "smote"


def _follow_suggestion(suggested: str | None, options: list[str], data: str) -> None:
    """Point the strategy picker at the comparison's suggestion when it changes (a new suggestion for this
    table, or the first for a table), unless the user picked another strategy by hand since the picker last
    followed one for this table: a choice made after seeing a suggestion is never overwritten."""
    last = st.session_state.get(state.RB_FIX_SUGGESTED)  # (table's SHA-256, strategy) last followed
    if suggested is None or suggested not in options or last == (data, suggested):
        return
    by_hand = last is not None and last[0] == data and st.session_state.get(state.RB_FIX_STRATEGY) != last[1]
    if not by_hand:
        st.session_state[state.RB_FIX_STRATEGY] = suggested
    st.session_state[state.RB_FIX_SUGGESTED] = (data, suggested)


@guarded("Apply a fix")
def fix_section(dataset, target: str, compare: CompareSettings, ranking: Ranking | None = None) -> None:
    st.subheader("Apply a fix and download it")
    fix_options = [n for n in STRATEGIES if n != "none"]
    _follow_suggestion(ranking.suggestion if ranking is not None else None, fix_options, dataset.sha256)
    f1, f2, f3 = st.columns([2, 1, 1])
    fix_name = f1.selectbox(
        "Strategy to apply", fix_options, index=fix_options.index(DEFAULT_FIX), key=state.RB_FIX_STRATEGY,
        format_func=lambda n: f"{n} · {STRATEGIES[n].label}",
    )
    if ranking is not None:
        st.caption(escape_md(ranking.suggestion_text()))
    warning = ranking.warning_for(fix_name) if ranking is not None else None
    if warning:
        st.warning(escape_md(warning), icon=":material/trending_down:")
    holdout = f2.toggle("Holdout-safe mode", value=True, key=state.RB_HOLDOUT,
                        help="Set a stratified test split aside first and resample only the training part. "
                        "Rows with identical values (and rows of one group, if you chose a group column) "
                        "stay on one side.")
    test_size = f3.slider("Test share", 0.1, 0.5, DEFAULT_TEST_SIZE, 0.05, key=state.RB_TEST_SIZE,
                          disabled=not holdout)
    add_syn = st.checkbox("Add an is_synthetic column", value=False, key=state.RB_IS_SYNTHETIC)
    settings = FixSettings(
        target=target, strategy=fix_name, test_size=test_size if holdout else None, seed=compare.seed,
        model=compare.model, add_is_synthetic=add_syn, source_name=dataset.name,
        source_sha256=dataset.input_sha256, source_steps=dataset.steps, group=compare.group, excluded=compare.excluded,
    )
    if st.button(f"Apply {fix_name}", type="primary", icon=":material/build:", key=state.RB_APPLY_FIX):
        st.session_state[state.RB_FIX_RUN] = settings
    asked = st.session_state.get(state.RB_FIX_RUN)
    if asked != settings:
        st.info(
            ("The settings changed since the last fix: press " if asked is not None and
             asked.source_sha256 == dataset.input_sha256 else "Press ")
            + f"**Apply {fix_name}** to build the fixed data and its download.", icon=":material/build:",
        )
        return
    with st.spinner(f"Applying {fix_name}…"):
        fix = state.rb_fix(settings, dataset)

    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Training rows after", f"{len(fix.train):,}")
    m2.metric("Synthetic rows", f"{fix.n_synthetic:,}")
    m3.metric("Rows removed", f"{fix.n_removed:,}")
    m4.metric("Untouched test rows", f"{len(fix.test):,}" if fix.test is not None else "none")
    if fix.threshold is not None:
        st.success(f"Chosen threshold: predict the minority class when its probability is at least **{fix.threshold:.4f}**.")
    for note in fix.notes:
        st.caption(escape_md(note))
    left, right = st.columns(2)
    components.chart(left, charts.fix_counts_figure(fix), width="stretch", key=state.RB_FIX_COUNTS)
    if fix.projection is not None:
        components.chart(right, charts.projection_figure(fix.projection), width="stretch", key=state.RB_PROJECTION)
        right.caption(fix.projection.note)
    stem = settings.source_name.rsplit(".", 1)[0] + f"_{settings.strategy}"
    name = f"{stem}.zip" if fix.test is not None else f"{stem}.csv"
    download: dict = {}

    def build(protect: bool):
        download.update(state.rb_fix_download(settings, protect, dataset, input_parent()))
        return download["safe"]

    components.download_with_protection(
        f"Download {name}", build, file_name=name, mime="application/zip" if fix.test is not None else "text/csv",
        key=state.RB_DOWNLOAD, protect_key=state.RB_PROTECT, type="primary",
    )
    if fix.test is None:
        st.download_button("Download its provenance (JSON)", data=download["provenance"],
                           file_name=f"{name}.provenance.json", mime="application/json", icon=":material/verified:",
                           key=provenance_key(state.RB_DOWNLOAD), on_click="ignore", help=PROVENANCE_HELP)
    st.caption(
        ("The zip holds the fixed training CSV, the untouched test CSV, each one's provenance "
         "(`dataset-diagnostics verify` checks it), the recipe JSON and a Python snippet. "
         if fix.test is not None else "")
        + "The CSV keeps the original columns, in order; synthetic rows are written in each column's format."
    )
    st.markdown("**Recipe**: the settings, and a Python snippet with imbalanced-learn that reproduces the fix")
    st.code(fix.snippet, language="python")
    st.json(fix.recipe, expanded=False)
    r1, r2 = st.columns(2)
    r1.download_button("Download the recipe (JSON)", data=download["recipe"], file_name=f"{download['stem']}_recipe.json",
                       mime="application/json", icon=":material/data_object:", key=state.RB_DOWNLOAD_RECIPE)
    r2.download_button("Download the Python snippet", data=download["snippet"], file_name=f"{download['stem']}_recipe.py",
                       mime="text/x-python", icon=":material/code:", key=state.RB_DOWNLOAD_SNIPPET)


def main() -> None:
    st.title("Rebalancing lab")
    current = sidebar.require_dataset()
    if current.target is None:
        st.info("Pick the target (label) column in the sidebar to compare rebalancing strategies.",
                icon=":material/arrow_back:")
        st.stop()
    dataset, target = current.dataset, current.target
    rows = len(dataset.frame)
    st.caption(
        f"{escape_md(dataset.name)} · target **{escape_md(target)}** · {rows:,} rows. Each strategy is "
        "cross-validated as one pipeline (imputation, scaling, one-hot, TF-IDF of text, the sampler, the model), so resampling "
        "only ever touches training folds and every score comes from untouched original rows."
    )
    form = None
    with components.section("Comparison settings"):
        form = settings_form(dataset, target)
    if form is None:
        return
    settings, submitted = form
    estimate_section(dataset, settings)
    ranking = comparison_section(dataset, settings, submitted)
    fix_section(dataset, target, settings, ranking)


main()
