"""The perturbation registry: one class per kind of damage a test fold can suffer.

Each entry has a ``name``, a one-line ``explanation``, the column kinds it
applies to (``"numeric"``, ``"categorical"``, ``"text"``), its default strength
ladder, and ``apply(X_test_frame, strength, rng, *, columns=, reference=)``
returning a new frame (the input is never changed). ``reference`` holds what
the training fold says about each column (standard deviations, observed
categories), so a test fold is perturbed with training-fold statistics only.
Strength 0 returns the frame unchanged.

Adding a kind is one :meth:`Registry.register` call with a :class:`Perturbation`
instance: the CLI's ``--perturbations``, the page and the harness list
:data:`PERTURBATIONS`. Nothing here downloads a word list or a model: the text
kinds (``analysis.robustness.text``) use a QWERTY map written in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import DiagnosticsError
from ..features import is_text
from ..registry import Registry

if TYPE_CHECKING:
    from .matrix import FoldMatrix

__all__ = [
    "KINDS",
    "PERTURBATIONS",
    "ColumnKinds",
    "FoldReference",
    "Perturbation",
    "RobustnessError",
    "UnknownPerturbationError",
]

#: The column kinds a perturbation can apply to.
KINDS = ("numeric", "categorical", "text")
#: Default ladders: multiples of each feature's standard deviation, and probabilities.
NOISE_LADDER = (0.05, 0.1, 0.25, 0.5, 1.0)
PROBABILITY_LADDER = (0.05, 0.1, 0.2, 0.3, 0.5)


class RobustnessError(DiagnosticsError):
    """The robustness run cannot go ahead with these settings on this data."""

    code = "bad_robustness_settings"


class UnknownPerturbationError(RobustnessError):
    code = "unknown_perturbation"


@dataclass(frozen=True)
class ColumnKinds:
    """The feature columns of a frame by kind (what a perturbation may touch)."""

    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    text: tuple[str, ...] = ()

    def of(self, kind: str) -> tuple[str, ...]:
        return {"numeric": self.numeric, "categorical": self.categorical, "text": self.text}[kind]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical + self.text

    def only(self, column: str) -> ColumnKinds:
        """The same kinds restricted to one column (per-feature sensitivity)."""
        return ColumnKinds(*(tuple(c for c in self.of(k) if c == column) for k in KINDS))

    @classmethod
    def infer(cls, frame: pd.DataFrame) -> ColumnKinds:
        """Numbers are numeric, free text (:func:`analysis.features.is_text`) is text, the rest categorical."""
        parts: dict[str, list[str]] = {k: [] for k in KINDS}
        for name in frame.columns:
            col = frame[name]
            if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
                parts["numeric"].append(name)
            elif is_text(col):
                parts["text"].append(name)
            else:
                parts["categorical"].append(name)
        return cls(*(tuple(parts[k]) for k in KINDS))


@dataclass(frozen=True, eq=False)
class FoldReference:
    """Training-fold statistics: the standard deviation (ddof=1) of each numeric column, the observed
    values of each categorical column (sorted by their text)."""

    std: Mapping[str, float] = field(default_factory=dict)
    values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, columns: ColumnKinds) -> FoldReference:
        std: dict[str, float] = {}
        if columns.numeric:
            x = frame[list(columns.numeric)].to_numpy(dtype=float, na_value=np.nan)
            present = (~np.isnan(x)).sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                sd = np.nanstd(np.where(present > 1, x, 0.0), axis=0, ddof=1)  # all-missing columns: 0, no warning
            std = {c: float(v) if n > 1 else 0.0 for c, v, n in zip(columns.numeric, sd, present)}
        values = {c: tuple(sorted(pd.unique(frame[c].dropna()), key=str)) for c in columns.categorical}
        return cls(std=std, values=values)


class Perturbation:
    """One kind of perturbation. Subclasses set the class attributes and ``_column``.

    ``strength_label`` says what the strength means (a multiple of the standard
    deviation, a probability); ``describe(strength)`` says it in words for verdicts.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    explanation: ClassVar[str]
    applies_to: ClassVar[tuple[str, ...]]
    strengths: ClassVar[tuple[float, ...]] = PROBABILITY_LADDER
    strength_label: ClassVar[str] = "probability per value"

    def describe(self, strength: float) -> str:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def skip_reason(self, columns: ColumnKinds) -> str | None:
        """Why this kind cannot run on a table with these feature columns, or ``None``."""
        if any(columns.of(k) for k in self.applies_to):
            return None
        kinds = " or ".join(self.applies_to)
        return f"{self.title} needs {kinds} feature columns; this table has none."

    def apply(
        self, frame: pd.DataFrame, strength: float, rng: np.random.Generator, *,
        columns: ColumnKinds | None = None, reference: FoldReference | None = None,
    ) -> pd.DataFrame:
        """A perturbed copy of ``frame`` (only the columns of the kinds this perturbation applies to change).

        ``columns`` defaults to :meth:`ColumnKinds.infer` of the frame and
        ``reference`` to the frame's own statistics (pass the training fold's).
        """
        if not (np.isfinite(strength) and strength >= 0):
            raise RobustnessError(f"A perturbation strength must be a number of at least 0; got {strength!r}.")
        if strength == 0:
            return frame.copy(deep=False)  # columns are replaced, never written into: the input stays as it was
        columns = ColumnKinds.infer(frame) if columns is None else columns
        reference = FoldReference.from_frame(frame, columns) if reference is None else reference
        new = {}
        for kind in self.applies_to:
            for name in columns.of(kind):
                values = np.asarray(self._column(frame[name], kind, float(strength), rng, reference, name))
                # numbers stay float; anything else stays object (no text-dtype inference on every call)
                new[name] = values.astype(float, copy=False) if kind == "numeric" else pd.Series(
                    values, index=frame.index, dtype=object)
        # one constructor call, not an assignment per column (the harness calls this for every strength)
        return pd.DataFrame({c: new[c] if c in new else frame[c] for c in frame.columns}, index=frame.index)

    def apply_matrix(
        self, m: FoldMatrix, strength: float, rng: np.random.Generator, *, columns: ColumnKinds,
        reference: FoldReference,
    ) -> FoldMatrix | None:
        """The same perturbation of a test fold held as arrays (:class:`analysis.robustness.matrix.FoldMatrix`):
        the same random draws in the same order as :meth:`apply`, so the same values; ``None`` when this kind
        has no array form (the harness then perturbs the DataFrame with :meth:`apply`). ``strength`` > 0."""
        return None

    def _column(
        self, col: pd.Series, kind: str, strength: float, rng: np.random.Generator, reference: FoldReference,
        name: str,
    ) -> pd.Series:  # pragma: no cover - every kind overrides it
        raise NotImplementedError


def _floats(col: pd.Series) -> np.ndarray:
    """The column's values as a new float array (never a view of the input)."""
    return np.array(col.to_numpy(dtype=float, na_value=np.nan), dtype=float, copy=True)


class _NumericBlock(Perturbation):
    """A numeric-only kind that perturbs all its columns in one array operation (``_block``); the random
    numbers are drawn column after column, as ``_column`` would draw them, so both give the same values."""

    def apply(self, frame, strength, rng, *, columns=None, reference=None):
        if not (np.isfinite(strength) and strength >= 0):
            raise RobustnessError(f"A perturbation strength must be a number of at least 0; got {strength!r}.")
        columns = ColumnKinds.infer(frame) if columns is None else columns
        if strength == 0 or not columns.numeric:
            return frame.copy(deep=False)
        reference = FoldReference.from_frame(frame, columns) if reference is None else reference
        names = list(columns.numeric)
        x = frame[names].to_numpy(dtype=float, na_value=np.nan)
        out = self._block(x, float(strength), rng, np.array([reference.std.get(c, 0.0) for c in names]))
        new = pd.DataFrame(out, columns=names, index=frame.index)
        return pd.DataFrame({c: new[c] if c in new else frame[c] for c in frame.columns}, index=frame.index)

    def apply_matrix(self, m, strength, rng, *, columns, reference):
        names = list(columns.numeric)
        if not names:
            return m
        positions = [m.position[c] for c in names]
        std = np.array([reference.std.get(c, 0.0) for c in names])
        if positions == list(range(m.numeric.shape[1])):  # every numeric column: no copy to write into
            return m.perturbed(numeric=self._block(m.numeric, float(strength), rng, std), changed=set(names))
        x = m.numeric.copy()
        x[:, positions] = self._block(m.numeric[:, positions], float(strength), rng, std)
        return m.perturbed(numeric=x, changed=set(names))

    def _block(self, x: np.ndarray, strength: float, rng: np.random.Generator, std: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover


class GaussianNoise(_NumericBlock):
    name = "gaussian_noise"
    title = "Gaussian noise"
    explanation = ("Adds normal noise with a standard deviation of strength x each numeric feature's "
                   "training-fold standard deviation (measurement error).")
    applies_to = ("numeric",)
    strengths = NOISE_LADDER
    strength_label = "noise sigma (x feature std)"

    def describe(self, strength: float) -> str:
        return f"{strength:.0%} noise on numeric features"

    def _column(self, col, kind, strength, rng, reference, name):
        x = _floats(col)
        sigma = strength * reference.std.get(name, 0.0)
        if not np.isfinite(sigma):
            sigma = 0.0
        return pd.Series(x + rng.normal(0.0, 1.0, len(x)) * sigma, index=col.index, name=col.name)

    def _block(self, x, strength, rng, std):
        sigma = np.where(np.isfinite(std), strength * std, 0.0)
        draws = rng.standard_normal((x.shape[1], x.shape[0])).T  # column after column, like _column
        return x + draws * sigma


class Scaling(_NumericBlock):
    name = "scaling"
    title = "Multiplicative scaling"
    explanation = ("Multiplies each numeric feature by 1 + strength or divides it by 1 + strength (the direction "
                   "drawn per column): a unit or calibration drift.")
    applies_to = ("numeric",)
    strengths = NOISE_LADDER
    strength_label = "scale change (factor 1 + s)"

    def describe(self, strength: float) -> str:
        return f"scaling numeric features by {1 + strength:g} (or 1/{1 + strength:g})"

    def _column(self, col, kind, strength, rng, reference, name):
        factor = (1.0 + strength) ** (1 if rng.random() < 0.5 else -1)
        return pd.Series(_floats(col) * factor, index=col.index, name=col.name)

    def _block(self, x, strength, rng, std):
        signs = np.array([1 if rng.random() < 0.5 else -1 for _ in range(x.shape[1])])
        return x * (1.0 + strength) ** signs


class CategoryFlip(Perturbation):
    name = "category_flip"
    title = "Category flips"
    explanation = ("Replaces each categorical value, with probability strength, by another value of the same "
                   "column seen in the training fold (a data-entry mix-up).")
    applies_to = ("categorical",)

    def describe(self, strength: float) -> str:
        return f"{strength:.0%} of categorical values flipped"

    def _column(self, col, kind, strength, rng, reference, name):
        vocab = list(reference.values.get(name, ()))
        draw = rng.random(len(col))
        other = rng.integers(0, max(len(vocab) - 1, 1), len(col))
        out = col.astype(object).copy()
        if len(vocab) < 2:
            return out
        codes = pd.Index(vocab, dtype=object).get_indexer(col.astype(object)).astype(np.int64)  # -1: missing or unseen
        mask = (draw < strength) & col.notna().to_numpy()
        # another value than the current one, uniformly: skip over the current code
        new = np.where(codes >= 0, (codes + 1 + other) % len(vocab), other % len(vocab))
        values = np.empty(len(vocab), dtype=object)
        values[:] = vocab
        out[mask] = values[new[mask]]
        return out

    def apply_matrix(self, m, strength, rng, *, columns, reference):
        codes = m.codes.copy()
        for name in columns.categorical:  # the draws of _column, column after column
            j = m.position[name]
            n_vocab = len(reference.values.get(name, ()))
            draw = rng.random(m.n_rows)
            other = rng.integers(0, max(n_vocab - 1, 1), m.n_rows)
            if n_vocab < 2:
                continue
            at = m.vocab_index[j]
            new = np.where(at >= 0, (at + 1 + other) % n_vocab, other % n_vocab)
            codes[:, j] = np.where((draw < strength) & m.present[j], m.vocab_codes[j][new], codes[:, j])
        return m.perturbed(codes=codes, changed=set(columns.categorical))


class MissingValues(Perturbation):
    name = "missing"
    title = "Missing values"
    explanation = "Empties each feature value (numeric, categorical or text), with probability strength."
    applies_to = KINDS

    def describe(self, strength: float) -> str:
        return f"{strength:.0%} of feature values removed"

    def _column(self, col, kind, strength, rng, reference, name):
        mask = rng.random(len(col)) < strength
        if kind == "numeric":
            x = _floats(col)
            x[mask] = np.nan
            return pd.Series(x, index=col.index, name=col.name)
        out = col.astype(object).copy()
        out[mask] = None
        return out

    def apply_matrix(self, m, strength, rng, *, columns, reference):
        x, codes, text = m.numeric.copy(), m.codes.copy(), dict(m.text)
        for name in columns.numeric:  # the draws of _column: numeric, categorical, then text columns
            x[rng.random(m.n_rows) < strength, m.position[name]] = np.nan
        for name in columns.categorical:
            j = m.position[name]
            codes[rng.random(m.n_rows) < strength, j] = m.missing_code[j]
        for name in columns.text:
            mask = rng.random(m.n_rows) < strength
            text[name] = text[name].copy()
            text[name][mask] = None
        return m.perturbed(numeric=x, codes=codes, text=text, changed=set(columns.columns))


PERTURBATIONS: Registry[Perturbation] = Registry("perturbation", UnknownPerturbationError)
for _kind in (GaussianNoise(), Scaling(), CategoryFlip(), MissingValues()):
    PERTURBATIONS.register(_kind)
