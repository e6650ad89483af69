"""CLI subcommand of the robustness lab: ``robustness``.

``--format json`` prints :meth:`analysis.robustness.RobustnessResult.to_dict`
(the pinned keys: ``clean.<metric>.{mean, ci_low, ci_high}``,
``perturbations[].{kind, strength, metrics, flip_rate}``,
``feature_sensitivity[].{feature, drop}``; perturbations that cannot run on the
table are listed under ``skipped`` with the reason).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_robustness_commands"]


def add_robustness_commands(sub) -> None:
    """Register ``robustness`` on the subparsers of ``dataset-diagnostics``."""
    from ..models import MODELS
    from ..robustness import PERTURBATIONS
    from . import common as cli
    from .common import add_common, add_exclude

    p = sub.add_parser("robustness", help="cross-validated scores under perturbations of increasing strength")
    p.add_argument("data", help="CSV file")
    p.add_argument("--target", required=True, help="label column")
    p.add_argument("--model", choices=tuple(MODELS), default="logreg")  # the model registry
    p.add_argument(
        "--perturbations", default=None, metavar="a,b",
        help="comma-separated, from: " + "; ".join(f"{k.name} ({'/'.join(k.applies_to)})" for k in PERTURBATIONS.values())
        + " (default: all; those that do not fit the table's columns are skipped with the reason)",
    )
    p.add_argument("--strengths", default=None, metavar="s1,s2",
                   help="comma-separated strengths for every kind (default: each kind's ladder, e.g. "
                   "0.05,0.1,0.25,0.5,1 for noise)")
    p.add_argument("--folds", type=cli.FOLDS, default=5)
    p.add_argument("--seed", type=cli.SEED, default=0)
    p.add_argument("--no-sensitivity", action="store_true", help="skip the per-feature sensitivity pass")
    p.add_argument("--group", default=None, metavar="COL",
                   help="keep rows sharing a value of COL (patient, user, session) in one fold")
    add_exclude(p)
    add_common(p)
    p.set_defaults(func=_cmd_robustness)


def _list(text: str | None, what: str) -> tuple[str, ...] | None:
    from ..robustness import RobustnessError

    if text is None:
        return None
    items = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    if not items:
        raise RobustnessError(f"--{what} is empty; give comma-separated values.")
    return items


def _strengths(text: str | None) -> tuple[float, ...] | None:
    from ..robustness import RobustnessError

    items = _list(text, "strengths")
    if items is None:
        return None
    try:
        return tuple(float(s) for s in items)
    except ValueError:
        raise RobustnessError(f"--strengths must be comma-separated numbers of at least 0; got '{text}'.") from None


def _cmd_robustness(args: argparse.Namespace) -> int:
    from ..robustness import RobustnessProgress, RobustnessSettings, iter_robustness, plan_robustness
    from .common import emit, excluded_columns, load

    dataset = load(args)
    excluded = excluded_columns(args, dataset.frame.columns, target=args.target)
    settings = RobustnessSettings(
        target=args.target, model=args.model, perturbations=_list(args.perturbations, "perturbations"),
        folds=args.folds, seed=args.seed, strengths=_strengths(args.strengths), sensitivity=not args.no_sensitivity,
        group=args.group, excluded=excluded,
    )
    plan = plan_robustness(dataset.frame, settings)
    result = None
    for event in iter_robustness(plan):
        if isinstance(event, RobustnessProgress):
            if args.format == "text":
                print(f"  fold {event.fold}/{event.folds}: {event.stage} ({event.done}/{event.total})",
                      file=sys.stderr, flush=True)
        else:
            result = event
    assert result is not None
    payload = result.to_dict()
    payload["data"] = dataset.name
    return emit(args, payload, _text(result))


def _text(result) -> str:
    from ..rebalance import METRICS

    m = "balanced_accuracy"
    clean = result.clean[m]
    lines = [
        f"target '{result.target}', model {result.model}, {result.folds}-fold (seed {result.seed}), "
        f"{result.rows_used:,} rows",
        f"clean {METRICS[m].label}: {clean.mean:.3f} (95% {clean.ci_low:.3f} to {clean.ci_high:.3f}); "
        f"majority baseline {result.majority_baseline:.3f}",
        "",
        f"{'perturbation':<16}{'strength':>9}{m:>20}{'95% interval':>18}{'flip rate':>11}",
    ]
    for p in result.perturbations:
        s = p.metrics[m]
        lines.append(f"{p.kind:<16}{p.strength:>9g}{s.mean:>20.3f}{f'{s.ci_low:.3f}-{s.ci_high:.3f}':>18}"
                     f"{p.flip_rate:>11.1%}")
    for kind, reason in result.skipped.items():
        lines.append(f"{kind:<16} skipped: {reason}")
    if result.sensitivity:
        lines += ["", "per-feature sensitivity (drop of balanced accuracy, largest first):"]
        lines += [f"  {s.feature}: {s.drop:+.3f} ({s.kind} at {s.strength:g})" for s in result.sensitivity[:10]]
    lines += ["", f"verdict: {result.verdict_text}"]
    lines += [f"! {n}" for n in result.notes]
    return "\n".join(lines)
