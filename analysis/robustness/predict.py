"""Predicting one test fold many times cheaply: the fitted preprocessing, block by block.

The fold's pipeline is ``ColumnTransformer -> model``. A perturbation changes
only the columns of its kinds (noise: the numbers; typos: the text), so the
other blocks of the transformer's output are the clean fold's, computed once:
only the blocks whose columns changed are prepared (:func:`analysis.features.prepare_frame`)
and transformed again. The blocks are stacked as the fitted transformer stacks
them (sparse when its ``sparse_output_`` says so, else dense), so the model
sees exactly the matrix ``pipeline.predict_proba`` would build (a test checks
it against the pipeline on perturbed folds).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from ..features import prepare_frame

__all__ = ["FoldPredictor"]


def _prepared_column(col: pd.Series) -> np.ndarray:
    """:func:`analysis.features.prepare_frame` of one column, for text and categories computed on its distinct
    values only (a flipped or emptied column repeats a few values; preparing them is the costly part)."""
    if col.dtype.kind == "f":  # numbers are already float in the plan's frame: prepare_frame keeps them as they are
        return col.to_numpy(dtype=float, na_value=np.nan)
    codes, uniques = pd.factorize(col.to_numpy(dtype=object), use_na_sentinel=False)
    prepared = prepare_frame(pd.DataFrame({"v": pd.Series(uniques, dtype=object)}), ["v"])["v"].to_numpy(dtype=object)
    return prepared[codes]


def _block(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame of these arrays as they are (object arrays stay object: no text-dtype inference per call)."""
    if all(v.dtype.kind == "f" for v in columns.values()):  # one float block: a single 2-D array
        return pd.DataFrame(np.column_stack(list(columns.values())), columns=list(columns))
    return pd.DataFrame({c: pd.Series(v, dtype=v.dtype, copy=False) for c, v in columns.items()})


def _transform(fitted: Any, block: pd.DataFrame | pd.Series) -> Any:
    """``fitted.transform(block)``, computed once per distinct row when at most half the rows are distinct.

    A fitted imputer, scaler, one-hot encoder or TF-IDF vectorizer transforms each row on its own, so
    transforming the distinct rows and repeating them gives the same matrix. Category and text blocks
    repeat rows a lot (a few categories; flipped copies), numbers almost never. Rows are told apart by
    pandas' 64-bit row hash, as :mod:`analysis.splits` finds identical rows.
    """
    frame = block.to_frame() if isinstance(block, pd.Series) else block
    if all(frame[c].dtype.kind == "f" for c in frame.columns):
        return fitted.transform(block)
    codes, uniques = pd.factorize(pd.util.hash_pandas_object(frame, index=False).to_numpy())
    if len(uniques) * 2 > len(codes):
        return fitted.transform(block)
    first = np.unique(codes, return_index=True)[1]
    return fitted.transform(block.iloc[first])[codes]


class FoldPredictor:
    """A fitted fold pipeline with the clean test fold's transformed blocks cached."""

    def __init__(self, pipeline: Any, clean: pd.DataFrame) -> None:
        """``clean``: the test fold as :func:`analysis.features.prepare_frame` made it."""
        self.transformer = pipeline[0]
        self.model = pipeline[-1]
        self.blocks: list[tuple[Any, Any, frozenset[str]]] = []
        for name, fitted, cols in self.transformer.transformers_:
            if fitted == "drop" or name == "remainder":
                continue
            names = frozenset([cols] if isinstance(cols, str) else list(cols))
            if names:
                self.blocks.append((fitted, cols, names))
        self.clean = clean
        self.clean_values = {c: self.clean[c].to_numpy(dtype=float if self.clean[c].dtype.kind == "f" else object)
                             for c in self.clean.columns}
        self.cached = [_transform(fitted, self.clean[cols]) for fitted, cols, _ in self.blocks]

    def _stack(self, parts: list[Any]) -> Any:
        from scipy import sparse

        if self.transformer.sparse_output_:
            return sparse.hstack([sparse.csr_matrix(p) if not sparse.issparse(p) else p for p in parts]).tocsr()
        return np.hstack([p.toarray() if sparse.issparse(p) else np.asarray(p) for p in parts])

    def predict(self, frame: pd.DataFrame | None = None, changed: Collection[str] = ()) -> tuple[np.ndarray, np.ndarray]:
        """(predicted class codes, probabilities) of the clean fold (``frame=None``) or of a perturbed copy
        of it in which only the columns ``changed`` differ."""
        changed = set(changed) if frame is not None else set()
        fresh = {c: _prepared_column(frame[c]) for c in frame.columns if c in changed} if frame is not None else {}
        parts = []
        for (fitted, cols, names), cached in zip(self.blocks, self.cached):
            if names & changed:
                block: pd.DataFrame | pd.Series
                if isinstance(cols, str):
                    block = pd.Series(fresh[cols], name=cols, dtype=object)
                else:
                    block = _block({c: fresh[c] if c in changed else self.clean_values[c] for c in cols})
                parts.append(_transform(fitted, block))
            else:
                parts.append(cached)
        proba = np.asarray(self.model.predict_proba(self._stack(parts)), dtype=np.float64)
        return proba.argmax(axis=1).astype(np.int64), proba
