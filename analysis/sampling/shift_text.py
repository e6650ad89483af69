"""Shift of free-text columns: text length, vocabulary and out-of-vocabulary rate (as Evidently reports them).

A free-text column cannot be compared value by value (every review is new), so
``shift`` skips it as a feature and reports it here instead:

* **length**: characters per text; the two-sample Kolmogorov-Smirnov test
  (``scipy.stats.ks_2samp``) and the Wasserstein-1 distance of the lengths
  divided by the reference's standard deviation (the numeric features' effect size);
* **vocabulary**: tokens are scikit-learn's default word pattern
  (``(?u)\\b\\w\\w+\\b``, lower-cased, as ``CountVectorizer`` tokenises);
  the distinct tokens of each file, and their Jaccard overlap;
* **out-of-vocabulary rate**: the share of the current file's tokens (counted
  with repeats) that never occur in the reference.

A text column drifts when its length shifts (KS p-value below ``alpha`` and
effect at least the numeric threshold) or when at least ``OOV_THRESHOLD``
(20%) of the current tokens are new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["OOV_THRESHOLD", "TOKEN_PATTERN", "TextShift", "text_shift", "tokens"]

#: scikit-learn's CountVectorizer default token pattern.
TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")
#: Share of new tokens in the current file at which a text column counts as drifted.
OOV_THRESHOLD = 0.2


def tokens(text: str) -> list[str]:
    """The lower-cased word tokens of ``text`` (scikit-learn's default pattern).

    >>> tokens("Great value, a GREAT buy!")
    ['great', 'value', 'great', 'buy']
    """
    return TOKEN_PATTERN.findall(text.lower())


@dataclass(frozen=True)
class TextShift:
    """Length, vocabulary and out-of-vocabulary drift of one text column."""

    name: str
    n_reference: int
    n_current: int
    length_reference_mean: float | None
    length_current_mean: float | None
    length_statistic: float | None
    length_p_value: float | None
    length_effect: float | None
    vocabulary_reference: int
    vocabulary_current: int
    vocabulary_jaccard: float | None
    oov_rate: float | None
    drift: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def text_shift(reference: pd.Series, current: pd.Series, *, name: str, alpha: float = 0.05,
               length_threshold: float = 0.1) -> TextShift:
    """Compare one free-text column between two files (missing cells left out).

    Examples
    --------
    >>> t = text_shift(pd.Series(["good phone", "bad phone"]), pd.Series(["good laptop"]), name="t")
    >>> t.vocabulary_reference, t.vocabulary_current, t.oov_rate
    (3, 2, 0.5)
    """
    a = reference.dropna().astype(str)
    b = current.dropna().astype(str)
    len_a = a.str.len().to_numpy(dtype=float)
    len_b = b.str.len().to_numpy(dtype=float)
    statistic = p_value = effect = None
    if len(len_a) and len(len_b):
        ks = stats.ks_2samp(len_a, len_b)
        statistic, p_value = float(ks.statistic), float(ks.pvalue)
        sd = float(np.std(len_a))
        effect = float(stats.wasserstein_distance(len_a, len_b) / sd) if sd > 0 else (
            0.0 if np.array_equal(np.unique(len_a), np.unique(len_b)) else float("inf"))
    vocab_a: set[str] = set()
    for text in a:
        vocab_a.update(tokens(text))
    current_tokens = [tok for text in b for tok in tokens(text)]
    vocab_b = set(current_tokens)
    union = vocab_a | vocab_b
    oov = (sum(tok not in vocab_a for tok in current_tokens) / len(current_tokens)) if current_tokens else None
    drift = bool(
        (p_value is not None and effect is not None and p_value < alpha and effect >= length_threshold)
        or (oov is not None and oov >= OOV_THRESHOLD)
    )
    return TextShift(
        name=name, n_reference=int(len(a)), n_current=int(len(b)),
        length_reference_mean=float(len_a.mean()) if len(len_a) else None,
        length_current_mean=float(len_b.mean()) if len(len_b) else None,
        length_statistic=statistic, length_p_value=p_value,
        length_effect=effect if effect is None or np.isfinite(effect) else None,
        vocabulary_reference=len(vocab_a), vocabulary_current=len(vocab_b),
        vocabulary_jaccard=(len(vocab_a & vocab_b) / len(union)) if union else None,
        oov_rate=oov, drift=drift,
    )
