"""Issue 14: text columns as features. Shift's text drift against a hand computation; label issues'
TF-IDF on pandas 3's str dtype."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.features import is_text, label_issue_features
from analysis.sampling import shift
from analysis.sampling.shift_text import text_shift


def test_text_shift_equals_a_hand_computation():
    ref = pd.Series(["good phone", "bad phone, bad battery", "good good", None])
    cur = pd.Series(["good laptop", "new laptop screen", "phone"])
    t = text_shift(ref, cur, name="review")
    # by hand: reference tokens {good, phone, bad, battery}; current tokens
    # good laptop new laptop screen phone -> 6 tokens, 4 unseen (laptop x2, new, screen)
    assert (t.vocabulary_reference, t.vocabulary_current) == (4, 5)
    assert t.oov_rate == pytest.approx(4 / 6)
    assert t.vocabulary_jaccard == pytest.approx(2 / 7)  # shared {good, phone} of 7 distinct
    assert t.length_reference_mean == pytest.approx((10 + 22 + 9) / 3)  # missing cell left out
    assert t.length_current_mean == pytest.approx((11 + 17 + 5) / 3)
    ks = stats.ks_2samp([10, 22, 9], [11, 17, 5])
    assert (t.length_statistic, t.length_p_value) == (pytest.approx(ks.statistic), pytest.approx(ks.pvalue))
    assert t.drift  # two thirds of the tokens are new (>= 20%)


def test_shift_reports_text_columns_and_no_drift_for_the_same_texts():
    rng = np.random.default_rng(0)
    words = ["great", "value", "broken", "refund", "fast", "slow", "nice", "cheap", "battery", "screen"]
    texts = [" ".join(rng.choice(words, 6)) + f" item {i}" for i in range(300)]
    a = pd.DataFrame({"text": texts[:150], "x": rng.normal(size=150)})
    b = pd.DataFrame({"text": texts[150:], "x": rng.normal(size=150)})
    res = shift(a, b, classifier=False)
    (t,) = res.text
    assert t.name == "text" and not t.drift and t.oov_rate < 0.2
    d = res.to_dict()["text_features"][0]
    assert d["name"] == "text" and d["vocabulary_reference"] == t.vocabulary_reference
    long = b.assign(text=b["text"] + " and then it stopped working entirely after two weeks of use")
    assert shift(a, long, classifier=False).text[0].drift  # length shift


def test_is_text_accepts_pandas_3_str_dtype_and_label_issues_gets_tfidf():
    from sample_data import sample_path

    df = pd.read_csv(sample_path("reviews_annotated.csv"))
    assert isinstance(df["text"].dtype, pd.StringDtype)  # pandas 3 reads text as str, not object
    assert is_text(df["text"]) and is_text(df["text"].astype(object))
    spec, x = label_issue_features(df, target="annotator_1")
    assert spec.text == ("text",)
    assert any(name.startswith("text_") for name, *_ in spec.build().transformers)
