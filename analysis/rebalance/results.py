"""Results of the rebalancing comparison: per-strategy summaries, the whole comparison, rankings, tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..results import ResultMixin, Severity, json_label
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
    """Mean, sample standard deviation and corrected 95% interval of one metric across folds."""

    mean: float
    std: float
    ci_low: float
    ci_high: float
    values: tuple[float, ...]

    def to_dict(self) -> dict:
        return {"mean": self.mean, "std": self.std, "ci_low": self.ci_low, "ci_high": self.ci_high}


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


@dataclass(frozen=True)
class CostEstimate:
    """A rough up-front estimate of the comparison's run time (seconds), with its warnings."""

    seconds: float
    per_strategy: dict[str, float]
    warnings: tuple[str, ...]

    @property
    def text(self) -> str:
        """The estimate in words ("under a second", "about 12 s")."""
        return "under a second" if self.seconds < 1 else f"about {self.seconds:,.0f} s"


@dataclass(frozen=True)
class Ranking(ResultMixin):
    """Strategies ordered by one metric, with the verdict against the baseline and a summary sentence.

    Verdict: ``"worth it"`` when some strategy beats the baseline beyond the noise, else ``"no clear gain"``.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"worth it": "ok", "no clear gain": "info"}

    metric: str
    frame: pd.DataFrame
    worth_it: tuple[str, ...]
    worse: tuple[str, ...]
    summary: str

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "worth it" if self.worth_it else "no clear gain"

    @property
    def verdict_text(self) -> str:
        return self.summary

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "worth_it": list(self.worth_it),
            "worse": list(self.worse),
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
            "difference": v.difference if v else 0.0,
            "p_value": v.p_value if v else np.nan,
            "verdict": v.verdict if v else "baseline",
        })
    frame = pd.DataFrame(rows, columns=["rank", "strategy", "mean", "ci_low", "ci_high", "difference", "p_value", "verdict"])
    worth = tuple(frame.loc[frame["verdict"] == "better", "strategy"])
    worse = tuple(frame.loc[frame["verdict"] == "worse", "strategy"])
    label = spec.label
    if not ran:
        summary = f"No strategy has a {label} yet."
    elif worth:
        best = worth[0]
        summary = (
            f"For {label}, {', '.join(worth)} beat the baseline by more than the fold-to-fold noise; "
            f"{best} is best ({frame.loc[frame['strategy'] == best, 'mean'].iloc[0]:.3f})."
        )
    else:
        summary = (
            f"For {label}, no strategy beats the baseline by more than the fold-to-fold noise: "
            "keep the data as it is, or try another model or metric."
        )
    if worse:
        summary += f" Worse than the baseline: {', '.join(worse)}."
    return Ranking(metric=metric, frame=frame, worth_it=worth, worse=worse, summary=summary)
