r"""The built-in LF kinds, one class each, registered in :data:`~analysis.weak.lf.LF_KINDS`.

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

Each kind also writes its rule as a portable narwhals expression (``vote_expr``) that
DuckDB and Spark evaluate (:mod:`analysis.engines.weak`). Where an engine cannot
decide exactly as pandas does, the kind refuses the LF there by name
(:class:`~analysis.errors.LFNotPortableError`) rather than guess:

* ``keywords``: a text (or categorical) column, lower-cased on both sides, keywords
  matched as literal text (ASCII punctuation backslash-escaped, which RE2 and Java
  regexes read as literals); whole words guard with "no letter, digit or underscore"
  (``[^\pL\pN_]``, what Python's ``\w`` is), since RE2 has no look-behind;
* ``above``/``below``: a numeric or boolean column (NaN never fires; DuckDB and Spark
  order NaN above every number); a text column is refused (pandas would parse it);
* ``equals``: text compared trimmed and lower-cased (pandas casefolds: they differ only
  on a few letters such as "ß", which match either way here); numbers and booleans
  compared as the numbers the values spell in pandas' canonical text ("3" matches 3 and
  3.0, "3.0" matches nothing, as in pandas); other column types are refused.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LFNotPortableError, LFSpecError
from .lf import LF_KINDS, LabelingFunction, LFKind, check_terms, plain_text

__all__ = ["Above", "Below", "Equals", "Keywords", "portable_literal"]


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

    def vote_expr(self, column: Any, dtype: Any, lf: LabelingFunction) -> Any:
        import narwhals as nw

        if not isinstance(dtype, (nw.String, nw.Categorical, nw.Enum)):
            raise LFNotPortableError(
                f"LF '{lf.name}': keywords need a text column on DuckDB/Spark; '{lf.column}' is {dtype}. "
                "Use --engine pandas, or an 'equals'/'above'/'below' LF."
            )
        alternatives = "(?:" + "|".join(portable_literal(k.lower()) for k in lf.keywords) + ")"
        guard = r"[^\pL\pN_]"
        pattern = f"(?:^|{guard}){alternatives}(?:{guard}|$)" if lf.whole_word else alternatives
        return column.cast(nw.String).str.to_lowercase().str.contains(pattern)


def portable_literal(text: str) -> str:
    r"""``text`` as a regular expression matching it literally in RE2 (DuckDB) and Java (Spark) alike.

    ASCII punctuation is backslash-escaped (both read ``\`` + punctuation as that character); letters,
    digits, spaces and non-ASCII characters are not special in either.

    >>> print(portable_literal("a.b (c)*"))
    a\.b \(c\)\*
    """
    return "".join("\\" + ch if ch.isascii() and not ch.isalnum() and not ch.isspace() else ch for ch in text)




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

    def vote_expr(self, column: Any, dtype: Any, lf: LabelingFunction) -> Any:
        import narwhals as nw

        if not (dtype.is_numeric() or isinstance(dtype, nw.Boolean)):
            raise LFNotPortableError(
                f"LF '{lf.name}': '{lf.kind}' needs a numeric column on DuckDB/Spark; '{lf.column}' is {dtype} "
                "(pandas would parse its text as numbers: use --engine pandas)."
            )
        values = column.cast(nw.Float64)
        # NaN never fires (pandas compares NaN as False; DuckDB and Spark order NaN above every number).
        return self.compare(values, float(lf.threshold)) & ~values.is_nan()  # type: ignore[arg-type]




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

    def vote_expr(self, column: Any, dtype: Any, lf: LabelingFunction) -> Any:
        import narwhals as nw

        wanted = [v.casefold() for v in lf.values]
        if isinstance(dtype, (nw.String, nw.Categorical, nw.Enum)):
            forms = sorted(set(wanted) | {v.lower() for v in lf.values})
            return column.cast(nw.String).str.strip_chars().str.to_lowercase().is_in(forms)
        if isinstance(dtype, nw.Boolean):
            hits = [b for b in (True, False) if plain_text(b).casefold() in wanted]
            return column.is_in(hits) if hits else column.is_null() & column.is_not_null()
        if dtype.is_integer():
            ints = [int(v) for v in wanted if v.lstrip("-").isdigit() and v.lstrip("-").isascii() and str(int(v)) == v]
            return column.is_in(ints) if ints else column.is_null() & column.is_not_null()
        if dtype.is_float():
            numbers = []
            for v in wanted:
                try:
                    f = float(v)
                except ValueError:
                    continue
                if not math.isnan(f) and plain_text(f).casefold() == v:
                    numbers.append(f)
            values = column.cast(nw.Float64)
            return values.is_in(numbers) & ~values.is_nan() if numbers else column.is_null() & column.is_not_null()
        raise LFNotPortableError(
            f"LF '{lf.name}': 'equals' compares text, numbers or booleans on DuckDB/Spark; '{lf.column}' is {dtype}. "
            "Use --engine pandas."
        )




for _kind in (Keywords(), Above(), Below(), Equals()):
    LF_KINDS.register(_kind)
