"""The built-in LF kinds, one class each, registered in :data:`~analysis.weak.lf.LF_KINDS`.

* ``"keywords"``: text column contains any of ``keywords`` (phrases allowed);
* ``"above"`` / ``"below"``: numeric column ``> threshold`` / ``< threshold``;
* ``"equals"``: column equals one of ``values`` (compared as text, stripped, case-insensitive).

Each LF assigns its ``label`` where the rule holds and abstains elsewhere
(missing cells abstain). Keywords are matched as literal, case-insensitive
text: each is escaped with :func:`re.escape` and the escaped keywords are
joined as alternatives (one pass over the column); the whole-word option adds
"no word character before/after" guards around them. A keyword such as
``a.b`` or ``(`` is text. No user code and no user-written pattern ever runs.

To add a kind, write one more class here (or in any module imported by
:mod:`analysis.weak`) and register an instance; see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LFSpecError
from .lf import LF_KINDS, LabelingFunction, LFKind, check_terms, plain_text

__all__ = ["Above", "Below", "Equals", "Keywords"]


class Keywords(LFKind):
    name = "keywords"
    title = "Text contains any of these keywords"
    fields = ("keywords", "whole_word")

    def from_dict(self, raw: dict, lf_name: str) -> dict[str, Any]:
        terms = check_terms(raw.get("keywords"), lf_name, "keywords")
        whole = raw.get("whole_word", False)
        if not isinstance(whole, bool):
            raise LFSpecError(f"LF '{lf_name}': 'whole_word' must be true or false.")
        return {"keywords": terms, "whole_word": whole}

    def describe(self, lf: LabelingFunction) -> str:
        words = ", ".join(repr(k) for k in lf.keywords)
        return f"{lf.column} contains any of {words}{' (whole words)' if lf.whole_word else ''} -> {lf.label}"

    def apply(self, column: pd.Series, lf: LabelingFunction) -> np.ndarray:
        text = column.astype("string")
        # Every keyword is escaped with re.escape: the pattern is an alternation of literal texts, plus
        # (whole words) "no word character before/after" guards. No user-written pattern is ever compiled.
        alternatives = "(?:" + "|".join(re.escape(k) for k in lf.keywords) + ")"
        pattern = r"(?<!\w)" + alternatives + r"(?!\w)" if lf.whole_word else alternatives
        hits = text.str.contains(pattern, case=False, regex=True)
        return hits.fillna(False).to_numpy(dtype=bool)




class _Threshold(LFKind):
    """A numeric column compared strictly with a threshold."""

    fields = ("threshold",)
    symbol = ">"

    def compare(self, values: np.ndarray, threshold: float) -> np.ndarray:
        raise NotImplementedError

    def from_dict(self, raw: dict, lf_name: str) -> dict[str, Any]:
        t = raw.get("threshold")
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
            raise LFSpecError(f"LF '{lf_name}': 'threshold' must be a finite number; got {t!r}.")
        return {"threshold": float(t)}

    def describe(self, lf: LabelingFunction) -> str:
        return f"{lf.column} {self.symbol} {lf.threshold:g} -> {lf.label}"

    def apply(self, column: pd.Series, lf: LabelingFunction) -> np.ndarray:
        numbers = pd.to_numeric(column, errors="coerce")
        if column.notna().any() and numbers.notna().sum() == 0:
            raise LFSpecError(
                f"LF '{lf.name}': column '{lf.column}' has no numeric values, so '{lf.kind}' cannot compare it "
                "to a threshold. Use a numeric column, or 'equals' for categories."
            )
        values = numbers.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            return self.compare(values, float(lf.threshold))  # type: ignore[arg-type]




class Above(_Threshold):
    name = "above"
    title = "Number is above a threshold"
    symbol = ">"

    def compare(self, values: np.ndarray, threshold: float) -> np.ndarray:
        return values > threshold


class Below(_Threshold):
    name = "below"
    title = "Number is below a threshold"
    symbol = "<"

    def compare(self, values: np.ndarray, threshold: float) -> np.ndarray:
        return values < threshold


class Equals(LFKind):
    name = "equals"
    title = "Value is one of these"
    fields = ("values",)

    def from_dict(self, raw: dict, lf_name: str) -> dict[str, Any]:
        return {"values": check_terms(raw.get("values"), lf_name, "values", numbers=True)}

    def describe(self, lf: LabelingFunction) -> str:
        return f"{lf.column} is one of {', '.join(repr(v) for v in lf.values)} -> {lf.label}"

    def apply(self, column: pd.Series, lf: LabelingFunction) -> np.ndarray:
        wanted = {v.casefold() for v in lf.values}
        texts = column.map(lambda v: None if pd.isna(v) else plain_text(v).casefold(), na_action="ignore")
        return texts.isin(wanted).to_numpy(dtype=bool)




for _kind in (Keywords(), Above(), Below(), Equals()):
    LF_KINDS.register(_kind)
