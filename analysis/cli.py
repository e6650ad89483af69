"""The ``dataset-diagnostics`` command.

Every subcommand prints a human summary, or with ``--format json`` the
``to_dict()`` of the same result object the dashboard charts. Bad input exits
with code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from .errors import DiagnosticsError

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dataset-diagnostics",
        description="Is this training data fit to learn from? Diagnostics for ML training data.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    app = sub.add_parser("app", help="launch the dashboard (bundled sample data preloaded)")
    app.add_argument("--port", type=int, default=8501)
    app.add_argument("--address", default="localhost", help="interface to listen on (default: localhost)")
    app.set_defaults(func=_cmd_app)

    report = sub.add_parser("report", help="overview: shape, column roles, class balance, missing, duplicates")
    report.add_argument("data", help="CSV file")
    report.add_argument("--target", help="label column (default: the best-ranked candidate)")
    report.add_argument("--folds", type=int, default=5, help="CV folds to check class sizes against")
    _add_common(report)
    report.set_defaults(func=_cmd_report)
    for module, function in _FEATURE_COMMANDS:
        getattr(importlib.import_module(module, __package__), function)(sub)
    return parser


#: Each feature's module adds its own subcommands, in the order of DESIGN.md.
_FEATURE_COMMANDS = (
    (".cli_rebalance", "add_rebalance_commands"),  # compare, fix
    (".cli_sampling", "add_sampling_commands"),  # bias, shift
    (".cli_labels", "add_label_commands"),  # agreement, label-issues
    (".cli_weak", "add_weak_commands"),  # weak
)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--max-mb", type=float, default=1024, help="refuse files larger than this (MB)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DiagnosticsError as exc:
        _fail(args.command, str(exc))
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        _fail(args.command, f"cannot read '{exc.filename}': {exc.strerror}.")
    return EXIT_BAD_INPUT


def _fail(command: str, message: str) -> None:
    one_line = " ".join(message.split())
    print(f"dataset-diagnostics {command}: error: {one_line}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_INPUT)


def _load(args: argparse.Namespace):
    from .io import load_csv

    return load_csv(Path(args.data), max_bytes=int(args.max_mb * 1024 * 1024))


def _emit(args: argparse.Namespace, payload: dict, text: str) -> int:
    if args.format == "json":
        json.dump(_jsonable(payload), sys.stdout, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text.rstrip() + "\n")
    return EXIT_OK


def _jsonable(value):
    """NaN/inf become null so the output is strict JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _jsonable(value.item())
    return value


# --- subcommands -------------------------------------------------------------
def _cmd_report(args: argparse.Namespace) -> int:
    from .report import overview
    from .schema import infer_schema, suggest_target

    dataset = _load(args)
    schema = infer_schema(dataset.frame)
    notes = list(dataset.notes)
    target = args.target
    if target is None:
        target = suggest_target(schema)
        notes.append(f"No --target given; using the best-ranked candidate '{target}'.")
    result = overview(dataset, target=target, schema=schema, cv_folds=args.folds)
    payload = result.to_dict()
    payload["notes"] = notes
    return _emit(args, payload, _report_text(result, notes))


def _report_text(result, notes: list[str]) -> str:
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
    ]
    if notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(lines)


def _cmd_app(args: argparse.Namespace) -> int:
    app = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"
    if not app.exists():
        _fail("app", f"the dashboard is not installed next to the analysis package ({app} is missing).")
    print(f"dataset-diagnostics: dashboard at http://{args.address}:{args.port} (Ctrl+C to stop)", flush=True)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(args.port),
        "--server.address", args.address,
        "--server.headless", "true",
        "--server.maxUploadSize", "1024",
        "--browser.gatherUsageStats", "false",
        "--browser.serverAddress", args.address,
    ]
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
