"""analysis.threads.one_thread limits the native thread pools as threadpoolctl itself reports them.

Reference: ``threadpoolctl.threadpool_info()``, which reads each loaded BLAS/OpenMP library's own
thread count (independent of the controller the helper caches).
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (loads numpy's BLAS)
import pytest
import sklearn.ensemble  # noqa: F401  (loads scikit-learn's OpenMP runtime)
from threadpoolctl import threadpool_info, threadpool_limits

from analysis.threads import one_thread


def _threads(api: str | None = None) -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if api is None or lib["user_api"] == api]


@pytest.fixture
def two_threads():
    """Every pool at two threads (the test session limits BLAS to one), so a limit to one is visible."""
    with threadpool_limits(limits=2):
        yield


def test_one_thread_limits_every_pool_and_restores_it(two_threads):
    assert {"blas", "openmp"} <= {lib["user_api"] for lib in threadpool_info()}
    before = _threads()
    assert set(before) == {2}
    with one_thread():
        assert set(_threads()) == {1}
    assert _threads() == before


def test_user_api_and_limits_reach_only_the_named_pool(two_threads):
    with one_thread("openmp"):
        assert set(_threads("openmp")) == {1}
        assert set(_threads("blas")) == {2}
    with one_thread("blas", limits=3):
        assert set(_threads("blas")) == {3}
        assert set(_threads("openmp")) == {2}


def test_the_controller_is_reused_until_an_import_adds_modules(monkeypatch):
    from analysis import threads

    with one_thread():
        pass
    first = threads._controller.cache_info()
    with one_thread():
        pass
    assert threads._controller.cache_info().hits == first.hits + 1  # no second library scan
    import sys
    monkeypatch.setitem(sys.modules, "dd_test_new_module", object())  # as an import would
    with one_thread():
        pass
    assert threads._controller.cache_info().misses == first.misses + 1  # scanned again


def test_short_gil_turns_shortens_the_switch_interval_and_restores_it():
    """``sys.getswitchinterval`` (Python's own record of the setting) inside and after the block; a shorter
    interval already set is kept, and an exception in the block still restores the previous one."""
    import sys

    from analysis.threads import SHORT_SWITCH_INTERVAL, short_gil_turns

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        with short_gil_turns():
            assert sys.getswitchinterval() == pytest.approx(SHORT_SWITCH_INTERVAL)
        assert sys.getswitchinterval() == pytest.approx(0.005)
        sys.setswitchinterval(0.0001)
        shorter = sys.getswitchinterval()  # kept in whole microseconds
        with short_gil_turns():
            assert sys.getswitchinterval() == shorter  # never lengthened
        sys.setswitchinterval(0.005)
        with pytest.raises(KeyError), short_gil_turns():
            raise KeyError("x")
        assert sys.getswitchinterval() == pytest.approx(0.005)
    finally:
        sys.setswitchinterval(before)


def test_report_runs_its_passes_with_short_gil_turns(monkeypatch, tmp_path, capsys):
    """The ``report`` command's passes (the overview and the leakage models beside it) see the short interval;
    the interval is back to what it was once the command returns."""
    import importlib
    import sys

    import pandas as pd

    from analysis.cli import main
    from analysis.threads import SHORT_SWITCH_INTERVAL

    overview_module = importlib.import_module("analysis.overview")  # the package (the name is also a function)
    seen = []
    real = overview_module.overview

    def spy(*args, **kwargs):
        seen.append(sys.getswitchinterval())
        return real(*args, **kwargs)

    monkeypatch.setattr(overview_module, "overview", spy)
    path = tmp_path / "t.csv"
    pd.DataFrame({"x": range(40), "y": ["a", "b"] * 20}).to_csv(path, index=False)
    before = sys.getswitchinterval()
    assert main(["report", str(path), "--target", "y", "--format", "json"]) == 0
    capsys.readouterr()
    assert seen == [pytest.approx(min(before, SHORT_SWITCH_INTERVAL))]
    assert sys.getswitchinterval() == before


def test_arrow_threads_shrinks_pyarrows_pool_and_restores_it():
    """``pyarrow.cpu_count`` (pyarrow's own record of its pool) inside and after the block: ``spare`` threads
    fewer, never below one, unchanged with none to spare, and restored after an exception."""
    import pyarrow as pa

    from analysis.threads import arrow_threads

    before = pa.cpu_count()
    try:
        pa.set_cpu_count(3)
        with arrow_threads(spare=1):
            assert pa.cpu_count() == 2
        assert pa.cpu_count() == 3
        with arrow_threads(spare=5):
            assert pa.cpu_count() == 1
        with arrow_threads(spare=0):
            assert pa.cpu_count() == 3
        with pytest.raises(KeyError), arrow_threads(spare=1):
            raise KeyError("x")
        assert pa.cpu_count() == 3
    finally:
        pa.set_cpu_count(before)


@pytest.mark.parametrize("threads", ["2", "1"])
def test_report_parses_leaving_a_core_to_the_import(threads, monkeypatch, tmp_path, capsys):
    """While ``report`` parses the CSV, pyarrow's pool leaves one core to scikit-learn's import in the
    background (none with ``DD_THREADS=1``, where the import runs first); the conversion to pandas after the
    parse, other commands' parses and everything after the read see the whole pool."""
    import importlib

    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from analysis.cli import main

    monkeypatch.setenv("DD_THREADS", threads)
    io = importlib.import_module("analysis.io")
    seen: dict[str, list[int]] = {"parse": [], "finish": []}
    real_read, real_finish = pa_csv.read_csv, io._finish

    def read_spy(*args, **kwargs):
        seen["parse"].append(pa.cpu_count())
        return real_read(*args, **kwargs)

    def finish_spy(*args, **kwargs):
        seen["finish"].append(pa.cpu_count())
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(pa_csv, "read_csv", read_spy)
    monkeypatch.setattr(io, "_finish", finish_spy)
    path = tmp_path / "t.csv"
    pd.DataFrame({"x": range(40), "y": ["a", "b"] * 20}).to_csv(path, index=False)
    before = pa.cpu_count()
    try:
        pa.set_cpu_count(2)
        assert main(["report", str(path), "--target", "y", "--format", "json"]) == 0
        assert main(["features", str(path), "--target", "y", "--format", "json"]) == 0
        capsys.readouterr()
        assert seen == {"parse": [1 if threads == "2" else 2, 2], "finish": [2, 2]}
        assert pa.cpu_count() == 2
    finally:
        pa.set_cpu_count(before)
