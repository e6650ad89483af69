"""``features``: the per-feature table (association, effect size, test, alerts, leakage flags)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..wording import count_noun
from . import common as cli
from .common import add_common, emit, load

if TYPE_CHECKING:
    from ..columns import FeatureReport, Integrity


def add_column_commands(sub: Any) -> None:
    p = sub.add_parser(
        "features", help="per-feature association with the target, alerts, leakage suspects, integrity"
    )
    p.add_argument("data", help="CSV, Parquet (a file, folder or glob) or .xlsx file")
    p.add_argument("--target", required=True, help="label column")
    p.add_argument("--folds", type=cli.FOLDS, default=5, help="CV folds of the single-feature models (default 5)")
    p.add_argument("--seed", type=cli.SEED, default=0, help="seed of the sample, folds, trees and mutual information")
    add_common(p)
    p.set_defaults(func=_cmd_features)


def _cmd_features(args: argparse.Namespace) -> int:
    from ..columns import LeakageSettings, feature_report
    from ..errors import DiagnosticsError

    if not 2 <= args.folds <= 20:
        raise DiagnosticsError(f"--folds must be from 2 to 20; got {args.folds}.")
    dataset = load(args)
    result = feature_report(dataset.frame, target=args.target, settings=LeakageSettings(folds=args.folds, seed=args.seed))
    payload = result.to_dict()
    payload["name"] = dataset.name
    payload["notes"] = list(dataset.notes) + payload["notes"]
    return emit(args, payload, _text(result, dataset.name))


def _fmt(v: float | None, spec: str = ".3f") -> str:
    return "—" if v is None else format(v, spec)


def _text(r: FeatureReport, name: str) -> str:
    lines = [f"{name}: {r.associations.rows:,} labelled rows; target '{r.target}'", "", r.verdict_text, ""]
    lines.append(f"{'feature':<24} {'kind':<12} {'MI':>6} {'effect':>8}  {'measure':<16} {'AUC alone':>9}  flags")
    for row in r.rows():
        leak = row["leakage"]
        flags = (["LEAK? " + "; ".join(leak["reasons"])] if leak["suspect"] else []) + row["alerts"]
        lines.append(
            f"{row['feature'][:24]:<24} {row['kind']:<12} {_fmt(row['mutual_information']):>6} "
            f"{_fmt(row['effect_size']):>8}  {(row['effect_measure'] or '—'):<16} {_fmt(leak['auc']):>9}  "
            + " | ".join(flags)
        )
    lines += ["", r.integrity.verdict_text]
    for m in r.integrity.mixed:
        lines.append(f"  {m.column}: {m.describe()}")
    lines += _integrity_lines(r.integrity)
    if r.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in r.notes]
    return "\n".join(lines)


#: Spelling variants written out in the text (the JSON lists them all).
TEXT_VARIANTS = 10


def _integrity_lines(found: Integrity) -> list[str]:
    """The spelling variants (each spelling quoted, so a trailing space shows, with its count) and the values
    made of special characters only, per column."""
    lines = []
    if found.variants:
        lines.append("  Spellings of one value (quoted as written; rows):")
        for v in found.variants[:TEXT_VARIANTS]:
            spellings = ", ".join(f"{s!r} ({n:,})" for s, n in v.spellings.items())
            lines.append(f"    {v.column}: {spellings}")
        if len(found.variants) > TEXT_VARIANTS:
            rest = len(found.variants) - TEXT_VARIANTS
            lines.append(f"    ... and {count_noun(rest, 'more value')} (all of them: --format json)")
    for column, values in found.special.items():
        listed = ", ".join(f"{s!r} ({n:,})" for s, n in values.items())
        lines.append(f"  {column}: special characters only: {listed}")
    return lines
