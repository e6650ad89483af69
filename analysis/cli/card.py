"""``card``: a dataset card from the diagnostics, written as Markdown, Croissant JSON-LD or an HTML report.

The measured facts come from the same result objects the other commands print
(:func:`analysis.card.build_card`); the HTML report is drawn by the installed
``dashboard.report`` package, found through the import system when asked for
(as ``app`` finds the dashboard), so the analysis layer never imports plotly.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from . import common as cli

__all__ = ["FORMATS", "add_card_commands", "output_format"]

#: --format value -> what is written; "text" and "json" print the card (and still write -o by its suffix).
FORMATS: dict[str, str] = {"markdown": ".md", "croissant": ".json", "html": ".html"}
_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".json": "croissant", ".jsonld": "croissant",
             ".html": "html", ".htm": "html"}


def add_card_commands(sub: Any) -> None:
    card = sub.add_parser("card", help="dataset card: Markdown (Hugging Face layout), Croissant JSON-LD or HTML report")
    card.add_argument("data", help="CSV file")
    card.add_argument("--target", help="label column (required: a card describes a labelled dataset)")
    card.add_argument("--reference", help="reference population CSV for --group (value,share table or a whole dataset)")
    card.add_argument("--group", help="group column compared with --reference")
    card.add_argument("--annotators", help="comma-separated annotator columns: agreement with bootstrap intervals")
    card.add_argument("--abstain", default="-1", help="'no vote' value of --lfs columns (default -1)")
    card.add_argument("--lfs", help="comma-separated LF columns, or a JSON file of declarative LFs (saved from the dashboard)")
    card.add_argument("--second", help="a second CSV (test or production data): distribution shift against it")
    card.add_argument("--human", help="human fields file (JSON or YAML) saved from the card page")
    card.add_argument("--recipe", action="append", default=[], metavar="FILE",
                      help="recipe JSON of a fix applied to DATA (the *_recipe.json `fix` writes); repeatable")
    card.add_argument("--quick", action="store_true", help="skip the model-based facts (leakage suspects, label errors)")
    card.add_argument("--bootstrap", type=cli.number(int, low=0, high=100_000), default=1000,
                      help="bootstrap resamples for the agreement intervals (default 1000; 0: none)")
    card.add_argument("--seed", type=cli.SEED, default=0)
    card.add_argument("-o", "--output", help="write the card here: .md (Markdown), .json/.jsonld (Croissant) or .html")
    card.add_argument("--format", choices=("text", "json", *FORMATS), default="text",
                      help="json: print the card's facts; markdown/croissant/html: the format written to -o "
                           "(or printed without -o); default: by the suffix of -o")
    card.add_argument("--max-mb", type=cli.MAX_MB, default=1024, help="refuse files larger than this (MB, above 0)")
    card.set_defaults(func=_cmd_card)


def output_format(output: str | None, fmt: str) -> str | None:
    """The format written: --format when it names one, else the suffix of -o (None: nothing written)."""
    if fmt in FORMATS:
        return fmt
    if output is None:
        return None
    suffix = Path(output).suffix.lower()
    if suffix not in _SUFFIXES:
        cli.fail("card", f"unknown output format '{suffix or output}': name the file .md (Markdown), .json or "
                         ".jsonld (Croissant) or .html (report), or pass --format markdown|croissant|html.")
    return _SUFFIXES[suffix]


def _html_report():
    """``dashboard.report.html_report``, found at call time (the analysis layer never imports plotly)."""
    try:
        spec = importlib.util.find_spec("dashboard.report")
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        cli.fail("card", "the HTML report needs the dashboard package (plotly); install dataset-diagnostics with "
                         "its dashboard (pip install -e .), or write .md or .json instead.")
    return importlib.import_module("dashboard.report").html_report


def _cmd_card(args: argparse.Namespace) -> int:
    from ..card import HumanFields, build_card, croissant_bytes, read_recipe, to_markdown
    fmt = output_format(args.output, args.format)  # checked before any work
    human = HumanFields.from_file(args.human) if args.human else HumanFields()
    fixes = [read_recipe(path) for path in args.recipe]
    dataset = cli.load(args)
    read = lambda path: cli.load(argparse.Namespace(data=path, max_mb=args.max_mb))  # noqa: E731
    lfs: Any = None
    if args.lfs:
        from ..weak import LFColumns, LFSet, split_list

        lfs = (LFSet.from_file(args.lfs) if args.lfs.lower().endswith(".json") and os.path.isfile(args.lfs)
               else LFColumns(tuple(split_list(args.lfs) or ()), abstain=args.abstain))
    card = build_card(
        dataset, target=args.target,
        reference=read(args.reference) if args.reference else None, group=args.group,
        annotators=[a.strip() for a in args.annotators.split(",") if a.strip()] if args.annotators else None,
        lfs=lfs, second=read(args.second) if args.second else None, human=human,
        results={"fixes": fixes} if fixes else None,
        measure=() if args.quick else ("leakage", "label_errors"), bootstrap=args.bootstrap, seed=args.seed,
    )
    data: bytes | None = None
    if fmt == "markdown":
        data = to_markdown(card).encode("utf-8")
    elif fmt == "croissant":
        where = Path(args.output).resolve().parent if args.output else Path.cwd()
        url = os.path.relpath(Path(args.data).resolve(), where).replace(os.sep, "/")
        data = croissant_bytes(card, content_url=url, frame=dataset.frame)
    elif fmt == "html":
        data = _html_report()(card)
    written = None
    if data is not None and args.output:
        from ..provenance import write_output

        # The card gets its provenance like every file the product writes (hash, input, flags);
        # `verify` checks its hash (the card has no recipe to re-run: it gathers several inputs).
        parameters = {k: v for k, v in sorted(vars(args).items()) if k not in ("func", "output", "data", "command")}
        record = write_output(Path(args.output), data, command="card", parameters=parameters, source=dataset,
                              written_by="cli card", role=fmt or "card")
        written = {"path": str(args.output), "format": fmt, "bytes": len(data), "provenance": str(record)}
    elif data is not None and args.format in FORMATS:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return cli.EXIT_OK
    payload = card.to_dict()
    payload["output"] = written
    text = "\n".join([f"{card.name}: {card.rows:,} rows x {card.columns} columns; target '{card.target}'",
                      card.verdict_text, ""]
                     + [f"  [{'x' if f.measured else ' '}] {f.title}: {f.text}" for f in card.facts]
                     + ([f"\nWrote {written['path']} ({fmt}, {written['bytes']:,} bytes)."] if written else []))
    return cli.emit(args, payload, text)
