"""``report``: the overview of one file."""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, Any

from ..wording import count_noun, share_text
from . import common as cli
from .common import add_common, emit, load

if TYPE_CHECKING:
    from ..columns import LeakageReport
    from ..overview import NearDuplicateSummary, OutlierSummary, Overview
    from ..rowsample import SampleInfo

#: Groups and top rows written out in ``report``'s text (the JSON lists more: ``group_list``, ``top``).
TEXT_GROUPS, TEXT_GROUP_ROWS, TEXT_TOP_ROWS, TEXT_CLASSES = 3, 8, 5, 8


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
    """The leakage summary on the stratified sample DuckDB and Spark draw too (every row when small).

    One sampler for every model-based pass (:mod:`analysis.rowsample`): above
    :data:`~analysis.rowsample.SAMPLE_ROWS` rows the single-feature models and rules see the sample's
    rows (the outlier scores, costlier per row, score the smaller sample nested in it:
    :data:`~analysis.rowsample.OUTLIER_ROWS`); counts, roles and near-duplicate groups stay over all rows.
    """
    from ..columns import leakage_suspects
    from ..rowsample import SAMPLE_ROWS, SampleInfo, stratified_positions

    rows = stratified_positions(len(frame), frame[target], sample_rows=SAMPLE_ROWS, seed=0)
    if rows is None:
        return leakage_suspects(frame, target=target, schema=schema), None
    sample = SampleInfo(len(rows), len(frame), 0, target, passes="leakage models and rules")
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
    lines += ["", f"Missing values: {count_noun(result.missing_cells, 'cell')} in {count_noun(len(missing), 'column')}"
              if missing else "Missing values: none"]
    lines += [f"  {k}: {v:,} ({v / result.rows:.1%})" for k, v in sorted(missing.items(), key=lambda kv: -kv[1])]
    d = result.duplicates
    lines += [
        "",
        f"Duplicate rows: {d.duplicate_rows:,}",
        f"Conflicting duplicates: {count_noun(d.conflicting_duplicates, 'row')} in "
        f"{count_noun(d.conflicting_groups, 'group')} (same features, different label)",
    ]
    ids = [c.name for c in result.schema.columns if c.role == "identifier" and c.name != result.target]
    if ids:  # the two counts compare every column, as pandas' duplicated() does: a row number makes rows unique
        lines.append(f"  (every column counts, identifiers too: {', '.join(repr(i) for i in ids[:5])}"
                     f"{' and more' if len(ids) > 5 else ''}; rows equal in their features are under Near-duplicates)")
    if result.near_duplicates is not None:
        lines += ["", *_near_lines(result.near_duplicates)]
    if result.outliers is not None:
        lines += ["", *_outlier_lines(result.outliers, result.target)]
    lines += [
        "",
        "Column roles: " + ", ".join(f"{c.name} ({c.role})" for c in result.schema.columns),
        "",
        f"Leakage ({leakage.verdict}): {leakage.verdict_text}",
    ]
    if notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(lines)


def _near_lines(near: NearDuplicateSummary) -> list[str]:
    """The near-duplicate verdict, how near was compared, and the first groups (conflicting and largest first)."""
    lines = [f"Near-duplicates (verdict: {near.verdict})", f"  {near.verdict_text}"]
    if not near.groups:
        return lines + [f"  - {n}" for n in near.notes]
    s, g = near.settings, near.near
    how = f"  compared: text after case, spacing and punctuation are normalised, numbers to {s.significant_digits} " \
          "significant digits"
    if g.radius is not None and g.median_nn_distance is not None:
        how += (f"; nearest neighbours within {g.radius:.3g} ({s.threshold:g} x the median nearest-neighbour distance, "
                f"{g.median_nn_distance:.3g}, on scaled features)")
    lines.append(how)
    table = near.to_frame()
    shown = table.head(TEXT_GROUPS)
    lines.append(f"  {'first groups' if len(table) > len(shown) else 'groups'} (0-based rows):")
    for r in shown.to_dict("records"):
        rows = list(r["row_positions"])
        listed = ", ".join(map(str, rows[:TEXT_GROUP_ROWS])) + (" ..." if len(rows) > TEXT_GROUP_ROWS else "")
        values = [str(v) for v in r["label_values"]]
        labels = f"labels {', '.join(values)}: they differ" if len(values) > 1 else f"label {values[0]}" if values \
            else "no label"
        kind = "equal once normalised" if r["kind"] == "normalised" else r["kind"]
        lines.append(f"    {listed} ({count_noun(int(r['size']), 'row')}, {kind}; {labels})")
    if len(table) > len(shown):
        lines.append(f"    ... and {count_noun(len(table) - len(shown), 'more group')} (all of them: --format json)")
    return lines + [f"  - {n}" for n in near.notes]


def _outlier_lines(outliers: OutlierSummary, target: str) -> list[str]:
    """The outlier verdict and, when rows are flagged, the flagged share per class and the highest-scoring rows."""
    lines = [f"Outliers (verdict: {outliers.verdict})", f"  {outliers.verdict_text}"]
    beyond = outliers.beyond  # a sampled table: the rows outside it with a value beyond its range (in the notes)
    if outliers.n_flagged or (beyond is not None and beyond.n_flagged):
        per_class = outliers.per_class_frame()
        # the classes with the most flagged rows first, at most TEXT_CLASSES of them
        per_class = per_class.sort_values("flagged", ascending=False, kind="stable")
        shown = per_class.head(TEXT_CLASSES).to_dict("records")
        more = len(per_class) - len(shown)
        lines.append("  flagged per class: " + "; ".join(
            f"{'no label' if r['class'] == '(no label)' else f'{target} = ' + r['class']}: "
            f"{r['flagged']:,} of {r['rows']:,} ({share_text(r['flagged'], r['rows'])})"
            for r in shown) + (f"; and {count_noun(more, 'more class', 'more classes')} (--format json)" if more else ""))
        top = outliers.top_rows().head(TEXT_TOP_ROWS)
        lines.append("  highest scores (0-based row: score): " + ", ".join(
            f"{int(r)}: {float(v):.3f}" for r, v in zip(top["row"], top["score"])))
    return lines + [f"  - {n}" for n in outliers.notes]
