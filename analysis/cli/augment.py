"""CLI of the augmentation lab: ``augment``.

- ``augment DATA --target COL --strategy NAME [--templates FILE] [--test-size F] [--seed S] -o OUT``
  writes the augmented training CSV (original columns, ``is_synthetic``,
  ``augmentation``), the untouched holdout as ``<OUT>_holdout.csv``, and the
  recipe as ``<OUT>_recipe.json`` / ``<OUT>_recipe.py``.
- ``augment DATA --target COL --compare [--strategies a,b] [--templates FILE]``
  cross-validates strategies and prints ``strategies: [{name, clean, perturbed,
  p_value_vs_none, skipped, reason}]`` (with ``--format json``) and the verdict.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_augment_commands"]


def add_augment_commands(sub) -> None:
    """Register ``augment`` on the subparsers of ``dataset-diagnostics``."""
    from ..augment import AUGMENTATIONS, DEFAULT_AUGMENTATIONS
    from ..models import MODELS
    from . import common as cli
    from .common import add_common, add_exclude

    listing = "; ".join(f"{s.name}: {s.explanation}" for s in AUGMENTATIONS.values())
    p = sub.add_parser(
        "augment", help="augmented training data, or a comparison of augmentation strategies (--compare)",
        description="Augment the training part of a table (an untouched holdout is set aside first), or compare "
        f"strategies under cross-validation on clean and perturbed test folds. Strategies: {listing}",
    )
    p.add_argument("data", help="CSV file")
    p.add_argument("--target", required=True, help="label column")
    p.add_argument("--strategy", default=None, help=f"the strategy to apply, one of: {', '.join(AUGMENTATIONS)}")
    p.add_argument("--compare", action="store_true", help="compare strategies instead of writing a file")
    p.add_argument("--strategies", default=",".join(DEFAULT_AUGMENTATIONS),
                   help=f"with --compare: comma-separated, from: {', '.join(AUGMENTATIONS)} "
                   f"(default: {','.join(DEFAULT_AUGMENTATIONS)})")
    p.add_argument("--templates", default=None, metavar="FILE",
                   help='JSON: {"templates": [{"template": "I want to {action} my {item}", "label": "refund"}], '
                   '"slots": {"action": [...], "item": [...]}, "column": "text"}')
    p.add_argument("--model", choices=tuple(MODELS), default="logreg")
    p.add_argument("--folds", type=cli.FOLDS, default=5)
    p.add_argument("--repeats", type=cli.REPEATS, default=1)
    p.add_argument("--seed", type=cli.SEED, default=0)
    p.add_argument("--test-size", type=cli.number(float, low=0, high=1, high_open=True), default=0.2,
                   help="the share set aside first as an untouched holdout (default 0.2; 0 for none)")
    p.add_argument("--group", default=None, metavar="COL",
                   help="keep rows sharing a value of COL on one side of the holdout split")
    p.add_argument("--no-protect", "--no-formula-protection", dest="no_formula_protection", action="store_true",
                   help="do not prefix formula-like text cells with '")
    p.add_argument("-o", "--output", default=None, help="output CSV path (without --compare)")
    add_exclude(p)
    add_common(p)
    p.set_defaults(func=_cmd_augment)


def _cmd_augment(args: argparse.Namespace) -> int:
    from ..augment import AUGMENTATIONS, AugmentError, load_templates
    from .common import excluded_columns, load

    templates = load_templates(Path(args.templates)) if args.templates else None
    if args.compare:
        names = [s.strip() for s in args.strategies.split(",") if s.strip()]
        if not names:
            raise AugmentError("--strategies is empty; give comma-separated strategy names, e.g. none,mixup.")
        for name in names:
            AUGMENTATIONS[name]
        dataset = load(args)
        return _compare(args, dataset, names, templates,
                        excluded_columns(args, dataset.frame.columns, target=args.target))
    if args.strategy is None:
        raise AugmentError("Give --strategy NAME (and -o OUT.csv) to write augmented data, or --compare to compare "
                           f"strategies. Strategies: {', '.join(AUGMENTATIONS)}.")
    AUGMENTATIONS[args.strategy]
    if args.output is None:
        raise AugmentError("Give -o OUT.csv: where to write the augmented training data.")
    out = Path(args.output)
    if out.suffix.lower() != ".csv":
        raise AugmentError(f"The output must be a .csv path; got '{out}'.")
    if not out.parent.exists():
        raise AugmentError(f"The output folder '{out.parent}' does not exist. Create it or choose another path.")
    dataset = load(args)
    return _write(args, dataset, out, templates, excluded_columns(args, dataset.frame.columns, target=args.target))


def _compare(args, dataset, names, templates, excluded) -> int:
    from ..augment import AugmentCompareSettings, AugmentProgress, compare_augmentations
    from .common import emit

    def progress(event) -> None:
        if args.format == "text" and isinstance(event, AugmentProgress) and event.done == event.total:
            print("  done", file=sys.stderr, flush=True)

    settings = AugmentCompareSettings(target=args.target, strategies=tuple(names), model=args.model,
                                      folds=args.folds, repeats=args.repeats, seed=args.seed, templates=templates,
                                      excluded=excluded)
    result = compare_augmentations(dataset.frame, settings, callback=progress)
    payload = result.to_dict()
    payload["data"] = dataset.name
    metrics = [m for m in ("balanced_accuracy", "f1_macro", "roc_auc") if m in result.metric_names]
    lines = [f"target '{result.target}', model {result.model}, {result.folds}-fold x {result.repeats} "
             f"(seed {result.seed}), {result.rows_used:,} rows; perturbed = {result.perturbation}",
             "mean clean / perturbed; * better / - worse than 'none' (corrected resampled t-test, p < 0.05)", ""]
    lines.append("strategy".ljust(16) + "".join(m[:22].rjust(24) for m in metrics))
    for r in result.strategies:
        if r.skipped:
            lines.append(f"{r.name:<16}skipped: {r.reason}")
            continue
        cells = []
        for m in metrics:
            marks = [{"better": "*", "worse": "-"}.get(v[m].verdict, " ") if m in v else " "
                     for v in (r.versus_clean, r.versus_perturbed)]
            cells.append(f"{r.clean[m].mean:.3f}{marks[0]} / {r.perturbed[m].mean:.3f}{marks[1]}".rjust(24))
        lines.append(f"{r.name:<16}" + "".join(cells))
    lines += ["", result.verdict_text] + [f"! {n}" for n in result.notes]
    return emit(args, payload, "\n".join(lines))


def _write(args, dataset, out: Path, templates, excluded) -> int:
    from ..augment import AugmentSettings, augment_files
    from ..provenance import RECIPES, augment_parameters, write_output
    from .common import emit

    protect = not args.no_formula_protection
    settings = AugmentSettings(
        target=args.target, strategy=args.strategy, test_size=args.test_size or None, seed=args.seed,
        templates=templates, group=args.group, excluded=excluded, source_name=dataset.name,
        source_sha256=dataset.input_sha256,
    )
    # The CSVs come from the same recipe `verify --input` re-runs; each gets its provenance beside it.
    parameters = augment_parameters(settings, protect=protect)
    result, outputs = RECIPES["augment"].run(dataset, parameters)
    files = augment_files(result, base_name=out.stem, protect_formulas=protect, source=dataset)
    written = {}
    for name, data in files.items():
        path = out.with_name(name)
        kind = {".csv": "holdout" if name.endswith("_holdout.csv") else "train", ".json": "recipe",
                ".py": "snippet"}[path.suffix]
        if path.suffix == ".csv":
            role = "test" if kind == "holdout" else "train"
            written[f"{kind}_provenance"] = str(write_output(
                path, outputs[role].data, command="augment", parameters=parameters, source=dataset, written_by="cli augment",
                frame=outputs[role].frame, synthetic=outputs[role].synthetic, role=role))
        else:
            path.write_bytes(data)
        written[kind] = str(path)
    payload = result.to_dict()
    payload["files"] = written
    payload["formula_protection"] = protect
    lines = [result.verdict_text] + [f"{k}: {v}" for k, v in written.items()] + [f"note: {n}" for n in result.notes]
    return emit(args, payload, "\n".join(lines))
