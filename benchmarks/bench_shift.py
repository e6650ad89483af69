"""Benchmark `analysis.sampling.shift` against scipy in a plain loop, on two large files.

Target (project issue 4): on two 1,000,000-row x 30-column tables (20 numeric,
10 categorical), the per-feature tests of `shift` take at most 2x the time of
a plain loop over the same columns calling scipy directly:

    numeric:      scipy.stats.ks_2samp(ref[c].dropna(), cur[c].dropna())
    categorical:  ref[c].value_counts(), cur[c].value_counts(), aligned, then
                  scipy.stats.chisquare(cur_counts, ref_shares * n_cur)

`shift` does more per column than that loop: KS statistic and p-value (as
scipy), Wasserstein-1 distance normalized by the reference's spread, a
10-bin PSI, a chi-square test of homogeneity with the Jensen-Shannon
distance, missing shares, then Benjamini-Hochberg over the features. Two
product timings are reported:

    per-feature  `shift(ref, cur, classifier=False)` minus nothing: it also
                 includes the column-role inference and the shared-row count
                 (the stricter number, compared with the target);
    classifier   `domain_classifier` on the stated subsample (default 5,000
                 rows per file, 5 folds, plus permutation importance), timed
                 separately: it does not scale with the file size.

How it measures: the tables are generated in memory (numpy default_rng, fixed
seed; the current table has 3 shifted numeric and 1 shifted categorical
column, and missing values in 4 columns), with pandas' default string dtype
for the categorical columns, as `analysis.io.load_csv` gives. Both paths run
in the same process, alternating which goes first, after one discarded warm-up
run each; times are medians of `--repeats` runs (wall clock, perf_counter).
The load average is printed: the machine may be shared.

Run (from the repository root):
    python benchmarks/bench_shift.py                       # 1,000,000 rows, 3 repeats
    python benchmarks/bench_shift.py --rows 200000 --repeats 5 --json
    python benchmarks/bench_shift.py --check               # exit 1 if the 2x target fails
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

SEED = 20261126
TARGET = 2.0
N_NUMERIC, N_CATEGORICAL = 20, 10


def make_tables(rows: int, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ref, cur = {}, {}
    for i in range(N_NUMERIC):
        shift = 0.3 if i < 3 else 0.0
        kind = i % 3
        if kind == 0:
            ref[f"num_{i}"] = rng.normal(0, 1, rows)
            cur[f"num_{i}"] = rng.normal(shift, 1, rows)
        elif kind == 1:
            ref[f"num_{i}"] = rng.lognormal(3, 1, rows).round(2)
            cur[f"num_{i}"] = rng.lognormal(3 + shift, 1, rows).round(2)
        else:
            ref[f"num_{i}"] = rng.integers(0, 1000, rows).astype(float)
            cur[f"num_{i}"] = rng.integers(0, 1000 + int(shift * 1000), rows).astype(float)
    for j in range(N_CATEGORICAL):
        k = 5 + 5 * j
        levels = np.array([f"c{j}_{v}" for v in range(k)], dtype=object)
        p = rng.dirichlet(np.ones(k))
        q = rng.dirichlet(np.ones(k)) if j == 0 else p
        ref[f"cat_{j}"] = levels[rng.choice(k, rows, p=p)]
        cur[f"cat_{j}"] = levels[rng.choice(k, rows, p=q)]
    a, b = pd.DataFrame(ref), pd.DataFrame(cur)
    for frame in (a, b):
        for col in ("num_4", "num_5", "cat_3", "cat_4"):
            frame.loc[rng.random(rows) < 0.02, col] = None
    string = pd.StringDtype(na_value=np.nan)
    for j in range(N_CATEGORICAL):
        a[f"cat_{j}"] = a[f"cat_{j}"].astype(string)
        b[f"cat_{j}"] = b[f"cat_{j}"].astype(string)
    return a, b


def baseline(a: pd.DataFrame, b: pd.DataFrame) -> dict:
    out = {}
    for col in a.columns:
        if col.startswith("num_"):
            res = stats.ks_2samp(a[col].dropna().to_numpy(), b[col].dropna().to_numpy())
        else:
            ca, cb = a[col].value_counts(), b[col].value_counts()
            keys = ca.index.union(cb.index)
            ca, cb = ca.reindex(keys, fill_value=0), cb.reindex(keys, fill_value=0)
            res = stats.chisquare(cb.to_numpy(), ca.to_numpy() / ca.sum() * cb.sum())
        out[col] = (float(res.statistic), float(res.pvalue))
    return out


def product(a: pd.DataFrame, b: pd.DataFrame):
    from analysis.sampling import shift

    return shift(a, b, classifier=False)


def classifier(a: pd.DataFrame, b: pd.DataFrame, rows: int):
    from analysis.sampling import domain_classifier

    return domain_classifier(a, b, features=list(a.columns), rows=rows)


def _timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--classifier-rows", type=int, default=5_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)

    import analysis.sampling  # noqa: F401  (imports before the clock)

    t0 = time.perf_counter()
    a, b = make_tables(args.rows)
    gen_s = time.perf_counter() - t0
    _timed(baseline, a, b)  # warm-up
    _timed(product, a, b)
    base_times, prod_times = [], []
    for r in range(args.repeats):
        order = (("b", baseline), ("p", product)) if r % 2 == 0 else (("p", product), ("b", baseline))
        for tag, fn in order:
            seconds, result = _timed(fn, a, b)
            (base_times if tag == "b" else prod_times).append(seconds)
            if tag == "b":
                base_result = result
            else:
                prod_result = result
    cls_s, cls = _timed(classifier, a, b, args.classifier_rows)

    # The KS statistics and p-values must agree with scipy's (the same numbers, not just the same speed).
    feats = {f.name: f for f in prod_result.features}
    worst = max(abs(feats[c].statistic - base_result[c][0]) for c in a.columns if c.startswith("num_"))
    base_med, prod_med = statistics.median(base_times), statistics.median(prod_times)
    ratio = prod_med / base_med
    report = {
        "rows": args.rows,
        "columns": a.shape[1],
        "generate_s": round(gen_s, 2),
        "baseline_s": [round(t, 3) for t in base_times],
        "product_s": [round(t, 3) for t in prod_times],
        "baseline_median_s": round(base_med, 3),
        "product_median_s": round(prod_med, 3),
        "ratio": round(ratio, 3),
        "ratio_best": round(min(prod_times) / min(base_times), 3),
        "target": TARGET,
        "pass": ratio <= TARGET,
        "ks_statistic_max_abs_diff_vs_scipy": worst,
        "drifted": list(prod_result.drifted),
        "classifier_rows_per_file": args.classifier_rows,
        "classifier_s": round(cls_s, 2),
        "classifier_auc": round(cls.auc, 4),
        "classifier_top_drivers": [f for f, _ in cls.importances[:4]],
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"shift on {args.rows:,} x {a.shape[1]} (x2 files), {args.repeats} repeats, medians:")
        print(f"  scipy loop (ks_2samp / value_counts + chisquare): {base_med:7.2f} s   {report['baseline_s']}")
        print(f"  analysis shift(classifier=False):                 {prod_med:7.2f} s   {report['product_s']}")
        print(f"  ratio {ratio:.2f}x (target <= {TARGET}x): {'PASS' if ratio <= TARGET else 'FAIL'}"
              f"; best run vs best run {report['ratio_best']:.2f}x")
        print(f"  KS statistics vs scipy: max |diff| = {worst:.2e}; drifted: {', '.join(prod_result.drifted)}")
        print(f"  domain classifier on {args.classifier_rows:,} rows per file: {cls_s:.2f} s, AUC {cls.auc:.3f}, "
              f"drivers {', '.join(report['classifier_top_drivers'])}")
        print(f"  load average {report['load_average']} on {report['cpus']} CPUs")
    return 1 if args.check and ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
