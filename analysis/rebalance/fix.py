"""Applying a rebalancing strategy to the data: the fixed dataset, its recipe and a projection.

The fixed table has exactly the original columns, in order, with their dtypes
and category values (see :mod:`analysis.rebalance.resample`). Cost-sensitive and
threshold strategies add no rows: they export a ``sample_weight`` column or the
chosen threshold.

In holdout-safe mode a stratified test split is set aside first and only the
training part is changed; the test part holds original rows only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import NoFeaturesError, RebalanceError, StrategySkippedError, TooFewRowsError
from ..export import SafeCsv, to_csv_bytes, zip_bytes
from ..intake.frames import takes_table
from ..models import MODEL_REGISTRY
from ..results import ResultMixin, Severity
from ..splits import RowGroups, holdout_split
from .pipeline import THRESHOLD_OBJECTIVES
from .plan import grouped_space
from .recipe import recipe_dict, snippet
from .resample import Projection, _projection, _resample
from .strategies import STRATEGIES, SamplerStrategy

if TYPE_CHECKING:
    from ..io import Dataset

__all__ = ["DEFAULT_TEST_SIZE", "IS_SYNTHETIC", "SAMPLE_WEIGHT", "FixResult", "FixSettings", "Projection", "apply_fix",
           "fix_csvs", "fix_files", "fix_zip", "synthetic_marks"]

#: The share set aside as an untouched test split by default, by the CLI's ``fix`` and on the page
#: (they agree): a fixed file is only worth something if it can be evaluated on rows no sampler touched.
DEFAULT_TEST_SIZE = 0.2
IS_SYNTHETIC = "is_synthetic"
SAMPLE_WEIGHT = "sample_weight"


@dataclass(frozen=True)
class FixSettings:
    """Everything that decides a fix: frozen and hashable (a cache key as it is). See :func:`apply_fix`."""

    target: str
    strategy: str
    test_size: float | None = None
    seed: int = 0
    model: str = "logreg"
    add_is_synthetic: bool = False
    cost_ratio: float | None = None
    threshold_objective: str = "balanced_accuracy"
    source_name: str = "data.csv"
    source_sha256: str = ""
    projection: bool = True
    #: a column whose rows of one value stay on one side of the test split (patient, user, session)
    group: str | None = None
    #: columns never used as features (suspected label leaks the user chose to exclude); kept in the output
    excluded: tuple[str, ...] = ()
    #: what was done to the table after reading ``source_name`` (``Dataset.steps``, e.g. tokens read as
    #: missing); ``source_sha256`` stays the file's own hash and the recipe lists these steps
    source_steps: tuple = ()


@dataclass(frozen=True, eq=False)
class FixResult(ResultMixin):
    """A fixed training table (and the untouched test split, in holdout-safe mode).

    Verdict: ``"changed"`` when rows were added or removed, else ``"unchanged"``
    (weights, a threshold or a balanced model instead).
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"changed": "ok", "unchanged": "info"}

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
    notes: tuple[str, ...] = ()
    #: Position in the source table of each row of ``train`` / ``test`` (-1: synthetic), for exact exports.
    train_rows: np.ndarray | None = None
    test_rows: np.ndarray | None = None
    #: how rows were grouped for the test split (:meth:`analysis.splits.RowGroups.to_dict`); empty without one
    splits: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "changed" if self.n_synthetic or self.n_removed else "unchanged"

    @property
    def verdict_text(self) -> str:
        counts = ", ".join(f"{k}: {self.counts_before[k]:,} -> {self.counts_after.get(k, 0):,}" for k in self.counts_before)
        return f"{STRATEGIES[self.strategy].label}: class counts before -> after: {counts}."

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

    def to_frame(self) -> pd.DataFrame:
        return self.counts_frame()

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
            "splits": dict(self.splits) if self.splits else None,
            "recipe": self.recipe,
        }


def _validate(s: FixSettings) -> None:
    STRATEGIES.require([s.strategy])
    MODEL_REGISTRY[s.model]
    if s.threshold_objective not in THRESHOLD_OBJECTIVES:
        raise RebalanceError(f"Unknown threshold objective '{s.threshold_objective}'. Choose one of: {', '.join(THRESHOLD_OBJECTIVES)}.")
    if s.test_size is not None and not (0 < float(s.test_size) < 1):
        raise RebalanceError(f"The test size must be a share between 0 and 1 (e.g. 0.2); got {s.test_size!r}.")
    if s.cost_ratio is not None and not s.cost_ratio > 0:
        raise RebalanceError(f"The cost ratio must be a positive number; got {s.cost_ratio!r}.")


def _split(
    groups: RowGroups, y: np.ndarray, classes: tuple, test_size: float | None, seed: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Train and test positions: a stratified split that keeps groups of identical rows on one side."""
    if test_size is None:
        return np.arange(len(y)), None
    try:
        return holdout_split(groups, y, test_size=float(test_size), seed=seed, classes=classes)
    except TooFewRowsError as exc:
        raise RebalanceError(str(exc)) from None


def _in_frame(rows: pd.DataFrame, other: pd.DataFrame) -> np.ndarray:
    """Which of ``rows`` equal some row of ``other`` in every column (types unified as rows_in_both does)."""
    a, b = rows[list(other.columns)], other
    same = {}
    for c in other.columns:
        if a[c].dtype != b[c].dtype:
            numeric = pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c])
            same[c] = "float64" if numeric else "string"
    if same:
        a, b = a.astype(same), b.astype(same)
    ha = pd.util.hash_pandas_object(a, index=False).to_numpy()
    hb = pd.util.hash_pandas_object(b, index=False).to_numpy()
    return np.isin(ha, hb)


@takes_table("df")
def apply_fix(df: pd.DataFrame, settings: FixSettings | None = None, **keywords: Any) -> FixResult:
    """Apply a strategy to ``df`` and return the fixed table in the original columns and types.

    Parameters
    ----------
    df : DataFrame
        Not modified.
    settings : FixSettings, optional
        All the settings at once; or the same fields as keywords:
    target : str
    strategy : a name from :data:`analysis.rebalance.STRATEGIES`
    test_size : float in (0, 1), optional
        Holdout-safe mode: a stratified split of this share is set aside first
        (``result.test``, original rows only) and only the rest is changed. Rows
        with identical values (all columns but the target and identifiers) stay
        on one side (:func:`analysis.splits.holdout_split`), so no test row has a
        copy in the training file.
    group : a column whose rows of one value stay on one side of the test split
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
    if settings is None:
        unknown = set(keywords) - {f.name for f in fields(FixSettings)}
        if unknown:
            raise TypeError(f"apply_fix() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        settings = FixSettings(**keywords)
    elif keywords:
        settings = replace(settings, **keywords)
    s = settings
    _validate(s)
    target = s.target
    spec = STRATEGIES[s.strategy]
    try:
        # An input's is_synthetic marks (from an earlier fix) are a record, never a feature.
        marked = IS_SYNTHETIC in df.columns and IS_SYNTHETIC != target
        space, groups = grouped_space(df, target=target, group=s.group, allow_empty=not spec.needs_features,
                                      excluded=tuple(dict.fromkeys((*s.excluded, *([IS_SYNTHETIC] if marked else [])))))
    except NoFeaturesError as exc:
        able = ", ".join(n for n in STRATEGIES if not STRATEGIES[n].needs_features)
        raise NoFeaturesError(
            f"{exc} {spec.label} needs them; {able} only pick, copy or weight rows and also run on this table."
        ) from None
    notes: list[str] = []
    if not space.columns:
        notes.append(
            f"The table has no numeric or categorical feature columns; {spec.label} picks, copies or weights "
            "whole rows, so every column is kept as it is."
        )
    dropped_rows = len(df) - len(space.rows)
    if dropped_rows:
        notes.append(f"{dropped_rows:,} rows without a value in '{target}' are not in the output.")
    train_pos, test_pos = _split(groups, space.y, space.classes, s.test_size, s.seed)
    if test_pos is not None and groups.note:
        notes.append(groups.note)
    tr = space.subset(train_pos)
    train_original = df.iloc[tr.rows]
    test_frame = df.iloc[space.rows[test_pos]].reset_index(drop=True) if test_pos is not None else None
    counts_before = tr.class_counts()
    reason = spec.skip_reason(class_train_rows=counts_before, n_classes=tr.n_classes)
    if not reason and spec.generates_rows and space.text and not (space.numeric or space.categorical):
        reason = (
            f"{spec.label} interpolates TF-IDF vectors, which cannot be written back as text: on this table, whose "
            f"only features are free text ({', '.join(repr(c) for c in space.text)}), its synthetic rows would "
            "hold nothing but a label. Use random_over, random_under or class_weight to fix the file (the "
            "comparison still scores it)."
        )
    if reason:
        raise StrategySkippedError(reason)

    threshold = weights = proj = sampler_name = None
    if not isinstance(spec, SamplerStrategy):
        unchanged = spec.fix_unchanged(tr, model=s.model, seed=s.seed, cost_ratio=s.cost_ratio,
                                       objective=s.threshold_objective)
        threshold, weights = unchanged.threshold, unchanged.weights
        notes.append(unchanged.note)
        out = train_original.copy()
        train_rows = np.asarray(tr.rows)
        is_syn = np.zeros(len(out), dtype=bool)
        counts_after = dict(counts_before)
        n_removed = 0
    else:
        out, is_syn, synthetic, sampler_name, y_out, kept = _resample(train_original, tr, spec, s.seed, target,
                                                                      s.model)
        train_rows = np.where(kept >= 0, np.asarray(tr.rows)[np.maximum(kept, 0)], -1)
        counts_after = {tr.classes[k]: int((y_out == k).sum()) for k in range(tr.n_classes)}
        n_removed = int(len(tr.y) - (~is_syn).sum())
        if s.projection and spec.generates_rows and synthetic is not None and len(synthetic):
            proj = _projection(tr, synthetic, y_out[is_syn], s.seed)
        if is_syn.any() and not spec.generates_rows:
            notes.append(f"{int(is_syn.sum()):,} added rows are copies of original minority rows.")
        if spec.generates_rows and is_syn.any():
            empty = [c for c in df.columns if c not in (target, IS_SYNTHETIC)
                     and space.dropped.get(c) not in (None, "constant", "datetime")]
            if empty:
                notes.append(
                    f"{int(is_syn.sum()):,} synthetic rows were created; columns that are not features "
                    f"({', '.join(repr(c) for c in empty)}) are empty in them."
                )
            if space.text:
                notes.append(
                    f"Free-text features ({', '.join(repr(c) for c in space.text)}) shaped the synthetic rows "
                    "through their TF-IDF vectors, but text cannot be interpolated: those columns are empty in "
                    "the synthetic rows."
                )
    out = out.reset_index(drop=True)
    if test_frame is not None and is_syn.any() and spec.generates_rows:
        # An interpolated row can land exactly on a test row (coarse or rounded columns): it was made
        # from training rows only, but it would put a test row in the training file. Leave it out.
        marks = [IS_SYNTHETIC] if IS_SYNTHETIC in test_frame.columns else []  # empty in new rows: not compared
        clash = is_syn & _in_frame(out.drop(columns=marks), test_frame.drop(columns=marks))
        if clash.any():
            out, is_syn, train_rows = out[~clash].reset_index(drop=True), is_syn[~clash], train_rows[~clash]
            y_kept = out[target]
            counts_after = {k: int((y_kept == k).sum()) for k in counts_before}
            notes.append(
                f"{int(clash.sum()):,} synthetic rows identical to a row of the test split were left out, so "
                "no test row appears in the training file."
            )
    if weights is not None:
        out[SAMPLE_WEIGHT] = weights
    if marked:
        # Synthetic rows stay marked through chains: a row an earlier fix made keeps its mark, new rows get one.
        out[IS_SYNTHETIC] = synthetic_marks(df[IS_SYNTHETIC], train_rows, is_syn)
    elif s.add_is_synthetic:
        out[IS_SYNTHETIC] = is_syn
    recipe = recipe_dict(
        s, space, sampler_name=sampler_name, threshold=threshold, rows_in=len(df), rows_out=len(out),
        counts_before=counts_before, counts_after=counts_after,
    )
    return FixResult(
        strategy=s.strategy, target=target, train=out, test=test_frame, counts_before=counts_before,
        counts_after=counts_after, n_synthetic=int(is_syn.sum()), n_removed=n_removed, threshold=threshold,
        recipe=recipe, snippet=snippet(s, space, groups), projection=proj, notes=tuple(notes),
        train_rows=train_rows, test_rows=space.rows[test_pos] if test_pos is not None else None,
        splits=groups.to_dict() if test_pos is not None else {},
    )


def synthetic_marks(before: pd.Series, rows: np.ndarray, is_syn: np.ndarray) -> pd.Series:
    """The ``is_synthetic`` column of a fixed table whose input already had one.

    ``before`` is the input's column, ``rows`` each output row's input row (-1: new) and
    ``is_syn`` the rows this fix made. A row is synthetic when this fix made it or the
    input marked it; the column keeps its type (booleans, 0/1 numbers or words).

    >>> synthetic_marks(pd.Series([False, True]), np.array([0, 1, -1]), np.array([False, False, True])).tolist()
    [False, True, True]
    """
    rows = np.asarray(rows)
    old = before.iloc[np.maximum(rows, 0)].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(before.dtype):
        return pd.Series(np.where(rows >= 0, old.fillna(False).astype(bool).to_numpy(), True) | is_syn,
                         dtype=before.dtype)
    if pd.api.types.is_numeric_dtype(before.dtype):
        return old.where(~(is_syn | (rows < 0)), 1).astype(before.dtype)
    words = before.dropna().astype(str)
    yes = next((w for w in words.unique() if w.strip().lower() in ("true", "1", "yes")), "True")
    return old.astype(object).where(~(is_syn | (rows < 0)), yes)


def fix_csvs(fix: FixResult, *, base_name: str = "fixed", protect_formulas: bool = True,
             source: Dataset | None = None) -> dict[str, SafeCsv]:
    """The CSVs of a fix, through :func:`analysis.export.to_csv_bytes`.

    With ``source`` (the uploaded table the fix was computed on), original rows
    carry the uploaded text and synthetic rows are written in each column's format.
    """
    files = {f"{base_name}.csv": to_csv_bytes(fix.train, protect_formulas=protect_formulas, source=source,
                                              rows=fix.train_rows if source is not None else None)}
    if fix.test is not None:
        files[f"{base_name}_test.csv"] = to_csv_bytes(fix.test, protect_formulas=protect_formulas, source=source,
                                                      rows=fix.test_rows if source is not None else None)
    return files


def fix_files(fix: FixResult, *, base_name: str = "fixed", protect_formulas: bool = True,
              source: Dataset | None = None, csvs: dict[str, SafeCsv] | None = None) -> dict[str, bytes]:
    """The files of a fix: ``<base>.csv``, ``<base>_test.csv`` (holdout), ``<base>_recipe.json``, ``<base>_recipe.py``.

    CSVs come from :func:`fix_csvs` (or ``csvs``, already made by it): formula-injection
    protection on by default; exact uploaded text for original rows given ``source``.

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(20.0), "y": [0] * 15 + [1] * 5})
    >>> sorted(fix_files(apply_fix(df, target="y", strategy="random_over", test_size=0.2)))
    ['fixed.csv', 'fixed_recipe.json', 'fixed_recipe.py', 'fixed_test.csv']
    """
    made = csvs if csvs is not None else fix_csvs(fix, base_name=base_name, protect_formulas=protect_formulas, source=source)
    files = {name: csv.data for name, csv in made.items()}
    recipe = dict(fix.recipe)
    recipe["settings"] = {**recipe.get("settings", {}), "formula_protection": protect_formulas}
    files[f"{base_name}_recipe.json"] = json.dumps(recipe, indent=2, default=str).encode("utf-8")
    files[f"{base_name}_recipe.py"] = fix.snippet.encode("utf-8")
    return files


def fix_zip(fix: FixResult, *, base_name: str = "fixed", protect_formulas: bool = True, source: Dataset | None = None,
            csvs: dict[str, SafeCsv] | None = None) -> bytes:
    """All files of :func:`fix_files` in one zip (the browser's single download)."""
    return zip_bytes(fix_files(fix, base_name=base_name, protect_formulas=protect_formulas, source=source, csvs=csvs))

