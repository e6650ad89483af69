"""Features: leakage suspects, each feature against the target, pairwise measures, and data integrity."""

from __future__ import annotations

import streamlit as st

from analysis.columns import FeatureReport
from analysis.io import Dataset
from analysis.wording import count_noun, visible_whitespace
from dashboard import components, sidebar
from dashboard.charts import features as charts
from dashboard.components import escape_md
from dashboard.state import features as ft
from dashboard.state.session import ActiveData

#: The alert list opens by itself up to this many features (more: one click).
MAX_OPEN_ALERTS = 12

_DEFAULT_BINS = 30


def main() -> None:
    st.title("Features")
    current = sidebar.require_dataset()
    dataset = current.dataset
    if dataset is None:  # pragma: no cover - require_dataset stopped already
        return
    st.caption(
        "What each column says about the label: features that give it away (leakage), how each one differs "
        "between the classes, which ones move together, and values that spoil a column."
    )
    report = None
    if current.target is None:
        st.info("Pick the target (label) column in the sidebar to see leakage and associations.",
                icon=":material/arrow_back:")
    else:
        report = leakage_section(current, dataset)
    if report is not None:
        table_section(report)
        by_class_section(current, dataset, report)
        correlation_section(current, dataset)
    integrity_section(current)


@components.guarded("Leakage suspects")
def leakage_section(current: ActiveData, dataset: Dataset) -> FeatureReport | None:
    st.subheader("Leakage suspects")
    target = current.target or ""
    with st.spinner("Scoring each feature alone…"):
        report = ft.page_report(dataset, target)
    leak = report.leakage
    components.verdict_box(leak)
    st.checkbox(
        "Exclude suspected leaking features from the labs",
        key=ft.FT_EXCLUDE,
        help="On: the Rebalancing lab (comparison and fix) and label issues leave the suspects below out of their "
        "features. The downloads still hold every column.",
    )
    if st.session_state.get(ft.FT_EXCLUDE):
        if leak.suspects:
            st.caption("Left out of the labs' features: " + ", ".join(f"'{escape_md(c)}'" for c in leak.suspects))
        else:
            st.caption("No suspect on this dataset: the labs use every feature.")
    components.chart(st, charts.auc_figure(leak), width="stretch", key=ft.FT_AUC_CHART)
    frame = leak.to_frame()
    if not frame.empty:
        shown = frame[["feature", "kind", "auc", "auc_ci_low", "auc_ci_high", "balanced_accuracy", "rule",
                       "rule_share", "suspect", "reasons"]]
        components.table(st,
            shown, hide_index=True, width="stretch", key=ft.FT_LEAK_TABLE,
            column_config={
                "auc": st.column_config.NumberColumn("AUC alone", format="%.3f"),
                "auc_ci_low": st.column_config.NumberColumn("AUC low", format="%.3f"),
                "auc_ci_high": st.column_config.NumberColumn("AUC high", format="%.3f"),
                "balanced_accuracy": st.column_config.NumberColumn("balanced accuracy", format="%.3f"),
                "rule_share": st.column_config.NumberColumn("rule right in", format="percent"),
            },
        )
    st.caption(
        "Each feature alone: a depth-3 decision tree (numbers) or each value's class shares (categories), "
        f"scored out of fold over {leak.folds} duplicate-safe stratified folds. A rule is one threshold or a "
        "value-to-class table; it is a suspect when it is right in at least 95% of rows and halves the errors of "
        "always guessing the majority class."
    )
    return report


@components.guarded("Features against the target")
def table_section(report: FeatureReport) -> None:
    st.subheader(f"Features against '{escape_md(report.target)}'")
    components.verdict_box(report.associations)
    components.table(st,
        report.to_frame()[["feature", "kind", "mutual_information", "effect_size", "effect_measure", "test",
                           "p_value", "auc", "suspect", "alerts"]],
        hide_index=True, width="stretch", key=ft.FT_TABLE,
        column_config={
            "mutual_information": st.column_config.NumberColumn("mutual information (nats)", format="%.4f"),
            "effect_size": st.column_config.NumberColumn("effect size", format="%.3f"),
            "effect_measure": st.column_config.TextColumn("measure"),
            "p_value": st.column_config.NumberColumn("p-value", format="%.2e"),
            "auc": st.column_config.NumberColumn("AUC alone", format="%.3f"),
            "alerts": st.column_config.TextColumn("alerts", width="large"),
        },
    )
    st.caption(
        "Ranked by mutual information (scikit-learn, k = 3). Effect sizes: rank-biserial correlation "
        "(Mann-Whitney U) for numbers against two classes, epsilon squared (Kruskal-Wallis H) against more, "
        "Cramér's V (chi-square, not bias-corrected) for categories. Alerts: constant, near-constant (≥ 99% one "
        "value), skewed (|skewness| > 2), high cardinality (> 50 text values), mostly missing, mixed types, and "
        "duplicate columns (the same values as another feature, or a one-to-one recoding of its repeating values)."
    )
    # the alerts in full, as ydata-profiling lists them: in the table's last column a long one is cut off
    flagged = [f for f in report.associations.features if f.alerts]
    if flagged:
        with st.expander(f"Alerts on {count_noun(len(flagged), 'feature')}", expanded=len(flagged) <= MAX_OPEN_ALERTS):
            st.markdown("\n".join(f"- **{escape_md(f.feature)}**: {escape_md('; '.join(f.alerts))}" for f in flagged))


@components.guarded("One feature by class")
def by_class_section(current: ActiveData, dataset: Dataset, report: FeatureReport) -> None:
    st.subheader("One feature by class")
    names = [f.feature for f in report.associations.features if f.kind in ("numeric", "categorical", "identifier")]
    if not names:
        st.info("No numeric or categorical feature to show.")
        return
    left, right = st.columns([3, 1])
    feature = left.selectbox("Feature", names, key=ft.FT_FEATURE + dataset.sha256[:16])
    bins = right.number_input("Histogram bins", min_value=5, max_value=100, value=_DEFAULT_BINS, key=ft.FT_BINS)
    view = ft.ft_by_class(dataset.sha256, current.target or "", str(feature), int(bins), dataset)
    components.verdict_box(view)
    components.chart(st, charts.by_class_figure(view), width="stretch", key=ft.FT_BY_CLASS_CHART)


@components.guarded("Pairwise correlation")
def correlation_section(current: ActiveData, dataset: Dataset) -> None:
    st.subheader("Features that move together")
    corr = ft.ft_correlations(dataset.sha256, current.target or "", ft.PAGE_SETTINGS, dataset)
    components.verdict_box(corr)
    left, right = st.columns(2)
    if corr.numeric.shape[0] >= 2:
        components.chart(left, charts.heatmap_figure(corr.numeric, "Pearson correlation (numeric features)", signed=True),
                          width="stretch", key=ft.FT_CORR_NUMERIC)
    else:
        left.caption("Fewer than two numeric features.")
    if corr.categorical.shape[0] >= 2:
        components.chart(right, charts.heatmap_figure(corr.categorical, "Cramér's V (categorical features, not "
                                                 "bias-corrected)", signed=False),
                           width="stretch", key=ft.FT_CORR_CATEGORICAL)
    else:
        right.caption("Fewer than two categorical features.")
    st.caption("At most the 20 features most associated with the target; Pearson on pairwise complete rows.")


@components.guarded("Data integrity")
def integrity_section(current: ActiveData) -> None:
    st.subheader("Data integrity")
    original = current.original or current.dataset
    if original is None:  # pragma: no cover - require_dataset stopped already
        return
    found = ft.ft_integrity(original.sha256, original)
    components.verdict_box(found)
    if found.mixed:
        for m in found.mixed:
            st.markdown(f"- **{escape_md(m.column)}**: {escape_md(m.describe())}")
        st.checkbox(
            "Read these tokens as missing values (every page)",
            key=ft.tokens_key(original),
            help="The columns become numeric; every page analyses them so. Downloads keep the uploaded text.",
        )
    frame = found.to_frame()
    if not frame.empty:
        # spellings that differ only by a space at an end would look alike in a cell
        frame["value"] = frame["value"].map(visible_whitespace)
        components.table(st, frame, hide_index=True, width="stretch", key=ft.FT_INTEGRITY_TABLE)
        st.caption("␣ marks a space at either end of a value or a repeated space inside it; ⇥ a tab.")


main()
