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



@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_nan_in_a_parquet_file_from_pyarrow_counts_as_missing(engine, tmp_path, request):
    """pyarrow (pandas' to_parquet) leaves NaN out of a float column's min/max and writes no NaN count; DuckDB 2.0
    then folded isnan() to false (duckdb/duckdb#25521) and counted no missing cell. Reference: pandas' isna."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.engines.counts import group_counts, null_counts

    if engine == "spark":
        request.getfixturevalue("spark")
    x = pa.array([1.5, float("nan"), -2.0, 4.0, float("nan"), 0.25], from_pandas=False)  # NaN, no null
    pq.write_table(pa.table({"x": x, "g": ["a", "a", "b", "b", "b", "a"]}), tmp_path / "t.parquet")
    df = pd.read_parquet(tmp_path / "t.parquet")
    assert x.null_count == 0 and int(df["x"].isna().sum()) == 2
    table = open_table(str(tmp_path / "t.parquet"), EngineSettings(engine=engine))
    assert null_counts(table) == {"x": 2, "g": 0}
    got = group_counts(table, ["g"], missing_of=["x"]).set_index("g").sort_index()
    assert got["m0"].tolist() == df["x"].isna().groupby(df["g"]).sum().sort_index().tolist() == [1, 1]


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_nan_counts_take_a_second_pass_only_where_a_float_sum_is_nan(engine, tmp_path, request, monkeypatch):
    """The first pass counts nulls and sums the float columns; a NaN sum (a NaN, or +inf with -inf)
    sends only those columns to a second pass that counts NaNs. Reference: pandas' ``isna``
    per column and per group, on a group whose floats are all null (its sum is null, not NaN)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.engines import counts

    if engine == "spark":
        request.getfixturevalue("spark")
    calls: list[frozenset[str] | None] = []
    real = counts._missing_aggs

    def spy(table, names, *, nan_of):
        calls.append(nan_of)
        return real(table, names, nan_of=nan_of)

    monkeypatch.setattr(counts, "_missing_aggs", spy)
    inf = float("inf")
    mask = np.array([False, False, False, False, True, True])
    clean = pa.table({"g": ["a", "a", "b", "b", "c", "c"],
                      "x": pa.array([1.0, 2.0, 3.0, 4.0, 0.0, 0.0], mask=mask),
                      "s": ["u", None, "v", "w", None, "z"]})
    pq.write_table(clean, tmp_path / "clean.parquet")
    dirty = clean.append_column("inf", pa.array([inf, -inf, 1.0, 2.0, 3.0, 4.0]))
    dirty = dirty.append_column("nan", pa.array([1.0, 2.0, float("nan"), 0.0, 1.0, 1.0],
                                                mask=np.array([False, False, False, True, False, False])))
    pq.write_table(dirty, tmp_path / "dirty.parquet")
    for name, passes in (("clean", [None]), ("dirty", [None, frozenset({"inf", "nan"})])):
        df = pd.read_parquet(tmp_path / f"{name}.parquet")
        table = open_table(str(tmp_path / f"{name}.parquet"), EngineSettings(engine=engine))
        calls.clear()
        assert counts.null_counts(table) == {c: int(v) for c, v in df.isna().sum().items()}
        assert calls == passes
        others = [c for c in df.columns if c != "g"]
        calls.clear()
        got = counts.group_counts(table, ["g"], missing_of=others).set_index("g").sort_index()
        assert calls == passes
        want = df[others].isna().groupby(df["g"]).sum().sort_index()
        for i, c in enumerate(others):
            assert got[f"m{i}"].tolist() == want[c].tolist(), c
    assert int(df["nan"].isna().sum()) == 2  # one NaN and one null: the second pass counts both

def _bias_frame(n: int = 4000, seed: int = 5) -> pd.DataFrame:
    """Group keys with nulls, NaN in a float feature, a target with nulls: the sums over the target
    that give representation and missingness must count every row once."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "g": rng.choice(["north", "south", "east"], n, p=[0.5, 0.3, 0.2]).astype(object),
        "x": rng.normal(size=n),
        "s": rng.choice(["u", "v", None], n),
        "y": rng.choice([0.0, 1.0], n, p=[0.9, 0.1]),
    })
    df.loc[rng.choice(n, 150, replace=False), "g"] = None
    df.loc[rng.choice(n, 200, replace=False), "x"] = np.nan
    df.loc[rng.choice(n, 40, replace=False), "y"] = np.nan
    return df


def test_cli_bias_on_duckdb_counts_in_one_scan_and_equals_pandas(tmp_path, capsys, monkeypatch):
    """``bias --engine duckdb`` counts in one scan (GROUP BY group, target) and derives
    representation and missingness from it: the JSON equals the pandas path's (reference:
    pandas' value_counts, isna().groupby and crosstab behind ``--engine pandas``)."""
    from analysis.engines import bias as engine_bias

    scans: list[list[str]] = []
    real_counts = engine_bias.group_counts

    def counting_scan(table, keys, **kwargs):
        scans.append(list(keys))
        return real_counts(table, keys, **kwargs)

    monkeypatch.setattr(engine_bias, "group_counts", counting_scan)
    path = _write(_bias_frame(), tmp_path)
    argv = ["bias", path, "--group", "g", "--expected", "north=0.4,south=0.4,east=0.2", "--target", "y",
            "--format", "json"]
    assert main(argv + ["--engine", "duckdb"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert scans == [["g", "y"]], "one scan over the table, group and target together"
    assert main(argv + ["--engine", "pandas"]) == 0
    want = json.loads(capsys.readouterr().out)
    assert got.pop("engine", None) == "duckdb" and want.pop("engine", None) == "pandas"
    assert got == want
    df = _bias_frame()
    assert got["label_by_group"]["n_dropped"] == int((df["g"].isna() | df["y"].isna()).sum())
    assert {c["column"]: c["missing"] for c in got["missing_by_group"]["columns"]} == {
        c: int(df[c].isna().sum()) for c in ("x", "s", "y")}
    assert got["missing_by_group"]["shares"]["x"]["north"] == df.loc[df["g"] == "north", "x"].isna().mean()


def test_engine_bias_errors_come_in_the_pandas_order():
    """A wrong target is reported after the representation's own errors, as the pandas path does
    (representation, then label rates by group), though the one scan groups by both."""
    from analysis.engines.bias import engine_bias_report
    from analysis.errors import DiagnosticsError

    df = _bias_frame(400)
    table = open_table(df, EngineSettings(engine="duckdb"))

    def outcome(frame_or_table, **kw):
        try:
            if frame_or_table is df:
                analysis.bias_report(df, group="g", **kw)
            else:
                engine_bias_report(table, group="g", **kw)
        except DiagnosticsError as exc:
            return type(exc).__name__, str(exc)
        return None

    for kw in ({"reference": {"north": -1, "south": 2}, "target": "nope"},
               {"reference": {"north": 0.5, "south": 0.3, "east": 0.2}, "target": "nope"},
               {"reference": {"north": 0.5, "south": 0.3, "east": 0.2}, "target": "g"}):
        want = outcome(df, **kw)
        assert want is not None and outcome(table, **kw) == want


def test_engine_report_lists_sampled_rows_by_their_position_in_the_file(tmp_path, capsys):
    """Outliers and near-duplicates run on the sample; the rows they list are positions in the whole
    file (reference: the planted rows, read back with pandas), not positions in the sample."""
    rng = np.random.default_rng(11)
    n = 6000
    df = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n), "y": rng.choice(["a", "b"], n)})
    extreme = np.arange(37, n, 150)
    df.loc[extreme, ["x", "z"]] = 60.0
    copies = np.arange(1, n - 1, 13)  # row i + 1 repeats row i's features
    df.loc[copies + 1, ["x", "z"]] = df.loc[copies, ["x", "z"]].to_numpy()
    df.loc[copies + 1, "y"] = df.loc[copies, "y"].to_numpy()
    path = _write(df, tmp_path)
    assert main(["report", path, "--target", "y", "--format", "json", "--sample-rows", "2000"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 < out["sample"]["rows"] < n
    top = [r["row"] for r in out["outliers"]["top"]]
    flagged = [r for r in top if r in set(extreme)]
    assert top[0] in set(extreme) and len(flagged) >= 5, top
    groups = [g["rows"] for g in out["near_duplicates"]["group_list"] if g["kind"] == "normalised"]
    assert groups, out["near_duplicates"]
    for rows in groups:
        values = df.loc[rows, ["x", "z"]].round(6)
        assert len(values.drop_duplicates()) == 1, (rows, values)


def test_memory_limit_is_set_on_duckdb_and_counts_stay_exact_under_it(tmp_path, capsys):
    """``--memory-limit`` reaches DuckDB (read back with ``current_setting``; DuckDB shows 20MB,
    20,000,000 bytes, as 19.0 MiB) and the counts under a small limit equal pandas'
    ``duplicated`` and ``value_counts``; a size DuckDB cannot read exits 2 with one line."""
    from analysis.engines.backends import duckdb_connection

    assert duckdb_connection("20MB").execute("SELECT current_setting('memory_limit')").fetchone()[0] == "19.0 MiB"
    rng = np.random.default_rng(4)
    n = 50_000
    df = pd.DataFrame({f"x{i}": rng.integers(0, 1000, n) for i in range(6)})
    df["s"] = rng.choice([f"word{i}" for i in range(5000)], n)
    df["y"] = rng.choice(["a", "b"], n)
    df = pd.concat([df, df.iloc[:500]], ignore_index=True)
    path = _write(df, tmp_path)
    assert main(["report", path, "--target", "y", "--format", "json", "--memory-limit", "20MB"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "duckdb" and out["duplicate_rows"] == int(df.duplicated().sum()) == 500
    assert out["class_balance"]["counts"] == df["y"].value_counts().to_dict()
    with pytest.raises(SystemExit) as exc:
        main(["report", path, "--target", "y", "--memory-limit", "lots"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1 and "--memory-limit must be a size" in err


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_outliers_beyond_the_sample_are_the_rows_and_scores_pandas_finds(engine, tmp_path, request):
    """The outliers' sample is smaller than the engine's: the engine finds pandas' sampled rows within its own
    sample, then asks the whole table for the rows with a number beyond that sample's range (NaN and null never
    are). Reference: pandas' outlier_summary on the same rows (its scores checked against scikit-learn in
    tests/analysis/test_outliers_beyond_sample.py)."""
    from analysis.engines import engine_overview
    from analysis.overview import OutlierSettings, outlier_summary

    if engine == "spark":
        request.getfixturevalue("spark")
    rng = np.random.default_rng(21)
    n = 3000
    df = pd.DataFrame({"x": rng.normal(size=n), "k": pd.array(rng.integers(0, 50, n), dtype="Int64"),
                       "c": rng.choice(["p", "q", "r"], n), "y": rng.choice(["a", "b", "c"], n, p=[0.7, 0.25, 0.05])})
    df.loc[[5, 900, 2999], "x"] = [40.0, -55.0, np.nan]
    df.loc[[17, 1500], "k"] = [pd.NA, 400]
    df.loc[1500, "c"] = "unseen"
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(df, preserve_index=False)  # x keeps its NaN as NaN, not as null
    arrow = arrow.set_column(0, "x", pa.array(df["x"].to_numpy(), from_pandas=False))
    assert arrow.column("x").null_count == 0 and pd.isna(arrow.column("x").to_pandas()).sum() == 1
    pq.write_table(arrow, tmp_path / "t.parquet")
    settings = OutlierSettings(max_rows=300)
    ref = outlier_summary(df, target="y", settings=settings)
    table = open_table(str(tmp_path / "t.parquet"), EngineSettings(engine=engine))
    got = engine_overview(table, target="y", near=None, outliers=settings, sample_rows=900).overview.outliers
    assert ref.beyond is not None and ref.beyond.candidates > 0
    assert {5, 900, 1500} - set(ref.rows.tolist()) <= set(ref.beyond.rows.tolist())  # the planted ones, if outside
    assert got.beyond is not None and got.beyond.rows.tolist() == ref.beyond.rows.tolist()
    np.testing.assert_allclose(got.beyond.scores, ref.beyond.scores)
    np.testing.assert_allclose(got.scores, ref.scores)
    assert got.to_dict() == ref.to_dict()  # counts, shares, top rows, verdict, notes
