"""``dataset-diagnostics card``: the three formats by suffix or --format, the JSON, and bad input.

References: PyYAML parses the Markdown header; mlcroissant loads the Croissant file's records back
(row count from pandas reading the same CSV); the report command's pinned JSON (tests/golden) for
the numbers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from cli_run import run

import sample_data

WINE = sample_data.sample_path("wine_imbalanced.csv")
GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.fixture()
def wine(tmp_path) -> Path:
    path = tmp_path / "data" / "wine.csv"
    path.parent.mkdir()
    shutil.copy(WINE, path)
    return path


def test_markdown_by_suffix_with_human_fields(capsys, tmp_path, wine):
    human = tmp_path / "h.yaml"
    human.write_text("licence: cc-by-4.0\nmotivation: Wine cultivars for a class.\nlanguage: en\n")
    code, out, err = run(capsys, "card", wine, "--target", "cultivar", "--quick", "--human", human,
                         "-o", tmp_path / "README.md")
    assert code == 0, err
    md = (tmp_path / "README.md").read_text()
    header = yaml.safe_load(md.split("---\n")[1])
    assert header["license"] == "cc-by-4.0" and header["language"] == ["en"] and header["size_categories"] == ["n<1K"]
    assert "Wine cultivars for a class." in md and "Wrote" in out


def test_croissant_by_suffix_loads_back_from_another_folder(capsys, tmp_path, wine):
    mlc = pytest.importorskip("mlcroissant")
    out_path = tmp_path / "out" / "card.jsonld"
    out_path.parent.mkdir()
    code, _, err = run(capsys, "card", wine, "--target", "cultivar", "--quick", "-o", out_path)
    assert code == 0, err
    doc = json.loads(out_path.read_text())
    assert doc["distribution"][0]["contentUrl"] == "../data/wine.csv"  # relative to the card, so it loads in place
    records = list(mlc.Dataset(jsonld=str(out_path)).records(record_set="records"))
    assert len(records) == len(pd.read_csv(WINE))


def test_html_by_format_and_json_payload(capsys, tmp_path, wine):
    code, out, err = run(capsys, "card", wine, "--target", "cultivar", "--quick", "--format", "json",
                         "-o", tmp_path / "r.html")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["output"]["format"] == "html" and (tmp_path / "r.html").stat().st_size == payload["output"]["bytes"]
    ref = json.loads((GOLDEN / "report_wine.json").read_text())["stdout"]
    assert payload["facts"]["class_balance"]["data"]["counts"] == ref["class_balance"]["counts"]
    assert payload["not_measured"] == ["leakage", "representativeness", "shift", "agreement", "label_errors", "weak",
                                       "fixes", "robustness"]
    code, out, _ = run(capsys, "card", wine, "--target", "cultivar", "--quick", "--format", "markdown")
    assert code == 0 and out.startswith("---\nlicense:")


@pytest.mark.parametrize(("extra", "message"), [
    ((), "needs the label column: pass --target COLUMN. Candidates: cultivar"),
    (("--target", "cultivar", "-o", "x.txt"), "unknown output format '.txt'"),
    (("--target", "cultivar", "--human", "{human}", "-o", "x.md"), "not valid JSON"),
    (("--target", "cultivar", "--human", "{missing}", "-o", "x.md"), "Cannot read the human fields file"),
    (("--target", "nope", "--quick"), "nope"),
])
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, wine, extra, message):
    (tmp_path / "h.json").write_text("{not json")
    args = [a.replace("{human}", str(tmp_path / "h.json")).replace("{missing}", str(tmp_path / "none.json"))
            for a in extra]
    code, out, err = run(capsys, "card", wine, *args)
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_html_without_the_dashboard_package_says_how(capsys, tmp_path, wine, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "dashboard.report" else real(name, *a))
    code, _, err = run(capsys, "card", wine, "--target", "cultivar", "--quick", "-o", tmp_path / "r.html")
    assert code == 2 and "needs the dashboard package" in err


def test_recipe_of_a_fix_is_recorded_and_a_bad_one_refused(capsys, tmp_path, wine):
    from analysis.rebalance import FixSettings, apply_fix

    fix = apply_fix(pd.read_csv(wine), FixSettings(target="cultivar", strategy="random_over", source_name="wine.csv"))
    recipe = tmp_path / "wine_random_over_recipe.json"
    recipe.write_text(json.dumps(fix.recipe, default=str))
    code, out, err = run(capsys, "card", wine, "--target", "cultivar", "--quick", "--recipe", recipe, "--format", "json")
    assert code == 0, err
    fact = json.loads(out)["facts"]["fixes"]
    assert fact["measured"] and fact["data"]["fixes"][0]["recipe"]["settings"]["counts_after"] == {
        str(k): v for k, v in fix.counts_after.items()}
    assert fact["data"]["fixes"][0]["n_synthetic"] == fix.n_synthetic  # the fix's own count of added rows
    (tmp_path / "other.json").write_text('{"a": 1}')
    code, _, err = run(capsys, "card", wine, "--target", "cultivar", "--quick", "--recipe", tmp_path / "other.json")
    assert code == 2 and "not a dataset-diagnostics recipe" in err and err.count("\n") == 1


def test_the_card_file_gets_a_provenance_that_verify_checks(capsys, tmp_path, wine):
    # Issue 12: the card itself is a written file with its provenance (reference: hashlib of the
    # file on disk); verify passes, and fails naming the hash once one byte is changed.
    import hashlib

    out_path = tmp_path / "README.md"
    code, _, err = run(capsys, "card", wine, "--target", "cultivar", "--quick", "-o", out_path)
    assert code == 0, err
    record = json.loads((tmp_path / "README.md.provenance.json").read_text())
    assert record["command"] == "card" and record["parameters"]["target"] == "cultivar"
    assert record["output"]["sha256"] == hashlib.sha256(out_path.read_bytes()).hexdigest()
    assert record["input"]["sha256"] == hashlib.sha256(wine.read_bytes()).hexdigest()
    code, out, _ = run(capsys, "verify", out_path, "--provenance", tmp_path / "README.md.provenance.json")
    assert code == 0 and "verified" in out
    out_path.write_bytes(out_path.read_bytes().replace(b"cultivar", b"cultivaR", 1))
    code, out, _ = run(capsys, "verify", out_path, "--provenance", tmp_path / "README.md.provenance.json")
    assert code == 1 and "output hash mismatch" in out
