"""Benchmark `dataset-diagnostics features` against `report` on the same large CSV.

Target (issue 14): on the generated 1,000,000-row x 30-column CSV of
bench_report.py (20 numeric, 8 categorical, a `group` column, a 3%-positive
`label`), the feature table (`features DATA --target label --format json`:
association, effect sizes, tests, alerts, leakage checks, integrity) takes at
most 3x the time of `report` on the same file. Both include reading the file.
The model-based parts (single-feature trees, rules, mutual information, tests)
run on a stratified sample of `analysis.columns.SAMPLE_ROWS` (5,000) rows;
alerts, rule shares and constant-within-class checks count every row.

How it measures: each run is a fresh subprocess that imports the package
first, then times `analysis.cli.main([...])` with stdout sent to /dev/null;
`report` and `features` alternate which goes first; one discarded warm-up of
each; medians over the repeats. The load average is printed (the machine is
shared).

Run (from the repository root):
    python benchmarks/bench_features.py                    # 1,000,000 rows, 3 repeats
    python benchmarks/bench_features.py --rows 200000 --repeats 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import generate

TARGET = 3.0


def worker(command: str, path: str) -> float:
    import analysis.cli
    import analysis.columns
    import analysis.overview

    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        start = time.perf_counter()
        code = analysis.cli.main([command, path, "--target", "label", "--format", "json"])
        elapsed = time.perf_counter() - start
    assert code == 0
    return elapsed


def run(command: str, path: Path) -> float:
    out = subprocess.run([sys.executable, __file__, "--worker", command, str(path)], check=True,
                         capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--worker", nargs=2)
    args = p.parse_args()
    if args.worker:
        print(json.dumps({"seconds": worker(*args.worker)}))
        return 0
    path = generate(args.rows)
    run("report", path), run("features", path)  # warm-up (page cache, .pyc)
    times: dict[str, list[float]] = {"report": [], "features": []}
    for i in range(args.repeats):
        order = ("report", "features") if i % 2 == 0 else ("features", "report")
        for command in order:
            times[command].append(run(command, path))
    rep, feat = statistics.median(times["report"]), statistics.median(times["features"])
    ratio = feat / rep
    print(f"{args.rows:,} rows x 30 columns, {args.repeats} repeats, load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    print(f"report    median {rep:6.2f} s  (runs {', '.join(f'{t:.2f}' for t in times['report'])})")
    print(f"features  median {feat:6.2f} s  (runs {', '.join(f'{t:.2f}' for t in times['features'])})")
    print(f"ratio features / report: {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
