"""The result protocol's defaults and the shared JSON helpers."""

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from analysis.results import SEVERITIES, Result, ResultMixin, Severity, json_float, json_label, py_scalar


@dataclass(frozen=True)
class _Toy(ResultMixin):
    verdict: str
    verdict_text: str
    score: float = 0.5

    SEVERITY: ClassVar[dict[str, Severity]] = {"fine": "ok", "bad": "critical"}

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "score": self.score, "parts": [1, 2]}


def test_severity_comes_from_the_map_and_an_unmapped_verdict_is_info():
    assert _Toy("fine", "").severity == "ok"
    assert _Toy("bad", "").severity == "critical"
    assert _Toy("something new", "").severity == "info"  # never an error box by accident
    assert set(_Toy.SEVERITY.values()) <= set(SEVERITIES)


def test_mixin_defaults_notes_and_a_one_row_frame_of_the_scalars():
    toy = _Toy("fine", "All good.")
    assert toy.notes == ()
    assert isinstance(toy, Result)
    pd.testing.assert_frame_equal(toy.to_frame(), pd.DataFrame([{"verdict": "fine", "score": 0.5}]))


def test_json_helpers():
    assert py_scalar(np.int64(3)) == 3 and type(py_scalar(np.int64(3))) is int
    assert json_label(np.int64(1)) == 1 and json_label(True) is True and json_label(("a", 1)) == "('a', 1)"
    assert json_float(math.nan) is None and json_float(math.inf) is None and json_float(None) is None
    assert json_float(np.float32(0.5)) == 0.5
