"""What the test tier changes: how many examples a property test draws, and how Spark runs.

``make test`` (CI, the README's command) draws every example a test asks for;
``make test-fast`` (the working loop, ``DD_TEST_TIER=fast``) draws a quarter of
them, at least ten, so the loop stays quick while every property still runs, and
runs Spark's plans interpreted (tests/engines/conftest.py). Importable as ``tiers``
from every test folder: pytest's default import mode puts tests/ (the folder of tests/conftest.py)
on ``sys.path``.
"""

from __future__ import annotations

import os

FAST_TIER = os.environ.get("DD_TEST_TIER") == "fast"


def examples(n: int) -> int:
    """``n`` in the full tier, a quarter of it (at least 10) in the fast tier."""
    return max(10, n // 4) if FAST_TIER else n
