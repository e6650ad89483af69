"""CLI subcommands of the rebalancing lab: ``compare`` and ``fix``.

``compare`` prints :meth:`analysis.rebalance.Comparison.to_dict` with
``--format json`` (the pinned keys: ``strategies[].name``,
``strategies[].metrics.<metric>.mean/std``, ``folds``, ``repeats``, ``seed``,
``model``; skipped strategies carry ``skipped``). ``fix`` writes the fixed CSV
and, with ``--test-size``, the untouched test split as ``<OUT>_test.csv``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import RebalanceError

__all__ = ["add_rebalance_commands"]


def add_rebalance_commands(sub) -> None:
    """Register ``compare`` and ``fix`` on the subparsers of ``dataset-diagnostics``."""
    from ..rebalance import DEFAULT_STRATEGIES, DEFAULT_TEST_SIZE, METRICS, MODELS, STRATEGIES, THRESHOLD_OBJECTIVES
    from . import common as cli
    from .common import add_common, add_exclude

    compare = sub.add_parser("compare", help="cross-validated metrics per rebalancing strategy (leakage-free)")
    compare.add_argument("data", help="CSV, Parquet (a file, folder or glob) or .xlsx file")
    compare.add_argument("--target", required=True, help="label column")
    compare.add_argument(
        "--strategies",
        default=",".join(DEFAULT_STRATEGIES),
        help=f"comma-separated, from: {', '.join(STRATEGIES)} (default: {','.join(DEFAULT_STRATEGIES)})",
    )
    compare.add_argument("--model", choices=tuple(MODELS), default="logreg")  # the model registry
    compare.add_argument("--folds", type=cli.FOLDS, default=5)
    compare.add_argument("--repeats", type=cli.REPEATS, default=1)
    compare.add_argument("--seed", type=cli.SEED, default=0)
    compare.add_argument("--subsample", type=cli.number(int, low=4), default=None, help="evaluate on a stratified subsample of N rows")
    compare.add_argument("--cost-ratio", type=cli.POSITIVE, default=None, help="class_weight: minority cost relative to majority")
    compare.add_argument("--threshold-objective", choices=THRESHOLD_OBJECTIVES, default="balanced_accuracy")
    compare.add_argument("--jobs", type=cli.number(int, low=1, high=64), default=None, help="parallel processes for the folds (default: auto, at most 2)")
    compare.add_argument("--group", default=None, metavar="COL",
                         help="keep rows sharing a value of COL (patient, user, session) in one fold; rows with "
                         "identical features always stay together")
    compare.add_argument("--rank-by", default="balanced_accuracy", choices=tuple(METRICS),
                         help="the metric the summary line ranks strategies by (default: balanced_accuracy)")
    add_exclude(compare)
    add_common(compare)
    compare.set_defaults(func=_cmd_compare)

    fix = sub.add_parser("fix", help="write the fixed dataset (and an untouched test split beside it)")
    fix.add_argument("data", help="CSV, Parquet (a file, folder or glob) or .xlsx file")
    fix.add_argument("--target", required=True, help="label column")
    fix.add_argument("--strategy", required=True, help=f"one of: {', '.join(STRATEGIES)}")
    fix.add_argument("--test-size", type=cli.number(float, low=0, high=1, high_open=True), default=DEFAULT_TEST_SIZE,
                     help=f"holdout-safe: set this share aside first, untouched (default {DEFAULT_TEST_SIZE}, as on "
                     "the page; 0 for no test split)")
    fix.add_argument("--group", default=None, metavar="COL",
                     help="keep rows sharing a value of COL (patient, user, session) on one side of the test split")
    fix.add_argument("--seed", type=cli.SEED, default=0)
    fix.add_argument("--model", choices=tuple(MODELS), default="logreg", help="model the threshold is tuned for")
    fix.add_argument("--cost-ratio", type=cli.POSITIVE, default=None)
    fix.add_argument("--threshold-objective", choices=THRESHOLD_OBJECTIVES, default="balanced_accuracy")
    fix.add_argument("--is-synthetic", action="store_true", help="add an is_synthetic column")
    fix.add_argument("--no-protect", "--no-formula-protection", dest="no_formula_protection", action="store_true",
                     help="do not prefix formula-like text cells with '")
    fix.add_argument("-o", "--output", required=True, help="output CSV path")
    add_exclude(fix)
    add_common(fix)
    fix.set_defaults(func=_cmd_fix)


def _cmd_compare(args: argparse.Namespace) -> int:
    from ..rebalance import CompareSettings, compare_strategies
    from .common import emit, excluded_columns, load

    dataset = load(args)
    excluded = excluded_columns(args, dataset.frame.columns, target=args.target)
    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    if not strategies:
        raise RebalanceError("--strategies is empty; give comma-separated strategy names, e.g. none,smote.")

    def progress(event) -> None:
        if args.format == "text" and hasattr(event, "skipped"):
            print(f"  finished {event.name}", file=sys.stderr, flush=True)

    settings = CompareSettings(
        target=args.target, strategies=tuple(strategies), model=args.model, folds=args.folds,
        repeats=args.repeats, seed=args.seed, subsample=args.subsample, cost_ratio=args.cost_ratio,
        threshold_objective=args.threshold_objective, group=args.group, excluded=excluded,
    )
    if args.rank_by not in result_metrics(dataset.frame, args.target):
        raise RebalanceError(f"--rank-by {args.rank_by} needs a binary target; '{args.target}' has more classes.")
    result = compare_strategies(dataset.frame, settings, n_jobs=args.jobs, callback=progress)
    payload = result.to_dict()
    payload["ranking"] = result.ranking(args.rank_by).to_dict()
    payload["data"] = dataset.name
    return emit(args, payload, _compare_text(result, args.rank_by))


def result_metrics(frame, target: str) -> tuple[str, ...]:
    """The metrics a comparison on this target reports (binary-only ones need two classes)."""
    from ..rebalance.metrics import metric_names

    classes = frame[target].dropna().nunique() if target in frame.columns else 2
    return metric_names(0 if classes == 2 else None)


def _compare_text(result, rank_by: str = "balanced_accuracy") -> str:
    metrics = [m for m in ("balanced_accuracy", "f1_macro", "mcc", "roc_auc", "average_precision", "brier")
               if m in result.metric_names]
    head = ["strategy".ljust(17)] + [m[:17].rjust(17) for m in metrics]
    lines = [
        f"target '{result.target}', model {result.model}, {result.folds}-fold x {result.repeats} "
        f"(seed {result.seed}), {result.rows_used:,} rows"
        + (f" (stratified subsample of {result.rows_total:,})" if result.subsample else ""),
        "mean ± std across folds; * better / - worse than 'none' (corrected resampled t-test, p < 0.05)",
        "",
        " ".join(head),
    ]
    for r in result.strategies:
        if not r.ok:
            lines.append(f"{r.name:<17} skipped: {r.skipped}")
            continue
        cells = []
        for m in metrics:
            s = r.metrics[m]
            v = r.versus_baseline.get(m)
            mark = {"better": "*", "worse": "-"}.get(v.verdict, " ") if v else " "
            cells.append(f"{s.mean:.3f}±{s.std:.3f}{mark}".rjust(17))
        lines.append(f"{r.name:<17} " + " ".join(cells))
    lines += ["", result.ranking(rank_by).summary]
    lines += [f"! {n}" for n in result.notes]
    return "\n".join(lines)


def _cmd_fix(args: argparse.Namespace) -> int:
    from ..provenance import RECIPES, write_output
    from .common import emit, excluded_columns, load

    dataset = load(args)
    excluded = excluded_columns(args, dataset.frame.columns, target=args.target)
    out = Path(args.output)
    if out.suffix.lower() != ".csv":
        raise RebalanceError(f"The output must be a .csv path; got '{out}'.")
    if not out.parent.exists():
        raise RebalanceError(f"The output folder '{out.parent}' does not exist. Create it or choose another path.")
    protect = not args.no_formula_protection
    # The recipe's parameters are the flags; the same recipe re-runs them in `verify --input`.
    parameters = {
        "target": args.target, "strategy": args.strategy, "test_size": args.test_size or None,  # 0: no test split
        "group": args.group, "seed": args.seed, "model": args.model, "cost_ratio": args.cost_ratio,
        "threshold_objective": args.threshold_objective, "is_synthetic": args.is_synthetic,
        "exclude": list(excluded), "formula_protection": protect,
    }
    fix, outputs = RECIPES["fix"].run(dataset, parameters)
    train = outputs["train"].csv
    written = {"train": str(out)}
    paths = {"train": out, "test": out.with_name(out.stem + "_test.csv")}
    for role, output in outputs.items():
        written[f"{role}_provenance"] = str(write_output(
            paths[role], output.data, command="fix", parameters=parameters, source=dataset, written_by="cli fix",
            frame=output.frame, synthetic=output.synthetic, role=role))
    if fix.test is not None:
        written["test"] = str(paths["test"])
    recipe_path = out.with_name(out.stem + "_recipe.json")
    recipe = dict(fix.recipe)
    recipe["settings"] = {**recipe["settings"], "formula_protection": protect}
    recipe_path.write_text(json.dumps(recipe, indent=2, default=str))
    written["recipe"] = str(recipe_path)
    payload = fix.to_dict()
    payload["files"] = written
    payload["formula_protection"] = {"on": protect, "cells_protected": train.protected_cells}
    lines = [
        f"{fix.strategy}: {len(fix.train):,} training rows written to {out}"
        + (f"; {len(fix.test):,} untouched test rows to {written['test']}" if fix.test is not None else ""),
        "class counts before -> after: "
        + ", ".join(f"{k}: {fix.counts_before[k]:,} -> {fix.counts_after[k]:,}" for k in fix.counts_before),
        f"recipe: {recipe_path}; provenance: {written['train_provenance']}",
        "formula protection: " + (f"on ({train.protected_cells} cells prefixed with ')" if protect else "off"),
    ]
    if fix.threshold is not None:
        lines.append(f"threshold: {fix.threshold:.4f}")
    lines += [f"note: {n}" for n in fix.notes]
    return emit(args, payload, "\n".join(lines))
