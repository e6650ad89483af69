"""One declarative labeling function and the registry of LF kinds.

A :class:`LabelingFunction` is a plain, hashable value: a name, a kind, the
column it reads, the label it votes, and the parameters its kind uses. What a
kind *means* lives in one :class:`LFKind` class per kind (registered by name
in :data:`LF_KINDS`, see :mod:`analysis.weak.kinds`): how it reads and checks
its parameters, describes itself, and applies to a column. Adding a kind is
one class in one file; the CLI's ``--lf-file`` loader, the page's rule
selector and the tests list the registry.

No user code and no user-written regular expression ever runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import LFNotPortableError, LFSpecError
from ..registry import Registry

__all__ = [
    "INPUTS",
    "LF_KINDS",
    "PARAMETERS",
    "LFKind",
    "LabelingFunction",
    "MAX_TERMS",
    "MAX_TERM_CHARS",
    "check_terms",
    "plain_text",
]

MAX_TERMS = 500
MAX_TERM_CHARS = 200

#: The parameter fields of :class:`LabelingFunction` a kind may use.
PARAMETERS: tuple[str, ...] = ("keywords", "whole_word", "threshold", "values")
#: The editable inputs of an LF (the page's form and table): comma-separated
#: terms, a whole-word switch, a number. Each kind maps them to its parameters.
INPUTS: tuple[str, ...] = ("terms", "whole_word", "threshold")


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

    @property
    def rule(self) -> LFKind:
        """The kind's behaviour (raises :class:`LFSpecError` for an unknown kind)."""
        return LF_KINDS[self.kind]

    def describe(self) -> str:
        return self.rule.describe(self)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "column": self.column, "label": self.label}
        out.update(self.rule.to_dict(self))
        return out


class LFKind:
    """Base of every LF kind: one subclass per kind, one instance registered in :data:`LF_KINDS`.

    Subclasses set ``name`` (the ``kind`` in JSON), ``title`` (the page's rule
    selector) and ``fields`` (the :data:`PARAMETERS` they use; the page's form
    and table fill them from :data:`INPUTS`), and implement :meth:`from_dict`,
    :meth:`describe` and :meth:`apply`.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    fields: ClassVar[tuple[str, ...]] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        """The :data:`INPUTS` that fill this kind's fields (the page shows the union over all kinds)."""
        wanted = {"terms" if f in ("keywords", "values") else f for f in self.fields}
        return tuple(i for i in INPUTS if i in wanted)

    def from_dict(self, raw: dict, lf_name: str) -> dict[str, Any]:
        """Check this kind's parameters in a JSON object; return them as :class:`LabelingFunction` fields.

        Raises :class:`LFSpecError` naming the LF and the field.
        """
        raise NotImplementedError

    def to_dict(self, lf: LabelingFunction) -> dict[str, Any]:
        """This kind's parameters as JSON values (lists for tuples)."""
        return {f: list(getattr(lf, f)) if isinstance(getattr(lf, f), tuple) else getattr(lf, f) for f in self.fields}

    def describe(self, lf: LabelingFunction) -> str:
        raise NotImplementedError

    def apply(self, column: pd.Series, lf: LabelingFunction) -> np.ndarray:
        """Boolean mask of the rows where the rule holds (missing cells: False)."""
        raise NotImplementedError

    def vote_expr(self, column: Any, dtype: Any, lf: LabelingFunction) -> Any:
        """The rule as a portable narwhals expression for DuckDB and Spark (:mod:`analysis.engines.weak`).

        ``column`` is ``nw.col(...)`` of the LF's column and ``dtype`` its narwhals dtype; return a boolean
        expression true where the rule holds, as :meth:`apply` decides it (null where the cell is missing is
        fine: it counts as not firing). A kind that cannot be written portably keeps this default, and the
        engines refuse the LF by name (never a silent fallback to pandas).
        """
        raise LFNotPortableError(
            f"LF '{lf.name}': the kind '{self.name}' has no DuckDB/Spark expression, so it runs on pandas only; "
            "use --engine pandas (or drop the LF)."
        )

    def from_inputs(self, *, terms: str, whole_word: bool, threshold: Any) -> dict[str, Any]:
        """The page's form / table inputs as the raw JSON parameters of this kind (checked by :meth:`from_dict`).

        ``terms`` (comma-separated) fills the kind's list field (``keywords`` or ``values``), ``whole_word`` and
        ``threshold`` fill the fields of those names, where the kind has them.
        """
        out: dict[str, Any] = {}
        for f in self.fields:
            if f in ("keywords", "values"):
                out[f] = terms.split(",") if isinstance(terms, str) else []
            elif f == "whole_word":
                out[f] = bool(whole_word)
            elif f == "threshold":
                number = isinstance(threshold, (int, float, np.number)) and not isinstance(threshold, bool)
                out[f] = float(threshold) if number else threshold
        return out

    def to_inputs(self, lf: LabelingFunction) -> dict[str, Any]:
        """This LF's parameters as the table's inputs (``terms`` text, ``whole_word``, ``threshold``)."""
        terms = next((getattr(lf, f) for f in self.fields if f in ("keywords", "values")), ())
        return {
            "terms": ", ".join(terms),
            "whole_word": lf.whole_word if "whole_word" in self.fields else False,
            "threshold": lf.threshold if "threshold" in self.fields and lf.threshold is not None else np.nan,
        }


#: Every LF kind by name; an unknown kind raises :class:`LFSpecError` from here only.
LF_KINDS: Registry[LFKind] = Registry("labeling-function kind", LFSpecError)


def check_terms(raw: Any, name: str, key: str, *, numbers: bool = False) -> tuple[str, ...]:
    """A list of texts (keywords, values): stripped, deduplicated, at least one, bounded in size."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        raise LFSpecError(f"LF '{name}': '{key}' must be a list of texts.")
    out: list[str] = []
    for term in raw:
        if numbers and isinstance(term, (int, float)) and not isinstance(term, bool):
            term = plain_text(term)
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


def plain_text(value: Any) -> str:
    """A cell as text for comparisons: integral floats without ".0", stripped."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
