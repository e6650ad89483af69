"""The ``dataset-diagnostics`` command.

Every subcommand prints a human summary, or with ``--format json`` the
``to_dict()`` of the same result object the dashboard charts. Bad input exits
with code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import DiagnosticsError
from .common import EXIT_OK, Parser, fail, number

#: Each command group's module adds its own subcommands, in the order of DESIGN.md, and the
#: names it adds (tests/cli/test_cli_arguments.py checks them against what the module registers).
#: Adding a command group is one module here plus one line in this tuple.
COMMAND_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (".overview", "add_overview_commands", ("report",)),
    (".rebalance", "add_rebalance_commands", ("compare", "fix")),
    (".sampling", "add_sampling_commands", ("bias", "shift")),
    (".labels", "add_label_commands", ("agreement", "label-issues")),
    (".weak", "add_weak_commands", ("weak",)),
    (".columns", "add_column_commands", ("features",)),
    (".augment", "add_augment_commands", ("augment",)),
    (".verify", "add_verify_commands", ("verify",)),
    (".card", "add_card_commands", ("card",)),
    (".robustness", "add_robustness_commands", ("robustness",)),
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``command`` (a subcommand's name) only the group that defines it.

    A group's options list its registries (strategies, metrics, LF kinds), so adding every group
    imports them all: about 0.4 s that one command does not need. :func:`main` builds only the
    named command's group; help and an unknown command get the whole parser.
    """
    parser = Parser(
        prog="dataset-diagnostics",
        description="Is this training data fit to learn from? Diagnostics for ML training data.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    if command in (None, "app"):
        app = sub.add_parser("app", help="launch the dashboard (bundled sample data preloaded)")
        app.add_argument("--port", type=number(int, low=1, high=65535), default=8501,
                         help="TCP port, 1-65535 (default 8501)")
        app.add_argument("--address", default="localhost", help="interface to listen on (default: localhost)")
        app.add_argument("--data-root", metavar="DIR", default=None,
                         help="let the dashboard open files by server path, only under DIR (off by default)")
        app.set_defaults(func=_cmd_app)
    for module, function, commands in COMMAND_GROUPS:
        if command is None or command in commands:
            getattr(importlib.import_module(module, __package__), function)(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names (its first token), or ``None`` (help, no or an unknown command)."""
    known = {"app"}.union(*(commands for _, _, commands in COMMAND_GROUPS))
    return argv[0] if argv and argv[0] in known else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except DiagnosticsError as exc:
        fail(args.command, str(exc))
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        fail(args.command, f"cannot read '{exc.filename}': {exc.strerror}.")


#: The server and client settings the dashboard needs wherever it is started.
#: Streamlit reads .streamlit/config.toml from the current folder only; started
#: anywhere else it would fall back to showing tracebacks with server paths
#: (client.showErrorDetails = "full"), so the command passes them itself.
APP_SETTINGS: dict[str, str] = {
    "server.headless": "true",
    "server.maxUploadSize": "1024",  # MB; analysis.io.DEFAULT_MAX_BYTES matches it
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "browser.gatherUsageStats": "false",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "minimal",
    "runner.magicEnabled": "false",  # no page writes a bare expression: skip the AST pass on every rerun
    "theme.primaryColor": "#3b5bdb",
    # kept widgets are written back every run (dashboard/state/session.py): the duplicate-value warning is expected
    "global.disableWidgetStateDuplicationWarning": "true",
}


def app_command(entry: Path, *, port: int, address: str) -> list[str]:
    """The ``streamlit run`` command line, with every setting of :data:`APP_SETTINGS`."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(entry), "--server.port", str(port),
           "--server.address", address, "--browser.serverAddress", address]
    for key, value in APP_SETTINGS.items():
        cmd += [f"--{key}", value]
    return cmd


def app_environment(data_root: str | None) -> dict[str, str]:
    """The dashboard process's environment: ``--data-root`` travels as DATASET_DIAGNOSTICS_DATA_ROOT (resolved).

    Without ``--data-root`` the variable is removed, so a value left in the shell
    never turns the server-path opener on by accident.
    """
    import os

    from ..intake.paths import DATA_ROOT_ENV, check_root

    env = {k: v for k, v in os.environ.items() if k != DATA_ROOT_ENV}
    if data_root is not None:
        env[DATA_ROOT_ENV] = str(check_root(data_root))
    return env


def _port_in_use(address: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return True
    return False


def _cmd_app(args: argparse.Namespace) -> int:
    app = _dashboard_entry()
    env = app_environment(args.data_root)  # a bad --data-root is refused before anything starts
    if _port_in_use(args.address, args.port):
        fail("app", f"port {args.port} on {args.address} is already in use; pass another one with --port N.")
    print(f"dataset-diagnostics: dashboard at http://{args.address}:{args.port} (Ctrl+C to stop)", flush=True)
    cmd = app_command(app, port=args.port, address=args.address)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return EXIT_OK


def _dashboard_entry() -> Path:
    """The dashboard's entry file, found through the installed ``dashboard`` package.

    The analysis layer never imports the dashboard (that would load streamlit);
    it only asks the import system where the package lives.
    """
    spec = importlib.util.find_spec("dashboard")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        entry = Path(folder) / "streamlit_app.py"
        if entry.is_file():
            return entry
    fail(
        "app",
        "the dashboard package is not installed; install dataset-diagnostics with its dashboard "
        "(pip install -e .) and try again.",
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
