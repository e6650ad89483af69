"""A test fold held as arrays, so a perturbation changes numbers and codes instead of a DataFrame.

The robustness ladder perturbs the same test fold twenty times and more. Going
through a perturbed copy of the raw DataFrame each time (build it, prepare every
touched column again, hash category rows) cost more than the predictions. A
:class:`FoldMatrix` holds the fold once, as the fitted preprocessing reads it:

- ``numeric``: the float matrix of the numeric features (the plan's frame keeps
  numbers as float, so this *is* the prepared numeric input: perturbing it here
  and perturbing the DataFrame give the same floats);
- ``codes``: one integer code per categorical value, into ``strings`` (the
  prepared text of each code: the clean fold's own values, the training fold's
  observed values a flip can draw, and the missing token);
- ``text``: the raw text values (text kinds keep the DataFrame route).

A perturbation with an array form (:meth:`Perturbation.apply_matrix`) draws the
very random numbers its :meth:`Perturbation.apply` draws, in the same order, and
:meth:`analysis.robustness.predict.FoldPredictor.predict_matrix` rebuilds only the
blocks whose columns changed (``changed``); ``tests/analysis/test_robustness_matrix.py``
checks both against the DataFrame route, value for value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..features import MISSING_TOKEN, prepare_frame
from .perturbations import ColumnKinds, FoldReference

__all__ = ["FoldMatrix", "prepared_column"]


def prepared_column(col: pd.Series) -> np.ndarray:
    """:func:`analysis.features.prepare_frame` of one column, for text and categories computed on its distinct
    values only (a flipped or emptied column repeats a few values; preparing them is the costly part)."""
    if col.dtype.kind == "f":  # numbers are already float in the plan's frame: prepare_frame keeps them as they are
        return col.to_numpy(dtype=float, na_value=np.nan)
    codes, uniques = pd.factorize(col.to_numpy(dtype=object), use_na_sentinel=False)
    prepared = prepare_frame(pd.DataFrame({"v": pd.Series(uniques, dtype=object)}), ["v"])["v"].to_numpy(dtype=object)
    return prepared[codes]


def _prepared_text(values: list[object]) -> np.ndarray:
    """:func:`analysis.features.prepare_frame` of a few raw values (object array of str)."""
    frame = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    return prepare_frame(frame, ["v"])["v"].to_numpy(dtype=object)


@dataclass(frozen=True, eq=False)
class FoldMatrix:
    """One test fold as arrays (see the module doc); ``changed`` names the columns that differ from clean."""

    columns: ColumnKinds
    numeric: np.ndarray  # (n, len(columns.numeric)) float
    codes: np.ndarray  # (n, len(columns.categorical)) int64, into strings[j]
    strings: tuple[np.ndarray, ...]  # per categorical column: code -> prepared text
    text: Mapping[str, np.ndarray]  # text column -> raw values (object)
    position: Mapping[str, int]  # numeric or categorical column -> its index in numeric / codes
    # per categorical column, for flips: the raw value's index in the training fold's observed values
    # (-1: missing or unseen, as ``pd.Index.get_indexer`` says), the value's presence, and the code of
    # each observed value and of the missing token
    vocab_index: tuple[np.ndarray, ...]
    present: tuple[np.ndarray, ...]
    vocab_codes: tuple[np.ndarray, ...]
    missing_code: tuple[int, ...]
    changed: frozenset[str] = field(default_factory=frozenset)

    @property
    def n_rows(self) -> int:
        return int(self.numeric.shape[0])

    @classmethod
    def from_fold(cls, raw: pd.DataFrame, prepared: pd.DataFrame, columns: ColumnKinds,
                  reference: FoldReference) -> FoldMatrix:
        """``raw``: the fold's rows of the plan's frame; ``prepared``: the same rows as
        :func:`analysis.features.prepare_frame` made them; ``reference``: the training fold's statistics."""
        n = len(raw)
        numeric = (raw[list(columns.numeric)].to_numpy(dtype=float, na_value=np.nan) if columns.numeric
                   else np.empty((n, 0)))
        codes = np.empty((n, len(columns.categorical)), dtype=np.int64)
        strings, vocab_index, present, vocab_codes, missing_code = [], [], [], [], []
        for j, name in enumerate(columns.categorical):
            col = raw[name].astype(object)
            clean_codes, uniques = pd.factorize(prepared[name].to_numpy(dtype=object))
            table = list(uniques)
            vocab = list(reference.values.get(name, ()))
            seen = set(table)
            table += [s for s in dict.fromkeys(_prepared_text(vocab).tolist() + [MISSING_TOKEN]) if s not in seen]
            lookup = {s: i for i, s in enumerate(table)}
            codes[:, j] = clean_codes
            strings.append(np.array(table, dtype=object))
            # the same call CategoryFlip makes on a DataFrame column
            vocab_index.append(pd.Index(vocab, dtype=object).get_indexer(col).astype(np.int64))
            present.append(col.notna().to_numpy())
            vocab_codes.append(np.array([lookup[s] for s in _prepared_text(vocab)], dtype=np.int64))
            missing_code.append(lookup[MISSING_TOKEN])
        position = {c: i for i, c in enumerate(columns.numeric)} | {c: j for j, c in enumerate(columns.categorical)}
        text = {c: raw[c].to_numpy(dtype=object) for c in columns.text}
        return cls(columns, numeric, codes, tuple(strings), text, position, tuple(vocab_index), tuple(present),
                   tuple(vocab_codes), tuple(missing_code))

    def perturbed(self, *, numeric: np.ndarray | None = None, codes: np.ndarray | None = None,
                  text: Mapping[str, np.ndarray] | None = None, changed: frozenset[str] | set[str]) -> FoldMatrix:
        """A copy with some arrays replaced (the others are shared, never written into)."""
        return replace(self, numeric=self.numeric if numeric is None else numeric,
                       codes=self.codes if codes is None else codes,
                       text=self.text if text is None else text, changed=frozenset(changed))

    def prepared_column(self, name: str) -> np.ndarray:
        """The column as the fitted preprocessing reads it (float numbers; text with the missing token)."""
        if name in self.text:
            return prepared_column(pd.Series(self.text[name], dtype=object))
        j = self.position[name]
        if name in self.columns.numeric:
            return self.numeric[:, j]
        return self.strings[j][self.codes[:, j]]
