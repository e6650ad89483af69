"""The ``dataset-diagnostics`` command: ``main`` parses, each module adds one command group.

``common`` holds what every subcommand shares (exit codes, the one-line error,
loading, JSON output); ``main`` lists the command groups.
"""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
