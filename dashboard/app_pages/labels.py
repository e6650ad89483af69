"""Labels: how far annotators agree, consensus labels, and rows whose label looks wrong."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from analysis.candidates import annotator_candidates, default_annotators, gold_candidates, label_column_candidates
from analysis.export import SafeCsv
from analysis.labels import (
    CONSENSUS_METHODS,
    LEVELS,
    MODELS,
    Agreement,
    AgreementSettings,
    Consensus,
    ConsensusSettings,
    Corrections,
    LabelIssuesSettings,
    bootstrap_agreement,
    disputed_items,
    suspects,
)
from analysis.provenance import consensus_parameters, corrections_parameters
from dashboard import components, sidebar
from dashboard.charts import labels as charts
from dashboard.components import escape_md, guarded, verdict_box
from dashboard.provenance import protect_on, provenance_button
from dashboard.state import features as ft
from dashboard.state import labels as state
from dashboard.state.session import ActiveData
from sample_data import LABELS_GOLD_COLUMN

_MODES = ("Several annotator columns", "One label column")
_METHOD_NAMES = {"dawid_skene": "Dawid-Skene (models each annotator's reliability)", "majority": "Majority vote (ties reported)"}
_NONE = "— none —"
_DISPUTED_ROWS = 50
_SUSPECT_ROWS = 100
_KAPPA_WEIGHTS = ("unweighted", "linear", "quadratic")


def _fmt(x) -> str:
    return "n/a" if x is None or x != x else f"{x:.3f}"


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _download(label: str, build: Callable[[bool], SafeCsv], file_name: str, key: str, protect_key: str, *,
              dataset, command: str, parameters: Callable[[bool], dict]) -> None:
    """A CSV download with its formula switch, and its provenance (recipe ``command``) beside it."""
    csv = components.download_with_protection(label, build, file_name=file_name, key=key, protect_key=protect_key)
    provenance_button(csv.data, file_name=file_name, command=command, parameters=parameters(protect_on(protect_key)),
                      dataset=dataset, page="Labels", download_key=key, frame=dataset.frame)


def _seed(key: str, value) -> None:
    """A kept widget's first value, set through session state instead of ``default=``.

    ``keep_inputs`` writes kept keys back every run; a widget that also has a
    ``default`` then makes Streamlit log a duplicate-value warning.
    """
    if key not in st.session_state:
        st.session_state[key] = value


def _off(metric_delta: str) -> dict:
    """Keyword arguments of a metric whose delta is a description, not a change."""
    return {"delta": metric_delta, "delta_color": "off", "delta_arrow": "off"}


# --- several annotators ----------------------------------------------------------------
def _agreement_settings(current: ActiveData) -> AgreementSettings:
    """The annotator columns, level and label order the user chose (stops the page until two are chosen)."""
    dataset, schema = current.dataset, current.schema
    left, mid, right = st.columns([3, 1, 2])
    annotators_key = state.LB_ANNOTATORS_PREFIX + dataset.sha256[:16]
    _seed(annotators_key, list(default_annotators(schema)))
    annotators = left.multiselect(
        "Annotator columns",
        annotator_candidates(schema),
        key=annotators_key,
        help="Columns that label the same items (one row per item). Empty cells are skipped ratings. "
        "Pre-filled with the detected annotator group.",
    )
    level = mid.selectbox(
        "Level",
        LEVELS,
        key=state.LB_LEVEL,
        help="nominal: unordered categories. ordinal: ordered (weighted kappas). interval/ratio: numeric distances.",
    )
    if len(annotators) < 2:
        st.info("Pick at least two annotator columns.", icon=":material/arrow_upward:")
        st.stop()
    settings = AgreementSettings(annotators=annotators, level=level)
    if level == "nominal":
        return settings
    with right:
        order = _label_order(current, settings)
    return AgreementSettings(annotators=annotators, level=level, order=order)


def _move(key: str, position: int, step: int) -> None:
    """Swap a label with its neighbour in the stored order (a button callback: runs before the rerun)."""
    order, confirmed = st.session_state[key]
    order = list(order)
    other = position + step
    order[position], order[other] = order[other], order[position]
    st.session_state[key] = (tuple(order), confirmed)


def _confirm(key: str) -> None:
    st.session_state[key] = (st.session_state[key][0], True)


def _label_order(current: ActiveData, settings: AgreementSettings) -> tuple[str, ...] | None:
    """The label order, lowest first: numeric labels by value; text labels as the user put them.

    Text labels have no order the page could guess (alphabetical would be silently wrong):
    the page stops, with no ordinal or interval verdict, until the user confirms an order.
    The order lives in session state under a key of its own (not a widget), so it survives
    a change of page; moves after the first confirmation apply at once.
    """
    dataset = current.dataset
    categories, numeric = state.lb_label_values(dataset.sha256, settings, dataset)
    if numeric:
        st.caption("Numeric labels, ordered by value (lowest → highest): " + " → ".join(escape_md(c) for c in categories))
        return None
    labels = tuple(str(c) for c in categories)
    key = state.LB_ORDER_PREFIX + dataset.sha256[:16] + "_" + "|".join(settings.annotators)
    stored = st.session_state.get(key)
    if stored is None or sorted(stored[0]) != sorted(labels):
        st.session_state[key] = stored = (labels, False)
    order, confirmed = stored
    st.markdown("**Label order** (lowest → highest)")
    with st.container(border=True, key=state.LB_ORDER_BOX):
        for i, name in enumerate(order):
            c_rank, c_label, c_up, c_down = st.columns([1, 5, 1, 1], vertical_alignment="center")
            c_rank.markdown(f"**{i + 1}**")
            c_label.markdown(escape_md(name) + (" *(lowest)*" if i == 0 else " *(highest)*" if i == len(order) - 1 else ""))
            c_up.button(
                "", icon=":material/arrow_upward:", key=f"{state.LB_MOVE_PREFIX}up_{i}", disabled=i == 0,
                on_click=_move, args=(key, i, -1), help=f"Move {name} one place lower",
            )
            c_down.button(
                "", icon=":material/arrow_downward:", key=f"{state.LB_MOVE_PREFIX}down_{i}", disabled=i == len(order) - 1,
                on_click=_move, args=(key, i, 1), help=f"Move {name} one place higher",
            )
    readable = " → ".join(escape_md(o) for o in order)
    if not confirmed:
        st.button("Use this order", icon=":material/check:", type="primary", key=state.LB_ORDER_CONFIRM, on_click=_confirm, args=(key,))
        st.info(
            f"The {settings.level} level needs the order of the labels, and text labels have none the page could "
            f"guess. Put them from lowest to highest (now: {readable}) and click **Use this order**; "
            "no agreement is measured until then.",
            icon=":material/swap_vert:",
        )
        st.stop()
    st.caption(f"Order used, lowest → highest: {readable}")
    return order


@guarded("Agreement")
def _agreement_section(current: ActiveData) -> tuple[AgreementSettings, Agreement] | None:
    dataset = current.dataset
    settings = _agreement_settings(current)
    with st.spinner("Measuring agreement…"):
        r = state.lb_agreement(dataset.sha256, settings, dataset)
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric(
        "Krippendorff's alpha",
        _fmt(r.krippendorff_alpha),
        **_off(r.alpha_verdict),
        help="Uses every pairable rating (items rated at least twice). >= 0.800 reliable; 0.667-0.800 tentative "
        "conclusions only (Krippendorff 2004).",
    )
    m2.metric(
        "Fleiss' kappa",
        _fmt(r.fleiss_kappa),
        **_off(r.fleiss_verdict),
        help="Landis-Koch wording. With unequal numbers of ratings per item, the generalisation to varying "
        "numbers of raters is used.",
    )
    m3.metric("Percent agreement", f"{r.percent_agreement:.1%}", help="Share of agreeing pairs of ratings per item, averaged over items.")
    m4.metric("Unanimous items", f"{r.unanimous_share:.1%}", **_off(f"of {r.n_pairable_items:,} items rated 2+ times"))
    m5.metric("Tied majority votes", f"{r.majority.n_ties:,}", help="Items whose top two labels have the same number of votes.")
    verdict_box(r)
    return settings, r


@guarded("Pairwise agreement")
def _pairwise_section(r: Agreement) -> None:
    st.subheader("Pairwise agreement")
    weights = None
    if r.weighted:
        chosen = st.radio("Kappa", _KAPPA_WEIGHTS, horizontal=True, key=state.LB_KAPPA_WEIGHTS)
        weights = None if chosen == "unweighted" else chosen
    left, right = st.columns([3, 2])
    components.chart(left, charts.kappa_heatmap_figure(r, weights=weights), width="stretch", key=state.LB_KAPPA_HEATMAP)
    components.chart(right, charts.category_agreement_figure(r), width="stretch", key=state.LB_CATEGORY_CHART)
    components.table(st,
        r.pairwise_frame(),
        hide_index=True,
        width="stretch",
        column_config={
            "n_items": st.column_config.NumberColumn("items rated by both", format="localized"),
            "percent_agreement": st.column_config.NumberColumn("agreement", format="percent"),
            "cohen_kappa": st.column_config.NumberColumn("Cohen's kappa", format="%.3f"),
            "cohen_kappa_linear": st.column_config.NumberColumn("linear", format="%.3f"),
            "cohen_kappa_quadratic": st.column_config.NumberColumn("quadratic", format="%.3f"),
            "verdict": st.column_config.TextColumn("Landis-Koch"),
        },
        key=state.LB_PAIRWISE_TABLE,
    )


@guarded("Bootstrap intervals")
def _bootstrap_section(current: ActiveData, settings: AgreementSettings, r: Agreement) -> None:
    with st.form(state.LB_BOOT_FORM):
        st.markdown("**Uncertainty:** 95% bootstrap intervals over items (resampled with replacement, seed 0).")
        _seed(state.LB_BOOT_RESAMPLES, 1000)
        n_resamples = st.select_slider("Resamples", [200, 500, 1000, 2000], key=state.LB_BOOT_RESAMPLES)
        run_boot = st.form_submit_button("Compute intervals", icon=":material/calculate:")
    boot_key = (current.dataset.sha256, settings, n_resamples)
    if run_boot:
        bar = st.progress(0.0, text=f"Bootstrap: 0 of {n_resamples:,} resamples")
        intervals = bootstrap_agreement(
            r, n_resamples=n_resamples, seed=0,
            progress=lambda done, total: bar.progress(done / total, text=f"Bootstrap: {done:,} of {total:,} resamples"),
        )
        st.session_state[state.LB_BOOT_RESULT] = (boot_key, intervals)
        bar.empty()
    stored = st.session_state.get(state.LB_BOOT_RESULT)
    if stored and stored[0] == boot_key:
        components.table(st,
            stored[1].to_frame(),
            hide_index=True,
            width="stretch",
            column_config={"low": st.column_config.NumberColumn(format="%.3f"), "high": st.column_config.NumberColumn(format="%.3f")},
            key=state.LB_BOOT_TABLE,
        )
        st.caption(f"{stored[1].n_resamples:,} resamples, seed {stored[1].seed}, percentile intervals.")


def _consensus_settings(current: ActiveData, annotators: tuple[str, ...]) -> ConsensusSettings:
    c1, c2 = st.columns([1, 1])
    method = c1.radio(
        "Consensus", CONSENSUS_METHODS, format_func=_METHOD_NAMES.get, key=state.LB_CONSENSUS_METHOD, horizontal=True
    )
    gold_options = [_NONE, *gold_candidates(current.schema, annotators)]
    gold = c2.selectbox(
        "Known true labels (optional)",
        gold_options,
        index=gold_options.index(LABELS_GOLD_COLUMN) if LABELS_GOLD_COLUMN in gold_options else 0,
        key=state.LB_GOLD,
        help="A column with trusted labels for some rows: Dawid-Skene fixes those rows and learns each annotator's "
        "errors from them.",
        disabled=method != "dawid_skene",
    )
    return ConsensusSettings(annotators=annotators, method=method, gold=None if gold == _NONE or method != "dawid_skene" else gold)


def _not_converged(consensus: Consensus | None) -> None:
    """A warning box next to the numbers Dawid-Skene estimated, when EM hit its iteration limit."""
    if consensus is not None and consensus.model is not None and not consensus.model.converged:
        verdict_box(consensus.model, text=consensus.model.verdict_text)


@guarded("Consensus")
def _fit_consensus(current: ActiveData, settings: ConsensusSettings) -> Consensus | None:
    with st.spinner("Building the consensus…"):
        return state.lb_consensus(current.dataset.sha256, settings, current.dataset)


@guarded("Annotators")
def _annotators_section(current: ActiveData, r: Agreement) -> tuple[ConsensusSettings, Consensus | None] | None:
    st.subheader("Annotators")
    settings = _consensus_settings(current, r.ratings.annotators)
    consensus = _fit_consensus(current, settings)
    _not_converged(consensus)
    components.chart(st, charts.annotator_agreement_figure(r, consensus), width="stretch", key=state.LB_ANNOTATOR_CHART)
    components.table(st,
        r.annotator_frame(),
        hide_index=True,
        width="stretch",
        column_config={
            "n_ratings": st.column_config.NumberColumn("ratings", format="localized"),
            "agreement_with_others": st.column_config.NumberColumn("with others", format="percent"),
            "mean_kappa_with_others": st.column_config.NumberColumn("mean kappa", format="%.3f"),
            "agreement_with_consensus": st.column_config.NumberColumn("with consensus of others", format="percent"),
            "kappa_with_consensus": st.column_config.NumberColumn("kappa with consensus", format="%.3f"),
            "n_consensus": st.column_config.NumberColumn("items with a consensus", format="localized"),
            "most_confused": st.column_config.TextColumn("most confused (consensus → given)"),
        },
        key=state.LB_ANNOTATOR_TABLE,
    )
    st.markdown("**Confusion between two annotators**")
    annotators = list(r.ratings.annotators)
    p1, p2 = st.columns(2)
    a = p1.selectbox("Rows", annotators, index=0, key=state.LB_PAIR_A)
    b = p2.selectbox("Columns", annotators, index=min(1, len(annotators) - 1), key=state.LB_PAIR_B)
    if a in annotators and b in annotators:
        components.chart(st, charts.annotator_confusion_figure(r.confusion(a, b), a=a, b=b), width="stretch", key=state.LB_CONFUSION_CHART)
    return settings, consensus


@guarded("Items")
def _items_section(current: ActiveData, r: Agreement) -> None:
    st.subheader("Items")
    left, right = st.columns([2, 3])
    components.chart(left, charts.vote_entropy_figure(r), width="stretch", key=state.LB_ENTROPY_CHART)
    right.markdown(f"**The {_DISPUTED_ROWS} most disputed items** (highest vote entropy)")
    components.table(right,
        disputed_items(current.dataset.frame, r, n=_DISPUTED_ROWS),
        hide_index=True,
        width="stretch",
        height=360,
        column_config={
            "majority_share": st.column_config.NumberColumn("majority share", format="percent"),
            "entropy_bits": st.column_config.NumberColumn("entropy (bits)", format="%.2f"),
        },
        key=state.LB_DISPUTED_TABLE,
    )


@guarded("Consensus labels")
def _consensus_section(current: ActiveData, settings: ConsensusSettings, consensus: Consensus) -> None:
    dataset = current.dataset
    st.subheader("Consensus labels")
    summary = consensus.to_dict()
    _not_converged(consensus)
    k1, k2, k3 = st.columns(3)
    k1.metric("Items with a consensus label", f"{summary['n_labelled']:,}", **_off(f"of {summary['n_items']:,}"))
    k2.metric("Mean confidence", _fmt(summary["mean_confidence"]))
    if consensus.method == "majority":
        k3.metric("Left without a label (ties)", f"{summary['n_ties']:,}")
    else:
        k3.metric("Ties settled by the model", f"{summary['n_ties']:,}", help="Items whose majority vote is tied get the label the model finds most probable.")
    for note in consensus.notes:
        st.caption(escape_md(note))
    _download("Download the data with consensus labels",
              lambda protect: state.lb_consensus_csv(dataset.sha256, settings, dataset, protect),
              f"{_stem(dataset.name)}_consensus.csv", state.LB_DOWNLOAD_CONSENSUS, state.LB_PROTECT_CONSENSUS,
              dataset=dataset, command="consensus",
              parameters=lambda protect: consensus_parameters(settings, protect=protect))
    st.caption("All original columns, plus consensus_label, consensus_confidence and consensus_votes.")


def _annotators_mode(current: ActiveData) -> None:
    computed = _agreement_section(current)
    if computed is None:
        return
    settings, r = computed
    _pairwise_section(r)
    _bootstrap_section(current, settings, r)
    annotators = _annotators_section(current, r)
    _items_section(current, r)
    if annotators is not None and annotators[1] is not None:
        _consensus_section(current, *annotators)


# --- one label column --------------------------------------------------------------
def _issues_request(current: ActiveData) -> LabelIssuesSettings | None:
    """The label column and model the user last asked to check on this dataset (None until they ask)."""
    dataset = current.dataset
    candidates = list(label_column_candidates(current.schema))
    default = current.target if current.target in candidates else (candidates[0] if candidates else None)
    with st.form(state.LB_ISSUES_FORM):
        f1, f2 = st.columns([2, 2])
        target = f1.selectbox("Label column", candidates, index=candidates.index(default) if default else None, key=state.LB_TARGET)
        model = f2.selectbox("Model", list(MODELS), format_func=MODELS.get, key=state.LB_MODEL)
        submitted = st.form_submit_button("Find label suspects", icon=":material/search:", type="primary")
    if submitted and target:
        request = (dataset.sha256, LabelIssuesSettings(target=target, model=model))
        if st.session_state.get(state.LB_ISSUES_REQUEST) != request:
            st.session_state[state.LB_ISSUES_RUN] = st.session_state.get(state.LB_ISSUES_RUN, 0) + 1
        st.session_state[state.LB_ISSUES_REQUEST] = request
    stored = st.session_state.get(state.LB_ISSUES_REQUEST)
    if not (stored and stored[0] == dataset.sha256):
        return None
    # The Features page's "exclude suspected leaking features" applies at once, without asking again.
    settings = replace(stored[1], excluded=ft.excluded_columns(dataset, stored[1].target))
    if settings.excluded:
        st.caption("Suspected leaking features left out (switch on the Features page): "
                   + ", ".join(f"'{escape_md(c)}'" for c in settings.excluded))
    return settings


@guarded("Label suspects")
def _issues_section(current: ActiveData) -> None:
    dataset, frame = current.dataset, current.dataset.frame
    settings = _issues_request(current)
    if settings is None:
        st.info(
            "Every row gets a prediction from a model that never saw it (5-fold cross-validation); confident "
            "learning (cleanlab) then flags rows whose given label the rest of the data contradicts.",
            icon=":material/info:",
        )
        return
    with st.spinner(f"Cross-validating a {MODELS[settings.model]} and checking every label…"):
        issues = state.lb_label_issues(dataset.sha256, settings, dataset)
    checked = len(issues.checked_rows)
    q = issues.performance
    n1, n2, n3, n4 = st.columns(4)
    n1.metric("Rows checked", f"{checked:,}", help="Rows with a label.")
    n2.metric(
        "Out-of-fold accuracy",
        f"{q.oof_accuracy:.3f}",
        **_off(f"95% interval {q.accuracy_low:.3f} to {q.accuracy_high:.3f}"),
        help="Share of rows whose label the model, trained without them, predicts (Wilson score interval).",
    )
    n3.metric(
        "Majority-class baseline",
        f"{q.baseline_accuracy:.3f}",
        **_off("always the most common label"),
        help="The model must be clearly better than this (its interval above it) for its doubts to mean anything.",
    )
    n4.metric(
        "Balanced accuracy",
        f"{q.oof_balanced_accuracy:.3f}",
        **_off(f"chance: {q.chance_balanced_accuracy:.3f}"),
        help="Mean recall over the classes, out of fold; any constant answer scores 1 / number of classes.",
    )
    verdict_box(issues)
    st.caption(
        f"Model: {MODELS[issues.model]}, {issues.folds}-fold out-of-fold probabilities; features: "
        + ", ".join(escape_md(f) for f in issues.features)
    )  # the notes: under the verdict box, which writes them
    if not issues.reliable:
        # The model's doubts are noise: no suspects, no accept boxes, no corrected download.
        _conflicts(frame, issues)
        return
    s1, s2 = st.columns(2)
    s1.metric("Label suspects", f"{issues.n_flagged:,}", **_off(f"{issues.n_flagged / max(checked, 1):.1%} of checked rows"))
    s2.metric("Conflicting duplicates", f"{issues.duplicates.conflicting_duplicates:,}", help="Rows whose features equal another row's while the label differs.")
    components.chart(st, charts.label_quality_figure(issues), width="stretch", key=state.LB_QUALITY_CHART)

    st.subheader("Review the suspects")
    table = suspects(frame, issues, n=_SUSPECT_ROWS)
    table.insert(0, "accept", False)
    edited = st.container(key=state.LB_SUSPECTS_EDITOR).data_editor(
        components.clip_frame(table),  # shown clipped; the corrections below read the full values
        hide_index=True,
        width="stretch",
        row_height=state.LB_EDITOR_ROW_HEIGHT,
        disabled=[c for c in table.columns if c != "accept"],
        column_config={
            "accept": st.column_config.CheckboxColumn(
                "accept", help="Replace the given label by the suggested one", width="small"
            ),
            "score": st.column_config.NumberColumn("label quality", format="%.3f"),
            "suggested_probability": st.column_config.NumberColumn("P(suggested)", format="%.3f"),
        },
        key=f"{state.LB_EDITOR_PREFIX}{st.session_state.get(state.LB_ISSUES_RUN, 0)}",
    )
    st.caption(
        f"The {min(issues.n_flagged, _SUSPECT_ROWS):,} most suspicious of {issues.n_flagged:,} flagged rows, lowest "
        "label quality first (row = 0-based data row). Tick 'accept' to use the suggested label."
    )
    accepted = table[edited["accept"].to_numpy(dtype=bool)]
    corrections = Corrections.of(issues.target, dict(zip(accepted["row"].tolist(), accepted["suggested"].tolist())))
    _download(
        f"Download the data with {len(corrections):,} accepted correction{'s' if len(corrections) != 1 else ''}",
        lambda protect: state.lb_corrected_csv(dataset.sha256, corrections, dataset, protect),
        f"{_stem(dataset.name)}_corrected.csv",
        state.LB_DOWNLOAD_CORRECTED,
        state.LB_PROTECT_CORRECTED,
        dataset=dataset,
        command="label-corrections",
        parameters=lambda protect: corrections_parameters(corrections, protect=protect),
    )
    st.caption(
        f"All original columns, plus {escape_md(issues.target + '_corrected')} (accepted suggestions applied) "
        "and label\\_corrected."
    )
    _conflicts(frame, issues)


def _conflicts(frame, issues) -> None:
    if issues.duplicates.conflicting_duplicates:
        with st.expander(f"{issues.duplicates.conflicting_duplicates:,} conflicting duplicate rows"):
            components.table(st, frame.iloc[list(issues.duplicates.conflict_rows[:200])], width="stretch", key=state.LB_CONFLICTS)


def main() -> None:
    st.title("Labels")
    current = sidebar.require_dataset()
    dataset, schema = current.dataset, current.schema
    st.caption(
        f"{escape_md(dataset.name)} · {len(dataset.frame):,} rows. Hand labels are only as good as the agreement "
        "between the people who made them: measure it, build a consensus, and check single labels against the "
        "rest of the data."
    )
    mode_key = state.LB_MODE + dataset.sha256[:16]
    _seed(mode_key, _MODES[0] if schema.annotator_groups else _MODES[1])
    mode = st.segmented_control("What holds the labels?", _MODES, key=mode_key)
    if mode is None:
        st.info("Choose whether the labels come from several annotators or one label column.")
    elif mode == _MODES[0]:
        _annotators_mode(current)
    else:
        _issues_section(current)


main()
