"""CLI subcommand of weak supervision: ``weak``.

Registered by :func:`analysis.cli.build_parser` through :func:`add_weak_commands`.
The JSON is ``WeakLabels.to_dict()``: the same objects the Weak supervision page charts.
"""

from __future__ import annotations

import argparse
import math

__all__ = ["add_weak_commands"]


def add_weak_commands(sub) -> None:
    from . import common as cli

    weak = sub.add_parser("weak", help="labeling-function summary and label model (weak supervision)")
    weak.add_argument("data", help="CSV, Parquet or .xlsx file, one row per item")
    weak.add_argument("--lfs", help="comma-separated LF columns (each cell: a label, the abstain value, or empty)")
    from ..weak import LF_KINDS

    weak.add_argument(
        "--lf-file",
        help="JSON file of declarative LFs (saved from the dashboard) instead of --lfs; "
        f"kinds: {', '.join(LF_KINDS.names())}",
    )
    weak.add_argument("--abstain", default="-1", help="value meaning 'no vote' in the LF columns (default -1)")
    weak.add_argument("--gold", help="column of known true labels for some rows (empty where unknown)")
    weak.add_argument("--labels", help="comma-separated classes; an LF label outside them is an error")
    weak.add_argument("--class-prior", help="fixed class balance, e.g. pos=0.3,neg=0.7 (default: estimated)")
    weak.add_argument("-o", "--output", help="write the data with weak_label and weak_confidence columns to this CSV")
    weak.add_argument("--no-protect", action="store_true", help="do not prefix formula-like text cells with ' in the output")
    cli.add_common(weak)
    weak.set_defaults(func=_cmd_weak)


def _cmd_weak(args: argparse.Namespace) -> int:
    from ..errors import WeakSupervisionError
    from ..weak import LabelModelSettings, LFColumns, LFSet, fit_weak_labels, split_list
    from . import common as cli

    if (args.lfs is None) == (args.lf_file is None):
        raise WeakSupervisionError("Give either --lfs (LF columns in the CSV) or --lf-file (a JSON LF set), not both or neither.")
    lfs: LFColumns | LFSet
    if args.lf_file is not None:
        lfs = LFSet.from_file(args.lf_file)
    else:
        lfs = LFColumns(tuple(split_list(args.lfs) or ()), abstain=args.abstain)
    settings = LabelModelSettings.from_text(gold=args.gold, labels=split_list(args.labels), class_prior=args.class_prior)
    written = None
    if not args.output and cli.chosen_engine(args, args.data) != "pandas" and not cli.is_xlsx(args.data):
        # DuckDB/Spark: the vote patterns and their counts from the engine, over every row (analysis.engines.weak).
        # With -o the labelled rows are written from the rows read into pandas (cli.load: whole, or the sample).
        from ..engines import open_table
        from ..engines.weak import engine_weak_labels

        table = open_table(args.data, cli.engine_settings(args))
        args.engine_used = table.engine
        result = engine_weak_labels(table, lfs, settings)
        payload = result.to_dict()
        payload["data"] = table.name
        return cli.emit(args, payload, _weak_text(table.name, result, None))
    dataset = cli.load(args)
    if args.output:
        from ..provenance import RECIPES, weak_parameters, write_output

        # Fitted and written through the "weak" recipe: what `verify --input` re-runs.
        parameters = weak_parameters(lfs, settings, protect=not args.no_protect)
        result, outputs = RECIPES["weak"].run(dataset, parameters)
        output = outputs["data"]
        provenance = write_output(args.output, output.data, command="weak", parameters=parameters, source=dataset,
                                  written_by="cli weak", frame=output.frame)
        written = {"path": str(args.output), "rows": result.model.matrix.n_items,
                   "protected_cells": output.csv.protected_cells, "provenance": str(provenance)}
    else:
        result = fit_weak_labels(dataset.frame, lfs, settings)
    payload = result.to_dict()
    payload["data"] = dataset.name
    if written is not None:
        payload["output"] = written
    return cli.emit(args, payload, _weak_text(dataset.name, result, written))


def _pct(x) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.1%}"


def _weak_text(name: str, r, written: dict | None) -> str:
    s, m = r.summary, r.model
    gold = s.n_gold is not None
    severity = {"warning": "WARNING: ", "critical": "PROBLEM: "}.get(m.severity, "")
    lines = [
        f"{severity}{m.verdict_text}",
        "",
        f"{name}: {s.n_items:,} items, {len(s.lfs)} labeling functions, classes {', '.join(str(v) for v in s.labels)}",
        f"total coverage {_pct(s.total_coverage)}  overlap {_pct(s.overlap)}  conflict {_pct(s.conflict)}",
        "",
        f"{'LF':<24} {'polarity':<20} {'coverage':>9} {'overlaps':>9} {'conflicts':>9} {'learned':>8}"
        + (f" {'correct':>8} {'incorrect':>9} {'no-gold':>8} {'gold acc. (95% CI)':>22} {'gap':>7}" if gold else ""),
    ]
    for st, acc, check in zip(s.lfs, m.learned_accuracy, m.accuracy_checks()):
        row = (
            f"{st.name[:24]:<24} {', '.join(str(p) for p in st.polarity)[:20]:<20} {_pct(st.coverage):>9} "
            f"{_pct(st.overlaps):>9} {_pct(st.conflicts):>9} {_pct(float(acc)):>8}"
        )
        if gold:
            ci = f"{_pct(check.gold)} ({_pct(check.gold_low)}-{_pct(check.gold_high)})" if check.n_gold_votes else "n/a"
            gap = f"{check.gap:+.1%}" if check.n_gold_votes else "n/a"
            row += f" {st.correct:>8,} {st.incorrect:>9,} {_pct(check.learned):>8} {ci:>22} {gap:>7}"
            row += " *" if check.outside_gold_interval else ""

        if check.warning:
            row += f"  ({check.warning})"
        lines.append(row)
    if gold:
        lines.append("no-gold = learned accuracy of the fit that did not see the gold labels (the learned column is "
                     "anchored on them); gap = no-gold - gold accuracy (on gold rows where the LF votes; 95% Wilson "
                     "interval); * = outside the interval")
    total = sum(s.vote_counts.values())
    lines += ["", "Votes per class: " + ", ".join(f"{k} {v:,} ({v / total:.1%})" for k, v in s.vote_counts.items())]
    d = m.to_dict()
    lines += [
        "",
        f"Label model (Dawid-Skene EM, abstains modelled): {d['n_labelled']:,} items labelled ({_pct(d['coverage'])}), "
        f"{m.n_iter} iterations, {'converged' if m.converged else 'NOT converged'}",
        "  labels: " + ", ".join(f"{k} {v:,}" for k, v in d["label_counts"].items()),
        "  class priors: " + ", ".join(f"{k} {v:.3f}" for k, v in d["class_priors"].items())
        + (" (fixed)" if m.prior_fixed else " (estimated)"),
        f"Majority vote: {_pct(d['majority_vote']['coverage'])} labelled, {d['majority_vote']['n_ties']:,} ties; "
        f"agrees with the label model on {_pct(d['agreement_with_majority'])} of its labels",
    ]
    if m.heldout:
        h = m.heldout
        lines.append(
            f"Held-out gold ({h['n_compared']:,} rows with a majority vote; fitted with the other {h['n_anchor']:,} gold rows "
            f"fixed): label model {_pct(h['label_model'])}, majority vote {_pct(h['majority_vote'])} -> weak labels from "
            + ("majority vote" if m.used == "majority_vote" else "the label model")
        )
    if m.dependencies:
        lines.append("Dependent LFs: " + "; ".join(d.describe() + (" (merged)" if d.merged else "") for d in m.dependencies))
    if m.gold_accuracy:
        g = m.gold_accuracy
        lines.append(
            f"On {g['n_gold_majority']:,} gold rows with a majority vote: label model {_pct(g['label_model_same_items'])} "
            f"(fitted without gold), majority vote {_pct(g['majority_vote'])}"
        )
    if written:
        extra = f"; {written['protected_cells']:,} formula-like cells prefixed with '" if written["protected_cells"] else ""
        lines += ["", f"Wrote {written['rows']:,} rows with weak_label and weak_confidence to {written['path']}{extra}"]
    lines += [f"Note: {n}" for n in m.notes]
    return "\n".join(lines)
