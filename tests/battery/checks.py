"""Checks every registered diagnostic must pass, in the manner of imbalanced-learn's
estimator checks (``imblearn.utils.estimator_checks``): one function per property,
each callable on any registry entry, so a toy entry registered in a test is
checked by the same code as the real ones.
"""

from __future__ import annotations

import functools
import json

import pandas as pd

from analysis.cli.common import jsonable
from analysis.diagnostics import Diagnostic, Roles
from analysis.errors import DiagnosticsError
from analysis.results import SEVERITIES, Result

from . import tables

#: Fields that measure wall time: the only ones allowed to differ between two runs.
TIMING_KEYS = frozenset({"seconds", "fit_seconds", "elapsed_seconds", "created_utc"})


def run(diagnostic: Diagnostic, frame: pd.DataFrame, roles: Roles):
    """Run, letting only project errors through as a value; anything else fails the check."""
    try:
        return diagnostic.run(frame, roles)
    except DiagnosticsError as exc:
        assert str(exc).strip(), f"{diagnostic.name}: a project error with an empty message"
        return exc


@functools.cache
def _plain_result(diagnostic: Diagnostic):
    """The entry's result on the plain table, computed once per process for the checks that only read it
    (the result protocol, JSON safety, the reference verdict of the dtype checks); the checks of mutation and
    determinism run it afresh."""
    frame = tables.plain()
    return diagnostic.run(frame, tables.roles_for(frame))


def _untimed(value):
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def check_result_protocol(diagnostic: Diagnostic) -> None:
    result = _plain_result(diagnostic)
    assert isinstance(result, Result), f"{diagnostic.name}: {type(result).__name__} lacks the result protocol"
    assert isinstance(result.verdict, str) and result.verdict, diagnostic.name
    assert result.severity in SEVERITIES, (diagnostic.name, result.severity)
    assert isinstance(result.verdict_text, str) and result.verdict_text.strip(), diagnostic.name
    assert isinstance(result.notes, tuple) and all(isinstance(n, str) for n in result.notes), diagnostic.name
    assert isinstance(result.to_frame(), pd.DataFrame), diagnostic.name


def check_to_dict_json_safe(diagnostic: Diagnostic) -> None:
    payload = _plain_result(diagnostic).to_dict()
    json.dumps(payload)  # only Python types: no numpy scalars, no objects
    json.dumps(jsonable(payload), allow_nan=False)  # what the CLI prints is strict JSON


def check_input_not_mutated(diagnostic: Diagnostic) -> None:
    frame = tables.plain()
    roles = tables.roles_for(frame)
    before, second_before = frame.copy(deep=True), roles.second.copy(deep=True)
    diagnostic.run(frame, roles)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(roles.second, second_before)


def check_deterministic(diagnostic: Diagnostic) -> None:
    frame = tables.plain()
    roles = tables.roles_for(frame)
    first = _untimed(jsonable(diagnostic.run(frame, roles).to_dict()))
    second = _untimed(jsonable(diagnostic.run(frame.copy(), roles).to_dict()))
    assert first == second, f"{diagnostic.name}: two runs with the same seed differ"


def check_single_class(diagnostic: Diagnostic) -> None:
    frame = tables.single_class(tables.plain())
    run(diagnostic, frame, tables.roles_for(frame, second=tables.single_class(tables.plain(11))))


def check_nans(diagnostic: Diagnostic) -> None:
    frame = tables.with_nans(tables.plain())
    out = run(diagnostic, frame, tables.roles_for(frame, second=tables.with_nans(tables.plain(11))))
    if isinstance(out, Exception):
        return
    json.dumps(jsonable(out.to_dict()), allow_nan=False)


def _same_verdict_under(diagnostic: Diagnostic, transform, what: str) -> None:
    """The diagnostic accepts the table in other dtypes and reaches the same verdict as on the plain one."""
    plain = tables.plain()
    frame = transform(plain)
    out = run(diagnostic, frame, tables.roles_for(frame, second=transform(tables.plain(11))))
    assert not isinstance(out, Exception), f"{diagnostic.name} refuses {what}: {out}"
    expected = _plain_result(diagnostic)
    assert out.verdict == expected.verdict, (diagnostic.name, out.verdict, expected.verdict)


def check_nullable_dtypes(diagnostic: Diagnostic) -> None:
    _same_verdict_under(diagnostic, tables.nullable, "nullable dtypes")


def check_categorical_dtypes(diagnostic: Diagnostic) -> None:
    _same_verdict_under(diagnostic, tables.categorical, "categorical dtypes")


def check_unicode_column_names(diagnostic: Diagnostic) -> None:
    plain = tables.plain()
    frame, m = tables.unicode_names(plain)
    second, _ = tables.unicode_names(tables.plain(11))
    roles = tables.roles_for(
        frame, target=m["y"], group=m["region"], annotators=tuple(m[a] for a in ("a1", "a2", "a3")),
        lfs=(m["lf1"], m["lf2"]), second=second,
    )
    out = run(diagnostic, frame, roles)
    assert not isinstance(out, Exception), f"{diagnostic.name} refuses unicode column names: {out}"
    json.dumps(jsonable(out.to_dict()), allow_nan=False)


def check_duplicate_column_names(diagnostic: Diagnostic) -> None:
    frame = tables.duplicate_names(tables.plain())
    run(diagnostic, frame, tables.roles_for(frame, second=tables.duplicate_names(tables.plain(11))))


CHECKS = (
    check_result_protocol,
    check_to_dict_json_safe,
    check_input_not_mutated,
    check_deterministic,
    check_single_class,
    check_nans,
    check_nullable_dtypes,
    check_categorical_dtypes,
    check_unicode_column_names,
    check_duplicate_column_names,
)


def check_diagnostic(diagnostic: Diagnostic) -> None:
    """Every check on one entry (what a test that registers a toy diagnostic calls)."""
    for check in CHECKS:
        check(diagnostic)
