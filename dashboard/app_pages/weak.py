"""Weak supervision: labeling functions, their statistics, a label model, and labeled data to download."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import sample_data
from analysis import DiagnosticsError
from analysis.candidates import weak_gold_default, weak_lf_column_defaults, weak_lf_column_options, weak_text_column
from analysis.provenance import weak_parameters
from analysis.weak import (
    LF_KINDS,
    LabelModelSettings,
    LFColumns,
    LFSet,
    WeakLabels,
    lf_from_inputs,
    lfs_from_table,
    lfs_to_table,
    split_list,
)
from analysis.wording import count_noun
from dashboard import components, sidebar
from dashboard.charts import weak as charts
from dashboard.components import escape_md, guarded, severity_box
from dashboard.provenance import protect_on, provenance_button
from dashboard.state import card as card_state
from dashboard.state import weak as state
from dashboard.state.session import ActiveData

_MODES = ("Build labeling functions", "LF columns in the data")
_NONE = "— none —"


@dataclass(frozen=True)
class _Choices:
    """What the user chose above the LFs: where they come from, gold column, classes, prior text."""

    building: bool
    gold: str | None
    classes: tuple[str, ...]
    prior_text: str


def _pct(x) -> str:
    return "n/a" if x is None or x != x else f"{x:.1%}"


def _header(current: ActiveData) -> None:
    dataset = current.dataset
    st.caption(
        f"{escape_md(dataset.name)} · {len(dataset.frame):,} rows. Write simple labeling functions (LFs) that vote a "
        "label or abstain; see how much they cover and where they disagree; combine them into one training label per "
        "row with a label model that learns how accurate each LF is."
    )


def _choices(current: ActiveData) -> _Choices:
    """Mode, gold column, classes and class prior (the row of inputs above the LFs)."""
    dataset = current.dataset
    columns = [str(c) for c in dataset.frame.columns]
    sha = dataset.sha256[:16]
    mode = st.segmented_control("Where do the labeling functions come from?", _MODES, default=_MODES[0], key=state.WS_MODE)
    if mode is None:
        st.info("Choose whether to build LFs here or use LF columns already in the data.")
        st.stop()
    s1, s2, s3 = st.columns([2, 3, 2])
    gold_options = [_NONE] + columns
    default_gold = weak_gold_default(columns)
    gold = s1.selectbox(
        "Gold labels (optional)",
        gold_options,
        index=gold_options.index(default_gold) if default_gold else 0,
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
    prior_text = s3.text_input(
        "Class balance prior (optional)",
        key=state.WS_PRIOR,
        placeholder="e.g. yes=0.2, no=0.8",  # short enough for the narrow column
        help="Fix the class balance the label model assumes, one class=share per class, comma-separated (e.g. "
        "positive=0.45, negative=0.3, neutral=0.25). Empty: it is estimated from the votes and, with gold labels, "
        "replaced by the gold rows' shares when they reject the estimate.",
    )
    return _Choices(building, gold, tuple(split_list(classes_text) or ()), prior_text or "")


# --- building LFs ------------------------------------------------------------------------------
def _lf_key(sha: str) -> str:
    return state.WS_LFS_PREFIX + sha


def _replace(sha: str, new_lfs: list) -> None:
    """Store a new LF list; the table editor starts afresh from it (its edits are already included)."""
    key = _lf_key(sha)
    st.session_state[key] = new_lfs
    st.session_state[key + state.WS_LFS_VERSION_SUFFIX] = st.session_state.get(key + state.WS_LFS_VERSION_SUFFIX, 0) + 1


def _lf_table(sha: str, base: list, classes: tuple[str, ...]) -> list:
    """The editable table of the LFs built so far; returns the LFs as edited (the last valid set on error)."""
    current = base
    if not base:
        return current
    version = st.session_state.get(_lf_key(sha) + state.WS_LFS_VERSION_SUFFIX, 0)
    edited = st.data_editor(
        lfs_to_table(LFSet.of(base).lfs),
        key=f"{state.WS_EDITOR_PREFIX}{sha}_{version}",
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
        st.error(f"{escape_md(exc)} The last valid LF set is used until this is fixed.", icon=":material/error:")
    st.caption("Edit names, labels, keywords and thresholds in the table (the summary follows); select rows and press "
               "Delete to drop LFs. Add new ones with the form below.")
    return current


def _add_form(current_data: ActiveData, sha: str, current: list, classes: tuple[str, ...]) -> None:
    """The form that adds one LF; its rule selector and inputs come from the LF-kind registry."""
    columns = [str(c) for c in current_data.dataset.frame.columns]
    inputs = {i for kind in LF_KINDS.values() for i in kind.inputs}
    text_column = weak_text_column(current_data.schema, columns)
    with st.form(state.WS_ADD_FORM, clear_on_submit=True, border=True):
        f1, f2, f3, f4 = st.columns([2, 3, 2, 2])
        name = f1.text_input("LF name", placeholder="e.g. praise")
        kind = f2.selectbox("Rule", LF_KINDS.names(), format_func=lambda k: LF_KINDS[k].title)
        column = f3.selectbox("Column", columns, index=columns.index(text_column) if text_column in columns else 0)
        label = f4.selectbox("Assigns label", classes, index=0 if classes else None)
        g1, g2, g3 = st.columns([5, 2, 2])
        terms = g1.text_input(
            "Keywords or values (comma-separated)",
            placeholder="great, five stars, love it",
            help="Keywords: plain text, case-insensitive (no regular expressions). 'Value is one of' compares as text.",
        ) if "terms" in inputs else ""
        threshold = g2.number_input(
            "Threshold", value=0.0, format="%g", help="For the 'above' and 'below' rules (strict)."
        ) if "threshold" in inputs else None
        whole = g3.checkbox(
            "Whole words only", help="'great' then matches 'Great!' but not 'greatest'."
        ) if "whole_word" in inputs else False
        add = st.form_submit_button("Add labeling function", icon=":material/add:", type="primary")
    if add:
        spec = lf_from_inputs(name=name, kind=kind, column=column, label=label, terms=terms, whole_word=whole,
                              threshold=threshold)
        try:
            new = LFSet.of(current + [spec])
        except DiagnosticsError as exc:
            st.error(escape_md(exc), icon=":material/error:")
        else:
            _replace(sha, new.to_dicts())
            st.rerun()


def _build_lfs(current_data: ActiveData, choices: _Choices) -> LFSet:
    """The LF builder: table of LFs, add form, demo / load / remove / save; stops the page until an LF exists."""
    dataset = current_data.dataset
    sha = dataset.sha256[:16]
    base = st.session_state.setdefault(_lf_key(sha), [])
    st.subheader("Labeling functions")
    current = _lf_table(sha, base, choices.classes)
    if not choices.classes:
        st.info("Type the classes first (comma-separated): each LF assigns one of them.", icon=":material/arrow_upward:")
    _add_form(current_data, sha, current, choices.classes)

    demo = sample_data.DEMO_LFS.get(dataset.name)
    b1, b2, b3 = st.columns([2, 2, 3])
    if demo and not current and b1.button("Start from the demo LFs", icon=":material/auto_awesome:", key=state.WS_DEMO):
        _replace(sha, LFSet.of(demo).to_dicts())
        st.rerun()
    loaded = b3.file_uploader("Load an LF set (JSON)", type=["json"], key=state.WS_LOAD)
    if loaded is not None and st.session_state.get(state.WS_LOADED) != loaded.file_id:
        try:
            from_file = LFSet.from_json(loaded.getvalue()).to_dicts()
        except DiagnosticsError as exc:
            st.error(escape_md(exc), icon=":material/error:")
        else:
            st.session_state[state.WS_LOADED] = loaded.file_id
            _replace(sha, from_file)
            st.rerun()
    if not current:
        st.info("Add a labeling function above" + (", or start from the demo LFs." if demo else "."), icon=":material/info:")
        st.stop()
    lfs = LFSet.of(current)
    remove = b1.multiselect("Remove LFs", list(lfs.names), key=state.WS_REMOVE, placeholder="Choose LFs to remove")
    if remove and b1.button("Remove selected", icon=":material/delete:", key=state.WS_REMOVE_BUTTON):
        _replace(sha, [lf for lf in current if lf["name"] not in remove])
        st.rerun()
    b2.download_button(
        "Save the LF set (JSON)",
        data=lfs.to_json().encode("utf-8"),
        file_name=f"{dataset.name.rsplit('.', 1)[0]}_lfs.json",
        mime="application/json",
        icon=":material/save:",
        key=state.WS_SAVE,
    )
    for lf in lfs:
        st.caption(f"**{escape_md(lf.name)}**: {escape_md(lf.describe())}")
    return lfs


def _lf_columns(current_data: ActiveData, choices: _Choices) -> LFColumns:
    """LF columns already in the data, and their abstain value; stops the page until one is picked."""
    dataset = current_data.dataset
    columns = [str(c) for c in dataset.frame.columns]
    st.subheader("Labeling-function columns")
    c1, c2 = st.columns([4, 1])
    picked = c1.multiselect(
        "LF columns",
        weak_lf_column_options(columns, choices.gold),
        default=weak_lf_column_defaults(current_data.schema, columns, choices.gold),
        key=state.WS_COLUMNS_PREFIX + dataset.sha256[:16],
        help="One column per LF: each cell is a label, the abstain value, or empty (abstain).",
    )
    abstain = c2.text_input("Abstain value", value="-1", key=state.WS_ABSTAIN, help="Cells with this value (or empty) are no vote.")
    if not picked:
        st.info("Pick the LF columns.", icon=":material/arrow_upward:")
        st.stop()
    return LFColumns(tuple(picked), abstain=abstain)


@guarded("Label model")
def _fit(current_data: ActiveData, lfs: LFColumns | LFSet, choices: _Choices) -> tuple[WeakLabels, LabelModelSettings]:
    settings = LabelModelSettings.from_text(gold=choices.gold, labels=choices.classes or None, class_prior=choices.prior_text)
    dataset = current_data.dataset
    with st.spinner("Summarising the LFs and fitting the label model…"):
        result = state.ws_weak_labels(dataset.sha256, lfs, settings, dataset)
    card_state.remember(dataset.sha256, "weak", result)  # the Dataset card shows the last one
    return result, settings


# --- results -----------------------------------------------------------------------------------
@guarded("Summary")
def _summary(result: WeakLabels) -> None:
    summary, model = result.summary, result.model
    st.subheader("Summary")
    # The verdict first: weak labels that copy gold, EM that did not converge, majority vote chosen.
    severity_box(model.severity)(escape_md(model.verdict_text, limit=5_000))  # whole: its last sentences are the gold checks
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric("Total coverage", _pct(summary.total_coverage), count_noun(summary.n_covered, "row"),
              delta_color="off", delta_arrow="off", help="Rows at least one LF labels.")
    m2.metric("Overlap", _pct(summary.overlap), help="Rows two or more LFs label.")
    m3.metric("Conflict", _pct(summary.conflict), help="Rows whose LF votes disagree.")
    m4.metric("Majority-vote ties", f"{model.majority.n_ties:,}", help="Rows whose top labels have equally many votes: "
              "majority vote cannot decide them, the label model can.")
    m5.metric("Label model agrees with majority vote", _pct(model.agreement_with_majority),
              help="Share of the rows with a (non-tied) majority vote where the label model picks the same label.")
    if model.heldout:
        h = model.heldout
        b1, b2, b3 = st.columns(3)
        b1.metric("Majority vote accuracy (held-out gold)", _pct(h["majority_vote"]),
                  f"{h['n_compared']:,} held-out gold rows", delta_color="off", delta_arrow="off",
                  help="Half of the gold rows are held out; the label model is fitted with the other half fixed. "
                  "Both are scored on the held-out rows that majority vote decides.")
        b2.metric("Label model accuracy (held-out gold)", _pct(h["label_model"]))
        b3.metric("Weak labels from", "majority vote" if model.used == "majority_vote" else "label model",
                  help="Whichever was more accurate on the held-out gold rows (the label model on a tie).")
    if model.dependencies:
        st.warning(
            "Dependent labeling functions (the label model assumes LFs independent given the class): "
            + "; ".join(escape_md(d.describe()) + (" — merged into one LF" if d.merged else "") for d in model.dependencies)
            + ".",
            icon=":material/link:",
        )
    if model.gold_accuracy:
        g = model.gold_accuracy
        a1, a2, a3 = st.columns(3)
        a1.metric("Gold rows with a majority vote", f"{g['n_gold_majority']:,}", help="Gold rows that majority vote labels (no tie).")
        a2.metric("Majority vote accuracy on gold", _pct(g["majority_vote"]))
        a3.metric("Label model accuracy on gold", _pct(g["label_model_same_items"]),
                  help="Same rows; measured with a fit that did not see the gold labels, so it is not graded on answers it was "
                  "given (when the gold rows reject the model's class balance, it is given their class shares).")
    if model.balance is not None:  # a balance the gold rows overrule is news; one they confirm is a detail
        (st.info if model.balance.source == "gold" else st.caption)(escape_md(model.balance.summary(model.matrix.labels)))
    for name in summary.silent:
        st.warning(f"The LF '{escape_md(name)}' matches no row: check its keywords, column or threshold.", icon=":material/warning:")
    if model.correlated:
        st.warning(
            "Learned accuracies unreliable: the label model assumes LFs independent given the class, and these pairs "
            "are not (see the last column of the table: one-class LFs of these pairs are estimated without their partners): "
            + "; ".join(escape_md(p.describe()) for p in model.correlated) + ".",
            icon=":material/trending_up:",
        )
    for note in model.notes:
        if not note.startswith(("Dependent LFs merged", "Also dependent", "Learned accuracies unreliable", "Class balance from")):
            st.caption(escape_md(note))
    frame = result.to_frame()
    # Learned accuracy and how far to trust it first (beside gold when there is gold), then Snorkel's statistics.
    first = ["name", "polarity", "learned_without_gold", "empirical_accuracy", "gold_ci_low", "gold_ci_high",
             "learned_minus_gold", "outside_gold_ci", "learned_accuracy_warning", "learned_accuracy"]
    components.table(st,
        frame,
        hide_index=True,
        width="stretch",
        column_order=[c for c in first if c in frame.columns] + [c for c in frame.columns if c not in first],
        column_config={
            "coverage": st.column_config.NumberColumn(format="percent"),
            "overlaps": st.column_config.NumberColumn(format="percent"),
            "conflicts": st.column_config.NumberColumn(format="percent"),
            "n_votes": st.column_config.NumberColumn("votes", format="localized"),
            "empirical_accuracy": st.column_config.NumberColumn("empirical accuracy", format="percent"),
            "learned_accuracy": st.column_config.NumberColumn(
                "learned accuracy", format="percent",
                help="Learned by the label model (with gold, anchored on the gold rows)."),
            "learned_without_gold": st.column_config.NumberColumn(
                "learned (fit without gold)", format="percent",
                help="Learned by a fit that did not see the gold labels: the one to compare with gold."),
            "gold_ci_low": st.column_config.NumberColumn("gold 95% low", format="percent"),
            "gold_ci_high": st.column_config.NumberColumn("gold 95% high", format="percent"),
            "learned_minus_gold": st.column_config.NumberColumn("learned − gold", format="percent"),
            "outside_gold_ci": st.column_config.CheckboxColumn("outside gold interval"),
            "learned_accuracy_warning": st.column_config.TextColumn(
                "learned accuracy check", width="large",
                help="From the votes alone: LFs that fire with another LF far more or less often than independence "
                "given the class predicts (the label model assumes it)."),
        },
        key=state.WS_SUMMARY_TABLE,
    )
    if summary.n_gold is not None:
        st.caption(
            "Learned against gold: each LF's accuracy on the gold rows where it votes, with its 95% Wilson interval, "
            "beside the accuracy a fit without the gold labels learned; a learned accuracy outside the interval is "
            "ticked. The label model assumes LFs independent given the class; an LF that votes one class and goes "
            "with other LFs would be learned too accurate, so its accuracy comes from a fit of the other LFs "
            "(the last column says which were left out). A class balance that is off biases every learned accuracy: "
            "the model's own is checked against the gold rows' above and replaced by theirs when they reject it."
        )
    st.caption(
        "Snorkel's definitions: coverage = share of rows the LF labels; overlaps = share it labels and another LF labels "
        "too; conflicts = share it labels and another LF labels differently. Correct/incorrect count its votes on gold rows."
    )


@guarded("Charts")
def _charts(result: WeakLabels) -> None:
    left, right = st.columns([3, 2])
    components.chart(left, charts.lf_coverage_figure(result.summary), width="stretch", key=state.WS_COVERAGE_CHART)
    components.chart(right, charts.vote_balance_figure(result.summary), width="stretch", key=state.WS_BALANCE_CHART)
    left, right = st.columns(2)
    components.chart(left, charts.lf_conflict_heatmap_figure(result.summary), width="stretch", key=state.WS_CONFLICT_CHART)
    components.chart(right, charts.lf_accuracy_figure(result.model), width="stretch", key=state.WS_ACCURACY_CHART)


@guarded("Labels")
def _labels(result: WeakLabels) -> None:
    model = result.model
    d = model.to_dict()
    st.subheader("Labels")
    l1, l2, l3 = st.columns(3)
    l1.metric("Rows labelled", f"{d['n_labelled']:,}", f"{_pct(d['coverage'])} of {result.summary.n_items:,}",
              delta_color="off", delta_arrow="off")
    l2.metric("Mean confidence", _pct(d["mean_confidence"]), help="Mean posterior probability of the chosen label.")
    l3.metric("EM iterations", f"{model.n_iter}", "converged" if model.converged else "did not converge",
              delta_color="off" if model.converged else "inverse", delta_arrow="off")
    if not model.converged:
        st.warning(f"The label model did not converge after {model.n_iter} iterations: its learned accuracies and "
                   "labels may still change. Compare them with majority vote before using them.", icon=":material/warning:")
    if model.verdict == "copies_gold":
        st.warning("Every row has a gold label: the weak labels below are copies of the gold column.",
                   icon=":material/content_copy:")
    st.caption(
        "Label model: Dawid-Skene EM over the LF votes (the same EM as the Labels page), with abstaining modelled "
        "as an outcome, so an LF that only ever votes one label still tells the model something. Class priors: "
        + ", ".join(f"{escape_md(k)} {v:.3f}" for k, v in d["class_priors"].items())
        + {"given": " (fixed).", "gold": " (fixed to the gold rows' shares)."}.get(model.balance.source if model.balance else "", " (estimated).")
    )
    components.chart(st, charts.label_model_agreement_figure(model), width="stretch", key=state.WS_AGREEMENT_CHART)


@guarded("Download")
def _download(current_data: ActiveData, lfs: LFColumns | LFSet, settings: LabelModelSettings, result: WeakLabels) -> None:
    dataset = current_data.dataset
    file_name = f"{dataset.name.rsplit('.', 1)[0]}_weak_labels.csv"
    csv = components.download_with_protection(
        "Download the data with weak labels",
        lambda protect: state.ws_labeled_csv(dataset.sha256, lfs, settings, dataset, protect),
        file_name=file_name,
        type="primary",
        key=state.WS_DOWNLOAD,
        protect_key=state.WS_PROTECT,
    )
    provenance_button(csv.data, file_name=file_name, command="weak",
                      parameters=weak_parameters(lfs, settings, protect=protect_on(state.WS_PROTECT)),
                      dataset=dataset, page="Weak supervision", download_key=state.WS_DOWNLOAD, frame=dataset.frame)
    abstain = result.model.matrix.abstain
    where = "empty" if abstain is None else escape_md(repr(abstain))
    st.caption(
        f"All original columns, plus weak_label ({where} where no LF fired) and weak_confidence."
    )


def main() -> None:
    st.title("Weak supervision")
    current = sidebar.require_dataset()
    _header(current)
    choices = _choices(current)
    lfs = _build_lfs(current, choices) if choices.building else _lf_columns(current, choices)
    fitted = _fit(current, lfs, choices)
    if fitted is None:  # the error is shown; nothing below can be computed
        st.stop()
    result, settings = fitted
    _summary(result)
    _charts(result)
    _labels(result)
    _download(current, lfs, settings, result)


main()
