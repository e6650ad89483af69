"""Running a planned comparison fold by fold, summarising each strategy, and the one-call API.

The evaluation is a generator (:func:`iter_comparison`) that yields progress
fold by fold and each strategy's result as soon as its folds finish, so the
dashboard can show progress and keep finished results.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..intake.frames import takes_table
from .metrics import METRICS, fold_metrics
from .pipeline import PipelineSettings
from .plan import CompareSettings, ComparisonPlan, plan_comparison
from .results import ACCURACY_WARNING, Comparison, CostEstimate, FoldProgress, MetricSummary, StrategyResult, Versus
from .space import take
from .stats import corrected_interval, corrected_resampled_ttest, verdict_vs_baseline
from .strategies import STRATEGIES

__all__ = ["assemble_comparison", "compare_strategies", "iter_comparison", "metric_summary", "pilot_estimate"]

#: Rows of the stratified sample the pilot fits run on.
PILOT_ROWS = 2000

_Outcome = tuple[np.ndarray, np.ndarray, np.ndarray, float]


def _class_train_rows(plan: ComparisonPlan) -> dict[Any, int]:
    """Smallest count of each class over the training folds (SMOTE's k must fit in every one)."""
    y = plan.space.y
    return {label: int(min((y[tr] == k).sum() for tr, _ in plan.splits)) for k, label in enumerate(plan.space.classes)}


#: Bytes of transformed folds one comparison keeps for its strategies (:class:`PreparedFolds`).
PREPARED_BYTES = 256 * 2**20


class PreparedFolds:
    """Each training fold's fitted preprocessing, shared by the strategies of one comparison.

    Most strategies' pipelines start with the same ``prepare`` step (imputation, scaling,
    one-hot encoding, TF-IDF: :func:`analysis.rebalance.pipeline._spec`), fitted on the same
    training fold; only the sampler and the model after it differ. Fitted once per (fold,
    preprocessing), its transformed training and test rows are handed to the rest of each
    pipeline: the numbers are those of fitting every pipeline whole (the step is deterministic
    and is fitted on the same rows, with ``fit_transform`` as ``Pipeline.fit`` does). The
    arrays are made read-only, so a later step that wrote into them would fail loudly instead
    of changing another strategy's input. At most ``budget`` bytes of arrays are kept (beyond
    that a fold's preprocessing is fitted again for each strategy, as without the cache).
    Thread-safe: two threads asking for the same fold wait for one fit.
    """

    def __init__(self, budget: int = PREPARED_BYTES) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._entries: dict[tuple[Any, ...], tuple[Any, Any, float]] = {}
        self.kept_bytes = 0
        self.fits = 0

    def get(self, key: tuple[Any, ...], compute: Callable[[], tuple[Any, Any, float]]) -> tuple[Any, Any, float]:
        """``(train rows, test rows, seconds)`` for ``key``, computed by ``compute`` the first time."""
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            hit = self._entries.get(key)
            if hit is not None:
                return hit
            train, test, seconds = compute()
            self.fits += 1
            size = _nbytes(train) + _nbytes(test)
            with self._lock:
                if self.kept_bytes + size <= self.budget:
                    self._entries[key] = (_read_only(train), _read_only(test), seconds)
                    self.kept_bytes += size
            return train, test, seconds


def _nbytes(matrix: Any) -> int:
    if hasattr(matrix, "indptr"):  # scipy sparse (CSR/CSC)
        return int(matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes)
    return int(getattr(matrix, "nbytes", 0))


def _read_only(matrix: Any) -> Any:
    for part in (matrix.data, matrix.indices, matrix.indptr) if hasattr(matrix, "indptr") else (matrix,):
        if isinstance(part, np.ndarray):
            part.flags.writeable = False
    return matrix


def _prepared(pipe: Any) -> bool:
    """Whether ``pipe`` is a pipeline whose first step is the shared ``prepare`` step."""
    steps: list[tuple[str, Any]] = getattr(pipe, "steps", None) or []
    return len(steps) > 1 and steps[0][0] == "prepare"


def _shared_prepare(
    prepare: Any, prepared: PreparedFolds, X: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray, fold: int,
) -> tuple[Any, Any, float]:
    """The fold's rows through ``prepare`` as fitted on its training rows (from ``prepared``), and the seconds
    spent here beyond that fit's own time (waiting for another thread's fit, or none when this call fitted it)."""
    from joblib import hash as joblib_hash

    def fit_prepare() -> tuple[Any, Any, float]:
        began = time.perf_counter()
        train_rows = prepare.fit_transform(take(X, train), y[train])
        return train_rows, prepare.transform(take(X, test)), time.perf_counter() - began

    asked = time.perf_counter()
    X_train, X_test, fitted_in = prepared.get((fold, joblib_hash(prepare)), fit_prepare)
    return X_train, X_test, (time.perf_counter() - asked) - fitted_in


def _fit_fold(
    strategy: str, X: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray,
    settings: PipelineSettings, n_classes: int,
    prepared: PreparedFolds | None = None, fold: int | None = None,
) -> _Outcome | str:
    """Fit the strategy's pipeline on one training fold; predict its test fold. Runs in a worker.

    With ``prepared`` (and the fold's number), the pipeline's ``prepare`` step comes from the
    comparison's :class:`PreparedFolds`; the seconds returned still include its fit.
    """
    from ..threads import one_thread

    start = time.perf_counter()
    spec = STRATEGIES[strategy]
    pipe = spec.build_pipeline(settings)
    # One BLAS/OpenMP thread per fit: the folds are the parallel unit. OpenBLAS turns multi-threaded
    # once its matrices pass a size, and on a shared or busy machine (or beside the other fold's
    # thread in the server) its spinning threads made one Caravan fold 40x slower: 12.7 s instead
    # of 0.32 s for random_over at 5,822 rows, a jump no pilot on fewer rows could foresee.
    with one_thread():
        # seconds not spent on this fit (waiting for, or reading, the shared preprocessing), less its own fit
        credit = 0.0
        try:
            if prepared is not None and fold is not None and _prepared(pipe):
                X_train, X_test, credit = _shared_prepare(pipe.steps[0][1], prepared, X, y, train, test, fold)
                pipe = pipe[1:]
            else:
                X_train, X_test = take(X, train), take(X, test)
            pipe.fit(X_train, y[train])
        except (ValueError, RuntimeError) as exc:
            # A sampler may refuse data its up-front check could not foresee (e.g. ADASYN finding
            # no majority neighbours): reported as this strategy's skip reason, the others still run.
            return " ".join(str(exc).split())
        proba = pipe.predict_proba(X_test)
        if spec.predicts_with_threshold:
            pred = pipe.predict(X_test)  # the tuned threshold, not 0.5
        else:
            # predict() of these models is the most probable class: skip a second pass through the pipeline
            pred = pipe.classes_[proba.argmax(axis=1)]
    if proba.shape[1] != n_classes:  # a class absent from a training fold cannot happen with stratification
        return (
            f"after resampling, a training fold held {proba.shape[1]} of the {n_classes} classes "
            "(the sampler removed every row of a class)"
        )
    # a strategy's seconds include its preprocessing whether it fitted it or found it fitted
    return test, np.asarray(pred, dtype=np.int64), proba.astype(np.float64), time.perf_counter() - start - credit


def _pilot_fold(plan: ComparisonPlan, strategy: str, rows: int, settings: PipelineSettings) -> float:
    """Seconds of one fold of ``strategy`` on a stratified sample of ``rows`` rows (all rows when fewer)."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    space = plan.space
    n = len(space.y)
    idx = np.arange(n)
    if rows < n:
        idx, _ = train_test_split(idx, train_size=rows, stratify=space.y, random_state=plan.seed)
        idx = np.sort(idx)
    X, y = take(space.inputs, idx), space.y[idx]
    tr, te = next(StratifiedKFold(n_splits=plan.folds, shuffle=True, random_state=plan.seed).split(X, y))
    start = time.perf_counter()
    _fit_fold(strategy, X, y, tr, te, settings, space.n_classes)
    return time.perf_counter() - start


def pilot_estimate(plan: ComparisonPlan, *, sample_rows: int = PILOT_ROWS) -> CostEstimate:
    """Estimate the comparison's run time (one core) from timed fits on this very data.

    1. Each strategy's fold is timed on a stratified sample of ``sample_rows``
       rows and on a quarter of it (after an untimed warm-up fit; a fit shorter
       than 0.3 s is timed twice and the shorter kept, so a moment of load on
       the machine does not count many times over). A line through the two times, ``t = a + c * rows``
       (``a``: the fixed cost of building and fitting a pipeline, ``c >= 0``),
       gives the fold time at the full number of rows. With no more than
       ``sample_rows`` rows the pilot fold *is* a real fold.
    2. Times ``folds x repeats``. Strategies that will be skipped cost nothing.

    The fixed cost matters: on small, quick tables (ISLR Default, 10,000 x 3)
    it is most of a fold, and scaling the whole pilot time with the rows was 3x
    too high. Measured against real runs by ``benchmarks/bench_estimate.py``
    (within a factor 2.5 on four tables, load on the machine included;
    :attr:`CostEstimate.SPREAD`; README).

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(60.0), "y": [0] * 45 + [1] * 15})
    >>> est = pilot_estimate(plan_comparison(df, target="y", strategies=["random_over"], folds=3))
    >>> est.basis, sorted(est.per_strategy)
    ('pilot', ['none', 'random_over'])
    """
    begin = time.perf_counter()
    space = plan.space
    n = len(space.y)
    settings = plan.pipeline_settings()
    skipped = _skip_reasons(plan)
    runnable = [name for name in plan.strategies if name not in skipped]
    large = min(n, int(sample_rows))
    small = max(min(large // 4, n), 4 * plan.folds)
    _pilot_fold(plan, "none", min(small, n), settings)  # warm-up: imports and first-call costs

    def timed(name: str, rows: int) -> float:
        first = _pilot_fold(plan, name, rows, settings)
        # A short fit is timed again (the shorter kept): a moment of load would otherwise count
        # many times over in the extrapolation, and a second try costs little.
        return min(first, _pilot_fold(plan, name, rows, settings)) if first < 0.3 else first

    per: dict[str, float] = {}
    for name in runnable:
        t_large = timed(name, large)
        if large < n and small < large:
            t_small = timed(name, small)
            slope = max(t_large - t_small, 0.0) / (large - small)
            fold = t_large + slope * (n - large)
        else:
            fold = t_large
        per[name] = fold * len(plan.splits)
    return CostEstimate(
        seconds=float(sum(per.values())), per_strategy=per, warnings=plan.estimate.warnings, basis="pilot",
        pilot_seconds=time.perf_counter() - begin,
    )


def _skip_reasons(plan: ComparisonPlan) -> dict[str, str]:
    class_rows = _class_train_rows(plan)
    out = {}
    for name in plan.strategies:
        spec = STRATEGIES[name]
        reason = spec.skip_reason(class_train_rows=class_rows, n_classes=plan.space.n_classes)
        reason = reason or spec.fold_skip_reason(class_train_rows=class_rows)
        if reason is not None:
            out[name] = reason
    return out


#: One-core seconds of fitting left, judged from the first fits, above which a comparison with
#: ``n_jobs=None`` starts worker processes. Starting two loky workers costs about 2.5 s of wall
#: time (each imports scikit-learn, imbalanced-learn and pandas: about 3.5 s of CPU). Measured on
#: the default six strategies x 5 folds, 10 numeric features, one process against two
#: (1 December 2026, 2 cores): logreg on 5,000 rows 1.7 s against 4.1 s, on 50,000 rows 6.2 s
#: against 6.7 s, on 150,000 rows 19.2 s against 17.3 s; hgb on 5,000 rows 16.8 s against 12.8 s.
PROCESS_WORK_SECONDS = 10.0


def iter_comparison(
    plan: ComparisonPlan,
    *,
    n_jobs: int | None = None,
    done: dict[str, StrategyResult] | None = None,
    backend: str = "loky",
) -> Iterator[FoldProgress | StrategyResult]:
    """Run a planned comparison, yielding progress after every fold and each strategy's result.

    Strategies run in order (the baseline first) as one stream of (strategy,
    fold) fits on ``n_jobs`` workers, so both cores stay busy and results still
    arrive strategy by strategy. Results are identical whatever ``n_jobs`` is:
    every fold is seeded the same way. ``done`` holds results of this plan
    finished earlier (e.g. before an interrupted run): they are yielded again
    without being recomputed.

    ``backend`` is joblib's: ``"loky"`` (processes; the CLI) or ``"threading"``
    (inside a server such as Streamlit's, where forked workers inherit its
    signal handlers and loky's reusable workers would outlive the run). With
    ``n_jobs=None``, threads are used for data larger than 200,000 cells x
    folds; processes only once the first two fits, run here, show more than
    :data:`PROCESS_WORK_SECONDS` of fitting left, because starting them costs
    seconds. Arrays are sent to the workers, never memory-mapped (no folders
    left in ``/dev/shm``), and loky's workers are shut down when the run ends,
    is abandoned or fails: no worker process outlives a comparison.

    Examples
    --------
    >>> df = pd.DataFrame({"x": np.arange(40.0), "y": [0] * 30 + [1] * 10})
    >>> plan = plan_comparison(df, target="y", strategies=["none"], folds=2)
    >>> [type(e).__name__ for e in iter_comparison(plan, n_jobs=1)]
    ['FoldProgress', 'FoldProgress', 'StrategyResult']
    """
    space = plan.space
    if n_jobs is None and backend != "loky":
        n_jobs = 2 if space.X.size * plan.folds > 200_000 else 1
    settings = plan.pipeline_settings()
    skipped = _skip_reasons(plan)
    runnable = [n for n in plan.strategies if n not in skipped]
    n_splits = len(plan.splits)
    todo = [n for n in runnable if not (done and n in done)]
    calls = [(name, k, tr, te) for name in todo for k, (tr, te) in enumerate(plan.splits)]
    overall_total = n_splits * len(runnable)
    outcomes = _outcomes(plan, settings, calls, n_jobs, backend)
    try:
        yield from _stream(plan, outcomes, done, runnable, skipped, n_splits, overall_total)
    finally:
        outcomes.close()


def _outcomes(
    plan: ComparisonPlan, settings: PipelineSettings, calls: list[tuple[str, int, np.ndarray, np.ndarray]],
    n_jobs: int | None, backend: str,
) -> Generator[_Outcome | str, None, None]:
    """The fits' outcomes in order: in this process, or on ``n_jobs`` joblib workers after the first fits.

    In this process and on threads the strategies share each fold's preprocessing
    (:class:`PreparedFolds`); worker processes fit their own.
    """
    from joblib import Parallel, delayed

    space = plan.space
    prepared = PreparedFolds()

    def fit(name: str, k: int, tr: np.ndarray, te: np.ndarray) -> _Outcome | str:
        return _fit_fold(name, space.inputs, space.y, tr, te, settings, space.n_classes, prepared, k)

    start = 0
    if n_jobs is None:  # processes only if the first fits show enough work left to repay starting them
        quickest = float("inf")
        for name, k, tr, te in calls[:2]:
            outcome = fit(name, k, tr, te)
            quickest = min(quickest, outcome[3] if not isinstance(outcome, str) else 0.0)
            start += 1
            yield outcome
        n_jobs = 2 if quickest * (len(calls) - start) > PROCESS_WORK_SECONDS else 1
    rest = calls[start:]
    if n_jobs == 1 or not rest:
        for name, k, tr, te in rest:
            yield fit(name, k, tr, te)
        return
    processes = backend == "loky"
    # joblib makes a (here empty) memmapping folder per run in /dev/shm and deletes it only when
    # its workers go: give it a folder of ours and remove it ourselves.
    temp = tempfile.mkdtemp(prefix="dd_rebalance_") if processes else None
    try:
        with Parallel(n_jobs=n_jobs, backend=backend, return_as="generator", max_nbytes=None,
                      temp_folder=temp) as parallel:
            # the module-level function with its arrays, not the closure: workers get only what a fit needs
            shared = None if processes else prepared
            yield from parallel(delayed(_fit_fold)(name, space.inputs, space.y, tr, te, settings, space.n_classes,
                                                   shared, k)
                                for name, k, tr, te in rest)
    finally:
        if processes:
            _release_workers()
            shutil.rmtree(temp, ignore_errors=True)  # type: ignore[arg-type]


def _release_workers() -> None:
    """Shut loky's reusable workers down (they would otherwise idle, ~300 MB each, for minutes)."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor(reuse=True).shutdown(wait=True)


def _stream(
    plan: ComparisonPlan, stream: Iterator[_Outcome | str],
    done: dict[str, StrategyResult] | None, runnable: list[str], skipped: dict[str, str], n_splits: int,
    overall_total: int,
) -> Iterator[FoldProgress | StrategyResult]:
    overall = 0
    baseline_values: dict[str, tuple[float, ...]] | None = None
    for name in plan.strategies:
        if done and name in done:
            result = done[name]
            if name == "none" and result.ok:
                baseline_values = {m: s.values for m, s in result.metrics.items()}
            overall += n_splits if name in runnable else 0
            yield result
            continue
        if name in skipped:
            yield _skipped_result(name, skipped[name])
            continue
        outcomes: list[_Outcome] = []
        errors: list[str] = []
        for k in range(1, n_splits + 1):
            outcome = next(stream)
            overall += 1
            if isinstance(outcome, str):
                errors.append(outcome)
            else:
                outcomes.append(outcome)
            yield FoldProgress(name, k, n_splits, overall, overall_total)
        if errors:
            yield _skipped_result(name, f"{STRATEGIES[name].label} failed on this data: {errors[0]}")
            continue
        result = _summarise(plan, name, outcomes, baseline_values, sum(o[3] for o in outcomes))
        if name == "none":
            baseline_values = {m: s.values for m, s in result.metrics.items()}
        yield result


def _skipped_result(name: str, reason: str) -> StrategyResult:
    s = STRATEGIES[name]
    return StrategyResult(name=name, family=s.family, label=s.label, explanation=s.explanation, skipped=reason)


def _summarise(
    plan: ComparisonPlan, name: str, outcomes: list[_Outcome],
    baseline_values: dict[str, tuple[float, ...]] | None, seconds: float,
) -> StrategyResult:
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import confusion_matrix, precision_recall_curve

    space = plan.space
    y, k, pos = space.y, space.n_classes, space.positive
    per_fold = [fold_metrics(y[te], pred, proba, n_classes=k, positive=pos) for te, pred, proba, _ in outcomes]
    ratio = plan.test_train_ratio
    names = plan.metric_names
    metrics = {m: metric_summary([f[m] for f in per_fold], ratio, METRICS[m].bounds) for m in names}
    per_class = {
        str(label): {
            "precision": metric_summary([f[f"precision_{i}"] for f in per_fold], ratio, (0.0, 1.0)),
            "recall": metric_summary([f[f"recall_{i}"] for f in per_fold], ratio, (0.0, 1.0)),
        }
        for i, label in enumerate(space.classes)
    }
    versus = {}
    if baseline_values is not None:
        for m in names:
            d, t, p = corrected_resampled_ttest(metrics[m].values, baseline_values[m], test_train_ratio=ratio)
            versus[m] = Versus(d, t, p, verdict_vs_baseline(d, p, METRICS[m].higher_is_better))
    # First repeat: every row is in exactly one test fold.
    n = len(y)
    oof_pred = np.full(n, -1, dtype=np.int64)
    oof_score = np.full(n, np.nan, dtype=np.float64) if pos is not None else None
    for te, pred, proba, _ in outcomes[: plan.folds]:
        oof_pred[te] = pred
        if oof_score is not None:
            oof_score[te] = proba[:, pos]
    confusion = confusion_matrix(y, oof_pred, labels=list(range(k)))
    pr = calibration = None
    if oof_score is not None:
        precision, recall, _ = precision_recall_curve(y == pos, oof_score)
        pr = _thin(recall, precision)
        prob_true, prob_pred = calibration_curve(y == pos, oof_score, n_bins=10, strategy="quantile")
        calibration = (prob_pred, prob_true)
    s = STRATEGIES[name]
    return StrategyResult(
        name=name, family=s.family, label=s.label, explanation=s.explanation,
        metrics=metrics, per_class=per_class, versus_baseline=versus, confusion=confusion,
        pr_curve=pr, calibration=calibration, oof_pred=oof_pred,
        oof_score=oof_score, seconds=seconds,
    )


def _thin(x: np.ndarray, y: np.ndarray, limit: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """At most ``limit`` points of a curve (evenly spaced, ends kept), enough to draw it."""
    if len(x) <= limit:
        return x, y
    idx = np.unique(np.linspace(0, len(x) - 1, limit).round().astype(int))
    return x[idx], y[idx]


def metric_summary(values: Sequence[float], ratio: float, bounds: tuple[float, float] | None) -> MetricSummary:
    """Mean, std and the corrected interval, cut at the metric's possible range (``clipped`` says when).

    ``ratio`` is n_test / n_train of the folds (Nadeau & Bengio's correction). Shared by every
    cross-validated lab (rebalancing, robustness), so their intervals are computed one way.
    """
    v = np.asarray(values, dtype=float)
    lo, hi = corrected_interval(values, test_train_ratio=ratio)
    clipped = False
    if bounds is not None:
        clipped = bool(lo < bounds[0] or hi > bounds[1])
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
    return MetricSummary(
        mean=float(v.mean()), std=float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        ci_low=float(lo), ci_high=float(hi), values=tuple(float(x) for x in v), clipped=clipped,
    )


def assemble_comparison(plan: ComparisonPlan, results: Sequence[StrategyResult]) -> Comparison:
    """Put the results of :func:`iter_comparison` (in any order) into a :class:`Comparison`."""
    by_name = {r.name: r for r in results}
    ordered = tuple(by_name[n] for n in plan.strategies if n in by_name)
    s = plan.space
    return Comparison(
        target=plan.target, model=plan.model, folds=plan.folds, repeats=plan.repeats, seed=plan.seed,
        classes=s.classes, positive_class=plan.positive_class, strategies=ordered, rows_total=plan.rows_total,
        rows_used=plan.rows_used, subsample=plan.subsample, features=s.columns, dropped_features=s.dropped,
        text_features=s.text,
        notes=plan.notes + _clipped_note(ordered) + (ACCURACY_WARNING,), splits=plan.groups.to_dict(),
    )


def _clipped_note(results: Sequence[StrategyResult]) -> tuple[str, ...]:
    clipped = sorted({m for r in results for m, s in r.metrics.items() if s.clipped}, key=list(METRICS).index)
    if not clipped:
        return ()
    return (
        "Some 95% intervals reached past the possible range of their metric and were cut at the bound "
        f"({', '.join(METRICS[m].label for m in clipped)}; marked clipped in the JSON): with few or very "
        "uneven folds the t interval is only a rough guide near 0 or 1.",
    )


@takes_table("df")
def compare_strategies(
    df: pd.DataFrame,
    settings: CompareSettings | None = None,
    *,
    target: str | None = None,
    strategies: Sequence[str] | None = None,
    model: str = "logreg",
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    subsample: int | None = None,
    cost_ratio: float | None = None,
    threshold_objective: str = "balanced_accuracy",
    group: str | None = None,
    n_jobs: int | None = None,
    callback: Callable[[FoldProgress | StrategyResult], None] | None = None,
) -> Comparison:
    """Cross-validate rebalancing strategies leakage-free and compare them with the baseline.

    Takes a :class:`CompareSettings` or the same keywords as :func:`plan_comparison`;
    ``callback`` receives every event of :func:`iter_comparison` (fold progress
    and finished strategies).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=60), "y": [0] * 48 + [1] * 12})
    >>> res = compare_strategies(df, target="y", strategies=["random_over"], folds=3, n_jobs=1)
    >>> [r.name for r in res.strategies], res.result("random_over").versus_baseline["mcc"].verdict
    (['none', 'random_over'], 'no clear difference')
    """
    plan = plan_comparison(
        df, settings, target=target, strategies=strategies, model=model, folds=folds, repeats=repeats, seed=seed,
        subsample=subsample, cost_ratio=cost_ratio, threshold_objective=threshold_objective, group=group,
    )
    results = []
    for event in iter_comparison(plan, n_jobs=n_jobs):
        if callback is not None:
            callback(event)
        if isinstance(event, StrategyResult):
            results.append(event)
    return assemble_comparison(plan, results)
