"""Set-up shared by every test tier (collected before any test module)."""

from __future__ import annotations

import os


def pytest_configure(config):
    # pytest-xdist already runs one worker per core (`make test` uses -n 2 on this 2-core
    # machine). A worker whose BLAS also starts a thread per core oversubscribes the cores, and
    # OpenBLAS threads spin while they wait: a busy machine made single fits up to 40x slower.
    # So each worker computes on one thread: numpy's BLAS is limited through threadpoolctl (a
    # test may still raise it in a `threadpool_limits` block), and the variables below reach
    # the OpenMP runtime loaded later by scikit-learn and every subprocess a test starts.
    import numpy  # noqa: F401  (loads the BLAS the limit applies to)
    from threadpoolctl import threadpool_limits

    config._dd_thread_limit = threadpool_limits(limits=1)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
