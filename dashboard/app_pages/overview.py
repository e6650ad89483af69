"""Overview: the data's shape, column roles, class balance, missing values and duplicates."""

from __future__ import annotations

import streamlit as st

from analysis.io import Dataset
from analysis.overview import BalanceSettings, NearDuplicateSettings, OutlierSettings, Overview
from analysis.provenance import outliers_parameters
from analysis.schema import Schema
from analysis.wording import count_noun, ratio_text, share_text, verb
from dashboard import components, sidebar
from dashboard.charts import overview as charts
from dashboard.components import escape_md
from dashboard.provenance import protect_on, provenance_button
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
        # --- near-duplicates and outliers (issue 14) ---
        if checks_requested(dataset, result.target):
            near_duplicates_section(result.target, dataset, schema)
            outliers_section(result.target, dataset)
    column_roles_section(schema)
    preview_section(dataset)


@components.guarded("the file")
def file_header(dataset: Dataset) -> None:
    rows, cols = dataset.frame.shape
    st.caption(
        f"{escape_md(dataset.name)} · {rows:,} rows × {cols} columns · {escape_md(dataset.read_as)}"
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
    c2.metric("Imbalance ratio", f"{ratio_text(cb.imbalance_ratio)} : 1", help="Largest class count / smallest class count.")
    c3.metric(
        "Minority class",
        escape_md(cb.minority_class),
        f"{count_noun(cb.minority_count, 'row')} · {cb.proportions[cb.minority_class]:.2%}",
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
        leak = ft.page_report(dataset, current.target or "").leakage
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
        f"in {count_noun(d.conflicting_groups, 'group')}",
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


# --- near-duplicates and outliers (issue 14) ---
def checks_requested(dataset: Dataset, target: str) -> bool:
    """Small tables get the near-duplicate and outlier checks at once; larger ones on a button (remembered)."""
    rows = dataset.frame.shape[0]
    done = st.session_state.setdefault(ov.OV_CHECK_DONE, [])
    if rows <= ov.AUTO_CHECK_ROWS or (dataset.sha256, target) in done:
        return True
    st.subheader("Near-duplicates and outliers")
    st.caption(f"{rows:,} rows: these checks take a few seconds, so they run when you ask.")
    if st.button("Find near-duplicates and outliers", key=ov.OV_CHECK_RUN, icon=":material/search:"):
        done.append((dataset.sha256, target))
        return True
    return False


@components.guarded("Near-duplicates")
def near_duplicates_section(target: str, dataset: Dataset, schema: Schema) -> None:
    with st.spinner("Looking for near-duplicates…"):
        near = ov.ov_near_duplicates(dataset.sha256, target, NearDuplicateSettings(), dataset, schema)
    st.subheader("Near-duplicates")
    s, g = near.settings, near.near
    how = (
        f"Rows equal after normalising text (case, spacing, punctuation) and rounding numbers to "
        f"{s.significant_digits} significant digits, or closer than {s.threshold:g} × the median nearest-neighbour "
        "distance over the scaled features (cleanlab's rule)."
    )
    n1, n2, n3, n4 = st.columns(4)
    n1.metric("Near-duplicate groups", f"{near.groups:,}", count_noun(near.rows, "row"), delta_color="off",
              delta_arrow="off", help=how)
    n2.metric("Differ only in form", f"{near.normalised_only_rows:,}",
              help="Rows that repeat an earlier row after normalisation (case, spacing, punctuation, rounding) "
              "but not exactly.")
    n3.metric("Nearest-neighbour pairs", f"{near.knn_pairs:,}",
              help=(f"Pairs closer than {g.radius:.3g} (median nearest-neighbour distance {g.median_nn_distance:.3g})."
                    if g.radius is not None else "No nearest-neighbour pass: no numeric or few-valued column to compare."))
    n4.metric("Conflicting near-duplicates", f"{near.conflicting_rows:,}",
              f"in {count_noun(near.conflicting_groups, 'group')}", delta_color="off", delta_arrow="off",
              help="Groups whose rows carry more than one label.")
    components.verdict_box(near)
    st.caption(escape_md(how) + " Every split this product makes keeps each group on one side.")
    if near.groups:
        table = near.to_frame()[["group", "kind", "size", "rows", "labels", "conflicting"]].head(_PREVIEW_ROWS)
        components.table(st,
            table, hide_index=True, width="stretch", key=ov.OV_NEAR_TABLE,
            column_config={"rows": st.column_config.TextColumn("row positions (0-based)"),
                           "labels": st.column_config.TextColumn(f"labels of {target}")},
        )
        first = list(near.to_frame()["row_positions"].iloc[0])[:_PREVIEW_ROWS]
        st.caption(f"The rows of group 0 (the first line above): {len(first):,} rows.")
        components.table(st, dataset.frame.iloc[first], width="stretch")


@components.guarded("Outliers")
def outliers_section(target: str, dataset: Dataset) -> None:
    settings = OutlierSettings()
    with st.spinner("Scoring rows for outliers…"):
        out = ov.ov_outliers(dataset.sha256, target, settings, dataset)
    st.subheader("Outliers")
    s = out.settings
    o1, o2 = st.columns(2)
    o1.metric("Outlier rows", f"{out.n_flagged:,}", f"{share_text(out.n_flagged, len(out.rows))} of rows scored",
              delta_color="off", delta_arrow="off",
              help=f"Isolation-forest anomaly score (100 trees, seed {s.seed}) of at least {s.threshold:g}.")
    sample = out.sample  # above OutlierSettings.max_rows rows: the stratified sample `report` scores too
    beyond = out.beyond  # then also the rows outside it with a number beyond its range
    extra = f", and {len(beyond.rows):,} beyond its range" if beyond is not None and len(beyond.rows) else ""
    o2.metric("Rows scored", f"{len(out.rows):,}",
              f"of {sample.population_rows:,} rows: a stratified sample{extra}" if sample is not None else None,
              delta_color="off", delta_arrow="off",
              help=(f"More than {s.max_rows:,} rows: the forest scored a sample stratified by the target (seed "
                    f"{sample.seed}); the counts and shares below are of the sample, row numbers are the whole "
                    "table's. Every other row was checked for a number below the sample's smallest or above its "
                    "largest in some column; those rows were scored too and join the top rows."
                    if sample is not None else None))
    components.verdict_box(out)
    st.caption(
        f"Score: the isolation-forest anomaly score of Liu et al. (2008) in (0, 1], from scikit-learn's "
        f"IsolationForest (100 trees, seed {s.seed}) over {len(out.columns)} numeric and categorical columns; "
        f"near 1 = easy to isolate, about 0.5 = ordinary. Flagged at {s.threshold:g} or more."
    )
    if not len(out.rows):
        return
    per_class = out.per_class_frame()
    # one above the other: side by side, the share column was cut to '7.69' in a third of the page
    components.table(st, per_class, hide_index=True, width="stretch", key=ov.OV_OUTLIER_CLASS_TABLE,
                     column_config={"share_flagged": st.column_config.ProgressColumn(
                         "share flagged", format="percent", min_value=0, max_value=1, width="medium")})
    top, positions = out.top_data(dataset.frame)
    shown = top.head(20).set_axis(positions[:20]).rename_axis("row (0-based)")  # where to find each row
    components.table(st, shown, width="stretch", key=ov.OV_OUTLIER_TABLE)
    st.caption(f"The 20 highest-scoring of the top {len(top):,} rows; download them all below.")
    beyond, beyond_positions = out.beyond_data(dataset.frame)
    if len(beyond):  # the forest scores a value beyond the sample's range as the range's end: maybe not a top row
        st.markdown(f"**Outside the sample**: {count_noun(len(beyond), 'row')} with a number beyond the sample's "
                    f"range {verb(len(beyond), 'scores', 'score')} {s.threshold:g} or more.")
        components.table(st, beyond.head(20).set_axis(beyond_positions[:20]).rename_axis("row (0-based)"),
                         width="stretch", key=ov.OV_OUTLIER_BEYOND_TABLE)
    if out.beyond is not None and len(out.beyond.rows):
        far = out.beyond.farthest_rows()
        with st.expander(f"Rows outside the sample beyond its range ({len(far):,}), farthest first"):
            st.caption("How far beyond the sample's smallest or largest value each row lies, in widths of the sample's "
                       "range, in the column where it lies farthest. The isolation-forest score cannot show this: "
                       "it scores any value beyond the range as the range's end.")
            components.table(st, far.head(20).set_index("row").rename_axis("row (0-based)"), width="stretch",
                             key=ov.OV_OUTLIER_FARTHEST_TABLE,
                             column_config={"widths_beyond": st.column_config.NumberColumn("widths beyond",
                                                                                           format="%.2f"),
                                            "sample_min": "sample min", "sample_max": "sample max"})
    csv = components.download_with_protection(
        f"Download the top {len(top):,} outlier rows (CSV)",
        lambda protect: ov.ov_outliers_csv(dataset.sha256, target, settings, dataset, protect),
        file_name="outliers.csv", key=ov.OV_OUTLIER_DOWNLOAD, protect_key=ov.OV_OUTLIER_PROTECT,
    )
    provenance_button(csv.data, file_name="outliers.csv", command="outliers",
                      parameters=outliers_parameters(target, settings, protect=protect_on(ov.OV_OUTLIER_PROTECT)),
                      dataset=dataset, page="Overview", download_key=ov.OV_OUTLIER_DOWNLOAD, frame=top)


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
