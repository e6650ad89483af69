"""Run the dataset-diagnostics command in-process and capture what it printed."""

from analysis.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``dataset-diagnostics *argv``."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse and the bad-input path exit through SystemExit
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err
