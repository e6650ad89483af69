"""Template synthesis: labelled text rows from templates with ``{slot}`` names and value lists per slot.

A template such as ``"I want to {action} my {item}"`` with label ``refund`` and
the value lists ``action = [return, send back]``, ``item = [order, shoes, bag]``
gives 2 x 3 = 6 rows. Substitution is done by a small parser of this module
(``{name}`` is a slot, ``{{`` and ``}}`` are literal braces): no ``str.format``
(whose ``{0.__class__}`` fields reach into objects), no user code and no
regular expression from the user is ever run.

The spec, as a dict or a JSON file::

    {"column": "text",                         # optional: the text column the rows fill
     "templates": [{"template": "I want to {action} my {item}", "label": "refund"}],
     "slots": {"action": ["return", "send back"], "item": ["order", "shoes", "bag"]}}
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import TemplateError

__all__ = ["MAX_TEMPLATE_ROWS", "Template", "TemplateSet", "labels_outside", "load_templates", "parse_template",
           "synthesize"]

#: The most rows template synthesis makes (all combinations or a sample): beyond it, sample fewer.
MAX_TEMPLATE_ROWS = 100_000
_NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_NAME_REST = _NAME_START + "0123456789"


def parse_template(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a template into literal pieces and slot names: ``pieces[0] + v0 + pieces[1] + v1 + ...``.

    Raises
    ------
    TemplateError
        For an unclosed ``{``, a lone ``}``, or a slot name that is not a word
        (letters, digits, underscore; not starting with a digit).

    Examples
    --------
    >>> parse_template("I want to {action} my {item}")
    (('I want to ', ' my ', ''), ('action', 'item'))
    >>> parse_template("{{literal}} braces")
    (('{literal} braces',), ())
    """
    pieces: list[str] = []
    slots: list[str] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "{" and i + 1 < n and text[i + 1] == "{":
            buf.append("{")
            i += 2
        elif ch == "}" and i + 1 < n and text[i + 1] == "}":
            buf.append("}")
            i += 2
        elif ch == "{":
            end = text.find("}", i + 1)
            if end < 0:
                raise TemplateError(f"Template {text!r} opens '{{' at character {i + 1} without closing it. "
                                    "Write {{ for a literal brace.")
            name = text[i + 1:end].strip()
            if not name or name[0] not in _NAME_START or any(c not in _NAME_REST for c in name):
                raise TemplateError(f"Template {text!r} has the slot {{{text[i + 1:end]}}}: a slot name is a word "
                                    "(letters, digits, _; not starting with a digit).")
            pieces.append("".join(buf))
            buf = []
            slots.append(name)
            i = end + 1
        elif ch == "}":
            raise TemplateError(f"Template {text!r} has a lone '}}' at character {i + 1}. Write }}}} for a literal brace.")
        else:
            buf.append(ch)
            i += 1
    pieces.append("".join(buf))
    return tuple(pieces), tuple(slots)


@dataclass(frozen=True)
class Template:
    """One template and the label of every row it makes."""

    text: str
    label: Any

    @property
    def slots(self) -> tuple[str, ...]:
        """The distinct slot names, in order of first appearance (a repeated slot takes one value)."""
        return tuple(dict.fromkeys(parse_template(self.text)[1]))


@dataclass(frozen=True)
class TemplateSet:
    """Templates, value lists per slot and the text column they fill: frozen and hashable (a cache key).

    Build it with :meth:`from_dict` / :func:`load_templates` (which check it).

    Examples
    --------
    >>> ts = TemplateSet.from_dict({"templates": [{"template": "I want to {action} my {item}", "label": "refund"}],
    ...                             "slots": {"action": ["return", "send back"], "item": ["order", "shoes", "bag"]}})
    >>> ts.n_combinations, synthesize(ts).iloc[0].tolist()
    (6, ['I want to return my order', 'refund'])
    """

    templates: tuple[Template, ...]
    slots: tuple[tuple[str, tuple[str, ...]], ...]
    column: str | None = None

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> TemplateSet:
        """Check a spec (see the module doc) and build the set."""
        if not isinstance(spec, Mapping):
            raise TemplateError(f"Templates must be a JSON object with 'templates' and 'slots'; got {type(spec).__name__}.")
        unknown_keys = set(spec) - {"templates", "slots", "column"}
        if unknown_keys:
            raise TemplateError(f"Unknown key(s) in the templates: {', '.join(sorted(map(str, unknown_keys)))}. "
                                "Use 'templates', 'slots' and optionally 'column'.")
        raw_templates = spec.get("templates")
        if not isinstance(raw_templates, Sequence) or isinstance(raw_templates, str) or not raw_templates:
            raise TemplateError("'templates' must be a non-empty list of {\"template\": ..., \"label\": ...} objects.")
        templates = []
        for k, t in enumerate(raw_templates, start=1):
            if not isinstance(t, Mapping) or "template" not in t or "label" not in t:
                raise TemplateError(f"Template {k} must be an object with 'template' and 'label'; got {t!r}.")
            if not isinstance(t["template"], str) or not t["template"].strip():
                raise TemplateError(f"Template {k} has no text; give a sentence such as \"I want to {{action}} my {{item}}\".")
            if t["label"] is None or (isinstance(t["label"], str) and not t["label"].strip()):
                raise TemplateError(f"Template {k} ({t['template']!r}) has no label.")
            templates.append(Template(t["template"], t["label"]))
        raw_slots = spec.get("slots", {}) or {}
        if not isinstance(raw_slots, Mapping):
            raise TemplateError("'slots' must map each slot name to a list of values.")
        slots = []
        for name, values in raw_slots.items():
            if isinstance(values, str) or not isinstance(values, Sequence):
                raise TemplateError(f"The slot {name!r} must have a list of values; got {values!r}.")
            cleaned = tuple(str(v) for v in values if v is not None and str(v) != "")
            if not cleaned:
                raise TemplateError(f"The slot {name!r} has an empty value list; give it at least one value.")
            slots.append((str(name), cleaned))
        column = spec.get("column")
        out = cls(tuple(templates), tuple(slots), None if column in (None, "") else str(column))
        out.check()
        return out

    @property
    def slot_values(self) -> dict[str, tuple[str, ...]]:
        return dict(self.slots)

    def check(self) -> None:
        """Every slot of every template has a non-empty value list; the total is within the limit."""
        values = self.slot_values
        for t in self.templates:
            missing = [s for s in t.slots if s not in values]
            if missing:
                raise TemplateError(
                    f"Template {t.text!r} uses the slot(s) {', '.join('{' + s + '}' for s in missing)}, which have no "
                    f"value list. Defined slots: {', '.join(values) or 'none'}."
                )
            empty = [s for s in t.slots if not values[s]]
            if empty:
                raise TemplateError(f"The slot {empty[0]!r} has an empty value list; give it at least one value.")
        if self.n_combinations > MAX_TEMPLATE_ROWS:
            raise TemplateError(
                f"The templates make {self.n_combinations:,} combinations; at most {MAX_TEMPLATE_ROWS:,} rows can be "
                "made. Sample a number of rows instead, or shorten the value lists."
            )

    def sizes(self) -> list[int]:
        """Rows each template makes: the product of its slots' value-list sizes."""
        values = self.slot_values
        return [math.prod(len(values[s]) for s in t.slots) for t in self.templates]

    @property
    def n_combinations(self) -> int:
        values = self.slot_values
        return sum(math.prod(len(values.get(s, ())) for s in t.slots) for t in self.templates)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"templates": [{"template": t.text, "label": t.label} for t in self.templates],
                               "slots": {k: list(v) for k, v in self.slots}}
        if self.column is not None:
            out["column"] = self.column
        return out


def load_templates(source: str | Path | bytes | Mapping[str, Any]) -> TemplateSet:
    """A :class:`TemplateSet` from a dict, JSON text/bytes, or a path to a JSON file.

    Raises
    ------
    TemplateError
        For unreadable JSON or a bad spec (the message says what to fix).
    """
    if isinstance(source, Mapping):
        return TemplateSet.from_dict(source)
    if isinstance(source, Path):
        text = source.read_text(encoding="utf-8")
    elif isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TemplateError("The templates file is not UTF-8 text.") from None
    else:
        text = source
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(f"The templates are not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    return TemplateSet.from_dict(spec)


def _fill(text: str, values: Mapping[str, str]) -> str:
    pieces, slots = parse_template(text)
    out = [pieces[0]]
    for name, piece in zip(slots, pieces[1:], strict=True):
        out.append(values[name])
        out.append(piece)
    return "".join(out)


def _combination(ts: TemplateSet, index: int, sizes: list[int]) -> tuple[str, Any]:
    """The ``index``-th row of the full enumeration (templates in order; last slot varies fastest)."""
    values = ts.slot_values
    for t, size in zip(ts.templates, sizes, strict=True):
        if index < size:
            chosen: dict[str, str] = {}
            for name in reversed(t.slots):
                index, k = divmod(index, len(values[name]))
                chosen[name] = values[name][k]
            return _fill(t.text, chosen), t.label
        index -= size
    raise IndexError(index)


def iter_rows(ts: TemplateSet) -> Iterator[tuple[str, Any]]:
    """Every combination, in order: (text, label)."""
    sizes = ts.sizes()
    for i in range(sum(sizes)):
        yield _combination(ts, i, sizes)


def synthesize(ts: TemplateSet, *, n: int | None = None, seed: int = 0) -> pd.DataFrame:
    """The rows of a template set: columns ``text`` and ``label``.

    Parameters
    ----------
    n : int, optional
        ``None``: every combination (exactly the sum over templates of the
        product of their slot sizes). Otherwise a sample of ``n`` distinct
        combinations without replacement (all of them, in order, when ``n`` is
        at least their number), seeded by ``seed``, in enumeration order.
    """
    ts.check()
    sizes = ts.sizes()
    total = sum(sizes)
    if n is not None:
        if not (isinstance(n, (int, np.integer)) and n >= 1):
            raise TemplateError(f"The number of rows to sample must be a whole number of at least 1; got {n!r}.")
        if n < total:
            idx = np.sort(np.random.default_rng(seed).choice(total, size=int(n), replace=False))
            rows = [_combination(ts, int(i), sizes) for i in idx]
            return pd.DataFrame(rows, columns=["text", "label"])
    return pd.DataFrame(list(iter_rows(ts)), columns=["text", "label"])


def labels_outside(ts: TemplateSet, target: pd.Series) -> list[str]:
    """Template labels that are not values of the target column (compared as text): their rows are left out.

    >>> ts = TemplateSet.from_dict({"templates": [{"template": "a", "label": "x"}, {"template": "b", "label": 1}]})
    >>> labels_outside(ts, pd.Series([1, 2, None]))
    ['x']
    """
    present = {label_key(v) for v in target.dropna().unique()}
    return sorted({str(t.label) for t in ts.templates if label_key(t.label) not in present})


def label_key(value: Any) -> str:
    """A label as text for matching template labels to classes: ``1``, ``1.0`` and ``"1"`` are one key.

    >>> label_key(1.0), label_key("1"), label_key("yes"), label_key(True)
    ('1', '1', 'yes', 'True')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isfinite(number) and number == int(number):
        return str(int(number))
    return str(number) if math.isfinite(number) else str(value)
