"""The result protocol every diagnostic returns, and the JSON helpers they share.

A result is a frozen dataclass that says what it found in one word
(``verdict``), how much that matters (``severity``), in one or two plain
sentences (``verdict_text``), with caveats (``notes``), and serialises itself:
``to_dict()`` is exactly what the CLI prints with ``--format json``, and
``to_frame()`` is its main table where it has one. The dashboard renders every
verdict with one component keyed on ``severity``, so a new diagnostic needs no
page-specific message-box map.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Toy(ResultMixin):
...     verdict: str
...     verdict_text: str
...     SEVERITY = {"fine": "ok", "bad": "critical"}
...     def to_dict(self) -> dict:
...         return {"verdict": self.verdict}
>>> r = Toy("bad", "Something is wrong.")
>>> (r.severity, r.notes, isinstance(r, Result))
('critical', (), True)
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

__all__ = [
    "SEVERITIES",
    "Result",
    "ResultMixin",
    "Severity",
    "json_float",
    "json_label",
    "py_scalar",
]

#: How much a verdict matters, mildest first. The dashboard maps these to
#: success / info / warning / error boxes; the CLI prints them as they are.
Severity = Literal["ok", "info", "warning", "critical"]
SEVERITIES: tuple[Severity, ...] = ("ok", "info", "warning", "critical")


@runtime_checkable
class Result(Protocol):
    """What every diagnostic result exposes (checked by the shared battery)."""

    @property
    def verdict(self) -> str: ...

    @property
    def severity(self) -> Severity: ...

    @property
    def verdict_text(self) -> str: ...

    @property
    def notes(self) -> tuple[str, ...]: ...

    def to_dict(self) -> dict: ...

    def to_frame(self) -> pd.DataFrame: ...


class ResultMixin:
    """Defaults for the protocol: ``severity`` from the class's ``SEVERITY`` map, no notes.

    A result class declares ``SEVERITY = {verdict: severity}`` (or overrides
    ``severity``); a verdict missing from the map is ``"info"``, never an error
    box by accident. ``to_frame`` defaults to the one-row frame of the scalar
    entries of ``to_dict()``, for results that have no table of their own.
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {}
    verdict: str  # declared by each result dataclass

    @property
    def severity(self) -> Severity:
        return type(self).SEVERITY.get(self.verdict, "info")

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(getattr(self, "_notes", ()))

    def to_dict(self) -> dict:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        scalars = {k: v for k, v in self.to_dict().items() if not isinstance(v, (dict, list, tuple))}
        return pd.DataFrame([scalars])


def py_scalar(value: Any) -> Any:
    """numpy scalars -> Python scalars, so labels print and serialise plainly."""
    return value.item() if isinstance(value, np.generic) else value


def json_label(value: Any) -> Any:
    """A class label as JSON: numbers and booleans stay, anything else becomes text."""
    value = py_scalar(value)
    return value if isinstance(value, (int, float, bool)) else str(value)


def json_float(value: Any) -> float | None:
    """A float as strict JSON: NaN, infinities and None become null."""
    return None if value is None or not math.isfinite(float(value)) else float(value)
