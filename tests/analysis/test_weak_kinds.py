"""The LF-kind registry: every registered kind passes one battery, and a new kind is a one-file change.

The toy kind below is registered here only (and unregistered afterwards); the
page's rule selector, the CLI's ``--lf-file`` loader and ``--help``, and
``apply_lfs`` all pick it up from the registry without another edit. Expected
matches come from plain pandas on the same rows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis.errors import LFSpecError
from analysis.weak import (
    LF_KINDS,
    LabelingFunction,
    LFKind,
    LFSet,
    apply_lfs,
    lf_from_inputs,
    lfs_from_table,
    lfs_to_table,
)
from sample_data import sample_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))

# One example LF per built-in kind, with the rows of FRAME where it must fire.
FRAME = pd.DataFrame({"text": ["Great value", "awful", None, "ok 5"], "n": [5.0, 120.0, None, 50.0],
                      "cat": ["Travel", " food", None, "5"]})
EXAMPLES = {
    "keywords": (LabelingFunction("kw", "keywords", "text", "pos", keywords=("great", "5")), [True, False, False, True]),
    "above": (LabelingFunction("big", "above", "n", "hi", threshold=50), [False, True, False, False]),
    "below": (LabelingFunction("small", "below", "n", "lo", threshold=50), [True, False, False, False]),
    "equals": (LabelingFunction("cat", "equals", "cat", "c", values=("food", "5")), [False, True, False, True]),
}


def test_every_builtin_kind_is_registered_in_order():
    assert LF_KINDS.names()[:4] == ("keywords", "above", "below", "equals")
    assert set(EXAMPLES) <= set(LF_KINDS.names())


@pytest.mark.parametrize("name", LF_KINDS.names())
def test_battery_over_every_registered_kind(name):
    kind = LF_KINDS[name]
    assert kind.name == name and kind.title and set(kind.fields) <= {"keywords", "whole_word", "threshold", "values"}
    assert set(kind.inputs) <= {"terms", "whole_word", "threshold"}
    lf, expected = EXAMPLES[name]
    before = FRAME.copy()
    votes = apply_lfs(FRAME, [lf])
    pd.testing.assert_frame_equal(FRAME, before)  # input not mutated
    assert votes[lf.name].notna().tolist() == expected  # missing cells abstain
    assert set(votes[lf.name].dropna()) == {lf.label}
    # JSON, the editable table and the form inputs all round-trip the LF.
    assert LFSet.from_json(LFSet.of([lf]).to_json()).lfs == (lf,)
    assert lfs_from_table(lfs_to_table([lf])) == (lf,)
    row = lfs_to_table([lf]).iloc[0].to_dict()
    assert LFSet.of([lf_from_inputs(**row)]).lfs == (lf,)
    assert lf.describe().endswith(f"-> {lf.label}")


def test_unknown_kind_is_refused_by_the_registry_with_the_project_error():
    with pytest.raises(LFSpecError, match="Unknown labeling-function kind 'regex'; choose one of: keywords"):
        LF_KINDS["regex"]
    with pytest.raises(LFSpecError, match="'kind' must be one of keywords, above, below, equals"):
        LFSet.of([{"name": "x", "kind": "regex", "column": "t", "label": "a"}])


# --- a toy kind, defined as a new kind module would define it ------------------------------------
class LongerThan(LFKind):
    """Text longer than ``threshold`` characters (the toy kind of this test)."""

    name = "toy_longer_than"
    title = "Text is longer than (toy)"
    fields = ("threshold",)

    def from_dict(self, raw: dict, lf_name: str) -> dict[str, Any]:
        t = raw.get("threshold")
        if isinstance(t, bool) or not isinstance(t, (int, float)):
            raise LFSpecError(f"LF '{lf_name}': 'threshold' must be a number; got {t!r}.")
        return {"threshold": float(t)}

    def describe(self, lf: LabelingFunction) -> str:
        return f"{lf.column} longer than {lf.threshold:g} characters -> {lf.label}"

    def apply(self, column: pd.Series, lf: LabelingFunction) -> np.ndarray:
        return (column.astype("string").str.len() > lf.threshold).fillna(False).to_numpy(dtype=bool)



@pytest.fixture
def toy_kind():
    LF_KINDS.register(LongerThan())
    try:
        yield LF_KINDS["toy_longer_than"]
    finally:
        LF_KINDS.unregister("toy_longer_than")
    assert "toy_longer_than" not in LF_KINDS.names()


@pytest.fixture(scope="module")
def reviews():
    return pd.read_csv(sample_path("reviews_annotated.csv"))


def test_toy_kind_is_applied_by_apply_lfs(toy_kind, reviews):
    lf = LabelingFunction("long", "toy_longer_than", "text", "positive", threshold=80)
    votes = apply_lfs(reviews, [lf])
    assert votes["long"].notna().tolist() == (reviews["text"].str.len() > 80).tolist()
    assert lf.describe() == "text longer than 80 characters -> positive"


def test_toy_kind_is_accepted_by_the_cli_lf_file_loader(toy_kind, reviews, capsys, tmp_path):
    from cli_run import run

    lfs = [LabelingFunction("long", "toy_longer_than", "text", "positive", threshold=80),
           LabelingFunction("refund", "keywords", "text", "negative", keywords=("refund",))]
    lf_file = tmp_path / "lfs.json"
    lf_file.write_text(LFSet.of(lfs).to_json())
    code, out, err = run(capsys, "weak", sample_path("reviews_annotated.csv"), "--lf-file", lf_file, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["lfs"][0]["name"] == "long"
    assert d["lfs"][0]["coverage"] == pytest.approx((reviews["text"].str.len() > 80).mean())
    code, out, err = run(capsys, "weak", "--help")
    assert code == 0 and "toy_longer_than" in out


def test_toy_kind_is_offered_and_applied_by_the_page(toy_kind, reviews):
    from pagetest import open_page

    at = open_page("weak", sample="reviews_annotated.csv")
    rule = next(s for s in at.selectbox if s.label == "Rule")
    assert "Text is longer than (toy)" in rule.options
    next(t for t in at.text_input if t.label == "LF name").input("long")
    rule.set_value("toy_longer_than")
    next(s for s in at.selectbox if s.label == "Column").set_value("text")
    next(s for s in at.selectbox if s.label == "Assigns label").set_value("positive")
    next(n for n in at.number_input if n.label == "Threshold").set_value(80.0)
    next(b for b in at.button if b.label == "Add labeling function").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    summary = next(d.value for d in at.dataframe if {"name", "learned_accuracy"} <= set(d.value.columns))
    assert summary["name"].tolist() == ["long"]
    assert summary["coverage"].tolist() == pytest.approx([(reviews["text"].str.len() > 80).mean()])
