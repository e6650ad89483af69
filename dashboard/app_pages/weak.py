"""Weak supervision: labeling functions, their statistics, a label model, and labeled data to download."""

import streamlit as st

from analysis import DiagnosticsError
from analysis.weak_lfs import (
    KINDS,
    LabelingFunction,
    check_lfs,
    lfs_from_json,
    lfs_from_table,
    lfs_to_json,
    lfs_to_table,
)
from dashboard import sidebar, state
from dashboard.charts import weak as charts

_MODES = ("Build labeling functions", "LF columns in the data")
_NONE = "— none —"
_KIND_NAMES = {
    "keywords": "Text contains any of these keywords",
    "above": "Number is above a threshold",
    "below": "Number is below a threshold",
    "equals": "Value is one of these",
}
# Starting point for the bundled reviews sample (plain keyword rules on the review text).
_DEMO = {
    "reviews_annotated.csv": (
        LabelingFunction("praise", "keywords", "text", "positive",
                         keywords=("great", "love", "brilliant", "five stars", "would recommend", "very pleased")),
        LabelingFunction("complaint", "keywords", "text", "negative",
                         keywords=("refund", "worst", "awful", "poor", "avoid", "never arrived"), whole_word=True),
        LabelingFunction("lukewarm", "keywords", "text", "neutral",
                         keywords=("okay", "average", "three stars", "nothing special", "decent")),
    )
}


def _pct(x) -> str:
    return "n/a" if x is None or x != x else f"{x:.1%}"


def _split(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


st.title("Weak supervision")
current = sidebar.require_dataset()

dataset, schema = current.dataset, current.schema
frame = dataset.frame
columns = [str(c) for c in frame.columns]
sha = dataset.sha256[:16]
st.caption(
    f"`{dataset.name}` · {len(frame):,} rows. Write simple labeling functions (LFs) that vote a label or abstain; "
    "see how much they cover and where they disagree; combine them into one training label per row with a label "
    "model that learns how accurate each LF is."
)

mode = st.segmented_control("Where do the labeling functions come from?", _MODES, default=_MODES[0], key=state.WS_MODE)
if mode is None:
    st.info("Choose whether to build LFs here or use LF columns already in the data.")
    st.stop()

s1, s2, s3 = st.columns([2, 3, 2])
gold_options = [_NONE] + columns
gold = s1.selectbox(
    "Gold labels (optional)",
    gold_options,
    index=gold_options.index("gold_label") if "gold_label" in gold_options else 0,
    key=state.WS_GOLD + "_" + sha,
    help="A column with trusted labels for some rows (empty where unknown): gives each LF's empirical accuracy, "
    "and anchors the label model (those rows keep their gold label).",
)
gold = None if gold == _NONE else gold
building = mode == _MODES[0]
seed_column = gold or current.target
default_classes = ""
if building and seed_column is not None:
    default_classes = ", ".join(state.ws_column_values(dataset.sha256, seed_column, dataset))
classes_text = s2.text_input(
    "Classes (comma-separated)",
    value=default_classes,
    key=state.WS_CLASSES_PREFIX + sha + ("_build" if building else "_columns"),
    help="Every label an LF may assign. Pre-filled from the gold column (or the target). In 'LF columns' mode, "
    "leave empty to use every label the columns hold.",
)
classes = _split(classes_text)
prior_text = s3.text_input(
    "Class balance prior (optional)",
    key=state.WS_PRIOR,
    placeholder="e.g. positive=0.45, negative=0.3, neutral=0.25",
    help="Fix the class balance the label model assumes. Empty: it is estimated from the votes.",
)

# --- the LFs -----------------------------------------------------------------------------------
if building:
    lf_key = state.WS_LFS_PREFIX + sha
    version_key = lf_key + "_version"
    base = st.session_state.setdefault(lf_key, [])
    version = st.session_state.get(version_key, 0)

    def _replace(new_lfs: list) -> None:
        """Store a new LF list; the table editor starts afresh from it (its edits are already included)."""
        st.session_state[lf_key] = new_lfs
        st.session_state[version_key] = version + 1

    st.subheader("Labeling functions")
    current = base
    if base:
        table = lfs_to_table(check_lfs(base))
        edited = st.data_editor(
            table,
            key=f"ws_editor_{sha}_{version}",
            hide_index=True,
            width="stretch",
            num_rows="dynamic",
            disabled=["kind", "column"],
            column_config={
                "name": st.column_config.TextColumn("name", required=True),
                "kind": st.column_config.TextColumn("rule"),
                "label": st.column_config.SelectboxColumn(
                    "assigns label", options=sorted(set(classes) | {str(lf["label"]) for lf in base}), required=True
                ),
                "terms": st.column_config.TextColumn("keywords / values", help="Comma-separated; plain text, case-insensitive."),
                "whole_word": st.column_config.CheckboxColumn("whole words"),
                "threshold": st.column_config.NumberColumn("threshold", help="For 'above' / 'below' rules (strict)."),
            },
        )
        try:
            current = [lf.to_dict() for lf in lfs_from_table(edited)]
        except DiagnosticsError as exc:
            st.error(f"{exc} The last valid LF set is used until this is fixed.", icon=":material/error:")
        st.caption("Edit names, labels, keywords and thresholds in the table (the summary follows); select rows and press "
                   "Delete to drop LFs. Add new ones with the form below.")
    if not classes:
        st.info("Type the classes first (comma-separated): each LF assigns one of them.", icon=":material/arrow_upward:")
    text_columns = [c.name for c in schema.columns if str(c.role) == "text"] if schema else []
    with st.form("ws_add_form", clear_on_submit=True, border=True):
        f1, f2, f3, f4 = st.columns([2, 3, 2, 2])
        name = f1.text_input("LF name", placeholder="e.g. praise")
        kind = f2.selectbox("Rule", KINDS, format_func=_KIND_NAMES.get)
        column = f3.selectbox("Column", columns, index=columns.index(text_columns[0]) if text_columns else 0)
        label = f4.selectbox("Assigns label", classes, index=0 if classes else None)
        g1, g2, g3 = st.columns([5, 2, 2])
        terms = g1.text_input(
            "Keywords or values (comma-separated)",
            placeholder="great, five stars, love it",
            help="Keywords: plain text, case-insensitive (no regular expressions). 'Value is one of' compares as text.",
        )
        threshold = g2.number_input("Threshold", value=0.0, format="%g", help="For the 'above' and 'below' rules (strict).")
        whole = g3.checkbox("Whole words only", help="'great' then matches 'Great!' but not 'greatest'.")
        add = st.form_submit_button("Add labeling function", icon=":material/add:", type="primary")
    if add:
        spec = {"name": name, "kind": kind, "column": column, "label": label}
        if kind == "keywords":
            spec.update(keywords=_split(terms), whole_word=whole)
        elif kind in ("above", "below"):
            spec["threshold"] = threshold
        else:
            spec["values"] = _split(terms)
        try:
            check_lfs(current + [spec])
        except DiagnosticsError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            _replace(current + [check_lfs([spec])[0].to_dict()])
            st.rerun()

    demo = _DEMO.get(dataset.name)
    b1, b2, b3 = st.columns([2, 2, 3])
    if demo and not current and b1.button("Start from the demo LFs", icon=":material/auto_awesome:", key="ws_demo"):
        _replace([lf.to_dict() for lf in demo])
        st.rerun()
    loaded = b3.file_uploader("Load an LF set (JSON)", type=["json"], key="ws_load")
    if loaded is not None and st.session_state.get(state.WS_LOADED) != loaded.file_id:
        try:
            from_file = [lf.to_dict() for lf in lfs_from_json(loaded.getvalue())]
        except DiagnosticsError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            st.session_state[state.WS_LOADED] = loaded.file_id
            _replace(from_file)
            st.rerun()
    if not current:
        st.info("Add a labeling function above" + (", or start from the demo LFs." if demo else "."), icon=":material/info:")
        st.stop()
    checked = check_lfs(current)
    remove = b1.multiselect("Remove LFs", [lf.name for lf in checked], key=state.WS_REMOVE, placeholder="Choose LFs to remove")
    if remove and b1.button("Remove selected", icon=":material/delete:", key="ws_remove_button"):
        _replace([lf for lf in current if lf["name"] not in remove])
        st.rerun()
    spec_json = lfs_to_json(checked)
    b2.download_button(
        "Save the LF set (JSON)",
        data=spec_json.encode("utf-8"),
        file_name=f"{dataset.name.rsplit('.', 1)[0]}_lfs.json",
        mime="application/json",
        icon=":material/save:",
        key="ws_save",
    )
    for lf in checked:
        st.caption(f"**{lf.name}**: {lf.describe()}")
    fit_args = ("build", spec_json, "", gold, tuple(classes) or None, prior_text or "")
else:
    st.subheader("Labeling-function columns")
    c1, c2 = st.columns([4, 1])
    default = [c for c in (schema.annotator_groups[0] if schema and schema.annotator_groups else []) if c != gold]
    default = default or [c for c in columns if c.lower().startswith("lf") and c != gold]
    picked = c1.multiselect(
        "LF columns",
        [c for c in columns if c != gold],
        default=default,
        key=state.WS_COLUMNS_PREFIX + sha,
        help="One column per LF: each cell is a label, the abstain value, or empty (abstain).",
    )
    abstain = c2.text_input("Abstain value", value="-1", key=state.WS_ABSTAIN, help="Cells with this value (or empty) are no vote.")
    if not picked:
        st.info("Pick the LF columns.", icon=":material/arrow_upward:")
        st.stop()
    fit_args = ("columns", "\x1f".join(picked), abstain, gold, tuple(classes) or None, prior_text or "")

try:
    with st.spinner("Summarising the LFs and fitting the label model…"):
        result = state.ws_weak_labels(dataset.sha256, *fit_args, dataset)
except DiagnosticsError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()

summary, model = result.summary, result.model
d = model.to_dict()
st.subheader("Summary")
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Total coverage", _pct(summary.total_coverage), f"{int(round(summary.total_coverage * summary.n_items)):,} rows",
          delta_color="off", delta_arrow="off", help="Rows at least one LF labels.")
m2.metric("Overlap", _pct(summary.overlap), help="Rows two or more LFs label.")
m3.metric("Conflict", _pct(summary.conflict), help="Rows whose LF votes disagree.")
m4.metric("Majority-vote ties", f"{model.majority.n_ties:,}", help="Rows whose top labels have equally many votes: "
          "majority vote cannot decide them, the label model can.")
m5.metric("Label model agrees with majority vote", _pct(model.agreement_with_majority),
          help="Share of the rows with a (non-tied) majority vote where the label model picks the same label.")
if model.gold_accuracy:
    g = model.gold_accuracy
    a1, a2, a3 = st.columns(3)
    a1.metric("Gold rows with a majority vote", f"{g['n_gold_majority']:,}", help="Gold rows that majority vote labels (no tie).")
    a2.metric("Majority vote accuracy on gold", _pct(g["majority_vote"]))
    a3.metric("Label model accuracy on gold", _pct(g["label_model_same_items"]),
              help="Same rows; measured with a fit that did not see the gold labels, so it is not graded on answers it was given.")
for name in summary.silent:
    st.warning(f"The LF '{name}' matches no row: check its keywords, column or threshold.", icon=":material/warning:")
for note in model.notes:
    st.caption(note)

table = result.to_frame()
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "coverage": st.column_config.NumberColumn(format="percent"),
        "overlaps": st.column_config.NumberColumn(format="percent"),
        "conflicts": st.column_config.NumberColumn(format="percent"),
        "n_votes": st.column_config.NumberColumn("votes", format="localized"),
        "empirical_accuracy": st.column_config.NumberColumn("empirical accuracy", format="percent"),
        "learned_accuracy": st.column_config.NumberColumn("learned accuracy", format="percent"),
    },
    key="ws_summary_table",
)
st.caption(
    "Snorkel's definitions: coverage = share of rows the LF labels; overlaps = share it labels and another LF labels "
    "too; conflicts = share it labels and another LF labels differently. Correct/incorrect count its votes on gold rows."
)

left, right = st.columns([3, 2])
left.plotly_chart(charts.lf_coverage_figure(summary), width="stretch", key="ws_coverage_chart")
right.plotly_chart(charts.vote_balance_figure(summary), width="stretch", key="ws_balance_chart")
left, right = st.columns(2)
left.plotly_chart(charts.lf_conflict_heatmap_figure(summary), width="stretch", key="ws_conflict_chart")
right.plotly_chart(charts.lf_accuracy_figure(model), width="stretch", key="ws_accuracy_chart")

st.subheader("Labels")
l1, l2, l3 = st.columns(3)
l1.metric("Rows labelled", f"{d['n_labelled']:,}", f"{_pct(d['coverage'])} of {summary.n_items:,}", delta_color="off", delta_arrow="off")
l2.metric("Mean confidence", _pct(d["mean_confidence"]), help="Mean posterior probability of the chosen label.")
l3.metric("EM iterations", f"{model.n_iter}", "converged" if model.converged else "not converged", delta_color="off", delta_arrow="off")
st.caption(
    "Label model: Dawid-Skene EM over the LF votes (the same EM as the Labels page), with abstaining modelled "
    "as an outcome, so an LF that only ever votes one label still tells the model something. Class priors: "
    + ", ".join(f"{k} {v:.3f}" for k, v in d["class_priors"].items())
    + (" (fixed)." if model.prior_fixed else " (estimated).")
)
st.plotly_chart(charts.label_model_agreement_figure(model), width="stretch", key="ws_agreement_chart")

csv = state.ws_labeled_csv(dataset.sha256, *fit_args, dataset)
st.download_button(
    "Download the data with weak labels",
    data=csv.data,
    file_name=f"{dataset.name.rsplit('.', 1)[0]}_weak_labels.csv",
    mime="text/csv",
    icon=":material/download:",
    type="primary",
    key="ws_download",
)
where = "empty" if model.matrix.abstain is None else f"{model.matrix.abstain!r}"
st.caption(
    f"All original columns, plus weak_label ({where} where no LF fired) and weak_confidence. "
    + (f"{csv.protected_cells:,} text cells that a spreadsheet would run as formulas were prefixed with '." if csv.protected_cells else "")
)
