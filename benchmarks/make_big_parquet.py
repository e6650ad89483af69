"""Write a large Parquet dataset in chunks (never the whole table in memory), for bench_engines.py.

The layout follows bench_report.py's CSV (20 numeric columns, 8 text categories, a ``group``
column, a 3%-positive ``label``) plus three labeling-function vote columns (``lf_0..lf_2``:
-1 abstains, else a 0/1 vote), in one Parquet file per chunk under DIR, so a 200M-row dataset
takes 200 files of 1M rows. Exact duplicates: every chunk repeats 0.5% of its rows, and 20
of those copies get the other label (conflicting duplicates). Deterministic per (seed, chunk).

    python benchmarks/make_big_parquet.py --rows 10000000 --out benchmarks/.cache/big10m
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CHUNK = 1_000_000
REGIONS = ["north", "south", "east", "west", "central", "overseas"]


def chunk_table(rows: int, seed: int, index: int) -> pa.Table:
    rng = np.random.default_rng([seed, index])
    cols: dict[str, pa.Array] = {}
    for i in range(20):
        if i < 12:
            values = rng.normal(50, 15, rows).round(3)
        else:
            values = rng.integers(0, 1000, rows)
        mask = rng.random(rows) < 0.02 if i % 3 == 0 else None
        cols[f"num_{i:02d}"] = pa.array(values, mask=mask)
    for j, card in enumerate((3, 5, 8, 12, 20, 30, 40, 50)):
        codes = rng.integers(0, card, rows).astype(np.int32)
        mask = rng.random(rows) < 0.01 if j % 3 else None
        vocab = pa.array([f"cat_{j}_v{k:02d}" for k in range(card)])
        cols[f"cat_{j}"] = pa.DictionaryArray.from_arrays(pa.array(codes, mask=mask), vocab).cast(pa.string())
    group = rng.choice(6, size=rows, p=[0.3, 0.25, 0.2, 0.15, 0.07, 0.03])
    cols["group"] = pa.array(np.asarray(REGIONS)[group])
    label = (rng.random(rows) < 0.03).astype(np.int64)
    for k, acc in enumerate((0.9, 0.8, 0.7)):
        vote = np.where(rng.random(rows) < acc, label, 1 - label)
        cols[f"lf_{k}"] = pa.array(np.where(rng.random(rows) < 0.5, -1, vote).astype(np.int64))
    cols["label"] = pa.array(label)
    table = pa.table(cols)
    n_dup = rows // 200
    src = rng.choice(rows, n_dup, replace=False)
    copies = table.take(pa.array(src))
    flipped = np.asarray(copies["label"]).copy()
    flipped[:20] = 1 - flipped[:20]
    copies = copies.set_column(copies.schema.get_field_index("label"), "label", pa.array(flipped))
    return pa.concat_tables([table.slice(0, rows - n_dup), copies])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--out", type=Path, required=True, help="directory for the Parquet files")
    p.add_argument("--seed", type=int, default=20260101)
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    done = 0
    index = 0
    while done < args.rows:
        rows = min(CHUNK, args.rows - done)
        path = args.out / f"part-{index:05d}.parquet"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            pq.write_table(chunk_table(rows, args.seed, index), tmp, row_group_size=256_000)
            os.replace(tmp, path)
        done += rows
        index += 1
    print(f"{done:,} rows in {index} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
