"""Benchmark the engines: DuckDB and Spark against today's pandas path and against plain SQL.

Three parts, each measured side by side in one run (fresh subprocess per measurement;
wall time and peak RSS from /proc/self/status VmHWM; a load average above the CPU
count is printed, since a shared machine inflates every figure):

1. ``csv``: the 1M x 30 CSV of bench_report.py. ``report --engine duckdb`` and
   ``report --engine pandas`` (today's path), both as ratios against bare pandas
   (``read_csv`` + ``value_counts`` + ``isna().sum()`` + ``duplicated().sum()``).
2. ``parquet``: a Parquet dataset from make_big_parquet.py (``--rows``, default 10M).
   ``report`` and ``bias`` on DuckDB, with peak memory, against DuckDB running the same
   counts as plain SQL (GROUP BY label; per-column null counts; duplicates via GROUP BY
   all columns; conflicts via GROUP BY features HAVING min(label) <> max(label); for bias,
   GROUP BY group with null counts and GROUP BY group, label).
3. ``spark``: ``report --engine spark --spark-master local[2]`` on the 1M CSV: its JSON
   must equal DuckDB's (both read the file themselves and sample the same rows); time recorded.
4. ``weak``: ``weak --lfs lf_0,lf_1,lf_2 --engine duckdb`` on the Parquet dataset of part 2
   (LF summary and label model from the distinct vote patterns) against DuckDB counting the
   same patterns as plain SQL (``SELECT lf_0, lf_1, lf_2, count(*) ... GROUP BY ALL``).

    python benchmarks/bench_engines.py --parts csv,parquet,spark,weak --rows 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


def _peak_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _cli(argv: list[str], out: str | None) -> None:
    import contextlib

    from analysis.cli.main import main

    with open(out or os.devnull, "w") as fh, contextlib.redirect_stdout(fh):
        code = main(argv)
    if code:
        raise SystemExit(f"CLI exited {code}: {argv}")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_counts(source: str, *, bias: bool) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM {source}")
    cols = [r[0] for r in con.execute("DESCRIBE t").fetchall()]
    feats = [c for c in cols if c != "label"]
    nulls = ", ".join(f"count(*) - count({_q(c)})" for c in cols)
    if bias:
        con.execute(f"SELECT \"group\", count(*), {nulls} FROM t GROUP BY ALL").fetchall()
        con.execute("SELECT \"group\", label, count(*) FROM t GROUP BY ALL").fetchall()
        return
    con.execute("SELECT label, count(*) FROM t GROUP BY label").fetchall()
    con.execute(f"SELECT {nulls} FROM t").fetchall()
    listed = ", ".join(_q(c) for c in cols)
    con.execute(f"SELECT sum(n - 1) FROM (SELECT count(*) AS n FROM t GROUP BY {listed})").fetchall()
    fl = ", ".join(_q(c) for c in feats)
    con.execute(f"SELECT count(*), sum(n) FROM (SELECT count(label) AS n FROM t GROUP BY {fl} "
                "HAVING min(label) <> max(label))").fetchall()


def _sql_patterns(source: str) -> None:
    import duckdb

    duckdb.connect().execute(f"SELECT lf_0, lf_1, lf_2, count(*) FROM {source} GROUP BY ALL").fetchall()


def worker(kind: str, path: str, out: str | None) -> dict:
    import pandas as pd  # imported before the clock, as in bench_report.py

    import analysis.cli.main  # noqa: F401

    start = time.perf_counter()
    if kind == "bare_pandas":
        df = pd.read_csv(path, engine="pyarrow")
        df["label"].value_counts(); df.isna().sum(); df.duplicated().sum()  # noqa: E702
    elif kind.startswith("report_"):
        engine = kind.split("_", 1)[1]
        extra = ["--spark-master", "local[2]"] if engine == "spark" else []
        _cli(["report", path, "--target", "label", "--format", "json", "--engine", engine, *extra], out)
    elif kind.startswith("bias_"):
        _cli(["bias", path, "--group", "group", "--target", "label", "--format", "json", "--engine",
              kind.split("_", 1)[1], "--expected", "north=0.3,south=0.25,east=0.2,west=0.15,central=0.07,overseas=0.03"], out)
    elif kind.startswith("weak_"):
        _cli(["weak", path, "--lfs", "lf_0,lf_1,lf_2", "--format", "json", "--engine", kind.split("_", 1)[1]], out)
    elif kind == "sql_weak":
        _sql_patterns(f"read_parquet('{path}/*.parquet')")
    elif kind in ("sql_report", "sql_bias"):
        source = (f"read_parquet('{path}/*.parquet')" if Path(path).is_dir() else f"read_csv('{path}')")
        _sql_counts(source, bias=kind == "sql_bias")
    else:
        raise SystemExit(f"unknown kind {kind}")
    return {"kind": kind, "seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def run(kind: str, path: Path, out: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, str(path)] + (["--out", out] if out else [])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode:
        raise SystemExit(f"{kind} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--parts", default="csv,parquet,spark")
    p.add_argument("--rows", type=int, default=10_000_000, help="rows of the Parquet dataset (part 2)")
    p.add_argument("--csv-rows", type=int, default=1_000_000)
    p.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"))
    p.add_argument("--out")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.out)))
        return 0
    parts = set(args.parts.split(","))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared machine: figures inflated)")
    results: dict[str, dict] = {}
    if parts & {"csv", "spark"}:
        from bench_report import generate

        csv = generate(args.csv_rows)
    if "csv" in parts:
        for kind in ("bare_pandas", "report_pandas", "report_duckdb"):
            results[kind] = r = run(kind, csv)
            print(f"[csv {args.csv_rows:,}] {kind:<14} {r['seconds']:8.1f} s  peak {r['peak_mb']:8.0f} MB", flush=True)
        base = results["bare_pandas"]["seconds"]
        for kind in ("report_pandas", "report_duckdb"):
            print(f"  {kind} / bare pandas = {results[kind]['seconds'] / base:.2f}x")
    if "parquet" in parts:
        data = HERE / ".cache" / f"big{args.rows}"
        subprocess.run([sys.executable, str(HERE / "make_big_parquet.py"), "--rows", str(args.rows), "--out", str(data)],
                       check=True)
        for kind in ("sql_report", "report_duckdb", "sql_bias", "bias_duckdb"):
            results["pq_" + kind] = r = run(kind, data)
            print(f"[parquet {args.rows:,}] {kind:<14} {r['seconds']:8.1f} s  peak {r['peak_mb']:8.0f} MB", flush=True)
        for kind, sql in (("report_duckdb", "sql_report"), ("bias_duckdb", "sql_bias")):
            ratio = results["pq_" + kind]["seconds"] / results["pq_" + sql]["seconds"]
            print(f"  {kind} / plain SQL = {ratio:.2f}x (target <= 1.5x); peak {results['pq_' + kind]['peak_mb']:.0f} MB (target < 8192)")
    if "weak" in parts:
        data = HERE / ".cache" / f"big{args.rows}"
        subprocess.run([sys.executable, str(HERE / "make_big_parquet.py"), "--rows", str(args.rows), "--out", str(data)],
                       check=True)
        for kind in ("sql_weak", "weak_duckdb"):
            results["pq_" + kind] = r = run(kind, data)
            print(f"[parquet {args.rows:,}] {kind:<14} {r['seconds']:8.1f} s  peak {r['peak_mb']:8.0f} MB", flush=True)
        ratio = results["pq_weak_duckdb"]["seconds"] / results["pq_sql_weak"]["seconds"]
        print(f"  weak_duckdb / plain SQL = {ratio:.2f}x (target <= 1.5x); peak {results['pq_weak_duckdb']['peak_mb']:.0f} MB")
    if "spark" in parts:
        outs = {e: str(HERE / ".cache" / f"report_{e}.json") for e in ("duckdb", "spark")}
        for engine in ("duckdb", "spark"):
            results["sp_" + engine] = r = run(f"report_{engine}", csv, outs[engine])
            print(f"[spark {args.csv_rows:,}] report_{engine:<8} {r['seconds']:8.1f} s  peak {r['peak_mb']:8.0f} MB", flush=True)
        a, b = (json.loads(Path(outs[e]).read_text()) for e in ("duckdb", "spark"))
        differ = sorted(k for k in a if k != "engine" and a[k] != b.get(k))
        print(f"  Spark JSON equals DuckDB JSON: {not differ}" + (f" (differs in {differ})" if differ else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
