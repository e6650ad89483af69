"""The sampling simulator (analysis/sampling/simulate.py).

References: pandas value_counts of the same rows (TVD by hand), the
deterministic first-N sample, and the rounding bound of proportional
allocation (a stratified sample's TVD is at most k / (2 n)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import DiagnosticsError
from analysis.sampling import simulate_sampling
from sample_data import sample_path


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return pd.read_csv(sample_path("transactions.csv"))


def _tvd(sample: pd.Series, full: pd.Series) -> float:
    p = sample.value_counts(normalize=True)
    q = full.value_counts(normalize=True)
    return float(0.5 * p.reindex(q.index, fill_value=0).sub(q).abs().sum())


def test_first_n_is_the_head_and_stratified_is_within_rounding(transactions):
    r = simulate_sampling(transactions, group="region", target="is_fraud", sample_size=500, repeats=30, seed=4)
    draws = r.draws
    first = draws[draws["method"] == "convenience: first N"]
    assert first["group_tvd"].nunique() == 1
    assert first["group_tvd"].iloc[0] == pytest.approx(_tvd(transactions["region"].head(500), transactions["region"]))
    assert first["target_tvd"].iloc[0] == pytest.approx(_tvd(transactions["is_fraud"].head(500), transactions["is_fraud"]))
    strat = draws[draws["method"] == "stratified by group"]["group_tvd"]
    assert (strat <= 5 / (2 * 500) + 1e-12).all()  # 5 regions: rounding bound k / (2n)
    by_target = draws[draws["method"] == "stratified by target"]["target_tvd"]
    assert (by_target <= 2 / (2 * 500) + 1e-12).all()
    s = r.summary().set_index("method")
    assert s.loc["stratified by group", "group_tvd_mean"] < s.loc["simple random", "group_tvd_mean"]
    # Over-weighting north (the largest region) three times lands far from the full data.
    assert r.overweighted_group == "north"
    assert s.loc["convenience: one group over-weighted", "group_tvd_p05"] > s.loc["simple random", "group_tvd_p95"]
    assert len(draws) == 6 * 30


def test_simple_random_tvd_is_computed_from_the_drawn_rows():
    # With a two-value group the TVD is |share of 'a' in the sample - 0.5|: check the spread is right.
    df = pd.DataFrame({"g": ["a", "b"] * 5000})
    r = simulate_sampling(df, group="g", sample_size=1000, repeats=400, seed=0)
    srs = r.draws[r.draws["method"] == "simple random"]["group_tvd"].to_numpy()
    # E|p_hat - 0.5| for n = 1000 without replacement from 10,000: sqrt(2/pi) * sd, sd = sqrt(.25/1000 * 9000/9999).
    sd = np.sqrt(0.25 / 1000 * (9000 / 9999))
    assert srs.mean() == pytest.approx(np.sqrt(2 / np.pi) * sd, rel=0.1)
    # The periodicity trap of systematic sampling: every 10th row of an a/b/a/b file is the same value.
    assert (r.draws[r.draws["method"] == "systematic"]["group_tvd"] == 0.5).all()


def test_bad_settings():
    df = pd.DataFrame({"g": ["a", "b"] * 10})
    with pytest.raises(DiagnosticsError, match="between 1 and 19"):
        simulate_sampling(df, group="g", sample_size=20)
    with pytest.raises(DiagnosticsError, match="Repeats"):
        simulate_sampling(df, group="g", sample_size=5, repeats=0)
