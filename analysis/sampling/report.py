"""What ``dataset-diagnostics bias`` prints: the representation check plus the inside view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from .inside import LabelByGroup, MissingByGroup, label_by_group, missingness_by_group
from .reference import ReferenceShares
from .representation import BiasResult, representation

__all__ = ["BiasReport", "bias_report"]


@dataclass(frozen=True)
class BiasReport(ResultMixin):
    """What ``dataset-diagnostics bias`` prints: the representation check plus, with a target, the inside view.

    Its verdict, severity, text and notes are those of the representation check.
    """

    representation: BiasResult
    label_by_group: LabelByGroup | None
    missing_by_group: MissingByGroup

    SEVERITY: ClassVar[dict[str, Severity]] = BiasResult.SEVERITY

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return self.representation.verdict

    @property
    def verdict_text(self) -> str:
        return self.representation.verdict_text

    @property
    def notes(self) -> tuple[str, ...]:
        return self.representation.notes

    def to_frame(self) -> pd.DataFrame:
        return self.representation.to_frame()

    def to_dict(self) -> dict:
        out = self.representation.to_dict()
        out["label_by_group"] = self.label_by_group.to_dict() if self.label_by_group is not None else None
        out["missing_by_group"] = self.missing_by_group.to_dict()
        return out


@takes_table("df", native=True)
def bias_report(
    df: pd.DataFrame,
    *,
    group: str,
    reference: Mapping[Any, float] | pd.DataFrame | ReferenceShares,
    target: str | None = None,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasReport:
    """Representation against the reference, label rates by group (with a target) and missingness by group.

    ``df`` may also be a DuckDB relation or a Spark DataFrame: the counts then run on its engine.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 60 + ["b"] * 40, "y": [0, 1] * 50})
    >>> rep = bias_report(df, group="g", reference={"a": 0.5, "b": 0.5}, target="y")
    >>> sorted(rep.to_dict())[:4]
    ['alpha', 'chi_square', 'cohens_w', 'cramers_v']
    """
    if not isinstance(df, pd.DataFrame):  # a DuckDB relation or a Spark DataFrame (takes_table passed it on)
        from ..engines import engine_bias_report, open_table

        return engine_bias_report(open_table(df), group=group, reference=reference, target=target,
                                  tolerance=tolerance, alpha=alpha)
    rep = representation(df, group=group, reference=reference, tolerance=tolerance, alpha=alpha)
    lbg = label_by_group(df, group=group, target=target) if target is not None else None
    return BiasReport(rep, lbg, missingness_by_group(df, group=group, alpha=alpha))
