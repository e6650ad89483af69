"""The one stratified row sample (analysis.rowsample) and the `report` passes that run on it.

References: DuckDB's own rows for the same rule (`analysis.engines.draw_sample`, run by DuckDB);
the key arithmetic recomputed here in plain Python integers; scikit-learn's IsolationForest
fitted on the same sampled rows with the same seed; the leakage summary computed unsampled on the
same rows. Tables are small: the sample size is lowered, not the data raised.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import analysis.rowsample as rowsample
from analysis.cli.main import main
from analysis.columns import leakage_suspects
from analysis.engines import EngineSettings, draw_sample, open_table
from analysis.engines.overview import label_counts
from analysis.overview import OutlierSettings, outlier_summary
from analysis.rowsample import MIN_PER_CLASS, stratified_positions


def _frame(n: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.choice(["a", "b", "c"], n, p=[0.8, 0.17, 0.03])
    return pd.DataFrame({"x": rng.normal(size=n), "w": rng.exponential(size=n),
                         "leak": pd.Series(y).map({"a": 0.0, "b": 5.0, "c": 9.0}).to_numpy() + rng.normal(0, 0.01, n),
                         "y": y})


def test_pandas_positions_are_the_rows_duckdb_samples(tmp_path):
    df = _frame(4000)
    df.loc[::97, "y"] = None  # unlabelled rows are never sampled, on either side
    path = tmp_path / "t.parquet"
    df.to_parquet(path)
    table = open_table(str(path), EngineSettings(engine="duckdb"))
    counts, _ = label_counts(table, "y")
    frame, info = draw_sample(table, target="y", sample_rows=600, seed=7,
                              class_counts={k: int(v) for k, v in counts.items()})
    rows = stratified_positions(len(df), df["y"], sample_rows=600, seed=7)
    assert rows is not None and info is not None and info.rows == len(rows)
    pd.testing.assert_frame_equal(frame, df.iloc[rows].reset_index(drop=True), check_dtype=False)


def test_positions_follow_the_documented_key_and_quotas():
    y = pd.Series(["a"] * 2700 + ["b"] * 280 + ["c"] * 20)
    rows = stratified_positions(len(y), y, sample_rows=300, seed=0)
    # Reference: the rule of the module docstring in plain Python integers.
    m, a = 2**31 - 1, 950706376
    expected = []
    for label, n in (("a", 2700), ("b", 280), ("c", 20)):
        quota = min(n, max(MIN_PER_CLASS, round(300 * n / 3000)))
        bound = int(m * quota / n) + (quota == n)
        expected += [i for i in range(3000) if y[i] == label and ((i + 1) % m) * a % m < bound]
    assert rows.tolist() == sorted(expected)
    assert set(y.iloc[rows]) == {"a", "b", "c"} and int((y.iloc[rows] == "c").sum()) == 20  # a small class whole
    assert stratified_positions(300, y.iloc[:300], sample_rows=300) is None  # at the size: every row


def test_sampled_outlier_scores_equal_sklearn_on_the_sampled_rows():
    from sklearn.ensemble import IsolationForest

    df = _frame(1500, seed=2)
    df.loc[[10, 700], "x"] = [25.0, -30.0]
    settings = OutlierSettings(max_rows=400, seed=3)
    s = outlier_summary(df, target="y", settings=settings)
    rows = stratified_positions(len(df), df["y"], sample_rows=400, seed=3)
    assert s.sampled and s.rows.tolist() == rows.tolist() and s.sample is not None
    assert (s.sample.rows, s.sample.population_rows, s.sample.seed, s.sample.stratified_by) == (len(rows), 1500, 3, "y")
    x = df[["x", "w", "leak"]].to_numpy()[rows]
    ref = -IsolationForest(n_estimators=100, random_state=3).fit(x).score_samples(x)
    np.testing.assert_allclose(s.scores, ref)
    flagged = ref >= settings.threshold
    for label in ("a", "b", "c"):
        mask = (df["y"].to_numpy()[rows] == label)
        assert s.per_class[label] == {"rows": int(mask.sum()), "flagged": int((flagged & mask).sum()),
                                      "share_flagged": float((flagged & mask).sum() / mask.sum())}
    top = s.top_rows()["row"].to_numpy()
    assert set(top) <= set(rows.tolist()) | set(s.beyond.rows.tolist())  # numbered in the whole table
    d = s.to_dict()
    assert d["sample"]["rows"] == len(rows) and d["rows_scored"] == len(rows) and "sample of" in d["notes"][0]
    assert outlier_summary(df, target="y").to_dict()["sample"] is None  # below the size: every row, no sample


def test_report_runs_leakage_on_the_sample_and_says_so(tmp_path, monkeypatch, capsys):
    df = _frame(1200, seed=4)
    path = tmp_path / "t.csv"
    df.to_csv(path, index=False)
    monkeypatch.setattr(rowsample, "SAMPLE_ROWS", 500)
    assert main(["report", str(path), "--target", "y", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    read = pd.read_csv(path)
    rows = stratified_positions(len(read), read["y"], sample_rows=500, seed=0)
    ref = leakage_suspects(read.iloc[rows].reset_index(drop=True), target="y").summary_dict()
    assert json.loads(json.dumps(ref)) == out["leakage"]
    assert [s["feature"] for s in out["leakage"]["suspects"]] == ["leak"]
    assert out["sample"]["rows"] == len(rows) and out["sample"]["population_rows"] == 1200
    assert out["sample"]["seed"] == 0 and out["sample"]["stratified_by"] == "y"
    assert any("leakage" in n and f"{len(rows):,} of 1,200 rows" in n for n in out["notes"])
    assert out["rows"] == 1200 and sum(out["class_balance"]["counts"].values()) == 1200  # counts: every row


@pytest.mark.parametrize("seed", [0, 4])
@pytest.mark.parametrize("stratified", [True, False])
def test_a_smaller_sample_is_found_within_a_larger_one(seed, stratified):
    """The nesting subsample_positions relies on. Reference: stratified_positions over the whole table."""
    from analysis.rowsample import SampleInfo, subsample_positions

    y = pd.Series(["a"] * 8000 + ["b"] * 1900 + ["c"] * 40 + [None] * 60).sample(frac=1, random_state=seed)
    y = y.reset_index(drop=True)
    labels = y if stratified else None
    big = stratified_positions(len(y), labels, sample_rows=3000, seed=seed)
    counts = {k: int(v) for k, v in y.value_counts().items()} if stratified else None
    drawn = SampleInfo(len(big), len(y), seed, "y" if stratified else None, source_rows=big)
    for size in (400, 1000, 2500):
        small = subsample_positions(drawn, y.iloc[big] if stratified else None, counts, size)
        expected = stratified_positions(len(y), labels, sample_rows=size, seed=seed)
        assert big[small].tolist() == expected.tolist()
    assert subsample_positions(drawn, None, None, len(big)) is None  # not smaller: every drawn row
    if stratified:
        assert int((y.iloc[big[small]] == "c").sum()) == 40  # a class below MIN_PER_CLASS comes whole
        with pytest.raises(ValueError, match="not among class_counts"):  # counts of another table
            subsample_positions(drawn, y.iloc[big], {"a": 8000}, 400)


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_tables_are_never_sampled(n):
    assert stratified_positions(n, pd.Series(["a"] * n), sample_rows=1) is None


def test_engine_outliers_score_the_whole_engine_sample_once(tmp_path):
    """DuckDB's sample may hold a few rows more than sample_rows: with the outliers' own size not below the
    sample's, they score it whole, not a sample of it."""
    from analysis.engines import engine_overview

    df = _frame(3000, seed=8)
    path = tmp_path / "t.parquet"
    df.to_parquet(path)
    table = open_table(str(path), EngineSettings(engine="duckdb"))
    ran = engine_overview(table, target="y", near=None, outliers=OutlierSettings(max_rows=700), sample_rows=700)
    assert ran.sample is not None and ran.overview.outliers is not None
    assert len(ran.overview.outliers.rows) == ran.sample.rows
    assert sorted(ran.overview.outliers.rows.tolist()) == ran.sample.source_rows.tolist()  # in the whole table
    assert not ran.overview.outliers.sampled


def test_engine_outliers_score_the_rows_pandas_scores_when_their_sample_is_smaller(tmp_path):
    """The outliers' sample (OUTLIER_ROWS) is smaller than the engines' (SAMPLE_ROWS): DuckDB finds, within its
    sample, the rows pandas samples from the whole table. Reference: pandas' outlier_summary on the whole table
    (itself checked against scikit-learn's IsolationForest above)."""
    from analysis.engines import engine_overview

    df = _frame(3000, seed=9)
    df.loc[[17, 1400], "w"] = [40.0, 55.0]
    path = tmp_path / "t.parquet"
    df.to_parquet(path)
    table = open_table(str(path), EngineSettings(engine="duckdb"))
    settings = OutlierSettings(max_rows=300)
    ran = engine_overview(table, target="y", near=None, outliers=settings, sample_rows=900)
    ref = outlier_summary(df, target="y", settings=settings)
    got = ran.overview.outliers
    assert ran.sample is not None and got is not None and ref.sampled and got.sampled
    assert 200 < len(ref.rows) < 400 < ran.sample.rows  # a smaller sample than the engine's
    assert got.rows.tolist() == ref.rows.tolist()  # positions in the whole table
    np.testing.assert_allclose(got.scores, ref.scores)
    assert got.to_dict() == ref.to_dict()  # per class, top rows (with the rows beyond the sample), verdict, notes
    assert got.sample.population_rows == 3000 and "of 3,000 rows" in got.notes[0]
