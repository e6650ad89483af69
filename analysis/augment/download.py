"""The augmented training file: original columns and types, ``is_synthetic`` and ``augmentation``, an untouched
holdout set aside first (group-aware), and a recipe (JSON and a Python snippet that redoes the file).

Original rows are the uploaded rows themselves: written through
:func:`analysis.export.to_csv_bytes` with the source dataset, they keep exactly
their uploaded text. Synthetic rows are decoded from the prepared features to
the original columns (numbers in their column's format, integer columns
rounded, categories as their original values); columns that are not features
are empty in them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import TooFewRowsError
from ..export import SafeCsv, provenance, to_csv_bytes, zip_bytes
from ..features import MISSING_TOKEN
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from ..splits import holdout_keeps_together, holdout_split
from .data import AugmentData, augment_data
from .errors import AugmentError
from .strategies import AUGMENTATIONS
from .templates import TemplateSet

if TYPE_CHECKING:
    from ..io import Dataset

__all__ = ["AUGMENTATION", "IS_SYNTHETIC", "AugmentResult", "AugmentSettings", "apply_augmentation", "augment_csvs",
           "augment_files", "augment_zip", "snippet"]

IS_SYNTHETIC = "is_synthetic"
#: The column naming what made each row (the strategy, or ``original``).
AUGMENTATION = "augmentation"
SAMPLE_WEIGHT = "sample_weight"
DEFAULT_TEST_SIZE = 0.2


@dataclass(frozen=True)
class AugmentSettings:
    """Everything that decides an augmented file: frozen and hashable (a cache key). See :func:`apply_augmentation`."""

    target: str
    strategy: str
    test_size: float | None = DEFAULT_TEST_SIZE
    seed: int = 0
    templates: TemplateSet | None = None
    group: str | None = None
    excluded: tuple[str, ...] = ()
    source_name: str = "data.csv"
    source_sha256: str = ""


@dataclass(frozen=True, eq=False)
class AugmentResult(ResultMixin):
    """The augmented training table and the untouched holdout. Verdict ``"augmented"`` or ``"unchanged"``."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"augmented": "ok", "unchanged": "info"}

    strategy: str
    target: str
    train: pd.DataFrame
    test: pd.DataFrame | None
    train_rows: np.ndarray
    test_rows: np.ndarray | None
    counts_before: dict[Any, int]
    counts_after: dict[Any, int]
    n_synthetic: int
    recipe: dict
    snippet: str
    notes: tuple[str, ...] = ()
    splits: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "augmented" if self.n_synthetic else "unchanged"

    @property
    def verdict_text(self) -> str:
        counts = ", ".join(f"{k}: {self.counts_before[k]:,} -> {self.counts_after.get(k, 0):,}" for k in self.counts_before)
        held = f"; {len(self.test):,} rows held out untouched" if self.test is not None else ""
        return (f"{AUGMENTATIONS[self.strategy].label}: {self.n_synthetic:,} synthetic rows added to the training part "
                f"(class counts {counts}){held}.")

    def to_frame(self) -> pd.DataFrame:
        labels = list(self.counts_before)
        return pd.DataFrame({"class": [str(k) for k in labels],
                             "before": [self.counts_before[k] for k in labels],
                             "after": [self.counts_after.get(k, 0) for k in labels]})

    def to_dict(self) -> dict:
        return {
            "strategy": self.strategy,
            "target": self.target,
            "rows_train": int(len(self.train)),
            "rows_test": int(len(self.test)) if self.test is not None else None,
            "n_synthetic": self.n_synthetic,
            "counts_before": {str(k): v for k, v in self.counts_before.items()},
            "counts_after": {str(k): v for k, v in self.counts_after.items()},
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
            "splits": dict(self.splits) if self.splits else None,
            "recipe": self.recipe,
        }


def _restore(values: pd.Series, like: pd.Series) -> pd.Series:
    """``values`` in the dtype of the original column ``like`` (nullable when missing values appeared)."""
    dtype = like.dtype
    try:
        if pd.api.types.is_integer_dtype(dtype):
            return values.astype(dtype) if values.notna().all() else values.astype("Int64")
        if pd.api.types.is_bool_dtype(dtype):
            return values.astype(dtype) if values.notna().all() else values.astype("boolean")
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values.astype(object)


def _decode(synthetic: pd.DataFrame, y: np.ndarray, df: pd.DataFrame, data: AugmentData, target: str) -> pd.DataFrame:
    """Synthetic prepared rows as rows of the original table (non-feature columns empty)."""
    n = len(synthetic)
    out: dict[str, Any] = {}
    layout = data.layout
    for c in df.columns:
        original = df[c]
        if c == target:
            out[c] = pd.Series([data.classes[k] for k in y], dtype=object)
        elif c in layout.numeric:
            values = synthetic[c].to_numpy(dtype=float)
            present = original.dropna()
            whole = pd.api.types.is_integer_dtype(original.dtype) or (
                len(present) > 0 and pd.api.types.is_numeric_dtype(original.dtype)
                and bool((present.astype(float) % 1 == 0).all()))
            out[c] = pd.Series(np.round(values) if whole else values)
        elif c in layout.categorical or c in layout.text:
            lookup = {str(v): v for v in original.dropna().unique()}
            raw = synthetic[c].to_numpy(dtype=object)
            out[c] = pd.Series([None if v in (MISSING_TOKEN, "") else lookup.get(str(v), v) for v in raw], dtype=object)
        else:
            out[c] = pd.Series([None] * n, dtype=object)
    return pd.DataFrame(out, index=range(n))


@takes_table("df")
def apply_augmentation(df: pd.DataFrame, settings: AugmentSettings | None = None, **keywords: Any) -> AugmentResult:
    """Augment the training part of ``df`` with one strategy, after setting an untouched holdout aside.

    Parameters
    ----------
    df : DataFrame
        Not modified.
    settings : AugmentSettings, optional
        All the settings at once; or the same fields as keywords:
    target : str
    strategy : a name from :data:`analysis.augment.AUGMENTATIONS`
    test_size : float in (0, 1) or None
        The share set aside first as the holdout (stratified; identical and
        near-duplicate rows, and rows sharing a ``group`` value, on one side:
        :func:`analysis.splits.holdout_split`). ``None``: augment every row.
    seed : seeds the split and the strategy
    templates : a :class:`TemplateSet` (for ``templates``)
    group, excluded : a group column kept on one side; columns never used as features

    Raises
    ------
    UnknownAugmentationError, AugmentError (strategy cannot run, bad test size), target errors.

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(40.0), "c": ["a", "b"] * 20, "y": [0, 1] * 20})
    >>> res = apply_augmentation(df, target="y", strategy="gaussian_noise", test_size=0.25)
    >>> len(res.test), len(res.train), res.n_synthetic, list(res.train.columns)
    (10, 90, 60, ['x', 'c', 'y', 'is_synthetic', 'augmentation'])
    """
    if settings is None:
        unknown = set(keywords) - {f.name for f in fields(AugmentSettings)}
        if unknown:
            raise TypeError(f"apply_augmentation() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        settings = AugmentSettings(**keywords)
    elif keywords:
        settings = replace(settings, **keywords)
    s = settings
    spec = AUGMENTATIONS[s.strategy]
    if s.test_size is not None and not (0 < float(s.test_size) < 1):
        raise AugmentError(f"The test size must be a share between 0 and 1 (e.g. 0.2); got {s.test_size!r}.")
    data = augment_data(df, target=s.target, excluded=s.excluded, group=s.group)
    notes: list[str] = []
    if s.test_size is not None:
        try:
            train_pos, test_pos = holdout_split(data.groups, data.y, test_size=float(s.test_size), seed=s.seed,
                                                classes=data.classes)
        except TooFewRowsError as exc:
            raise AugmentError(str(exc)) from None
        if data.groups.note:
            notes.append(data.groups.note)
    else:
        train_pos, test_pos = np.arange(len(data.y)), None
    counts_before = data.class_rows(train_pos)
    reason = spec.skip_reason(data.layout, class_rows=counts_before, templates=s.templates)
    if reason:
        raise AugmentError(f"{spec.label} cannot run on this table: {reason}")
    augmenter = spec.make_augmenter(data.layout, seed=s.seed, templates=s.templates)
    X_aug, y_aug = augmenter.fit_resample(data.X.iloc[train_pos], data.y[train_pos])
    n_orig = len(train_pos)
    source_rows = data.rows[train_pos]
    originals = df.iloc[source_rows].reset_index(drop=True)
    synthetic = _decode(X_aug.iloc[n_orig:].reset_index(drop=True), y_aug[n_orig:], df, data, s.target)
    n_syn = len(synthetic)
    if n_syn:
        out = pd.concat([originals.astype(object), synthetic.astype(object)], ignore_index=True)
        for c in df.columns:
            out[c] = _restore(out[c], df[c])
        rounded = [c for c in data.layout.numeric if c in df.columns and synthetic[c].notna().any()
                   and pd.api.types.is_integer_dtype(df[c].dtype)]
        if rounded:
            notes.append(f"Whole-number columns ({', '.join(map(repr, rounded))}) are rounded in synthetic rows.")
        empty = [c for c in df.columns if c != s.target and c not in data.layout.columns]
        if empty:
            notes.append(f"Columns that are not features ({', '.join(map(repr, empty))}) are empty in synthetic rows.")
    else:
        out = originals.copy()
    out[IS_SYNTHETIC] = np.r_[np.zeros(n_orig, dtype=bool), np.ones(n_syn, dtype=bool)]
    out[AUGMENTATION] = np.array(["original"] * n_orig + [s.strategy] * n_syn, dtype=object)
    if augmenter.sample_weight_ is not None:
        out[SAMPLE_WEIGHT] = augmenter.sample_weight_
        notes.append("sample_weight: 1 for original rows; for a mixed row, the weight of the label it carries.")
    train_rows = np.r_[source_rows, np.full(n_syn, -1, dtype=np.int64)].astype(np.int64)
    counts = np.bincount(y_aug, minlength=data.n_classes)
    counts_after = {data.classes[k]: int(counts[k]) for k in range(data.n_classes)}
    test = test_rows = None
    if test_pos is not None:
        test_rows = data.rows[test_pos]
        test = df.iloc[test_rows].reset_index(drop=True)
    recipe = _recipe(s, data, spec.explanation, rows_in=len(df), rows_out=len(out), counts_before=counts_before,
                     counts_after=counts_after)
    return AugmentResult(
        strategy=s.strategy, target=s.target, train=out, test=test, train_rows=train_rows, test_rows=test_rows,
        counts_before=counts_before, counts_after=counts_after, n_synthetic=n_syn, recipe=recipe,
        snippet=snippet(s), notes=tuple(notes), splits=data.groups.to_dict() if test_pos is not None else {},
    )


def _recipe(s: AugmentSettings, data: AugmentData, explanation: str, *, rows_in: int, rows_out: int,
            counts_before: dict[Any, int], counts_after: dict[Any, int]) -> dict:
    settings: dict[str, Any] = {
        "strategy": s.strategy,
        "explanation": explanation,
        "target": str(s.target),
        "seed": s.seed,
        "holdout_test_size": s.test_size,
        "holdout_keeps_together": holdout_keeps_together(s.test_size, s.group),
        "group_column": s.group,
        "excluded_columns": list(s.excluded),
        "features_numeric": list(data.layout.numeric),
        "features_categorical": list(data.layout.categorical),
        "features_text": list(data.layout.text),
        "not_features": dict(data.dropped),
        "templates": s.templates.to_dict() if s.templates is not None else None,
        "counts_before": {str(k): v for k, v in counts_before.items()},
        "counts_after": {str(k): v for k, v in counts_after.items()},
        "formula_protection": True,
    }
    return provenance(source_name=s.source_name, source_sha256=s.source_sha256, rows_in=int(rows_in),
                      rows_out=int(rows_out), **settings)


def snippet(s: AugmentSettings, *, base_name: str = "augmented", protect_formulas: bool = True) -> str:
    """A short Python script that redoes the augmented files from the source file, byte for byte."""
    templates = f"load_templates({s.templates.to_dict()!r})" if s.templates is not None else "None"
    return "\n".join([
        f"# Reproduces the '{s.strategy}' augmentation of dataset-diagnostics (pip install dataset-diagnostics).",
        "from pathlib import Path",
        "",
        "from analysis.augment import AugmentSettings, apply_augmentation, augment_csvs, load_templates",
        "from analysis.io import load_csv",
        "",
        f"dataset = load_csv({s.source_name!r})",
        "settings = AugmentSettings(",
        f"    target={s.target!r}, strategy={s.strategy!r}, test_size={s.test_size!r}, seed={s.seed!r},",
        f"    templates={templates},",
        f"    group={s.group!r}, excluded={tuple(s.excluded)!r},",
        f"    source_name={s.source_name!r}, source_sha256={s.source_sha256!r},",
        ")",
        "result = apply_augmentation(dataset.frame, settings)",
        f"for name, csv in augment_csvs(result, base_name={base_name!r}, source=dataset, "
        f"protect_formulas={protect_formulas!r}).items():",
        "    Path(name).write_bytes(csv.data)",
        "",
    ])


def augment_csvs(result: AugmentResult, *, base_name: str = "augmented", protect_formulas: bool = True,
                 source: Dataset | None = None) -> dict[str, SafeCsv]:
    """The CSVs: ``<base>.csv`` (training, augmented) and ``<base>_holdout.csv`` (untouched), via
    :func:`analysis.export.to_csv_bytes` (original rows in their uploaded text given ``source``)."""
    files = {f"{base_name}.csv": to_csv_bytes(result.train, protect_formulas=protect_formulas, source=source,
                                              rows=result.train_rows if source is not None else None)}
    if result.test is not None:
        files[f"{base_name}_holdout.csv"] = to_csv_bytes(
            result.test, protect_formulas=protect_formulas, source=source,
            rows=result.test_rows if source is not None else None)
    return files


def augment_files(result: AugmentResult, *, base_name: str = "augmented", protect_formulas: bool = True,
                  source: Dataset | None = None) -> dict[str, bytes]:
    """Every file: the CSVs of :func:`augment_csvs`, ``<base>_recipe.json`` and ``<base>_recipe.py``."""
    files = {name: csv.data for name, csv in augment_csvs(result, base_name=base_name, protect_formulas=protect_formulas,
                                                           source=source).items()}
    recipe = dict(result.recipe)
    recipe["settings"] = {**recipe["settings"], "formula_protection": protect_formulas}
    files[f"{base_name}_recipe.json"] = json.dumps(recipe, indent=2, default=str).encode("utf-8")
    settings = AugmentSettings(
        target=result.target, strategy=result.strategy, test_size=recipe["settings"]["holdout_test_size"],
        seed=recipe["settings"]["seed"],
        templates=TemplateSet.from_dict(recipe["settings"]["templates"]) if recipe["settings"]["templates"] else None,
        group=recipe["settings"]["group_column"], excluded=tuple(recipe["settings"]["excluded_columns"]),
        source_name=recipe["source"]["name"], source_sha256=recipe["source"]["sha256"],
    )
    files[f"{base_name}_recipe.py"] = snippet(settings, base_name=base_name,
                                              protect_formulas=protect_formulas).encode("utf-8")
    return files


def augment_zip(result: AugmentResult, *, base_name: str = "augmented", protect_formulas: bool = True,
                source: Dataset | None = None) -> bytes:
    """All files of :func:`augment_files` in one zip (the browser's single download)."""
    return zip_bytes(augment_files(result, base_name=base_name, protect_formulas=protect_formulas, source=source))
