"""Subcommands ``bias`` and ``shift`` of ``dataset-diagnostics`` (sampling bias and distribution shift).

``build_parser`` in :mod:`analysis.cli` calls :func:`add_sampling_commands`.
JSON output is ``to_dict()`` of :class:`analysis.sampling.BiasReport` and
:class:`analysis.sampling.ShiftResult`; the pinned keys are in DESIGN.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import common as cli
from .common import add_common, emit, load

__all__ = ["add_sampling_commands"]


def add_sampling_commands(sub) -> None:
    bias = sub.add_parser("bias", help="sampling-bias indicators against a reference population")
    bias.add_argument("data", help="CSV, Parquet or .xlsx file (the sample)")
    bias.add_argument("--group", required=True, help="group column, e.g. region")
    ref = bias.add_mutually_exclusive_group(required=True)
    ref.add_argument("--expected", help="expected shares: value=share pairs, e.g. north=0.22,south=0.24")
    ref.add_argument(
        "--reference",
        help="CSV, Parquet or .xlsx file with the reference: a value,share table, or a whole dataset whose distribution of the group column is the reference",
    )
    bias.add_argument("--reference-sheet", metavar="NAME", help="the worksheet of an .xlsx --reference (default: the first)")
    bias.add_argument("--target", help="label column: adds label rates by group")
    bias.add_argument("--intersect", metavar="COL", help="a second group column: adds the representation of the "
                      "cells group x COL under 'intersection' (joint shares of a --reference dataset holding both "
                      "columns, else the product of the margins)")
    bias.add_argument("--tolerance", type=cli.number(float, low=0, high=1, high_open=True), default=0.1, help="flag a group when its ratio interval excludes 1 by more than this (default 0.1)")
    bias.add_argument("--alpha", type=cli.SHARE, default=0.05, help="significance level (default 0.05)")
    bias.add_argument("-o", "--weights-out", help="write the data plus a post-stratification 'sample_weight' column here (and OUT.recipe.json)")
    bias.add_argument("--no-protect", action="store_true", help="do not prefix formula-like text cells with ' in the weights file")
    add_common(bias)
    bias.set_defaults(func=_cmd_bias)

    shift = sub.add_parser("shift", help="distribution shift between two files")
    shift.add_argument("reference", help="reference CSV, Parquet or .xlsx file (e.g. training data)")
    shift.add_argument("current", help="current CSV, Parquet or .xlsx file (e.g. production or test data); --sheet applies to each .xlsx input")
    shift.add_argument("--target", help="label column: excluded from the features, compared for label shift")
    shift.add_argument("--alpha", type=cli.SHARE, default=0.05, help="level for the Benjamini-Hochberg adjusted p-values")
    shift.add_argument("--classifier-rows", type=cli.number(int, low=10), default=5000, help="rows per file for the domain classifier (default 5000)")
    shift.add_argument("--no-classifier", action="store_true", help="skip the domain classifier")
    shift.add_argument("--seed", type=cli.SEED, default=0)
    add_common(shift)
    shift.set_defaults(func=_cmd_shift)


def _read(path: str, args: argparse.Namespace, sheet: str | None = None):
    return cli.read_table(path, args, sheet=sheet)


def _shift_sheets(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """``--sheet`` applies to whichever of the two inputs is an .xlsx workbook (refused when neither is)."""
    if args.sheet is None:
        return None, None
    from ..intake.formats import sniff_path

    kinds = [sniff_path(Path(p), Path(p).name) if Path(p).is_file() else "parquet" for p in (args.reference, args.current)]
    if "xlsx" not in kinds:
        from ..errors import SheetError

        raise SheetError("--sheet applies to .xlsx workbooks, and neither input is one. Drop --sheet.")
    return tuple(args.sheet if k == "xlsx" else None for k in kinds)  # type: ignore[return-value]


def _cmd_bias(args: argparse.Namespace) -> int:
    from ..sampling import bias_report, parse_expected, reference_shares

    if cli.chosen_engine(args, args.data) != "pandas" and not cli.is_xlsx(args.data):
        return _cmd_bias_engine(args)
    dataset = load(args)
    ref_frame = None
    if args.expected is not None:
        reference = reference_shares(parse_expected(args.expected), group=args.group, source="--expected")
    else:
        ref_ds = _read(args.reference, args, args.reference_sheet)
        ref_frame = ref_ds.frame
        reference = reference_shares(ref_ds.frame, group=args.group, source=f"reference file '{ref_ds.name}'")
    report = bias_report(
        dataset.frame, group=args.group, reference=reference, target=args.target, tolerance=args.tolerance, alpha=args.alpha
    )
    payload = report.to_dict()
    payload["intersection"] = _intersection(dataset.frame, args, reference, ref_frame)
    payload["data"] = dataset.name
    payload["notes"] = list(dataset.notes) + payload["notes"]
    payload["weights_out"] = _write_weights(dataset, reference, args) if args.weights_out else None
    return emit(args, payload, _bias_text(report, dataset.name, payload))


def _cmd_bias_engine(args: argparse.Namespace) -> int:
    """``bias`` on DuckDB or Spark: every count over all rows, the same JSON as pandas."""
    from ..engines import engine_bias_report, open_table, whole_table
    from ..io import Dataset
    from ..sampling import parse_expected, reference_shares

    table = open_table(args.data, cli.engine_settings(args))
    args.engine_used = table.engine
    ref_frame = None
    if args.expected is not None:
        reference = reference_shares(parse_expected(args.expected), group=args.group, source="--expected")
    else:
        ref_ds = _read(args.reference, args)
        ref_frame = ref_ds.frame
        reference = reference_shares(ref_ds.frame, group=args.group, source=f"reference file '{ref_ds.name}'")
    report = engine_bias_report(table, group=args.group, reference=reference, target=args.target,
                                tolerance=args.tolerance, alpha=args.alpha)
    payload = report.to_dict()
    payload["intersection"] = _intersection(table, args, reference, ref_frame)
    payload["data"] = table.name
    payload["notes"] = list(table.notes) + payload["notes"]
    weights = None
    if args.weights_out:  # the weighted file holds every row: it is written from the whole table
        from ..engines.load import file_sha256

        dataset = Dataset(frame=whole_table(table), name=table.name, sha256=file_sha256(args.data),
                          notes=tuple(table.notes))
        weights = _write_weights(dataset, reference, args)
    payload["weights_out"] = weights
    return emit(args, payload, _bias_text(report, table.name, payload))


def _intersection(data, args: argparse.Namespace, reference, ref_frame) -> dict | None:
    """``--intersect``: the cells of ``--group`` x COL against the reference file's joint shares when it holds
    both columns, else the product of the margins (``--group``'s from the reference); ``None`` without it."""
    if args.intersect is None:
        return None
    from ..engines import open_table
    from ..engines.intersections import engine_intersection

    table = open_table(data) if not hasattr(data, "engine") else data
    result = engine_intersection(table, groups=(args.group, args.intersect), reference=ref_frame,
                                 margins={args.group: reference}, tolerance=args.tolerance, alpha=args.alpha)
    return result.to_dict()


def _write_weights(dataset, reference, args) -> dict:
    from ..provenance import RECIPES, write_output

    # Post-stratification on one group column: the Sampling page's "sampling-fix" recipe, so `verify --input`
    # re-runs it from the recorded (resolved) shares.
    parameters = {"method": "post-stratification",
                  "margins": [{"column": args.group, "shares": dict(reference.shares), "source": reference.source}],
                  "rows": None, "replace": False, "seed": 0, "formula_protection": not args.no_protect}
    rw, outputs = RECIPES["sampling-fix"].run(dataset, parameters)
    out = Path(args.weights_out)
    output = outputs["data"]
    provenance = write_output(out, output.data, command="sampling-fix", parameters=parameters, source=dataset,
                              written_by="cli bias", frame=output.frame)
    recipe_path = out.with_name(out.name + ".recipe.json")
    recipe_path.write_bytes(output.recipe or b"")
    return {"path": str(out), "recipe": str(recipe_path), "provenance": str(provenance), "rows": len(dataset.frame),
            "effective_sample_size": rw.effective_sample_size}


def _bias_text(report, name: str, payload: dict) -> str:
    from ..sampling import fmt_p

    r = report.representation
    lines = [
        f"{name}: '{r.group}' against {r.reference_source} ({r.n:,} rows with a value)",
        "",
        f"  {'value':<16} {'rows':>9} {'observed':>9} {'expected':>9} {'ratio':>7}  95% interval     flag",
    ]
    for g in r.groups:
        exp = f"{g.expected_share:9.2%}" if g.expected_share is not None else f"{'-':>9}"
        ratio = f"{g.representation_ratio:7.2f}" if g.representation_ratio is not None else f"{'-':>7}"
        ci = f"{g.ci_low:.2f} – {g.ci_high:.2f}" if g.ci_low is not None else "-"
        lines.append(f"  {g.value[:16]:<16} {g.observed_count:>9,} {g.observed_share:>9.2%} {exp} {ratio}  {ci:<15}  {g.flag}")
    c = r.chi_square
    lines += [
        "",
        f"  chi-square {c.statistic:.2f} (dof {c.dof}), {fmt_p(c.p_value)}; Cohen's w {r.cohens_w:.3f}, Cramér's V {r.cramers_v:.3f}",
        f"  total variation {r.total_variation:.4f}  Jensen-Shannon distance (base 2) {r.js_distance:.4f}  PSI {r.psi:.4f}",
        f"  {r.verdict_text}",
    ]
    if report.label_by_group is not None:
        lines += ["", f"Label rates by group: {report.label_by_group.verdict_text}"]
    if payload.get("intersection") is not None:
        cells = payload["intersection"]
        lines += ["", f"Cells of {cells['group']}: {cells['verdict_text']}"]
    flagged = report.missing_by_group.tests
    flagged = flagged[flagged["flagged"]] if len(flagged) else flagged
    if len(flagged):
        lines += ["", "Missing values depend on the group in: " + ", ".join(flagged["column"])]
    if payload["weights_out"] is not None:
        w = payload["weights_out"]
        lines += ["", f"Wrote {w['path']} (with a sample_weight column) and {w['recipe']}."]
    if payload["notes"]:
        lines += ["", "Notes:"] + [f"  - {n}" for n in payload["notes"]]
    return "\n".join(lines)


def _cmd_shift(args: argparse.Namespace) -> int:
    from ..sampling import ShiftSettings

    sheets = _shift_sheets(args)
    engines = [cli.chosen_engine(args, p) for p in (args.reference, args.current)]
    if set(engines) != {"pandas"} and not any(cli.is_xlsx(p) for p in (args.reference, args.current)):
        return _cmd_shift_engine(args, next(e for e in engines if e != "pandas"))
    args.engine_used = "pandas"
    a, b = _read(args.reference, args, sheets[0]), _read(args.current, args, sheets[1])
    settings = ShiftSettings(
        target=args.target,
        alpha=args.alpha,
        classifier=not args.no_classifier,
        classifier_rows=args.classifier_rows,
        seed=args.seed,
    )
    result = settings.run(a.frame, b.frame)
    payload = result.to_dict()
    payload["reference"], payload["current"] = a.name, b.name
    payload["notes"] = list(a.notes) + list(b.notes) + payload["notes"]
    return emit(args, payload, _shift_text(result, a.name, b.name, payload["notes"]))


def _cmd_shift_engine(args: argparse.Namespace, engine: str) -> int:
    """``shift`` on DuckDB or Spark (both files on one engine): the per-feature tests from counts, exact or
    from a quantile sketch (each feature says which); the model-based parts on each file's sample."""
    from dataclasses import replace

    from ..engines import open_table
    from ..engines.shift import engine_shift

    settings = replace(cli.engine_settings(args), engine=engine)
    a, b = open_table(args.reference, settings), open_table(args.current, settings)
    args.engine_used = engine
    result, samples = engine_shift(a, b, target=args.target, alpha=args.alpha, classifier=not args.no_classifier,
                                   classifier_rows=args.classifier_rows, seed=args.seed,
                                   sample_rows=settings.sample_rows)
    payload = result.to_dict()
    payload["reference"], payload["current"] = a.name, b.name
    payload["notes"] = list(a.notes) + list(b.notes) + payload["notes"]
    payload["engine"], payload["sample"] = engine, samples
    return emit(args, payload, _shift_text(result, a.name, b.name, payload["notes"]))


def _text_shift_lines(texts, alpha: float, length_threshold: float) -> list[str]:
    """One line per free-text column: mean length, the lengths' KS test, vocabularies, overlap, new tokens."""
    from ..sampling import fmt_p
    from ..sampling.shift_text import OOV_THRESHOLD

    def num(v, fmt: str) -> str:
        return "n/a" if v is None else format(v, fmt)

    lines = [
        f"  {'text column':<24} {'mean length':>17} {'length KS':>12} {'effect':>7} {'vocabulary':>17} "
        f"{'overlap':>8} {'new tokens':>11}  drift"
    ]
    for x in texts:
        length = f"{num(x.length_reference_mean, '.1f')} -> {num(x.length_current_mean, '.1f')}"
        ks = fmt_p(x.length_p_value) if x.length_p_value is not None else "n/a"
        vocab = f"{x.vocabulary_reference:,} / {x.vocabulary_current:,}"
        lines.append(
            f"  {x.name[:24]:<24} {length:>17} {ks:>12} {num(x.length_effect, '.3f'):>7} {vocab:>17} "
            f"{num(x.vocabulary_jaccard, '.1%'):>8} {num(x.oov_rate, '.1%'):>11}  {'DRIFT' if x.drift else '-'}"
        )
    lines.append(
        f"  text drift = the lengths' KS p < {alpha:g} and effect >= {length_threshold:g} (Wasserstein / std), or at "
        f"least {OOV_THRESHOLD:.0%} of the current file's tokens never in the reference (new tokens); overlap = "
        "Jaccard of the two vocabularies"
    )
    return lines


def _shift_text(result, a: str, b: str, notes: list[str]) -> str:
    from ..sampling import fmt_p

    lines = [
        f"{a} ({result.n_reference:,} rows) -> {b} ({result.n_current:,} rows)",
        "",
        f"  {'feature':<24} {'test':<7} {'statistic':>10} {'p adj.':>9} {'effect':>8} {'PSI':>7}  drift",
    ]
    compared_text = {t.name for t in result.text}
    for f in result.features:
        if f.test == "skipped":
            why = "free text: compared by length and vocabulary below" if f.name in compared_text else f.reason
            lines.append(f"  {f.name[:24]:<24} skipped: {why}")
            continue
        lines.append(
            f"  {f.name[:24]:<24} {f.test:<7} {f.statistic:>10.4g} {f.p_adjusted:>9.3g} {f.effect:>8.3f} {f.psi:>7.3f}  {'DRIFT' if f.drift else '-'}"
            + (f"  (sketch: statistic ± {f.sketch['statistic_bound']:.2g}, effect ± {f.sketch['effect_bound']:.2g})"
               if f.sketch is not None else "")
        )
    t = result.thresholds
    lines += [
        "",
        f"  drift = adjusted p < {result.alpha:g} and effect >= {t['numeric']:g} (numeric: Wasserstein / std) or "
        f">= {t['categorical']:.4f} (categorical: Jensen-Shannon distance, base 2; Evidently's 0.1 in natural log)",
    ]
    if result.text:
        lines += ["", *_text_shift_lines(result.text, result.alpha, t["numeric"])]
    lines += ["", f"  {result.verdict_text}"]
    if result.label_shift is not None:
        ls = result.label_shift
        lines.append(
            f"  label '{ls.target}': chi-square {ls.statistic:.2f}, {fmt_p(ls.p_value)}, JS distance {ls.js_distance:.4f}"
            f" -> {'label shift' if ls.drift else 'no label shift'}"
        )
    if notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(lines)
