"""The registry of diagnostics: every analysis the product runs on a table, by name.

Each entry says which column roles it needs (a target, a group column,
annotator columns, labeling-function columns, a second table), whether it fits
a model, and how to run it through the public API. The shared test battery
(``tests/battery``) runs every entry on the same awkward tables, so a new
diagnostic is checked the moment it is registered here.

>>> sorted(DIAGNOSTICS)[:3]
['agreement', 'bias', 'class_balance']
>>> DIAGNOSTICS["overview"].needs
frozenset({'target'})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import DiagnosticsError
from .registry import Registry
from .results import Result

__all__ = ["DIAGNOSTICS", "Diagnostic", "Roles", "UnknownDiagnosticError", "register"]


class UnknownDiagnosticError(DiagnosticsError):
    code = "unknown_diagnostic"


@dataclass(frozen=True)
class Roles:
    """The columns (and second table) a diagnostic is run with."""

    target: str | None = None
    group: str | None = None
    reference: Mapping[Any, float] | None = None  # expected shares of ``group``
    annotators: tuple[str, ...] = ()
    lfs: tuple[str, ...] = ()
    abstain: Any = -1
    second: pd.DataFrame | None = field(default=None, compare=False, hash=False)
    seed: int = 0


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic: its name, what it needs, and how to run it.

    ``run(frame, roles)`` calls the public analysis API and returns a result
    that follows :class:`analysis.results.Result`.
    """

    name: str
    title: str
    needs: frozenset[str]
    run: Callable[[pd.DataFrame, Roles], Result]
    model_based: bool = False

    def applicable(self, roles: Roles) -> bool:
        have = {
            "target": roles.target is not None,
            "group": roles.group is not None,
            "reference": roles.reference is not None,
            "annotators": len(roles.annotators) >= 2,
            "lfs": len(roles.lfs) >= 1,
            "second": roles.second is not None,
        }
        return all(have[n] for n in self.needs)


def _need(value: str | None, role: str) -> str:
    """A role the entry declared in ``needs`` (the registry only runs applicable entries)."""
    if value is None:
        raise DiagnosticsError(f"This diagnostic needs a {role} column; none was given.")
    return value


DIAGNOSTICS: Registry[Diagnostic] = Registry("diagnostic", UnknownDiagnosticError)


def register(name: str, title: str, *needs: str, model_based: bool = False):
    """Decorator: register ``fn(frame, roles) -> Result`` as a diagnostic."""

    def wrap(fn: Callable[[pd.DataFrame, Roles], Result]) -> Callable[[pd.DataFrame, Roles], Result]:
        DIAGNOSTICS.register(Diagnostic(name, title, frozenset(needs), fn, model_based))
        return fn

    return wrap


# The public API is imported inside each runner: `import analysis.diagnostics`
# stays as light as `import analysis` (the heavy libraries load on first use).
@register("overview", "Overview", "target")
def _overview(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import overview

    return overview(frame, target=_need(roles.target, "target"))


@register("class_balance", "Class balance", "target")
def _class_balance(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import class_balance

    return class_balance(frame, target=_need(roles.target, "target"))


@register("duplicates", "Duplicates and conflicting labels", "target")
def _duplicates(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import duplicate_summary

    return duplicate_summary(frame, target=_need(roles.target, "target"))


@register("near_duplicates", "Near-duplicates and conflicting near-duplicates", "target")
def _near_duplicates(frame: pd.DataFrame, roles: Roles) -> Result:
    from .overview import near_duplicate_summary

    return near_duplicate_summary(frame, target=_need(roles.target, "target"))


@register("outliers", "Outlier rows", "target", model_based=True)
def _outliers(frame: pd.DataFrame, roles: Roles) -> Result:
    from .overview import outlier_summary

    return outlier_summary(frame, target=_need(roles.target, "target"))


@register("bias", "Representativeness against a reference", "group", "reference")
def _bias(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import bias_report

    return bias_report(frame, group=_need(roles.group, "group"), reference=dict(roles.reference or {}), target=roles.target)


@register("missingness_by_group", "Missing values by group", "group")
def _missing_by_group(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import missingness_by_group

    return missingness_by_group(frame, group=_need(roles.group, "group"))


@register("label_by_group", "Label rate by group", "group", "target")
def _label_by_group(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import label_by_group

    return label_by_group(frame, group=_need(roles.group, "group"), target=_need(roles.target, "target"))


@register("simulate_sampling", "Sampling simulator", "group")
def _simulate(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import simulate_sampling

    return simulate_sampling(frame, group=_need(roles.group, "group"), target=roles.target, repeats=20, seed=roles.seed)


@register("shift", "Shift between two tables", "second", model_based=True)
def _shift(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import shift

    return shift(frame, roles.second, target=roles.target, classifier_rows=500, folds=3, seed=roles.seed)


@register("agreement", "Inter-annotator agreement", "annotators")
def _agreement(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import agreement

    return agreement(frame, annotators=list(roles.annotators))


@register("consensus", "Consensus labels", "annotators")
def _consensus(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import consensus_labels

    return consensus_labels(frame, annotators=list(roles.annotators))


@register("label_issues", "Label-error suspects", "target", model_based=True)
def _label_issues(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import label_issues

    return label_issues(frame, target=_need(roles.target, "target"), folds=3, seed=roles.seed)


@register("weak_labels", "Weak supervision", "lfs")
def _weak(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import weak_labels

    return weak_labels(frame, lfs=list(roles.lfs), abstain=roles.abstain)


@register("compare", "Rebalancing strategies", "target", model_based=True)
def _compare(frame: pd.DataFrame, roles: Roles) -> Result:
    from . import compare_strategies

    return compare_strategies(frame, target=_need(roles.target, "target"), strategies=["none", "class_weight", "random_over"],
                              folds=2, seed=roles.seed, n_jobs=1)


# --- what the columns say (issue 14) ------------------------------------------------------
@register("leakage", "Leakage suspects", "target", model_based=True)
def _leakage(frame: pd.DataFrame, roles: Roles) -> Result:
    from .columns import LeakageSettings, leakage_suspects

    return leakage_suspects(frame, target=_need(roles.target, "target"),
                            settings=LeakageSettings(folds=3, seed=roles.seed))


@register("feature_associations", "Per-feature association with the target", "target")
def _feature_associations(frame: pd.DataFrame, roles: Roles) -> Result:
    from .columns import feature_associations

    return feature_associations(frame, target=_need(roles.target, "target"), seed=roles.seed)


@register("integrity", "Data integrity (mixed types, spelling variants)")
def _integrity(frame: pd.DataFrame, roles: Roles) -> Result:
    from .columns import integrity

    return integrity(frame)


# --- dataset card (issue 12) --------------------------------------------------------------------
@register("dataset_card", "Dataset card (the measured facts, no model)", "target")
def _dataset_card(frame: pd.DataFrame, roles: Roles) -> Result:
    from .card import build_card

    return build_card(frame, target=_need(roles.target, "target"), measure=())
