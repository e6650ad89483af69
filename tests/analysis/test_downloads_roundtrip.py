"""Every download kind carries the uploaded text of original rows, byte for byte (issue 10, item 11).

The upload is written here with Python's ``csv`` module (not with the code under
test) and both files are read back with ``csv.reader`` as plain strings, so the
reference is the text itself: no parser of this project decides what "equal" is.
Synthetic rows are checked against the column's format (``\\d{5}`` codes,
integers, ISO dates, two decimals), parsed with ``datetime.strptime`` and ``int``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime

import numpy as np
import pytest

from analysis.cli import main as cli_main
from analysis.export import to_csv_bytes
from analysis.io import load_csv
from analysis.labels import Corrections, consensus_labels, with_consensus
from analysis.rebalance import apply_fix, fix_csvs, fix_zip
from analysis.sampling import poststratification_weights, resample_csv, stratified_resample, weighted_csv
from analysis.weak import LabelModelSettings, LFColumns, fit_weak_labels, with_weak_labels

N = 80
COLUMNS = ["row_id", "zip", "visits", "big_id", "sci", "seen", "note", "token", "x", "group", "r1", "r2", "r3",
           "lf1", "lf2", "label"]
ORIGINAL = COLUMNS


def _table() -> list[list[str]]:
    rng = np.random.default_rng(7)
    rows = []
    tokens = ["NA", "null", "n/a", "", "N/A", "ok"]
    notes = ['said "hi", then left', "line one\nline two", "plain", "a,b;c|d", "=SUM(A1:A3)", "-minus", "@at",
             "carriage\r\nreturn", "café 東京"]
    for i in range(N):
        positive = i % 5 == 0
        label = "1" if positive else "0"
        vote = "pos" if positive else "neg"
        rows.append([
            f"R{i:03d}",
            f"{(i * 613) % 4000:05d}",                               # zip codes: 00000 .. 03999, leading zeros
            "" if i % 7 == 3 else str(i % 9 + (5 if positive else 0)),  # an integer column with missing values
            str(12345678901234567890 + i * 1000003),                 # 20 digits: beyond float precision
            "1e5" if i == 0 else f"{rng.uniform(0, 10):.3g}",         # exponent and plain text mixed
            f"2021-{i % 12 + 1:02d}-{i % 28 + 1:02d}",               # dates
            notes[i % len(notes)],
            tokens[i % len(tokens)],                                 # missing-value words
            f"{rng.normal(3 if positive else 0, 1):.2f}",
            "abc"[i % 3],
            vote, vote if i % 4 else ("neg" if positive else "pos"), vote if i % 6 else "",
            "1" if positive and i % 2 == 0 else "-1", "0" if not positive and i % 3 == 0 else "-1",
            label,
        ])
    return rows


def _upload() -> tuple[bytes, list[list[str]]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # "\r\n": csv quotes any field holding CR or LF
    writer.writerow(COLUMNS)
    rows = _table()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8"), rows


def _read(data: bytes) -> tuple[list[str], list[list[str]]]:
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return records[0], records[1:]


UPLOAD, ROWS = _upload()
BY_ID = {r[0]: r for r in ROWS}


@pytest.fixture(scope="module")
def dataset():
    ds = load_csv(UPLOAD, name="upload.csv")
    # what the issue saw: the parsed values differ from the text
    assert ds.frame["zip"].iloc[1] != ROWS[1][1] and ds.frame["sci"].iloc[0] == 100000.0
    return ds


def _unprotect(text: str, uploaded: str) -> str:
    return text[1:] if text == "'" + uploaded else text


def _check_original_rows(data: bytes, *, protected: bool = True) -> tuple[list[str], list[list[str]]]:
    """Every row with a row_id is the uploaded row, cell by cell; returns the header and the other rows."""
    header, records = _read(data)
    assert header[: len(ORIGINAL)] == ORIGINAL
    others = []
    for record in records:
        if not record[0]:
            others.append(record)
            continue
        uploaded = BY_ID[record[0]]
        for name, got, want in zip(ORIGINAL, record, uploaded, strict=False):
            if protected and want[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"[+-]?[\d.]+", want):
                assert got == "'" + want, (name, got, want)
            else:
                assert got == want, (name, got, want)
    return header, others


def _check_synthetic(records: list[list[str]]) -> None:
    for record in records:
        cells = dict(zip(ORIGINAL, record, strict=False))
        assert re.fullmatch(r"\d{5}", cells["zip"]), cells["zip"]       # zero-padded at the column's width
        assert cells["visits"] == "" or re.fullmatch(r"-?\d+", cells["visits"]), cells["visits"]
        datetime.strptime(cells["seen"], "%Y-%m-%d")                      # a date in the column's format
        assert re.fullmatch(r"-?\d+\.\d{2}", cells["x"]), cells["x"]     # the column's two decimals
        # a 20-digit column read as float is a model feature (schema's call): written as a 20-digit integer
        assert re.fullmatch(r"\d{20}", cells["big_id"]), cells["big_id"]
        assert cells["row_id"] == ""                                       # identifiers are never invented


def test_upload_is_the_tricky_table():
    assert any(r[1].startswith("0") for r in ROWS) and ROWS[0][4] == "1e5"
    assert any("\n" in r[6] for r in ROWS) and {"NA", "null", "n/a"} <= {r[7] for r in ROWS}


@pytest.mark.parametrize("strategy", ["smote", "random_over", "random_under", "class_weight"])
def test_fix_train_and_test_keep_uploaded_text(dataset, strategy):
    fix = apply_fix(dataset.frame, target="label", strategy=strategy, test_size=0.25, seed=0, add_is_synthetic=True)
    csvs = fix_csvs(fix, base_name="f", source=dataset)
    _, synthetic = _check_original_rows(csvs["f.csv"].data)
    assert len(synthetic) == fix.n_synthetic if strategy == "smote" else not synthetic
    _check_synthetic(synthetic)
    _, none = _check_original_rows(csvs["f_test.csv"].data)
    assert not none
    # the zip holds the same bytes
    with zipfile.ZipFile(io.BytesIO(fix_zip(fix, base_name="f", source=dataset))) as z:
        assert z.read("f.csv") == csvs["f.csv"].data


def test_smote_before_this_change_lost_values(dataset):
    """The writer without the source (what every download did) changes the values the issue lists."""
    header, records = _read(to_csv_bytes(dataset.frame).data)
    first = dict(zip(header, records[1], strict=True))
    assert first["zip"] == str(int(ROWS[1][1]))            # 00613 -> 613
    assert _read(to_csv_bytes(dataset.frame).data)[1][0][4] == "100000.0"
    assert first["big_id"] != ROWS[1][3]                    # 20 digits become a float


def test_weighted_and_resampled_keep_uploaded_text(dataset):
    reference = {"a": 0.5, "b": 0.3, "c": 0.2}
    rw = poststratification_weights(dataset.frame, group="group", reference=reference)
    safe, _ = weighted_csv(dataset.frame, rw, source_name="u.csv", source_sha256="0" * 64, source=dataset)
    header, others = _check_original_rows(safe.data)
    assert header[-1] == "sample_weight" and not others
    rs = stratified_resample(dataset.frame, group="group", reference=reference, n=120, replace=True, seed=1)
    safe, _ = resample_csv(dataset.frame, rs, source_name="u.csv", source_sha256="0" * 64, source=dataset)
    _, others = _check_original_rows(safe.data)
    assert not others and len(_read(safe.data)[1]) == 120


def test_consensus_and_corrected_keep_uploaded_text(dataset):
    c = consensus_labels(dataset.frame, annotators=["r1", "r2", "r3"], method="majority")
    header, others = _check_original_rows(to_csv_bytes(with_consensus(dataset.frame, c), source=dataset).data)
    assert header[-3:] == ["consensus_label", "consensus_confidence", "consensus_votes"] and not others
    corrections = Corrections.of("zip", {0: 613, 1: 7})
    out = to_csv_bytes(corrections.apply(dataset.frame), source=dataset, like={"zip_corrected": "zip"})
    header, records = _read(out.data)
    corrected = [dict(zip(header, r, strict=True))["zip_corrected"] for r in records]
    # changed cells in the label's format, unchanged ones as uploaded
    assert corrected[:3] == ["00613", "00007", ROWS[2][1]]
    _check_original_rows(out.data)


def test_weak_labels_keep_uploaded_text_and_abstain_is_never_prefixed(dataset):
    result = fit_weak_labels(dataset.frame, LFColumns(("lf1", "lf2"), abstain=-1), LabelModelSettings())
    safe = to_csv_bytes(with_weak_labels(dataset.frame, result.model), source=dataset)
    header, others = _check_original_rows(safe.data)
    assert header[-2:] == ["weak_label", "weak_confidence"] and not others
    lf1 = [dict(zip(header, r, strict=True))["lf1"] for r in _read(safe.data)[1]]
    assert "-1" in lf1 and "'-1" not in lf1
    assert set(safe.protected_columns) == {"note"}


def test_switching_protection_off_writes_every_cell_as_uploaded(dataset):
    on = to_csv_bytes(dataset.frame, source=dataset)
    off = to_csv_bytes(dataset.frame, source=dataset, protect_formulas=False)
    assert on.protected_cells == on.formula_cells > 0 and on.protected_columns == ("note",)
    assert off.protected_cells == 0 and off.formula_cells == on.formula_cells and off.formula_columns == ("note",)
    _check_original_rows(off.data, protected=False)
    assert _read(off.data)[1] == ROWS


def test_cli_writers_keep_uploaded_text(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(UPLOAD)
    out = tmp_path / "fixed.csv"
    assert cli_main(["fix", str(path), "--target", "label", "--strategy", "smote", "--test-size", "0.25",
                     "-o", str(out), "--format", "json"]) == 0
    _, synthetic = _check_original_rows(out.read_bytes())
    _check_synthetic(synthetic)
    _check_original_rows((tmp_path / "fixed_test.csv").read_bytes())
    assert cli_main(["fix", str(path), "--target", "label", "--strategy", "random_under", "--no-protect",
                     "-o", str(out), "--format", "json"]) == 0
    _check_original_rows(out.read_bytes(), protected=False)
    weak = tmp_path / "weak.csv"
    assert cli_main(["weak", str(path), "--lfs", "lf1,lf2", "--abstain", "-1", "-o", str(weak), "--format", "json"]) == 0
    _check_original_rows(weak.read_bytes())
    weights = tmp_path / "w.csv"
    assert cli_main(["bias", str(path), "--group", "group", "--expected", "a=0.5,b=0.3,c=0.2", "-o", str(weights),
                     "--no-protect", "--format", "json"]) == 0
    _check_original_rows(weights.read_bytes(), protected=False)


def test_raw_text_is_lazy_and_cached(dataset):
    fresh = load_csv(UPLOAD)
    assert "text" not in fresh._raw  # nothing re-read until a download asks
    assert fresh.raw_text() is fresh.raw_text()
    assert fresh.raw_text()["zip"].tolist() == [r[1] for r in ROWS]
    assert load_csv(UPLOAD).source == UPLOAD


def test_dataframe_without_source_is_written_losslessly():
    import pandas as pd

    df = pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"), "f": [1.0, np.nan, 3.0], "g": [0.1, 1e-20, 2.5],
                       "big": [2**62 + 1, 0, 1]})
    header, records = _read(to_csv_bytes(df).data)
    assert [r[0] for r in records] == ["1", "", "3"] and [r[1] for r in records] == ["1", "", "3"]
    assert [float(r[2]) for r in records] == [0.1, 1e-20, 2.5] and records[0][3] == str(2**62 + 1)


def test_synthetic_decimals_follow_the_column_style_and_never_write_minus_zero():
    """A column in shortest form (478.8 beside 11.96) stays in it; fixed decimals (2.50) stay fixed."""
    ds = load_csv(b"short,fixed,code\n11.96,2.50,007\n478.8,3.00,120\n5.0,1.25,999\n")
    out = ds.frame.iloc[[0, 0]].reset_index(drop=True)
    out.loc[1, ["short", "fixed", "code"]] = [649.1, 4.0, 8]
    out.loc[0, "short"] = -0.00001  # rounds to zero: written 0.0, not -0.0
    text = to_csv_bytes(out, source=ds, rows=[-1, -1]).data.decode().splitlines()
    assert text[1:] == ["0.0,2.50,007", "649.1,4.00,008"]
