"""The per-feature table: association with the target, effect size and test, alerts, leakage flags.

``feature_report(df, target=...)`` is what ``dataset-diagnostics features`` prints
(``to_dict()``) and what the dashboard's Features page shows, so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from ..schema import Schema, infer_schema
from .association import Associations, feature_associations
from .integrity import Integrity, integrity
from .leakage import LeakageReport, LeakageSettings, leakage_suspects

__all__ = ["FeatureReport", "feature_report"]


@dataclass(frozen=True)
class FeatureReport(ResultMixin):
    """Associations, leakage and integrity of one table for one target; the headline is the leakage verdict."""

    SEVERITY: ClassVar[dict[str, Severity]] = LeakageReport.SEVERITY

    target: str
    associations: Associations
    leakage: LeakageReport
    integrity: Integrity
    verdict: str
    verdict_text: str
    _notes: tuple[str, ...] = ()

    def rows(self) -> list[dict[str, Any]]:
        """One dict per feature: the association row and its leakage flags, strongest association first."""
        out = []
        for a in self.associations.features:
            leak = self.leakage.feature(a.feature).to_dict()
            leak.pop("feature")
            leak.pop("kind")
            out.append({**a.to_dict(), "leakage": leak})
        return out

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for r in self.rows():
            leak = r.pop("leakage")
            rows.append({**r, "alerts": "; ".join(r["alerts"]), "auc": leak["auc"], "auc_ci_low": leak["auc_ci_low"],
                         "auc_ci_high": leak["auc_ci_high"], "balanced_accuracy": leak["balanced_accuracy"],
                         "rule": leak["rule"], "rule_share": leak["rule_share"], "suspect": leak["suspect"],
                         "leakage": "; ".join(leak["reasons"])})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "rows": self.associations.rows,
            "rows_used": self.associations.rows_used,
            "verdict": self.verdict,
            "severity": self.severity,
            "verdict_text": self.verdict_text,
            "features": self.rows(),
            "leakage": self.leakage.summary_dict(),
            "integrity": self.integrity.to_dict(),
            "notes": list(self.notes),
        }


@takes_table("df")
def feature_report(
    df: pd.DataFrame, *, target: str, settings: LeakageSettings | None = None, schema: Schema | None = None,
) -> FeatureReport:
    """Every feature's association with ``target``, alerts and leakage flags, plus the table's integrity.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [0.5, 1.5] * 20, "leak": [0, 1] * 20, "y": ["a", "b"] * 20})
    >>> r = feature_report(df, target="y")
    >>> r.verdict, r.leakage.suspects
    ('suspects', ('x', 'leak'))
    """
    s = settings or LeakageSettings()
    schema = schema if schema is not None else infer_schema(df)
    found = integrity(df)  # the label too, as the Features page checks it: a class spelled two ways is two classes
    assoc = feature_associations(df, target=target, sample_rows=s.sample_rows, seed=s.seed, schema=schema,
                                 mixed=found.mixed_alerts())
    leak = leakage_suspects(df, target=target, settings=s, schema=schema)
    return FeatureReport(target, assoc, leak, found, leak.verdict, leak.verdict_text, leak.notes)
