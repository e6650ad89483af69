"""Overview: the data's shape, column roles, class balance, missing values and duplicates."""

import streamlit as st

from analysis import DiagnosticsError
from dashboard import sidebar, state
from dashboard.charts import overview as charts

_VERDICT_BOX = {"balanced": st.success, "mild": st.info, "severe": st.warning, "extreme": st.error}
_PREVIEW_ROWS = 200

st.title("Overview")
current = sidebar.require_dataset()

dataset, schema = current.dataset, current.schema
rows, cols = dataset.frame.shape
st.caption(
    f"`{dataset.name}` · {rows:,} rows × {cols} columns · {dataset.encoding}, "
    f"{dataset.delimiter_name}-separated"
)
for note in dataset.notes:
    st.info(note, icon=":material/info:")

result = None
if current.target is None:
    st.info("Pick the target (label) column in the sidebar to see its class balance.", icon=":material/arrow_back:")
else:
    folds = st.session_state.get("ov_folds", 5)
    try:
        with st.spinner("Analysing…"):
            result = state.get_overview(dataset.sha256, current.target, folds, dataset, schema)
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")

if result is not None:
    cb = result.class_balance
    st.subheader(f"Class balance of `{cb.target}`")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Classes", f"{cb.n_classes}")
    c2.metric("Imbalance ratio", f"{cb.imbalance_ratio:,.2f} : 1", help="Largest class count / smallest class count.")
    c3.metric(
        "Minority class",
        f"{cb.minority_class}",
        f"{cb.minority_count:,} rows · {cb.proportions[cb.minority_class]:.2%}",
        delta_color="off",
        delta_arrow="off",
    )
    c4.metric(
        "Normalized entropy",
        f"{cb.normalized_entropy:.3f}",
        help="Shannon entropy of the class shares divided by log(number of classes): 1 = perfectly balanced.",
    )
    lead, _, rest = cb.verdict_text.partition(":")
    _VERDICT_BOX[cb.verdict](f"**{lead}:**{rest}" if rest else cb.verdict_text)
    for warning in cb.warnings:
        st.warning(warning, icon=":material/warning:")

    left, right = st.columns([3, 2])
    left.plotly_chart(charts.class_balance_figure(cb), width="stretch", key="ov_balance_chart")
    right.dataframe(
        cb.to_frame(),
        hide_index=True,
        width="stretch",
        column_config={
            "count": st.column_config.NumberColumn("rows", format="localized"),
            "proportion": st.column_config.ProgressColumn("share", format="percent", min_value=0, max_value=1),
        },
        key="ov_balance_table",
    )
    right.number_input(
        "Cross-validation folds to check class sizes against",
        min_value=2,
        max_value=20,
        value=5,
        key="ov_folds",
        help="Classes with fewer rows than folds are warned about above.",
    )

    st.subheader("Data quality")
    d = result.duplicates
    q1, q2, q3 = st.columns(3)
    q1.metric("Missing cells", f"{result.missing_cells:,}", f"{result.missing_cells / (rows * cols):.2%} of all cells", delta_color="off", delta_arrow="off")
    q2.metric("Duplicate rows", f"{d.duplicate_rows:,}", help="Rows identical in every column to an earlier row.")
    q3.metric(
        "Conflicting duplicates",
        f"{d.conflicting_duplicates:,}",
        f"in {d.conflicting_groups:,} groups",
        delta_color="off",
        delta_arrow="off",
        help="Rows whose features (every column but the target) equal another row's while the label differs.",
    )
    if result.missing_cells:
        st.plotly_chart(charts.missing_values_figure(result), width="stretch", key="ov_missing_chart")
    else:
        st.success("No missing values.", icon=":material/check_circle:")
    if d.conflicting_duplicates:
        with st.expander(f"Show the {min(d.conflicting_duplicates, _PREVIEW_ROWS):,} first conflicting rows"):
            st.caption("Same features, different labels: at least one of each group is mislabeled, or a feature is missing.")
            st.dataframe(dataset.frame.iloc[list(d.conflict_rows[:_PREVIEW_ROWS])], width="stretch")

st.subheader("Column roles")
roles = schema.to_frame()
roles["target candidate"] = roles["name"].isin(schema.target_candidates)
st.dataframe(
    roles[["name", "role", "dtype", "n_unique", "n_missing", "target candidate", "example"]],
    hide_index=True,
    width="stretch",
    height=min(36 * (len(roles) + 1) + 3, 800),
    column_config={
        "n_unique": st.column_config.NumberColumn("distinct", format="localized"),
        "n_missing": st.column_config.NumberColumn("missing", format="localized"),
    },
    key="ov_roles",
)
if schema.annotator_groups:
    groups = "; ".join(", ".join(f"`{c}`" for c in g) for g in schema.annotator_groups)
    st.caption(f"Annotator column groups detected: {groups}")

st.subheader("Preview")
st.caption(f"First {min(rows, _PREVIEW_ROWS):,} of {rows:,} rows.")
st.dataframe(dataset.frame.head(_PREVIEW_ROWS), width="stretch", key="ov_preview")
