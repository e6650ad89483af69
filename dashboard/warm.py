"""Import the pages' analysis modules in a background thread once the server has drawn its first page.

A page's first visit in a new server process pays for its imports: on the
Sampling bias page that was scipy.stats and ``analysis.sampling``, most of its
time to the first verdict (issue 10, item 12; ``benchmarks/bench_sampling_page.py``).
The CLI pays the same imports on every run; the server pays them once, so it
does it while the user is still reading the first page or picking a file.

Python's per-module import locks make this safe: a page that needs a module
still being imported here waits for that one import, nothing runs twice.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading

import streamlit as st

#: In the order of the navigation: the page a user opens next warms first.
MODULES = (
    "scipy.stats",
    "analysis.sampling",
    "dashboard.charts.sampling",
    "analysis.labels",
    "dashboard.charts.labels",
    "analysis.weak",
    "dashboard.charts.weak",
    "analysis.rebalance",
    "dashboard.charts.rebalancing",
)

_LOG = logging.getLogger(__name__)


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:  # the page that needs it will report it; nothing to warm
            _LOG.exception("Warming the import of %s failed", name)


@st.cache_resource(show_spinner=False)
def _start(modules: tuple[str, ...]) -> threading.Thread:
    thread = threading.Thread(target=_import_all, args=(modules,), name="dd-warm-imports", daemon=True)
    thread.start()
    return thread


def warm_imports(modules: tuple[str, ...] = MODULES) -> threading.Thread | None:
    """Start the background imports once per server process (later calls return the same thread).

    ``DD_WARM_IMPORTS``: ``1`` on, ``0`` off (the benchmark's comparison without
    it), unset: on, except under pytest (AppTest runs every page anyway, and a
    background import would only compete with the tests for the cores).
    """
    setting = os.environ.get("DD_WARM_IMPORTS", "")
    if setting == "0" or (setting != "1" and "pytest" in sys.modules):
        return None
    return _start(modules)
