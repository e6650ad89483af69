"""The sampling package's shared surface: the result protocol, typed settings, registries, group-column rule."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sample_data
from analysis.candidates import MAX_GROUPS, MAX_NUMERIC_GROUPS, group_candidates
from analysis.errors import DiagnosticsError, ReferenceSharesError
from analysis.results import Result
from analysis.sampling import (
    FIX_METHODS,
    SAMPLING_METHODS,
    BiasSettings,
    FixSettings,
    IntersectionSettings,
    ReferenceShares,
    SamplingMethod,
    ShiftSettings,
    SimulationSettings,
    bias_report,
    domain_classifier,
    feature_distribution,
    poststratification_weights,
    reference_shares,
    shift,
    simulate_sampling,
    stratified_resample,
)
from analysis.schema import infer_schema

DF = pd.DataFrame(
    {
        "g": ["a"] * 70 + ["b"] * 30,
        "y": [0, 1] * 50,
        "x": np.linspace(0, 1, 100),
        "m": [None] * 10 + [1.0] * 90,
    }
)
REF = {"a": 0.5, "b": 0.5}


def _results():
    rep = bias_report(DF, group="g", reference=REF, target="y")
    other = DF.assign(x=DF["x"] + 0.5)
    sh = shift(DF, other, target="y", classifier_rows=100)
    return [
        rep,
        rep.representation,
        rep.label_by_group,
        rep.missing_by_group,
        sh,
        sh.label_shift,
        domain_classifier(DF, other, features=["x"]),
        feature_distribution(DF["x"], other["x"]),
        simulate_sampling(DF, group="g", sample_size=20, repeats=3),
        poststratification_weights(DF, group="g", reference=REF),
        stratified_resample(DF, group="g", reference=REF),
    ]


def test_every_result_follows_the_protocol():
    for r in _results():
        assert isinstance(r, Result), type(r).__name__
        assert isinstance(r.verdict, str) and r.verdict
        assert r.severity in ("ok", "info", "warning", "critical")
        assert type(r).SEVERITY.get(r.verdict) == r.severity, (type(r).__name__, r.verdict)  # no verdict falls through
        assert isinstance(r.verdict_text, str) and r.verdict_text
        assert isinstance(r.notes, tuple)
        json.dumps(r.to_dict(), allow_nan=True, default=str)
        assert isinstance(r.to_frame(), pd.DataFrame)


def test_verdicts_follow_the_numbers():
    rep = bias_report(DF, group="g", reference=REF, target="y")
    assert (rep.verdict, rep.severity) == (rep.representation.verdict, rep.representation.severity)
    assert rep.representation.verdict.endswith("bias") and rep.severity in ("warning", "critical")
    assert rep.label_by_group.verdict == ("depends on group" if rep.label_by_group.chi_square.p_value < 0.05 else "independent")
    mbg = rep.missing_by_group
    assert mbg.verdict == ("depends on group" if mbg.flagged_columns else "independent")
    clean = bias_report(DF.drop(columns="m"), group="g", reference=REF).missing_by_group
    assert (clean.verdict, clean.verdict_text) == ("no missing values", "No missing values.")


def test_reference_shares_are_frozen_hashable_and_copied():
    given = {"a": 0.5, "b": 0.5}
    r = ReferenceShares("g", given, "typed shares", ["n"])
    given["c"] = 1.0
    assert r.shares == {"a": 0.5, "b": 0.5} and r.notes == ("n",)
    assert hash(r) == hash(ReferenceShares("g", {"a": 0.5, "b": 0.5}, "typed shares", ("n",)))
    assert r != ReferenceShares("g", {"b": 0.5, "a": 0.5}, "typed shares", ("n",)) or hash(r) != 0  # order is part of the key
    with pytest.raises(AttributeError):
        r.column = "h"  # type: ignore[misc]


def test_settings_are_hashable_and_run_the_same_analysis():
    ref = reference_shares(REF, group="g")
    settings = [
        BiasSettings(ref, tolerance=0.2),
        IntersectionSettings(("g", "y"), ref),
        SimulationSettings("g", "y", sample_size=20, repeats=3),
        ShiftSettings(target="y", classifier=False),
        FixSettings("raking", (ref, reference_shares({"0": 0.5, "1": 0.5}, group="y"))),
    ]
    assert len({hash(s) for s in settings}) == len(settings)
    assert BiasSettings(ref, tolerance=0.2).run(DF).to_dict() == bias_report(DF, group="g", reference=ref, tolerance=0.2).representation.to_dict()
    sim = SimulationSettings("g", "y", sample_size=20, repeats=3).run(DF)
    pd.testing.assert_frame_equal(sim.draws, simulate_sampling(DF, group="g", target="y", sample_size=20, repeats=3).draws)
    one = FixSettings("raking", (ref,)).run(DF)
    np.testing.assert_array_equal(one.weights, poststratification_weights(DF, group="g", reference=REF).weights)


def test_fix_registry_lists_the_page_options_and_refuses_unknown_names():
    assert FIX_METHODS.names() == ("post-stratification", "raking", "stratified resample")
    assert [m.label for m in FIX_METHODS.values()] == ["Post-stratification weights", "Raking (several group columns)", "Stratified resample"]
    with pytest.raises(ReferenceSharesError, match="Unknown fix method 'nope'; choose one of: post-stratification"):
        FixSettings("nope", (reference_shares(REF, group="g"),)).run(DF)


def test_a_toy_sampling_method_registers_in_one_place_and_runs():
    toy = SamplingMethod("toy: last N", lambda d, rng: np.arange(d.n - d.size, d.n))
    SAMPLING_METHODS.register(toy)
    try:
        r = simulate_sampling(DF, group="g", sample_size=30, repeats=2)
        last = r.draws[r.draws["method"] == "toy: last N"]["group_tvd"]
        # The last 30 rows are all "b": TVD = (abs(0 - 0.7) + abs(1 - 0.3)) / 2 = 0.7.
        assert last.tolist() == pytest.approx([0.7, 0.7])
    finally:
        SAMPLING_METHODS.unregister("toy: last N")
    with pytest.raises(DiagnosticsError, match="Unknown sampling method"):
        SAMPLING_METHODS["toy: last N"]


def test_group_candidates_rule():
    df = pd.DataFrame(
        {
            "region": ["n", "s"] * 50,
            "hour": list(range(20)) * 5,
            "many_codes": list(range(MAX_NUMERIC_GROUPS + 1)) * 3 + list(range(7)),
            "measure": np.linspace(0, 1, 100),
            "label": ["a", "b"] * 50,
        }
    )
    assert group_candidates(infer_schema(df), target="label") == ["region", "hour"]
    assert "label" in group_candidates(infer_schema(df), target=None)
    assert MAX_GROUPS == 100


def test_sample_defaults_of_the_page():
    assert sample_data.default_group_column("transactions.csv", ["device", "region"]) == "region"
    assert sample_data.default_group_column("other.csv", ["device", "region"]) == "device"
    assert sample_data.sample_path(sample_data.SAMPLE_REFERENCE_FILES["transactions.csv"]).exists()
