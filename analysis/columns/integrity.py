"""Data integrity: numbers spoiled by a few text tokens, spelling variants of one category, special characters.

- **Mixed-type columns**: a text column most of whose values read as numbers
  (at least 80% of its non-missing cells, and at most 5 distinct other values
  covering at most 20% of the cells, e.g. ``unknown``, ``?``, ``-``, ``n/a``).
  The reader keeps such a column as text, so every model sees it as a category
  with hundreds of levels. :func:`read_tokens_as_missing` turns the tokens into
  missing values and the column into numbers.
- **Spelling variants**: values of one text column that are equal after
  trimming, case folding and collapsing inner whitespace (``Male``, ``MALE``,
  `` male``), each spelling with its count.
- **Special-character-only values**: cells with no letter or digit (``?``,
  ``-``, ``***``), with counts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import require_column
from ..io import Dataset
from ..results import ResultMixin, Severity
from ..wording import count_noun, spelling_key, verb

__all__ = ["Integrity", "MixedColumn", "SpellingVariants", "TokensAsMissing", "integrity", "read_tokens_as_missing"]

MIN_NUMERIC_SHARE = 0.8
MAX_TOKENS = 5
#: Text columns with more distinct values than this are not searched for spelling variants.
MAX_VARIANT_VALUES = 1000


@dataclass(frozen=True)
class MixedColumn:
    """A column of numbers with a few non-numeric tokens: ``tokens`` maps each token to its count."""

    column: str
    numeric_cells: int
    tokens: dict[str, int]

    @property
    def token_cells(self) -> int:
        return sum(self.tokens.values())

    def describe(self) -> str:
        shown = ", ".join(f"'{t}' ({n:,})" for t, n in self.tokens.items())
        return f"mixed types: {self.numeric_cells:,} numbers and the tokens {shown}"

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "numeric_cells": self.numeric_cells, "tokens": dict(self.tokens)}


@dataclass(frozen=True)
class TokensAsMissing:
    """The step "read these tokens as missing": ``columns`` pairs each column with its tokens.

    Frozen and hashable (it is part of fix settings, a cache key); recipes record
    :meth:`to_dict` and their Python snippet runs :meth:`code_lines` right after reading the file.
    """

    columns: tuple[tuple[str, tuple[str, ...]], ...]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column, tokens in self.columns:
            text = out[column].astype(object)
            bad = text.astype(str).isin(list(tokens)).to_numpy() & text.notna().to_numpy()
            out[column] = pd.to_numeric(text.where(~bad).astype(str).str.strip().where(~bad & text.notna()),
                                        errors="coerce")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"step": "read_tokens_as_missing", "columns": {c: list(t) for c, t in self.columns},
                "note": "these tokens were read as missing and the columns as numbers before any analysis; "
                        "the downloaded rows keep the uploaded text"}

    def code_lines(self) -> list[str]:
        return [
            "# Read as missing (the Features page's choice), then the columns as numbers:",
            f"for col, tokens in {dict((c, list(t)) for c, t in self.columns)!r}.items():",
            "    text = df[col].astype(object)",
            "    bad = text.astype(str).isin(tokens) & text.notna()",
            "    df[col] = pd.to_numeric(text.where(~bad).astype(str).str.strip().where(~bad & text.notna()), "
            "errors='coerce')",
        ]


@dataclass(frozen=True)
class SpellingVariants:
    """Spellings of one value in one column (``spellings`` maps each spelling to its count)."""

    column: str
    normalized: str
    spellings: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "normalized": self.normalized, "spellings": dict(self.spellings)}


@dataclass(frozen=True)
class Integrity(ResultMixin):
    """Mixed-type columns, spelling variants and special-character-only values of a table."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"issues": "warning", "clean": "ok"}

    mixed: tuple[MixedColumn, ...]
    variants: tuple[SpellingVariants, ...]
    special: dict[str, dict[str, int]]  # column -> {value: count}
    verdict: str
    verdict_text: str
    _notes: tuple[str, ...] = ()

    def mixed_alerts(self) -> dict[str, str]:
        return {m.column: m.describe() for m in self.mixed}

    def to_frame(self) -> pd.DataFrame:
        rows = [{"column": m.column, "issue": "mixed types", "value": t, "count": n}
                for m in self.mixed for t, n in m.tokens.items()]
        rows += [{"column": v.column, "issue": f"spelling of '{v.normalized}'", "value": s, "count": n}
                 for v in self.variants for s, n in v.spellings.items()]
        rows += [{"column": c, "issue": "special characters only", "value": s, "count": n}
                 for c, values in self.special.items() for s, n in values.items()]
        return pd.DataFrame(rows, columns=["column", "issue", "value", "count"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict, "verdict_text": self.verdict_text,
            "mixed_type_columns": [m.to_dict() for m in self.mixed],
            "spelling_variants": [v.to_dict() for v in self.variants],
            "special_character_values": {c: dict(v) for c, v in self.special.items()},
            "notes": list(self.notes),
        }


def integrity(df: pd.DataFrame) -> Integrity:
    """Find mixed-type columns, spelling variants and special-character-only values.

    Examples
    --------
    >>> df = pd.DataFrame({"age": ["31", "unknown", "40", "?", "22", "35", "28", "51", "47", "33"],
    ...                    "sex": ["Male", "MALE", " male", "female", "Female", "male", "male", "female", "?", "male"]})
    >>> r = integrity(df)
    >>> r.mixed[0].tokens, r.variants[0].spellings, r.special
    ({'?': 1, 'unknown': 1}, {'male': 3, 'Male': 1, 'MALE': 1, ' male': 1}, {'age': {'?': 1}, 'sex': {'?': 1}})
    """
    if len(df.columns):
        require_column(df.columns, df.columns[0])  # refuses repeated column names (the fix names columns)
    mixed, variants, special = [], [], {}
    for name in df.columns:
        column = df[name]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype) \
                or pd.api.types.is_datetime64_any_dtype(column.dtype):
            continue
        counts = column.dropna().astype(str).value_counts(sort=False)
        if counts.empty:
            continue
        values = pd.Series(counts.index, dtype=object)
        numeric = pd.to_numeric(values.str.strip(), errors="coerce").notna().to_numpy()
        total = int(counts.sum())
        numeric_cells = int(counts.to_numpy()[numeric].sum())
        others = counts[~numeric]
        if numeric.any() and 0 < len(others) <= MAX_TOKENS and numeric_cells >= MIN_NUMERIC_SHARE * total:
            tokens = others.sort_values(ascending=False, kind="stable")
            tokens = tokens.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
            mixed.append(MixedColumn(str(name), numeric_cells, {str(k): int(v) for k, v in tokens.items()}))
        bare = values[~values.str.contains(r"[^\W_]", regex=True).to_numpy()]
        if len(bare):
            found = counts[bare.to_numpy()].sort_values(ascending=False, kind="stable")
            special[str(name)] = {str(k): int(v) for k, v in found.items()}
        if len(counts) <= MAX_VARIANT_VALUES and not numeric.all():
            key = values.map(spelling_key)  # once per distinct value
            found_here = []
            for norm, idx in pd.Series(np.arange(len(values))).groupby(key.to_numpy()).groups.items():
                if len(idx) > 1 and norm:
                    group = counts.iloc[list(idx)].sort_values(ascending=False, kind="stable")
                    found_here.append(SpellingVariants(str(name), str(norm), {str(k): int(v) for k, v in group.items()}))
            variants.extend(sorted(found_here, key=lambda v: -sum(v.spellings.values())))
    parts = []
    if mixed:
        parts.append(f"{count_noun(len(mixed), 'numeric column')} {verb(len(mixed), 'holds', 'hold')} a few text "
                     "tokens ("
                     + ", ".join(f"'{m.column}'" for m in mixed[:5]) + "): they are read as text categories until "
                     "the tokens are read as missing")
    if variants:
        parts.append(f"{count_noun(len(variants), 'value')} {verb(len(variants), 'is', 'are')} spelled in several ways")
    if special:
        parts.append(f"{count_noun(len(special), 'column')} {verb(len(special), 'holds', 'hold')} values of special "
                     "characters only")
    verdict = "issues" if parts else "clean"
    text = ("Integrity: " + "; ".join(parts) + ".") if parts else \
        "No mixed-type column, spelling variant or special-character-only value."
    return Integrity(tuple(mixed), tuple(variants), special, verdict, text)


def read_tokens_as_missing(data: Dataset | pd.DataFrame, found: Integrity) -> Dataset | pd.DataFrame:
    """The table with every mixed-type column's tokens read as missing and the column as numbers.

    A :class:`Dataset` comes back as a new Dataset (the same source, so downloads still
    write the uploaded text; a derived ``sha256`` so caches tell the two apart; a note).

    Examples
    --------
    >>> df = pd.DataFrame({"age": ["31", "unknown", "40", "22", "35"], "y": list("ababa")})
    >>> read_tokens_as_missing(df, integrity(df))["age"].tolist()
    [31.0, nan, 40.0, 22.0, 35.0]
    """
    frame = data.frame if isinstance(data, Dataset) else data
    if not found.mixed:
        return data
    step = TokensAsMissing(tuple((m.column, tuple(sorted(m.tokens))) for m in found.mixed))
    out = step.apply(frame)
    if not isinstance(data, Dataset):
        return out
    spec = json.dumps({m.column: sorted(m.tokens) for m in found.mixed}, sort_keys=True)
    sha = hashlib.sha256(f"{data.sha256}|tokens-as-missing|{spec}".encode()).hexdigest()
    note = ("Read as missing: " + "; ".join(
        f"{', '.join(repr(t) for t in m.tokens)} in '{m.column}' ({m.token_cells:,} cells)" for m in found.mixed)
        + ". Downloads keep the uploaded text.")
    return replace(data, frame=out, sha256=sha, notes=(*data.notes, note), steps=(*data.steps, step),
                   file_sha256=data.input_sha256)
