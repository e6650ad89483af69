"""Same numbers everywhere: every in-scope counting diagnostic, on every bundled sample and on the
intake corpus, gives the same JSON under pandas, DuckDB and Spark.

Reference: the pandas engine is today's pandas code (hashing duplicates, ``value_counts``,
``pd.crosstab``, ``groupby().mean()``), which the golden files and the feature tests pin
against scipy/statsmodels; the DuckDB and Spark paths count with SQL through narwhals.
Counts must be exactly equal, floats within 1e-9, and a refused input must be refused
with the same error and the same message.

Spark runs on three bundled samples (not the 5,000-row transactions file, which DuckDB
covers), the tricky frame and a few corpus files (encodings, decimal commas, duplicate
headers, a float target), and skips the no-target bias run (the same queries as the run
with a target, less one): each Spark query costs about a second of scheduling even on a few
rows, so the whole corpus would take minutes.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cli.common import jsonable
from analysis.engines import EngineSettings, engine_bias_report, engine_overview, open_table
from analysis.errors import DiagnosticsError
from analysis.io import load_csv
from analysis.sampling import group_labels

ROOT = Path(__file__).resolve().parents[2]

#: bundled sample -> (target, group)
SAMPLES = {
    "transactions.csv": ("is_fraud", "region"),
    "reviews_annotated.csv": ("gold_label", "product_category"),
    "wine_imbalanced.csv": ("cultivar", "cultivar"),
    "transactions_population.csv": ("region", "region"),
}
SPARK_CORPUS = ("duplicate_headers.csv", "semicolon_cp1252_decimal_comma.csv", "float_target.csv",
                "utf16le_bom_excel_unicode.txt")


def _corpus() -> list[str]:
    names = []
    for path in sorted((ROOT / "tests" / "data").iterdir()):
        if not path.is_file():  # __pycache__ of make_corpus.py
            continue
        try:
            load_csv(path)
        except DiagnosticsError:
            continue
        names.append(path.name)
    return names


CORPUS = _corpus()


def tricky_frame() -> pd.DataFrame:
    """Unicode and near-identical column names, NaNs, nullable ints, a category, exact and conflicting duplicates."""
    rng = np.random.default_rng(7)
    n = 240
    frame = pd.DataFrame({
        "größe": rng.integers(0, 4, n).astype(float),
        "a": rng.integers(0, 3, n),
        "a.1": pd.array(rng.integers(0, 3, n), dtype="Int64"),
        "A ": rng.choice(["x", "y", " x"], n),
        "ville 🌍": pd.Categorical(rng.choice(["Paris", "Lyon", "Nice"], n)),
        "label": rng.choice(["oui", "non", "peut-être"], n, p=[0.6, 0.3, 0.1]),
    })
    frame.loc[rng.choice(n, 30, replace=False), "größe"] = np.nan
    frame.loc[rng.choice(n, 20, replace=False), "a.1"] = pd.NA
    frame.loc[rng.choice(n, 10, replace=False), "label"] = np.nan
    frame.loc[rng.choice(n, 12, replace=False), "ville 🌍"] = np.nan
    return frame


def _frames() -> dict[str, tuple[pd.DataFrame, str, str]]:
    out: dict[str, tuple[pd.DataFrame, str, str]] = {}
    for name, (target, group) in SAMPLES.items():
        out[name] = (load_csv(ROOT / "sample_data" / name).frame, target, group)
    for name in CORPUS:
        frame = load_csv(ROOT / "tests" / "data" / name).frame
        out[name] = (frame, str(frame.columns[-1]), str(frame.columns[0]))
    out["tricky"] = (tricky_frame(), "label", "ville 🌍")
    return out


FRAMES = _frames()


def _outcome(call) -> object:
    """The JSON of a result, or the error's class and message."""
    try:
        return jsonable(call())
    except DiagnosticsError as exc:
        return ("error", type(exc).__name__, str(exc))


def _reference(frame: pd.DataFrame, group: str) -> dict[str, float]:
    values = list(dict.fromkeys(group_labels(frame[group]).dropna()))[:3] if group in frame.columns else []
    return {v: 1.0 / max(len(values), 1) for v in values} or {"x": 1.0}


def _diagnostics(table, frame: pd.DataFrame, target: str, group: str, *, full: bool = True) -> dict[str, object]:
    ref = _reference(frame, group)
    out = {
        "overview": _outcome(lambda: engine_overview(table, target=target, near=None, outliers=None).overview.to_dict()),
        "bias": _outcome(lambda: engine_bias_report(table, group=group, reference=ref, target=target).to_dict()),
    }
    if full:
        out["bias_no_target"] = _outcome(lambda: engine_bias_report(table, group=group, reference=ref).to_dict())
    return out


def assert_same(expected, actual, path: str = "") -> None:
    """Counts exactly equal, floats within 1e-9, same keys, same order of lists."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(expected) == list(actual), f"{path}: keys {list(expected)} != {list(actual)}"
        for k in expected:
            assert_same(expected[k], actual[k], f"{path}.{k}")
    elif isinstance(expected, (list, tuple)):
        assert isinstance(actual, (list, tuple)) and len(expected) == len(actual), f"{path}: {expected!r} != {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, f"{path}[{i}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        assert isinstance(actual, float) and math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9), f"{path}: {expected!r} != {actual!r}"
    else:
        assert type(expected) is type(actual) and expected == actual, f"{path}: {expected!r} != {actual!r}"


@pytest.fixture(scope="module")
def pandas_results() -> dict[str, dict[str, object]]:
    out = {}
    for name, (frame, target, group) in FRAMES.items():
        out[name] = _diagnostics(open_table(frame, EngineSettings(engine="pandas")), frame, target, group)
    return out


@pytest.mark.parametrize("name", list(FRAMES))
def test_duckdb_gives_the_pandas_json(name, pandas_results):
    frame, target, group = FRAMES[name]
    table = open_table(frame, EngineSettings(engine="duckdb"), name="data")
    assert table.engine == "duckdb"
    assert_same(pandas_results[name], _diagnostics(table, frame, target, group), name)


SPARK_NAMES = [n for n in FRAMES if (n in SAMPLES and n != "transactions.csv") or n in SPARK_CORPUS or n == "tricky"]


@pytest.mark.parametrize("name", SPARK_NAMES)
def test_spark_gives_the_pandas_json(name, pandas_results, spark):
    frame, target, group = FRAMES[name]
    table = open_table(frame, EngineSettings(engine="spark", spark_master="local[1]"), name="data")
    assert table.engine == "spark"
    expected = {k: v for k, v in pandas_results[name].items() if k != "bias_no_target"}
    assert_same(expected, _diagnostics(table, frame, target, group, full=False), name)


def test_the_battery_compares_something(pandas_results):
    """Guards against a battery that passes by comparing errors only: most inputs give results."""
    ok = [n for n, r in pandas_results.items() if isinstance(r["overview"], dict)]
    assert {"transactions.csv", "reviews_annotated.csv", "wine_imbalanced.csv", "tricky"} <= set(ok)
    assert pandas_results["tricky"]["overview"]["conflicting_duplicates"] > 0
    assert sum(pandas_results["tricky"]["overview"]["missing"].values()) == 72
