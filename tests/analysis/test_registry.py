"""The registry: the one place an unknown name is checked, with the project's error and what exists."""

from dataclasses import dataclass

import pytest

from analysis.errors import DiagnosticsError, UnknownModelError, UnknownStrategyError
from analysis.registry import Registry


@dataclass(frozen=True)
class _Entry:
    name: str
    value: int = 0


def _registry(error=UnknownStrategyError) -> Registry:
    reg = Registry("strategy", error)
    reg.register(_Entry("smote", 1))
    reg.register(_Entry("undersample", 2))
    return reg


def test_unknown_name_raises_the_given_project_error_with_the_available_names():
    reg = _registry()
    with pytest.raises(UnknownStrategyError) as info:
        reg["smotee"]
    assert isinstance(info.value, DiagnosticsError)
    assert info.value.available == ("smote", "undersample")
    assert str(info.value) == "Unknown strategy 'smotee'; choose one of: smote, undersample."
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_each_registry_raises_its_own_error_type():
    with pytest.raises(UnknownModelError):
        _registry(UnknownModelError)["svm"]


def test_an_error_type_without_available_still_gets_the_message():
    with pytest.raises(KeyError, match="choose one of: smote, undersample"):
        _registry(KeyError)["x"]


def test_mapping_behaviour_order_and_registration_rules():
    reg = _registry()
    assert list(reg) == ["smote", "undersample"] == list(reg.names())
    assert [e.value for e in reg.values()] == [1, 2]
    assert "smote" in reg and "x" not in reg and len(reg) == 2  # `in` never raises the lookup error
    assert reg.get("x") is None and reg.get("smote").value == 1
    with pytest.raises(ValueError, match="already registered"):
        reg.register(_Entry("smote", 9))
    reg.register(_Entry("smote", 9), replace=True)
    assert reg["smote"].value == 9
    reg.unregister("smote")
    assert reg.names() == ("undersample",)
