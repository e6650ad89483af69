"""One BLAS/OpenMP thread around a fit or a search, without finding the libraries again each time.

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

import sys
from functools import lru_cache
from typing import Any

__all__ = ["one_thread"]


def one_thread(user_api: str | None = None, *, limits: int = 1) -> Any:
    """A context manager that limits BLAS and OpenMP (or only ``user_api``) to ``limits`` threads.

    Checked against ``threadpoolctl.threadpool_info`` in tests/analysis/test_threads.py.
    """
    return _controller(len(sys.modules)).limit(limits=limits, user_api=user_api)


@lru_cache(maxsize=1)
def _controller(_modules_loaded: int) -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()
