"""The settings of each labels analysis as one frozen, hashable value.

The dashboard builds one of these per analysis and hands it, as it is, to its
cached wrapper (a hashable argument: no tuples of loose values, no joined
strings); :meth:`run` is the analysis call with exactly those settings.

>>> import pandas as pd
>>> s = AgreementSettings(annotators=["a", "b"])
>>> s == AgreementSettings(annotators=("a", "b")), hash(s) == hash(AgreementSettings(annotators=("a", "b")))
(True, True)
>>> s.run(pd.DataFrame({"a": ["x", "y"], "b": ["x", "y"]})).percent_agreement
1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .agreement import Agreement, agreement
from .consensus import Consensus, consensus_labels
from .issues import LabelIssues, apply_corrections, label_issues

__all__ = ["AgreementSettings", "ConsensusSettings", "Corrections", "LabelIssuesSettings"]


def _names(values: Iterable[Any] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(str(v) for v in values)


@dataclass(frozen=True)
class AgreementSettings:
    """Annotator columns, level of measurement and label order (lowest first; None: by value)."""

    annotators: tuple[str, ...]
    level: str = "nominal"
    order: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "annotators", _names(self.annotators))
        object.__setattr__(self, "order", _names(self.order) if self.order else None)

    def run(self, df: pd.DataFrame) -> Agreement:
        return agreement(df, annotators=list(self.annotators), level=self.level, order=self.order)


@dataclass(frozen=True)
class ConsensusSettings:
    """Annotator columns, consensus method and an optional gold column (Dawid-Skene only)."""

    annotators: tuple[str, ...]
    method: str = "dawid_skene"
    gold: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "annotators", _names(self.annotators))

    def run(self, df: pd.DataFrame) -> Consensus:
        return consensus_labels(df, annotators=list(self.annotators), method=self.method, gold=self.gold)


@dataclass(frozen=True)
class LabelIssuesSettings:
    """Label column, model, feature columns (None: chosen from the data), folds and seed."""

    target: str
    model: str = "logreg"
    features: tuple[str, ...] | None = None
    folds: int = 5
    seed: int = 0
    #: columns never used as features (suspected label leaks the user chose to exclude)
    excluded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", _names(self.features))
        object.__setattr__(self, "excluded", _names(self.excluded) or ())

    def run(self, df: pd.DataFrame) -> LabelIssues:
        features = None if self.features is None else list(self.features)
        return label_issues(df, target=self.target, model=self.model, features=features, folds=self.folds,
                            seed=self.seed, exclude=self.excluded)


@dataclass(frozen=True)
class Corrections:
    """Accepted label corrections of one label column: (0-based row, new label) pairs, in row order."""

    target: str
    pairs: tuple[tuple[int, Any], ...] = ()

    @classmethod
    def of(cls, target: str, corrections: Mapping[int, Any]) -> Corrections:
        return cls(target, tuple(sorted((int(r), v) for r, v in corrections.items())))

    def __len__(self) -> int:
        return len(self.pairs)

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        return apply_corrections(df, target=self.target, corrections=dict(self.pairs))
