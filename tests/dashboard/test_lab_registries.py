"""A toy augmentation strategy and a toy perturbation kind are one registry entry each (issue 9's rule,
for the two registries issue 11 added): the CLI's ``--help`` lists them, the API runs them, and the
Augmentation lab's selectors offer them. The examples are those of docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from pagetest import open_page

from analysis.augment import AUGMENTATIONS, AugmentStrategy, compare_augmentations
from analysis.cli.main import build_parser
from analysis.robustness import PERTURBATIONS, Perturbation, RobustnessSettings, robustness


@dataclass(frozen=True)
class _Duplicate(AugmentStrategy):
    def generate(self, X, y, *, layout, rng, templates):
        return X.copy(), y.copy(), None  # one exact copy of every training row


class _Shift(Perturbation):
    name = "toy_shift"
    title = "Toy shift"
    explanation = "Adds strength x the training-fold standard deviation to every numeric feature."
    applies_to = ("numeric",)
    strengths = (0.5, 1.0)
    strength_label = "shift (x feature std)"

    def describe(self, strength: float) -> str:
        return f"a shift of {strength:g} standard deviations"

    def _column(self, col, kind, strength, rng, reference, name):
        return col.astype(float) + strength * reference.std.get(name, 0.0)


@pytest.fixture
def toys():
    AUGMENTATIONS.register(_Duplicate("toy_duplicate", "Toy duplicate", "A copy of every training row."))
    PERTURBATIONS.register(_Shift())
    try:
        yield
    finally:
        AUGMENTATIONS.unregister("toy_duplicate")
        PERTURBATIONS.unregister("toy_shift")


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    return pd.DataFrame({"x": x, "z": rng.normal(size=120), "y": np.where(x > 0.3, "a", "b")})


def _help(command: str) -> str:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices[command].format_help()


def test_toy_entries_are_listed_by_the_cli_and_run_by_the_api(toys):
    assert "toy_duplicate" in _help("augment") and "toy_shift" in _help("robustness")
    comparison = compare_augmentations(_table(), target="y", strategies=["none", "toy_duplicate"], folds=3)
    toy = comparison.result("toy_duplicate")
    assert not toy.skipped and toy.clean["balanced_accuracy"].mean > 0.7
    result = robustness(_table(), RobustnessSettings(target="y", perturbations=("toy_shift",), folds=3,
                                                     sensitivity=False))
    assert [p.kind for p in result.perturbations] == ["toy_shift", "toy_shift"]
    # a shift of one standard deviation moves predictions: the entry really ran
    assert result.perturbations[-1].flip_rate > 0


def test_toy_entries_are_offered_on_the_augmentation_lab(toys):
    from dashboard.state import augmentation as robust_state
    from dashboard.state import augmentation_strategies as strategy_state

    at = open_page("augmentation", sample="wine_imbalanced.csv")
    assert any(o.startswith("toy_shift") for o in at.multiselect(key=robust_state.AU_KINDS).options)
    assert any("Toy duplicate" in o for o in at.multiselect(key=strategy_state.AS_STRATEGIES).options)
