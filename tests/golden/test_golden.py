"""The CLI's JSON on every bundled sample is exactly what it was before the
architecture move (issue 9): the golden files were captured from the pre-move
code with ``make golden``; only wall-time fields are dropped.

Reference: the product's own earlier output, whose numbers were checked against
scipy, scikit-learn, statsmodels, krippendorff and cleanlab by the feature tests.

Floats are compared to a relative 1e-9, everything else exactly: numpy's SIMD
loops and OpenBLAS pick their kernels by CPU, and an AVX-512 machine sums in
another order than the AVX2 machine the files were captured on (measured on
2026-12-02: the largest relative difference over every float of every case was
2.9e-10, a Brier score's standard deviation; with numpy's AVX-512 loops and
OpenBLAS's SkylakeX kernel switched off, ``NPY_DISABLE_CPU_FEATURES="X86_V4
AVX512_ICL" OPENBLAS_CORETYPE=Haswell``, every float was equal bit for bit).
"""

from __future__ import annotations

import json
import math
import os

import pytest

from .capture import HERE, run_case, written_files
from .cases import CASES

ROOT = HERE.parent.parent

#: Keys added after the capture, per command group, so that no result key exists
#: only under some flags (issue 9). Each is a new key (its path, dot-separated,
#: list indices as ``[]``); no existing key may change. Keep to your group's line.
ADDED_KEYS: dict[str, set[str]] = {
    "report": {"leakage", "near_duplicates", "outliers", "outliers.sample", "outliers.beyond_sample"},

    "compare_fix": {"splits.near_duplicate_groups_kept_together", "splits.rows_in_near_duplicate_groups",
                    "recipe.settings.features_text", "text_features"},

    "bias_shift": {"weights_out", "text_features", "intersection", "features[].method", "features[].sketch"},

    "agreement_label_issues": {"bootstrap", "consensus", "pairwise[].cohen_kappa_linear", "pairwise[].cohen_kappa_quadratic", "consensus.annotator_accuracy", "consensus.class_priors", "consensus.converged", "consensus.n_iter", "consensus.verdict", "consensus.verdict_text"},

    "weak": {"verdict", "verdict_text", "lfs[].correct", "lfs[].incorrect", "lfs[].empirical_accuracy",
             "label_model.gold_accuracy", "lfs[].gold_ci_low", "lfs[].gold_ci_high", "lfs[].learned_minus_gold",
             "lfs[].learned_outside_gold_ci", "lfs[].learned_accuracy_warning", "lfs[].learned_accuracy_without_gold", "label_model.correlated_pairs",
             "label_model.lf_accuracy_check", "label_model.learned_accuracy_method", "label_model.learned_accuracy_left_out",
             "label_model.class_balance"},
    "provenance": {"files.train_provenance", "files.test_provenance", "weights_out.provenance", "output.provenance"},
    "engines": {"engine", "sample"},
}
_ADDED = set().union(*ADDED_KEYS.values())


def _drop_added(actual, expected, path: str = ""):
    """``actual`` without the listed keys that the golden file does not have."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return {
            k: _drop_added(v, expected.get(k), f"{path}.{k}" if path else k)
            for k, v in actual.items()
            if k in expected or (f"{path}.{k}" if path else k) not in _ADDED
        }
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        return [_drop_added(a, e, f"{path}[]") for a, e in zip(actual, expected)]
    return actual


#: Floats closer than this (relative) count as equal: the CPU's floating-point kernels, not the code (module doc).
REL_TOL = 1e-9


def _snap_floats(actual, expected):
    """``actual`` with each float within ``REL_TOL`` of the golden file's float replaced by that float, so that
    the equality below (and pytest's diff of it) shows only real differences."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return {k: _snap_floats(v, expected.get(k)) for k, v in actual.items()}
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        return [_snap_floats(a, e) for a, e in zip(actual, expected)]
    if isinstance(actual, float) and isinstance(expected, float) and math.isclose(
        actual, expected, rel_tol=REL_TOL, abs_tol=1e-15
    ):
        return expected
    return actual


def test_snap_floats_forgives_only_the_last_digits():
    golden = {"p": 0.5753666625946604, "n": 214, "rows": [{"score": 0.0034417858343731003}], "text": "0.58"}
    ulps = {"p": 0.57536666259466, "n": 214, "rows": [{"score": 0.0034417858343749573}], "text": "0.58"}
    assert _snap_floats(ulps, golden) == golden
    for changed in ({**ulps, "p": 0.5753667}, {**ulps, "n": 215}, {**ulps, "text": "0.59"},
                    {**ulps, "rows": [{"score": 0.00344179}]}, {**ulps, "p": 1}):
        assert _snap_floats(changed, golden) != golden


@pytest.mark.parametrize(("name", "argv"), CASES, ids=[c[0] for c in CASES])
def test_cli_output_matches_golden(name, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = json.loads((HERE / f"{name}.json").read_text())
    code, payload, err = run_case(argv, os.fspath(tmp_path))
    assert code == expected["exit"]
    assert err == expected["stderr"]
    assert _snap_floats(_drop_added(payload, expected["stdout"]), expected["stdout"]) == expected["stdout"]
    assert written_files(os.fspath(tmp_path)) == expected["files"]
