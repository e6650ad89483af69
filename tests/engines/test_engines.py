"""The engine layer: auto's choice, row positions across Parquet files, the stratified sample,
the CLI's ``engine``/``sample`` keys and the API taking a DuckDB relation.

References: positions and duplicate counts against pandas' own ``duplicated`` on the
concatenated frame; the sample's class counts against the quota arithmetic of the module
docstring, recomputed here with numpy from the same keys.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.cli.main import main
from analysis.engines import ENGINES, EngineSettings, choose_engine, draw_sample, engine_overview, open_table
from analysis.engines.overview import label_counts
from analysis.engines.sample import MIN_PER_CLASS
from analysis.overview import duplicate_summary


def _frame(n: int = 600, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.integers(0, 5, n), "z": rng.choice(["p", "q"], n),
                       "y": rng.choice(["a", "b", "c"], n, p=[0.7, 0.25, 0.05])})
    df.loc[::17, "x"] = np.nan
    return df


def test_registry_lists_three_engines_and_auto_picks_by_input(tmp_path):
    assert set(ENGINES.names()) == {"pandas", "duckdb", "spark"}
    csv, pq = tmp_path / "a.csv", tmp_path / "a.parquet"
    _frame().to_csv(csv, index=False)
    _frame().to_parquet(pq)
    auto = EngineSettings()
    assert choose_engine(str(csv), auto) == "pandas"
    assert choose_engine(str(pq), auto) == "duckdb"
    assert choose_engine(str(tmp_path / "*.parquet"), auto) == "duckdb"
    assert choose_engine(_frame(), auto) == "pandas"
    assert choose_engine(str(csv), EngineSettings(engine="spark")) == "spark"


def test_positions_and_duplicates_span_parquet_files(tmp_path):
    """Conflicting rows are numbered across files as pandas numbers the concatenated frame."""
    frames = [_frame(300, s) for s in (1, 2, 3)]
    for i, f in enumerate(frames):
        f.to_parquet(tmp_path / f"part-{i}.parquet")
    whole = pd.concat([pd.read_parquet(tmp_path / f"part-{i}.parquet") for i in range(3)], ignore_index=True)
    expected = duplicate_summary(whole, target="y")
    table = open_table(str(tmp_path), EngineSettings(engine="duckdb"))
    got = engine_overview(table, target="y", near=None, outliers=None).overview.duplicates
    assert got.duplicate_rows == int(whole.duplicated().sum()) == expected.duplicate_rows
    assert got.conflict_rows == expected.conflict_rows and len(got.conflict_rows) > 0
    assert got.conflicting_groups == expected.conflicting_groups


def test_sample_is_stratified_and_the_same_rows_the_key_selects(tmp_path):
    df = _frame(5000)
    table = open_table(str(_write(df, tmp_path)), EngineSettings(engine="duckdb"))  # no origin: the engine samples
    counts, _ = label_counts(table, "y")
    class_counts = {k: int(v) for k, v in counts.items()}
    frame, info = draw_sample(table, target="y", sample_rows=500, seed=11, class_counts=class_counts)
    # Reference: the same rule in numpy.
    m, a = 2**31 - 1, 950706376  # Fishman & Moore (1986)
    key = (((np.arange(len(df), dtype=np.int64) + 12) % m) * a) % m
    keep = np.zeros(len(df), dtype=bool)
    for label, n in class_counts.items():
        quota = min(n, max(MIN_PER_CLASS, round(500 * n / len(df))))
        keep |= (df["y"].to_numpy() == label) & (key < int(m * quota / n) + (quota == n))
    expected = df[keep].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert info is not None and info.rows == len(expected) and info.seed == 11 and info.population_rows == 5000
    assert 400 <= len(frame) <= 600  # about sample_rows
    for label, n in class_counts.items():  # each class near its quota: the key spreads over the rows
        quota = min(n, max(MIN_PER_CLASS, round(500 * n / len(df))))
        assert abs(int((frame["y"] == label).sum()) - quota) <= max(10, 0.25 * quota), label


def _write(df: pd.DataFrame, tmp_path) -> str:
    path = tmp_path / "s.parquet"
    df.to_parquet(path)
    return str(path)


def test_cli_report_prints_engine_and_sample(tmp_path, capsys):
    df = _frame(3000)
    path = _write(df, tmp_path)
    assert main(["report", path, "--target", "y", "--format", "json", "--sample-rows", "1000"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "duckdb"
    assert out["rows"] == 3000 and out["class_balance"]["counts"] == df["y"].value_counts().to_dict()
    assert out["missing"]["x"] == int(df["x"].isna().sum())
    assert out["sample"]["population_rows"] == 3000 and 0 < out["sample"]["rows"] < 3000
    assert any("sample of" in n for n in out["notes"])
    assert main(["report", path, "--target", "y", "--format", "json", "--engine", "pandas"]) == 0
    pandas_out = json.loads(capsys.readouterr().out)
    assert pandas_out["engine"] == "pandas" and pandas_out["sample"] is None
    assert pandas_out["class_balance"] == out["class_balance"] and pandas_out["missing"] == out["missing"]


def test_cli_refuses_an_unknown_engine(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "x.csv", "--engine", "polars"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_api_takes_a_duckdb_relation():
    import duckdb

    df = _frame()
    rel = duckdb.from_df(df)
    got = analysis.overview(rel, target="y", near=None, outliers=None)
    want = analysis.overview(df, target="y", near=None, outliers=None)
    assert got.class_balance.to_dict() == want.class_balance.to_dict()
    assert got.missing == want.missing and got.duplicates.to_dict() == want.duplicates.to_dict()
    rep = analysis.bias_report(rel, group="z", reference={"p": 0.5, "q": 0.5}, target="y")
    assert rep.to_dict() == analysis.bias_report(df, group="z", reference={"p": 0.5, "q": 0.5}, target="y").to_dict()


def _awkward_duplicates() -> pd.DataFrame:
    """Exact repeats, conflicts, nulls in features and labels, -0.0 against 0.0 and NaN: pandas'
    ``duplicated`` treats -0.0 and 0.0 as equal and NaN as equal to NaN."""
    df = _frame(400, 7).assign(w=lambda d: np.where(np.arange(len(d)) % 3 == 0, 0.0, 1.5))
    df.loc[::2, "w"] = -0.0
    df.loc[5::11, "w"] = np.nan
    df.loc[::29, "y"] = None
    return df


@pytest.mark.parametrize("route", ["pandas", "engine", "every_hash_collides"])
def test_duplicate_counts_equal_pandas_on_both_routes_and_under_collisions(route, monkeypatch):
    """Reference: ``DataFrame.duplicated`` and a groupby ``nunique`` on the same frame (the pandas
    path). The engine hashes features and compares only repeated hashes: the candidates go to
    pandas when few (``pandas``), stay in DuckDB when many (``engine``: the limit set to 0), and a
    hash that collides for every row (``every_hash_collides``) must change no count."""
    from analysis.engines import counts

    df = _awkward_duplicates()
    if route == "engine":
        monkeypatch.setattr(counts, "PANDAS_CANDIDATES", 0)
    if route == "every_hash_collides":
        monkeypatch.setattr(counts, "_hash_candidates", lambda table, features: table.native)
    table = open_table(df, EngineSettings(engine="duckdb"))
    dup, rows, groups = counts.duplicate_counts(table, target="y")
    assert dup == int(df.duplicated().sum()) > 0
    y = df["y"]
    n_labels = y.groupby([df[c] for c in ("x", "z", "w")], dropna=False).transform("nunique")
    want = np.flatnonzero((n_labels > 1).to_numpy() & y.notna().to_numpy())
    assert rows == tuple(int(i) for i in want) and len(rows) > 0
    assert groups == df.iloc[want].groupby(["x", "z", "w"], dropna=False).ngroups


def test_spark_hash_candidates_keep_signed_zeros_and_nan_together(spark):
    """Spark's ``xxhash64`` route against the same pandas reference as above (-0.0 and 0.0, NaN)."""
    from analysis.engines import counts

    df = _awkward_duplicates()
    table = open_table(df, EngineSettings(engine="spark"))
    assert counts.duplicate_counts(table, target="y") == counts._exact_counts(
        open_table(df, EngineSettings(engine="duckdb")), target="y")
    assert counts.duplicate_counts(table, target="y")[0] == int(df.duplicated().sum())


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_missing_counts_take_nan_and_null_as_pandas_does(engine, tmp_path, request):
    """A Parquet float column can hold NaN and null apart; pandas' ``isna`` (the reference) counts
    both, per column and per group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.engines.counts import group_counts, null_counts

    if engine == "spark":
        request.getfixturevalue("spark")
    x = pa.array([1.0, float("nan"), 0.0, 2.0, float("nan"), 0.0, 3.0, 4.0],
                 mask=np.array([False, False, True, False, False, True, False, False]))
    pq.write_table(pa.table({"x": x, "g": ["a", "a", "a", "b", "b", "b", "b", None],
                             "s": ["u", None, "v", "w", None, None, "z", "z"]}), tmp_path / "t.parquet")
    df = pd.read_parquet(tmp_path / "t.parquet")
    table = open_table(str(tmp_path / "t.parquet"), EngineSettings(engine=engine))
    assert null_counts(table) == {c: int(v) for c, v in df.isna().sum().items()} == {"x": 4, "g": 1, "s": 3}
    got = group_counts(table, ["g"], missing_of=["x", "s"]).set_index("g").sort_index(na_position="last")
    want = df.drop(columns="g").isna().groupby(df["g"], dropna=False).sum().sort_index(na_position="last")
    assert got["m0"].tolist() == want["x"].tolist() and got["m1"].tolist() == want["s"].tolist()
