"""Recipes: every kind of file the product writes, as a name, its parameters and the code that makes it.

A :class:`Recipe` turns an input :class:`~analysis.io.Dataset` and a JSON-able
``parameters`` mapping into the written files (:class:`Output`, one per role:
``train``/``test`` for a fix, ``data`` otherwise). The CLI commands that write
files build their outputs through these recipes, the dashboard records the same
parameters with its downloads, and ``verify --input`` re-runs them: one code
path, so a re-run reproduces a file byte for byte.

Each ``*_parameters`` helper turns the settings object a page or command already
has into the recipe's parameters (the form the CLI takes), so the dashboard and
the CLI record the same thing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..registry import Registry
from .record import ProvenanceError

if TYPE_CHECKING:
    from ..export import SafeCsv
    from ..io import Dataset

__all__ = [
    "RECIPES",
    "Output",
    "augment_parameters",
    "Recipe",
    "consensus_parameters",
    "corrections_parameters",
    "fix_parameters",
    "load_input",
    "outliers_parameters",
    "sampling_fix_parameters",
    "weak_parameters",
]


@dataclass(frozen=True, eq=False)
class Output:
    """One written file of a recipe: its bytes (a SafeCsv), the table written, and its synthetic rows when known."""

    role: str
    csv: SafeCsv
    frame: pd.DataFrame
    #: synthetic rows in it, when the writer knows and the table has no is_synthetic column to say so
    synthetic: int | None = None
    #: the recipe JSON the older ``*.recipe.json`` files hold, where the writer makes one (sampling fixes)
    recipe: bytes | None = None

    @property
    def data(self) -> bytes:
        return self.csv.data


@dataclass(frozen=True)
class Recipe:
    """A kind of written file: ``run(dataset, parameters)`` returns (the result behind them, its outputs by role)."""

    name: str
    label: str
    run: Callable[[Dataset, Mapping[str, Any]], tuple[Any, dict[str, Output]]]


RECIPES: Registry[Recipe] = Registry("recipe", ProvenanceError)


def _protect(p: Mapping[str, Any]) -> bool:
    return bool(p.get("formula_protection", True))


# --- augmentation (training data with synthetic rows, and its untouched holdout) ----------
def augment_parameters(settings: Any, *, protect: bool) -> dict[str, Any]:
    """Parameters of ``augment`` from :class:`analysis.augment.AugmentSettings` (the CLI's ``augment`` flags)."""
    return {
        "target": settings.target, "strategy": settings.strategy, "test_size": settings.test_size,
        "seed": int(settings.seed), "group": settings.group, "exclude": list(settings.excluded),
        "templates": None if settings.templates is None else settings.templates.to_dict(),
        "formula_protection": protect,
    }


def _run_augment(dataset: Dataset, p: Mapping[str, Any]) -> tuple[Any, dict[str, Output]]:
    from ..augment import AugmentSettings, TemplateSet, apply_augmentation, augment_csvs

    settings = AugmentSettings(
        target=p["target"], strategy=p["strategy"], test_size=p.get("test_size"), seed=int(p.get("seed", 0)),
        templates=TemplateSet.from_dict(p["templates"]) if p.get("templates") else None, group=p.get("group"),
        excluded=tuple(p.get("exclude") or ()), source_name=dataset.name, source_sha256=dataset.input_sha256,
    )
    result = apply_augmentation(dataset.frame, settings)
    csvs = list(augment_csvs(result, base_name="augmented", protect_formulas=_protect(p), source=dataset).values())
    outputs = {"train": Output("train", csvs[0], result.train)}
    if result.test is not None:
        outputs["test"] = Output("test", csvs[1], result.test, 0)
    return result, outputs


# --- fix (rebalancing) -----------------------------------------------------------------
def fix_parameters(settings: Any, *, protect: bool) -> dict[str, Any]:
    """Parameters of the ``fix`` recipe from :class:`analysis.rebalance.FixSettings` (the CLI's ``fix`` flags)."""
    return {
        "target": settings.target, "strategy": settings.strategy, "test_size": settings.test_size,
        "group": settings.group, "seed": int(settings.seed), "model": settings.model,
        "cost_ratio": settings.cost_ratio, "threshold_objective": settings.threshold_objective,
        "is_synthetic": bool(settings.add_is_synthetic), "exclude": list(settings.excluded),
        "formula_protection": protect,
    }


def _run_fix(dataset: Dataset, p: Mapping[str, Any]) -> tuple[Any, dict[str, Output]]:
    from ..export import to_csv_bytes
    from ..rebalance import FixSettings, apply_fix

    fix = apply_fix(dataset.frame, FixSettings(
        target=p["target"], strategy=p["strategy"], test_size=p.get("test_size"), seed=int(p.get("seed", 0)),
        group=p.get("group"), model=p.get("model", "logreg"), add_is_synthetic=bool(p.get("is_synthetic", False)),
        cost_ratio=p.get("cost_ratio"), threshold_objective=p.get("threshold_objective", "balanced_accuracy"),
        source_name=dataset.name, source_sha256=dataset.input_sha256, source_steps=dataset.steps, projection=False,
        excluded=tuple(p.get("exclude") or ()),
    ))
    protect = _protect(p)
    outputs = {"train": Output("train", to_csv_bytes(fix.train, protect_formulas=protect, source=dataset,
                                                     rows=fix.train_rows), fix.train, fix.n_synthetic)}
    if fix.test is not None:
        outputs["test"] = Output("test", to_csv_bytes(fix.test, protect_formulas=protect, source=dataset,
                                                      rows=fix.test_rows), fix.test, 0)
    return fix, outputs


# --- sampling fixes (post-stratification, raking, stratified resample) ---------------------
def sampling_fix_parameters(settings: Any, *, protect: bool) -> dict[str, Any]:
    """Parameters of ``sampling-fix`` from :class:`analysis.sampling.FixSettings` (``bias -o`` is post-stratification)."""
    return {
        "method": settings.method,
        "margins": [{"column": m.column, "shares": dict(m.shares), "source": m.source} for m in settings.margins],
        "rows": settings.rows, "replace": bool(settings.replace), "seed": int(settings.seed),
        "formula_protection": protect,
    }


def _run_sampling_fix(dataset: Dataset, p: Mapping[str, Any]) -> tuple[Any, dict[str, Output]]:
    from ..sampling import FixSettings, ReferenceShares, Resample, fix_csv

    margins = tuple(ReferenceShares(m["column"], dict(m["shares"]), m.get("source", "recorded shares"))
                    for m in p["margins"])
    settings = FixSettings(p["method"], margins, rows=p.get("rows"), replace=bool(p.get("replace", False)),
                           seed=int(p.get("seed", 0)))
    fix = settings.run(dataset.frame)
    safe, recipe = fix_csv(dataset.frame, settings, fix, source_name=dataset.name, source_sha256=dataset.input_sha256,
                            protect_formulas=_protect(p), source=dataset)
    frame = fix.apply(dataset.frame) if isinstance(fix, Resample) else dataset.frame
    return fix, {"data": Output("data", safe, frame, 0, recipe)}


# --- weak labels -------------------------------------------------------------------------
def weak_parameters(lfs: Any, settings: Any, *, protect: bool) -> dict[str, Any]:
    """Parameters of ``weak`` from an LF set (or LF columns) and :class:`analysis.weak.LabelModelSettings`."""
    from ..weak import LFSet

    p: dict[str, Any] = {"lf_set": lfs.to_dicts()} if isinstance(lfs, LFSet) else \
        {"lfs": list(lfs.names), "abstain": lfs.abstain}
    p.update({
        "gold": settings.gold, "labels": None if settings.labels is None else list(settings.labels),
        "class_prior": None if settings.class_prior is None else [list(pair) for pair in settings.class_prior],
        "formula_protection": protect,
    })
    return p


def _run_weak(dataset: Dataset, p: Mapping[str, Any]) -> tuple[Any, dict[str, Output]]:
    from ..export import to_csv_bytes
    from ..weak import LabelModelSettings, LFColumns, LFSet, fit_weak_labels, with_weak_labels

    lfs: LFColumns | LFSet
    if p.get("lf_set") is not None:
        lfs = LFSet.from_json(json.dumps(p["lf_set"]))
    else:
        lfs = LFColumns(tuple(p["lfs"]), abstain=p.get("abstain", -1))
    prior = p.get("class_prior")
    settings = LabelModelSettings(gold=p.get("gold"), labels=None if p.get("labels") is None else tuple(p["labels"]),
                                  class_prior=None if prior is None else tuple((k, float(v)) for k, v in prior))
    result = fit_weak_labels(dataset.frame, lfs, settings)
    frame = with_weak_labels(dataset.frame, result.model)
    return result, {"data": Output("data", to_csv_bytes(frame, protect_formulas=_protect(p), source=dataset), frame)}


# --- consensus labels, label corrections, outlier rows (dashboard downloads) -------------
def consensus_parameters(settings: Any, *, protect: bool) -> dict[str, Any]:
    """Parameters of ``consensus`` from :class:`analysis.labels.ConsensusSettings`."""
    return {"annotators": list(settings.annotators), "method": settings.method, "gold": settings.gold,
            "formula_protection": protect}


def _run_consensus(dataset: Dataset, p: Mapping[str, Any]) -> tuple[Any, dict[str, Output]]:
    from ..export import to_csv_bytes
    from ..labels import ConsensusSettings, with_consensus

    consensus = ConsensusSettings(tuple(p["annotators"]), method=p.get("method", "dawid_skene"),
                                  gold=p.get("gold")).run(dataset.frame)
    frame = with_consensus(dataset.frame, consensus)
    return consensus, {"data": Output("data", to_csv_bytes(frame, protect_formulas=_protect(p), source=dataset), frame)}


def corrections_parameters(corrections: Any, *, protect: bool) -> dict[str, Any]:
    """Parameters of ``label-corrections`` from :class:`analysis.labels.Corrections` (the accepted suggestions)."""
    return {"target": corrections.target, "corrections": [[int(r), v] for r, v in corrections.pairs],
            "formula_protection": protect}


def _run_corrections(dataset: Dataset, p: Mapping[str, Any]) -> tuple[Any, dict[str, Output]]:
    from ..export import to_csv_bytes
    from ..labels import Corrections

    corrections = Corrections.of(p["target"], {int(r): v for r, v in p["corrections"]})
    frame = corrections.apply(dataset.frame)
    like = {f"{corrections.target}_corrected": corrections.target}
    csv = to_csv_bytes(frame, protect_formulas=_protect(p), source=dataset, like=like)
    return corrections, {"data": Output("data", csv, frame)}


def outliers_parameters(target: str, settings: Any, *, protect: bool) -> dict[str, Any]:
    """Parameters of ``outliers`` (the top outlier rows) from :class:`analysis.overview.OutlierSettings`."""
    return {"target": target, "threshold": settings.threshold, "top": settings.top, "max_rows": settings.max_rows,
            "seed": int(settings.seed), "beyond_sample": bool(settings.beyond_sample), "formula_protection": protect}


def _run_outliers(dataset: Dataset, p: Mapping[str, Any]) -> tuple[Any, dict[str, Output]]:
    from ..export import to_csv_bytes
    from ..overview.outliers import OutlierSettings, outlier_summary

    # a recipe from before the rows beyond the sample were scored has no "beyond_sample": it gave the sample's alone
    settings = OutlierSettings(threshold=float(p["threshold"]), top=int(p["top"]), max_rows=int(p["max_rows"]),
                               seed=int(p.get("seed", 0)), beyond_sample=bool(p.get("beyond_sample", False)))
    summary = outlier_summary(dataset.frame, target=p["target"], settings=settings)
    frame, positions = summary.top_data(dataset.frame)
    csv = to_csv_bytes(frame, protect_formulas=_protect(p), source=dataset, rows=positions)
    return summary, {"data": Output("data", csv, frame, 0)}


for _recipe in (
    Recipe("augment", "Augmented training data (and its untouched holdout)", _run_augment),
    Recipe("fix", "Rebalanced training data (and its untouched test split)", _run_fix),
    Recipe("sampling-fix", "Reweighted or resampled data (sampling bias)", _run_sampling_fix),
    Recipe("weak", "Data with weak labels", _run_weak),
    Recipe("consensus", "Data with consensus labels", _run_consensus),
    Recipe("label-corrections", "Data with accepted label corrections", _run_corrections),
    Recipe("outliers", "The top outlier rows", _run_outliers),
):
    RECIPES.register(_recipe)


# --- the input, as the recipe saw it ---------------------------------------------------------
def load_input(path: str | Path, steps: tuple[Mapping[str, Any], ...] | list = (), *, max_bytes: int | None = None) -> Dataset:
    """Read an input file and redo the recorded steps (e.g. tokens read as missing) the recipe ran after reading it."""
    from ..io import DEFAULT_MAX_BYTES, load_csv

    dataset = load_csv(Path(path), max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    for raw in steps:
        step = _step(raw)
        sha = hashlib.sha256(f"{dataset.sha256}|{json.dumps(dict(raw), sort_keys=True)}".encode()).hexdigest()
        dataset = replace(dataset, frame=step.apply(dataset.frame), steps=(*dataset.steps, step), sha256=sha,
                          file_sha256=dataset.input_sha256)
    return dataset


def _step(raw: Mapping[str, Any]) -> Any:
    from ..columns import TokensAsMissing

    if raw.get("step") == "read_tokens_as_missing":
        return TokensAsMissing(tuple((str(c), tuple(str(t) for t in tokens)) for c, tokens in raw["columns"].items()))
    raise ProvenanceError(f"The provenance names an input step this version cannot redo: {raw.get('step')!r}.")
