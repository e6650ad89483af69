"""``dataset-diagnostics verify``: every file the CLI writes verifies, and each way it can fail is named.

References: hashlib.sha256 of the files on disk (the record's hashes), the bytes of
the output as written (a re-run must reproduce them exactly), and the input
record as the first command wrote it (a chain keeps it whole).
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from cli_run import run

from sample_data import sample_path

WINE = sample_path("wine_imbalanced.csv")
REVIEWS = sample_path("reviews_annotated.csv")
ANNOTATORS = "annotator_1,annotator_2,annotator_3,annotator_4"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Every kind of file the CLI writes, on the bundled samples (inputs copied beside them)."""
    from analysis.cli import main

    folder = tmp_path_factory.mktemp("verify")
    wine, reviews = folder / "wine.csv", folder / "reviews.csv"
    shutil.copy(WINE, wine)
    shutil.copy(REVIEWS, reviews)
    runs = [
        ["fix", wine, "--target", "cultivar", "--strategy", "smote", "--is-synthetic", "-o", folder / "fixed.csv"],
        ["bias", reviews, "--group", "product_category", "--expected",
         "beauty=0.1,books=0.2,clothing=0.2,electronics=0.2,home_kitchen=0.1,software=0.1,toys=0.1", "-o", folder / "weighted.csv"],
        ["weak", reviews, "--lfs", ANNOTATORS, "--abstain", "", "-o", folder / "weak.csv"],
        ["augment", wine, "--target", "cultivar", "--strategy", "mixup", "-o", folder / "aug.csv"],
    ]
    for argv in runs:
        assert main([str(a) for a in argv] + ["--format", "json"]) == 0
    return folder, {"fixed.csv": wine, "fixed_test.csv": wine, "weighted.csv": reviews, "weak.csv": reviews,
                    "aug.csv": wine, "aug_holdout.csv": wine}


def _verify(capsys, folder, name, *extra):
    return run(capsys, "verify", folder / name, "--provenance", folder / f"{name}.provenance.json", *extra)


@pytest.mark.parametrize("name", ["fixed.csv", "fixed_test.csv", "weighted.csv", "weak.csv", "aug.csv",
                                  "aug_holdout.csv"])
def test_every_written_file_verifies_and_its_recipe_reproduces_it(written, capsys, name):
    folder, inputs = written
    record = json.loads((folder / f"{name}.provenance.json").read_text())
    assert record["output"]["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert record["input"]["sha256"] == hashlib.sha256(inputs[name].read_bytes()).hexdigest()
    code, out, err = _verify(capsys, folder, name, "--input", inputs[name])
    assert (code, err) == (0, "") and len(out.strip().splitlines()) == 1
    assert "verified" in out and "reproduced byte for byte" in out
    code, out, _ = _verify(capsys, folder, name, "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["verdict"] == "verified" and payload["reran"] is False


def test_the_record_counts_synthetic_rows_as_the_file_marks_them(written):
    import pandas as pd

    folder, _ = written
    record = json.loads((folder / "fixed.csv.provenance.json").read_text())
    marks = pd.read_csv(folder / "fixed.csv")["is_synthetic"]
    assert record["rows"] == {"total": len(marks), "original": int((~marks).sum()), "synthetic": int(marks.sum()),
                              "basis": "is_synthetic column"}
    assert record["command"] == "fix" and record["seed"] == 0 and record["parameters"]["strategy"] == "smote"


def _copy(written, tmp_path, name):
    folder, inputs = written
    for f in (name, f"{name}.provenance.json"):
        shutil.copy(folder / f, tmp_path / f)
    shutil.copy(inputs[name], tmp_path / "in.csv")
    return tmp_path


def test_one_tampered_byte_fails_naming_the_output_hash(written, tmp_path, capsys):
    folder = _copy(written, tmp_path, "weak.csv")
    data = bytearray((folder / "weak.csv").read_bytes())
    data[len(data) // 2] ^= 1
    (folder / "weak.csv").write_bytes(bytes(data))
    code, out, _ = _verify(capsys, folder, "weak.csv")
    assert code == 1 and "output hash mismatch" in out
    code, out, _ = _verify(capsys, folder, "weak.csv", "--format", "json")
    assert code == 1 and json.loads(out)["failed"] == ["output_sha256"]


def test_an_edited_output_with_a_matching_hash_is_not_reproduced(written, tmp_path, capsys):
    folder = _copy(written, tmp_path, "weighted.csv")
    data = (folder / "weighted.csv").read_bytes().replace(b"\n", b"\r\n", 1)
    (folder / "weighted.csv").write_bytes(data)
    record = json.loads((folder / "weighted.csv.provenance.json").read_text())
    record["output"].update(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    (folder / "weighted.csv.provenance.json").write_text(json.dumps(record))
    code, out, _ = _verify(capsys, folder, "weighted.csv", "--input", folder / "in.csv")
    assert code == 1 and "reproduced output differs" in out and "hash mismatch" not in out


def test_a_different_or_missing_input_fails_naming_it(written, tmp_path, capsys):
    folder = _copy(written, tmp_path, "fixed_test.csv")
    code, out, _ = _verify(capsys, folder, "fixed_test.csv", "--input", folder / "absent.csv")
    assert code == 1 and "missing input" in out
    (folder / "in.csv").write_bytes((folder / "in.csv").read_bytes() + b"\n")
    code, out, _ = _verify(capsys, folder, "fixed_test.csv", "--input", folder / "in.csv")
    assert code == 1 and "input hash mismatch" in out


def test_a_different_product_version_fails_naming_it(written, tmp_path, capsys):
    folder = _copy(written, tmp_path, "fixed_test.csv")
    record = json.loads((folder / "fixed_test.csv.provenance.json").read_text())
    record["product"]["version"] = "0.0.1"
    (folder / "fixed_test.csv.provenance.json").write_text(json.dumps(record))
    code, out, _ = _verify(capsys, folder, "fixed_test.csv", "--input", folder / "in.csv")
    assert code == 1 and "different product version: recorded 0.0.1" in out


def test_bad_provenance_exits_2_with_one_line(written, tmp_path, capsys):
    folder = _copy(written, tmp_path, "weak.csv")
    (tmp_path / "garbage.json").write_bytes(b"\x00not json{")
    code, out, err = run(capsys, "verify", folder / "weak.csv", "--provenance", tmp_path / "garbage.json")
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1 and "not valid JSON" in err
    other = written[0] / "fixed.csv.provenance.json"  # the record of another output file
    code, out, err = run(capsys, "verify", folder / "weak.csv", "--provenance", other)
    assert (code, out) == (2, "") and "describes 'fixed.csv', not 'weak.csv'" in err
    code, _, err = run(capsys, "verify", folder / "weak.csv", "--provenance", tmp_path / "absent.json")
    assert code == 2 and "Cannot read the provenance file" in err


def test_a_chain_of_two_fixes_links_the_first_record_inside_the_second(written, tmp_path, capsys):
    folder, _ = written
    first = tmp_path / "fixed.csv"
    shutil.copy(folder / "fixed.csv", first)
    shutil.copy(folder / "fixed.csv.provenance.json", tmp_path / "fixed.csv.provenance.json")
    code, _, err = run(capsys, "fix", first, "--target", "cultivar", "--strategy", "class_weight", "--test-size", "0",
                       "-o", tmp_path / "second.csv")
    assert code == 0, err
    second = json.loads((tmp_path / "second.csv.provenance.json").read_text())
    assert second["input_provenance"] == json.loads((folder / "fixed.csv.provenance.json").read_text())
    # the synthetic rows of step 1 are still the synthetic rows after step 2 (weights add no rows)
    assert second["rows"]["synthetic"] == second["input_provenance"]["rows"]["synthetic"] > 0
    code, out, _ = _verify(capsys, tmp_path, "second.csv", "--input", first, "--format", "json")
    payload = json.loads(out)
    assert code == 0 and [c["command"] for c in payload["chain"]] == ["fix", "fix"]
    assert "input_provenance" in [c["name"] for c in payload["checks"]]
