"""Weak labels: the LF summary and the label model of one LF set, and the labelled data.

:func:`fit_weak_labels` is the one entry point the CLI and the dashboard share:
LF columns (:class:`~analysis.weak.settings.LFColumns`) or declarative LFs
(:class:`~analysis.weak.lfs.LFSet`) plus :class:`~analysis.weak.settings.LabelModelSettings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ..errors import WeakSupervisionError
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity, json_float, py_scalar
from .lfs import LFSet
from .matrix import DEFAULT_ABSTAIN, lf_matrix
from .model import LabelModel, label_model
from .settings import LabelModelSettings, LFColumns
from .summary import LFSummary, lf_summary

__all__ = ["WeakLabels", "fit_weak_labels", "weak_labels", "with_weak_labels"]

@dataclass(frozen=True, eq=False)
class WeakLabels(ResultMixin):
    """LF summary and label model of one LF set: what the CLI prints and the page shows."""

    summary: LFSummary
    model: LabelModel

    #: The label model's verdict: ``copies_gold`` and ``not_converged`` are warnings.
    SEVERITY: ClassVar[dict[str, Severity]] = LabelModel.SEVERITY

    @property
    def verdict(self) -> str:  # type: ignore[override]  # derived, not stored (ResultMixin declares a field)
        return self.model.verdict

    @property
    def verdict_text(self) -> str:
        return f"{self.model.verdict_text} {self.summary.verdict_text}"

    @property
    def notes(self) -> tuple[str, ...]:
        return self.summary.notes + self.model.notes

    def to_dict(self) -> dict:
        out = {"verdict": self.verdict, "verdict_text": self.verdict_text, **self.summary.to_dict()}
        learned = self.model.learned_accuracy
        for entry, acc, check in zip(out["lfs"], learned, self.model.accuracy_checks()):
            entry["learned_accuracy"] = json_float(acc)
            # Learned vs gold (null without gold) and the misspecification warning ('' when none): .trust
            c = check.to_dict()
            keys = ("gold_ci_low", "gold_ci_high", "learned_minus_gold", "learned_outside_gold_ci")
            entry.update({key: c[key] for key in keys}, learned_accuracy_without_gold=c["learned_accuracy"] if self.summary.n_gold is not None else None)
            entry["learned_accuracy_warning"] = c["warning"]
        out["abstain"] = py_scalar(self.model.matrix.abstain)
        out["gold"] = self.model.matrix.gold_column
        out["label_model"] = self.model.to_dict()
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per LF: the summary's columns, the learned accuracy, with gold its interval and gap, and a warning
        where the learned accuracy is may be overstated (:mod:`.trust`)."""
        frame = self.summary.to_frame()
        frame["learned_accuracy"] = self.model.learned_accuracy
        checks = self.model.accuracy_checks()
        if self.summary.n_gold is not None:
            frame["learned_without_gold"] = [c.learned for c in checks]
            frame["gold_ci_low"] = [c.gold_low for c in checks]
            frame["gold_ci_high"] = [c.gold_high for c in checks]
            frame["learned_minus_gold"] = [c.gap for c in checks]
            frame["outside_gold_ci"] = [c.outside_gold_interval for c in checks]
        frame["learned_accuracy_warning"] = [c.warning for c in checks]
        return frame


@takes_table("df")
def weak_labels(
    df: pd.DataFrame,
    *,
    lfs: Sequence[str],
    abstain: Any = DEFAULT_ABSTAIN,
    gold: str | None = None,
    labels: Sequence[Any] | None = None,
    class_prior: Sequence[float] | dict | None = None,
    allow_silent: bool = False,
) -> WeakLabels:
    """Encode LF columns, summarise them and fit the label model.

    Parameters are those of :func:`lf_matrix` and :func:`label_model`.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 1, 0, -1], "b": [1, 0, 0, -1], "c": [1, 1, -1, -1]})
    >>> w = weak_labels(df, lfs=["a", "b", "c"])
    >>> w.summary.total_coverage, w.model.to_frame()["weak_label"].tolist()
    (0.75, [1, 1, 0, -1])
    """
    matrix = lf_matrix(df, lfs=lfs, abstain=abstain, gold=gold, labels=labels, allow_silent=allow_silent)
    return WeakLabels(lf_summary(matrix), label_model(matrix, class_prior=class_prior))


def with_weak_labels(df: pd.DataFrame, model: LabelModel) -> pd.DataFrame:
    """A copy of ``df`` with ``weak_label`` and ``weak_confidence`` appended (replaced if present).

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "y", None], "b": ["x", "x", None]})
    >>> lm = label_model(lf_matrix(df, lfs=["a", "b"], labels=["x", "y"]))
    >>> with_weak_labels(df, lm).columns.tolist()
    ['a', 'b', 'weak_label', 'weak_confidence']
    """
    if len(model.codes) != len(df):
        raise WeakSupervisionError(
            f"The label model has {len(model.codes):,} rows but the data {len(df):,}; fit it on this data."
        )
    out = df.copy()
    frame = model.to_frame()
    out["weak_label"] = frame["weak_label"].to_numpy()
    out["weak_confidence"] = frame["weak_confidence"].to_numpy()
    return out


@takes_table("df", native=True)
def fit_weak_labels(df: pd.DataFrame, lfs: LFColumns | LFSet, settings: LabelModelSettings) -> WeakLabels:
    """Encode the LF votes (columns of ``df``, or declarative LFs applied to it), summarise them, fit the label model.

    ``df`` may also be a DuckDB relation or a Spark DataFrame: the votes are then counted on its engine as
    distinct vote patterns (:func:`analysis.engines.weak.engine_weak_labels`), with the same results.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 1, 0, -1], "b": [1, 0, 0, -1], "c": [1, 1, -1, -1]})
    >>> w = fit_weak_labels(df, LFColumns(("a", "b", "c")), LabelModelSettings())
    >>> w.summary.total_coverage, w.model.to_frame()["weak_label"].tolist()
    (0.75, [1, 1, 0, -1])
    """
    if not isinstance(df, pd.DataFrame):  # a DuckDB relation or a Spark DataFrame (takes_table passed it on)
        from ..engines import open_table
        from ..engines.weak import engine_weak_labels

        return engine_weak_labels(open_table(df), lfs, settings)
    matrix = lfs.matrix(df, labels=settings.labels, gold=settings.gold)
    return WeakLabels(lf_summary(matrix), label_model(matrix, class_prior=settings.prior))
