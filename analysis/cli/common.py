"""What every subcommand shares: exit codes, the one-line error path, loading, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..io import Dataset

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--max-mb", type=float, default=1024, help="refuse files larger than this (MB)")


def add_exclude(p: argparse.ArgumentParser) -> None:
    """``--exclude COL[,COL]``: columns never used as features (e.g. the suspects ``features`` names)."""
    p.add_argument("--exclude", default=None, metavar="COL[,COL]",
                   help="comma-separated columns never used as features (suspected label leaks); kept in outputs")


def excluded_columns(args: argparse.Namespace, columns, *, target: str) -> tuple[str, ...]:
    """The ``--exclude`` columns, each checked against the table (an unknown one, or the target, is refused)."""
    from ..errors import ColumnNotFoundError, require_column

    names = tuple(dict.fromkeys(n.strip() for n in (args.exclude or "").split(",") if n.strip()))
    for name in names:
        require_column(columns, name, role="--exclude column")
        if name == target:
            raise ColumnNotFoundError(f"--exclude names the target '{target}'; the target is never a feature "
                                      "already. Remove it from --exclude.", column=name)
    return names


def fail(command: str, message: str) -> NoReturn:
    one_line = " ".join(message.split())
    print(f"dataset-diagnostics {command}: error: {one_line}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_INPUT)


def load(args: argparse.Namespace) -> Dataset:
    from ..io import load_csv

    return load_csv(Path(args.data), max_bytes=int(args.max_mb * 1024 * 1024))


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> int:
    if args.format == "json":
        json.dump(jsonable(payload), sys.stdout, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text.rstrip() + "\n")
    return EXIT_OK


def jsonable(value: Any) -> Any:
    """NaN/inf become null so the output is strict JSON."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return jsonable(value.item())
    return value


