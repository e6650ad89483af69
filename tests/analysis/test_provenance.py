"""analysis.provenance: the record, its JSON, row kinds, the input's record, and synthetic marks through chains.

References: hashlib.sha256 and len() of the bytes, importlib.metadata's version of the
installed distribution, pandas value counts of the is_synthetic column, and the input
rows themselves (looked up by position) for the marks a second fix must keep.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata

import numpy as np
import pandas as pd
import pytest

from analysis.io import load_csv
from analysis.provenance import (
    RECIPES,
    SCHEMA_VERSION,
    Provenance,
    ProvenanceError,
    product_version,
    provenance_for,
    read_provenance,
    row_kinds,
    verify,
    write_output,
)
from analysis.rebalance import apply_fix

CSV = b"x,c,y,is_synthetic\n" + b"".join(
    f"{i},{'ab'[i % 2]},{int(i % 5 == 0)},{i in (5, 6, 7)}\n".encode() for i in range(40)
)


@pytest.fixture(scope="module")
def dataset():
    return load_csv(CSV, name="in.csv")


def test_the_record_holds_hashes_size_version_and_round_trips_through_json(dataset):
    data = b"a,b\n1,2\n"
    p = provenance_for(data, file_name="/some/folder/out.csv", command="fix", parameters={"seed": 7, "k": (1, 2)},
                       source=dataset, written_by="api", frame=dataset.frame)
    assert (p.output_name, p.output_size, p.output_sha256) == ("out.csv", len(data), hashlib.sha256(data).hexdigest())
    assert p.input_sha256 == hashlib.sha256(CSV).hexdigest() and p.input_name == "in.csv"
    assert p.product_version == metadata.version("dataset-diagnostics") == product_version()
    assert p.seed == 7 and p.parameters["k"] == [1, 2]
    raw = json.loads(p.to_json())
    assert raw["schema_version"] == SCHEMA_VERSION and raw["created_utc"].endswith("+00:00")
    assert set(raw) == {"schema", "schema_version", "product", "command", "written_by", "parameters", "seed",
                        "created_utc", "input", "output", "rows", "input_provenance", "notes"}
    assert Provenance.from_json(p.to_json()) == p


def test_row_kinds_count_the_is_synthetic_column(dataset):
    counts = dataset.frame["is_synthetic"].value_counts()
    kinds = row_kinds(dataset.frame)
    assert (kinds["synthetic"], kinds["original"], kinds["total"]) == (counts[True], counts[False], 40)
    words = pd.DataFrame({"is_synthetic": ["yes", "no", "TRUE", None]})
    assert row_kinds(words)["synthetic"] == 2
    assert row_kinds(pd.DataFrame({"x": [1, 2, 3]}), synthetic=2)["original"] == 1


@pytest.mark.parametrize("text", [b"", b"[]", b'{"schema": "other"}', b"{not json",
                                  b'{"schema": "dataset-diagnostics/provenance", "schema_version": 99}',
                                  b'{"schema": "dataset-diagnostics/provenance", "schema_version": 1}'])
def test_bad_records_raise_provenance_error(text):
    with pytest.raises(ProvenanceError):
        Provenance.from_json(text)


def test_an_input_record_beside_the_input_is_linked_only_when_it_describes_the_input(tmp_path, dataset):
    src = tmp_path / "in.csv"
    parent_prov = write_output(src, CSV, command="fix", parameters={}, source=None, written_by="api")
    child = provenance_for(b"z\n", file_name="out.csv", command="fix", parameters={}, source=load_csv(src),
                           written_by="api")
    assert child.parent == read_provenance(parent_prov) and child.chain[1].output_name == "in.csv"
    src.write_bytes(CSV + b"1,a,0,False\n")  # the file changed since its record was written
    other = provenance_for(b"z\n", file_name="out.csv", command="fix", parameters={}, source=load_csv(src),
                           written_by="api")
    assert other.parent is None and "not linked" in other.notes[0]


def test_every_recipe_is_registered_and_an_unknown_one_is_bad_input(tmp_path):
    assert set(RECIPES) == {"fix", "sampling-fix", "weak", "consensus", "label-corrections", "outliers", "augment"}
    out = tmp_path / "o.csv"
    prov = write_output(out, b"x\n", command="fix", parameters={}, source=None, written_by="api")
    record = json.loads(prov.read_text())
    record["command"] = "nope"
    prov.write_text(json.dumps(record))
    assert verify(out, prov).verdict == "verified"  # the hash alone needs no recipe (e.g. a file of a newer version)
    (tmp_path / "in.csv").write_bytes(b"x\n")
    with pytest.raises(ProvenanceError, match="Unknown recipe 'nope'"):
        verify(out, prov, input=tmp_path / "in.csv")


# --- synthetic rows stay marked -----------------------------------------------------------------
@pytest.mark.parametrize("strategy", ["smote", "random_over", "class_weight"])
def test_a_fix_keeps_the_input_marks_and_marks_its_own_rows(dataset, strategy):
    before = dataset.frame["is_synthetic"].to_numpy()
    fix = apply_fix(dataset.frame, target="y", strategy=strategy, seed=0)
    rows = np.asarray(fix.train_rows)
    marks = fix.train["is_synthetic"].to_numpy(dtype=bool)
    kept = rows >= 0
    new = ~kept | (np.arange(len(rows)) >= len(dataset.frame))  # interpolated rows, or random_over's added copies
    assert (marks[kept & ~new] == before[rows[kept & ~new]]).all()  # the input's marks, row by row
    assert marks[new].all() and marks.sum() == before.sum() + fix.n_synthetic
    assert "is_synthetic" not in fix.recipe["settings"]["features_numeric"] + fix.recipe["settings"]["features_categorical"]


def test_a_fix_with_0_1_marks_keeps_their_type():
    df = pd.DataFrame({"x": np.arange(30.0), "y": [0] * 24 + [1] * 6, "is_synthetic": [0] * 28 + [1] * 2})
    fix = apply_fix(df, target="y", strategy="smote", seed=0)
    assert fix.train["is_synthetic"].dtype == df["is_synthetic"].dtype
    assert int(fix.train["is_synthetic"].sum()) == 2 + fix.n_synthetic


def test_a_download_made_after_reading_tokens_as_missing_records_the_step_and_verifies(tmp_path):
    """The Features page's "read as missing" changes the table after reading: the record lists it and verify redoes it."""
    from analysis.columns import integrity, read_tokens_as_missing
    from analysis.provenance import fix_parameters
    from analysis.rebalance import FixSettings

    raw = b"age,c,y\n" + b"".join(
        f"{'unknown' if i % 9 == 0 else 20 + i},{'ab'[i % 2]},{int(i % 4 == 0)}\n".encode() for i in range(60))
    (tmp_path / "in.csv").write_bytes(raw)
    read = load_csv(tmp_path / "in.csv")
    changed = read_tokens_as_missing(read, integrity(read.frame))
    assert changed.steps and changed.input_sha256 == hashlib.sha256(raw).hexdigest()
    parameters = fix_parameters(FixSettings(target="y", strategy="random_over", test_size=0.25), protect=True)
    _fix, outputs = RECIPES["fix"].run(changed, parameters)
    out = tmp_path / "fixed.csv"
    prov = write_output(out, outputs["train"].data, command="fix", parameters=parameters, source=changed,
                        written_by="api", role="train")
    assert json.loads(prov.read_text())["input"]["steps"][0]["step"] == "read_tokens_as_missing"
    assert verify(out, prov, input=tmp_path / "in.csv").verdict == "verified"
