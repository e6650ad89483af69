"""Each LF kind's portable expression fires on exactly the rows its pandas ``apply`` fires on (DuckDB), or the
engine refuses the LF by name.

Reference: ``LFKind.apply`` on pandas, today's code (Python's ``re`` with IGNORECASE and look-arounds,
``pd.to_numeric``, casefolded text), which ``tests/analysis/test_weak_kinds.py`` checks against plain pandas.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd
import pytest

from analysis.engines import ROW, EngineSettings, open_table
from analysis.engines.weak import engine_weak_labels
from analysis.errors import LFNotPortableError, LFSpecError
from analysis.weak import LF_KINDS, LabelingFunction, LabelModelSettings, LFKind, LFSet

TEXTS = ["Great value", "GREAT!", "greatness", "café great", "naïve-great", "a.b c", "axb c", "(x) [y]", None,
         "line\ngreat", "émoji 😀 great", "great_x", "x_great", "5 stars", "1+1=2", "  Food  ", "food"]
N = len(TEXTS)
FRAME = pd.DataFrame({
    "text": TEXTS,
    "number": [1.5, np.nan, 3.0, -2.0, 0.0, 100.0, 2.0, 2.5, np.inf, 7.0, -0.0, 3.0, 50.0, 49.9, 1e-5, 2.0, np.nan],
    "count": pd.array([3, 3, 0, None, 5, 30, 3, -3, 12, 1, 2, 3, 4, 5, 6, 7, 8], dtype="Int64"),
    "flag": [True, False] * 8 + [True],
    "cat": pd.Categorical(["Travel", " food", None, "5", "x", "Travel", "food", "y", "z", "5", "x", "y", "z", "Food",
                           "x", "y", "z"]),
})
LFS = [
    LabelingFunction("great", "keywords", "text", "pos", keywords=("great",), whole_word=True),
    LabelingFunction("punct", "keywords", "text", "pos", keywords=("a.b", "(x)", "1+1", "[y]")),
    LabelingFunction("phrase", "keywords", "text", "pos", keywords=("5 STARS", "value")),
    LabelingFunction("unicode", "keywords", "text", "pos", keywords=("😀", "CAFÉ"), whole_word=True),
    LabelingFunction("food", "equals", "text", "pos", values=("FOOD",)),
    LabelingFunction("cat_food", "equals", "cat", "pos", values=("food", "5")),
    LabelingFunction("int3", "equals", "count", "pos", values=("3", "03", "3.0", "-3")),
    LabelingFunction("float_eq", "equals", "number", "pos", values=("2", "2.5", "inf", "1e-05", "nan", "0")),
    LabelingFunction("flag_true", "equals", "flag", "pos", values=("TRUE",)),
    LabelingFunction("big", "above", "number", "pos", threshold=2.0),
    LabelingFunction("small", "below", "number", "pos", threshold=2.0),
    LabelingFunction("few", "below", "count", "pos", threshold=3),
    LabelingFunction("flag_above", "above", "flag", "pos", threshold=0.5),
]


def _engine_fires(table, lf: LabelingFunction) -> list[bool]:
    schema = table.lazy().collect_schema()
    native = table.col(lf.column)
    expr = lf.rule.vote_expr(nw.col(native), schema[native], lf).fill_null(False).alias("fired")
    out = table.lazy().select(nw.col(ROW), expr).collect().to_pandas().sort_values(ROW)
    return out["fired"].astype(bool).tolist()


@pytest.fixture(scope="module")
def duckdb_table():
    return open_table(FRAME, EngineSettings(engine="duckdb"), name="data")


@pytest.mark.parametrize("lf", LFS, ids=[lf.name for lf in LFS])
def test_kind_expression_fires_where_pandas_fires(lf, duckdb_table):
    expected = lf.rule.apply(FRAME[lf.column], lf).tolist()
    assert any(expected), f"{lf.name}: the case tests nothing"
    assert _engine_fires(duckdb_table, lf) == expected


def test_every_registered_kind_has_an_expression_or_refuses_by_name(duckdb_table):
    """A kind added to the registry without ``vote_expr`` is refused on the engines, naming the LF."""
    for name in LF_KINDS.names():
        assert type(LF_KINDS[name]).vote_expr is not LFKind.vote_expr, f"built-in kind '{name}' has no expression"

    class LongerThan(LFKind):
        name = "toy_engine_longer_than"
        title = "Text longer than N characters"
        fields = ("threshold",)

        def from_dict(self, raw: dict, lf_name: str) -> dict[str, Any]:
            return {"threshold": float(raw["threshold"])}

        def describe(self, lf: LabelingFunction) -> str:
            return f"len({lf.column}) > {lf.threshold:g}"

        def apply(self, column: pd.Series, lf: LabelingFunction) -> np.ndarray:
            return column.astype("string").str.len().gt(lf.threshold).fillna(False).to_numpy(dtype=bool)

    LF_KINDS.register(LongerThan())
    try:
        lfs = LFSet.of([LabelingFunction("long", "toy_engine_longer_than", "text", "pos", threshold=5),
                        LabelingFunction("short", "below", "number", "neg", threshold=2)])
        with pytest.raises(LFNotPortableError, match="LF 'long': the kind 'toy_engine_longer_than' has no DuckDB/Spark"):
            engine_weak_labels(duckdb_table, lfs, LabelModelSettings())
        assert issubclass(LFNotPortableError, LFSpecError)
    finally:
        LF_KINDS.unregister("toy_engine_longer_than")
