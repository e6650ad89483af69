"""Row hashes folded one column at a time (the duplicate and near-duplicate passes share them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..threads import thread_imap


def column_hash(col: pd.Series | np.ndarray) -> np.ndarray:
    """pandas' uint64 hash of each value of one column (``hash_pandas_object`` without the index)."""
    return pd.util.hash_pandas_object(pd.Series(col, copy=False), index=False).to_numpy()


def fold_hashes(hashes: Iterable[np.ndarray], n_columns: int, n: int) -> np.ndarray:
    """Fold ``n_columns`` column hashes, in order, into row hashes as ``hash_pandas_object`` folds a frame's.

    Each column hash can be dropped once folded: with an iterator, only a few are alive at a time.
    """
    if not n_columns:
        return np.zeros(n, dtype=np.uint64)
    out = np.full(n, 0x345678, dtype=np.uint64)
    mult = np.uint64(1000003)
    for i, h in enumerate(hashes):
        out ^= h
        out *= mult
        mult += np.uint64(82520 + 2 * (n_columns - i))
    return out + np.uint64(97531)


def row_hashes(columns: Sequence[pd.Series | np.ndarray], n: int) -> np.ndarray:
    """One uint64 per row from its values in ``columns``: the values of
    ``pd.util.hash_pandas_object(pd.DataFrame(columns), index=False)``, bit for bit.

    The columns are hashed on threads for a large table (the hashing is numpy arithmetic) and
    folded as they come, so no frame of the columns is built and few column hashes are alive.
    """
    return fold_hashes(thread_imap(column_hash, columns, rows=n), len(columns), n)
