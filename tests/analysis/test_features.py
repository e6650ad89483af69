"""The one feature builder: the rebalancing lab's columns, label issues' matrix, and code that builds the same."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import infer_schema
from analysis.features import FeatureSpec, label_issue_features, prepare_frame, select_features
from sample_data import sample_path


def _dense(m):
    return m.toarray() if sparse.issparse(m) else np.asarray(m)


def _reference_transformer(x: pd.DataFrame, dense: bool):
    """Label issues' transformer exactly as analysis/labels_issues.py wrote it by hand before the
    shared builder existed (the independent reference; the golden CLI outputs pin its numbers)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    def is_text(col):
        sample = col.head(2000)
        # issue 14: pandas 3's "str" dtype is text too (the hand-written rule checked object only)
        if sample.dtype != object and not isinstance(sample.dtype, pd.StringDtype):
            return False
        words = sample.str.count(r"\s+") + 1
        return bool(col.nunique() > max(20, 0.3 * len(col)) and (sample.str.len().mean() >= 25 or words.mean() >= 4))

    numeric = [c for c in x.columns if x[c].dtype.kind == "f"]
    text = [c for c in x.columns if c not in numeric and is_text(x[c])]
    categorical = [c for c in x.columns if c not in numeric and c not in text]
    parts = []
    if numeric:
        parts.append(("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric))
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=2, max_categories=50,
                                           sparse_output=not dense), categorical))
    for c in text:
        parts.append((f"text_{c}", TfidfVectorizer(min_df=2, max_features=300 if dense else 20_000,
                                                   ngram_range=(1, 2)), c))
    return ColumnTransformer(parts, sparse_threshold=0 if dense else 0.3)


@pytest.mark.parametrize("sample,target", [("reviews_annotated.csv", "annotator_1"), ("transactions.csv", "is_fraud"),
                                           ("wine_imbalanced.csv", "cultivar")])
@pytest.mark.parametrize("model", ["logreg", "hgb"])
def test_label_issue_features_reproduce_label_issues_matrix(sample, target, model):
    df = pd.read_csv(sample_path(sample)).head(3000)
    df = df[df[target].notna()].reset_index(drop=True)
    spec, x = label_issue_features(df, target=target, dense=model == "hgb")
    chosen = [c.name for c in infer_schema(df.drop(columns=[target])).columns
              if str(c.role) not in ("identifier", "datetime", "constant")]
    x_today = prepare_frame(df, chosen)
    today = _reference_transformer(x_today, model == "hgb").fit_transform(x_today)
    pd.testing.assert_frame_equal(x, x_today)
    built = spec.build().fit_transform(x)
    assert sparse.issparse(built) == sparse.issparse(today)
    np.testing.assert_allclose(_dense(built), _dense(today), rtol=0, atol=1e-12)
    # Issue 14: on pandas 3 the prepared text columns hold the str dtype; the text check used to look for
    # object only and found no free text, so label issues never used TF-IDF. Now the review texts are text.
    assert spec.text == (("text",) if sample == "reviews_annotated.csv" else ())


def test_label_issues_fits_on_the_shared_builder(monkeypatch):
    """label_issues builds its features through analysis.features (no private copy of the rule)."""
    import analysis.labels.issues as issues

    calls = []
    real = issues.label_issue_features
    monkeypatch.setattr(issues, "label_issue_features", lambda *a, **k: calls.append(k) or real(*a, **k))
    df = pd.read_csv(sample_path("wine_imbalanced.csv"))
    issues.label_issues(df, target="cultivar", folds=3)
    assert calls and calls[0]["target"] == "cultivar"


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


# --- extreme values (issue 10: a 1.27e251 cell made the scaler overflow) -------------------
def _with_value(value, n=200):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=n), "big": np.zeros(n), "label": ["x"] * (n - 40) + ["y"] * 40})
    df.loc[5, "big"] = value
    return df


@pytest.mark.parametrize("value", [1.27e251, -1e300, 1.7976931348623157e308, np.inf, -np.inf])
def test_values_the_scaler_cannot_handle_are_refused_naming_column_value_and_row(value):
    from analysis.errors import DiagnosticsError
    from analysis.features import ExtremeValueError

    df = _with_value(value)
    for text in ("drop", "tfidf"):
        with pytest.raises(ExtremeValueError) as info:
            select_features(df, target="label", text=text)
        assert isinstance(info.value, DiagnosticsError) and info.value.column == "big"
        message = str(info.value)
        assert message.startswith("The feature column 'big' holds ")
        assert "in row 5:" in message
        assert ("an infinite value" if np.isinf(value) else f"the value {value:.3g}") in message


def test_the_bound_is_where_standard_scaling_overflows():
    """Reference: scikit-learn's own StandardScaler on the raw column (the failure the bound prevents)."""
    import warnings

    from sklearn.preprocessing import StandardScaler

    from analysis.features import MAX_ABS_FEATURE, ExtremeValueError

    # at the bound: accepted, and the scaled matrix is finite (the sum of 44 million rows'
    # squared deviations: 4.4e7 * (2e150)^2 = 1.76e308 stays below float64's 1.797e308)
    df = _with_value(MAX_ABS_FEATURE)
    spec, x = label_issue_features(df, target="label")
    assert np.isfinite(_dense(spec.build().fit_transform(x))).all()
    assert 4.4e7 * (2 * MAX_ABS_FEATURE) ** 2 < np.finfo(float).max
    # just beyond it: refused; and 1.27e251 really breaks the scaler (NaN output) without the check
    with pytest.raises(ExtremeValueError):
        select_features(_with_value(np.nextafter(MAX_ABS_FEATURE, np.inf)), target="label")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        broken = StandardScaler().fit_transform(_with_value(1.27e251)[["big"]])
    assert not np.isfinite(broken).all()


def test_extreme_values_in_a_column_left_out_are_not_refused():
    df = _with_value(1e300)
    df["big"] = df["big"].astype(object)
    df.loc[6, "big"] = "n/a"  # now a text column of two values ("0.0", "1e+300"...): categorical, no scaling
    cols = select_features(df, target="label")
    assert "big" in cols.categorical
