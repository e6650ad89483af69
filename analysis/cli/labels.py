"""CLI subcommands of label quality: ``agreement`` and ``label-issues``.

Registered by :func:`analysis.cli.build_parser` through :func:`add_label_commands`.
JSON output is the ``to_dict()`` of the same objects the Labels page charts.
"""

from __future__ import annotations

import argparse
import math

__all__ = ["add_label_commands"]


def add_label_commands(sub) -> None:
    from ..labels import CONSENSUS_METHODS, LEVELS, MODELS
    from . import common as cli

    agree = sub.add_parser("agreement", help="inter-annotator agreement (missing ratings allowed)")
    agree.add_argument("data", help="CSV, Parquet or .xlsx file, one row per item")
    agree.add_argument("--annotators", required=True, help="comma-separated annotator columns, e.g. a,b,c")
    agree.add_argument("--level", choices=LEVELS, default="nominal", help="level of measurement (default nominal)")
    agree.add_argument("--order", help="label order, lowest first (text labels at ordinal level or finer)")
    agree.add_argument("--consensus", choices=(*CONSENSUS_METHODS, "none"), default="none",
                       help="also fit a consensus label (summary in the JSON under 'consensus')")
    agree.add_argument("--bootstrap", type=cli.number(int, low=0, high=100_000), default=0, metavar="N",
                       help="N bootstrap resamples over items for 95%% intervals (default 0: none)")
    agree.add_argument("--seed", type=cli.SEED, default=0, help="seed of the bootstrap")
    cli.add_common(agree)
    agree.set_defaults(func=_cmd_agreement)

    issues = sub.add_parser("label-issues", help="rows whose label looks wrong (confident learning)")
    issues.add_argument("data", help="CSV, Parquet (a file, folder or glob) or .xlsx file")
    issues.add_argument("--target", required=True, help="label column")
    issues.add_argument("--model", choices=MODELS, default="logreg", help="model of the out-of-fold probabilities")
    issues.add_argument("--features", help="comma-separated feature columns (default: all but ids and dates)")
    issues.add_argument("--folds", type=cli.FOLDS, default=5)
    issues.add_argument("--seed", type=cli.SEED, default=0)
    issues.add_argument("--top", type=cli.number(int, low=0), default=20, help="suspects listed in the text output")
    cli.add_exclude(issues)
    cli.add_common(issues)
    issues.set_defaults(func=_cmd_label_issues)


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [t.strip() for t in text.split(",") if t.strip()]


def _cmd_agreement(args: argparse.Namespace) -> int:
    from ..labels import agreement, bootstrap_agreement, consensus_labels
    from . import common as cli

    dataset = cli.load(args)
    annotators = _split(args.annotators) or []
    result = agreement(dataset.frame, annotators=annotators, level=args.level, order=_split(args.order))
    intervals = consensus = None
    if args.bootstrap:
        intervals = bootstrap_agreement(result, n_resamples=args.bootstrap, seed=args.seed)
    if args.consensus != "none":
        consensus = consensus_labels(dataset.frame, annotators=annotators, method=args.consensus, order=_split(args.order))
    # Both keys exist with or without their flags (null when not asked for).
    payload = {
        **result.to_dict(),
        "bootstrap": None if intervals is None else intervals.to_dict(),
        "consensus": None if consensus is None else consensus.to_dict(),
    }
    return cli.emit(args, payload, _agreement_text(dataset.name, result, intervals, consensus))


def _fmt(x) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.3f}"


def _agreement_text(name: str, r, intervals, consensus) -> str:
    ci = intervals.intervals if intervals else {}

    def with_ci(key: str, value: float) -> str:
        if key in ci:
            lo, hi = ci[key]
            return f"{_fmt(value)} [{_fmt(lo)}, {_fmt(hi)}]"
        return _fmt(value)

    lines = [
        f"{name}: {r.n_items:,} items, {len(r.ratings.annotators)} annotators, {r.n_ratings:,} ratings "
        f"({r.n_pairable_items:,} items with 2+ ratings); level {r.level}",
        f"labels: {', '.join(str(c) for c in r.ratings.categories)}",
        "",
        f"Krippendorff's alpha  {with_ci('krippendorff_alpha', r.krippendorff_alpha)}  ({r.alpha_verdict})",
        f"  {r.alpha_text}",
        f"Fleiss' kappa         {with_ci('fleiss_kappa', r.fleiss_kappa)}  ({r.fleiss_verdict}, Landis-Koch)",
        f"Percent agreement     {with_ci('percent_agreement', r.percent_agreement)}  "
        f"(all ratings agree on {r.unanimous_share:.1%} of items)",
    ]
    if intervals:
        lines.append(f"  [{intervals.confidence:.0%} bootstrap intervals over items, {intervals.n_resamples:,} resamples, seed {intervals.seed}]")
    lines += ["", "Pairwise Cohen's kappa"]
    for p in r.pairwise:
        key = f"{p.a}|{p.b}"
        text = f"  {p.a} vs {p.b}: {with_ci('cohen_kappa:' + key, p.cohen_kappa)} ({p.verdict}) on {p.n_items:,} items"
        if r.weighted:
            text += f"; linear {_fmt(p.cohen_kappa_linear)}, quadratic {_fmt(p.cohen_kappa_quadratic)}"
        lines.append(text)
    lines += ["", "Category-specific agreement"]
    lines += [f"  {c.category}: {_fmt(c.specific_agreement)} ({c.n_ratings:,} ratings)" for c in r.categories]
    lines += ["", "Per annotator (agreement with others / with the consensus of the others; most confused)"]
    for a in r.annotators:
        mc = a.most_confused
        confused = f"; most often {mc[0]} -> {mc[1]} ({mc[2]})" if mc else ""
        lines.append(f"  {a.annotator}: {_fmt(a.agreement_with_others)} / {_fmt(a.agreement_with_consensus)}{confused}")
    lines += ["", f"Majority vote ties: {r.majority.n_ties:,} items"]
    if consensus is not None:
        d = consensus.to_dict()
        lines += ["", f"Consensus ({consensus.method}): " + ", ".join(f"{k} {v:,}" for k, v in d["label_counts"].items())]
        if consensus.model is not None and not consensus.model.converged:
            lines.append(f"  WARNING: {consensus.model.verdict_text}")
        for n, acc in consensus.annotator_accuracy.items():
            lines.append(f"  estimated accuracy of {n}: {acc:.3f}")
    lines += [f"Note: {n}" for n in r.notes]
    return "\n".join(lines)


def _cmd_label_issues(args: argparse.Namespace) -> int:
    from ..labels import label_issues
    from . import common as cli

    dataset = cli.load(args)
    excluded = cli.excluded_columns(args, dataset.frame.columns, target=args.target)
    result = label_issues(
        dataset.frame, target=args.target, model=args.model, features=_split(args.features), folds=args.folds,
        seed=args.seed, exclude=excluded,
    )
    return cli.emit(args, result.to_dict(), _issues_text(dataset.name, result, args.top))


def _issues_text(name: str, r, top: int) -> str:
    q = r.performance
    # An unreliable model's flags are not label errors: they are counted, never listed as suspects.
    frame = r.to_frame().head(top if r.reliable else 0)
    lines = [
        f"{name}: {len(r.checked_rows):,} labelled rows of '{r.target}' checked with {r.model} "
        f"({r.folds}-fold out-of-fold probabilities, cleanlab confident learning)",
        f"Model quality: out-of-fold accuracy {q.oof_accuracy:.3f} (95% interval {q.accuracy_low:.3f} to "
        f"{q.accuracy_high:.3f}), balanced accuracy {q.oof_balanced_accuracy:.3f}",
        f"Majority-class baseline: accuracy {q.baseline_accuracy:.3f}, balanced accuracy {q.chance_balanced_accuracy:.3f}",
    ]
    if r.reliable:
        lines.append(f"Flagged: {r.n_flagged:,} rows ({r.n_flagged / max(len(r.checked_rows), 1):.1%})")
    else:
        lines += ["", f"UNRELIABLE: {r.verdict_text}", ""]
    lines.append(
        f"Conflicting duplicates: {r.duplicates.conflicting_duplicates:,} rows in {r.duplicates.conflicting_groups:,} groups"
    )
    if len(frame):
        lines += ["", f"Most suspicious {len(frame)} (row is 0-based, header excluded):"]
        lines += [
            f"  row {row.row:>7}: given {row.given!s:<12} suggested {row.suggested!s:<12} score {row.score:.3f}"
            for row in frame.itertuples(index=False)
        ]
    lines += [f"Note: {n}" for n in r.notes]
    return "\n".join(lines)
