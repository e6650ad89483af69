"""Results of the augmentation comparison: one per strategy, and the whole comparison with its verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from ..rebalance import METRICS, MetricSummary, Versus
from ..results import ResultMixin, Severity, json_label

__all__ = ["VERDICT_METRIC", "AugmentComparison", "AugmentStrategyResult"]

#: The metric the comparison's verdict is about.
VERDICT_METRIC = "balanced_accuracy"


def _brief(s: MetricSummary) -> dict[str, float]:
    return {"mean": s.mean, "std": s.std, "ci_low": s.ci_low, "ci_high": s.ci_high}


@dataclass(frozen=True, eq=False)
class AugmentStrategyResult(ResultMixin):
    """One strategy cross-validated on clean and on perturbed test folds (or why it was skipped)."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"computed": "info", "skipped": "warning"}

    name: str
    label: str
    explanation: str
    reason: str | None = None
    clean: dict[str, MetricSummary] = field(default_factory=dict)
    perturbed: dict[str, MetricSummary] = field(default_factory=dict)
    versus_clean: dict[str, Versus] = field(default_factory=dict)
    versus_perturbed: dict[str, Versus] = field(default_factory=dict)
    #: mean number of synthetic rows added to a training fold
    rows_added: float = 0.0
    seconds: float = 0.0

    @property
    def skipped(self) -> bool:
        return self.reason is not None

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "skipped" if self.skipped else "computed"

    @property
    def verdict_text(self) -> str:
        return f"{self.label} skipped: {self.reason}" if self.reason else f"{self.label} was cross-validated."

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for condition, metrics in (("clean", self.clean), ("perturbed", self.perturbed)):
            for m, s in metrics.items():
                rows.append({"strategy": self.name, "condition": condition, "metric": m, "mean": s.mean,
                             "ci_low": s.ci_low, "ci_high": s.ci_high})
        return pd.DataFrame(rows, columns=["strategy", "condition", "metric", "mean", "ci_low", "ci_high"])

    def to_dict(self) -> dict:
        ok = not self.skipped
        return {
            "name": self.name,
            "label": self.label,
            "explanation": self.explanation,
            "skipped": self.skipped,
            "reason": self.reason,
            "clean": {m: _brief(s) for m, s in self.clean.items()} if ok else None,
            "perturbed": {m: _brief(s) for m, s in self.perturbed.items()} if ok else None,
            "p_value_vs_none": {
                "clean": {m: v.p_value for m, v in self.versus_clean.items()},
                "perturbed": {m: v.p_value for m, v in self.versus_perturbed.items()},
            } if ok and self.versus_clean else None,
            "versus_none": {
                "clean": {m: v.to_dict() for m, v in self.versus_clean.items()},
                "perturbed": {m: v.to_dict() for m, v in self.versus_perturbed.items()},
            } if ok and self.versus_clean else None,
            "rows_added_per_fold": self.rows_added if ok else None,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, eq=False)
class AugmentComparison(ResultMixin):
    """Augmentation strategies cross-validated on the same folds, scored clean and perturbed.

    Verdict: ``"robustness gain"`` when some strategy scores better than no
    augmentation on perturbed test folds (corrected resampled t-test, p < 0.05,
    on :data:`VERDICT_METRIC`) without scoring worse on clean ones; ``"costly"``
    when the strategies that gain robustness all cost clean accuracy;
    ``"no gain"`` otherwise.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"robustness gain": "ok", "no gain": "info", "costly": "warning",
                                                "uninformative": "warning"}

    target: str
    model: str
    folds: int
    repeats: int
    seed: int
    classes: tuple[Any, ...]
    positive_class: Any
    strategies: tuple[AugmentStrategyResult, ...]
    perturbation: str
    features: dict[str, tuple[str, ...]]
    rows_used: int
    notes: tuple[str, ...] = ()
    splits: dict[str, Any] = field(default_factory=dict)

    @property
    def metric_names(self) -> tuple[str, ...]:
        for r in self.strategies:
            if not r.skipped:
                return tuple(r.clean)
        return ()

    def result(self, name: str) -> AugmentStrategyResult:
        for r in self.strategies:
            if r.name == name:
                return r
        raise KeyError(name)

    def _gains(self) -> tuple[list[str], list[str]]:
        """(strategies that gain robustness at no clean cost, those that gain it but cost clean accuracy)."""
        free: list[str] = []
        costly: list[str] = []
        for r in self.strategies:
            if r.skipped or r.name == "none" or VERDICT_METRIC not in r.versus_perturbed:
                continue
            if r.versus_perturbed[VERDICT_METRIC].verdict == "better":
                (costly if r.versus_clean[VERDICT_METRIC].verdict == "worse" else free).append(r.name)
        return free, costly

    @property
    def recommended(self) -> str | None:
        """The strategy with the best perturbed score among those that gain robustness at no clean cost."""
        free, _ = self._gains()
        if not free:
            return None
        return max(free, key=lambda n: self.result(n).perturbed[VERDICT_METRIC].mean)

    def _baseline_at_chance(self) -> AugmentStrategyResult | None:
        """The no-augmentation result when its clean score's 95% interval reaches chance (1 / classes), else None:
        a model no better than chance cannot show what augmentation does, so "no gain" would be no finding."""
        base = next((r for r in self.strategies if r.name == "none" and not r.skipped), None)
        if base is None or VERDICT_METRIC not in base.clean or not self.classes:
            return None
        return base if base.clean[VERDICT_METRIC].ci_low <= 1 / len(self.classes) + 1e-12 else None

    @property
    def verdict(self) -> str:  # type: ignore[override]
        free, costly = self._gains()
        if free or costly:
            return "robustness gain" if free else "costly"
        return "uninformative" if self._baseline_at_chance() is not None else "no gain"

    @property
    def verdict_text(self) -> str:
        label = METRICS[VERDICT_METRIC].label
        free, costly = self._gains()
        base = next((r for r in self.strategies if r.name == "none" and not r.skipped), None)
        head = ""
        if base is not None:
            head = (f"Without augmentation, {label} is {base.clean[VERDICT_METRIC].mean:.3f} on clean test folds and "
                    f"{base.perturbed[VERDICT_METRIC].mean:.3f} under perturbation. ")
        if free:
            best = self.result(self.recommended or free[0])
            return head + (f"{best.label} buys robustness without costing clean accuracy: {label} "
                           f"{best.perturbed[VERDICT_METRIC].mean:.3f} under perturbation, "
                           f"{best.clean[VERDICT_METRIC].mean:.3f} clean (corrected resampled t-test against no "
                           "augmentation, p < 0.05).")
        if costly:
            return head + (f"{', '.join(self.result(n).label for n in costly)} score better under perturbation "
                           "but worse on clean data: robustness here costs accuracy.")
        chance = self._baseline_at_chance()
        if chance is not None:
            s = chance.clean[VERDICT_METRIC]
            return head + (
                f"The model without augmentation is no better than chance on clean folds ({label} {s.mean:.3f}, "
                f"95% interval {s.ci_low:.3f} to {s.ci_high:.3f}; chance {1 / len(self.classes):.3f}): its scores "
                "cannot show what augmentation does. Use a model or features that predict the label, or collect "
                "more rows of the smallest class, before comparing."
            )
        return head + "No strategy scores clearly better than no augmentation under perturbation."

    def summary_frame(self, metric: str = VERDICT_METRIC) -> pd.DataFrame:
        """One row per strategy: clean and perturbed mean with 95% interval, p-values against none, skip reason."""
        rows = []
        for r in self.strategies:
            row: dict[str, Any] = {"strategy": r.name, "label": r.label, "skipped": r.reason or ""}
            for cond, metrics, versus in (("clean", r.clean, r.versus_clean), ("perturbed", r.perturbed,
                                                                              r.versus_perturbed)):
                s = metrics.get(metric)
                row[f"{cond} mean"] = s.mean if s else None
                row[f"{cond} 95% CI"] = f"{s.ci_low:.3f} to {s.ci_high:.3f}" if s else ""
                row[f"{cond} p vs none"] = versus[metric].p_value if metric in versus else None
            row["rows added per fold"] = None if r.skipped else r.rows_added
            rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        parts = [r.to_frame() for r in self.strategies if not r.skipped]
        return pd.concat(parts, ignore_index=True) if parts else AugmentStrategyResult("", "", "").to_frame()

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "model": self.model,
            "folds": self.folds,
            "repeats": self.repeats,
            "seed": self.seed,
            "classes": [json_label(c) for c in self.classes],
            "positive_class": json_label(self.positive_class) if self.positive_class is not None else None,
            "rows_used": self.rows_used,
            "features": {k: list(v) for k, v in self.features.items()},
            "perturbation": self.perturbation,
            "verdict_metric": VERDICT_METRIC,
            "strategies": [r.to_dict() for r in self.strategies],
            "recommended": self.recommended,
            "verdict": self.verdict,
            "severity": self.severity,
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
            "splits": dict(self.splits),
        }
