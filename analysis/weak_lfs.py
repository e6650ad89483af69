"""Declarative labeling functions: keyword, threshold and category rules, saved as JSON.

No user code and no user-written regular expression ever runs. Keywords are
matched as literal, case-insensitive text: each is escaped with
:func:`re.escape` and the escaped keywords are joined as alternatives (one
pass over the column); the whole-word option adds "no word character
before/after" guards around them. A keyword such as ``a.b`` or ``(`` is text.

Kinds (``LabelingFunction.kind``):

* ``"keywords"``: text column contains any of ``keywords`` (phrases allowed);
* ``"above"`` / ``"below"``: numeric column ``> threshold`` / ``< threshold``;
* ``"equals"``: column equals one of ``values`` (compared as text, stripped, case-insensitive).

Each LF assigns its ``label`` where the rule holds and abstains elsewhere
(missing cells abstain).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import LFSpecError, require_column

__all__ = [
    "KINDS",
    "LabelingFunction",
    "apply_lfs",
    "check_lfs",
    "declarative_matrix",
    "lfs_from_json",
    "lfs_from_table",
    "lfs_to_json",
    "lfs_to_table",
]

KINDS: tuple[str, ...] = ("keywords", "above", "below", "equals")
FORMAT = "dataset-diagnostics/labeling-functions"
VERSION = 1
MAX_LFS = 100
MAX_TERMS = 500
MAX_TERM_CHARS = 200
MAX_JSON_BYTES = 1_000_000


@dataclass(frozen=True)
class LabelingFunction:
    """One declarative rule that votes ``label`` or abstains.

    Examples
    --------
    >>> lf = LabelingFunction("great", "keywords", "text", "positive", keywords=("great", "love it"))
    >>> lf.describe()
    "text contains any of 'great', 'love it' -> positive"
    """

    name: str
    kind: str
    column: str
    label: Any
    keywords: tuple[str, ...] = ()
    whole_word: bool = False
    threshold: float | None = None
    values: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "keywords":
            words = ", ".join(repr(k) for k in self.keywords)
            return f"{self.column} contains any of {words}{' (whole words)' if self.whole_word else ''} -> {self.label}"
        if self.kind in ("above", "below"):
            return f"{self.column} {'>' if self.kind == 'above' else '<'} {self.threshold:g} -> {self.label}"
        return f"{self.column} is one of {', '.join(repr(v) for v in self.values)} -> {self.label}"

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "column": self.column, "label": self.label}
        if self.kind == "keywords":
            out.update(keywords=list(self.keywords), whole_word=self.whole_word)
        elif self.kind in ("above", "below"):
            out["threshold"] = self.threshold
        else:
            out["values"] = list(self.values)
        return out


def _check_one(raw: Any, where: str) -> LabelingFunction:
    if not isinstance(raw, dict):
        raise LFSpecError(f"{where} must be an object with name, kind, column and label; got {type(raw).__name__}.")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TERM_CHARS:
        raise LFSpecError(f"{where} needs a non-empty 'name' (text, at most {MAX_TERM_CHARS} characters).")
    name = name.strip()
    kind = raw.get("kind")
    if kind not in KINDS:
        raise LFSpecError(f"LF '{name}': 'kind' must be one of {', '.join(KINDS)}; got {kind!r}.")
    column = raw.get("column")
    if not isinstance(column, str) or not column:
        raise LFSpecError(f"LF '{name}': 'column' must name a column.")
    label = raw.get("label")
    if isinstance(label, bool) or not isinstance(label, (str, int, float)) or (isinstance(label, str) and not label.strip()):
        raise LFSpecError(f"LF '{name}': 'label' must be a non-empty text or a number; got {label!r}.")
    if isinstance(label, str):
        label = label.strip()
    allowed = {"name", "kind", "column", "label", "keywords", "whole_word", "threshold", "values"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise LFSpecError(f"LF '{name}': unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}.")
    if kind == "keywords":
        terms = _terms(raw.get("keywords"), name, "keywords")
        whole = raw.get("whole_word", False)
        if not isinstance(whole, bool):
            raise LFSpecError(f"LF '{name}': 'whole_word' must be true or false.")
        return LabelingFunction(name, kind, column, label, keywords=terms, whole_word=whole)
    if kind in ("above", "below"):
        t = raw.get("threshold")
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
            raise LFSpecError(f"LF '{name}': 'threshold' must be a finite number; got {t!r}.")
        return LabelingFunction(name, kind, column, label, threshold=float(t))
    return LabelingFunction(name, kind, column, label, values=_terms(raw.get("values"), name, "values", numbers=True))


def _terms(raw: Any, name: str, key: str, *, numbers: bool = False) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        raise LFSpecError(f"LF '{name}': '{key}' must be a list of texts.")
    out: list[str] = []
    for term in raw:
        if numbers and isinstance(term, (int, float)) and not isinstance(term, bool):
            term = _plain(term)
        if not isinstance(term, str):
            raise LFSpecError(f"LF '{name}': every entry of '{key}' must be text; got {term!r}.")
        term = term.strip()
        if len(term) > MAX_TERM_CHARS:
            raise LFSpecError(f"LF '{name}': an entry of '{key}' is longer than {MAX_TERM_CHARS} characters.")
        if term and term not in out:
            out.append(term)
    if not out:
        raise LFSpecError(f"LF '{name}': '{key}' needs at least one non-empty entry.")
    if len(out) > MAX_TERMS:
        raise LFSpecError(f"LF '{name}': at most {MAX_TERMS} entries in '{key}'; got {len(out)}.")
    return tuple(out)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_lfs(lfs: Sequence[Any]) -> tuple[LabelingFunction, ...]:
    """Validate LF definitions (objects or dicts) and return them as :class:`LabelingFunction`.

    Raises
    ------
    LFSpecError
        Naming the LF and the field that is wrong.
    """
    if len(lfs) > MAX_LFS:
        raise LFSpecError(f"At most {MAX_LFS} labeling functions; got {len(lfs)}.")
    out = []
    for i, raw in enumerate(lfs):
        lf = _check_one(raw.to_dict() if isinstance(raw, LabelingFunction) else raw, f"Labeling function #{i + 1}")
        if any(o.name == lf.name for o in out):
            raise LFSpecError(f"Two labeling functions are named '{lf.name}'; names must be unique.")
        out.append(lf)
    return tuple(out)


def lfs_to_json(lfs: Sequence[LabelingFunction]) -> str:
    """The LF set as JSON text (validated first), to save and load later.

    Examples
    --------
    >>> text = lfs_to_json([LabelingFunction("cheap", "below", "price", "budget", threshold=10)])
    >>> lfs_from_json(text)[0].threshold
    10.0
    """
    checked = check_lfs(lfs)
    return json.dumps({"format": FORMAT, "version": VERSION, "lfs": [lf.to_dict() for lf in checked]}, indent=2)


def lfs_from_json(text: str | bytes) -> tuple[LabelingFunction, ...]:
    """Read an LF set saved by :func:`lfs_to_json` (or a bare list of LF objects), validating every field.

    Raises
    ------
    LFSpecError
        Not JSON, wrong structure, or an invalid LF (the message names it).
    """
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_JSON_BYTES:
            raise LFSpecError(f"The LF file is larger than {MAX_JSON_BYTES // 1000:,} kB; is it the right file?")
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LFSpecError("The LF file is not UTF-8 text; save it as JSON from this app.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LFSpecError(f"The LF file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None
    if isinstance(data, dict):
        if data.get("format", FORMAT) != FORMAT:
            raise LFSpecError(f"The JSON is a '{data.get('format')}' file, not a labeling-function set ({FORMAT}).")
        if data.get("version", VERSION) != VERSION:
            raise LFSpecError(f"LF file version {data.get('version')!r} is not supported (expected {VERSION}).")
        data = data.get("lfs")
    if not isinstance(data, list):
        raise LFSpecError("The LF file must hold a list of labeling functions under 'lfs'.")
    return check_lfs(data)


def apply_lfs(df: pd.DataFrame, lfs: Sequence[LabelingFunction]) -> pd.DataFrame:
    """Votes of each LF on each row: one column per LF holding its label, missing where it abstains.

    Raises
    ------
    LFSpecError, ColumnNotFoundError

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["Great phone", "awful", "greatest ever", None], "stars": [5, 1, 4, 3]})
    >>> lfs = [LabelingFunction("great", "keywords", "text", "pos", keywords=("great",), whole_word=True),
    ...        LabelingFunction("low", "below", "stars", "neg", threshold=2)]
    >>> apply_lfs(df, lfs).fillna("-").to_dict("list")
    {'great': ['pos', '-', '-', '-'], 'low': ['-', 'neg', '-', '-']}
    """
    lfs = check_lfs(lfs)
    out = {}
    for lf in lfs:
        require_column(df.columns, lf.column, role=f"column of LF '{lf.name}'")
        fired = _fires(df[lf.column], lf)
        votes = np.full(len(df), None, dtype=object)
        votes[fired] = lf.label
        out[lf.name] = votes
    return pd.DataFrame(out, index=df.index)


def _fires(column: pd.Series, lf: LabelingFunction) -> np.ndarray:
    if lf.kind == "keywords":
        text = column.astype("string")
        # Every keyword is escaped with re.escape: the pattern is an alternation of literal texts, plus
        # (whole words) "no word character before/after" guards. No user-written pattern is ever compiled.
        alternatives = "(?:" + "|".join(re.escape(k) for k in lf.keywords) + ")"
        pattern = r"(?<!\w)" + alternatives + r"(?!\w)" if lf.whole_word else alternatives
        hits = text.str.contains(pattern, case=False, regex=True)
        return hits.fillna(False).to_numpy(dtype=bool)
    if lf.kind in ("above", "below"):
        numbers = pd.to_numeric(column, errors="coerce")
        if column.notna().any() and numbers.notna().sum() == 0:
            raise LFSpecError(
                f"LF '{lf.name}': column '{lf.column}' has no numeric values, so '{lf.kind}' cannot compare it "
                "to a threshold. Use a numeric column, or 'equals' for categories."
            )
        values = numbers.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            return values > lf.threshold if lf.kind == "above" else values < lf.threshold
    wanted = {v.casefold() for v in lf.values}
    texts = column.map(lambda v: None if pd.isna(v) else _plain(v).casefold(), na_action="ignore")
    return texts.isin(wanted).to_numpy(dtype=bool)


def declarative_matrix(
    df: pd.DataFrame,
    *,
    lfs: Sequence[LabelingFunction],
    labels: Sequence[Any] | None = None,
    gold: str | None = None,
    allow_silent: bool = True,
):
    """Apply declarative LFs to ``df`` and encode their votes as an :class:`analysis.weak.LFMatrix`.

    Abstains are ``None`` (written as empty cells). LFs that match no row are
    allowed by default (reported in ``silent``): while LFs are being written,
    one that fires nowhere is a hint, not an error.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["love it", "hate it", "ok"], "y": ["pos", None, None]})
    >>> lfs = [LabelingFunction("love", "keywords", "text", "pos", keywords=("love",)),
    ...        LabelingFunction("hate", "keywords", "text", "neg", keywords=("hate",))]
    >>> m = declarative_matrix(df, lfs=lfs, gold="y")
    >>> m.labels, m.votes.tolist(), m.abstain
    (('neg', 'pos'), [[1, -1], [-1, 0], [-1, -1]], None)
    """
    from .weak import _encode

    checked = check_lfs(lfs)
    if not checked:
        raise LFSpecError("Define at least one labeling function.")
    if gold is not None:
        require_column(df.columns, gold, role="gold label column")
    votes = apply_lfs(df, checked)
    return _encode(
        {lf.name: votes[lf.name] for lf in checked},
        abstain=None,
        gold=None if gold is None else df[gold],
        gold_column=gold,
        labels=labels,
        allow_silent=allow_silent,
    )


#: Columns of the editable LF table (see :func:`lfs_to_table`).
TABLE_COLUMNS: tuple[str, ...] = ("name", "kind", "column", "label", "terms", "whole_word", "threshold")


def lfs_to_table(lfs: Sequence[LabelingFunction]) -> pd.DataFrame:
    """One row per LF, for an editable table: keywords/values joined by ", " in ``terms``.

    Examples
    --------
    >>> lfs_to_table([LabelingFunction("big", "above", "amount", "fraud", threshold=100)]).to_dict("records")
    [{'name': 'big', 'kind': 'above', 'column': 'amount', 'label': 'fraud', 'terms': '', 'whole_word': False, 'threshold': 100.0}]
    """
    rows = [
        {
            "name": lf.name,
            "kind": lf.kind,
            "column": lf.column,
            "label": str(lf.label),
            "terms": ", ".join(lf.keywords or lf.values),
            "whole_word": lf.whole_word,
            "threshold": lf.threshold if lf.threshold is not None else np.nan,
        }
        for lf in check_lfs(lfs)
    ]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def lfs_from_table(table: pd.DataFrame) -> tuple[LabelingFunction, ...]:
    """Read back an edited LF table (rows left entirely empty are skipped); every row is validated.

    Raises
    ------
    LFSpecError
        Naming the LF (or row) and the field that is wrong.

    Examples
    --------
    >>> t = lfs_to_table([LabelingFunction("kw", "keywords", "text", "pos", keywords=("good",))])
    >>> t.loc[0, "terms"] = "good, great"
    >>> lfs_from_table(t)[0].keywords
    ('good', 'great')
    """
    specs = []
    for _, row in table.iterrows():
        values = {c: row.get(c) for c in TABLE_COLUMNS}
        if all(v is None or (isinstance(v, float) and math.isnan(v)) or v == "" for k, v in values.items() if k != "whole_word"):
            continue
        spec: dict[str, Any] = {
            "name": values["name"] if isinstance(values["name"], str) else "",
            "kind": values["kind"],
            "column": values["column"],
            "label": values["label"] if not (isinstance(values["label"], float) and math.isnan(values["label"])) else None,
        }
        terms = values["terms"] if isinstance(values["terms"], str) else ""
        if spec["kind"] == "keywords":
            spec.update(keywords=[t for t in terms.split(",")], whole_word=bool(values["whole_word"]))
        elif spec["kind"] in ("above", "below"):
            t = values["threshold"]
            spec["threshold"] = float(t) if isinstance(t, (int, float, np.number)) and not isinstance(t, bool) else t
        else:
            spec["values"] = [t for t in terms.split(",")]
        specs.append(spec)
    return check_lfs(specs)
