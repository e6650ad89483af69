"""Fixtures shared by several test folders."""

from __future__ import annotations

import dataclasses

import pytest


def uses_spark(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return "spark" in getattr(item, "fixturenames", ()) or (
        callspec is not None and callspec.params.get("engine") == "spark")


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    """Does the test use a module-scoped fixture (computed once per worker that runs the module)?"""
    info = getattr(item, "_fixtureinfo", None)  # pytest keeps the resolved fixtures here (no public API)
    if info is None:
        return False
    return any(defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values())


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Which tests share a pytest-xdist worker (`--dist loadgroup`, set in the Makefile).

    * Every Spark test: each worker that meets one starts its own JVM (about 15 s of CPU).
    * The tests of a module that share a module-scoped fixture: spread over both workers, each
      worker computed the fixture (the strategy battery's comparisons twice, 5 s each).

    `tryfirst`: pytest-xdist's own hook reads these marks, and ran before this one without it.
    """
    for item in items:
        if uses_spark(item):
            item.add_marker(pytest.mark.xdist_group("spark"))
        elif _shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))

#: Test-only sizes of the two ensemble strategies (their registered entries grow 100 trees and
#: 10 AdaBoost models of 50 stumps: seconds per fit, most of the strategy battery's time).
LIGHT_ENSEMBLES = {"balanced_rf": 10, "easy_ensemble": 2}


@pytest.fixture(scope="module")
def light_ensembles():
    """The ensemble strategies with fewer members, for tests whose assertions do not depend on
    the ensemble's size (runs or says why, determinism, input left alone, leakage-free folds).
    The registered entries are put back afterwards; the full-size entries stay covered by the
    golden CLI case (``balanced_rf``) and by tests/analysis/test_rebalance_fix.py (fix and recipe
    of every registered strategy)."""
    from analysis.rebalance import STRATEGIES

    originals = {name: STRATEGIES[name] for name in LIGHT_ENSEMBLES}
    for name, n in LIGHT_ENSEMBLES.items():
        entry = originals[name]
        module, cls, kwargs = entry.classifier  # type: ignore[attr-defined]
        light = tuple((k, n if k == "n_estimators" else v) for k, v in kwargs)
        STRATEGIES.register(dataclasses.replace(entry, classifier=(module, cls, light)), replace=True)
    try:
        yield
    finally:
        for entry in originals.values():
            STRATEGIES.register(entry, replace=True)
