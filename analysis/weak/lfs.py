"""Sets of declarative labeling functions: validation, applying them, JSON and the editable table.

An :class:`LFSet` is a frozen, hashable, validated collection of
:class:`~analysis.weak.lf.LabelingFunction`, saved and loaded as JSON; the
dashboard passes it straight to its cached wrappers. The kinds themselves
live in :mod:`analysis.weak.kinds`.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import LFSpecError, require_column
from ..intake.frames import takes_table
from .lf import INPUTS, LF_KINDS, MAX_TERM_CHARS, PARAMETERS, LabelingFunction
from .matrix import LFMatrix, encode_votes

__all__ = [
    "FORMAT",
    "MAX_LFS",
    "TABLE_COLUMNS",
    "LFSet",
    "apply_lfs",
    "check_lfs",
    "declarative_matrix",
    "lf_from_inputs",
    "lfs_from_json",
    "read_lf_file",
    "lfs_from_table",
    "lfs_to_json",
    "lfs_to_table",
]

FORMAT = "dataset-diagnostics/labeling-functions"
VERSION = 1
MAX_LFS = 100
MAX_JSON_BYTES = 1_000_000
MAX_JSON_DEPTH = 20  # an LF set is a list of flat objects: 4 levels would do
MAX_JSON_DIGITS = 30  # integers longer than this are not thresholds, and int() of 5,000 digits refuses
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*+"|[\[\]{}"]', re.DOTALL)
_COMMON = ("name", "kind", "column", "label")


def _check_one(raw: Any, where: str) -> LabelingFunction:
    if not isinstance(raw, dict):
        raise LFSpecError(f"{where} must be an object with name, kind, column and label; got {type(raw).__name__}.")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TERM_CHARS:
        raise LFSpecError(f"{where} needs a non-empty 'name' (text, at most {MAX_TERM_CHARS} characters).")
    name = name.strip()
    kind = raw.get("kind")
    try:
        rule = LF_KINDS[kind if isinstance(kind, str) else ""]
    except LFSpecError as exc:
        raise LFSpecError(
            f"LF '{name}': 'kind' must be one of {', '.join(exc.available or ())}; got {kind!r}.",
            available=exc.available,
        ) from None
    column = raw.get("column")
    if not isinstance(column, str) or not column:
        raise LFSpecError(f"LF '{name}': 'column' must name a column.")
    label = raw.get("label")
    if isinstance(label, bool) or not isinstance(label, (str, int, float)) or (isinstance(label, str) and not label.strip()):
        raise LFSpecError(f"LF '{name}': 'label' must be a non-empty text or a number; got {label!r}.")
    if isinstance(label, str):
        label = label.strip()
    allowed = set(_COMMON) | set(PARAMETERS)
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise LFSpecError(f"LF '{name}': unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}.")
    return LabelingFunction(name, rule.name, column, label, **rule.from_dict(raw, name))


def check_lfs(lfs: Sequence[Any]) -> tuple[LabelingFunction, ...]:
    """Validate LF definitions (objects or dicts) and return them as :class:`LabelingFunction`.

    Raises
    ------
    LFSpecError
        Naming the LF and the field that is wrong.
    """
    if len(lfs) > MAX_LFS:
        raise LFSpecError(f"At most {MAX_LFS} labeling functions; got {len(lfs)}.")
    out: list[LabelingFunction] = []
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


def read_lf_file(path: str | os.PathLike) -> bytes:
    """The bytes of an LF file, reading at most :data:`MAX_JSON_BYTES` + 1 of them.

    The limit is on what is actually read, not on the size the file reports:
    a device or a pipe (``/dev/zero``, a FIFO) reports 0 bytes and never ends.

    Raises
    ------
    LFSpecError
        The file holds more than :data:`MAX_JSON_BYTES` bytes.
    """
    with open(path, "rb") as handle:
        data = handle.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise LFSpecError(f"The LF file '{os.fspath(path)}' is larger than {MAX_JSON_BYTES // 1000:,} kB; is it the right file?")
    return data


def _refuse_deep_nesting(raw: bytes) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH` before json.loads recurses into it.

    One left-to-right pass over strings and brackets (strings are skipped whole, so a bracket
    inside a name does not count); it stops at the first sign of invalid JSON, which json.loads
    then reports with its position.
    """
    depth = 0
    for match in _JSON_TOKEN.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise LFSpecError(
                    f"The LF file nests lists or objects more than {MAX_JSON_DEPTH} levels deep; an LF set is a "
                    "list of flat objects. Save it from this app or with lfs_to_json."
                )
        elif token in (b"]", b"}"):
            depth -= 1
            if depth < 0:
                return
        elif token == b'"':  # a string that never ends
            return


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_DIGITS:
        raise LFSpecError(f"The LF file holds a {len(text.lstrip('-')):,}-digit integer; numbers in an LF set have "
                          f"at most {MAX_JSON_DIGITS} digits.")
    return int(text)


def _refuse_constant(text: str) -> float:
    raise LFSpecError(f"The LF file holds {text}, which is not a JSON number; use a finite number.")


def lfs_from_json(text: str | bytes) -> tuple[LabelingFunction, ...]:
    """Read an LF set saved by :func:`lfs_to_json` (or a bare list of LF objects), validating every field.

    Hostile files are answered with a message: more than :data:`MAX_JSON_BYTES`
    bytes, nesting deeper than :data:`MAX_JSON_DEPTH`, integers longer than
    :data:`MAX_JSON_DIGITS` digits, ``NaN``/``Infinity``.

    Raises
    ------
    LFSpecError
        Not JSON, wrong structure, too large or too deep, or an invalid LF (the message names it).
    """
    raw = bytes(text) if isinstance(text, (bytes, bytearray)) else text.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_JSON_BYTES:
        raise LFSpecError(f"The LF file is larger than {MAX_JSON_BYTES // 1000:,} kB; is it the right file?")
    _refuse_deep_nesting(raw)
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LFSpecError("The LF file is not UTF-8 text; save it as JSON from this app.") from None
    try:
        data = json.loads(text, parse_int=_parse_int, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise LFSpecError(f"The LF file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None
    except RecursionError:  # pragma: no cover - _refuse_deep_nesting stops this first
        raise LFSpecError(f"The LF file nests more than {MAX_JSON_DEPTH} levels deep.") from None
    if isinstance(data, dict):
        if data.get("format", FORMAT) != FORMAT:
            raise LFSpecError(f"The JSON is a '{data.get('format')}' file, not a labeling-function set ({FORMAT}).")
        if data.get("version", VERSION) != VERSION:
            raise LFSpecError(f"LF file version {data.get('version')!r} is not supported (expected {VERSION}).")
        data = data.get("lfs")
    if not isinstance(data, list):
        raise LFSpecError("The LF file must hold a list of labeling functions under 'lfs'.")
    return check_lfs(data)


@takes_table("df")
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
        require_column(list(df.columns), lf.column, role=f"column of LF '{lf.name}'")
        fired = lf.rule.apply(df[lf.column], lf)
        votes = np.full(len(df), None, dtype=object)
        votes[fired] = lf.label
        out[lf.name] = votes
    return pd.DataFrame(out, index=df.index)


def declarative_matrix(
    df: pd.DataFrame,
    *,
    lfs: Sequence[LabelingFunction],
    labels: Sequence[Any] | None = None,
    gold: str | None = None,
    allow_silent: bool = True,
) -> LFMatrix:
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
    checked = check_lfs(lfs)
    if not checked:
        raise LFSpecError("Define at least one labeling function.")
    if gold is not None:
        require_column(list(df.columns), gold, role="gold label column")
    votes = apply_lfs(df, checked)
    return encode_votes(
        {lf.name: votes[lf.name] for lf in checked},
        abstain=None,
        gold=None if gold is None else df[gold],
        gold_column=gold,
        labels=labels,
        allow_silent=allow_silent,
    )


@dataclass(frozen=True)
class LFSet:
    """A validated, hashable set of declarative LFs (the settings of the page's "build" mode).

    Examples
    --------
    >>> s = LFSet.of([{"name": "big", "kind": "above", "column": "amount", "label": "fraud", "threshold": 100}])
    >>> s.names, LFSet.from_json(s.to_json()) == s
    (('big',), True)
    """

    lfs: tuple[LabelingFunction, ...] = ()
    mode: ClassVar[str] = "build"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lfs", check_lfs(self.lfs))

    @classmethod
    def of(cls, lfs: Sequence[Any]) -> LFSet:
        """From LF objects or their dicts (validated)."""
        return cls(tuple(lfs))

    @classmethod
    def from_json(cls, text: str | bytes) -> LFSet:
        return cls(lfs_from_json(text))

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> LFSet:
        """Read an LF file with a limit on the bytes read (see :func:`read_lf_file`)."""
        return cls(lfs_from_json(read_lf_file(path)))

    def to_json(self) -> str:
        return lfs_to_json(self.lfs)

    def to_dicts(self) -> list[dict]:
        return [lf.to_dict() for lf in self.lfs]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(lf.name for lf in self.lfs)

    def __iter__(self) -> Iterator[LabelingFunction]:
        return iter(self.lfs)

    def __len__(self) -> int:
        return len(self.lfs)

    def matrix(self, df: pd.DataFrame, *, labels: Sequence[Any] | None = None, gold: str | None = None) -> LFMatrix:
        """Apply the LFs and encode their votes (see :func:`declarative_matrix`)."""
        return declarative_matrix(df, lfs=self.lfs, labels=labels, gold=gold)


#: Columns of the editable LF table (see :func:`lfs_to_table`).
TABLE_COLUMNS: tuple[str, ...] = ("name", "kind", "column", "label", *INPUTS)


def lf_from_inputs(*, name: Any, kind: Any, column: Any, label: Any, terms: Any = "", whole_word: Any = False,
                   threshold: Any = None) -> dict:
    """An LF object (to be checked) from the page's form or a table row: the kind maps the inputs to its fields."""
    spec: dict[str, Any] = {"name": name, "kind": kind, "column": column, "label": label}
    if isinstance(kind, str) and kind in LF_KINDS.names():
        spec.update(LF_KINDS[kind].from_inputs(terms=terms if isinstance(terms, str) else "", whole_word=whole_word, threshold=threshold))
    return spec


def lfs_to_table(lfs: Sequence[LabelingFunction]) -> pd.DataFrame:
    """One row per LF, for an editable table: keywords/values joined by ", " in ``terms``.

    Examples
    --------
    >>> lfs_to_table([LabelingFunction("big", "above", "amount", "fraud", threshold=100)]).to_dict("records")
    [{'name': 'big', 'kind': 'above', 'column': 'amount', 'label': 'fraud', 'terms': '', 'whole_word': False, 'threshold': 100.0}]
    """
    rows = [
        {"name": lf.name, "kind": lf.kind, "column": lf.column, "label": str(lf.label), **lf.rule.to_inputs(lf)}
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
        label = values["label"]
        specs.append(
            lf_from_inputs(
                name=values["name"] if isinstance(values["name"], str) else "",
                kind=values["kind"],
                column=values["column"],
                label=None if isinstance(label, float) and math.isnan(label) else label,
                terms=values["terms"],
                whole_word=values["whole_word"],
                threshold=values["threshold"],
            )
        )
    return check_lfs(specs)
