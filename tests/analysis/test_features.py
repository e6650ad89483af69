"""The one feature builder: the rebalancing lab's columns, label issues' matrix, and code that builds the same."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import labels_issues
from analysis.features import FeatureSpec, label_issue_features, select_features
from sample_data import sample_path


def _dense(m):
    return m.toarray() if sparse.issparse(m) else np.asarray(m)


@pytest.mark.parametrize("sample,target", [("reviews_annotated.csv", "annotator_1"), ("transactions.csv", "is_fraud"),
                                           ("wine_imbalanced.csv", "cultivar")])
@pytest.mark.parametrize("model", ["logreg", "hgb"])
def test_label_issue_features_reproduce_label_issues_matrix(sample, target, model):
    df = pd.read_csv(sample_path(sample)).head(3000)
    df = df[df[target].notna()].reset_index(drop=True)
    chosen = labels_issues._choose_features(df, target, None)
    x_today = labels_issues._prepare(df, chosen)
    today = labels_issues._pipeline(x_today, model, 0).named_steps["features"].fit_transform(x_today)
    spec, x = label_issue_features(df, target=target, dense=model == "hgb")
    pd.testing.assert_frame_equal(x, x_today)
    built = spec.build().fit_transform(x)
    assert sparse.issparse(built) == sparse.issparse(today)
    np.testing.assert_allclose(_dense(built), _dense(today), rtol=0, atol=1e-12)
    # Today's rule, reproduced as it is: on pandas 3 the prepared text columns hold the str dtype, so
    # label issues' text check (object dtype only) finds no free text and one-hot encodes it.
    assert spec.text == ()


def test_rebalancing_drops_text_by_default_and_tfidf_mode_keeps_it():
    df = pd.read_csv(sample_path("reviews_annotated.csv"))
    target = "annotator_1"
    dropped = select_features(df, target=target)
    kept = select_features(df, target=target, text="tfidf")
    assert dropped.dropped["text"] == "text" and "text" not in dropped.columns
    assert "text" in kept.columns and "text" not in kept.dropped


def test_to_code_builds_the_same_transformer_as_build():
    df = pd.DataFrame({"x": [1.0, None, 3.0, 4.0], "c": ["a", "b", None, "a"],
                       "t": ["good movie", "bad film", "good film", "bad movie"]})
    for encoding in ("onehot", "ordinal"):
        spec = FeatureSpec(numeric=("x",), categorical=("c",), text=("t",), categorical_encoding=encoding,
                           text_min_df=1)
        scope: dict = {}
        exec(spec.to_code(), scope)
        np.testing.assert_allclose(_dense(scope["prep"].fit_transform(df)), _dense(spec.build().fit_transform(df)))
        assert repr(scope["prep"]) == repr(spec.build())
