"""Fixtures shared by several test folders."""

from __future__ import annotations

import dataclasses

import pytest


def uses_spark(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return "spark" in getattr(item, "fixturenames", ()) or (
        callspec is not None and callspec.params.get("engine") == "spark")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every Spark test on one pytest-xdist worker (`--dist loadgroup`, set in the Makefile): each worker
    that meets one starts its own JVM (about 15 s of CPU). `tryfirst`: pytest-xdist's own hook reads
    these marks, and ran before this one without it."""
    for item in items:
        if uses_spark(item):
            item.add_marker(pytest.mark.xdist_group("spark"))


def pytest_xdist_make_scheduler(config, log):
    """Under `--dist loadgroup`, every other test runs on one worker with the rest of its module.

    Dealt out one by one, a module's tests ran on both workers, and each worker computed the module's
    fixtures (the strategy battery's comparisons: 6.5 s and 5.0 s of set-up) and filled Streamlit's
    caches for the same pages. Alternating runs of tests/dashboard on this 2-core machine: 123 and
    141 s of busy CPU grouped, 140 and 153 s dealt out; tests/analysis, cli, golden and battery: no
    slower. The scheduler groups them, so their node ids stay as written (no `@group` suffix).
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ModuleScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)  # a marked group ("spark"), else the test itself
            return nodeid.split("::", 1)[0] if scope == nodeid else scope

    return ModuleScheduling(config, log)


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
