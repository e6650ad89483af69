"""Counts in sentences: ``1 row``, ``2 rows``; ``has``/``have``. Every result's text uses these."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any


def count_noun(n: Any, noun: str, plural: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``20,031 rows``: a count with its noun in the right number.

    >>> import numpy as np
    >>> count_noun(1, "row"), count_noun(20031, "row"), count_noun(np.int64(2), "sweep")
    ('1 row', '20,031 rows', '2 sweeps')
    """
    n = int(n)
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def verb(n: Any, singular: str, plural: str) -> str:
    """``has`` for 1, ``have`` otherwise (``verb(n, "has", "have")``)."""
    return singular if int(n) == 1 else plural


def listing(items: Sequence[str], shown: int | None = None) -> str:
    """``a``, ``a and b``, ``a, b and c``; with ``shown``, the first ``shown`` items and then how many more.

    >>> listing(["a"]), listing(["a", "b"]), listing(["a", "b", "c"]), listing(list("abcdefg"), shown=5)
    ('a', 'a and b', 'a, b and c', 'a, b, c, d, e and 2 more')
    """
    items = list(items)
    if shown is not None and len(items) > shown:
        return f"{', '.join(items[:shown])} and {len(items) - shown:,} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def share_text(part: Any, whole: Any) -> str:
    """``part / whole`` as a percentage with one decimal that never reads as none or all when it is not.

    A share that would round to 0.0 % but is not zero reads ``<0.1%``; one that would round to 100.0 % but
    is not whole reads ``>99.9%``.

    >>> share_text(3, 199_997), share_text(0, 10), share_text(45, 699), share_text(99_999, 100_000), share_text(5, 5)
    ('<0.1%', '0.0%', '6.4%', '>99.9%', '100.0%')
    """
    part, whole = int(part), int(whole)
    if not whole:
        return "0.0%"
    text = f"{part / whole:.1%}"
    if part and text == "0.0%":
        return "<0.1%"
    if part != whole and text == "100.0%":
        return ">99.9%"
    return text


def ratio_text(ratio: float) -> str:
    """An imbalance ratio for display: two decimals tell 1.17 from 1.25; from 100 up they only add noise.

    >>> ratio_text(8.875), ratio_text(2438.0), ratio_text(99.996)
    ('8.88', '2,438', '100.00')
    """
    return f"{ratio:,.2f}" if ratio < 100 else f"{ratio:,.0f}"


def visible_whitespace(text: str) -> str:
    """``text`` with the spaces a table cell hides shown as ``␣``: at either end, and repeated inside; tabs as ``⇥``.

    For showing spelling variants that differ only there ("University of Miami" against "University of Miami ").

    >>> visible_whitespace(" male"), visible_whitespace("Advanced  Data"), visible_whitespace("a b\\t")
    ('␣male', 'Advanced␣␣Data', 'a b⇥')
    """
    text = text.replace("\t", "⇥")
    core = text.strip(" ")
    if not core:
        return "␣" * len(text)
    lead = len(text) - len(text.lstrip(" "))
    trail = len(text) - len(text.rstrip(" "))
    inner = re.sub(" {2,}", lambda m: "␣" * len(m.group()), core)
    return "␣" * lead + inner + "␣" * trail


def spelling_key(text: str) -> str:
    """How two spellings of one value are compared: trimmed, case-folded, inner whitespace collapsed.

    >>> spelling_key("  Unauthorized  Access/Disclosure "), spelling_key("MALE")
    ('unauthorized access/disclosure', 'male')
    """
    return " ".join(text.split()).casefold()


def spelled_apart(counts: Mapping[Any, int]) -> list[list[tuple[Any, int]]]:
    """Groups of text values with one :func:`spelling_key` (the rule of :mod:`analysis.columns.integrity`'s
    spelling variants), each largest first, in the order of their largest.

    For labels or groups that are counted apart though they are likely one ("Theft" and "theft ").

    >>> spelled_apart({"Theft": 9, "Loss": 4, "theft ": 2, "loss": 1, "Other": 1, 1: 3})
    [[('Theft', 9), ('theft ', 2)], [('Loss', 4), ('loss', 1)]]
    """
    groups: dict[str, list[tuple[Any, int]]] = {}
    for value, count in sorted(counts.items(), key=lambda kv: -kv[1]):  # stable: ties keep their order
        if isinstance(value, str):
            groups.setdefault(spelling_key(value), []).append((value, count))
    return [g for g in groups.values() if len(g) > 1]
