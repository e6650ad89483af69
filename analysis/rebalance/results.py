"""Results of the rebalancing comparison: per-strategy summaries, the whole comparison, rankings, tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..results import ResultMixin, Severity, json_label
from .estimate import CostEstimate, duration_text
from .metrics import METRICS, metric_names

__all__ = [
    "ACCURACY_WARNING",
    "PROBABILITY_NOTE",
    "Comparison",
    "CostEstimate",
    "FoldProgress",
    "MetricSummary",
    "Ranking",
    "StrategyResult",
    "Versus",
    "duration_text",
    "per_class_frame",
    "rank_strategies",
    "results_frame",
]

ACCURACY_WARNING = (
    "Accuracy hides the minority class: a model that always predicts the majority scores "
    "the majority share. Compare strategies on balanced accuracy, macro F1, MCC or PR AUC."
)
PROBABILITY_NOTE = (
    "Resampling and class weights change the class mix the model learns from, so its predicted "
    "probabilities shift towards the minority: they rank well but are no longer calibrated "
    "(see the Brier score and the calibration curves). Recalibrate, or use threshold moving, "
    "if you need probabilities."
)
#: The metric the comparison's own verdict (and the CLI's summary line) is about.
VERDICT_METRIC = "balanced_accuracy"


@dataclass(frozen=True)
class MetricSummary:
    """Mean, sample standard deviation and corrected 95% interval of one metric across folds.

    ``clipped`` is true when the interval reached past the metric's possible
    range (e.g. a balanced accuracy above 1) and was cut at the bound.
    """

    mean: float
    std: float
    ci_low: float
    ci_high: float
    values: tuple[float, ...]
    clipped: bool = False

    def to_dict(self) -> dict:
        return {"mean": self.mean, "std": self.std, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "clipped": self.clipped}


@dataclass(frozen=True)
class Versus:
    """A strategy against the baseline on one metric (same folds)."""

    difference: float
    t: float
    p_value: float
    verdict: str  # "better" | "no clear difference" | "worse"

    def to_dict(self) -> dict:
        return {"difference": self.difference, "t": self.t, "p_value": self.p_value, "verdict": self.verdict}


@dataclass(frozen=True)
class FoldProgress:
    """One finished fold: ``done`` of ``total`` folds of ``strategy``; ``overall`` of ``overall_total``."""

    strategy: str
    done: int
    total: int
    overall: int
    overall_total: int


@dataclass(frozen=True, eq=False)
class StrategyResult(ResultMixin):
    """Cross-validated results of one strategy (or why it was skipped).

    Out-of-fold predictions of the first repeat (every row predicted exactly
    once) are kept in ``oof_pred`` / ``oof_score`` for the confusion matrix,
    PR and calibration curves. Verdict: ``"computed"`` or ``"skipped"``.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"computed": "info", "skipped": "warning"}

    name: str
    family: str
    label: str
    explanation: str
    skipped: str | None = None
    metrics: dict[str, MetricSummary] = field(default_factory=dict)
    per_class: dict[str, dict[str, MetricSummary]] = field(default_factory=dict)
    versus_baseline: dict[str, Versus] = field(default_factory=dict)
    confusion: np.ndarray | None = None
    pr_curve: tuple[np.ndarray, np.ndarray] | None = None
    calibration: tuple[np.ndarray, np.ndarray] | None = None
    oof_pred: np.ndarray | None = None
    oof_score: np.ndarray | None = None
    #: fit + predict time summed over the folds (CPU seconds; folds may run in parallel)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.skipped is None

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "computed" if self.ok else "skipped"

    @property
    def verdict_text(self) -> str:
        return f"{self.name} skipped: {self.skipped}" if self.skipped else f"{self.label} was cross-validated."

    def to_frame(self) -> pd.DataFrame:
        return results_frame([self], [m for m in METRICS if m in self.metrics])

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "family": self.family, "label": self.label}
        if self.skipped is not None:
            out["skipped"] = self.skipped
            out["metrics"] = {}
            return out
        out["metrics"] = {m: s.to_dict() for m, s in self.metrics.items()}
        out["per_class"] = {
            label: {k: v.to_dict() for k, v in d.items()} for label, d in self.per_class.items()
        }
        out["versus_baseline"] = {m: v.to_dict() for m, v in self.versus_baseline.items()}
        out["confusion_matrix"] = self.confusion.tolist() if self.confusion is not None else None
        out["seconds"] = round(self.seconds, 3)
        return out


#: Below this share of the minority class found by the baseline, the headline never advises keeping
#: the data as it is (the baseline mostly ignores that class, whatever the ranking metric says).
MIN_MINORITY_RECALL = 0.5


@dataclass(frozen=True)
class Ranking(ResultMixin):
    """Strategies ordered by one metric, with the verdict against the baseline and a summary sentence.

    Verdict: ``"worth it"`` when some strategy beats the baseline beyond the
    noise; else ``"minority ignored"`` when the baseline finds less than
    :data:`MIN_MINORITY_RECALL` of the minority class; else ``"no clear gain"``.
    ``best`` is the first row of the table (the headline names it),
    ``baseline_minority_recall`` the baseline's mean recall of ``minority_class``.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"worth it": "ok", "no clear gain": "info", "minority ignored": "warning"}

    metric: str
    frame: pd.DataFrame
    worth_it: tuple[str, ...]
    worse: tuple[str, ...]
    summary: str
    best: str | None = None
    minority_class: Any = None
    baseline_minority_recall: float | None = None

    @property
    def minority_ignored(self) -> bool:
        r = self.baseline_minority_recall
        return r is not None and r < MIN_MINORITY_RECALL

    @property
    def verdict(self) -> str:  # type: ignore[override]
        if self.worth_it:
            return "worth it"
        return "minority ignored" if self.minority_ignored else "no clear gain"

    @property
    def verdict_text(self) -> str:
        return self.summary

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    @property
    def suggestion(self) -> str | None:
        """The strategy this ranking supports applying: the best-ranked one that beats the baseline beyond the
        fold-to-fold noise, or None when none does (applying one is then not supported by the comparison)."""
        return self.worth_it[0] if self.worth_it else None

    def _by_strategy(self, column: str) -> dict[str, Any]:
        """One column of the ranking table, by strategy name."""
        return dict(zip(self.frame["strategy"], self.frame[column]))

    def suggestion_text(self) -> str:
        """One sentence for whoever picks a strategy to apply: the suggestion and why, or why there is none."""
        label = METRICS[self.metric].label
        mean = self._by_strategy("mean")
        if self.suggestion is None:
            return (
                f"By {label}, no strategy beat the baseline beyond the fold-to-fold noise: this comparison does not "
                "support applying one (try another metric, more repeats, or keep the data as it is)."
            )
        p = self._by_strategy("p_value")[self.suggestion]
        base = f" against the baseline's {mean['none']:.3f}" if "none" in mean else ""
        return (
            f"Suggested by the comparison: {self.suggestion}, the best-ranked strategy that beats the baseline by "
            f"{label} beyond the fold-to-fold noise ({mean[self.suggestion]:.3f}{base}; corrected t-test, "
            f"p = {p:.3f})."
        )

    def warning_for(self, strategy: str) -> str | None:
        """A sentence for whoever is about to apply ``strategy``: what this ranking found when it scored worse
        than the baseline beyond the fold-to-fold noise (None otherwise, or when it was not compared)."""
        if strategy not in self.worse:
            return None
        mean, p = self._by_strategy("mean"), self._by_strategy("p_value")
        text = (
            f"The comparison found {strategy} worse than the baseline by {METRICS[self.metric].label}: "
            f"{mean[strategy]:.3f} against {mean['none']:.3f} (corrected t-test, p = {p[strategy]:.3f}). "
            "Applied, it is likely to make the model worse."
        )
        if self.worth_it:
            text += f" Better than the baseline beyond the noise: {', '.join(self.worth_it)}."
        return text

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "best": self.best,
            "worth_it": list(self.worth_it),
            "worse": list(self.worse),
            "minority_class": json_label(self.minority_class) if self.minority_class is not None else None,
            "baseline_minority_recall": self.baseline_minority_recall,
            "verdict": self.verdict,
            "summary": self.summary,
            "rows": self.frame.to_dict(orient="records"),
        }


@dataclass(frozen=True, eq=False)
class Comparison(ResultMixin):
    """The whole comparison: one :class:`StrategyResult` per strategy plus the settings.

    Its verdict is the ranking's on balanced accuracy ("worth it" / "no clear gain").
    """

    SEVERITY: ClassVar[dict[str, Severity]] = Ranking.SEVERITY

    target: str
    model: str
    folds: int
    repeats: int
    seed: int
    classes: tuple[Any, ...]
    positive_class: Any
    strategies: tuple[StrategyResult, ...]
    rows_total: int
    rows_used: int
    subsample: int | None
    features: tuple[str, ...]
    dropped_features: dict[str, str]
    notes: tuple[str, ...] = ()
    #: how rows were grouped for the folds (:meth:`analysis.splits.RowGroups.to_dict`)
    splits: dict[str, Any] = field(default_factory=dict)
    #: the free-text features (TF-IDF inside each training fold), also listed in ``features``
    text_features: tuple[str, ...] = ()

    def result(self, name: str) -> StrategyResult:
        for r in self.strategies:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def metric_names(self) -> tuple[str, ...]:
        return metric_names(0 if self.positive_class is not None else None)

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return self.ranking(VERDICT_METRIC).verdict

    @property
    def verdict_text(self) -> str:
        return self.ranking(VERDICT_METRIC).summary

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy: mean and std of every metric, the verdict vs the baseline, or the skip reason."""
        return results_frame(self.strategies, self.metric_names)

    def ranking(self, metric: str) -> Ranking:
        return rank_strategies(self.strategies, metric=metric)

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "model": self.model,
            "folds": self.folds,
            "repeats": self.repeats,
            "seed": self.seed,
            "classes": [json_label(c) for c in self.classes],
            "positive_class": json_label(self.positive_class) if self.positive_class is not None else None,
            "rows": self.rows_total,
            "rows_used": self.rows_used,
            "subsample": self.subsample,
            "features": list(self.features),
            "dropped_features": dict(self.dropped_features),
            "text_features": list(self.text_features),
            "strategies": [r.to_dict() for r in self.strategies],
            "notes": list(self.notes),
            "splits": dict(self.splits),
            "accuracy_warning": ACCURACY_WARNING,
            "probability_note": PROBABILITY_NOTE,
        }


def results_frame(results: Sequence[StrategyResult], metric_names: Sequence[str]) -> pd.DataFrame:
    """Tabulate finished (and skipped) strategies: means, stds and verdicts per metric."""
    rows = []
    for r in results:
        row: dict[str, Any] = {"strategy": r.name, "family": r.family}
        for m in metric_names:
            s = r.metrics.get(m)
            row[m] = s.mean if s else np.nan
            row[f"{m}_std"] = s.std if s else np.nan
            v = r.versus_baseline.get(m)
            row[f"{m}_vs_baseline"] = v.verdict if v else ("baseline" if r.name == "none" and r.ok else "")
        row["skipped"] = r.skipped or ""
        rows.append(row)
    return pd.DataFrame(rows)


def per_class_frame(results: Sequence[StrategyResult]) -> pd.DataFrame:
    """Per-class precision and recall (means across folds) of every strategy that ran, one row per (strategy, class).

    Examples
    --------
    >>> from analysis.rebalance import compare_strategies
    >>> df = pd.DataFrame({"x": np.arange(40.0), "y": [0] * 30 + [1] * 10})
    >>> res = compare_strategies(df, target="y", strategies=["none"], folds=2, n_jobs=1)
    >>> per_class_frame(res.strategies).columns.tolist()
    ['strategy', 'class', 'precision', 'recall']
    """
    rows = [
        {"strategy": r.name, "class": label, "precision": d["precision"].mean, "recall": d["recall"].mean}
        for r in results if r.ok for label, d in r.per_class.items()
    ]
    return pd.DataFrame(rows, columns=["strategy", "class", "precision", "recall"])


def rank_strategies(results: Sequence[StrategyResult], *, metric: str) -> Ranking:
    """Order the strategies that ran by ``metric`` (best first) and say which are worth it.

    A strategy is *worth it* when the corrected resampled t-test finds it better
    than the baseline beyond the fold-to-fold noise (p < 0.05).

    Raises
    ------
    RebalanceError
        For a metric that is not registered.
    """
    spec = METRICS[metric]
    ran = [r for r in results if r.ok and metric in r.metrics]
    higher = spec.higher_is_better
    ran.sort(key=lambda r: -r.metrics[metric].mean if higher else r.metrics[metric].mean)
    rows = []
    for rank, r in enumerate(ran, start=1):
        v = r.versus_baseline.get(metric)
        rows.append({
            "rank": rank,
            "strategy": r.name,
            "mean": r.metrics[metric].mean,
            "ci_low": r.metrics[metric].ci_low,
            "ci_high": r.metrics[metric].ci_high,
            "clipped": r.metrics[metric].clipped,
            "difference": v.difference if v else 0.0,
            "p_value": v.p_value if v else np.nan,
            "verdict": v.verdict if v else "baseline",
        })
    frame = pd.DataFrame(rows, columns=["rank", "strategy", "mean", "ci_low", "ci_high", "clipped", "difference", "p_value",
                                       "verdict"])
    worth = tuple(frame.loc[frame["verdict"] == "better", "strategy"])
    worse = tuple(frame.loc[frame["verdict"] == "worse", "strategy"])
    minority, recall = _baseline_minority(results)
    label = spec.label
    best = str(frame["strategy"].iloc[0]) if ran else None
    if not ran:
        return Ranking(metric=metric, frame=frame, worth_it=(), worse=(), summary=f"No strategy has a {label} yet.")
    parts = []
    mean = dict(zip(frame["strategy"], frame["mean"]))
    base = mean.get("none")
    if best == "none":
        parts.append(f"Ranked by {label}, the baseline comes first ({mean[best]:.3f}): no strategy scores above it.")
    else:
        parts.append(
            f"Ranked by {label}, {best} comes first ({mean[best]:.3f}"
            + (f" against the baseline's {base:.3f}" if base is not None else "") + ")."
        )
    if worth:
        others = "" if worth == (best,) else f" ({', '.join(worth)})"
        if best in worth:
            parts.append(f"It beats the baseline by more than the fold-to-fold noise{others}.")
        else:
            parts.append(
                f"Its lead over the baseline is within the fold-to-fold noise; beyond the noise: {', '.join(worth)}."
            )
    elif best != "none" and base is not None:
        parts.append("No strategy beats the baseline by more than the fold-to-fold noise.")
    if recall is not None:
        parts.append(f"The baseline finds {recall:.1%} of the minority class {json_label(minority)!r}.")
    if not worth:
        if recall is not None and recall < MIN_MINORITY_RECALL:
            weighing = [METRICS[m].label for m in ("balanced_accuracy", "f1_macro", "mcc") if m != metric]
            parts.append(
                "Do not keep the data as it is: a model that misses most of the minority class ignores it. "
                f"Look at a metric that weighs that class ({', '.join(weighing)}), try class_weight or threshold "
                "moving with more repeats, or collect more minority rows."
            )
        else:
            parts.append(f"On {label}, keeping the data as it is costs nothing measurable; try another model or metric.")
    if worse:
        parts.append(f"Worse than the baseline: {', '.join(worse)}.")
    parts += _same_as_baseline(ran, metric)
    return Ranking(metric=metric, frame=frame, worth_it=worth, worse=worse, summary=" ".join(parts), best=best,
                   minority_class=minority, baseline_minority_recall=recall)


def _same_as_baseline(ran: Sequence[StrategyResult], metric: str) -> list[str]:
    """A sentence for the strategies whose every fold scored exactly as the baseline's on ``metric``.

    Threshold moving does so on the metrics that read the predicted probabilities (ROC AUC, PR AUC, the Brier
    score): it changes the decisions, not the probabilities, so its "no clear difference" there is by
    construction, not a finding.
    """
    base = next((r for r in ran if r.name == "none"), None)
    if base is None:
        return []
    same = [r for r in ran if r.name != "none" and r.metrics[metric].values == base.metrics[metric].values]
    if not same:
        return []
    label = METRICS[metric].label
    reads_probabilities = METRICS[metric].from_counts is None  # ROC AUC, PR AUC, Brier: not the decisions
    moved = [r.name for r in same if r.family == "threshold" and reads_probabilities]
    other = [r.name for r in same if r.name not in moved]
    out = []
    if moved:
        out.append(
            f"Same {label} as the baseline on every fold: {', '.join(moved)} (it moves the decision threshold only, "
            "and this metric reads the predicted probabilities, which it leaves as they are); judge it on a metric "
            "that reads the decisions (balanced accuracy, macro F1, MCC)."
        )
    if other:
        one = len(other) == 1
        out.append(f"Same {label} as the baseline on every fold: {', '.join(other)}: on these folds "
                   f"{'it' if one else 'they'} changed nothing this metric sees.")
    return out


def _baseline_minority(results: Sequence[StrategyResult]) -> tuple[Any, float | None]:
    """The smallest class (by true rows in the baseline's out-of-fold confusion matrix) and the baseline's recall of it."""
    base = next((r for r in results if r.name == "none" and r.ok and r.confusion is not None), None)
    if base is None or not base.per_class:
        return None, None
    counts = np.asarray(base.confusion).sum(axis=1)
    label = list(base.per_class)[int(counts.argmin())]
    return label, float(base.per_class[label]["recall"].mean)
