"""Shift between two tables, and bias intersections, on pandas, DuckDB and Spark (issue 13).

References:
* the engine battery's rule: the pandas engine is today's pandas code
  (``analysis.sampling.shift``, ``intersection_representation``; pinned by the golden files and
  checked against scipy/statsmodels by tests/analysis/test_sampling*.py); DuckDB and Spark must
  give the same JSON: counts equal, floats within 1e-9 (``assert_same``);
* the exact counts path (``numeric_from_counts``) against scipy directly: ``ks_2samp`` (exact
  and asymptotic modes) and ``wasserstein_distance`` / ``numpy.std``;
* the sketch path (``numeric_from_grid`` and the engines' sketches): it is *not* exact, so the
  tests check the pandas/scipy value lies within the stated bound (KS statistic, Wasserstein
  effect), and that the stated p-value range holds Smirnov's asymptotic p-value at the exact
  statistic (``scipy.stats.kstwo``).

Each pair is a table's first half (reference) against its second half (current). Spark runs in
one test (session start and per-query scheduling cost seconds), on two frames and one sketch.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.cli.common import jsonable
from analysis.cli.main import main
from analysis.engines import EngineSettings, open_table
from analysis.engines.intersections import engine_intersection
from analysis.engines.shift import engine_shift
from analysis.engines.shift_stats import numeric_from_counts, numeric_from_grid
from analysis.sampling import feature_shift

from .test_engine_battery import FRAMES, SAMPLES, SPARK_CORPUS, _outcome, _reference, assert_same

NAMES = [*SAMPLES, *SPARK_CORPUS, "tricky"]


def _halves(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(frame)
    return frame.iloc[: n // 2].reset_index(drop=True), frame.iloc[n // 2:].reset_index(drop=True)


def _second_group(frame: pd.DataFrame, target: str, group: str) -> str:
    others = [c for c in frame.columns if c != group]
    return target if target != group else (others[0] if others else group)


def _run(name: str, settings: EngineSettings, *, full: bool = True) -> dict[str, object]:
    """Shift of the halves, and the intersection of the group with the target (or another column)
    against the product of margins (``full``: also own margins only, and the first half as joint reference;
    the engine's counts are the same query, only the pandas-side arithmetic differs)."""
    frame, target, group = FRAMES[name]
    a, b = _halves(frame)
    ta, tb, whole = open_table(a, settings), open_table(b, settings), open_table(frame, settings)
    groups = (group, _second_group(frame, target, group))
    margin = {group: _reference(frame, group)}
    out = {
        "shift": _outcome(lambda: engine_shift(ta, tb, target=target, classifier=False)[0].to_dict()),
        "intersection_margin": _outcome(lambda: engine_intersection(whole, groups=groups, margins=margin).to_dict()),
    }
    if full:
        out["intersection"] = _outcome(lambda: engine_intersection(whole, groups=groups).to_dict())
        out["intersection_joint"] = _outcome(lambda: engine_intersection(whole, groups=groups, reference=a).to_dict())
    return out


@pytest.fixture(scope="module")
def pandas_shift() -> dict[str, dict[str, object]]:
    return {name: _run(name, EngineSettings(engine="pandas")) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_duckdb_shift_and_intersections_give_the_pandas_json(name, pandas_shift):
    got = _run(name, EngineSettings(engine="duckdb"))
    assert_same(pandas_shift[name], got, name)
    if isinstance(got["shift"], dict):
        assert {f["method"] for f in got["shift"]["features"]} <= {"exact"}


def test_the_shift_battery_compares_something(pandas_shift):
    """Most pairs give results (not errors on both sides), with numeric and categorical tests and cells."""
    ok = [n for n, r in pandas_shift.items() if isinstance(r["shift"], dict) and isinstance(r["intersection"], dict)]
    assert {"transactions.csv", "reviews_annotated.csv", "tricky"} <= set(ok)
    tests = {f["test"] for n in ok for f in pandas_shift[n]["shift"]["features"]}
    assert {"ks", "chi2"} <= tests
    assert pandas_shift["transactions.csv"]["shift"]["label_shift"] is not None


def test_duckdb_domain_classifier_and_rows_in_both_match_pandas():
    """The model-based parts run on each table's sample, which is the whole table below --sample-rows."""
    settings = [EngineSettings(engine=e) for e in ("pandas", "duckdb")]
    frame, target, _ = FRAMES["wine_imbalanced.csv"]
    a, b = _halves(frame)
    b = pd.concat([b, a.iloc[:7]], ignore_index=True)  # 7 rows in both tables
    out = [jsonable(engine_shift(open_table(a, s), open_table(b, s), target=target, classifier_rows=60)[0].to_dict())
           for s in settings]
    assert out[0]["domain_classifier"] is not None and out[0]["rows_in_both"] == 7
    assert_same(out[0], out[1])


# --- the exact path from counts, against scipy ----------------------------------------------------

@pytest.mark.parametrize(("n1", "n2", "values"), [(300, 451, 25), (12_000, 11_000, 400), (40, 9, 1_000)])
def test_numeric_from_counts_is_scipys_ks_and_wasserstein(n1, n2, values):
    rng = np.random.default_rng(n1)
    a = rng.integers(0, values, n1) * 0.37
    b = (rng.integers(0, values, n2) + values // 10) * 0.37
    va, ca = np.unique(a, return_counts=True)
    vb, cb = np.unique(b, return_counts=True)
    d, p, effect, psi_value = numeric_from_counts(va, ca, vb, cb)
    ks = stats.ks_2samp(a, b, method="exact" if max(n1, n2) <= 10_000 else "asymp")
    assert d == pytest.approx(ks.statistic, abs=1e-12) and p == pytest.approx(ks.pvalue, rel=1e-9, abs=1e-300)
    assert effect == pytest.approx(stats.wasserstein_distance(a, b) / np.std(a), rel=1e-9)
    assert psi_value == pytest.approx(feature_shift(pd.Series(a), pd.Series(b)).psi, rel=1e-12)  # the pandas PSI


# --- the sketch path: the stated bounds hold ------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grid_bounds_hold_the_exact_statistics(seed):
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0, 1, 4_000)
    b = np.round(rng.lognormal(0.1 * seed, 1.1, 3_000), 1)  # ties in one table
    probs = np.linspace(0, 1, 41)
    cuts = np.unique(np.quantile(a, np.arange(1, 10) / 10, method="inverted_cdf"))
    grid = np.unique(np.concatenate([np.quantile(a, probs), np.quantile(b, probs), cuts]))
    sa, sb = np.sort(a), np.sort(b)
    r = numeric_from_grid(grid, np.searchsorted(sa, grid, "left"), np.searchsorted(sa, grid, "right"),
                          np.searchsorted(sb, grid, "left"), np.searchsorted(sb, grid, "right"),
                          n1=len(a), n2=len(b), spread=float(np.std(a)), cuts=cuts)
    d = stats.ks_2samp(a, b).statistic
    assert abs(r["statistic"] - d) <= r["statistic_bound"] + 1e-12
    assert r["statistic_bound"] < 2 / 40  # about one grid step of each table
    assert abs(r["effect"] - stats.wasserstein_distance(a, b) / np.std(a)) <= r["effect_bound"] + 1e-12
    m, n = len(a), len(b)
    lo, hi = r["p_value_range"]
    assert lo * (1 - 1e-9) <= stats.kstwo.sf(d, round(m * n / (m + n))) <= hi * (1 + 1e-9)


def _sketch_frames(columns: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = FRAMES["transactions.csv"][0][columns or ["amount", "account_age_days", "hour", "device", "is_fraud"]]
    a, b = _halves(frame)
    return a, b.assign(amount=b["amount"] * 1.1)


def _check_sketch(settings: EngineSettings, a: pd.DataFrame, b: pd.DataFrame, *, numeric: int = 3) -> None:
    """Numeric features sketched (forced: exact_max_distinct=0) are within their bounds of the pandas
    values; categorical ones and label shift are exact."""
    pandas_result = engine_shift(open_table(a, EngineSettings(engine="pandas")),
                                 open_table(b, EngineSettings(engine="pandas")), target="is_fraud", classifier=False)[0]
    got = engine_shift(open_table(a, settings), open_table(b, settings), target="is_fraud", classifier=False,
                       exact_max_distinct=0)[0]
    sketched = 0
    for f, ref in zip(got.features, pandas_result.features):
        if ref.kind == "categorical":
            assert_same(jsonable(ref.to_dict()), jsonable(f.to_dict()), f.name)
            continue
        sketched += 1
        assert f.method == "sketch" and f.sketch is not None and settings.engine.lower() in f.sketch["quantiles"].lower()
        assert abs(f.statistic - ref.statistic) <= f.sketch["statistic_bound"] + 1e-12, f.name
        assert abs(f.effect - ref.effect) <= f.sketch["effect_bound"] + 1e-12, f.name
        assert f.sketch["statistic_bound"] < 0.01, f.name
        m, n = f.n_reference, f.n_current
        lo, hi = f.sketch["p_value_range"]
        assert lo * (1 - 1e-9) <= stats.kstwo.sf(ref.statistic, round(m * n / (m + n))) <= hi * (1 + 1e-9), f.name
        assert (f.n_reference, f.n_current, f.missing_reference) == (ref.n_reference, ref.n_current, ref.missing_reference)
    assert sketched == numeric
    assert_same(jsonable(pandas_result.label_shift.to_dict()), jsonable(got.label_shift.to_dict()))


def test_duckdb_sketch_bounds_hold():
    _check_sketch(EngineSettings(engine="duckdb"), *_sketch_frames())


def test_spark_gives_the_pandas_json_and_its_sketch_bounds_hold(pandas_shift, spark):
    """One frame (text, a category column, nullable ints, NaNs, unicode names) and one sketched column:
    each Spark query costs about a second of scheduling even on a few rows."""
    settings = EngineSettings(engine="spark", spark_master="local[1]")
    expected = {k: v for k, v in pandas_shift["tricky"].items() if k in ("shift", "intersection_margin")}
    assert_same(expected, _run("tricky", settings, full=False), "tricky")
    a, b = _sketch_frames(["amount", "is_fraud"])
    _check_sketch(settings, a.iloc[::4].reset_index(drop=True), b.iloc[::4].reset_index(drop=True), numeric=1)


# --- the CLI ---------------------------------------------------------------------------------------

def _cli(capsys, *argv: str) -> dict:
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_shift_and_bias_intersect_on_duckdb_match_pandas(tmp_path, capsys):
    frame = FRAMES["transactions.csv"][0].iloc[:1_200]
    a, b = _halves(frame)
    paths = []
    for i, part in enumerate((a, b)):
        paths.append(str(tmp_path / f"part{i}.parquet"))
        part.to_parquet(paths[-1])
    want = _cli(capsys, "shift", *paths, "--target", "is_fraud", "--engine", "pandas", "--no-classifier")
    got = _cli(capsys, "shift", *paths, "--target", "is_fraud", "--no-classifier")  # auto: Parquet on DuckDB
    assert (want["engine"], got["engine"], got["sample"]) == ("pandas", "duckdb", None)
    assert_same({k: v for k, v in want.items() if k != "engine"}, {k: v for k, v in got.items() if k != "engine"})
    small = _cli(capsys, "shift", *paths, "--target", "is_fraud", "--no-classifier", "--sample-rows", "200")
    assert small["sample"]["reference"]["rows"] < len(a) and small["n_reference"] == len(a)
    assert any("ran on samples" in n for n in small["notes"])
    assert_same(want["features"], small["features"])  # per-feature tests count every row
    ref = ("--reference", paths[0])
    want = _cli(capsys, "bias", paths[1], "--group", "region", *ref, "--intersect", "device", "--engine", "pandas")
    got = _cli(capsys, "bias", paths[1], "--group", "region", *ref, "--intersect", "device", "--engine", "duckdb")
    assert want["intersection"]["group"] == "region × device" and len(want["intersection"]["groups"]) > 4
    assert_same({k: v for k, v in want.items() if k != "engine"}, {k: v for k, v in got.items() if k != "engine"})
    assert _cli(capsys, "bias", paths[1], "--group", "region", *ref)["intersection"] is None


def test_api_takes_duckdb_relations_for_shift_and_intersections():
    import duckdb

    import analysis

    frame, target, group = FRAMES["tricky"]
    a, b = _halves(frame)
    con = duckdb.connect()
    rel_a, rel_b = con.from_df(a), con.from_df(b)
    want = jsonable(analysis.shift(a, b, target=target, classifier=False).to_dict())
    assert_same(want, jsonable(analysis.shift(rel_a, b, target=target, classifier=False).to_dict()))
    assert_same(want, jsonable(analysis.shift(rel_a, rel_b, target=target, classifier=False).to_dict()))
    groups = (group, "A ")
    assert_same(jsonable(analysis.intersection_representation(a, groups=groups).to_dict()),
                jsonable(analysis.intersection_representation(rel_a, groups=groups).to_dict()))
