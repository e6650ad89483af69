"""The CLI's JSON on every bundled sample is exactly what it was before the
architecture move (issue 9): the golden files were captured from the pre-move
code with ``python -m tests.golden.capture``; only wall-time fields are dropped.

Reference: the product's own earlier output, whose numbers were checked against
scipy, scikit-learn, statsmodels, krippendorff and cleanlab by the feature tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .capture import HERE, run_case, written_files
from .cases import CASES

ROOT = HERE.parent.parent


@pytest.mark.parametrize(("name", "argv"), CASES, ids=[c[0] for c in CASES])
def test_cli_output_matches_golden(name, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = json.loads((HERE / f"{name}.json").read_text())
    code, payload, err = run_case(argv, os.fspath(tmp_path))
    assert code == expected["exit"]
    assert err == expected["stderr"]
    assert payload == expected["stdout"]
    assert written_files(os.fspath(tmp_path)) == expected["files"]
