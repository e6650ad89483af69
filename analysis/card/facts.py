"""Measured facts of a dataset card, each read from a diagnostic's own result object.

A :class:`Fact` is one sentence-sized finding of the card (class balance, duplicates,
agreement, ...). Its numbers are copied from the result the diagnostic returned
(the same object the page charts and ``--format json`` prints), never computed a
second way. A fact that was not measured says so, and how to measure it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import json_float

__all__ = ["FACTS", "SECTIONS", "Fact", "FactSpec", "not_measured"]

#: Datasheets for Datasets (Gebru et al., 2021): section key -> heading, in the paper's order.
SECTIONS: dict[str, str] = {
    "motivation": "Motivation",
    "composition": "Composition",
    "collection": "Collection process",
    "preprocessing": "Preprocessing, cleaning and labelling",
    "uses": "Uses",
    "distribution": "Distribution",
    "maintenance": "Maintenance",
}


@dataclass(frozen=True)
class FactSpec:
    """Where a fact goes on the card, which page measures it, and how to measure it when it was not."""

    key: str
    title: str
    section: str
    page: str  # the dashboard page that measured it
    page_path: str  # its file in dashboard/app_pages (st.page_link target)
    how: str  # how to measure it (page and CLI) when it was not


#: Every fact the card can carry, in card order.
FACTS: dict[str, FactSpec] = {s.key: s for s in (
    FactSpec("size", "Size and column roles", "composition", "Overview", "app_pages/overview.py",
             "open the Overview page, or run `dataset-diagnostics card DATA --target COL`"),
    FactSpec("class_balance", "Class balance", "composition", "Overview", "app_pages/overview.py",
             "open the Overview page"),
    FactSpec("missing", "Missing values", "composition", "Overview", "app_pages/overview.py",
             "open the Overview page"),
    FactSpec("duplicates", "Duplicates and conflicting duplicates", "composition", "Overview", "app_pages/overview.py",
             "open the Overview page"),
    FactSpec("leakage", "Leakage suspects", "composition", "Features", "app_pages/features.py",
             "open the Overview or Features page, or run `card` from the command line"),
    FactSpec("representativeness", "Representativeness against a reference", "collection", "Sampling bias",
             "app_pages/sampling.py",
             "open the Sampling bias page with a reference, or pass `--reference FILE --group COL` to `card`"),
    FactSpec("shift", "Shift against a second file", "collection", "Sampling bias", "app_pages/sampling.py",
             "upload a second file on the Sampling bias page, or pass `--second FILE` to `card`"),
    FactSpec("agreement", "Annotator agreement", "preprocessing", "Labels", "app_pages/labels.py",
             "open the Labels page and compute the intervals, or pass `--annotators a,b,c` to `card`"),
    FactSpec("label_errors", "Estimated label-error rate", "preprocessing", "Labels", "app_pages/labels.py",
             "run the label check on the Labels page, or run `card` from the command line"),
    FactSpec("weak", "Labeling functions and the label model", "preprocessing", "Weak supervision",
             "app_pages/weak.py", "open the Weak supervision page, or pass `--lfs` to `card`"),
    FactSpec("fixes", "Fixes applied", "preprocessing", "Rebalancing lab", "app_pages/rebalancing.py",
             "apply a fix on the Rebalancing lab or Sampling bias page (the `fix` command writes its recipe)"),
    FactSpec("robustness", "Robustness to perturbations", "uses", "Augmentation lab", "app_pages/augmentation.py",
             "run the robustness test on the Augmentation lab page (or the `robustness` command, and pass its "
             "result to `build_card(results=...)`)"),
)}


@dataclass(frozen=True)
class Fact:
    """One finding of the card: plain sentences, the numbers behind them, and where they came from."""

    spec: FactSpec
    measured: bool
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    verdict: str | None = None
    severity: str | None = None

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def section(self) -> str:
        return self.spec.section

    @property
    def page(self) -> str:
        return self.spec.page

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "section": self.section,
            "page": self.page,
            "measured": self.measured,
            "verdict": self.verdict,
            "severity": self.severity,
            "text": self.text,
            "how_to_measure": None if self.measured else self.spec.how,
            "data": self.data,
        }


def not_measured(key: str, why: str = "") -> Fact:
    """A fact left out: how to measure it, or, when the data did not allow it, why (then how would not help)."""
    spec = FACTS[key]
    return Fact(spec, False, f"Not measured: {why}" if why else f"Not measured — {spec.how}.")


def measured(key: str, text: str, data: dict[str, Any], result: Any = None) -> Fact:
    verdict = getattr(result, "verdict", None) if result is not None else None
    severity = getattr(result, "severity", None) if result is not None else None
    return Fact(FACTS[key], True, text, data, verdict, severity)


def pct(x: float | None) -> str:
    return "n/a" if x is None or json_float(x) is None else f"{x:.1%}"


def num(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None or json_float(x) is None else f"{x:.{digits}f}"
