"""``report``: the overview of one file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from . import common as cli
from .common import add_common, emit, load

if TYPE_CHECKING:
    from ..columns import LeakageReport
    from ..overview import Overview


def add_overview_commands(sub: Any) -> None:
    report = sub.add_parser("report", help="overview: shape, column roles, class balance, missing, duplicates")
    report.add_argument("data", help="CSV, Parquet (a file, folder or glob) or .xlsx file")
    report.add_argument(
        "--target",
        help="label column (default: the column that is clearly the label; without one, exit 2 naming the candidates)",
    )
    report.add_argument("--folds", type=cli.FOLDS, default=5, help="CV folds to check class sizes against")
    add_common(report)
    report.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from ..columns import leakage_suspects
    from ..errors import NoTargetCandidateError
    from ..overview import overview
    from ..schema import infer_schema, suggest_target

    dataset = load(args)
    schema = infer_schema(dataset.frame)
    notes = list(dataset.notes)
    target = args.target
    candidates = list(schema.target_candidates)
    if target is None:
        try:
            target = suggest_target(schema)
        except NoTargetCandidateError as exc:  # no clear label: exit 2 naming the best candidates
            hint = " Pass it with --target COLUMN." if exc.available else ""
            raise NoTargetCandidateError(f"{exc}{hint}", available=exc.available) from None
        reason = schema.target_choice.reason if schema.target_choice else ""
        notes.append(f"No --target given; using '{target}': {reason}")
    else:
        reason = "Given with --target."
    result = overview(dataset, target=target, schema=schema, cv_folds=args.folds)
    notes += [n for n in result.notes if n not in notes]  # e.g. a pass that could not run, and why
    leakage = leakage_suspects(dataset.frame, target=target, schema=schema)
    payload = result.to_dict()
    payload["leakage"] = leakage.summary_dict()
    payload["notes"] = notes
    payload["target_choice"] = {"column": target, "reason": reason, "candidates": candidates}
    return emit(args, payload, _report_text(result, notes, leakage))


def _report_text(result: Overview, notes: list[str], leakage: LeakageReport) -> str:
    cb = result.class_balance
    lines = [
        f"{result.name}: {result.rows:,} rows x {result.columns} columns; target '{result.target}'",
        "",
        f"Class balance ({cb.n_classes} classes, verdict: {cb.verdict})",
    ]
    width = max(len(str(k)) for k in cb.counts)
    for label, count in cb.counts.items():
        lines.append(f"  {str(label):<{width}}  {count:>10,}  {cb.proportions[label]:7.2%}")
    lines += [
        f"  imbalance ratio {cb.imbalance_ratio:.2f}  normalized entropy {cb.normalized_entropy:.3f}  "
        f"minority {cb.minority_class!r} ({cb.minority_count:,})",
        f"  {cb.verdict_text}",
    ]
    lines += [f"  ! {w}" for w in cb.warnings]
    missing = {k: v for k, v in result.missing.items() if v}
    lines += ["", f"Missing values: {result.missing_cells:,} cells in {len(missing)} columns"]
    lines += [f"  {k}: {v:,} ({v / result.rows:.1%})" for k, v in sorted(missing.items(), key=lambda kv: -kv[1])]
    d = result.duplicates
    lines += [
        "",
        f"Duplicate rows: {d.duplicate_rows:,}",
        f"Conflicting duplicates: {d.conflicting_duplicates:,} rows in {d.conflicting_groups:,} groups "
        "(same features, different label)",
        "",
        "Column roles: " + ", ".join(f"{c.name} ({c.role})" for c in result.schema.columns),
        "",
        f"Leakage ({leakage.verdict}): {leakage.verdict_text}",
    ]
    if notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(lines)
