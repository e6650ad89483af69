"""What every subcommand shares: exit codes, the one-line error path, loading, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..engines import EngineSettings
    from ..io import Dataset

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def number(
    kind: type[int] | type[float],
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Callable[[str], Any]:
    """An argparse ``type=`` that reads a number and checks its range, so argparse answers in one line.

    ``kind`` is ``int`` (a whole number) or ``float`` (finite: ``nan`` and ``inf``
    are refused); ``low``/``high`` bound it, inclusive unless ``*_open``.

    >>> number(int, low=2, high=20)("5")
    5
    >>> number(int, low=1)("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: must be a whole number of at least 1; got '0'
    >>> number(float, low=0, low_open=True)("nan")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: must be a number greater than 0; got 'nan'
    """
    noun = "a whole number" if kind is int else "a number"

    def fmt(v: float) -> str:
        return f"{v:d}" if kind is int else f"{v:.10g}"

    if low is not None and high is not None and not low_open and not high_open:
        wanted = f"{noun} from {fmt(low)} to {fmt(high)}"
    else:
        parts = []
        if low is not None:
            parts.append(f"greater than {fmt(low)}" if low_open else f"of at least {fmt(low)}")
        if high is not None:
            parts.append(f"below {fmt(high)}" if high_open else f"at most {fmt(high)}")
        wanted = f"{noun} " + " and ".join(parts) if parts else noun

    def parse(text: str) -> int | float:
        value: int | float
        try:
            value = int(text, 10) if kind is int else float(text)
        except ValueError:
            value = math.nan
        ok = math.isfinite(value)
        if ok and low is not None:
            ok = value > low if low_open else value >= low
        if ok and high is not None:
            ok = value < high if high_open else value <= high
        if not ok:
            raise argparse.ArgumentTypeError(f"must be {wanted}; got {text[:40]!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


#: The ranges of the numeric arguments several commands share.
FOLDS = number(int, low=2, high=20)
REPEATS = number(int, low=1, high=20)
SEED = number(int, low=0, high=2**32 - 1)
SHARE = number(float, low=0, high=1, low_open=True, high_open=True)  # a significance level
POSITIVE = number(float, low=0, low_open=True)
MAX_MB = number(float, low=0, high=1024 * 1024, low_open=True)


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--max-mb", type=MAX_MB, default=1024, help="refuse files larger than this (MB, above 0)")
    p.add_argument("--sheet", default=None, metavar="NAME", help="the worksheet of an .xlsx input (default: the first)")
    add_engine(p)


def add_engine(p: argparse.ArgumentParser) -> None:
    """``--engine`` (the registry's names, or ``auto``), ``--spark-master``, ``--memory-limit``, ``--sample-rows``."""
    from ..engines import AUTO_PANDAS_MAX_BYTES, DEFAULT_SAMPLE_ROWS, ENGINES

    g = p.add_argument_group("engine")
    g.add_argument("--engine", choices=("auto", *ENGINES.names()), default="auto",
                   help=f"where the counts run (auto: pandas for a CSV/xlsx up to {AUTO_PANDAS_MAX_BYTES // 2**20} MB, "
                        "DuckDB for Parquet, globs, directories and larger files)")
    g.add_argument("--spark-master", default="local[*]", help="Spark master URL for --engine spark (default local[*])")
    g.add_argument("--memory-limit", default=None, metavar="SIZE",
                   help="DuckDB's memory limit, e.g. 4GB (it spills to disk beyond it)")
    g.add_argument("--sample-rows", type=number(int, low=100), default=DEFAULT_SAMPLE_ROWS,
                   help=f"on DuckDB/Spark, model-based passes use a stratified sample of about this many rows "
                        f"when the table is larger (default {DEFAULT_SAMPLE_ROWS:,})")


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


def engine_settings(args: argparse.Namespace) -> EngineSettings:
    from ..engines import DEFAULT_SAMPLE_ROWS, EngineSettings

    return EngineSettings(
        engine=getattr(args, "engine", "auto"),
        spark_master=getattr(args, "spark_master", "local[*]"),
        memory_limit=getattr(args, "memory_limit", None),
        sample_rows=getattr(args, "sample_rows", DEFAULT_SAMPLE_ROWS),
        seed=int(getattr(args, "seed", 0) or 0),
    )


def chosen_engine(args: argparse.Namespace, source: str) -> str:
    """The engine that runs this command on ``source`` (recorded for the JSON's ``engine`` key)."""
    from ..engines import choose_engine

    name = choose_engine(source, engine_settings(args))
    args.engine_used = name
    return name


def load(args: argparse.Namespace) -> Dataset:
    """The rows the command works on, by the engine ``--engine`` names or ``auto`` picks.

    On pandas: DATA read whole (CSV, Parquet as a file, a folder or a glob, or .xlsx with
    ``--sheet``, by its first bytes: ``analysis.intake.load_table``). On DuckDB/Spark: the table,
    or its stratified sample (by ``--target``) when it has more than ``--sample-rows`` rows. A
    workbook is always read by pandas (neither engine reads .xlsx).
    """
    engine = chosen_engine(args, args.data)
    # Model-based commands read a Parquet input that fits comfortably in memory whole, as the user
    # asked nothing else (``auto``); the counting commands (`report`, `bias`) run it on DuckDB.
    small = getattr(args, "engine", "auto") == "auto" and _source_bytes(args.data) <= _auto_pandas_max()
    if engine == "pandas" or small or is_xlsx(args.data):
        args.engine_used = "pandas"
        return read_table(args.data, args, sheet=getattr(args, "sheet", None))
    from ..engines.load import engine_dataset

    dataset, sample = engine_dataset(args.data, engine_settings(args), target=getattr(args, "target", None))
    args.sample_info = sample
    return dataset


def read_table(path: str, args: argparse.Namespace, *, sheet: str | None = None) -> Dataset:
    """One input file of any command (``analysis.intake.load_table``), within ``--max-mb``."""
    from ..intake import load_table

    return load_table(path, sheet=sheet, max_bytes=int(args.max_mb * 1024 * 1024))


def _auto_pandas_max() -> int:
    from ..engines import AUTO_PANDAS_MAX_BYTES

    return int(AUTO_PANDAS_MAX_BYTES)


def _source_bytes(path: str) -> int:
    """Bytes of DATA on disk: the file, or every Parquet file of a folder or glob (0 when unreadable)."""
    from ..engines.table import is_parquet_source
    from ..errors import DiagnosticsError
    from ..intake.parquet import parquet_files  # the listing only: the engine checks the footers once, later

    try:
        files = list(parquet_files(path)[1]) if is_parquet_source(path) else [path]
        return sum(Path(f).stat().st_size for f in files)
    except (OSError, DiagnosticsError):
        return 0  # the reader says what is wrong with it


def is_xlsx(path: str) -> bool:
    """Whether ``path`` is an Excel workbook (by its bytes): neither DuckDB nor Spark reads one."""
    from ..intake.formats import sniff_path

    source = Path(path)
    try:
        return source.is_file() and sniff_path(source, source.name) == "xlsx"
    except Exception:  # an unreadable file: the reader says what is wrong with it
        return False


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> int:
    if isinstance(payload, dict):
        payload.setdefault("engine", getattr(args, "engine_used", "pandas"))
        sample = getattr(args, "sample_info", None)
        payload.setdefault("sample", sample.to_dict() if sample is not None else None)
        if sample is not None:
            text = text.rstrip() + "\n\n" + sample.note()
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


