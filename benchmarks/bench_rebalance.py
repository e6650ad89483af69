"""Rebalancing lab vs plain scikit-learn ``cross_validate``, side by side in one run.

Data: 100,000 rows x 30 feature columns (27 numeric with 2% missing values, 3
categorical), 3% positives, plus the target. Strategies: the default set (none,
class_weight, threshold, random_over, smote, random_under), 5 folds, logistic
regression.

* ``plain``: for each strategy, ``sklearn.model_selection.cross_validate`` of the
  very same pipeline (``analysis.rebalance.build_pipeline``) on the already
  encoded feature array, one strategy after another, ``n_jobs=1``, with the same
  metrics as scorers (accuracy, balanced accuracy, macro F1, MCC, G-mean, ROC
  AUC, average precision, Brier).
* ``lab``: ``analysis.rebalance.compare_strategies`` from the DataFrame (feature
  inference, folds, out-of-fold predictions, curves, intervals, t-tests
  included), folds in parallel on 2 processes.

Target: lab / plain <= 1.0. Also reported: when the first strategy's result is
available (the dashboard shows it then). Run::

    python benchmarks/bench_rebalance.py            # full size
    python benchmarks/bench_rebalance.py --rows 20000   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import pandas as pd

from analysis.rebalance import (
    DEFAULT_STRATEGIES,
    StrategyResult,
    build_pipeline,
    compare_strategies,
    feature_space,
)


def make_data(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_pos = int(rows * 0.03)
    y = np.r_[np.zeros(rows - n_pos, dtype=int), np.ones(n_pos, dtype=int)]
    rng.shuffle(y)
    weights = rng.normal(0, 0.4, 27)
    X = rng.normal(size=(rows, 27)) + np.outer(y, weights)
    X[rng.random(X.shape) < 0.02] = np.nan
    frame = pd.DataFrame(X, columns=[f"num_{i:02d}" for i in range(27)])
    for j, levels in enumerate((["a", "b", "c", "d"], ["x", "y", "z"], ["p", "q", "r", "s", "t"])):
        p = np.full(len(levels), 1 / len(levels))
        values = rng.choice(levels, size=rows, p=p)
        values[(y == 1) & (rng.random(rows) < 0.3)] = levels[0]
        frame[f"cat_{j}"] = values
    frame["target"] = y
    return frame


def plain_cross_validate(df: pd.DataFrame, strategies, folds: int, seed: int) -> float:
    from imblearn.metrics import geometric_mean_score
    from sklearn.metrics import make_scorer, matthews_corrcoef
    from sklearn.model_selection import StratifiedKFold, cross_validate

    space = feature_space(df, target="target")
    scoring = {
        "accuracy": "accuracy",
        "balanced_accuracy": "balanced_accuracy",
        "f1_macro": "f1_macro",
        "mcc": make_scorer(matthews_corrcoef),
        "g_mean": make_scorer(geometric_mean_score),
        "roc_auc": "roc_auc",
        "average_precision": "average_precision",
        "brier": "neg_brier_score",
    }
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    start = time.perf_counter()
    for name in strategies:
        pipe = build_pipeline(name, n_numeric=space.n_numeric, n_categorical=len(space.categorical), seed=seed,
                              positive=space.positive)
        cross_validate(pipe, space.X, space.y, cv=cv, scoring=scoring, n_jobs=1)
    return time.perf_counter() - start


def lab(df: pd.DataFrame, strategies, folds: int, seed: int) -> tuple[float, float, dict]:
    start = time.perf_counter()
    first: list[float] = []

    def on_event(event) -> None:
        if isinstance(event, StrategyResult) and not first:
            first.append(time.perf_counter() - start)

    res = compare_strategies(df, target="target", strategies=list(strategies), folds=folds, seed=seed, n_jobs=2,
                             callback=on_event)
    total = time.perf_counter() - start
    return total, first[0], {r.name: round(r.seconds, 2) for r in res.strategies}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=2, help="ABBA rounds; the best time of each side is compared")
    args = parser.parse_args()
    df = make_data(args.rows, args.seed)
    strategies = DEFAULT_STRATEGIES
    # ABBA order (plain, lab, lab, plain, ...): on a shared machine the load drifts, and
    # neither side should always run first; the best (least disturbed) time of each counts.
    plains, labs, firsts, per = [], [], [], {}
    for r in range(args.rounds):
        order = ("plain", "lab") if r % 2 == 0 else ("lab", "plain")
        for side in order:
            if side == "plain":
                plains.append(plain_cross_validate(df, strategies, args.folds, args.seed))
            else:
                total, first, per = lab(df, strategies, args.folds, args.seed)
                labs.append(total)
                firsts.append(first)
    plain_s, lab_s, first_s = min(plains), min(labs), min(firsts)
    out = {
        "rows": args.rows,
        "columns": df.shape[1] - 1,
        "positives": float(df["target"].mean()),
        "strategies": list(strategies),
        "folds": args.folds,
        "model": "logreg",
        "plain_cross_validate_s": round(plain_s, 2),
        "lab_s": round(lab_s, 2),
        "ratio_lab_over_plain": round(lab_s / plain_s, 3),
        "first_strategy_result_s": round(first_s, 2),
        "plain_runs_s": [round(x, 2) for x in plains],
        "lab_runs_s": [round(x, 2) for x in labs],
        "first_strategy_runs_s": [round(x, 2) for x in firsts],
        "lab_fit_cpu_seconds_per_strategy": per,
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
