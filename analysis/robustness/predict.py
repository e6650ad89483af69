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

from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pandas as pd

from .matrix import FoldMatrix, prepared_column

__all__ = ["FoldPredictor"]


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
        # fast forms of blocks for predict_matrix, made on first use (keyed by the fitted block's id)
        self._numeric: dict[int, Callable[[np.ndarray], np.ndarray] | None] = {}
        self._codes: dict[int, _CodeRows] = {}

    def _stack(self, parts: list[Any]) -> Any:
        from scipy import sparse

        if self.transformer.sparse_output_:
            return sparse.hstack([sparse.csr_matrix(p) if not sparse.issparse(p) else p for p in parts]).tocsr()
        return np.hstack([p.toarray() if sparse.issparse(p) else np.asarray(p) for p in parts])

    def predict(self, frame: pd.DataFrame | None = None, changed: Collection[str] = ()) -> tuple[np.ndarray, np.ndarray]:
        """(predicted class codes, probabilities) of the clean fold (``frame=None``) or of a perturbed copy
        of it in which only the columns ``changed`` differ."""
        changed = set(changed) if frame is not None else set()
        fresh = {c: prepared_column(frame[c]) for c in frame.columns if c in changed} if frame is not None else {}
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
        return self._predict(parts)

    def _predict(self, parts: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        proba = np.asarray(self.model.predict_proba(self._stack(parts)), dtype=np.float64)
        return proba.argmax(axis=1).astype(np.int64), proba

    def predict_matrix(self, m: FoldMatrix) -> tuple[np.ndarray, np.ndarray]:
        """(predicted class codes, probabilities) of a perturbed copy of the clean fold held as arrays: only
        the blocks with a column in ``m.changed`` are transformed again."""
        parts = []
        for (fitted, cols, names), cached in zip(self.blocks, self.cached):
            if not names & m.changed:
                parts.append(cached)
            elif isinstance(cols, str):
                parts.append(_transform(fitted, pd.Series(m.prepared_column(cols), name=cols, dtype=object)))
            elif all(c in m.columns.numeric for c in cols):  # one float matrix, no per-column frame
                positions = [m.position[c] for c in cols]
                x = m.numeric if positions == list(range(m.numeric.shape[1])) else m.numeric[:, positions]
                fast = self._numeric.setdefault(id(fitted), _numeric_transform(fitted))
                parts.append(fast(x) if fast is not None else fitted.transform(pd.DataFrame(x, columns=list(cols))))
            elif all(c in m.columns.categorical for c in cols):
                if id(fitted) not in self._codes:
                    positions = [m.position[c] for c in cols]
                    self._codes[id(fitted)] = _CodeRows(fitted, list(cols), positions,
                                                        [len(m.strings[j]) for j in positions])
                parts.append(self._codes[id(fitted)].transform(m))
            else:
                parts.append(_transform(fitted, _block({c: m.prepared_column(c) for c in cols})))
        return self._predict(parts)


def _numeric_transform(fitted: Any) -> Callable[[np.ndarray], np.ndarray] | None:
    """The fitted numeric block (median ``SimpleImputer`` -> ``StandardScaler``, :mod:`analysis.features`'
    numeric steps) as numpy operations on a float matrix, or ``None`` for any other block.

    They are scikit-learn's own operations in its order (fill each missing value with the column's statistic,
    drop the columns without one, subtract ``mean_``, divide by ``scale_``), so the floats are the same bits;
    skipped are the input checks and the DataFrame round trip, which cost twice the arithmetic on a fold.
    """
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if type(fitted) is not Pipeline or len(fitted.steps) != 2:
        return None
    imputer, scaler = fitted.steps[0][1], fitted.steps[1][1]
    if type(imputer) is not SimpleImputer or type(scaler) is not StandardScaler or imputer.add_indicator:
        return None
    if not (isinstance(imputer.missing_values, float) and np.isnan(imputer.missing_values)):
        return None
    stats = np.asarray(imputer.statistics_, dtype=float)
    keep = np.arange(len(stats)) if imputer.keep_empty_features else np.flatnonzero(~np.isnan(stats))
    fill = stats[keep]
    mean = np.asarray(scaler.mean_, dtype=float) if scaler.with_mean else None
    scale = np.asarray(scaler.scale_, dtype=float) if scaler.with_std else None

    def transform(x: np.ndarray) -> np.ndarray:
        out = x[:, keep]
        out = np.where(np.isnan(out), fill, out)
        if mean is not None:
            out -= mean
        if scale is not None:
            out /= scale
        return out

    return transform


class _CodeRows:
    """``fitted.transform`` of a categorical block, remembered per distinct row of codes.

    A fitted one-hot encoder transforms each row on its own, so a row of codes always gives the same output
    row: each distinct row is transformed once per fold (the clean fold's, then the few that flips and
    missing values add), and every later prediction only looks rows up.
    """

    def __init__(self, fitted: Any, cols: list[str], positions: list[int], sizes: list[int]) -> None:
        self.fitted, self.cols, self.positions = fitted, cols, positions
        self.radix = np.cumprod([1] + sizes[:-1]).astype(np.int64)
        self.exact = float(np.prod(np.array(sizes, dtype=float))) < 2.0 ** 62  # one int64 key per row
        self.keys = np.empty(0, dtype=np.int64)
        self.rows: Any = None

    def transform(self, m: FoldMatrix) -> Any:
        codes = m.codes[:, self.positions]
        if not self.exact:
            return self.fitted.transform(self._frame(m, codes))
        keys, first, inverse = np.unique(codes @ self.radix, return_index=True, return_inverse=True)
        new = ~np.isin(keys, self.keys, assume_unique=True)
        if new.any():
            if new.sum() * 2 > len(codes):  # mostly new rows: not worth remembering
                return self.fitted.transform(self._frame(m, codes))
            from scipy import sparse

            fresh = self.fitted.transform(self._frame(m, codes[first[new]]))
            stacked = fresh if self.rows is None else (
                sparse.vstack([self.rows, fresh], format="csr") if sparse.issparse(fresh) else np.vstack([self.rows, fresh]))
            merged = np.concatenate([self.keys, keys[new]])
            order = np.argsort(merged, kind="stable")
            self.keys, self.rows = merged[order], stacked[order]
        return self.rows[np.searchsorted(self.keys, keys)[inverse.reshape(-1)]]

    def _frame(self, m: FoldMatrix, codes: np.ndarray) -> pd.DataFrame:
        return _block({c: m.strings[j][codes[:, k]] for k, (c, j) in enumerate(zip(self.cols, self.positions))})
