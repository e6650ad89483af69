"""Counts in sentences: ``1 row``, ``2 rows``; ``has``/``have``. Every result's text uses these."""

from __future__ import annotations

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
