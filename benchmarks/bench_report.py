"""Benchmark `dataset-diagnostics report` against bare pandas on a large CSV.

Target (project issue): on a generated 1,000,000-row x 30-column CSV (20
numeric, 8 categorical, a `group` column, a 3%-positive `label`), the report
must take at most 1.5x the time of bare pandas doing

    df = pd.read_csv(path, engine="pyarrow")
    df["label"].value_counts(); df.isna().sum(); df.duplicated().sum()

and its peak memory increment must be at most 3x the loaded DataFrame's size
(`df.memory_usage(deep=True).sum()`).

How it measures
  * The CSV is generated deterministically (numpy default_rng, fixed seed) into
    benchmarks/.cache/ and reused while the file for that row count exists.
  * Each run is a fresh subprocess (this script with --worker); baseline and
    product alternate which goes first. Imports happen before the clock
    starts: pandas + pyarrow (baseline), the same plus `analysis` (product,
    which calls `analysis.cli.main(["report", PATH, "--target", "label",
    "--format", "json"])` with stdout sent to /dev/null). One discarded
    warm-up run of each comes first. Times are medians (best run and CPU
    time of all threads also shown, as they suffer less from other work on
    the machine); a load average above the CPU count is flagged.
  * Memory: after imports the worker resets the peak-RSS mark
    (/proc/self/clear_refs), reads VmRSS, and at the end VmHWM; increment =
    peak - post-import RSS (median of runs; worst in --json). The ratio divides
    it by the baseline's `df.memory_usage(deep=True).sum()`.
  * Secondary: wall time of the whole `python -m analysis report ...` command
    (interpreter start and imports included); its JSON duplicate count is
    checked against the baseline's.

Run (from the repository root, with the package installed):
    python benchmarks/bench_report.py                 # 1,000,000 rows, 3 repeats (+1 warm-up)
    python benchmarks/bench_report.py --rows 200000 --repeats 5 --json
    python benchmarks/bench_report.py --check         # exit 1 if a target fails
    python benchmarks/bench_report.py --profile       # cProfile of the product path
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

SEED = 20260101
GEN_VERSION = 2  # bump when the generator changes, so cached files are rebuilt
CACHE = Path(__file__).resolve().parent / ".cache"
TIME_TARGET, MEM_TARGET = 1.5, 3.0
REPORT_ARGS = ["--target", "label", "--format", "json"]


# --- data --------------------------------------------------------------------
def generate(rows: int) -> Path:
    """Write the benchmark CSV for `rows` rows unless it is already cached."""
    path = CACHE / f"bench_{rows}rows_seed{SEED}_v{GEN_VERSION}.csv"
    if path.exists():
        return path
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(SEED)
    floats = (lambda: rng.normal(50, 15, rows), lambda: rng.lognormal(3, 1, rows),
              lambda: rng.uniform(-1, 1, rows), lambda: rng.exponential(2.5, rows))
    ints = (lambda: rng.integers(0, 100, rows), lambda: rng.poisson(4, rows),
            lambda: rng.integers(18, 90, rows), lambda: rng.integers(0, 1_000_000, rows))
    cols = {}  # name -> [values, null mask or None, vocabulary or None]
    for i in range(20):  # 12 floats (3-4 decimals), 8 ints; every third column ~2% missing
        values = floats[i % 4]().round(3 + i % 2) if i < 12 else ints[i % 4]()
        cols[f"num_{i:02d}"] = [values, rng.random(rows) < 0.02 if i % 3 == 0 else None, None]
    for j, card in enumerate((3, 5, 8, 12, 20, 30, 40, 50)):  # 1-2% missing in 5 of the 8
        codes = rng.choice(card, size=rows, p=rng.dirichlet(np.ones(card))).astype(np.int32)
        mask = rng.random(rows) < 0.01 * (j % 3) if j % 3 else None
        cols[f"cat_{j}"] = [codes, mask, [f"cat_{j}_v{k:02d}" for k in range(card)]]
    regions = ["north", "south", "east", "west", "central", "overseas"]
    cols["group"] = [rng.choice(6, size=rows, p=[0.3, 0.25, 0.2, 0.15, 0.07, 0.03]).astype(np.int32), None, regions]
    cols["label"] = [(rng.random(rows) < 0.03).astype(np.int64), None, None]

    # Exact duplicates: copy whole rows (values and nulls) over other rows;
    # conflicting duplicates: the same, then flip the copy's label.
    n_dup, n_conf = max(1, min(300, rows // 200)), max(1, min(20, rows // 2000))
    picked = rng.choice(rows, size=2 * (n_dup + n_conf), replace=False)
    src, dst = picked[: n_dup + n_conf], picked[n_dup + n_conf :]
    for values, mask, _ in cols.values():
        values[dst] = values[src]
        if mask is not None:
            mask[dst] = mask[src]
    label = cols["label"][0]
    label[dst[n_dup:]] = 1 - label[src[n_dup:]]

    arrays = {}
    for name, (values, mask, vocab) in cols.items():
        arrays[name] = pa.array(values, mask=mask)
        if vocab is not None:
            arrays[name] = pa.DictionaryArray.from_arrays(arrays[name], pa.array(vocab)).cast(pa.string())
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(pa.table(arrays), tmp, pacsv.WriteOptions(quoting_style="none"))
    os.replace(tmp, path)
    return path


# --- worker (runs in a fresh subprocess) -------------------------------------
def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        return int(re.search(rf"^{field}:\s+(\d+) kB", fh.read(), re.M).group(1))


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def worker(kind: str, path: str) -> dict:
    import pandas as pd
    import pyarrow.csv  # noqa: F401  (pd.read_csv(engine="pyarrow") imports it lazily)

    if kind == "product":  # the CLI imports these lazily, too
        import analysis.cli
        import analysis.io
        import analysis.overview
        import analysis.schema
    out = {"kind": kind, "peak_reset": _reset_peak()}
    rss0 = _status_kb("VmRSS")
    start, cpu0 = time.perf_counter(), time.process_time()
    if kind == "baseline":
        df = pd.read_csv(path, engine="pyarrow")
        df["label"].value_counts()
        df.isna().sum()
        out["duplicates"] = int(df.duplicated().sum())
    else:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            if analysis.cli.main(["report", path, *REPORT_ARGS]) != 0:
                raise SystemExit("the report command failed")
    out["seconds"], out["cpu_seconds"] = time.perf_counter() - start, time.process_time() - cpu0
    out["peak_increment_mb"] = (_status_kb("VmHWM") - rss0) / 1024
    if kind == "baseline":
        out["df_mb"], out["shape"] = int(df.memory_usage(deep=True).sum()) / 2**20, list(df.shape)
    return out


def _run(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return time.perf_counter() - start, proc.stdout


def run_worker(kind: str, path: Path) -> dict:
    return json.loads(_run([sys.executable, __file__, "--worker", kind, str(path)])[1].splitlines()[-1])


# --- driver ------------------------------------------------------------------
def measure(path: Path, repeats: int, warmup: int) -> dict:
    with open(path, "rb") as fh:  # warm the page cache so no contender pays for the disk
        while fh.read(1 << 24):
            pass
    for _ in range(warmup):  # discarded: the first big process on a fresh VM pays for page faults
        run_worker("baseline", path), run_worker("product", path)
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {"baseline": [], "product": []}
    cli_wall = []
    for r in range(repeats):
        for kind in ("baseline", "product") if r % 2 == 0 else ("product", "baseline"):
            res = run_worker(kind, path)
            runs[kind].append(res)
            print(f"  repeat {r + 1}/{repeats} {kind:8s} {res['seconds']:7.2f} s  "
                  f"peak +{res['peak_increment_mb']:6.0f} MB", file=sys.stderr)
        # Secondary: the whole command, interpreter start and imports included.
        wall, stdout = _run([sys.executable, "-m", "analysis", "report", str(path), *REPORT_ARGS])
        cli_wall.append(wall)
        print(f"  repeat {r + 1}/{repeats} full CLI {wall:7.2f} s", file=sys.stderr)
    base = runs["baseline"]
    f = {"rows": base[0]["shape"][0], "columns": base[0]["shape"][1], "repeats": repeats,
         "csv_mb": path.stat().st_size / 2**20, "df_mb": base[0]["df_mb"]}
    for kind, rs in runs.items():
        f[f"{kind}_s"] = statistics.median(x["seconds"] for x in rs)
        f[f"{kind}_best_s"] = min(x["seconds"] for x in rs)
        f[f"{kind}_runs_s"] = [round(x["seconds"], 3) for x in rs]
        f[f"{kind}_cpu_s"] = statistics.median(x["cpu_seconds"] for x in rs)
        f[f"{kind}_peak_increment_mb"] = statistics.median(x["peak_increment_mb"] for x in rs)
        f[f"{kind}_peak_worst_mb"] = max(x["peak_increment_mb"] for x in rs)
        f[f"{kind}_mem_ratio"] = f[f"{kind}_peak_increment_mb"] / f["df_mb"]
    f["time_ratio"], f["mem_ratio"] = f["product_s"] / f["baseline_s"], f["product_mem_ratio"]
    f["best_time_ratio"] = f["product_best_s"] / f["baseline_best_s"]
    f["time_pass"], f["mem_pass"] = f["time_ratio"] <= TIME_TARGET, f["mem_ratio"] <= MEM_TARGET
    f["cli_wall_s"] = statistics.median(cli_wall)
    f["duplicates_baseline"], f["duplicates_product"] = base[0]["duplicates"], json.loads(stdout)["duplicate_rows"]
    f["peak_reset"] = all(x["peak_reset"] for x in base + runs["product"])
    f["load_avg"], f["cpus"] = [round(load_before, 2), round(os.getloadavg()[0], 2)], os.cpu_count()
    return f


def print_table(f: dict) -> None:
    verdict = {True: "PASS", False: "FAIL"}
    print(f"\n{f['rows']:,} rows x {f['columns']} columns; CSV {f['csv_mb']:.0f} MB, "
          f"DataFrame {f['df_mb']:.0f} MB; runs per contender: {f['repeats']}\n")
    print(f"{'':36s}{'baseline':>10s}{'product':>10s}{'ratio':>8s}{'target':>8s}")
    print(f"{'median time (s, imports excluded)':36s}{f['baseline_s']:10.2f}{f['product_s']:10.2f}"
          f"{f['time_ratio']:8.2f}{'<= 1.5':>8s}  {verdict[f['time_pass']]}")
    print(f"{'  best of runs (s)':36s}{f['baseline_best_s']:10.2f}{f['product_best_s']:10.2f}"
          f"{f['best_time_ratio']:8.2f}")
    print(f"{'  median CPU time, all threads (s)':36s}{f['baseline_cpu_s']:10.2f}{f['product_cpu_s']:10.2f}"
          f"{f['product_cpu_s'] / f['baseline_cpu_s']:8.2f}")
    print(f"{'median peak memory increment (MB)':36s}{f['baseline_peak_increment_mb']:10.0f}"
          f"{f['product_peak_increment_mb']:10.0f}{f['mem_ratio']:8.2f}{'<= 3.0':>8s}  {verdict[f['mem_pass']]}")
    print(f"  memory ratio = product peak increment / DataFrame size (baseline's own: "
          f"{f['baseline_mem_ratio']:.2f})")
    print(f"full CLI command incl. interpreter start: {f['cli_wall_s']:.2f} s (median)")
    same = f["duplicates_baseline"] == f["duplicates_product"]
    print(f"duplicate rows: baseline {f['duplicates_baseline']:,}, product {f['duplicates_product']:,}"
          + ("" if same else "  <-- MISMATCH"))
    if max(f["load_avg"]) > f["cpus"]:
        print(f"warning: load average {f['load_avg']} on {f['cpus']} CPUs; other work skews the times")
    if not f["peak_reset"]:
        print("note: could not reset VmHWM; peaks include the import phase")


def profile(path: Path, top: int = 25) -> None:
    import cProfile
    import pstats

    import analysis.cli

    prof = cProfile.Profile()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        prof.runcall(analysis.cli.main, ["report", str(path), *REPORT_ARGS])
    pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated CSV")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs of each contender")
    ap.add_argument("--warmup", type=int, default=1, help="discarded runs of each contender first")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    ap.add_argument("--profile", action="store_true", help="cProfile the product path in-process")
    ap.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    t0 = time.perf_counter()
    path = generate(args.rows)
    print(f"data: {path} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    if args.profile:
        profile(path)
        return 0
    figures = measure(path, args.repeats, args.warmup)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)
    return 1 if args.check and not (figures["time_pass"] and figures["mem_pass"]) else 0


if __name__ == "__main__":
    sys.exit(main())
