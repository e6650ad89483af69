"""The one fixed perturbation the augmentation comparison scores strategies under.

Kept in one place (:func:`perturb_for_evaluation`) so that it can be switched to
the robustness registry's perturbations without touching the comparison.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..features import is_text

__all__ = ["NOISE_SD", "PERTURBATION", "WORD_DROPOUT", "drop_words", "perturb_for_evaluation"]

#: Gaussian noise on numeric features, in standard deviations of each feature (over the frame perturbed).
NOISE_SD = 0.25
#: Share of words dropped from text features.
WORD_DROPOUT = 0.10
#: What the perturbed scores mean, in words (results and pages say it).
PERTURBATION = (f"Gaussian noise of {NOISE_SD:g} standard deviations on every numeric feature and "
                f"{WORD_DROPOUT:.0%} of words dropped from every text feature")


def drop_words(text: str, p: float, rng: np.random.Generator) -> str:
    """``text`` with each whitespace-separated word dropped with probability ``p`` (one word is always kept)."""
    words = text.split()
    if len(words) < 2:
        return text
    keep = rng.random(len(words)) >= p
    if not keep.any():
        keep[int(rng.integers(len(words)))] = True
    return " ".join(w for w, k in zip(words, keep, strict=True) if k)


def perturb_for_evaluation(
    frame: pd.DataFrame, rng: np.random.Generator, *, text_columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """A perturbed copy of a prepared feature frame (``analysis.features.prepare_frame``): the evaluation's noise.

    Numeric (float) columns get ``N(0, (NOISE_SD * sd)^2)`` noise, ``sd`` the
    column's standard deviation over ``frame`` (missing values stay missing);
    text columns (``text_columns``, default: the columns :func:`analysis.features.is_text`
    calls text) lose each word with probability :data:`WORD_DROPOUT`. Other
    columns are unchanged. ``frame`` is not modified.

    Examples
    --------
    >>> f = pd.DataFrame({"x": np.arange(1000.0), "t": ["a b c d"] * 1000})
    >>> out = perturb_for_evaluation(f, np.random.default_rng(0), text_columns=["t"])
    >>> abs(float((out["x"] - f["x"]).std() / f["x"].std()) - 0.25) < 0.02, bool(out["t"].str.split().str.len().lt(4).any())
    (True, True)
    """
    out = frame.copy()
    texts = [c for c in frame.columns if is_text(frame[c])] if text_columns is None else list(text_columns)
    for c in frame.columns:
        col = frame[c]
        if pd.api.types.is_float_dtype(col.dtype):
            values = col.to_numpy(dtype=float)
            sd = float(np.nanstd(values)) if np.isfinite(values).any() else 0.0
            out[c] = values + rng.normal(0.0, 1.0, len(values)) * NOISE_SD * sd
        elif c in texts:
            out[c] = np.array([drop_words(str(v), WORD_DROPOUT, rng) for v in col.to_numpy()], dtype=object)
    return out
