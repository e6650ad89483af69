"""Overview and duplicate counts, checked against pandas and a brute-force reference."""

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis import load_csv, overview
from analysis.overview import duplicate_summary
from sample_data import sample_path


def brute_force_conflicts(df: pd.DataFrame, target: str) -> set[int]:
    """O(n^2) reference: rows whose features equal another row's while the labels differ."""
    features = [c for c in df.columns if c != target]
    rows = df[features].astype(object).where(df[features].notna(), "<NA>").values.tolist()
    labels = df[target].tolist()
    out = set()
    for i, j in itertools.combinations(range(len(df)), 2):
        if rows[i] == rows[j] and pd.notna(labels[i]) and pd.notna(labels[j]) and labels[i] != labels[j]:
            out |= {i, j}
    return out


def test_hand_computed_small_frame():
    df = pd.DataFrame(
        {
            "x": [1, 1, 2, 3, 3, 3, np.nan, np.nan, 5],
            "c": ["u", "u", "v", "w", "w", "w", "z", "z", "q"],
            "y": ["a", "b", "a", "a", "a", None, "a", "b", "a"],
        }
    )
    d = duplicate_summary(df, target="y")
    # rows 3 and 4 are identical -> one duplicate row (pandas counts repeats after the first)
    assert d.duplicate_rows == 1 == int(df.duplicated().sum())
    # groups {0,1} and {6,7} disagree; row 5 has no label so {3,4,5} is no conflict
    assert d.conflict_rows == (0, 1, 6, 7)
    assert d.conflicting_duplicates == 4 and d.conflicting_groups == 2


@pytest.mark.parametrize("route", ["alone", "overview"])
@pytest.mark.parametrize("seed", range(8))
def test_random_frames_match_pandas_and_brute_force(seed, route):
    """Both routes to the counts: alone (every row hashed) and in the overview, which compares only rows whose
    near-duplicate pass's normalised code repeats (found by counting the codes)."""
    rng = np.random.default_rng(seed)
    n = 60
    df = pd.DataFrame(
        {
            "a": rng.integers(0, 3, n).astype(float),
            "b": rng.choice(["p", "q", None], n),
            "y": rng.choice(["s", "t", None], n, p=[0.45, 0.45, 0.1]),
        }
    )
    df.loc[rng.random(n) < 0.1, "a"] = np.nan
    d = duplicate_summary(df, target="y") if route == "alone" else overview(df, target="y", outliers=None).duplicates
    assert d.duplicate_rows == int(df.duplicated().sum())
    assert set(d.conflict_rows) == brute_force_conflicts(df, "y")


def test_single_column_frame_has_no_conflicts():
    df = pd.DataFrame({"y": ["a", "a", "b"]})
    d = duplicate_summary(df, target="y")
    assert (d.duplicate_rows, d.conflicting_duplicates) == (1, 0)


def test_overview_pinned_keys_and_values():
    df = pd.DataFrame({"x": [1.5, 1.5, 2.5, None], "y": ["a", "b", "a", "a"]})
    o = overview(df, target="y")
    d = o.to_dict()
    for key in ("rows", "columns", "target", "class_balance", "duplicate_rows", "conflicting_duplicates", "missing"):
        assert key in d
    assert (d["rows"], d["columns"], d["target"]) == (4, 2, "y")
    assert d["class_balance"]["counts"] == {"a": 3, "b": 1}
    assert d["class_balance"]["proportions"] == {"a": 0.75, "b": 0.25}
    assert d["class_balance"]["imbalance_ratio"] == 3.0
    assert d["class_balance"]["minority_class"] == "b"
    assert d["missing"] == {"x": 1, "y": 0}
    assert d["duplicate_rows"] == 0 and d["conflicting_duplicates"] == 2
    assert o.missing_cells == 1


def test_overview_of_dataset_keeps_name_and_notes():
    ds = load_csv(b"x;y\n1;a\n2;b\n", name="semi.csv")
    o = overview(ds, target="y")
    assert o.name == "semi.csv"
    assert any("semicolon" in n for n in o.notes)


def test_transactions_sample_matches_pandas():
    # Independent reference: plain pandas on the same file.
    path = sample_path("transactions.csv")
    raw = pd.read_csv(path)
    o = overview(load_csv(path), target="is_fraud")
    assert o.rows == len(raw)
    assert o.class_balance.counts == {int(k): int(v) for k, v in raw["is_fraud"].value_counts().items()}
    assert o.duplicates.duplicate_rows == int(raw.duplicated().sum())
    assert o.missing == {k: int(v) for k, v in raw.isna().sum().items()}
    assert o.class_balance.minority_class == 1
    assert o.class_balance.verdict == "severe"


def test_duplicate_verdicts_and_severity():
    from analysis.results import Result

    none = duplicate_summary(pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "a"]}), target="y")
    assert (none.verdict, none.severity, none.to_frame()["row"].tolist()) == ("none", "ok", [])
    exact = duplicate_summary(pd.DataFrame({"x": [1, 1, 3], "y": ["a", "a", "b"]}), target="y")
    assert (exact.verdict, exact.severity, exact.duplicate_rows) == ("duplicates", "info", 1)
    assert "1 rows repeat an earlier row" in exact.verdict_text
    conflict = duplicate_summary(pd.DataFrame({"x": [1, 1, 1, 2], "y": ["a", "a", "b", "a"]}), target="y")
    assert (conflict.verdict, conflict.severity) == ("conflicts", "warning")
    assert conflict.to_frame()["row"].tolist() == [0, 1, 2]
    assert conflict.to_dict() == {
        "duplicate_rows": 1,
        "conflicting_duplicates": 3,
        "conflicting_groups": 1,
        "conflict_rows": [0, 1, 2],
        "verdict": "conflicts",
        "verdict_text": conflict.verdict_text,
    }
    assert all(isinstance(r, Result) for r in (none, exact, conflict))


def test_overview_result_protocol_headline_is_the_class_balance():
    ds = load_csv(sample_path("transactions.csv"))
    o = overview(ds, target="is_fraud")
    assert (o.verdict, o.severity, o.verdict_text) == ("severe", "warning", o.class_balance.verdict_text)
    assert o.notes == ds.notes
    assert o.duplicates.verdict == "conflicts"  # 6 planted conflicting pairs (sample_data/README.md)
    frame = o.to_frame()
    assert frame.set_index("column")["missing"].to_dict() == o.missing
    raw = pd.read_csv(sample_path("transactions.csv"))
    assert o.missing_share == pytest.approx(raw.isna().sum().sum() / raw.size)
    assert "verdict" not in o.to_dict()  # the report's JSON keys are unchanged (tests/golden)
