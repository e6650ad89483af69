"""The one fixed perturbation the augmentation comparison scores strategies under.

Kept in one place (:func:`perturb_for_evaluation`); it applies two of the
robustness registry's perturbations (:data:`analysis.robustness.PERTURBATIONS`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..features import is_text

__all__ = ["NOISE_SD", "PERTURBATION", "WORD_DROPOUT", "perturb_for_evaluation"]

#: Gaussian noise on numeric features, in standard deviations of each feature (over the frame perturbed).
NOISE_SD = 0.25
#: Share of words dropped from text features.
WORD_DROPOUT = 0.10
#: What the perturbed scores mean, in words (results and pages say it).
PERTURBATION = (f"Gaussian noise of {NOISE_SD:g} standard deviations on every numeric feature and "
                f"{WORD_DROPOUT:.0%} of words dropped from every text feature")


def perturb_for_evaluation(
    frame: pd.DataFrame, rng: np.random.Generator, *, text_columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """A perturbed copy of a prepared feature frame (``analysis.features.prepare_frame``): the evaluation's noise.

    Numeric (float) columns get ``N(0, (NOISE_SD * sd)^2)`` noise, ``sd`` the
    column's standard deviation over ``frame`` (the registry's ``gaussian_noise``);
    text columns (``text_columns``, default: the columns :func:`analysis.features.is_text`
    calls text) lose :data:`WORD_DROPOUT` of their words (``word_dropout``). Other
    columns are unchanged. ``frame`` is not modified.

    Examples
    --------
    >>> f = pd.DataFrame({"x": np.arange(1000.0), "t": ["a b c d"] * 1000})
    >>> out = perturb_for_evaluation(f, np.random.default_rng(0), text_columns=["t"])
    >>> abs(float((out["x"] - f["x"]).std() / f["x"].std()) - 0.25) < 0.02, bool(out["t"].str.split().str.len().lt(4).any())
    (True, True)
    """
    from ..robustness import PERTURBATIONS, ColumnKinds

    texts = [c for c in frame.columns if is_text(frame[c])] if text_columns is None else list(text_columns)
    numeric = tuple(c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype))
    kinds = ColumnKinds(numeric=numeric, text=tuple(c for c in texts if c in frame.columns and c not in numeric))
    # The robustness lab's own perturbations (one implementation of each), with the frame's statistics.
    out = PERTURBATIONS["gaussian_noise"].apply(frame, NOISE_SD, rng, columns=kinds)
    return PERTURBATIONS["word_dropout"].apply(out, WORD_DROPOUT, rng, columns=kinds)
