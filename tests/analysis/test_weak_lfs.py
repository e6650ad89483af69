"""Declarative labeling functions: matching rules, JSON save/load and its validation.

Expected matches are computed independently with plain Python string operations
(``in`` on lower-cased text, token lists from ``str.split``) on the same rows.
"""

from __future__ import annotations

import json
import string

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ColumnNotFoundError, LFSpecError
from analysis.weak import (
    LabelingFunction,
    apply_lfs,
    declarative_matrix,
    label_model,
    lf_summary,
    lfs_from_json,
    lfs_to_json,
)
from sample_data import sample_path

POS = LabelingFunction("positive_words", "keywords", "text", "positive", keywords=("great", "five stars", "love"))
NEG = LabelingFunction("negative_words", "keywords", "text", "negative", keywords=("refund", "worst", "poor"), whole_word=True)


@pytest.fixture(scope="module")
def reviews():
    return pd.read_csv(sample_path("reviews_annotated.csv"))


def _words(text: str) -> list[str]:
    return [w.strip(string.punctuation) for w in text.lower().split()]


def test_keyword_lfs_on_the_sample_reviews(reviews):
    votes = apply_lfs(reviews, [POS, NEG])
    lower = reviews["text"].str.lower().tolist()
    expect_pos = [any(k in t for k in POS.keywords) for t in lower]
    # Whole words: every keyword here is one word, so a token check is an independent oracle.
    expect_neg = [any(k in _words(t) for k in NEG.keywords) for t in lower]
    assert votes["positive_words"].notna().tolist() == expect_pos
    assert votes["negative_words"].notna().tolist() == expect_neg
    assert set(votes["positive_words"].dropna()) == {"positive"}
    assert sum(expect_pos) > 100 and sum(expect_neg) > 40  # both rules actually fire on the demo data

    m = declarative_matrix(reviews, lfs=[POS, NEG], gold="gold_label", labels=["positive", "neutral", "negative"])
    s = lf_summary(m)
    assert s.lfs[0].coverage == pytest.approx(sum(expect_pos) / 600)
    both = np.array(expect_pos) & np.array(expect_neg)
    assert s.lfs[0].conflicts == pytest.approx(both.sum() / 600)  # they only ever disagree when both fire
    gold = reviews["gold_label"]
    rows = np.array(expect_pos) & gold.notna().to_numpy()
    assert s.lfs[0].correct == int((gold[rows] == "positive").sum())
    assert s.lfs[0].incorrect == int((gold[rows] != "positive").sum())
    lm = label_model(m)
    covered = np.array(expect_pos) | np.array(expect_neg)
    assert ((lm.codes >= 0) == covered).all()  # items no LF covers keep the abstain value
    assert lm.to_frame()["weak_label"][~covered].isna().all()


def test_whole_word_and_literal_matching():
    df = pd.DataFrame({"t": ["Great!", "greatest ever", "C++ rocks", "a.b test", "axb test", "GREAT job", None, "(oops"]})
    plain = LabelingFunction("g", "keywords", "t", 1, keywords=("great",))
    whole = LabelingFunction("w", "keywords", "t", 1, keywords=("great",), whole_word=True)
    meta = LabelingFunction("m", "keywords", "t", 1, keywords=("c++", "a.b", "(oops"), whole_word=True)
    votes = apply_lfs(df, [plain, whole, meta]).notna()
    assert votes["g"].tolist() == [True, True, False, False, False, True, False, False]
    assert votes["w"].tolist() == [True, False, False, False, False, True, False, False]
    # Regex metacharacters are literal text: "a.b" does not match "axb", "(oops" is not a broken pattern.
    assert votes["m"].tolist() == [False, False, True, True, False, False, False, True]


def test_threshold_and_category_rules():
    df = pd.DataFrame({"amount": [5, 50.5, None, 500], "cat": ["Travel", "food", None, " travel "]})
    lfs = [
        LabelingFunction("big", "above", "amount", "fraud", threshold=100),
        LabelingFunction("small", "below", "amount", "ok", threshold=50.5),
        LabelingFunction("trip", "equals", "cat", "fraud", values=("travel",)),
    ]
    votes = apply_lfs(df, lfs)
    assert votes["big"].notna().tolist() == [False, False, False, True]
    assert votes["small"].notna().tolist() == [True, False, False, False]  # strictly below
    assert votes["trip"].notna().tolist() == [True, False, False, True]
    with pytest.raises(LFSpecError, match="no numeric values"):
        apply_lfs(df, [LabelingFunction("x", "above", "cat", "a", threshold=1)])
    with pytest.raises(ColumnNotFoundError, match="column of LF 'x'"):
        apply_lfs(df, [LabelingFunction("x", "above", "nope", "a", threshold=1)])


def test_json_round_trip_and_validation():
    lfs = [POS, NEG, LabelingFunction("cheap", "below", "price", 0, threshold=9.5),
           LabelingFunction("cat", "equals", "c", "x", values=("a", "b"))]
    text = lfs_to_json(lfs)
    assert json.loads(text)["format"] == "dataset-diagnostics/labeling-functions"
    assert lfs_from_json(text) == tuple(lfs)
    assert lfs_from_json(text.encode("utf-8")) == tuple(lfs)
    assert lfs_from_json(json.dumps([POS.to_dict()])) == (POS,)  # a bare list is accepted

    def bad(payload, needle):
        with pytest.raises(LFSpecError, match=needle):
            lfs_from_json(payload if isinstance(payload, str) else json.dumps(payload))

    bad("{not json", "not valid JSON")
    bad({"format": "other", "lfs": []}, "not a labeling-function set")
    bad({"lfs": {"a": 1}}, "list of labeling functions")
    bad([{"name": "x", "kind": "regex", "column": "t", "label": "a"}], "'kind' must be one of")
    bad([{"name": "x", "kind": "above", "column": "t", "label": "a"}], "'threshold' must be a finite number")
    bad([{"name": "x", "kind": "keywords", "column": "t", "label": "a", "keywords": []}], "at least one non-empty")
    bad([{"name": "x", "kind": "keywords", "column": "t", "label": "a", "keywords": ["k"], "code": "1"}], "unknown field")
    bad([POS.to_dict(), POS.to_dict()], "named 'positive_words'")
    bad([{"name": "", "kind": "above", "column": "t", "label": "a"}], "non-empty 'name'")
    bad([{"name": "x", "kind": "above", "column": "t", "label": None, "threshold": 1}], "'label' must be")
    bad([POS.to_dict()] * 0 + [dict(POS.to_dict(), name=f"n{i}") for i in range(101)], "At most 100")
    with pytest.raises(LFSpecError, match="not UTF-8"):
        lfs_from_json(b"\xff\xfe\x00")


def test_editable_table_round_trip_edits_and_validation():
    from analysis.weak import lfs_from_table, lfs_to_table

    lfs = (POS, NEG, LabelingFunction("cheap", "below", "price", "budget", threshold=9.5),
           LabelingFunction("cat", "equals", "c", "x", values=("a", "b")))
    table = lfs_to_table(lfs)
    assert table.columns.tolist() == ["name", "kind", "column", "label", "terms", "whole_word", "threshold"]
    assert lfs_from_table(table) == lfs
    edited = table.copy()
    edited.loc[0, "terms"] = "great, superb "
    edited.loc[2, "threshold"] = 12.0
    edited.loc[1, "whole_word"] = False
    edited.loc[len(edited)] = [None, None, None, None, None, False, np.nan]  # an empty row added in the editor is ignored
    out = lfs_from_table(edited)
    assert out[0].keywords == ("great", "superb") and out[2].threshold == 12.0 and not out[1].whole_word
    assert len(out) == 4
    assert lfs_from_table(table.drop(index=1)) == (POS, lfs[2], lfs[3])  # a deleted row drops the LF
    broken = table.copy()
    broken.loc[0, "terms"] = " , "
    with pytest.raises(LFSpecError, match="'positive_words': 'keywords' needs at least one"):
        lfs_from_table(broken)
    broken = table.copy()
    broken.loc[2, "threshold"] = np.nan
    with pytest.raises(LFSpecError, match="'cheap': 'threshold' must be a finite number"):
        lfs_from_table(broken)
