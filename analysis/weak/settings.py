"""Typed, hashable settings of a weak-supervision run (the dashboard's cache keys).

The LFs come either from columns already in the data (:class:`LFColumns`) or
from declarative rules (:class:`~analysis.weak.lfs.LFSet`); both build their
:class:`~analysis.weak.matrix.LFMatrix` through ``.matrix(df, labels=, gold=)``.
:class:`LabelModelSettings` holds what the label model is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from .matrix import DEFAULT_ABSTAIN, LFMatrix, lf_matrix
from .model import parse_class_prior

__all__ = ["LFColumns", "LabelModelSettings", "split_list"]


def split_list(text: str | None) -> list[str] | None:
    """Comma-separated names as a list (blank entries dropped); ``None`` stays ``None``.

    >>> split_list(" pos, neg,, "), split_list(None)
    (['pos', 'neg'], None)
    """
    if text is None:
        return None
    return [t.strip() for t in text.split(",") if t.strip()]


@dataclass(frozen=True)
class LFColumns:
    """LF columns already in the data: each cell a label, the ``abstain`` value, or empty.

    >>> LFColumns(("lf_a", "lf_b"), abstain="-1").mode
    'columns'
    """

    names: tuple[str, ...]
    abstain: Any = DEFAULT_ABSTAIN
    mode: ClassVar[str] = "columns"

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(self.names))

    def matrix(self, df: pd.DataFrame, *, labels: Sequence[Any] | None = None, gold: str | None = None) -> LFMatrix:
        return lf_matrix(df, lfs=self.names, abstain=self.abstain, gold=gold, labels=labels)


@dataclass(frozen=True)
class LabelModelSettings:
    """What the label model is told: the gold column, the classes and a fixed class prior (all optional).

    ``class_prior`` is a tuple of ``(label, share)`` pairs (hashable); build it
    from text with :meth:`from_text`.

    >>> s = LabelModelSettings.from_text(gold="y", labels=["pos", "neg"], class_prior="pos=0.3, neg=0.7")
    >>> s.labels, s.prior
    (('pos', 'neg'), {'pos': 0.3, 'neg': 0.7})
    """

    gold: str | None = None
    labels: tuple[Any, ...] | None = None
    class_prior: tuple[tuple[Any, float], ...] | None = None

    @classmethod
    def from_text(
        cls, *, gold: str | None = None, labels: Sequence[Any] | None = None, class_prior: str | None = None
    ) -> LabelModelSettings:
        """Settings from typed values: ``class_prior`` as ``label=share`` pairs (raises on a bad one)."""
        prior = parse_class_prior(class_prior)
        return cls(
            gold=gold,
            labels=None if labels is None else tuple(labels),
            class_prior=None if prior is None else tuple(prior.items()),
        )

    @property
    def prior(self) -> dict | None:
        """The class prior as ``{label: share}`` (what :func:`~analysis.weak.label_model` takes)."""
        return None if self.class_prior is None else dict(self.class_prior)
