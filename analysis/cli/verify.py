"""CLI subcommand ``verify``: check a written file against its provenance, and re-run its recipe.

``verify OUT --provenance OUT.provenance.json [--input IN]`` exits 0 with one line
when every check holds, 1 naming what differs (output hash mismatch, input hash
mismatch, missing input, different product version, reproduced output differs),
and 2 with one stderr line on bad input (an unreadable or invalid provenance
file, one that describes another output file). ``--format json`` prints
:meth:`analysis.provenance.Verification.to_dict` (``verdict``, ``failed``,
``checks[]{name, ok, detail}``, ``reproduced``, ``chain``, ...).
"""

from __future__ import annotations

import argparse

__all__ = ["add_verify_commands"]

EXIT_FAILED = 1


def add_verify_commands(sub) -> None:
    from .common import add_common

    verify = sub.add_parser("verify", help="check an output against its provenance; re-run its recipe with --input")
    verify.add_argument("output", help="the file to check (a CSV the product wrote)")
    verify.add_argument("--provenance", required=True, help="its provenance record (OUT.provenance.json)")
    verify.add_argument("--input", default=None,
                        help="the input it was made from: its hash is checked and the recipe re-run in memory")
    add_common(verify)
    verify.set_defaults(func=_cmd_verify)


def _cmd_verify(args: argparse.Namespace) -> int:
    from ..provenance import verify
    from .common import emit

    result = verify(args.output, args.provenance, input=args.input)
    emit(args, result.to_dict(), result.verdict_text)
    return 0 if result.verdict == "verified" else EXIT_FAILED
