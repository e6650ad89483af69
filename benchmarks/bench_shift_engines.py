"""shift between two Parquet files: today's pandas path against DuckDB (issue 13).

Writes two files of ``--rows`` rows each (three continuous columns, whose many distinct values
send them to the quantile sketch, a 60-value integer column and two categorical columns, tested
from exact counts), then times, side by side in one run:

* pandas: ``pd.read_parquet`` of both files + ``analysis.shift`` (classifier off);
* DuckDB: ``engine_shift`` on the two files (classifier off; roles and rows-in-both on the sample).

It prints the times, their ratio and, per feature, the method, |DuckDB - pandas| of the KS statistic
and of the effect, and the stated bounds (a sketch's must hold the pandas value).

    python benchmarks/bench_shift_engines.py --rows 1000000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _table(rows: int, seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "amount": rng.lognormal(3 + shift, 1, rows),
        "score": rng.normal(shift, 1, rows),
        "ratio": rng.beta(2, 5 + shift, rows),
        "age": rng.integers(18, 78, rows),
        "device": rng.choice(["mobile", "desktop", "tablet"], rows, p=[0.6 - shift / 10, 0.3, 0.1 + shift / 10]),
        "region": rng.choice(["north", "south", "east", "west"], rows),
    })


def main() -> None:
    from analysis import shift
    from analysis.engines import EngineSettings, open_table
    from analysis.engines.shift import engine_shift

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, s in enumerate((0.0, 0.2)):
            paths.append(str(Path(tmp) / f"part{i}.parquet"))
            _table(args.rows, i, s).to_parquet(paths[-1])
        t0 = time.perf_counter()
        want = shift(pd.read_parquet(paths[0]), pd.read_parquet(paths[1]), classifier=False)
        t_pandas = time.perf_counter() - t0
        settings = EngineSettings(engine="duckdb")
        t0 = time.perf_counter()
        got, _ = engine_shift(open_table(paths[0], settings), open_table(paths[1], settings), classifier=False)
        t_duckdb = time.perf_counter() - t0
    print(f"rows per file {args.rows:,}: pandas {t_pandas:.1f} s, DuckDB {t_duckdb:.1f} s "
          f"(DuckDB / pandas = {t_duckdb / t_pandas:.2f})")
    for w, g in zip(want.features, got.features):
        bound = g.sketch or {}
        print(f"  {w.name:<8} {g.method:<6} |dKS| {abs(w.statistic - g.statistic):.2e} (bound {bound.get('statistic_bound', 0):.2e})"
              f"  |d effect| {abs(w.effect - g.effect):.2e} (bound {bound.get('effect_bound', 0):.2e})  drift {w.drift}/{g.drift}")


if __name__ == "__main__":
    main()
