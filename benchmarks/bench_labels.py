"""Benchmark the label-quality analysis against the krippendorff package and cleanlab.

Targets (project issue "Label quality"):

1. Agreement: on 100,000 items x 10 annotators with 30% of the ratings missing,
   *all* agreement numbers of ``analysis.labels.agreement`` (percent agreement,
   Krippendorff's alpha, Fleiss' kappa, the 45 pairwise Cohen's kappas,
   category-specific agreement, per-annotator agreement with the others and with
   the consensus of the others, majority votes and ties; no bootstrap) must take
   at most 1.5x the time of the krippendorff package computing alpha alone,
   measured in the same process on the same DataFrame.
2. Label errors: on a dataset with a known 10% of labels flipped, compare the
   detection (precision, recall, F1 against the flips) and time of
   ``analysis.labels.label_issues`` with cleanlab's own
   ``CleanLearning(...).find_label_issues`` using the same model.

How it measures
  * Data are generated deterministically (numpy default_rng, fixed seed). The
    ratings are numeric class codes with NaN for missing, as a CSV with gaps
    reads; ``--labels text`` uses strings instead.
  * Baseline: ``krippendorff.alpha(df[cols].to_numpy(dtype=float).T, level_of_measurement=LEVEL)``
    (text labels: ``df[cols].fillna("nan").to_numpy(dtype=str).T``, how the package takes
    missing strings). Product: ``agreement(df, annotators=cols, level=LEVEL)``.
    Both start from the same DataFrame; imports happen before the clock starts.
  * One discarded warm-up of each, then ``--repeats`` rounds that alternate which
    runs first; the ratio is median(product) / median(baseline). The best-of ratio
    is printed too (it suffers less from other work on the machine); a load
    average above the CPU count is flagged.
  * Informational (no target): a bootstrap with a stated number of resamples, the
    Dawid-Skene consensus on the same data, and the cost of one Dawid-Skene EM
    iteration on 1,000,000 items x 20 sources in majority-vote passes, for both
    settings of the one EM (annotators, and abstain_as_output as the
    weak-supervision label model uses it).

Run (from the repository root, with the package installed):
    python benchmarks/bench_labels.py                       # both parts, 100,000 x 10, 7 repeats
    python benchmarks/bench_labels.py --skip-issues --repeats 15
    python benchmarks/bench_labels.py --labels text --level nominal
    python benchmarks/bench_labels.py --check               # exit 1 if the agreement target fails
    python benchmarks/bench_labels.py --json
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

SEED = 20260505
TIME_TARGET = 1.5


def make_ratings(items: int, annotators: int, missing: float, classes: int, labels: str) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    truth = rng.integers(0, classes, items)
    accuracy = np.linspace(0.55, 0.92, annotators)
    right = rng.random((items, annotators)) < accuracy
    noise = rng.integers(0, classes, (items, annotators))
    ratings = np.where(right, truth[:, None], noise).astype(float)
    ratings[rng.random((items, annotators)) < missing] = np.nan
    columns = [f"annotator_{i + 1:02d}" for i in range(annotators)]
    df = pd.DataFrame(ratings, columns=columns)
    if labels == "text":
        names = np.array([f"class_{c}" for c in range(classes)], dtype=object)
        for c in columns:
            v = df[c].to_numpy()
            df[c] = pd.Series(np.where(np.isnan(v), None, names[np.nan_to_num(v).astype(int)]), dtype="str")
    return df


def bench_agreement(df: pd.DataFrame, level: str, repeats: int, labels: str) -> dict:
    import krippendorff

    from analysis.labels import agreement

    cols = list(df.columns)
    order = [f"class_{c}" for c in range(16)] if labels == "text" else None

    def baseline():
        if labels == "text":
            return krippendorff.alpha(
                df[cols].fillna("nan").to_numpy(dtype=str).T, level_of_measurement=level,
                value_domain=[o for o in order if o in set(df[cols[0]].dropna().unique()) | set(df[cols[1]].dropna().unique())]
                if level != "nominal" else None,
            )
        return krippendorff.alpha(df[cols].to_numpy(dtype=float).T, level_of_measurement=level)

    def product():
        used = sorted(set().union(*(set(df[c].dropna().unique()) for c in cols))) if labels == "text" else None
        return agreement(df, annotators=cols, level=level, order=used if level != "nominal" else None)

    alpha_ref = baseline()
    result = product()  # warm-ups
    times = {"baseline": [], "product": []}
    for r in range(repeats):
        order_run = ("baseline", "product") if r % 2 == 0 else ("product", "baseline")
        for name in order_run:
            fn = baseline if name == "baseline" else product
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    med_b, med_p = statistics.median(times["baseline"]), statistics.median(times["product"])
    return {
        "items": len(df),
        "annotators": len(cols),
        "missing_share": float(df.isna().to_numpy().mean()),
        "level": level,
        "labels": labels,
        "repeats": repeats,
        "baseline_median_s": med_b,
        "product_median_s": med_p,
        "ratio_median": med_p / med_b,
        "ratio_best": min(times["product"]) / min(times["baseline"]),
        "target": TIME_TARGET,
        "passed": med_p / med_b <= TIME_TARGET,
        "alpha_package": float(alpha_ref),
        "alpha_product": float(result.krippendorff_alpha),
        "alpha_equal": bool(abs(alpha_ref - result.krippendorff_alpha) < 1e-9),
        "numbers": {
            "pairwise_kappas": len(result.pairwise),
            "fleiss_kappa": result.fleiss_kappa,
            "percent_agreement": result.percent_agreement,
            "majority_ties": result.majority.n_ties,
        },
        "_result": result,
    }


def bench_extras(df: pd.DataFrame, result, resamples: int) -> dict:
    from analysis.labels import bootstrap_agreement, consensus_labels

    calls = []
    t0 = time.perf_counter()
    ci = bootstrap_agreement(result, n_resamples=resamples, seed=0, progress=lambda d, t: calls.append(d))
    boot = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = consensus_labels(df, annotators=list(df.columns), method="dawid_skene")
    ds_time = time.perf_counter() - t0
    return {
        "bootstrap_resamples": resamples,
        "bootstrap_s": boot,
        "bootstrap_progress_calls": len(calls),
        "alpha_interval": ci.intervals["krippendorff_alpha"],
        "dawid_skene_s": ds_time,
        "dawid_skene_iterations": ds.model.n_iter,
        "dawid_skene_converged": ds.model.converged,
    }


def bench_em(items: int, sources: int, classes: int = 3) -> dict:
    """Dawid-Skene iteration cost in majority-vote passes (the weak-supervision scale).

    Both settings of the one EM (``analysis.em.dawid_skene``): annotators (a
    missing vote is missing) and labeling functions (``abstain_as_output``).
    Baselines: ``analysis.em.majority_vote`` and the plain-numpy majority-vote
    pass of ``benchmarks/bench_weak.py``. The iteration cost is the median of
    the per-iteration wall times the fit records, and also (as before) the
    difference of a 6- and a 1-iteration fit divided by 5.
    """
    from analysis.em import dawid_skene, majority_vote

    rng = np.random.default_rng(SEED)
    truth = rng.integers(0, classes, items)
    accuracy = np.linspace(0.55, 0.9, sources)
    votes = np.where(rng.random((items, sources)) < accuracy, truth[:, None], rng.integers(0, classes, (items, sources)))
    votes[rng.random((items, sources)) < 0.3] = -1
    votes = votes.astype(np.int8)
    passes, numpy_passes = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        majority_vote(votes, n_classes=classes)
        passes.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        np.stack([(votes == c).sum(axis=1) for c in range(classes)], axis=1).argmax(axis=1)
        numpy_passes.append(time.perf_counter() - t0)
    out = {
        "items": items,
        "sources": sources,
        "majority_vote_s": min(passes),
        "numpy_majority_pass_s": min(numpy_passes),
    }
    for abstain in (False, True):
        t0 = time.perf_counter()
        dawid_skene(votes, n_classes=classes, max_iter=1, tol=0, abstain_as_output=abstain)
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        fit = dawid_skene(votes, n_classes=classes, max_iter=6, tol=0, abstain_as_output=abstain)
        six = time.perf_counter() - t0
        per_iteration = (six - one) / 5
        recorded = statistics.median(fit.iteration_seconds)
        prefix = "abstain_" if abstain else ""
        out.update({
            f"{prefix}em_setup_s": one - per_iteration,
            f"{prefix}em_iteration_s": per_iteration,
            f"{prefix}em_iteration_recorded_s": recorded,
            f"{prefix}iteration_in_majority_passes": per_iteration / min(passes),
            f"{prefix}iteration_in_numpy_majority_passes": recorded / min(numpy_passes),
        })
    return out


def bench_issues(rows: int) -> dict:
    from cleanlab.classification import CleanLearning
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from analysis.labels import label_issues

    X, y = make_classification(
        n_samples=rows, n_features=20, n_informative=10, n_redundant=2, n_classes=4,
        n_clusters_per_class=1, class_sep=1.5, random_state=SEED % 2**31,
    )
    rng = np.random.default_rng(SEED)
    flips = rng.choice(rows, rows // 10, replace=False)
    noisy = y.copy()
    noisy[flips] = (y[flips] + rng.integers(1, 4, len(flips))) % 4
    truth = np.zeros(rows, dtype=bool)
    truth[flips] = True
    df = pd.DataFrame(X, columns=[f"f{i:02d}" for i in range(20)])
    df["label"] = np.array(["a", "b", "c", "d"])[noisy]

    def score(found: np.ndarray) -> dict:
        tp = int((found & truth).sum())
        precision = tp / max(int(found.sum()), 1)
        recall = tp / int(truth.sum())
        return {
            "flagged": int(found.sum()),
            "precision": precision,
            "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        }

    t0 = time.perf_counter()
    ours = label_issues(df, target="label", model="logreg", seed=0)
    ours_time = time.perf_counter() - t0
    found = np.zeros(rows, dtype=bool)
    found[ours.checked_rows[ours.flagged]] = True

    t0 = time.perf_counter()
    cl = CleanLearning(make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), cv_n_folds=5, seed=0)
    issues = cl.find_label_issues(X, noisy)
    cl_time = time.perf_counter() - t0
    theirs = issues["is_label_issue"].to_numpy()
    return {
        "rows": rows,
        "flipped": int(truth.sum()),
        "dataset_diagnostics": {**score(found), "seconds": ours_time},
        "cleanlab_CleanLearning": {**score(theirs), "seconds": cl_time},
        "overlap_jaccard": float((found & theirs).sum() / max((found | theirs).sum(), 1)),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=100_000)
    p.add_argument("--annotators", type=int, default=10)
    p.add_argument("--missing", type=float, default=0.3)
    p.add_argument("--classes", type=int, default=3)
    p.add_argument("--labels", choices=("numeric", "text"), default="numeric")
    p.add_argument("--level", choices=("nominal", "ordinal", "interval", "ratio"), default="nominal")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--resamples", type=int, default=200, help="bootstrap resamples (informational)")
    p.add_argument("--issues-rows", type=int, default=20_000)
    p.add_argument("--skip-issues", action="store_true")
    p.add_argument("--em-items", type=int, default=1_000_000, help="items of the EM cost check (0: skip)")
    p.add_argument("--em-sources", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.add_argument("--check", action="store_true", help="exit 1 if the agreement time target fails")
    args = p.parse_args(argv)

    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    df = make_ratings(args.items, args.annotators, args.missing, args.classes, args.labels)
    agree = bench_agreement(df, args.level, args.repeats, args.labels)
    result = agree.pop("_result")
    extras = bench_extras(df, result, args.resamples)
    em = bench_em(args.em_items, args.em_sources) if args.em_items else None
    issues = None if args.skip_issues else bench_issues(args.issues_rows)
    report = {"agreement": agree, "extras": extras, "em": em, "label_issues": issues, "load_average": load, "cpus": cpus}
    if args.json:
        print(json.dumps(report, indent=2, default=float))
    else:
        a = agree
        print(f"Agreement: {a['items']:,} items x {a['annotators']} annotators, {a['missing_share']:.0%} missing, "
              f"level {a['level']}, {a['labels']} labels, {a['repeats']} repeats")
        print(f"  krippendorff.alpha alone      median {a['baseline_median_s'] * 1000:8.1f} ms")
        print(f"  analysis.labels.agreement     median {a['product_median_s'] * 1000:8.1f} ms "
              f"(alpha + Fleiss + {a['numbers']['pairwise_kappas']} kappas + per category/annotator/item)")
        print(f"  ratio {a['ratio_median']:.2f} (best-of {a['ratio_best']:.2f}); target <= {TIME_TARGET}: "
              f"{'PASS' if a['passed'] else 'FAIL'}; alpha identical: {a['alpha_equal']} ({a['alpha_product']:.6f})")
        e = extras
        print(f"  bootstrap {e['bootstrap_resamples']} resamples: {e['bootstrap_s']:.2f} s "
              f"({e['bootstrap_progress_calls']} progress calls); alpha 95% interval "
              f"[{e['alpha_interval'][0]:.4f}, {e['alpha_interval'][1]:.4f}]")
        print(f"  Dawid-Skene consensus: {e['dawid_skene_s']:.2f} s, {e['dawid_skene_iterations']} iterations, "
              f"converged {e['dawid_skene_converged']}")
        if em:
            print(f"Dawid-Skene EM on {em['items']:,} items x {em['sources']} sources (30% missing): one iteration "
                  f"{em['em_iteration_s']:.3f} s = {em['iteration_in_majority_passes']:.1f} majority-vote passes "
                  f"({em['majority_vote_s']:.3f} s); one-off setup {em['em_setup_s']:.2f} s")
            print(f"  recorded median iteration {em['em_iteration_recorded_s']:.3f} s = "
                  f"{em['iteration_in_numpy_majority_passes']:.2f} plain-numpy majority passes "
                  f"({em['numpy_majority_pass_s']:.3f} s); with abstain_as_output (label model): "
                  f"{em['abstain_em_iteration_recorded_s']:.3f} s = {em['abstain_iteration_in_numpy_majority_passes']:.2f}")
        if issues:
            print(f"Label issues: {issues['rows']:,} rows, {issues['flipped']:,} labels flipped (10%), logistic regression")
            for name in ("dataset_diagnostics", "cleanlab_CleanLearning"):
                s = issues[name]
                print(f"  {name:<24} flagged {s['flagged']:>6,}  precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
                      f"F1 {s['f1']:.3f}  {s['seconds']:.2f} s")
            print(f"  overlap of the two flag sets (Jaccard): {issues['overlap_jaccard']:.3f}")
        if load > cpus:
            print(f"! load average {load:.1f} is above the {cpus} CPUs: timings are noisy")
    return 1 if args.check and not agree["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
