"""The "Rebalancing lab" page under AppTest, and its chart builders.

Expected numbers come from the analysis API run independently on the same data
and settings (whose own values are checked against scikit-learn/imbalanced-learn
in tests/analysis/test_rebalance.py).
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pagetest
import pandas as pd
import pytest
from pagetest import button, table
from streamlit.testing.v1 import AppTest

from analysis import load_csv
from analysis.rebalance import CompareSettings, apply_fix, compare_strategies, fix_zip
from dashboard.charts import rebalancing as charts
from dashboard.state import rebalancing as state
from sample_data import sample_path

DATA = sample_path("transactions.csv")
SETTINGS = dict(strategies=["none", "class_weight", "random_over"], folds=3, subsample=2000)
SHA = load_csv(DATA).sha256[:16]  # the subsample widgets are keyed per dataset


def open_page() -> AppTest:
    return pagetest.open_page("rebalancing")


def configure_and_run(at) -> AppTest:
    at.multiselect(key=state.RB_STRATEGIES).set_value(SETTINGS["strategies"])
    at.number_input(key=state.RB_FOLDS).set_value(SETTINGS["folds"])
    at.checkbox(key=state.RB_SUBSAMPLE_ON + SHA).check()
    at.number_input(key=state.RB_SUBSAMPLE + SHA).set_value(SETTINGS["subsample"])
    button(at, "Run comparison").click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def expected():
    df = load_csv(DATA).frame
    return compare_strategies(df, target="is_fraud", n_jobs=1, **SETTINGS)


def test_page_runs_stores_results_and_shows_the_apis_numbers(expected):
    at = open_page()
    assert at.title[0].value == "Rebalancing lab"
    assert at.multiselect(key=state.RB_STRATEGIES).value == [
        "none", "class_weight", "threshold", "random_over", "smote", "random_under"
    ]
    configure_and_run(at)
    store = at.session_state[state.RB_RESULTS]
    (key, results), = store.items()
    assert list(results) == ["none", "class_weight", "random_over"]
    # The ranking table shows the analysis' numbers for the default metric (PR AUC for a binary target).
    ranking = table(at, "rank")
    ref = expected.ranking("average_precision").frame
    assert ranking["strategy"].tolist() == ref["strategy"].tolist()
    assert np.allclose(ranking["mean"], ref["mean"], atol=1e-12)
    # p is shown to three decimals, and blank (not the word None) for the baseline, which has none
    assert ranking["p_value"].tolist() == ["" if pd.isna(p) else f"{p:.3f}" for p in ref["p_value"]]
    assert ranking.loc[ranking["strategy"] == "none", "p_value"].tolist() == [""]
    boxes = [re.sub(r"\\(.)", r"\1", s.value) for s in [*at.success, *at.info, *at.warning]]  # user text escaped
    assert expected.ranking("average_precision").summary in boxes
    all_metrics = table(at, "strategy")
    assert np.allclose(all_metrics["balanced_accuracy"], [r.metrics["balanced_accuracy"].mean for r in expected.strategies])
    assert any("stratified subsample of 2,000 of the 20,031" in c.value for c in at.caption)
    # Issue 10 item 9: the estimate states its uncertainty (the range bench_estimate.py measured)
    assert any(re.search(r"Estimated run time: .+ on one core \(likely .+\).+up to 2\.5x either way", c.value)
               for c in at.caption)
    per_class = next(d.value for d in at.dataframe if list(d.value.columns) == ["strategy", "class", "precision", "recall"])
    ref_recall = [expected.result(n).per_class[c]["recall"].mean for n in SETTINGS["strategies"] for c in ("0", "1")]
    assert np.allclose(per_class["recall"], ref_recall, atol=1e-12)
    specs = {json.loads(c.proto.spec)["layout"]["title"]["text"].split(" (")[0] for c in at.get("plotly_chart")}
    assert {"PR AUC", "Precision-recall curves", "Calibration curves", "Confusion matrices"} <= {
        s.split(" by strategy")[0] for s in specs
    }

    # Results survive clicks elsewhere: a metric switch, then a click in the fix section.
    at.selectbox(key=state.RB_METRIC).set_value("mcc").run()
    assert not at.exception
    assert len(at.session_state[state.RB_RESULTS]) == 1
    ranking = table(at, "rank")
    assert np.allclose(ranking["mean"], expected.ranking("mcc").frame["mean"], atol=1e-12)
    at.checkbox(key=state.RB_IS_SYNTHETIC).check().run()  # a click in the fix section: no rerun of the comparison
    assert list(next(iter(at.session_state[state.RB_RESULTS].values()))) == ["none", "class_weight", "random_over"]
    assert table(at, "rank")["strategy"].tolist() == expected.ranking("mcc").frame["strategy"].tolist()

    # The fix section's picker follows the comparison's suggestion (the best-ranked strategy that beats the
    # baseline by the metric chosen above), and says why; without one it says the comparison supports none.
    def captions():
        return [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]

    assert expected.ranking("mcc").suggestion is None and at.selectbox(key=state.RB_FIX_STRATEGY).value == "smote"
    assert expected.ranking("mcc").suggestion_text() in captions()
    at.selectbox(key=state.RB_METRIC).set_value("balanced_accuracy").run()
    assert at.selectbox(key=state.RB_FIX_STRATEGY).value == expected.ranking("balanced_accuracy").suggestion
    assert expected.ranking("balanced_accuracy").suggestion_text() in captions()

    # Before applying a strategy the comparison found worse than the baseline (by the metric chosen above),
    # the fix section says so; a strategy that was not compared, or not found worse, gets no such warning.
    at.selectbox(key=state.RB_METRIC).set_value("roc_auc").run()
    at.selectbox(key=state.RB_FIX_STRATEGY).set_value("random_over").run()
    warned = expected.ranking("roc_auc").warning_for("random_over")
    assert warned is not None and warned in [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    for metric, fix in (("roc_auc", "smote"), ("balanced_accuracy", "random_over")):
        at.selectbox(key=state.RB_METRIC).set_value(metric).run()
        at.selectbox(key=state.RB_FIX_STRATEGY).set_value(fix).run()
        assert not any("worse than the baseline" in w.value for w in at.warning), (metric, fix)
    # A strategy picked by hand after a suggestion stays picked when the metric (and the suggestion) changes.
    for metric in ("mcc", "balanced_accuracy"):
        at.selectbox(key=state.RB_METRIC).set_value(metric).run()
        assert at.selectbox(key=state.RB_FIX_STRATEGY).value == "random_over", metric
    # A new suggestion for the same table moves the picker only while it shows the last suggestion it followed
    # (here, as if random_over had been suggested last; balanced accuracy then suggests class_weight).
    sha = load_csv(DATA).sha256
    for picked, shown in (("threshold", "threshold"), ("random_over", "class_weight")):
        at.selectbox(key=state.RB_METRIC).set_value("mcc").run()
        at.selectbox(key=state.RB_FIX_STRATEGY).set_value(picked).run()
        at.session_state[state.RB_FIX_SUGGESTED] = (sha, "random_over")
        at.selectbox(key=state.RB_METRIC).set_value("balanced_accuracy").run()
        assert at.selectbox(key=state.RB_FIX_STRATEGY).value == shown, picked


def test_interrupted_run_keeps_finished_strategies_and_resumes(expected):
    at = open_page()
    at.multiselect(key=state.RB_STRATEGIES).set_value(SETTINGS["strategies"])
    at.number_input(key=state.RB_FOLDS).set_value(3)
    at.checkbox(key=state.RB_SUBSAMPLE_ON + SHA).check()
    at.number_input(key=state.RB_SUBSAMPLE + SHA).set_value(2000)
    key = (load_csv(DATA).sha256, CompareSettings(target="is_fraud", strategies=tuple(SETTINGS["strategies"]),
                                                  model="logreg", folds=3, repeats=1, seed=0, subsample=2000))
    # As if a click had aborted the run after the baseline: only 'none' is stored.
    at.session_state[state.RB_RESULTS] = {key: {"none": expected.result("none")}}
    at.session_state[state.RB_RUN] = key
    at.run()
    assert any("1 of 3 strategies finished" in i.value for i in at.info)
    # Form values are committed on submit only: set them again with the click.
    configure_and_run(at)
    results = at.session_state[state.RB_RESULTS][key]
    assert list(results) == ["none", "class_weight", "random_over"]
    assert results["class_weight"].metrics["mcc"].values == expected.result("class_weight").metrics["mcc"].values


def test_fix_section_shows_counts_and_builds_the_download():
    at = open_page()
    raw = DATA.read_bytes()
    small = b"\n".join(raw.split(b"\n")[:4001]) + b"\n"  # header + 4,000 rows, uploaded as the user's file
    at.file_uploader[0].set_value(("tx.csv", small, "text/csv")).run()
    assert not at.exception
    button(at, "Apply smote").click().run()
    m = {x.label: x.value for x in at.metric}
    df = load_csv(small).frame
    fix = apply_fix(df, target="is_fraud", strategy="smote", test_size=0.2, seed=0)
    assert m["Training rows after"] == f"{len(fix.train):,}"
    assert m["Synthetic rows"] == f"{fix.n_synthetic:,}"
    assert m["Untouched test rows"] == f"{len(fix.test):,}" == "800"
    assert at.download_button[0].proto.label == "Download tx_smote.zip"
    data = fix_zip(fix, base_name="tx_smote")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        train = pd.read_csv(io.BytesIO(z.read("tx_smote.csv")))
    assert list(train.columns) == list(df.columns) and len(train) == len(fix.train)
    # Holdout off: a single CSV; the threshold strategy states its threshold.
    at.toggle(key=state.RB_HOLDOUT).set_value(False).run()
    button(at, "Apply smote").click().run()
    assert at.download_button[0].proto.label == "Download tx_smote.csv"
    at.selectbox(key=state.RB_FIX_STRATEGY).set_value("threshold").run()
    button(at, "Apply threshold").click().run()
    thr = apply_fix(df, target="is_fraud", strategy="threshold", seed=0).threshold
    assert any(f"{thr:.4f}" in s.value for s in at.success)


def test_cost_ratio_and_threshold_objective_reach_the_analysis():
    at = open_page()
    small = b"\n".join(DATA.read_bytes().split(b"\n")[:2001]) + b"\n"  # header + 2,000 rows
    at.file_uploader[0].set_value(("tx.csv", small, "text/csv")).run()
    at.number_input(key=state.RB_COST_RATIO).set_value(5.0)
    at.selectbox(key=state.RB_OBJECTIVE).set_value("f1")
    at.multiselect(key=state.RB_STRATEGIES).set_value(["none", "class_weight", "threshold"])
    configure = dict(strategies=["none", "class_weight", "threshold"], folds=3)
    at.number_input(key=state.RB_FOLDS).set_value(3)
    button(at, "Run comparison").click().run()
    assert not at.exception, at.exception
    (key, results), = at.session_state[state.RB_RESULTS].items()
    assert (key[1].cost_ratio, key[1].threshold_objective) == (5.0, "f1")
    ref = compare_strategies(load_csv(small).frame, target="is_fraud", cost_ratio=5.0, threshold_objective="f1",
                             n_jobs=1, **configure)
    for name in ("class_weight", "threshold"):
        assert results[name].metrics["f1_macro"].values == ref.result(name).metrics["f1_macro"].values


def test_multiclass_upload_skips_threshold_and_no_target_is_explained():
    at = open_page()
    wine = sample_path("wine_imbalanced.csv").read_bytes()
    at.file_uploader[0].set_value(("wine.csv", wine, "text/csv")).run()
    at.multiselect(key=state.RB_STRATEGIES).set_value(["none", "threshold", "random_over"])
    at.number_input(key=state.RB_FOLDS).set_value(3)
    button(at, "Run comparison").click().run()
    assert not at.exception
    assert any("threshold** skipped" in w.value and "binary target" in w.value for w in at.warning)
    ranking = table(at, "rank")
    assert ranking["strategy"].tolist()[0] in {"none", "random_over"} and len(ranking) == 2


def _plan_notes(df):
    from analysis.rebalance import plan_comparison

    return plan_comparison(df, target="annotator_1", strategies=["none"], folds=3).notes


def test_text_columns_are_named_and_scored_like_the_api():
    """Issue 14: a table of review texts is compared with TF-IDF features; the page names the text column."""
    df = pd.read_csv(sample_path("reviews_annotated.csv"))[["text", "annotator_1"]].head(240)
    at = open_page()
    at.file_uploader[0].set_value(("texts.csv", df.to_csv(index=False).encode(), "text/csv")).run()
    at.multiselect(key=state.RB_STRATEGIES).set_value(["none"])
    at.number_input(key=state.RB_FOLDS).set_value(3)
    button(at, "Run comparison").click().run()
    assert not at.exception, at.exception
    # the plan's note on text columns, once, in its own box (not in a box and again in a caption)
    note = next(n for n in _plan_notes(df) if n.startswith("Free-text columns used as TF-IDF features: 'text'"))
    plain = [i.value.replace("\\", "") for i in at.info]
    assert [v for v in plain if "Free-text" in v] == [note]
    assert not any("Free-text" in c.value.replace("\\", "") for c in at.caption)
    expected = compare_strategies(df, target="annotator_1", strategies=["none"], folds=3, n_jobs=1)
    got = table(at, "strategy")["balanced_accuracy"].tolist()
    assert np.allclose(got, [expected.result("none").metrics["balanced_accuracy"].mean], atol=1e-12)


def test_chart_builders_draw_the_results():
    df = load_csv(DATA).frame.head(3000)
    res = compare_strategies(df, target="is_fraud", strategies=["none", "random_under"], folds=3, n_jobs=1)
    fig = charts.rebalance_metric_figure(res.strategies, metric="balanced_accuracy")
    bar = fig.data[0]
    assert list(bar.x) == ["none", "random_under"]
    assert list(bar.y) == [r.metrics["balanced_accuracy"].mean for r in res.strategies]
    assert np.allclose(bar.error_y.array, [r.metrics["balanced_accuracy"].ci_high - r.metrics["balanced_accuracy"].mean
                                           for r in res.strategies])
    # each bar's value sits at its foot, clear of the interval's whisker at its top
    assert list(bar.text) == [f"{r.metrics['balanced_accuracy'].mean:.3f}" for r in res.strategies]
    assert (bar.textposition, bar.insidetextanchor) == ("inside", "start")
    pr = charts.pr_curves_figure(res.strategies, prevalence=0.02)
    assert len(pr.data) == 2 and "AP" in pr.data[0].name
    # the chance line is labelled at recall 0, away from where every curve meets it (recall 1)
    chance = [a for a in pr.layout.annotations if a.text == "chance (2.0%)"]
    assert len(chance) == 1 and chance[0].x == 0 and chance[0].xanchor == "left"
    cm = charts.confusion_matrices_figure(res.strategies, classes=res.classes)
    assert [t.text for t in cm.layout.annotations][:2] == ["none", "random_under"]
    assert np.asarray(cm.data[0].text).tolist() == [[f"{v:,}" for v in row] for row in res.result("none").confusion]
    fix = apply_fix(df, target="is_fraud", strategy="smote", seed=0)
    counts = charts.fix_counts_figure(fix)
    assert list(counts.data[1].y) == [fix.counts_after[0], fix.counts_after[1]]
    proj = charts.projection_figure(fix.projection)
    assert sum(len(t.x) for t in proj.data) == len(fix.projection.frame)


def test_fix_runs_only_when_asked():
    """Issue 10 item 8: no SMOTE on page load; the fix is built when the user presses Apply."""
    import analysis.rebalance as rebalance

    calls = []
    real = rebalance.apply_fix

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    state.rb_fix.clear()
    rebalance.apply_fix = spy
    try:
        at = open_page()
        small = b"\n".join(DATA.read_bytes().split(b"\n")[:1501]) + b"\n"
        at.file_uploader[0].set_value(("tx.csv", small, "text/csv")).run()
        assert not at.exception
        assert calls == [] and not at.download_button and state.RB_FIX_RUN not in at.session_state
        assert any("Apply smote" in i.value for i in at.info)
        button(at, "Apply smote").click().run()
        assert calls == [1] and at.download_button[0].proto.label == "Download tx_smote.zip"
        at.checkbox(key=state.RB_PROTECT).uncheck().run()  # not a fix setting: the fix stays
        assert calls == [1] and at.download_button
        at.selectbox(key=state.RB_FIX_STRATEGY).set_value("random_under").run()  # a new fix is asked for
        assert calls == [1] and not at.download_button
    finally:
        rebalance.apply_fix = real


def test_inputs_and_ranking_metric_survive_a_visit_to_overview():
    """Issue 10 item 3: set the strategies and the metric, go to Overview, come back: the same inputs and result."""
    at = open_page()
    small = b"\n".join(DATA.read_bytes().split(b"\n")[:1501]) + b"\n"
    at.file_uploader[0].set_value(("tx.csv", small, "text/csv")).run()
    at.multiselect(key=state.RB_STRATEGIES).set_value(["none", "random_over"])
    at.number_input(key=state.RB_FOLDS).set_value(3)
    at.number_input(key=state.RB_SEED).set_value(4)
    button(at, "Run comparison").click().run()
    at.selectbox(key=state.RB_METRIC).set_value("mcc").run()
    at.selectbox(key=state.RB_FIX_STRATEGY).set_value("random_under").run()
    at.slider(key=state.RB_TEST_SIZE).set_value(0.3).run()
    before = table(at, "rank")
    assert not at.exception and before["strategy"].tolist()
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    at.switch_page("app_pages/rebalancing.py").run()
    assert not at.exception
    assert at.multiselect(key=state.RB_STRATEGIES).value == ["none", "random_over"]
    assert at.number_input(key=state.RB_FOLDS).value == 3 and at.number_input(key=state.RB_SEED).value == 4
    assert at.selectbox(key=state.RB_METRIC).value == "mcc"
    assert at.selectbox(key=state.RB_FIX_STRATEGY).value == "random_under"
    assert at.slider(key=state.RB_TEST_SIZE).value == 0.3
    pd.testing.assert_frame_equal(table(at, "rank"), before)
