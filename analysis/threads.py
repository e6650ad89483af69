"""Threads: one BLAS/OpenMP thread around a fit or a search, and per-column work on the spare cores.

Every model-based diagnostic runs its folds (or its workers) as the parallel unit and limits the
native thread pools inside each to one thread: on a shared or busy machine spinning OpenBLAS
threads made one fold 40x slower (see :mod:`analysis.rebalance.run`). ``threadpool_limits()``
finds the loaded BLAS and OpenMP libraries on every call (about 3 ms here: it walks every shared
object the process has loaded; a reused controller's limit takes 0.04 ms), which the rebalancing lab paid once per fold and strategy. Here a
:class:`threadpoolctl.ThreadpoolController` is made once and reused until an import adds modules
(a native library is only ever loaded by importing an extension module), so a library loaded
later is still limited.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, TypeVar

__all__ = [
    "THREAD_ROWS", "arrow_threads", "in_background", "one_thread", "parse_leaving", "parse_spare", "short_gil_turns",
    "thread_imap", "thread_map", "threads_for", "worker_threads",
]

T = TypeVar("T")
R = TypeVar("R")

#: Below this many rows, per-column work runs in the calling thread: a column of fewer rows takes
#: well under a millisecond to hash, less than handing it to a thread.
THREAD_ROWS = 100_000


def one_thread(user_api: str | None = None, *, limits: int = 1) -> Any:
    """A context manager that limits BLAS and OpenMP (or only ``user_api``) to ``limits`` threads.

    Checked against ``threadpoolctl.threadpool_info`` in tests/analysis/test_threads.py.
    """
    return _controller(len(sys.modules)).limit(limits=limits, user_api=user_api)


@lru_cache(maxsize=1)
def _controller(_modules_loaded: int) -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def worker_threads() -> int:
    """Threads for per-column work: ``DD_THREADS`` if set (``1``: none), else the usable CPUs, at most 4."""
    setting = os.environ.get("DD_THREADS", "")
    if setting.strip().isdigit() and int(setting) >= 1:
        return int(setting)
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def threads_for(rows: int) -> int:
    """Threads for work on ``rows`` rows: :func:`worker_threads` from :data:`THREAD_ROWS` rows on, else 1."""
    return worker_threads() if rows >= THREAD_ROWS else 1


def thread_map(fn: Callable[[T], R], items: Iterable[T], *, rows: int) -> list[R]:
    """``[fn(item) for item in items]``, on :func:`worker_threads` threads when ``rows`` >= :data:`THREAD_ROWS`.

    For work that releases the GIL (pandas' hash tables on numbers, numpy, pyarrow, a tree's
    ``apply``): on two cores a million-row table's per-column distinct counts take half the time.
    The results are in the order of ``items`` and each is computed exactly as in the loop, so
    the numbers do not depend on the threads (tests/analysis/test_column_threads.py). Each call has its
    own pool, so a function that itself calls ``thread_map`` cannot wait on its own pool; the
    first exception (in ``items`` order) is raised.
    """
    items = list(items)
    workers = min(threads_for(rows), len(items))
    if workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(workers, thread_name_prefix="dd-columns") as pool:
        return list(pool.map(fn, items))


def thread_imap(fn: Callable[[T], R], items: Iterable[T], *, rows: int) -> Iterator[R]:
    """:func:`thread_map` as an iterator: each result as soon as it and those before it are done.

    For results too large to hold together (a hash per column of a million rows): the caller folds
    each into its running value, and at most a few are alive at once, as with a plain loop.
    """
    items = list(items)
    workers = min(threads_for(rows), len(items))
    if workers <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="dd-columns") as pool:
        pending = [pool.submit(fn, item) for item in items[:workers]]
        for item in items[workers:]:
            done = pending.pop(0).result()
            pending.append(pool.submit(fn, item))  # one more in flight only once one is handed over
            yield done
        for future in pending:
            yield future.result()


def in_background(fn: Callable[..., R], *args: Any) -> Future[R]:
    """Start ``fn(*args)`` on a thread of its own; ``.result()`` returns its value or raises its exception.

    For work that can overlap another's: the CSV's SHA-256 and UTF-8 pass while pyarrow parses the
    file, ``report``'s import of scikit-learn while the roles are inferred. With
    :func:`worker_threads` at 1 it runs at once, in the calling thread.
    """
    future: Future[R] = Future()
    if worker_threads() <= 1:
        _run(future, fn, args)
        return future
    threading.Thread(target=_run, args=(future, fn, args), name="dd-background").start()
    return future


#: The GIL switch interval :func:`short_gil_turns` sets (Python's default is 5 ms).
SHORT_SWITCH_INTERVAL = 0.0005


@contextmanager
def short_gil_turns(interval: float = SHORT_SWITCH_INTERVAL) -> Iterator[None]:
    """Within the block, a thread that holds the GIL is asked to hand it over after ``interval`` seconds
    (``sys.setswitchinterval``; never lengthened), and the previous interval is restored after.

    For a command whose threads mix pure-Python work (an import, many small model fits) with numpy
    work that releases the GIL between calls: with Python's 5 ms turns, each numpy call's thread
    may wait for the Python thread's turn to end before it can go on. Measured on ``report`` over
    1M rows, its gain was within the machine's noise (five interleaved pairs: 7.95 s with it, 8.03 s
    without; README, Performance). The setting is process-wide: for a CLI command's main thread,
    not for a server's request threads.
    """
    previous = sys.getswitchinterval()
    if interval >= previous:
        yield
        return
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@contextmanager
def arrow_threads(*, spare: int) -> Iterator[None]:
    """Within the block, pyarrow's CPU thread pool (its CSV parse, its compute kernels) is ``spare`` threads
    smaller (``pyarrow.set_cpu_count``; at least 1 thread), and its previous size is restored after.

    The setting is process-wide: for a CLI command, not for a server's request threads.
    """
    import pyarrow as pa

    previous = pa.cpu_count()
    wanted = max(1, previous - max(0, int(spare)))
    if wanted == previous:
        yield
        return
    pa.set_cpu_count(wanted)
    try:
        yield
    finally:
        pa.set_cpu_count(previous)


#: Cores a CSV parse leaves to the caller's other threads (:func:`parse_leaving`); read by :mod:`analysis.io`.
_PARSE_SPARE: ContextVar[int] = ContextVar("dd_parse_spare", default=0)


@contextmanager
def parse_leaving(cores: int) -> Iterator[None]:
    """Within the block, a CSV parse (:func:`analysis.io.load_csv`) runs on pyarrow's pool ``cores`` threads
    short (:func:`arrow_threads`); the conversion to pandas after it uses the whole pool again.

    For a thread that needs a core of its own meanwhile: ``report`` parses the CSV while it imports
    scikit-learn in the background. With both of the machine's two cores parsing, the import (pure Python,
    about a second of CPU) got a third of a core and ended after the column roles, so the outlier and
    leakage passes waited for it. 1M x 30, interleaved runs against the commit before (12 and 10 pairs):
    ``report`` 4.74 -> 4.63 s and 4.54 -> 4.49 s, 0.1 to 0.3 s less CPU; with the pool one short for the
    whole read instead, 4.55 -> 4.64 s (the conversion to pandas lost its second thread). README, Performance.
    """
    token = _PARSE_SPARE.set(max(0, int(cores)))
    try:
        yield
    finally:
        _PARSE_SPARE.reset(token)


def parse_spare() -> int:
    """The cores a CSV parse leaves to other threads here (:func:`parse_leaving`; 0 outside it)."""
    return _PARSE_SPARE.get()


def _run(future: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        future.set_result(fn(*args))
    except BaseException as exc:  # handed to the caller's .result(), re-raised there
        future.set_exception(exc)
