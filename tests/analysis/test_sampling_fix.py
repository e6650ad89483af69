"""Reweighting, raking, stratified resampling and their downloads (analysis/sampling/reweight.py, resample.py, fix.py).

References: hand-derived post-stratification weights (q_g / p_g); for raking,
the closed-form IPF solution of a 2 x 2 table (IPF keeps the sample's odds
ratio while matching both margins: Bishop, Fienberg & Holland, *Discrete
Multivariate Analysis*, ch. 3), worked out in the test; pandas for weighted
shares; the CSV reader of pandas for the download.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ReferenceSharesError
from analysis.sampling import poststratification_weights, rake, resample_csv, stratified_resample, weighted_csv
from sample_data import sample_path

POPULATION = {"north": 0.22, "south": 0.24, "east": 0.18, "west": 0.20, "central": 0.16}
COUNTS = {"north": 7014, "south": 5090, "east": 3487, "west": 3230, "central": 1210}  # sample_data/README.md


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return pd.read_csv(sample_path("transactions.csv"))


def test_poststratification_weights_are_q_over_p(transactions):
    rw = poststratification_weights(transactions, group="region", reference=POPULATION)
    n = 20_031
    for value, count in COUNTS.items():
        w = rw.weights[(transactions["region"] == value).to_numpy()]
        assert np.allclose(w, POPULATION[value] / (count / n))  # by hand: q_g / p_g, mean weight 1
    weighted = pd.Series(rw.weights).groupby(transactions["region"]).sum() / rw.weights.sum()  # pandas
    assert weighted.to_dict() == pytest.approx(POPULATION, abs=1e-12)
    assert rw.weights.sum() == pytest.approx(n)
    assert rw.converged and rw.iterations == 1
    # Kish's effective sample size (sum w)^2 / sum w^2, by hand from the group weights.
    w_g = {v: POPULATION[v] * n / c for v, c in COUNTS.items()}
    kish = n**2 / sum(c * w_g[v] ** 2 for v, c in COUNTS.items())
    assert rw.effective_sample_size == pytest.approx(kish)


def test_raking_2x2_closed_form():
    # Sample cells (a, b): xu 40, xv 10, yu 20, yv 30; targets a: x .5 y .5, b: u .4 v .6.
    # IPF keeps the odds ratio 40*30 / (10*20) = 6. With t_xu = s: t_xv = .5 - s, t_yu = .4 - s,
    # t_yv = .1 + s and s(.1 + s) = 6 (.5 - s)(.4 - s) -> 5 s^2 - 5.5 s + 1.2 = 0 -> s = 0.3.
    # Raked cells .3 .2 .1 .4; weights = cell target / cell sample share: .75, 2, .5, 4/3.
    df = pd.DataFrame({"a": ["x"] * 50 + ["y"] * 50, "b": ["u"] * 40 + ["v"] * 10 + ["u"] * 20 + ["v"] * 30})
    rw = rake(df, margins={"a": {"x": 0.5, "y": 0.5}, "b": {"u": 0.4, "v": 0.6}}, tol=1e-12)
    assert rw.converged and rw.max_margin_error < 1e-6
    cell = df["a"] + df["b"]
    expected = cell.map({"xu": 0.75, "xv": 2.0, "yu": 0.5, "yv": 4 / 3}).to_numpy()
    np.testing.assert_allclose(rw.weights, expected, atol=1e-6)


def test_raking_three_margins_on_transactions(transactions):
    margins = {
        "region": POPULATION,
        "device": {"mobile": 0.5, "desktop": 0.3, "tablet": 0.2},
        "payment_method": {"card_present": 0.3, "online": 0.3, "contactless": 0.2, "mobile_wallet": 0.2},
    }
    rw = rake(transactions, margins=margins, tol=1e-10)
    assert rw.converged and rw.iterations > 1
    kept = transactions["device"].notna().to_numpy()
    assert rw.n_zero_weight == 200 and (rw.weights[~kept] == 0).all()  # README: 200 rows miss device
    for col, target in margins.items():
        shares = pd.Series(rw.weights).groupby(transactions[col].to_numpy()).sum() / rw.weights.sum()  # pandas
        for value, share in target.items():
            assert shares[value] == pytest.approx(share, abs=1e-6)
    assert "200 rows have no value in 'device': weight 0." in rw.notes


def test_raking_reports_non_convergence():
    # b = v never occurs with a = y, and a = y needs half the weight while b = v needs 90 %: impossible.
    df = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "u"]})
    rw = rake(df, margins={"a": {"x": 0.5, "y": 0.5}, "b": {"u": 0.1, "v": 0.9}}, max_iter=50)
    assert not rw.converged and rw.iterations == 50
    assert any("did not converge in 50 sweeps" in n for n in rw.notes)


def test_stratified_resample_without_and_with_replacement(transactions):
    rs = stratified_resample(transactions, group="region", reference=POPULATION, seed=1)
    # central limits the size: floor(1210 / 0.16) = 7562 rows; sizes by largest remainder of 7562 * q.
    assert len(rs.positions) == 7562 and len(np.unique(rs.positions)) == 7562
    out = rs.apply(transactions)
    counts = out["region"].value_counts().to_dict()
    assert counts == {"north": 1664, "south": 1815, "east": 1361, "west": 1512, "central": 1210}
    assert not rs.replace
    with pytest.raises(ReferenceSharesError, match="at most 7,562 rows .* allow upsampling"):
        stratified_resample(transactions, group="region", reference=POPULATION, n=10_000)
    up = stratified_resample(transactions, group="region", reference=POPULATION, n=10_000, replace=True)
    up_counts = up.apply(transactions)["region"].value_counts()
    assert up_counts.to_dict() == {"north": 2200, "south": 2400, "west": 2000, "east": 1800, "central": 1600}
    central = up.table.set_index("value").loc["central"]
    assert central["how"] == "upsampled with replacement"
    # every central row is kept once, the 390 extra are repeats
    assert set(up.positions[(transactions["region"].to_numpy()[up.positions] == "central")]) == set(
        np.flatnonzero(transactions["region"].to_numpy() == "central")
    )


def test_weighted_download_keeps_columns_and_protects_formulas():
    df = pd.DataFrame({"g": ["a", "a", "b", "b"], "note": ["=HYPERLINK(1)", "ok", "-3 stars", "+1"], "x": [-3.5, 1.0, 2.0, 3.0]})
    rw = poststratification_weights(df, group="g", reference={"a": 0.25, "b": 0.75})
    safe, recipe = weighted_csv(df, rw, source_name="d.csv", source_sha256="ab" * 32)
    back = pd.read_csv(io.BytesIO(safe.data))
    assert list(back.columns) == ["g", "note", "x", "sample_weight"]
    assert back["x"].tolist() == [-3.5, 1.0, 2.0, 3.0]  # numbers untouched
    assert back["note"].tolist() == ["'=HYPERLINK(1)", "ok", "'-3 stars", "+1"]  # +1 is a number, never prefixed
    assert back["sample_weight"].tolist() == pytest.approx([0.5, 0.5, 1.5, 1.5])  # q/p = .25/.5, .75/.5
    r = json.loads(recipe)
    assert r["settings"]["fix"] == "post-stratification" and r["settings"]["weight_column"] == "sample_weight"
    assert r["source"]["sha256"] == "ab" * 32 and r["output_rows"] == 4
    assert r["settings"]["formula_protection"]["cells"] == 2
    # An existing sample_weight column is never overwritten.
    out, name = rw.apply(df.assign(sample_weight=9))
    assert name == "sample_weight_2" and out["sample_weight"].eq(9).all()


def test_resample_download_states_replacement():
    df = pd.DataFrame({"g": ["a"] * 8 + ["b"] * 2, "v": range(10)})
    rs = stratified_resample(df, group="g", reference={"a": 0.5, "b": 0.5}, replace=True)
    safe, recipe = resample_csv(df, rs, source_name="d.csv", source_sha256="0" * 64)
    back = pd.read_csv(io.BytesIO(safe.data))
    assert list(back.columns) == ["g", "v"] and back["g"].value_counts().to_dict() == {"a": 5, "b": 5}
    r = json.loads(recipe)
    assert r["settings"]["upsampling_with_replacement"] is True
    assert any("upsampled with replacement" in n for n in r["settings"]["resample"]["notes"])
