"""``report``: the overview of one file."""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, Any

from . import common as cli
from .common import add_common, emit, load

if TYPE_CHECKING:
    from ..columns import LeakageReport
    from ..overview import Overview
    from ..rowsample import SampleInfo


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
    if cli.chosen_engine(args, args.data) != "pandas" and not cli.is_xlsx(args.data):
        return _cmd_report_engine(args)
    from ..threads import short_gil_turns

    with short_gil_turns():  # the import and the leakage fits run beside numpy work on every row
        return _report_on_pandas(args)


def _report_on_pandas(args: argparse.Namespace) -> int:
    from ..errors import NoTargetCandidateError
    from ..overview import overview
    from ..schema import infer_schema, suggest_target
    from ..threads import in_background, parse_leaving, worker_threads

    # scikit-learn's import (about 1 s of Python; the outlier and leakage passes need it) from the start:
    # pyarrow parses outside the GIL, and the import is then done before the passes that wait for it
    # (1M x 30: 0.5 s less, and no higher peak, as the passes after the read peak higher than the read).
    # The CSV parse leaves it a core: with every core parsing, the import ended after the column roles.
    in_background(importlib.import_module, "sklearn.ensemble")
    with parse_leaving(1 if worker_threads() > 1 else 0):  # with one thread, the import is already done
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
    # the single-feature leakage models (small tree fits on the stratified sample, mostly scikit-learn's
    # Python) beside the overview, whose hashing and scoring of every row is numpy outside the GIL
    leaking = in_background(_leakage_on_sample, dataset.frame, target, schema)
    result = overview(dataset, target=target, schema=schema, cv_folds=args.folds)
    notes += [n for n in result.notes if n not in notes]  # e.g. a pass that could not run, and why
    leakage, sample = leaking.result()
    if sample is not None:
        args.sample_info = sample  # the JSON's `sample`, and a note under the text
        notes.append(sample.note())
    payload = result.to_dict()
    payload["leakage"] = leakage.summary_dict()
    payload["notes"] = notes
    payload["target_choice"] = {"column": target, "reason": reason, "candidates": candidates}
    return emit(args, payload, _report_text(result, notes, leakage))


def _leakage_on_sample(frame: Any, target: str, schema: Any) -> tuple[LeakageReport, SampleInfo | None]:
    """The leakage summary on the stratified sample the outlier scores used (every row when small).

    One sampler and one size for every model-based pass (:mod:`analysis.rowsample`, shared with
    DuckDB and Spark): above :data:`~analysis.rowsample.SAMPLE_ROWS` rows the single-feature models
    and rules see the sample's rows; counts, roles and near-duplicate groups stay over all rows.
    """
    from ..columns import leakage_suspects
    from ..rowsample import SAMPLE_ROWS, SampleInfo, stratified_positions

    rows = stratified_positions(len(frame), frame[target], sample_rows=SAMPLE_ROWS, seed=0)
    if rows is None:
        return leakage_suspects(frame, target=target, schema=schema), None
    sample = SampleInfo(len(rows), len(frame), 0, target, passes="outlier scores, leakage models and rules")
    return leakage_suspects(frame.iloc[rows].reset_index(drop=True), target=target, schema=schema), sample


def _cmd_report_engine(args: argparse.Namespace) -> int:
    """``report`` on DuckDB or Spark: counts over every row, roles/leakage/near-duplicates/outliers
    on the stratified sample (the whole table when it is small), the same JSON as pandas."""
    from ..columns import leakage_suspects
    from ..engines import engine_overview, open_table, whole_table
    from ..engines.overview import exact_schema
    from ..engines.sample import draw_sample
    from ..errors import NoTargetCandidateError
    from ..schema import suggest_target

    settings = cli.engine_settings(args)
    table = open_table(args.data, settings)
    args.engine_used = table.engine
    target = args.target
    notes = list(table.notes)
    reason = "Given with --target."
    schema = None
    if target is None:  # roles (and so the label) are read from the sample, as pandas reads them from the frame
        frame, _ = draw_sample(table, target=None, sample_rows=settings.sample_rows, seed=settings.seed)
        schema = exact_schema(frame, {}, len(frame))
        try:
            target = suggest_target(schema)
        except NoTargetCandidateError as exc:
            hint = " Pass it with --target COLUMN." if exc.available else ""
            raise NoTargetCandidateError(f"{exc}{hint}", available=exc.available) from None
        reason = schema.target_choice.reason if schema.target_choice else ""
        notes.append(f"No --target given; using '{target}': {reason}")
        if table.n_rows > settings.sample_rows:
            schema = None  # re-inferred on the stratified sample with the exact missing counts
    ran = engine_overview(table, target=target, schema=schema, cv_folds=args.folds,
                          sample_rows=settings.sample_rows, seed=settings.seed)
    result = ran.overview
    args.sample_info = ran.sample
    candidates = list(result.schema.target_candidates)
    notes += [n for n in result.notes if n not in notes]
    frame = ran.frame if ran.sample is not None else whole_table(table)
    leakage = leakage_suspects(frame, target=target, schema=result.schema)
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
