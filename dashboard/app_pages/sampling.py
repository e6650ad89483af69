"""Sampling bias: the sample against a reference population, inside the sample, against a second file, and the fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import DiagnosticsError
from analysis.sampling import MAX_GROUPS, reference_shares
from analysis.schema import Role
from dashboard import sidebar, state
from dashboard.charts import sampling as charts

POPULATION_FILE = "transactions_population.csv"
TYPED, UPLOADED, BUNDLED = "Type the expected shares", "Upload a reference file", "Use the bundled population file"
WEIGHTS, RAKING, RESAMPLE = "Post-stratification weights", "Raking (several group columns)", "Stratified resample"
_NONE = "(none)"
_VERDICT_BOX = {
    "representative": st.success,
    "negligible": st.success,
    "inconclusive": st.info,
    "small bias": st.warning,
    "moderate bias": st.error,
    "large bias": st.error,
}
_GROUP_ROLES = (Role.CATEGORICAL, Role.BOOLEAN, Role.NUMERIC, Role.CONSTANT)

st.title("Sampling bias")
current = sidebar.require_dataset()

dataset, schema, target = current.dataset, current.schema, current.target
sha, tag = dataset.sha256, dataset.sha256[:12]
st.caption(
    f"`{dataset.name}` · {dataset.frame.shape[0]:,} rows. Is the sample representative of the population it should "
    "stand for, and of the data the model will meet? Most training data is a convenience sample."
)

_MAX_NUMERIC_GROUPS = 30  # a whole-number column with few values (hour, age band code) can be a group; a measurement cannot


def _is_group_column(c) -> bool:
    if c.name == target or c.role not in _GROUP_ROLES or not 2 <= c.n_unique <= MAX_GROUPS:
        return False
    return c.role != Role.NUMERIC or (c.integer_valued and c.n_unique <= _MAX_NUMERIC_GROUPS)


candidates = [c.name for c in schema.columns if _is_group_column(c)]
if not candidates:
    st.info(
        f"No column can serve as a group column (2 to {MAX_GROUPS} distinct values, e.g. region, age band, device).",
        icon=":material/info:",
    )
    st.stop()


def _shares_from_editor(frame: pd.DataFrame) -> dict:
    """Rows of the shares editor -> {value: share}; empty rows are skipped, the analysis validates the rest."""
    out = {}
    for value, share in zip(frame["value"], frame["share"]):
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
            continue
        out[str(value).strip()] = share if share is not None else float("nan")
    return out


def _editor(key: str, shares: dict, *, uniform: bool) -> pd.DataFrame:
    values = list(shares)
    start = [round(1 / len(values), 4)] * len(values) if uniform else [round(s, 4) for s in shares.values()]
    return st.data_editor(
        pd.DataFrame({"value": values, "share": start}),
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "value": st.column_config.TextColumn("value", required=True),
            "share": st.column_config.NumberColumn("expected share", min_value=0.0, format="%.4f"),
        },
    )


def _upload(label: str, key: str, help_text: str):
    uploaded = st.file_uploader(label, type=["csv", "tsv", "txt"], key=key, help=help_text)
    if uploaded is None:
        return None
    digest = state.sb_upload_sha256(uploaded, key)
    return state.load_dataset(digest, uploaded.name, uploaded.getvalue())


# --- against a reference population --------------------------------------------------------------
st.header("Against a reference population")
left, right = st.columns([1, 2])
default_group = "region" if "region" in candidates else candidates[0]
group = left.selectbox(
    "Group column",
    candidates,
    index=candidates.index(default_group),
    key=f"{state.SB_GROUP}_{tag}",
    help=f"A column that splits the rows into groups (at most {MAX_GROUPS} values): region, age band, device…",
)
sources = [TYPED, UPLOADED] + ([BUNDLED] if dataset.name == "transactions.csv" else [])
source = left.radio(
    "Expected shares",
    sources,
    index=len(sources) - 1 if BUNDLED in sources else 0,
    key=f"{state.SB_SOURCE}_{tag}",
    help="The share of each group in the population the sample should represent.",
)
tolerance = left.slider(
    "Tolerance",
    min_value=0.0,
    max_value=0.5,
    value=0.1,
    step=0.05,
    key=state.SB_TOLERANCE,
    help="A group is flagged over- or under-represented only when the 95% interval of its representation "
    "ratio lies beyond 1 ± this tolerance.",
)

reference = None
joint_dataset = None
with right:
    try:
        if source == TYPED:
            st.caption("Type the population share of each value (shares that do not sum to 1 are normalized). Add or delete rows freely.")
            observed = state.sb_observed_shares(sha, group, dataset)
            edited = _editor(f"{state.SB_EDITOR_PREFIX}{tag}_{group}", observed, uniform=True)
            reference = reference_shares(_shares_from_editor(edited), group=group, source="typed shares")
        elif source == UPLOADED:
            joint_dataset = _upload(
                "Reference file",
                state.SB_REFERENCE_UPLOAD,
                f"Either a two-column value,share table, or a whole dataset with a '{group}' column whose distribution is the reference.",
            )
            if joint_dataset is None:
                st.info("Upload a reference file: a value,share table, or a dataset from the population.", icon=":material/upload:")
            else:
                reference = state.sb_reference_from_file(joint_dataset.sha256, group, joint_dataset)
        else:
            population = state.load_sample(POPULATION_FILE)
            reference = state.sb_reference_from_file(population.sha256, group, population)
            st.caption(f"`{POPULATION_FILE}`: the documented population shares of `region` (see sample_data/README.md).")
            st.dataframe(population.frame, hide_index=True, width="stretch", key="sb_population_table")
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")
        reference = None

result = None
if reference is not None:
    try:
        with st.spinner("Comparing with the reference…"):
            result = state.sb_representation(
                sha, group, tuple(reference.shares.items()), reference.source, reference.notes, tolerance, dataset
            )
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")

if result is not None:
    _VERDICT_BOX.get(result.verdict, st.info)(result.verdict_text)
    m = st.columns(6)
    c = result.chi_square
    m[0].metric("Chi-square", f"{c.statistic:,.1f}", f"dof {c.dof}", delta_color="off", delta_arrow="off",
                help="Goodness of fit of the group counts to the reference shares (scipy.stats.chisquare).")
    m[1].metric("p-value", "< 1e-16" if c.p_value < 1e-16 else f"{c.p_value:.3g}")
    m[2].metric("Cohen's w", f"{result.cohens_w:.3f}", f"Cramér's V {result.cramers_v:.3f}", delta_color="off", delta_arrow="off",
                help="Effect size sqrt(chi2 / n): below 0.1 negligible, 0.1 small, 0.3 moderate, 0.5 large (Cohen 1988).")
    m[3].metric("Total variation", f"{result.total_variation:.4f}", help="Half the sum of |observed − expected| shares: the share of rows in the wrong group.")
    m[4].metric("JS distance", f"{result.js_distance:.4f}", help="Jensen-Shannon distance, base 2 (0 = identical, 1 = disjoint).")
    m[5].metric("PSI", f"{result.psi:.4f}", help="Population stability index; empty groups count as a share of 0.0001. Below 0.1 stable, above 0.25 major shift.")
    for note in result.notes:
        st.info(note, icon=":material/info:")
    a, b = st.columns(2)
    a.plotly_chart(charts.bias_bars_figure(result), width="stretch", key="sb_bars_chart")
    b.plotly_chart(charts.representation_ratio_figure(result), width="stretch", key="sb_ratio_chart")
    st.dataframe(
        result.to_frame()[["value", "observed_count", "observed_share", "expected_share", "representation_ratio", "ci_low", "ci_high", "flag"]],
        hide_index=True,
        width="stretch",
        key="sb_groups_table",
        column_config={
            "observed_count": st.column_config.NumberColumn("rows", format="localized"),
            "observed_share": st.column_config.NumberColumn("observed", format="percent"),
            "expected_share": st.column_config.NumberColumn("expected", format="percent"),
            "representation_ratio": st.column_config.NumberColumn("ratio", format="%.3f"),
            "ci_low": st.column_config.NumberColumn("ratio 95% low", format="%.3f"),
            "ci_high": st.column_config.NumberColumn("ratio 95% high", format="%.3f"),
        },
    )

    others = [col for col in candidates if col != group]
    if others:
        second = st.selectbox(
            "Intersect with a second group column",
            [_NONE] + others,
            key=f"{state.SB_SECOND_GROUP}_{tag}",
            help="Cells of two group columns (e.g. region × device). Expected cell shares come from the reference "
            "file when it holds both columns, otherwise from the product of the margins.",
        )
        if second != _NONE:
            joint = joint_dataset if joint_dataset is not None and second in joint_dataset.frame.columns and group in joint_dataset.frame.columns else None
            try:
                cells = state.sb_intersection(
                    sha, (group, second), tuple(reference.shares.items()), joint.sha256 if joint is not None else None,
                    tolerance, dataset, joint,
                )
                _VERDICT_BOX.get(cells.verdict, st.info)(cells.verdict_text)
                for note in cells.notes[:3]:
                    st.caption(note)
                st.plotly_chart(charts.representation_ratio_figure(cells), width="stretch", key="sb_cells_chart")
            except DiagnosticsError as exc:
                st.error(str(exc), icon=":material/error:")

# --- inside the sample ---------------------------------------------------------------------------
st.header("Inside the sample")
try:
    lbg, mbg = state.sb_inside(sha, group, target, dataset)
except DiagnosticsError as exc:
    st.error(str(exc), icon=":material/error:")
    lbg = mbg = None
if lbg is not None:
    st.subheader(f"Label rates by `{group}`")
    st.write(lbg.verdict_text)
    st.plotly_chart(charts.residual_heatmap_figure(lbg), width="stretch", key="sb_residual_chart")
elif target is None:
    st.info("Pick the target in the sidebar to see the label rate of each group.", icon=":material/arrow_back:")
if mbg is not None:
    st.subheader(f"Missing values by `{group}`")
    if mbg.shares.shape[1]:
        flagged = mbg.flagged_columns
        if flagged:
            st.warning(
                "Missing values depend on the group in: " + ", ".join(f"`{c}`" for c in flagged)
                + ". Values missing not at random are a sampling bias of their own.",
                icon=":material/warning:",
            )
        else:
            st.success("Where values are missing, the share does not depend on the group detectably.", icon=":material/check_circle:")
        st.plotly_chart(charts.missingness_heatmap_figure(mbg), width="stretch", key="sb_missing_chart")
    else:
        st.success("No missing values.", icon=":material/check_circle:")

# --- sampling simulator ----------------------------------------------------------------------------
st.header("Sampling simulator")
st.caption(
    "Treat this data as the population and draw many samples from it by each method: how far does each land from the "
    "full data? Convenience samples miss by far more than chance."
)
n_rows = dataset.frame.shape[0]
with st.form("sb_sim_form"):
    f1, f2 = st.columns(2)
    size = f1.number_input("Rows per sample", min_value=10, max_value=max(10, n_rows - 1), value=int(min(2000, max(50, n_rows // 10), n_rows - 1)), key=state.SB_SIM_SIZE)
    repeats = f2.slider("Samples per method", min_value=20, max_value=500, value=100, step=20, key=state.SB_SIM_REPEATS)
    run_sim = st.form_submit_button("Run the simulation", icon=":material/play_arrow:")
sim_key = (sha, group, target, int(size), int(repeats))
if run_sim:
    try:
        with st.spinner("Drawing samples…"):
            st.session_state[state.SB_SIM_RESULT] = (sim_key, state.sb_simulation(sha, group, target, int(size), int(repeats), 0, dataset))
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")
stored = st.session_state.get(state.SB_SIM_RESULT)
if stored is not None and stored[0][:3] == sim_key[:3]:
    sim = stored[1]
    s1, s2 = st.columns(2)
    s1.plotly_chart(charts.simulation_figure(sim), width="stretch", key="sb_sim_chart")
    if sim.target is not None:
        s2.plotly_chart(charts.simulation_figure(sim, column="target_tvd"), width="stretch", key="sb_sim_target_chart")
    st.caption(f"The over-weighted convenience sample draws rows of '{sim.overweighted_group}' (the largest group) three times as often.")
    st.dataframe(sim.summary(), hide_index=True, width="stretch", key="sb_sim_table")

# --- shift against a second file -------------------------------------------------------------------
st.header("Shift against a second file")
st.caption(
    f"Compare `{dataset.name}` (the reference, e.g. training data) with a second file (production or test data): "
    "per-feature tests with Benjamini-Hochberg adjusted p-values, a domain classifier, label shift and shared rows."
)
try:
    second_file = _upload("Second file", state.SB_SHIFT_UPLOAD, "A CSV with the same columns, e.g. production data or the test split.")
except DiagnosticsError as exc:
    st.error(str(exc), icon=":material/error:")
    second_file = None
if second_file is not None:
    try:
        with st.spinner("Comparing the two files (tests per feature, domain classifier)…"):
            sh = state.sb_shift(sha, second_file.sha256, target, dataset, second_file)
    except DiagnosticsError as exc:
        st.error(str(exc), icon=":material/error:")
        sh = None
    if sh is not None:
        tested = [f for f in sh.features if f.test != "skipped"]
        (st.warning if sh.drifted else st.success)(sh.verdict_text)
        k = st.columns(4)
        k[0].metric("Drifted features", f"{len(sh.drifted)} of {len(tested)}")
        k[1].metric("Domain classifier AUC", f"{sh.domain.auc:.3f}" if sh.domain else "—",
                    help="Cross-validated ROC AUC of telling the files apart; 0.5 = indistinguishable.")
        k[2].metric("Label shift", ("yes" if sh.label_shift.drift else "no") if sh.label_shift else "—",
                    f"JS {sh.label_shift.js_distance:.3f}" if sh.label_shift else None, delta_color="off", delta_arrow="off")
        k[3].metric("Rows in both files", f"{sh.rows_in_both:,}", help="Rows of the second file identical to a row of this one: leakage if these are train and test.")
        for note in sh.notes:
            st.info(note, icon=":material/info:")
        st.dataframe(
            sh.to_frame()[["name", "test", "statistic", "p_value", "p_adjusted", "effect", "effect_name", "psi", "drift", "reason"]],
            hide_index=True,
            width="stretch",
            key="sb_drift_table",
            column_config={
                "statistic": st.column_config.NumberColumn(format="%.4g"),
                "p_value": st.column_config.NumberColumn("p", format="%.3g"),
                "p_adjusted": st.column_config.NumberColumn("p (BH)", format="%.3g"),
                "effect": st.column_config.NumberColumn(format="%.3f"),
                "psi": st.column_config.NumberColumn("PSI", format="%.3f"),
            },
        )
        if sh.domain is not None and sh.domain.importances:
            st.caption(
                f"Domain classifier on {sh.domain.rows_per_file[0]:,} + {sh.domain.rows_per_file[1]:,} rows"
                f"{' (random subsample)' if sh.domain.subsampled else ''}; drivers (drop in AUC when shuffled): "
                + (", ".join(f"{name} {value:.3f}" for name, value in sh.domain.importances[:5] if value >= 0.001) or "none")
            )
        names = [f.name for f in tested]
        if names:
            default = names.index(sh.drifted[0]) if sh.drifted else 0
            feature = st.selectbox("Feature to overlay", names, index=default, key=f"{state.SB_SHIFT_FEATURE}_{second_file.sha256[:12]}")
            dist = state.sb_feature_distribution(sha, second_file.sha256, feature, dataset, second_file)
            st.plotly_chart(charts.feature_distribution_figure(dist), width="stretch", key="sb_overlay_chart")

# --- the fix --------------------------------------------------------------------------------------
st.header("Fix: reweight or resample")
if result is None:
    st.info("Give the expected shares above to reweight or resample towards them.", icon=":material/arrow_upward:")
    st.stop()
method = st.radio("Fix", [WEIGHTS, RAKING, RESAMPLE], horizontal=True, key=state.SB_FIX_METHOD, label_visibility="collapsed")
stem = Path(dataset.name).stem
fix = None
try:
    if method in (WEIGHTS, RAKING):
        margins = [(group, tuple(reference.shares.items()))]
        if method == RAKING:
            extra = st.multiselect("Also match the margins of", [c for c in candidates if c != group], key=f"{state.SB_RAKE_COLUMNS}_{tag}")
            if not extra:
                st.info("Pick at least one more group column and type its population shares.", icon=":material/info:")
            cols = st.columns(max(1, len(extra)))
            for box, col in zip(cols, extra):
                with box:
                    st.caption(f"Population shares of `{col}` (pre-filled with the sample's)")
                    edited = _editor(f"{state.SB_RAKE_EDITOR_PREFIX}{tag}_{col}", state.sb_observed_shares(sha, col, dataset), uniform=False)
                    margins.append((col, tuple(reference_shares(_shares_from_editor(edited), group=col).shares.items())))
        fix = state.sb_reweight(sha, tuple(margins), dataset)
        kind, suffix = "weights", "weighted"
        w1, w2, w3 = st.columns(3)
        w1.metric("Converged", "yes" if fix.converged else "no", f"{fix.iterations} sweep{'s' if fix.iterations != 1 else ''}", delta_color="off", delta_arrow="off")
        w2.metric("Largest margin error", f"{fix.max_margin_error:.1e}")
        w3.metric("Effective sample size", f"{fix.effective_sample_size:,.0f}", f"of {n_rows:,} rows", delta_color="off", delta_arrow="off",
                  help="Kish: (Σw)² / Σw². Weighting costs precision: this many unweighted rows would be as informative.")
        title = "Shares before and after weighting"
    else:
        r1, r2 = st.columns(2)
        replace = r1.checkbox("Allow upsampling with replacement", key=state.SB_FIX_REPLACE,
                              help="Off: over-represented groups are downsampled. On: under-represented groups are upsampled (rows repeat); the recipe says so.")
        rows_wanted = r2.number_input("Rows (0 = the most possible without replacement / all rows with)", min_value=0, value=0, step=100, key=state.SB_FIX_ROWS)
        fix = state.sb_resample(sha, group, tuple(reference.shares.items()), int(rows_wanted) or None, bool(replace), 0, dataset)
        kind, suffix = "resample", "resampled"
        st.metric("Rows after", f"{len(fix.positions):,}", f"from {n_rows:,}", delta_color="off", delta_arrow="off")
        title = "Shares before and after resampling"
except DiagnosticsError as exc:
    st.error(str(exc), icon=":material/error:")
    fix = None

if fix is not None:
    for note in fix.notes:
        st.info(note, icon=":material/info:")
    st.plotly_chart(charts.fix_before_after_figure(fix.table, title=title), width="stretch", key="sb_fix_chart")
    key = (method, repr(fix.to_dict()))
    csv_bytes, recipe, protected = state.sb_fix_download(sha, kind, key, dataset, fix)
    d1, d2 = st.columns(2)
    d1.download_button(
        f"Download the {suffix} CSV", csv_bytes, file_name=f"{stem}_{suffix}.csv", mime="text/csv",
        icon=":material/download:", key="sb_download_csv", on_click="ignore",
    )
    d2.download_button(
        "Download the recipe (JSON)", recipe, file_name=f"{stem}_{suffix}.recipe.json", mime="application/json",
        icon=":material/receipt_long:", key="sb_download_recipe", on_click="ignore",
    )
    st.caption(
        ("The CSV keeps every original column and adds `sample_weight`: pass it to your estimator's sample_weight. "
         if kind == "weights" else "The CSV keeps every original column. ")
        + (f"{protected:,} text cells starting with =, +, - or @ were prefixed with ' so spreadsheets do not run them as formulas."
           if protected else "No text cell needed formula protection.")
    )
