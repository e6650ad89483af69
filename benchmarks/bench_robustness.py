"""Robustness ladder vs one plain scikit-learn ``cross_validate``, side by side in one run.

Data: 100,000 rows x 30 feature columns (26 numeric with 2% missing values, 4
categorical), generated, a binary target with a linear signal. The ladder: 4
perturbation kinds (gaussian_noise, scaling, category_flip, missing) x 5
strengths x 5 folds, logistic regression, no per-feature sensitivity.

* ``plain``: ``sklearn.model_selection.cross_validate`` of the very same
  pipeline (the plan's preprocessing + ``analysis.models`` logistic regression)
  on the same folds, scoring balanced accuracy, ``n_jobs=1``.
* ``ladder``: :func:`analysis.robustness.iter_robustness` on the same plan: one
  fit per fold, clean scores, then 20 perturbed predictions per fold, every
  registered metric, flip rates, per-row flip counts and intervals.

Both run with one BLAS thread (the ladder sets it; ``plain`` is wrapped in the
same limit). Planning (features, near-duplicate groups, folds) is reported on
its own line: it is shared by both and by every other lab. Target: ladder /
plain <= 2. Run::

    python benchmarks/bench_robustness.py              # full size
    python benchmarks/bench_robustness.py --rows 20000 # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import pandas as pd

from analysis.models import make_classifier
from analysis.robustness import RobustnessResult, RobustnessSettings, iter_robustness, plan_robustness

KINDS = ("gaussian_noise", "scaling", "category_flip", "missing")


def make_data(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 26))
    logit = X[:, :6] @ rng.normal(0, 0.8, 6)
    frame = pd.DataFrame(X, columns=[f"num_{i:02d}" for i in range(26)])
    for j, levels in enumerate((list("abcd"), list("xyz"), list("pqrst"), list("uv"))):
        values = rng.choice(levels, size=rows)
        logit = logit + 0.5 * (values == levels[0])
        frame[f"cat_{j}"] = values
    X[rng.random(X.shape) < 0.02] = np.nan
    frame[[f"num_{i:02d}" for i in range(26)]] = X
    frame["target"] = (logit + rng.logistic(size=rows) > 0).astype(int)
    return frame


def run(rows: int, folds: int, sensitivity: bool) -> dict:
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import Pipeline
    from threadpoolctl import threadpool_limits

    df = make_data(rows)
    settings = RobustnessSettings(target="target", perturbations=KINDS, folds=folds, sensitivity=False)
    t0 = time.perf_counter()
    plan = plan_robustness(df, settings)
    planning = time.perf_counter() - t0

    def plain() -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        pipe = Pipeline([("prepare", plan.spec.build()), ("model", make_classifier("logreg", seed=0))])
        with threadpool_limits(limits=1):
            cross_validate(pipe, plan.prepared(plan.frame), plan.y, cv=list(plan.splits),
                           scoring="balanced_accuracy", n_jobs=1)
        return time.perf_counter() - start, time.process_time() - cpu

    def ladder(p) -> tuple[float, float, RobustnessResult]:
        start, cpu = time.perf_counter(), time.process_time()
        result = None
        for event in iter_robustness(p):
            if isinstance(event, RobustnessResult):
                result = event
        assert result is not None
        return time.perf_counter() - start, time.process_time() - cpu, result

    plain()  # warm-up: imports and first-call costs, for both
    # interleaved, best of 3 and 2: load on a shared machine moves both alike. Both run on one thread, so
    # their CPU time (process_time) is the steadier figure when other work shares the cores.
    p1, p2 = plain(), plain()
    l1 = ladder(plan)
    p3 = plain()
    l2 = ladder(plan)
    result = l1[2]
    t_plain, c_plain = min(p1[0], p2[0], p3[0]), min(p1[1], p2[1], p3[1])
    t_ladder, c_ladder = min(l1[0], l2[0]), min(l1[1], l2[1])
    out = {
        "rows": rows, "features": 30, "folds": folds, "kinds": list(KINDS), "strengths": 5,
        "predictions": folds * (1 + len(KINDS) * 5),
        "planning_s": round(planning, 2), "plain_cross_validate_s": round(t_plain, 2),
        "ladder_s": round(t_ladder, 2), "ratio": round(t_ladder / t_plain, 2),
        "plain_cpu_s": round(c_plain, 2), "ladder_cpu_s": round(c_ladder, 2), "cpu_ratio": round(c_ladder / c_plain, 2),
        "clean_balanced_accuracy": round(result.clean["balanced_accuracy"].mean, 4), "verdict": result.verdict,
        "cpus": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 2), "python": platform.python_version(),
    }
    if sensitivity:
        from dataclasses import replace

        sens_plan = plan_robustness(df, replace(settings, sensitivity=True))
        t_sens, _, _ = ladder(sens_plan)
        out["ladder_with_sensitivity_s"] = round(t_sens, 2)
        out["ratio_with_sensitivity"] = round(t_sens / t_plain, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--sensitivity", action="store_true", help="also time the per-feature pass (30 features)")
    args = parser.parse_args()
    out = run(args.rows, args.folds, args.sensitivity)
    print(json.dumps(out, indent=2))
    print(f"ladder / plain cross_validate = {out['ratio']:.2f}x wall, {out['cpu_ratio']:.2f}x CPU (target <= 2x); "
          f"load average {out['load_avg_1min']}")


if __name__ == "__main__":
    main()
