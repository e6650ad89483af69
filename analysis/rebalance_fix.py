"""Applying a rebalancing strategy to the data: the fixed dataset, its recipe and a projection.

The fixed table has exactly the original columns, in order, with their dtypes
and category values: rows a sampler keeps are the original rows (values
untouched, missing values included); rows it synthesises (SMOTE family) are
decoded from the sampler's space back to the original units and categories
(never one-hot or scaled values). Columns that are not model features (ids,
timestamps, free text) are left empty in synthetic rows; constant columns keep
their constant. Cost-sensitive and threshold strategies add no rows: they
export a ``sample_weight`` column or the chosen threshold.

In holdout-safe mode a stratified test split is set aside first and only the
training part is changed; the test part holds original rows only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import RebalanceError, StrategySkippedError, UnknownModelError, UnknownStrategyError
from .export import provenance, to_csv_bytes, zip_bytes
from .rebalance import (
    MODELS,
    STRATEGIES,
    THRESHOLD_OBJECTIVES,
    FeatureSpace,
    _class_weight,
    _preprocess,
    _subset,
    build_pipeline,
    feature_space,
    make_sampler,
)

__all__ = ["FixResult", "Projection", "apply_fix", "fix_files", "IS_SYNTHETIC", "SAMPLE_WEIGHT"]

IS_SYNTHETIC = "is_synthetic"
SAMPLE_WEIGHT = "sample_weight"
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


@dataclass(frozen=True, eq=False)
class FixResult:
    """A fixed training table (and the untouched test split, in holdout-safe mode)."""

    strategy: str
    target: str
    train: pd.DataFrame
    test: pd.DataFrame | None
    counts_before: dict[Any, int]
    counts_after: dict[Any, int]
    n_synthetic: int
    n_removed: int
    threshold: float | None
    recipe: dict
    snippet: str
    projection: Projection | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def counts_frame(self) -> pd.DataFrame:
        """Class counts of the training part before and after the fix (long format: class, stage, rows)."""
        labels = list(self.counts_before)
        return pd.DataFrame(
            {
                "class": [str(k) for k in labels] * 2,
                "stage": ["before"] * len(labels) + ["after"] * len(labels),
                "rows": [self.counts_before[k] for k in labels] + [self.counts_after.get(k, 0) for k in labels],
            }
        )

    def to_dict(self) -> dict:
        return {
            "strategy": self.strategy,
            "target": self.target,
            "rows_train": int(len(self.train)),
            "rows_test": int(len(self.test)) if self.test is not None else None,
            "counts_before": {str(k): v for k, v in self.counts_before.items()},
            "counts_after": {str(k): v for k, v in self.counts_after.items()},
            "n_synthetic": self.n_synthetic,
            "n_removed": self.n_removed,
            "threshold": self.threshold,
            "notes": list(self.notes),
            "recipe": self.recipe,
        }


def apply_fix(
    df: pd.DataFrame,
    *,
    target: str,
    strategy: str,
    test_size: float | None = None,
    seed: int = 0,
    model: str = "logreg",
    add_is_synthetic: bool = False,
    cost_ratio: float | None = None,
    threshold_objective: str = "balanced_accuracy",
    source_name: str = "data.csv",
    source_sha256: str = "",
    projection: bool = True,
) -> FixResult:
    """Apply ``strategy`` to ``df`` and return the fixed table in the original columns and types.

    Parameters
    ----------
    df : DataFrame
        Not modified.
    target : str
    strategy : a name from :data:`analysis.rebalance.STRATEGIES`
    test_size : float in (0, 1), optional
        Holdout-safe mode: a stratified split of this share is set aside first
        (``result.test``, original rows only) and only the rest is changed.
    seed : seeds the split, the sampler and (for ``threshold``) the model
    model : the model ``threshold`` tunes its threshold for (logreg, hgb, rf)
    add_is_synthetic : add a boolean ``is_synthetic`` column (added copies and interpolated rows)
    cost_ratio : ``class_weight`` on a binary target: weight of minority rows relative to the others
    threshold_objective : balanced_accuracy, f1 or mcc
    source_name, source_sha256 : recorded in the recipe
    projection : compute the 2-D PCA of original vs synthetic rows (oversamplers only)

    Returns
    -------
    FixResult

    Raises
    ------
    UnknownStrategyError, StrategySkippedError, RebalanceError, and target errors.

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(40.0), "c": ["a", "b"] * 20, "y": [0] * 32 + [1] * 8})
    >>> fix = apply_fix(df, target="y", strategy="smote", test_size=0.25, seed=0)
    >>> fix.counts_before, fix.counts_after, list(fix.train.columns), len(fix.test)
    ({0: 24, 1: 6}, {0: 24, 1: 24}, ['x', 'c', 'y'], 10)
    """
    if strategy not in STRATEGIES:
        raise UnknownStrategyError(f"Unknown strategy '{strategy}'. Available: {', '.join(STRATEGIES)}.")
    if model not in MODELS:
        raise UnknownModelError(f"Unknown model '{model}'. Choose one of: {', '.join(MODELS)}.")
    if threshold_objective not in THRESHOLD_OBJECTIVES:
        raise RebalanceError(f"Unknown threshold objective '{threshold_objective}'. Choose one of: {', '.join(THRESHOLD_OBJECTIVES)}.")
    if test_size is not None and not (0 < float(test_size) < 1):
        raise RebalanceError(f"The test size must be a share between 0 and 1 (e.g. 0.2); got {test_size!r}.")
    if cost_ratio is not None and not cost_ratio > 0:
        raise RebalanceError(f"The cost ratio must be a positive number; got {cost_ratio!r}.")
    space = feature_space(df, target=target)
    notes: list[str] = []
    dropped_rows = len(df) - len(space.rows)
    if dropped_rows:
        notes.append(f"{dropped_rows:,} rows without a value in '{target}' are not in the output.")
    positions = np.arange(len(space.y))
    test_pos = None
    if test_size is not None:
        from sklearn.model_selection import train_test_split

        counts = np.bincount(space.y, minlength=space.n_classes)
        if counts.min() < 2:
            raise RebalanceError(
                f"A stratified test split needs at least 2 rows of every class; class "
                f"{space.classes[int(counts.argmin())]!r} has {int(counts.min())}. Turn holdout-safe mode off."
            )
        try:
            train_pos, test_pos = train_test_split(
                positions, test_size=float(test_size), stratify=space.y, random_state=seed
            )
        except ValueError as exc:
            raise RebalanceError(f"The test split cannot be made: {exc} Choose another test size.") from None
        train_pos, test_pos = np.sort(train_pos), np.sort(test_pos)
    else:
        train_pos = positions
    tr = _subset(space, train_pos)
    train_original = df.iloc[tr.rows]
    test_frame = df.iloc[space.rows[test_pos]].reset_index(drop=True) if test_pos is not None else None
    counts_before = _counts(tr)
    spec = STRATEGIES[strategy]
    class_rows = {space.classes[k]: int(v) for k, v in enumerate(np.bincount(tr.y, minlength=tr.n_classes))}
    reason = spec.skip_reason(class_train_rows=class_rows, n_classes=tr.n_classes)
    if reason:
        raise StrategySkippedError(reason)

    threshold = None
    weights = None
    synthetic = None
    proj = None
    sampler_name = None
    if spec.space is None:
        out = train_original.copy()
        is_syn = np.zeros(len(out), dtype=bool)
        if strategy == "class_weight":
            from sklearn.utils.class_weight import compute_sample_weight

            cw = _class_weight(tr, cost_ratio)
            weights = compute_sample_weight(cw, tr.y)
            notes.append(
                "No rows were added or removed: train with the 'sample_weight' column "
                "(e.g. model.fit(X, y, sample_weight=df['sample_weight']))."
            )
        elif strategy == "threshold":
            threshold = _tune_threshold(tr, model=model, seed=seed, objective=threshold_objective)
            notes.append(
                f"No rows were changed: predict class {space.classes[tr.positive]!r} when its predicted "
                f"probability is at least {threshold:.4f} (tuned for {threshold_objective} with a {model} model)."
            )
        elif strategy in ("balanced_rf", "easy_ensemble"):
            notes.append(f"No rows were changed: {spec.label} balances inside the model; the recipe shows how to train it.")
        else:
            notes.append("No rows were changed (the baseline).")
        counts_after = dict(counts_before)
        n_removed = 0
    else:
        out, is_syn, synthetic_space, sampler_name, y_out = _resample(train_original, tr, strategy, seed, target)
        counts_after = {tr.classes[k]: int((y_out == k).sum()) for k in range(tr.n_classes)}
        n_removed = int(len(tr.y) - (~is_syn).sum())
        synthetic = synthetic_space
        if projection and spec.generates_rows and synthetic is not None and len(synthetic):
            proj = _projection(tr, synthetic, y_out[is_syn], seed)
        if is_syn.any() and not spec.generates_rows:
            notes.append(f"{int(is_syn.sum()):,} added rows are copies of original minority rows.")
        if spec.generates_rows and is_syn.any():
            empty = [c for c in df.columns if c != target and c in space.dropped and space.dropped[c] != "constant"]
            if empty:
                notes.append(
                    f"{int(is_syn.sum()):,} synthetic rows were created; columns that are not features "
                    f"({', '.join(repr(c) for c in empty)}) are empty in them."
                )
    out = out.reset_index(drop=True)
    if weights is not None:
        out[SAMPLE_WEIGHT] = weights
    if add_is_synthetic:
        out[IS_SYNTHETIC] = is_syn
    recipe = _recipe(
        df, space, strategy=strategy, sampler_name=sampler_name, test_size=test_size, seed=seed, model=model,
        cost_ratio=cost_ratio, threshold=threshold, threshold_objective=threshold_objective,
        rows_out=len(out), source_name=source_name, source_sha256=source_sha256,
        counts_before=counts_before, counts_after=counts_after,
    )
    snippet = _snippet(space, strategy=strategy, target=target, test_size=test_size, seed=seed,
                       source_name=source_name, cost_ratio=cost_ratio, model=model,
                       threshold_objective=threshold_objective)
    return FixResult(
        strategy=strategy, target=target, train=out, test=test_frame, counts_before=counts_before,
        counts_after=counts_after, n_synthetic=int(is_syn.sum()), n_removed=n_removed, threshold=threshold,
        recipe=recipe, snippet=snippet, projection=proj, notes=tuple(notes),
    )


def _counts(space: FeatureSpace) -> dict[Any, int]:
    counts = np.bincount(space.y, minlength=space.n_classes)
    return {space.classes[k]: int(counts[k]) for k in range(space.n_classes)}


def _tune_threshold(tr: FeatureSpace, *, model: str, seed: int, objective: str) -> float:
    pipe = build_pipeline(
        "threshold", n_numeric=tr.n_numeric, n_categorical=len(tr.categorical), model=model, seed=seed,
        positive=tr.positive, threshold_objective=objective,
    )
    # TunedThresholdClassifierCV thresholds the probability of its pos_label (the larger code by
    # default); express it for the minority class.
    pipe.fit(tr.X, tr.y)
    t = float(pipe.best_threshold_)
    return t if tr.positive == 1 else 1.0 - t


def _resample(train_original: pd.DataFrame, tr: FeatureSpace, strategy: str, seed: int, target: str):
    """Run the strategy's sampler in its space; return (rows, is_synthetic, synthetic array, sampler, y)."""
    n_num, n_cat = tr.n_numeric, len(tr.categorical)
    onehot = STRATEGIES[strategy].space == "onehot"
    prep = _preprocess(n_num, n_cat, onehot=onehot)
    Xt = prep.fit_transform(tr.X)
    sampler = make_sampler(strategy, n_numeric=n_num, n_categorical=n_cat, seed=seed)
    Xr, yr = sampler.fit_resample(Xt, tr.y)
    n = len(tr.y)
    # Which output rows are original rows, and which original row each one is.
    if hasattr(sampler, "sample_indices_"):
        source = np.asarray(sampler.sample_indices_)
    elif strategy in ("smote_enn", "smote_tomek"):
        cleaner = sampler.enn_ if strategy == "smote_enn" else sampler.tomek_
        source = np.asarray(cleaner.sample_indices_)  # positions in SMOTE's output: < n are originals
    else:  # SMOTE family: originals first, in order, then the synthetic rows
        source = np.concatenate([np.arange(n), np.full(len(yr) - n, -1)])
    source = np.where(source < n, source, -1)
    synthetic_mask = source < 0
    is_syn = synthetic_mask.copy()
    if strategy == "random_over":
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
    else:
        rows = keep
    return rows, is_syn, synthetic_space, type(sampler).__name__, yr


def _decode_to_codes(Xs: np.ndarray, prep, tr: FeatureSpace, *, onehot: bool) -> np.ndarray:
    """Sampler space -> feature-space values (numbers in original units, categories as codes)."""
    n_num, n_cat = tr.n_numeric, len(tr.categorical)
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


def _restore(values: np.ndarray, dtype) -> pd.Series:
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
    prep = _preprocess(tr.n_numeric, len(tr.categorical), onehot=True).fit(tr.X)
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


# --- recipe and files ---------------------------------------------------------
def _recipe(df, space, *, strategy, sampler_name, test_size, seed, model, cost_ratio, threshold,
            threshold_objective, rows_out, source_name, source_sha256, counts_before, counts_after) -> dict:
    settings = {
        "strategy": strategy,
        "family": STRATEGIES[strategy].family,
        "sampler": sampler_name,
        "target": space_target(df, space),
        "seed": seed,
        "holdout_test_size": test_size,
        "features_numeric": list(space.numeric),
        "features_categorical": list(space.categorical),
        "not_features": dict(space.dropped),
        "preprocessing_for_the_sampler": "median imputation + standard scaling of numbers; most-frequent "
        "imputation of categories" + (" + one-hot encoding" if STRATEGIES[strategy].space == "onehot" else ""),
        "formula_protection": True,
        "counts_before": {str(k): v for k, v in counts_before.items()},
        "counts_after": {str(k): v for k, v in counts_after.items()},
    }
    if strategy == "class_weight":
        settings["class_weight"] = "balanced" if cost_ratio is None else {"minority_cost_ratio": cost_ratio}
    if strategy == "threshold":
        settings.update(threshold=threshold, threshold_objective=threshold_objective, model=model)
    return provenance(
        source_name=source_name, source_sha256=source_sha256, rows_in=int(len(df)), rows_out=int(rows_out), **settings
    )


def space_target(df: pd.DataFrame, space: FeatureSpace) -> str:
    used = set(space.columns) | set(space.dropped)
    rest = [c for c in df.columns if c not in used]
    return str(rest[0]) if rest else ""


_SAMPLER_CODE = {
    "random_over": ("from imblearn.over_sampling import RandomOverSampler", "RandomOverSampler(random_state={seed})"),
    "random_under": ("from imblearn.under_sampling import RandomUnderSampler", "RandomUnderSampler(random_state={seed})"),
    "adasyn": ("from imblearn.over_sampling import ADASYN", "ADASYN(random_state={seed})"),
    "borderline_smote": ("from imblearn.over_sampling import BorderlineSMOTE", "BorderlineSMOTE(random_state={seed})"),
    "near_miss": ("from imblearn.under_sampling import NearMiss", "NearMiss(version=1)"),
    "tomek": ("from imblearn.under_sampling import TomekLinks", "TomekLinks()"),
    "enn": ("from imblearn.under_sampling import EditedNearestNeighbours", "EditedNearestNeighbours()"),
    "smote_enn": ("from imblearn.combine import SMOTEENN", "SMOTEENN(random_state={seed})"),
    "smote_tomek": ("from imblearn.combine import SMOTETomek", "SMOTETomek(random_state={seed})"),
}


def _snippet(space: FeatureSpace, *, strategy, target, test_size, seed, source_name, cost_ratio, model,
             threshold_objective) -> str:
    """A short, runnable Python script that redoes the fix with pandas, scikit-learn and imbalanced-learn."""
    num, cat = list(space.numeric), list(space.categorical)
    lines = [
        f"# Reproduces the '{strategy}' fix of dataset-diagnostics with imbalanced-learn.",
        "import pandas as pd",
        "from sklearn.model_selection import train_test_split",
        "",
        f"df = pd.read_csv({source_name!r})",
        f"df = df[df[{target!r}].notna()].reset_index(drop=True)",
    ]
    if test_size is not None:
        lines += [
            f"train, test = train_test_split(df, test_size={float(test_size)!r}, stratify=df[{target!r}], random_state={seed})",
            "train, test = train.sort_index(), test.sort_index()  # holdout: never resampled",
        ]
    else:
        lines.append("train = df")
    lines += [f"numeric = {num!r}", f"categorical = {cat!r}", f"y = train[{target!r}]"]
    spec = STRATEGIES[strategy]
    if strategy == "none":
        lines.append("# The baseline: train on `train` as it is.")
    elif strategy == "class_weight":
        if cost_ratio is None:
            lines += [
                "from sklearn.utils.class_weight import compute_sample_weight",
                "train = train.assign(sample_weight=compute_sample_weight('balanced', y))",
            ]
        else:
            minority = space.classes[space.positive] if space.positive is not None else None
            lines += [f"train = train.assign(sample_weight=(y == {minority!r}).map({{True: {cost_ratio!r}, False: 1.0}}))"]
        lines.append("# model.fit(X, y, sample_weight=train['sample_weight'])")
    elif strategy == "threshold":
        lines += [
            "from sklearn.model_selection import TunedThresholdClassifierCV, StratifiedKFold",
            f"# wrap your {MODELS[model]} pipeline; it learns the threshold that maximises {threshold_objective}:",
            f"# TunedThresholdClassifierCV(pipeline, scoring={threshold_objective!r}, "
            f"cv=StratifiedKFold(3, shuffle=True, random_state={seed})).fit(X, y)",
        ]
    elif strategy == "balanced_rf":
        lines += [
            "from imblearn.ensemble import BalancedRandomForestClassifier",
            f"model = BalancedRandomForestClassifier(n_estimators=100, sampling_strategy='all', replacement=True, "
            f"bootstrap=False, random_state={seed})",
        ]
    elif strategy == "easy_ensemble":
        lines += ["from imblearn.ensemble import EasyEnsembleClassifier",
                  f"model = EasyEnsembleClassifier(n_estimators=10, random_state={seed})"]
    else:
        lines += [
            "from sklearn.compose import ColumnTransformer",
            "from sklearn.impute import SimpleImputer",
            "from sklearn.pipeline import make_pipeline",
            "from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler",
        ]
        onehot = spec.space == "onehot"
        cat_step = "OneHotEncoder(sparse_output=False)" if onehot else "OrdinalEncoder()"
        lines.append(
            "prep = ColumnTransformer([('num', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), numeric), "
            f"('cat', make_pipeline(SimpleImputer(strategy='most_frequent'), {cat_step}), categorical)])"
        )
        if strategy == "smote":
            if cat and not num:
                lines += ["from imblearn.over_sampling import SMOTEN", f"sampler = SMOTEN(random_state={seed})"]
            elif cat:
                lines += ["from imblearn.over_sampling import SMOTENC",
                          f"sampler = SMOTENC(categorical_features=list(range(len(numeric), len(numeric) + len(categorical))), random_state={seed})"]
            else:
                lines += ["from imblearn.over_sampling import SMOTE", f"sampler = SMOTE(random_state={seed})"]
        else:
            imp, ctor = _SAMPLER_CODE[strategy]
            lines += [imp, "sampler = " + ctor.format(seed=seed)]
        lines += [
            "X_res, y_res = sampler.fit_resample(prep.fit_transform(train[numeric + categorical]), y)",
            "print(y_res.value_counts())  # the class counts of the fixed data",
        ]
    return "\n".join(lines) + "\n"


def fix_files(fix: FixResult, *, base_name: str = "fixed", protect_formulas: bool = True) -> dict[str, bytes]:
    """The files of a fix: ``<base>.csv``, ``<base>_test.csv`` (holdout), ``<base>_recipe.json``, ``<base>_recipe.py``.

    CSVs go through :func:`analysis.export.to_csv_bytes` (formula-injection protection on by default).

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(20.0), "y": [0] * 15 + [1] * 5})
    >>> sorted(fix_files(apply_fix(df, target="y", strategy="random_over", test_size=0.2)))
    ['fixed.csv', 'fixed_recipe.json', 'fixed_recipe.py', 'fixed_test.csv']
    """
    files = {f"{base_name}.csv": to_csv_bytes(fix.train, protect_formulas=protect_formulas).data}
    if fix.test is not None:
        files[f"{base_name}_test.csv"] = to_csv_bytes(fix.test, protect_formulas=protect_formulas).data
    recipe = dict(fix.recipe)
    recipe["settings"] = {**recipe.get("settings", {}), "formula_protection": protect_formulas}
    files[f"{base_name}_recipe.json"] = json.dumps(recipe, indent=2, default=str).encode("utf-8")
    files[f"{base_name}_recipe.py"] = fix.snippet.encode("utf-8")
    return files


def fix_zip(fix: FixResult, *, base_name: str = "fixed", protect_formulas: bool = True) -> bytes:
    """All files of :func:`fix_files` in one zip (the browser's single download)."""
    return zip_bytes(fix_files(fix, base_name=base_name, protect_formulas=protect_formulas))

