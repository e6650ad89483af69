"""Issue 10, item 12: the Sampling bias page's first visit no longer pays for scipy.stats and
analysis.sampling, which the server imports in the background after its first page is drawn
(dashboard/warm.py). Timing is a benchmark (benchmarks/bench_sampling_page.py); here: that the
app starts the warm-up once, and that it names modules that exist (a typo would only be logged)."""

from __future__ import annotations

import importlib.util
import threading

import pagetest

from dashboard import warm


def test_every_warmed_module_exists():
    assert "analysis.sampling" in warm.MODULES and "scipy.stats" in warm.MODULES
    assert all(importlib.util.find_spec(name) is not None for name in warm.MODULES)


def test_the_app_starts_the_warm_up_once_after_its_first_page(monkeypatch):
    started = threading.Event()
    calls: list[tuple[str, ...]] = []

    def record(modules):
        calls.append(modules)
        started.set()

    monkeypatch.setenv("DD_WARM_IMPORTS", "1")
    monkeypatch.setattr(warm, "_import_all", record)
    warm._start.clear()
    try:
        at = pagetest.open_page()  # the app's own run starts it
        assert started.wait(timeout=10) and calls == [warm.MODULES]
        thread = warm.warm_imports()
        assert thread is not None and thread.name == "dd-warm-imports" and thread.daemon
        pagetest.open_page("sampling")  # a second session: the same thread, no second warm-up
        assert warm.warm_imports() is thread and len(calls) == 1
        assert not at.exception
    finally:
        warm._start.clear()


def test_warm_up_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("DD_WARM_IMPORTS", "0")
    assert warm.warm_imports() is None
