"""Labels: how far annotators agree, consensus labels, and rows whose label looks wrong."""

import hashlib

import streamlit as st

from analysis import DiagnosticsError
from analysis.labels import LEVELS, bootstrap_agreement, disputed_items, landis_koch
from analysis.labels_issues import MODELS, suspects
from dashboard import sidebar, state
from dashboard.charts import labels as charts

_MODES = ("Several annotator columns", "One label column")
_ALPHA_BOX = {"reliable": st.success, "tentative": st.warning, "unreliable": st.error, "undefined": st.info}
_METHOD_NAMES = {"dawid_skene": "Dawid-Skene (models each annotator's reliability)", "majority": "Majority vote (ties reported)"}
_NONE = "— none —"
_DISPUTED_ROWS = 50
_SUSPECT_ROWS = 100


def _fmt(x) -> str:
    return "n/a" if x is None or x != x else f"{x:.3f}"


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


st.title("Labels")
current = sidebar.require_dataset()

dataset, schema = current.dataset, current.schema
frame = dataset.frame
columns = [str(c) for c in frame.columns]
st.caption(
    f"`{dataset.name}` · {len(frame):,} rows. Hand labels are only as good as the agreement between the "
    "people who made them: measure it, build a consensus, and check single labels against the rest of the data."
)
mode = st.segmented_control(
    "What holds the labels?", _MODES, default=_MODES[0] if schema.annotator_groups else _MODES[1], key=state.LB_MODE + dataset.sha256[:16]
)
if mode is None:
    st.info("Choose whether the labels come from several annotators or one label column.")
    st.stop()

# --- several annotators ------------------------------------------------------------
if mode == _MODES[0]:
    key = state.LB_ANNOTATORS_PREFIX + dataset.sha256[:16]
    default = list(schema.annotator_groups[0]) if schema.annotator_groups else []
    left, mid, right = st.columns([3, 1, 2])
    annotators = left.multiselect(
        "Annotator columns",
        columns,
        default=default,
        key=key,
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
    try:
        labels = state.lb_label_values(dataset.sha256, tuple(annotators), dataset)
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    order = None
    if level != "nominal":
        order = right.multiselect(
            "Label order (lowest first)",
            [str(v) for v in labels],
            default=[str(v) for v in labels],
            key=state.LB_ORDER_PREFIX + dataset.sha256[:16] + "_" + "|".join(annotators),
            help="Remove and re-add labels to reorder them: the order of the chips is the order used. "
            "Numeric labels are ordered by value.",
        )
    try:
        with st.spinner("Measuring agreement…"):
            result = state.lb_agreement(dataset.sha256, tuple(annotators), level, tuple(order) if order else None, dataset)
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()

    r = result
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric(
        "Krippendorff's alpha",
        _fmt(r.krippendorff_alpha),
        r.alpha_verdict,
        delta_color="off",
        delta_arrow="off",
        help="Uses every pairable rating (items rated at least twice). >= 0.800 reliable; 0.667-0.800 tentative "
        "conclusions only (Krippendorff 2004).",
    )
    m2.metric(
        "Fleiss' kappa",
        _fmt(r.fleiss_kappa),
        landis_koch(r.fleiss_kappa),
        delta_color="off",
        delta_arrow="off",
        help="Landis-Koch wording. With unequal numbers of ratings per item, the generalisation to varying "
        "numbers of raters is used.",
    )
    m3.metric("Percent agreement", f"{r.percent_agreement:.1%}", help="Share of agreeing pairs of ratings per item, averaged over items.")
    m4.metric("Unanimous items", f"{r.unanimous_share:.1%}", f"of {r.n_pairable_items:,} items rated 2+ times", delta_color="off", delta_arrow="off")
    m5.metric("Tied majority votes", f"{r.majority.n_ties:,}", help="Items whose top two labels have the same number of votes.")
    lead, _, rest = r.alpha_text.partition(":")
    _ALPHA_BOX[r.alpha_verdict](f"**{lead}:**{rest}" if rest else r.alpha_text)
    for note in r.notes:
        st.caption(note)

    st.subheader("Pairwise agreement")
    weights = None
    if r.weighted:
        weights = st.radio("Kappa", ["unweighted", "linear", "quadratic"], horizontal=True, key="lb_kappa_weights")
        weights = None if weights == "unweighted" else weights
    left, right = st.columns([3, 2])
    left.plotly_chart(charts.kappa_heatmap_figure(r, weights=weights), width="stretch", key="lb_kappa_heatmap")
    right.plotly_chart(charts.category_agreement_figure(r), width="stretch", key="lb_category_chart")
    st.dataframe(
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
        key="lb_pairwise_table",
    )

    with st.form("lb_boot_form"):
        st.markdown("**Uncertainty:** 95% bootstrap intervals over items (resampled with replacement, seed 0).")
        n_resamples = st.select_slider("Resamples", [200, 500, 1000, 2000], value=1000, key=state.LB_BOOT_RESAMPLES)
        run_boot = st.form_submit_button("Compute intervals", icon=":material/calculate:")
    boot_key = (dataset.sha256, tuple(annotators), level, tuple(order or ()), n_resamples)
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
        st.dataframe(
            stored[1].to_frame(),
            hide_index=True,
            width="stretch",
            column_config={"low": st.column_config.NumberColumn(format="%.3f"), "high": st.column_config.NumberColumn(format="%.3f")},
            key="lb_boot_table",
        )
        st.caption(f"{stored[1].n_resamples:,} resamples, seed {stored[1].seed}, percentile intervals.")

    st.subheader("Annotators")
    c1, c2 = st.columns([1, 1])
    method = c1.radio(
        "Consensus", list(_METHOD_NAMES), format_func=_METHOD_NAMES.get, key=state.LB_CONSENSUS_METHOD, horizontal=True
    )
    gold_options = [_NONE] + [c for c in columns if c not in annotators]
    gold = c2.selectbox(
        "Known true labels (optional)",
        gold_options,
        index=gold_options.index("gold_label") if "gold_label" in gold_options else 0,
        key=state.LB_GOLD,
        help="A column with trusted labels for some rows: Dawid-Skene fixes those rows and learns each annotator's "
        "errors from them.",
        disabled=method != "dawid_skene",
    )
    gold = None if gold == _NONE or method != "dawid_skene" else gold
    try:
        with st.spinner("Building the consensus…"):
            consensus = state.lb_consensus(dataset.sha256, tuple(annotators), method, gold, dataset)
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")
        consensus = None
    st.plotly_chart(charts.annotator_agreement_figure(r, consensus), width="stretch", key="lb_annotator_chart")
    st.dataframe(
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
        key="lb_annotator_table",
    )

    st.markdown("**Confusion between two annotators**")
    p1, p2 = st.columns(2)
    a = p1.selectbox("Rows", annotators, index=0, key=state.LB_PAIR_A)
    b = p2.selectbox("Columns", annotators, index=min(1, len(annotators) - 1), key=state.LB_PAIR_B)
    if a in annotators and b in annotators:
        st.plotly_chart(charts.annotator_confusion_figure(r.confusion(a, b), a=a, b=b), width="stretch", key="lb_confusion_chart")

    st.subheader("Items")
    left, right = st.columns([2, 3])
    left.plotly_chart(charts.vote_entropy_figure(r), width="stretch", key="lb_entropy_chart")
    right.markdown(f"**The {_DISPUTED_ROWS} most disputed items** (highest vote entropy)")
    right.dataframe(
        disputed_items(frame, r, n=_DISPUTED_ROWS),
        hide_index=True,
        width="stretch",
        height=360,
        column_config={
            "majority_share": st.column_config.NumberColumn("majority share", format="percent"),
            "entropy_bits": st.column_config.NumberColumn("entropy (bits)", format="%.2f"),
        },
        key="lb_disputed_table",
    )

    if consensus is not None:
        st.subheader("Consensus labels")
        summary = consensus.to_dict()
        k1, k2, k3 = st.columns(3)
        k1.metric("Items with a consensus label", f"{summary['n_labelled']:,}", f"of {summary['n_items']:,}", delta_color="off", delta_arrow="off")
        k2.metric("Mean confidence", _fmt(summary["mean_confidence"]))
        if consensus.method == "majority":
            k3.metric("Left without a label (ties)", f"{summary['n_ties']:,}")
        else:
            k3.metric("Ties settled by the model", f"{summary['n_ties']:,}", help="Items whose majority vote is tied get the label the model finds most probable.")
        for note in consensus.notes:
            st.caption(note)
        csv = state.lb_consensus_csv(dataset.sha256, tuple(annotators), method, gold, dataset)
        st.download_button(
            "Download the data with consensus labels",
            data=csv.data,
            file_name=f"{_stem(dataset.name)}_consensus.csv",
            mime="text/csv",
            icon=":material/download:",
            key="lb_download_consensus",
        )
        st.caption(
            "All original columns, plus consensus_label, consensus_confidence and consensus_votes. "
            + (
                f"{csv.protected_cells:,} text cells that a spreadsheet would run as formulas start with an "
                "apostrophe in the file (CSV-injection protection)."
                if csv.protected_cells
                else ""
            )
        )

# --- one label column ------------------------------------------------------------
else:
    candidates = list(schema.target_candidates) + [c for c in columns if c not in schema.target_candidates]
    default = current.target if current.target in candidates else (candidates[0] if candidates else None)
    with st.form("lb_issues_form"):
        f1, f2 = st.columns([2, 2])
        target = f1.selectbox("Label column", candidates, index=candidates.index(default) if default else None, key=state.LB_TARGET)
        model = f2.selectbox("Model", list(MODELS), format_func=MODELS.get, key=state.LB_MODEL)
        submitted = st.form_submit_button("Find label suspects", icon=":material/search:", type="primary")
    if submitted and target:
        st.session_state[state.LB_ISSUES_REQUEST] = (dataset.sha256, target, model)
    request = st.session_state.get(state.LB_ISSUES_REQUEST)
    if not request or request[0] != dataset.sha256:
        st.info(
            "Every row gets a prediction from a model that never saw it (5-fold cross-validation); confident "
            "learning (cleanlab) then flags rows whose given label the rest of the data contradicts.",
            icon=":material/info:",
        )
        st.stop()
    _, target, model = request
    try:
        with st.spinner(f"Cross-validating a {MODELS[model]} and checking every label…"):
            issues = state.lb_label_issues(dataset.sha256, target, model, dataset)
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    checked = len(issues.checked_rows)
    n1, n2, n3 = st.columns(3)
    n1.metric("Rows checked", f"{checked:,}", help="Rows with a label.")
    n2.metric("Label suspects", f"{issues.n_flagged:,}", f"{issues.n_flagged / max(checked, 1):.1%} of checked rows", delta_color="off", delta_arrow="off")
    n3.metric("Conflicting duplicates", f"{issues.duplicates.conflicting_duplicates:,}", help="Rows whose features equal another row's while the label differs.")
    st.caption(
        f"Model: {MODELS[issues.model]}, {issues.folds}-fold out-of-fold probabilities; features: "
        + ", ".join(f"`{f}`" for f in issues.features)
    )
    for note in issues.notes:
        st.caption(note)
    st.plotly_chart(charts.label_quality_figure(issues), width="stretch", key="lb_quality_chart")

    st.subheader("Review the suspects")
    table = suspects(frame, issues, n=_SUSPECT_ROWS)
    table.insert(0, "accept", False)
    editor_key = state.LB_EDITOR_PREFIX + hashlib.sha256(repr(request).encode()).hexdigest()[:12]
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=[c for c in table.columns if c != "accept"],
        column_config={
            "accept": st.column_config.CheckboxColumn("accept", help="Replace the given label by the suggested one"),
            "score": st.column_config.NumberColumn("label quality", format="%.3f"),
            "suggested_probability": st.column_config.NumberColumn("P(suggested)", format="%.3f"),
        },
        key=editor_key,
    )
    st.caption(
        f"The {min(issues.n_flagged, _SUSPECT_ROWS):,} most suspicious of {issues.n_flagged:,} flagged rows, lowest "
        "label quality first (row = 0-based data row). Tick 'accept' to use the suggested label."
    )
    accepted = edited[edited["accept"]]
    corrections = tuple(zip(accepted["row"].tolist(), accepted["suggested"].tolist()))
    corrected = state.lb_corrected_csv(dataset.sha256, target, corrections, dataset)
    st.download_button(
        f"Download the data with {len(corrections):,} accepted correction{'s' if len(corrections) != 1 else ''}",
        data=corrected.data,
        file_name=f"{_stem(dataset.name)}_corrected.csv",
        mime="text/csv",
        icon=":material/download:",
        key="lb_download_corrected",
    )
    st.caption(
        f"All original columns, plus `{target}_corrected` (accepted suggestions applied) and `label_corrected`."
    )
    if issues.duplicates.conflicting_duplicates:
        with st.expander(f"{issues.duplicates.conflicting_duplicates:,} conflicting duplicate rows"):
            st.dataframe(frame.iloc[list(issues.duplicates.conflict_rows[:200])], width="stretch", key="lb_conflicts")
