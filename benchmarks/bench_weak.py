"""Benchmark the weak-supervision summary and label model on 1,000,000 items x 20 LF columns.

Targets (project issue "Programmatic labeling"):
  1. LF summary plus label model (encoding the LF columns of a DataFrame,
     ``lf_summary`` and ``label_model`` to convergence) in at most 10 s on this
     2-core machine;
  2. each EM iteration costs at most 3x one majority-vote pass computed with
     plain numpy on the same votes matrix, measured in the same run:

         counts = np.stack([(L == k).sum(axis=1) for k in range(K)], axis=1)
         labels = counts.argmax(axis=1)

How it measures
  * Votes come from ``analysis.weak.simulate_votes`` (fixed seed): 20 LFs,
    accuracies evenly spaced in [0.55, 0.95], coverages in [0.1, 0.6], classes
    drawn with the given balance. They are put in a DataFrame of int64 columns
    with -1 for abstain (what pandas gives when it reads such a CSV).
  * The product path is timed end to end (``lf_matrix`` + ``lf_summary`` +
    ``label_model``), ``--repeats`` times; the median is reported. Each EM
    iteration's wall time is recorded by the label model itself
    (``LabelModel.iteration_seconds``); the median iteration is compared with
    the median of ``--repeats`` x 5 majority-vote passes, interleaved in the
    same process. Iterations to convergence, the learned vs true LF accuracies
    and the label model's vs majority vote's accuracy are printed too.
  * A load average above the CPU count is flagged (the machine is shared).

Run (from the repository root, with the package installed):
    python benchmarks/bench_weak.py                      # 1,000,000 x 20, 2 classes, 3 repeats
    python benchmarks/bench_weak.py --classes 3 --json
    python benchmarks/bench_weak.py --check              # exit 1 if a target fails
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

from analysis.weak import label_model, lf_matrix, lf_summary, simulate_votes

TIME_TARGET_S = 10.0
ITERATION_TARGET = 3.0
SEED = 20260601


def majority_pass(votes: np.ndarray, k: int) -> np.ndarray:
    counts = np.stack([(votes == c).sum(axis=1) for c in range(k)], axis=1)
    return counts.argmax(axis=1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--lfs", type=int, default=20)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)

    k = args.classes
    balance = np.linspace(1.0, 2.0, k)
    accuracies = np.linspace(0.55, 0.95, args.lfs)
    coverages = np.linspace(0.1, 0.6, args.lfs)[::-1]
    sim = simulate_votes(args.items, accuracies=accuracies, coverages=coverages, class_balance=balance, seed=SEED)
    names = [f"lf_{i:02d}" for i in range(args.lfs)]
    frame = pd.DataFrame(sim.votes.astype(np.int64), columns=names)

    totals, mv_times, iterations, models = [], [], [], []
    for _ in range(args.repeats):
        for _ in range(5):
            start = time.perf_counter()
            mv_labels = majority_pass(sim.votes, k)
            mv_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        matrix = lf_matrix(frame, lfs=names)
        summary = lf_summary(matrix)
        model = label_model(matrix)
        totals.append(time.perf_counter() - start)
        iterations.extend(model.iteration_seconds)
        models.append(model)
    model = models[-1]
    total = statistics.median(totals)
    mv = statistics.median(mv_times)
    per_iter = statistics.median(iterations)
    ratio = per_iter / mv

    covered = model.codes >= 0
    decided = model.majority.labels >= 0
    result = {
        "items": args.items,
        "lfs": args.lfs,
        "classes": k,
        "repeats": args.repeats,
        "summary_plus_label_model_s": total,
        "summary_plus_label_model_runs_s": totals,
        "time_target_s": TIME_TARGET_S,
        "majority_vote_pass_s": mv,
        "em_iteration_s": per_iter,
        "em_iteration_over_majority_pass": ratio,
        "iteration_target": ITERATION_TARGET,
        "em_iterations_to_convergence": model.n_iter,
        "converged": model.converged,
        "total_coverage": summary.total_coverage,
        "learned_accuracy": [round(float(a), 4) for a in model.learned_accuracy],
        "true_accuracy": [round(float(a), 4) for a in sim.accuracy],
        "max_accuracy_error": float(np.max(np.abs(model.learned_accuracy - sim.accuracy))),
        "label_model_accuracy_on_majority_items": float((model.codes[decided] == sim.truth[decided]).mean()),
        "majority_vote_accuracy": float((mv_labels[decided] == sim.truth[decided]).mean()),
        "label_model_accuracy_covered": float((model.codes[covered] == sim.truth[covered]).mean()),
        "load_average_1m": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }
    ok = total <= TIME_TARGET_S and ratio <= ITERATION_TARGET
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.items:,} items x {args.lfs} LFs, {k} classes, {args.repeats} repeats")
        print(f"summary + label model: {total:.2f} s median (runs {', '.join(f'{t:.2f}' for t in totals)}; target <= {TIME_TARGET_S:.0f} s)")
        print(f"majority-vote pass (plain numpy): {mv * 1000:.1f} ms; EM iteration: {per_iter * 1000:.1f} ms "
              f"-> {ratio:.2f}x (target <= {ITERATION_TARGET:.0f}x)")
        print(f"EM iterations to convergence: {model.n_iter} ({'converged' if model.converged else 'NOT converged'})")
        print(f"learned vs true LF accuracy: max error {result['max_accuracy_error']:.4f}")
        for name, learned, true in zip(names, result["learned_accuracy"], result["true_accuracy"]):
            print(f"  {name}: learned {learned:.4f}  true {true:.4f}")
        print(f"accuracy on items majority vote decides: label model {result['label_model_accuracy_on_majority_items']:.4f}, "
              f"majority vote {result['majority_vote_accuracy']:.4f}")
        load = result["load_average_1m"]
        if load > (os.cpu_count() or 1):
            print(f"! load average {load:.1f} > {os.cpu_count()} CPUs: other work was running; times are pessimistic")
        print("PASS" if ok else "FAIL")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
