"""Sampling bias: the sample against a reference population, inside the sample, against a second file, and the fix.

The page only renders: every number comes from :mod:`analysis.sampling` through
the cached wrappers of :mod:`dashboard.state.sampling`, each given one typed
settings object built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import sample_data
from analysis.candidates import group_candidates
from analysis.io import Dataset
from analysis.provenance import sampling_fix_parameters
from analysis.sampling import (
    FIX_METHODS,
    MAX_GROUPS,
    BiasResult,
    BiasSettings,
    FixSettings,
    IntersectionSettings,
    ReferenceShares,
    ShiftSettings,
    SimulationSettings,
    count_noun,
    quoted,
    reference_shares,
)
from dashboard import components, shares_editor, sidebar
from dashboard.charts import sampling as charts
from dashboard.provenance import protect_on, provenance_button
from dashboard.state import card as card_state
from dashboard.state import sampling as sb
from dashboard.state.session import load_dataset, load_sample

TYPED, UPLOADED, BUNDLED = "Type the expected shares", "Upload a reference file", "Use the bundled population file"
_NONE = "(none)"


@dataclass(frozen=True)
class _Page:
    """What every section reads: the active data and the group column's candidates."""

    dataset: Dataset
    target: str | None
    candidates: list[str]

    @property
    def sha(self) -> str:
        return self.dataset.sha256

    @property
    def tag(self) -> str:
        return self.dataset.sha256[:12]


@dataclass(frozen=True)
class _Reference:
    shares: ReferenceShares
    joint: Dataset | None  # the uploaded reference file, when there is one


def _upload(label: str, key: str, help_text: str) -> Dataset | None:
    uploaded = st.file_uploader(label, type=["csv", "tsv", "txt"], key=key, help=help_text)
    if uploaded is None:
        return None
    digest = sb.sb_upload_sha256(uploaded, key)
    return load_dataset(digest, uploaded.name, uploaded.getvalue())


# --- against a reference population ---------------------------------------------------------------
def _default(key: str, value) -> str:
    """Give a kept widget its first value through session state (a widget with both a default and a kept
    value makes Streamlit print a warning on the page)."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _reference_controls(page: _Page, left) -> tuple[str, str, float]:
    """Group column, source of the expected shares and tolerance (the left column)."""
    default_group = sample_data.default_group_column(page.dataset.name, page.candidates)
    group = left.selectbox(
        "Group column",
        page.candidates,
        key=_default(f"{sb.SB_GROUP}_{page.tag}", default_group),
        help=f"A column that splits the rows into groups (at most {MAX_GROUPS} values): region, age band, device…",
    )
    sources = [TYPED, UPLOADED] + ([BUNDLED] if page.dataset.name in sample_data.SAMPLE_REFERENCE_FILES else [])
    source = left.radio(
        "Expected shares",
        sources,
        key=_default(f"{sb.SB_SOURCE}_{page.tag}", BUNDLED if BUNDLED in sources else TYPED),
        help="The share of each group in the population the sample should represent.",
    )
    tolerance = left.slider(
        "Tolerance",
        min_value=0.0,
        max_value=0.5,
        step=0.05,
        key=_default(sb.SB_TOLERANCE, 0.1),
        help="A group is flagged over- or under-represented only when the 95% interval of its representation "
        "ratio lies beyond 1 ± this tolerance.",
    )
    return group, source, float(tolerance)


@components.guarded("Expected shares")
def _reference_input(page: _Page, group: str, source: str) -> _Reference | None:
    """The expected shares the user gave: typed, an uploaded file, or the bundled population once confirmed.

    Returns None until the user has given a reference: no verdict, test or fix is computed against a
    placeholder (empty typed shares, or a suggestion not yet confirmed).
    """
    if source == TYPED:
        st.caption(
            "Type the population share of each value (from a census, a registry, the population your model will serve). "
            "Shares may be percentages or counts: they are divided by their sum. Delete the rows of values you have no share for."
        )
        observed = sb.sb_observed_shares(page.sha, group, page.dataset)
        edited = shares_editor.editor(f"{sb.SB_EDITOR_PREFIX}{page.tag}_{group}", observed, blank=True)
        missing = shares_editor.untyped(edited)
        if missing and len(missing) == len(edited):
            st.info(
                f"Type the expected share of each value of {components.escape_md(group)} to compare the sample with its "
                "population. Nothing is judged until you do: equal shares are not assumed.",
                icon=":material/edit:",
            )
            return None
        if missing:
            st.info(
                f"Type a share for {components.escape_md(quoted(missing[:8]))}{' …' if len(missing) > 8 else ''} "
                "too, or delete their rows.",
                icon=":material/edit:",
            )
            return None
        return _Reference(reference_shares(shares_editor.shares_from_editor(edited), group=group, source="typed shares"), None)
    if source == UPLOADED:
        joint = _upload_reference(group)
        if joint is None:
            st.info("Upload a reference file: a value,share table, or a dataset from the population.", icon=":material/upload:")
            return None
        return _Reference(sb.sb_reference_from_file(joint.sha256, group, joint), joint)
    name = sample_data.SAMPLE_REFERENCE_FILES[page.dataset.name]
    population = load_sample(name)
    shares = sb.sb_reference_from_file(population.sha256, group, population)
    documented = sample_data.SAMPLE_GROUP_COLUMNS.get(page.dataset.name, group)
    st.caption(f"Suggested: `{name}`, the documented population shares of `{documented}` (see sample_data/README.md).")
    components.table(st, population.frame, hide_index=True, width="stretch", key=sb.SB_POPULATION_TABLE)
    confirmed = f"{sb.SB_CONFIRMED_PREFIX}{page.tag}_{group}"
    if not st.session_state.get(confirmed):
        # The click is stored by its callback before the rerun, so the button is gone as the verdict appears.
        st.button("Use these shares as the reference", key=sb.SB_CONFIRM_BUTTON, icon=":material/check:", type="primary",
                  on_click=st.session_state.__setitem__, args=(confirmed, True))
        st.info("Check the suggested population and confirm it to compare the sample with it.", icon=":material/fact_check:")
        return None
    st.caption("Confirmed as the reference.")
    return _Reference(shares, None)


def _upload_reference(group: str) -> Dataset | None:
    """The uploaded reference file; the last one is kept (across pages) until the user removes it."""

    def forget() -> None:
        st.session_state.pop(sb.SB_REFERENCE_KEPT, None)

    uploaded = st.file_uploader(
        "Reference file", type=["csv", "tsv", "txt"], key=sb.SB_REFERENCE_UPLOAD, on_change=forget,
        help=f"Either a two-column value,share table, or a whole dataset with a '{group}' column whose distribution is the reference.",
    )
    if uploaded is not None:
        digest = sb.sb_upload_sha256(uploaded, sb.SB_REFERENCE_UPLOAD)
        st.session_state[sb.SB_REFERENCE_KEPT] = load_dataset(digest, uploaded.name, uploaded.getvalue())
        return st.session_state[sb.SB_REFERENCE_KEPT]
    kept = st.session_state.get(sb.SB_REFERENCE_KEPT)
    if kept is not None:
        st.caption(f"Using the reference file {components.escape_md(kept.name)} uploaded earlier; upload another to replace it.")
    return kept


@components.guarded("Representation")
def _representation(page: _Page, settings: BiasSettings) -> BiasResult | None:
    with st.spinner("Comparing with the reference…"):
        result = sb.sb_representation(page.sha, settings, page.dataset)
    card_state.remember(page.sha, "representativeness", result)  # the Dataset card shows the last one
    components.verdict_box(result)
    m = st.columns(6)
    c = result.chi_square
    m[0].metric("Chi-square", f"{c.statistic:,.1f}", f"dof {c.dof}", delta_color="off", delta_arrow="off",
                help="Goodness of fit of the group counts to the reference shares (scipy.stats.chisquare).")
    m[1].metric("p-value", "< 1e-16" if c.p_value < 1e-16 else f"{c.p_value:.3g}")
    m[2].metric("Cohen's w", f"{result.cohens_w:.3f}", f"Cramér's V {result.cramers_v:.3f}", delta_color="off", delta_arrow="off",
                help="Effect size sqrt(chi2 / n): below 0.1 negligible, 0.1 small, 0.3 moderate, 0.5 large (Cohen 1988).")
    m[3].metric("Total variation", f"{result.total_variation:.4f}", help="Half the sum of |observed − expected| shares: the share of rows in the wrong group.")
    m[4].metric("JS distance", f"{result.js_distance:.4f}",
                help="Jensen-Shannon distance in base 2 (0 = identical, 1 = disjoint); times sqrt(ln 2) = 0.833 on the natural-log scale Evidently uses.")
    m[5].metric("PSI", f"{result.psi:.4f}", help="Population stability index; empty groups count as a share of 0.0001. Below 0.1 stable, above 0.25 major shift.")
    a, b = st.columns(2)
    components.chart(a, charts.bias_bars_figure(result), width="stretch", key=sb.SB_BARS_CHART)
    components.chart(b, charts.representation_ratio_figure(result), width="stretch", key=sb.SB_RATIO_CHART)
    components.table(st,
        result.to_frame()[["value", "observed_count", "observed_share", "expected_share", "representation_ratio", "ci_low", "ci_high", "flag"]],
        hide_index=True,
        width="stretch",
        key=sb.SB_GROUPS_TABLE,
        column_config={
            "observed_count": st.column_config.NumberColumn("rows", format="localized"),
            "observed_share": st.column_config.NumberColumn("observed", format="percent"),
            "expected_share": st.column_config.NumberColumn("expected", format="percent"),
            "representation_ratio": st.column_config.NumberColumn("ratio", format="%.3f"),
            "ci_low": st.column_config.NumberColumn("ratio 95% low", format="%.3f"),
            "ci_high": st.column_config.NumberColumn("ratio 95% high", format="%.3f"),
        },
    )
    return result


@components.guarded("Intersection of two group columns")
def _intersection(page: _Page, group: str, reference: _Reference, tolerance: float) -> None:
    others = [col for col in page.candidates if col != group]
    if not others:
        return
    second = st.selectbox(
        "Intersect with a second group column",
        [_NONE] + others,
        key=f"{sb.SB_SECOND_GROUP}_{page.tag}",
        help="Cells of two group columns (e.g. region × device). Expected cell shares come from the reference "
        "file when it holds both columns, otherwise from the product of the margins.",
    )
    if second == _NONE:
        return
    joint = reference.joint
    if joint is not None and not (second in joint.frame.columns and group in joint.frame.columns):
        joint = None
    settings = IntersectionSettings((group, second), reference.shares, tolerance)
    cells = sb.sb_intersection(page.sha, settings, joint.sha256 if joint is not None else None, page.dataset, joint)
    components.verdict_box(cells)
    components.chart(st, charts.representation_ratio_figure(cells), width="stretch", key=sb.SB_CELLS_CHART)


# --- inside the sample ----------------------------------------------------------------------------
@components.guarded("Inside the sample")
def _inside(page: _Page, group: str) -> None:
    lbg, mbg = sb.sb_inside(page.sha, group, page.target, page.dataset)
    if lbg is not None:
        st.subheader(f"Label rates by {components.escape_md(group)}", anchor=False)  # no link named after data
        components.verdict_box(lbg)
        components.chart(st, charts.residual_heatmap_figure(lbg), width="stretch", key=sb.SB_RESIDUAL_CHART)
    elif page.target is None:
        st.info("Pick the target in the sidebar to see the label rate of each group.", icon=":material/arrow_back:")
    st.subheader(f"Missing values by {components.escape_md(group)}", anchor=False)
    components.verdict_box(mbg)
    if mbg.shares.shape[1]:
        components.chart(st, charts.missingness_heatmap_figure(mbg), width="stretch", key=sb.SB_MISSING_CHART)


# --- sampling simulator ---------------------------------------------------------------------------
@components.guarded("Sampling simulator")
def _simulator(page: _Page, group: str) -> None:
    st.caption(
        "Treat this data as the population and draw many samples from it by each method: how far does each land from the "
        "full data? Convenience samples miss by far more than chance."
    )
    n_rows = page.dataset.frame.shape[0]
    with st.form(sb.SB_SIM_FORM):
        f1, f2 = st.columns(2)
        size = f1.number_input("Rows per sample", min_value=10, max_value=max(10, n_rows - 1),
                               value=int(min(2000, max(50, n_rows // 10), n_rows - 1)), key=sb.SB_SIM_SIZE)
        repeats = f2.slider("Samples per method", min_value=20, max_value=500, value=100, step=20, key=sb.SB_SIM_REPEATS)
        run = st.form_submit_button("Run the simulation", icon=":material/play_arrow:")
    settings = SimulationSettings(group, page.target, sample_size=int(size), repeats=int(repeats), seed=0)
    if run:
        with st.spinner("Drawing samples…"):
            st.session_state[sb.SB_SIM_RESULT] = (settings, page.sha, sb.sb_simulation(page.sha, settings, page.dataset))
    stored = st.session_state.get(sb.SB_SIM_RESULT)
    # The last run stays on screen while the data, group and target are the same (size and repeats may change).
    if stored is None or stored[1] != page.sha or (stored[0].group, stored[0].target) != (group, page.target):
        return
    sim = stored[2]
    s1, s2 = st.columns(2)
    components.chart(s1, charts.simulation_figure(sim), width="stretch", key=sb.SB_SIM_CHART)
    if sim.target is not None:
        components.chart(s2, charts.simulation_figure(sim, column="target_tvd"), width="stretch", key=sb.SB_SIM_TARGET_CHART)
    st.caption(
        f"The over-weighted convenience sample draws rows of '{components.escape_md(str(sim.overweighted_group))}' "
        "(the largest group) three times as often."
    )
    components.table(st, sim.summary(), hide_index=True, width="stretch", key=sb.SB_SIM_TABLE)


# --- shift against a second file ------------------------------------------------------------------
@components.guarded("Shift against a second file")
def _shift(page: _Page) -> None:
    st.caption(
        f"Compare {components.escape_md(page.dataset.name)} (the reference, e.g. training data) with a second file "
        "(production or test data): per-feature tests with Benjamini-Hochberg adjusted p-values, a domain classifier, "
        "label shift and shared rows."
    )
    second = _upload("Second file", sb.SB_SHIFT_UPLOAD, "A CSV with the same columns, e.g. production data or the test split.")
    if second is None:
        return
    with st.spinner("Comparing the two files (tests per feature, domain classifier)…"):
        sh = sb.sb_shift(page.sha, second.sha256, ShiftSettings(target=page.target), page.dataset, second)
        card_state.remember(page.sha, "shift", sh)  # the Dataset card shows the last one
    components.verdict_box(sh)
    k = st.columns(4)
    k[0].metric("Drifted features", f"{len(sh.drifted)} of {len(sh.tested)}",
                help="Drift: BH-adjusted p below 0.05 and an effect of at least 0.1 (numeric: Wasserstein / std) or "
                f"{sh.thresholds['categorical']:.3f} (categorical: Jensen-Shannon distance in base 2, which is Evidently's "
                "0.1 on its natural-log scale).")
    k[1].metric("Domain classifier AUC", f"{sh.domain.auc:.3f}" if sh.domain else "—",
                f"95% {sh.domain.ci_low:.3f} – {sh.domain.ci_high:.3f}" if sh.domain else None, delta_color="off", delta_arrow="off",
                help="Cross-validated ROC AUC of telling the files apart (out-of-fold), with DeLong's 95% interval; "
                "0.5 = indistinguishable. No evidence of shift while the interval reaches 0.5.")
    k[2].metric("Label shift", ("yes" if sh.label_shift.drift else "no") if sh.label_shift else "—",
                f"JS {sh.label_shift.js_distance:.3f}" if sh.label_shift else None, delta_color="off", delta_arrow="off")
    k[3].metric("Rows in both files", f"{sh.rows_in_both:,}", help="Rows of the second file identical to a row of this one: leakage if these are train and test.")
    components.table(st,
        # Text cells that do not apply are blank, not the word "None".
        sh.to_frame()[["name", "test", "statistic", "p_value", "p_adjusted", "effect", "effect_name", "psi", "drift", "reason"]]
        .fillna({"effect_name": "", "reason": ""}),
        hide_index=True,
        width="stretch",
        key=sb.SB_DRIFT_TABLE,
        column_config={
            "statistic": st.column_config.NumberColumn(format="%.4g"),
            "p_value": st.column_config.NumberColumn("p", format="%.3g"),
            "p_adjusted": st.column_config.NumberColumn("p (BH)", format="%.3g"),
            "effect": st.column_config.NumberColumn(format="%.3f"),
            "psi": st.column_config.NumberColumn("PSI", format="%.3f"),
        },
    )
    if sh.text:  # free-text columns (issue 14): length, vocabulary and out-of-vocabulary drift
        st.caption("Free-text columns: characters per text (KS test), distinct word tokens, and the share of the "
                   "second file's tokens never seen in this one (out-of-vocabulary; drift at 20% or more).")
        components.table(st, sh.text_frame(), hide_index=True, width="stretch", key=sb.SB_TEXT_DRIFT_TABLE)
    if sh.domain is not None and sh.domain.importances:
        drivers = ", ".join(f"{components.escape_md(name)} {value:.3f}" for name, value in sh.domain.importances[:5] if value >= 0.001)
        st.caption(
            f"Domain classifier on {sh.domain.rows_per_file[0]:,} + {count_noun(sh.domain.rows_per_file[1], 'row')}"
            f"{' (random subsample)' if sh.domain.subsampled else ''}; drivers (drop in AUC when shuffled): " + (drivers or "none")
        )
    names = [f.name for f in sh.tested]
    if names:
        default = names.index(sh.drifted[0]) if sh.drifted else 0
        feature = st.selectbox("Feature to overlay", names, index=default, key=f"{sb.SB_SHIFT_FEATURE}_{second.sha256[:12]}")
        dist = sb.sb_feature_distribution(page.sha, second.sha256, feature, page.dataset, second)
        components.chart(st, charts.feature_distribution_figure(dist), width="stretch", key=sb.SB_OVERLAY_CHART)


# --- the fix --------------------------------------------------------------------------------------
def _fix_settings(page: _Page, group: str, reference: ReferenceShares) -> FixSettings:
    """The fix the user picked, with its margins (raking) or rows and replacement (resampling)."""
    labels = {m.label: m for m in FIX_METHODS.values()}
    entry = labels[st.radio("Fix", list(labels), horizontal=True, key=sb.SB_FIX_METHOD, label_visibility="collapsed")]
    if entry.kind == "resample":
        r1, r2 = st.columns(2)
        replace = r1.checkbox("Allow upsampling with replacement", key=sb.SB_FIX_REPLACE,
                              help="Off: over-represented groups are downsampled. On: under-represented groups are upsampled (rows repeat); the recipe says so.")
        rows = r2.number_input("Rows (0 = the most possible without replacement / all rows with)", min_value=0, value=0, step=100, key=sb.SB_FIX_ROWS)
        return FixSettings(entry.name, (reference,), rows=int(rows) or None, replace=bool(replace), seed=0)
    margins = [reference]
    if entry.name == "raking":
        extra = st.multiselect("Also match the margins of", [c for c in page.candidates if c != group], key=f"{sb.SB_RAKE_COLUMNS}_{page.tag}")
        if not extra:
            st.info("Pick at least one more group column and type its population shares.", icon=":material/info:")
        for box, col in zip(st.columns(max(1, len(extra))), extra):
            with box:
                st.caption(f"Population shares of {components.escape_md(col)} (pre-filled with the sample's)")
                edited = shares_editor.editor(f"{sb.SB_RAKE_EDITOR_PREFIX}{page.tag}_{col}", sb.sb_observed_shares(page.sha, col, page.dataset), blank=False)
                margins.append(reference_shares(shares_editor.shares_from_editor(edited), group=col))
    return FixSettings(entry.name, tuple(margins))


@components.guarded("Fix: reweight or resample")
def _fix(page: _Page, group: str, reference: ReferenceShares) -> None:
    settings = _fix_settings(page, group, reference)
    fix = sb.sb_fix(page.sha, settings, page.dataset)
    card_state.remember(page.sha, "sampling_fix", fix)  # the Dataset card lists every fix applied
    n_rows = page.dataset.frame.shape[0]
    entry = settings.entry
    if entry.kind == "weights":
        w1, w2, w3 = st.columns(3)
        w1.metric("Converged", "yes" if fix.converged else "no", count_noun(fix.iterations, "sweep"), delta_color="off", delta_arrow="off")
        w2.metric("Largest margin error", f"{fix.max_margin_error:.1e}")
        w3.metric("Effective sample size", f"{fix.effective_sample_size:,.0f}", f"of {count_noun(n_rows, 'row')}", delta_color="off", delta_arrow="off",
                  help="Kish: (Σw)² / Σw². Weighting costs precision: this many unweighted rows would be as informative.")
        title = "Shares before and after weighting"
    else:
        st.metric("Rows after", f"{len(fix.positions):,}", f"from {n_rows:,}", delta_color="off", delta_arrow="off")
        title = "Shares before and after resampling"
    for note in fix.notes:
        st.info(note, icon=":material/info:")
    components.chart(st, charts.fix_before_after_figure(fix.table, title=title), width="stretch", key=sb.SB_FIX_CHART)
    stem = Path(page.dataset.name).stem
    made: dict = {}

    def build(protect: bool):
        made["csv"], made["recipe"] = sb.sb_fix_download(page.sha, settings, protect, page.dataset)
        return made["csv"]

    d1, d2 = st.columns(2)
    with d1:
        csv = components.download_with_protection(
            f"Download the {entry.suffix} CSV", build, file_name=f"{stem}_{entry.suffix}.csv",
            key=sb.SB_DOWNLOAD_CSV, protect_key=sb.SB_PROTECT, on_click="ignore",
        )
        provenance_button(
            csv.data, file_name=f"{stem}_{entry.suffix}.csv", command="sampling-fix",
            parameters=sampling_fix_parameters(settings, protect=protect_on(sb.SB_PROTECT)),
            dataset=page.dataset, page="Sampling bias", download_key=sb.SB_DOWNLOAD_CSV,
            frame=fix.apply(page.dataset.frame) if entry.kind == "resample" else page.dataset.frame, synthetic=0,
        )
    recipe = made["recipe"]
    d2.download_button(
        "Download the recipe (JSON)", recipe, file_name=f"{stem}_{entry.suffix}.recipe.json", mime="application/json",
        icon=":material/receipt_long:", key=sb.SB_DOWNLOAD_RECIPE, on_click="ignore",
    )
    st.caption(
        "The CSV keeps every original column and adds `sample_weight`: pass it to your estimator's sample_weight."
        if entry.kind == "weights" else "The CSV keeps every original column."
    )


def main() -> None:
    st.title("Sampling bias")
    current = sidebar.require_dataset()
    dataset = current.dataset
    st.caption(
        f"{components.escape_md(dataset.name)} · {count_noun(dataset.frame.shape[0], 'row')}. Is the sample representative of the "
        "population it should stand for, and of the data the model will meet? Most training data is a convenience sample."
    )
    candidates = group_candidates(current.schema, target=current.target)
    if not candidates:
        st.info(
            f"No column can serve as a group column (2 to {MAX_GROUPS} distinct values, e.g. region, age band, device).",
            icon=":material/info:",
        )
        return
    page = _Page(dataset, current.target, candidates)

    st.header("Against a reference population")
    left, right = st.columns([1, 2])
    group, source, tolerance = _reference_controls(page, left)
    with right:
        reference = _reference_input(page, group, source)
    result = _representation(page, BiasSettings(reference.shares, tolerance)) if reference is not None else None
    if result is not None and reference is not None:
        _intersection(page, group, reference, tolerance)

    st.header("Inside the sample")
    _inside(page, group)

    st.header("Sampling simulator")
    _simulator(page, group)

    st.header("Shift against a second file")
    _shift(page)

    st.header("Fix: reweight or resample")
    if result is None or reference is None:
        st.info("Give the expected shares above to reweight or resample towards them.", icon=":material/arrow_upward:")
        return
    _fix(page, group, reference.shares)


main()
