"""How many examples a property test draws, by test tier.

``make test`` (CI, the README's command) draws every example a test asks for;
``make test-fast`` (the working loop, ``DD_TEST_TIER=fast``) draws a quarter of
them, at least ten, so the loop stays quick while every property still runs.
"""

from __future__ import annotations

import os

FAST_TIER = os.environ.get("DD_TEST_TIER") == "fast"


def examples(n: int) -> int:
    """``n`` in the full tier, a quarter of it (at least 10) in the fast tier."""
    return max(10, n // 4) if FAST_TIER else n
