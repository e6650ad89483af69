"""Overview: the data's shape, column roles, class balance, missing values and duplicates."""

from __future__ import annotations

import streamlit as st

from analysis.columns import LeakageSettings
from analysis.io import Dataset
from analysis.overview import BalanceSettings, Overview
from analysis.schema import Schema
from dashboard import components, sidebar
from dashboard.charts import overview as charts
from dashboard.components import escape_md
from dashboard.state import features as ft
from dashboard.state import overview as ov
from dashboard.state.session import ActiveData

_PREVIEW_ROWS = 200
_DEFAULT_FOLDS = 5


def main() -> None:
    st.title("Overview")
    current = sidebar.require_dataset()  # stops the page without a readable dataset
    dataset, schema = current.dataset, current.schema
    if dataset is None or schema is None:  # pragma: no cover - require_dataset stopped already
        return
    file_header(dataset)
    result = class_balance_section(current, dataset, schema)
    if result is not None:
        leakage_section(current, dataset)
        data_quality_section(result, dataset)
    column_roles_section(schema)
    preview_section(dataset)


@components.guarded("the file")
def file_header(dataset: Dataset) -> None:
    rows, cols = dataset.frame.shape
    st.caption(
        f"{escape_md(dataset.name)} · {rows:,} rows × {cols} columns · {dataset.encoding}, "
        f"{dataset.delimiter_name}-separated"
    )
    for note in dataset.notes:
        st.info(escape_md(note), icon=":material/info:")


@components.guarded("Class balance")
def class_balance_section(current: ActiveData, dataset: Dataset, schema: Schema) -> Overview | None:
    if current.target is None:
        st.info("Pick the target (label) column in the sidebar to see its class balance.", icon=":material/arrow_back:")
        return None
    settings = BalanceSettings(cv_folds=int(st.session_state.get(ov.OV_FOLDS, _DEFAULT_FOLDS)))
    with st.spinner("Analysing…"):
        result = ov.ov_overview(dataset.sha256, current.target, settings, dataset, schema)
    cb = result.class_balance
    st.subheader(f"Class balance of {escape_md(cb.target)}", anchor=False)  # no link named after data
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Classes", f"{cb.n_classes}")
    c2.metric("Imbalance ratio", f"{cb.imbalance_ratio:,.2f} : 1", help="Largest class count / smallest class count.")
    c3.metric(
        "Minority class",
        escape_md(cb.minority_class),
        f"{cb.minority_count:,} rows · {cb.proportions[cb.minority_class]:.2%}",
        delta_color="off",
        delta_arrow="off",
    )
    c4.metric(
        "Normalized entropy",
        f"{cb.normalized_entropy:.3f}",
        help="Shannon entropy of the class shares divided by log(number of classes): 1 = perfectly balanced.",
    )
    components.verdict_box(cb)
    for warning in cb.warnings:
        st.warning(escape_md(warning), icon=":material/warning:")

    left, right = st.columns([3, 2])
    components.chart(left, charts.class_balance_figure(cb), width="stretch", key=ov.OV_BALANCE_CHART)
    components.table(right,
        cb.to_frame(),
        hide_index=True,
        width="stretch",
        column_config={
            "count": st.column_config.NumberColumn("rows", format="localized"),
            "proportion": st.column_config.ProgressColumn("share", format="percent", min_value=0, max_value=1),
        },
        key=ov.OV_BALANCE_TABLE,
    )
    right.number_input(
        "Cross-validation folds to check class sizes against",
        min_value=2,
        max_value=20,
        value=_DEFAULT_FOLDS,
        key=ov.OV_FOLDS,
        help="Classes with fewer rows than folds are warned about above.",
    )
    return result


@components.guarded("Leakage")
def leakage_section(current: ActiveData, dataset: Dataset) -> None:
    st.subheader("Leakage")
    with st.spinner("Scoring each feature alone…"):
        leak = ft.ft_leakage(dataset.sha256, current.target or "", LeakageSettings(), dataset)
    components.verdict_box(leak)
    st.page_link("app_pages/features.py", label="Features: each feature's score alone, the rules, and the switch "
                 "that excludes suspects from the labs", icon=":material/view_column:")


@components.guarded("Data quality")
def data_quality_section(result: Overview, dataset: Dataset) -> None:
    st.subheader("Data quality")
    d = result.duplicates
    q1, q2, q3 = st.columns(3)
    q1.metric(
        "Missing cells",
        f"{result.missing_cells:,}",
        f"{result.missing_share:.2%} of all cells",
        delta_color="off",
        delta_arrow="off",
    )
    q2.metric("Duplicate rows", f"{d.duplicate_rows:,}", help="Rows identical in every column to an earlier row.")
    q3.metric(
        "Conflicting duplicates",
        f"{d.conflicting_duplicates:,}",
        f"in {d.conflicting_groups:,} groups",
        delta_color="off",
        delta_arrow="off",
        help="Rows whose features (every column but the target) equal another row's while the label differs.",
    )
    components.verdict_box(d)
    if result.missing_cells:
        components.chart(st, charts.missing_values_figure(result), width="stretch", key=ov.OV_MISSING_CHART)
    else:
        st.success("No missing values.", icon=":material/check_circle:")
    if d.conflicting_duplicates:
        # At most _PREVIEW_ROWS rows are picked before the expander: nothing heavy runs inside it.
        conflicts = dataset.frame.iloc[list(d.conflict_rows[:_PREVIEW_ROWS])]
        with st.expander(f"Show the {len(conflicts):,} first conflicting rows"):
            st.caption(
                "Same features, different labels: at least one of each group is mislabeled, or a feature is missing."
            )
            components.table(st, conflicts, width="stretch")


@components.guarded("Column roles")
def column_roles_section(schema: Schema) -> None:
    st.subheader("Column roles")
    roles = schema.roles_frame()
    components.table(st,
        roles,
        hide_index=True,
        width="stretch",
        height=min(36 * (len(roles) + 1) + 3, 800),
        column_config={
            "n_unique": st.column_config.NumberColumn("distinct", format="localized"),
            "n_missing": st.column_config.NumberColumn("missing", format="localized"),
        },
        key=ov.OV_ROLES,
    )
    if schema.annotator_groups:
        groups = "; ".join(", ".join(escape_md(c) for c in g) for g in schema.annotator_groups)
        st.caption(f"Annotator column groups detected: {groups}")


@components.guarded("Preview")
def preview_section(dataset: Dataset) -> None:
    rows = dataset.frame.shape[0]
    st.subheader("Preview")
    st.caption(f"First {min(rows, _PREVIEW_ROWS):,} of {rows:,} rows.")
    components.table(st, dataset.frame.head(_PREVIEW_ROWS), width="stretch", key=ov.OV_PREVIEW)


main()
