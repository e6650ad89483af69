"""Results of a robustness run: scores per perturbation and strength, flip rates, sensitivity, the verdict.

The verdict is about balanced accuracy (:data:`VERDICT_METRIC`) at the ladder
strength closest to :data:`REFERENCE_STRENGTH` (10%) of each perturbation:

- ``uninformative``: the clean model's 95% interval of balanced accuracy
  reaches the majority baseline (1/K for K classes: always predicting one
  class). Its robustness then says nothing, and the verdict says so instead
  of reading the perturbed scores as evidence;
- ``fragile``: some perturbation drops the mean by at least
  :data:`FRAGILE_DROP` (0.05);
- ``sensitive``: the largest drop is at least :data:`SENSITIVE_DROP` (0.02);
- ``robust``: every drop is smaller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..rebalance import METRICS, MetricSummary
from ..results import ResultMixin, Severity, json_label
from .perturbations import PERTURBATIONS, ColumnKinds

__all__ = [
    "FRAGILE_DROP",
    "REFERENCE_STRENGTH",
    "SENSITIVE_DROP",
    "VERDICT_METRIC",
    "FeatureSensitivity",
    "PerturbationScore",
    "RobustnessProgress",
    "RobustnessResult",
    "robustness_verdict",
]

VERDICT_METRIC = "balanced_accuracy"
REFERENCE_STRENGTH = 0.1
FRAGILE_DROP = 0.05
SENSITIVE_DROP = 0.02
#: Fragile rows listed in ``to_dict`` (the page's download holds every row that flipped).
FRAGILE_ROWS_JSON = 20


@dataclass(frozen=True)
class RobustnessProgress:
    """One finished step: ``done`` of ``total`` steps; ``stage`` is "fit", a perturbation name or "sensitivity".

    ``partial``: after the last fold of a perturbation kind (but the last), the result of the kinds finished so far.
    """

    stage: str
    fold: int
    folds: int
    done: int
    total: int
    partial: RobustnessResult | None = None


@dataclass(frozen=True)
class PerturbationScore:
    """Cross-validated scores of one perturbation at one strength, and its flip rate.

    ``flip_rate``: the share of test predictions (over every fold) whose class
    differs from the clean model's prediction of the same row.
    """

    kind: str
    strength: float
    metrics: dict[str, MetricSummary]
    flip_rate: float

    def to_dict(self) -> dict:
        return {"kind": self.kind, "strength": self.strength,
                "metrics": {m: s.to_dict() for m, s in self.metrics.items()}, "flip_rate": self.flip_rate}


@dataclass(frozen=True)
class FeatureSensitivity:
    """The drop of the verdict metric when one feature alone is perturbed (``kind`` at ``strength``)."""

    feature: str
    column_kind: str
    kind: str
    strength: float
    clean: float
    perturbed: float

    @property
    def drop(self) -> float:
        return self.clean - self.perturbed

    def to_dict(self) -> dict:
        return {"feature": self.feature, "drop": self.drop, "column_kind": self.column_kind, "kind": self.kind,
                "strength": self.strength, "clean": self.clean, "perturbed": self.perturbed}


def _closest(strengths: list[float]) -> float:
    return min(strengths, key=lambda s: (abs(s - REFERENCE_STRENGTH), s))


def robustness_verdict(
    clean: dict[str, MetricSummary], scores: tuple[PerturbationScore, ...], n_classes: int,
) -> tuple[str, str]:
    """(verdict, plain sentences) from the clean and perturbed balanced accuracy; see the module doc."""
    m = VERDICT_METRIC
    label = METRICS[m].label
    base = clean[m]
    chance = 1.0 / n_classes
    if base.ci_low <= chance:
        return "uninformative", (
            f"The clean model is no better than always predicting one class: its {label} is {base.mean:.2f} "
            f"(95% interval {base.ci_low:.2f} to {base.ci_high:.2f}) against {chance:.2f} for the majority "
            "baseline. How its scores move under perturbation is not evidence of robustness or fragility; "
            "improve the model or the features first."
        )
    drops = []
    for kind in dict.fromkeys(s.kind for s in scores):
        ladder = [s for s in scores if s.kind == kind]
        at = _closest([s.strength for s in ladder])
        point = next(s for s in ladder if s.strength == at)
        drops.append((base.mean - point.metrics[m].mean, kind, at, point))
    drop, kind, at, point = max(drops, key=lambda d: d[0])
    what = PERTURBATIONS[kind].describe(at)
    after = point.metrics[m].mean
    digits = 2 if f"{base.mean:.2f}" != f"{after:.2f}" else 3  # never "from 0.80 to 0.80"
    moved = f"{what} drops {label} from {base.mean:.{digits}f} to {after:.{digits}f}"
    flips = f"; {point.flip_rate:.1%} of predictions change"
    if drop >= FRAGILE_DROP:
        return "fragile", f"{moved[0].upper() + moved[1:]}: fragile{flips}."
    if drop >= SENSITIVE_DROP:
        return "sensitive", f"{moved[0].upper() + moved[1:]}: somewhat sensitive{flips}."
    return "robust", (f"{moved[0].upper() + moved[1:]} (the largest drop of any perturbation at about "
                      f"{REFERENCE_STRENGTH:.0%} strength): robust{flips}.")


@dataclass(frozen=True, eq=False)
class RobustnessResult(ResultMixin):
    """Cross-validated robustness of one model on one table (the CLI's JSON and the page's charts)."""

    SEVERITY: ClassVar[dict[str, Severity]] = {
        "robust": "ok", "sensitive": "info", "fragile": "warning", "uninformative": "warning",
    }

    verdict: str
    verdict_text: str
    target: str
    model: str
    folds: int
    seed: int
    classes: tuple[Any, ...]
    positive_class: Any
    rows_used: int
    features: ColumnKinds
    dropped: dict[str, str]
    clean: dict[str, MetricSummary]
    perturbations: tuple[PerturbationScore, ...]
    skipped: dict[str, str]
    sensitivity: tuple[FeatureSensitivity, ...]
    #: per used row (positions in the input frame): flips, times scored under a perturbation, label, clean prediction
    rows: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    flips: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    trials: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    y: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    clean_pred: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    splits: dict = field(default_factory=dict)
    seconds: float = 0.0
    _notes: tuple[str, ...] = ()

    @property
    def majority_baseline(self) -> float:
        """Balanced accuracy of always predicting one class: 1 / K."""
        return 1.0 / len(self.classes)

    @property
    def metric_names(self) -> tuple[str, ...]:
        return tuple(self.clean)

    def ladder(self, kind: str) -> tuple[PerturbationScore, ...]:
        return tuple(s for s in self.perturbations if s.kind == kind)

    def fragile_frame(self) -> pd.DataFrame:
        """Rows whose prediction flipped at least once, most often first: ``row`` (0-based data row),
        ``flips``, ``trials``, ``flip_share``, ``label`` and ``clean_prediction``."""
        order = np.lexsort((self.rows, -self.flips))
        keep = order[self.flips[order] > 0]
        classes = np.asarray(self.classes, dtype=object)
        return pd.DataFrame({
            "row": self.rows[keep].astype(np.int64),
            "flips": self.flips[keep].astype(np.int64),
            "trials": self.trials[keep].astype(np.int64),
            "flip_share": self.flips[keep] / np.maximum(self.trials[keep], 1),
            "label": classes[self.y[keep]],
            "clean_prediction": classes[self.clean_pred[keep]],
        })

    def to_frame(self) -> pd.DataFrame:
        """One row per (perturbation, strength): means and intervals of every metric, and the flip rate."""
        records = [{"kind": "clean", "strength": 0.0, "flip_rate": 0.0,
                    **{f"{m}_{k}": getattr(s, k) for m, s in self.clean.items() for k in ("mean", "ci_low", "ci_high")}}]
        for p in self.perturbations:
            records.append({"kind": p.kind, "strength": p.strength, "flip_rate": p.flip_rate,
                            **{f"{m}_{k}": getattr(s, k) for m, s in p.metrics.items()
                               for k in ("mean", "ci_low", "ci_high")}})
        return pd.DataFrame(records)

    def sensitivity_frame(self) -> pd.DataFrame:
        """Per-feature sensitivity, largest drop first."""
        cols = ["feature", "column_kind", "kind", "strength", "clean", "perturbed", "drop"]
        return pd.DataFrame([s.to_dict() for s in self.sensitivity], columns=cols)

    def to_dict(self) -> dict:
        fragile = self.fragile_frame().head(FRAGILE_ROWS_JSON)
        return {
            "target": self.target,
            "model": self.model,
            "folds": self.folds,
            "seed": self.seed,
            "rows": self.rows_used,
            "classes": [json_label(c) for c in self.classes],
            "positive_class": None if self.positive_class is None else json_label(self.positive_class),
            "metric": VERDICT_METRIC,
            "majority_baseline": self.majority_baseline,
            "features": {"numeric": list(self.features.numeric), "categorical": list(self.features.categorical),
                         "text": list(self.features.text)},
            "dropped": dict(self.dropped),
            "clean": {m: s.to_dict() for m, s in self.clean.items()},
            "perturbations": [p.to_dict() for p in self.perturbations],
            "skipped": [{"kind": k, "reason": r} for k, r in self.skipped.items()],
            "feature_sensitivity": [s.to_dict() for s in self.sensitivity],
            "fragile_rows": [
                {"row": int(row), "flips": int(flips), "trials": int(trials), "flip_share": float(share),
                 "label": json_label(label), "clean_prediction": json_label(pred)}
                for row, flips, trials, share, label, pred in zip(
                    fragile["row"].tolist(), fragile["flips"].tolist(), fragile["trials"].tolist(),
                    fragile["flip_share"].tolist(), fragile["label"].tolist(), fragile["clean_prediction"].tolist())
            ],
            "thresholds": {"reference_strength": REFERENCE_STRENGTH, "fragile_drop": FRAGILE_DROP,
                           "sensitive_drop": SENSITIVE_DROP},
            "splits": self.splits,
            "verdict": self.verdict,
            "severity": self.severity,
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
        }
