"""Resampling a training table in the sampler's space and decoding synthetic rows to the original columns.

Rows a sampler keeps are the original rows (values untouched, missing values
included); rows it synthesises (SMOTE family) are decoded from the sampler's
space back to the original units and categories (never one-hot or scaled
values). Columns that are not model features are left empty in synthetic rows;
constant columns keep their constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .pipeline import _preprocess
from .space import FeatureSpace
from .strategies import SamplerStrategy

__all__ = ["Projection"]

_PROJECTION_ROWS = 1500


@dataclass(frozen=True)
class Projection:
    """2-D PCA of original and synthetic training rows (in the model's encoded feature space).

    ``frame`` has columns ``pc1``, ``pc2``, ``kind`` ("original"/"synthetic") and
    ``label``; at most 1,500 rows of each kind (a random sample, stated in ``note``).
    """

    frame: pd.DataFrame
    explained_variance: tuple[float, float]
    note: str


def _resample(
    train_original: pd.DataFrame, tr: FeatureSpace, spec: SamplerStrategy, seed: int, target: str,
    model: str = "logreg",
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray | None, str, np.ndarray, np.ndarray]:
    """Run the strategy's sampler in its space (the comparison's: with text columns, after one-hot and TF-IDF).

    Returns (rows, is_synthetic, synthetic array, sampler, y, source): ``source`` is
    the position in ``train_original`` of each output row, -1 for synthetic rows.
    """
    n_num, n_cat, n_text = tr.n_numeric, tr.n_categorical, tr.n_text
    onehot = spec.space == "onehot" or n_text > 0
    prep = _preprocess(n_num, n_cat, onehot=onehot, n_text=n_text, model=model) if n_num + n_cat + n_text else None
    # no feature columns (identifiers only): row-picking samplers need only the labels
    Xt = prep.fit_transform(tr.inputs) if prep is not None else np.zeros((len(tr.y), 1))
    sampler = spec.sampler_for(n_numeric=n_num, n_categorical=n_cat, n_text=n_text, seed=seed)
    Xr, yr = sampler.fit_resample(Xt, tr.y)
    n = len(tr.y)
    # Which output rows are original rows, and which original row each one is.
    if hasattr(sampler, "sample_indices_"):
        source = np.asarray(sampler.sample_indices_)
    elif spec.cleaner is not None:
        cleaner = getattr(sampler, spec.cleaner)
        source = np.asarray(cleaner.sample_indices_)  # positions in SMOTE's output: < n are originals
    else:  # SMOTE family: originals first, in order, then the synthetic rows
        source = np.concatenate([np.arange(n), np.full(len(yr) - n, -1)])
    source = np.where(source < n, source, -1)
    synthetic_mask = source < 0
    is_syn = synthetic_mask.copy()
    if spec.copies_rows:
        # The first n indices are the originals; later ones are added copies.
        is_syn = np.zeros(len(source), dtype=bool)
        is_syn[n:] = True
    keep = train_original.iloc[np.where(synthetic_mask, 0, source)].reset_index(drop=True)
    synthetic_space = None
    if synthetic_mask.any():
        synthetic_space = _decode_to_codes(Xr[synthetic_mask], prep, tr, onehot=onehot)
        decoded = _decode_frame(synthetic_space, yr[synthetic_mask], tr)
        decoded[target] = decoded.pop("__y__")
        rows = _merge(keep, decoded, synthetic_mask, train_original)
        _fill_dates(rows, train_original, tr, Xt, Xr[synthetic_mask], yr[synthetic_mask], synthetic_mask)
    else:
        rows = keep
    return rows, is_syn, synthetic_space, type(sampler).__name__, yr, source


def _fill_dates(rows: pd.DataFrame, original: pd.DataFrame, tr: FeatureSpace, Xt: Any, Xs: Any, ys: np.ndarray,
                mask: np.ndarray) -> None:
    """Give each synthetic row the dates of its nearest original row of the same class (in the sampler's space)."""
    dated = [c for c, why in tr.dropped.items() if why == "datetime" and c in rows.columns]
    if not dated:
        return
    from sklearn.neighbors import NearestNeighbors

    nearest = np.zeros(len(ys), dtype=np.int64)
    for k in np.unique(ys):
        members = np.flatnonzero(tr.y == k)
        wanted = np.flatnonzero(ys == k)
        if not len(members):
            continue
        index = NearestNeighbors(n_neighbors=1).fit(Xt[members])
        nearest[wanted] = members[index.kneighbors(Xs[wanted], return_distance=False)[:, 0]]
    where = np.flatnonzero(mask)
    for column in dated:
        values = rows[column].astype(object).to_numpy(copy=True)
        values[where] = original[column].astype(object).to_numpy()[nearest]
        rows[column] = _restore(values, original[column].dtype)


def _decode_to_codes(Xs: np.ndarray, prep: Any, tr: FeatureSpace, *, onehot: bool) -> np.ndarray:
    """Sampler space -> feature-space values (numbers in original units, categories as codes).

    TF-IDF columns (after the numbers and one-hot categories) are not decoded: text cannot be."""
    n_num, n_cat = tr.n_numeric, tr.n_categorical
    if tr.n_text:
        width = n_num + (sum(len(c) for c in prep.named_transformers_["cat"].named_steps["onehot"].categories_)
                         if n_cat else 0)
        Xs = Xs[:, :width]
        Xs = Xs.toarray() if hasattr(Xs, "toarray") else np.asarray(Xs)
    out = np.empty((len(Xs), n_num + n_cat))
    if n_num:
        scaler = prep.named_transformers_["num"].named_steps["scale"]
        out[:, :n_num] = scaler.inverse_transform(Xs[:, :n_num])
    if n_cat:
        cat = Xs[:, n_num:]
        if onehot:
            encoder = prep.named_transformers_["cat"].named_steps["onehot"]
            start = 0
            for j, cats in enumerate(encoder.categories_):
                block = cat[:, start : start + len(cats)]
                out[:, n_num + j] = np.asarray(cats, dtype=float)[block.argmax(axis=1)]
                start += len(cats)
        else:
            out[:, n_num:] = np.rint(cat)
    return out


def _decode_frame(codes: np.ndarray, y: np.ndarray, tr: FeatureSpace) -> dict[str, list]:
    """Feature-space rows -> {column: python values} in the original units and categories."""
    cols: dict[str, list] = {}
    for j, name in enumerate(tr.numeric):
        values = codes[:, j]
        if name in tr.integer_columns:
            values = np.rint(values)
        else:
            # Interpolated values get the precision the column is written with (amounts in cents...).
            values = np.round(values, _decimals(tr.X[:, j]))
        cols[name] = values.tolist()
    for j, name in enumerate(tr.categorical):
        vocab = tr.vocab[name]
        idx = np.clip(codes[:, tr.n_numeric + j].astype(int), 0, len(vocab) - 1)
        cols[name] = [vocab[i] for i in idx]
    cols["__y__"] = [tr.classes[int(k)] for k in y]
    return cols


def _decimals(column: np.ndarray, limit: int = 6) -> int:
    """Fewest decimals (up to ``limit``) that write every observed value of a column exactly."""
    present = column[~np.isnan(column)][:5000]
    for d in range(limit + 1):
        if np.allclose(present, np.round(present, d), rtol=0, atol=1e-9):
            return d
    return 12


def _merge(keep: pd.DataFrame, decoded: dict[str, list], mask: np.ndarray, original: pd.DataFrame) -> pd.DataFrame:
    """Original rows where ``mask`` is False, decoded synthetic rows where True, original dtypes."""
    out = {}
    n_syn = int(mask.sum())
    syn_pos = np.flatnonzero(mask)
    for column in original.columns:
        series = keep[column]
        dtype = original[column].dtype
        if column in decoded:
            fill = decoded[column]
        elif original[column].nunique(dropna=True) == 1 and original[column].notna().all():
            fill = [original[column].iloc[0]] * n_syn
        else:
            fill = [None] * n_syn
        values = series.astype(object).to_numpy(copy=True)
        values[syn_pos] = fill
        out[column] = _restore(values, dtype)
    return pd.DataFrame(out, columns=original.columns)


def _restore(values: np.ndarray, dtype: Any) -> pd.Series:
    """Cast object values back to ``dtype``; an int column that gained empty cells becomes nullable Int64."""
    s = pd.Series(values, dtype=object)
    if isinstance(dtype, pd.CategoricalDtype):
        return s.astype(dtype)
    if pd.api.types.is_bool_dtype(dtype):
        if s.isna().any():
            return s.astype("boolean")
        return s.astype(dtype)
    if pd.api.types.is_integer_dtype(dtype):
        if s.isna().any() and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            return pd.Series(pd.array([None if pd.isna(v) else int(round(float(v))) for v in s], dtype="Int64"))
        return pd.Series([None if pd.isna(v) else int(round(float(v))) for v in s], dtype=object).astype(dtype)
    if pd.api.types.is_float_dtype(dtype):
        return pd.to_numeric(s, errors="coerce").astype(dtype)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pd.to_datetime(s).astype(dtype)
    try:
        return s.astype(dtype)
    except (TypeError, ValueError):
        return s


def _projection(tr: FeatureSpace, synthetic_codes: np.ndarray, y_syn: np.ndarray, seed: int) -> Projection:
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(seed)
    prep = _preprocess(tr.n_numeric, tr.n_categorical, onehot=True).fit(tr.X)
    n_o = min(len(tr.y), _PROJECTION_ROWS)
    n_s = min(len(synthetic_codes), _PROJECTION_ROWS)
    o_idx = np.sort(rng.choice(len(tr.y), n_o, replace=False))
    s_idx = np.sort(rng.choice(len(synthetic_codes), n_s, replace=False))
    original = prep.transform(tr.X[o_idx])
    synth = prep.transform(synthetic_codes[s_idx])
    n_components = min(2, original.shape[1], original.shape[0])
    pca = PCA(n_components=n_components, random_state=seed).fit(original)
    po, ps = pca.transform(original), pca.transform(synth)
    if n_components < 2:
        po = np.column_stack([po, np.zeros(len(po))])
        ps = np.column_stack([ps, np.zeros(len(ps))])
    frame = pd.DataFrame(
        {
            "pc1": np.concatenate([po[:, 0], ps[:, 0]]),
            "pc2": np.concatenate([po[:, 1], ps[:, 1]]),
            "kind": ["original"] * n_o + ["synthetic"] * n_s,
            "label": [str(tr.classes[k]) for k in tr.y[o_idx]] + [str(tr.classes[k]) for k in y_syn[s_idx]],
        }
    )
    ev = list(pca.explained_variance_ratio_) + [0.0] * (2 - n_components)
    note = (
        f"PCA fitted on {n_o:,} of {len(tr.y):,} original training rows (imputed, scaled, one-hot); "
        f"{n_s:,} of {len(synthetic_codes):,} synthetic rows projected onto it."
    )
    return Projection(frame=frame, explained_variance=(float(ev[0]), float(ev[1])), note=note)
