"""The augmentation strategy registry: every strategy is one entry that carries its own code.

A strategy works on a training fold held as a *prepared* feature frame
(:func:`analysis.features.prepare_frame`: numbers as floats with NaN, categories
and text as strings) with class codes. It says whether it can run on the data
(:meth:`AugmentStrategy.skip_reason`) and builds its own transformer
(:meth:`AugmentStrategy.make_augmenter`): an :class:`Augmenter` whose
``fit_resample(X, y)`` returns the fold's rows unchanged, in order, followed by
the synthetic rows it made from them (imbalanced-learn's convention), with
``sample_weight_`` when it weights rows. The comparison and the download call
it on training rows only; test rows are never augmented.

Adding a strategy is one ``AUGMENTATIONS.register(...)`` call with a subclass
that writes :meth:`AugmentStrategy.generate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..features import MISSING_TOKEN
from ..registry import Registry
from .errors import UnknownAugmentationError
from .templates import TemplateSet, label_key, synthesize

__all__ = [
    "AUGMENTATIONS",
    "DEFAULT_AUGMENTATIONS",
    "AugmentStrategy",
    "Augmenter",
    "Layout",
    "eda_words",
]


@dataclass(frozen=True)
class Layout:
    """The feature columns of a prepared frame by kind, and the classes (codes index ``classes``)."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    text: tuple[str, ...]
    classes: tuple[Any, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical + self.text


_Generated = tuple[pd.DataFrame, np.ndarray, np.ndarray | None]


@dataclass(frozen=True)
class AugmentStrategy:
    """One augmentation: its name, a one-line explanation, what it needs; the baseline (adds nothing) by default."""

    name: str
    label: str
    explanation: str

    def skip_reason(self, layout: Layout, *, class_rows: dict[Any, int], templates: TemplateSet | None) -> str | None:
        """Why this strategy cannot run on data with this layout and these training-fold class sizes, or ``None``."""
        return None

    def generate(self, X: pd.DataFrame, y: np.ndarray, *, layout: Layout, rng: np.random.Generator,
                 templates: TemplateSet | None) -> _Generated:
        """The synthetic rows made from one training fold: (rows, class codes, sample weights or ``None``)."""
        return X.iloc[:0], y[:0], None

    def make_augmenter(self, layout: Layout, *, seed: int = 0, templates: TemplateSet | None = None) -> Augmenter:
        """This strategy's transformer for training folds (seeded: the same fold gives the same rows)."""
        return Augmenter(self, layout, seed, templates)


class Augmenter:
    """A strategy's transformer: ``fit_resample(X, y)`` -> the rows and then the synthetic rows.

    After a call, ``sample_weight_`` holds one weight per output row (1 for
    original rows) or ``None``, and ``n_original_`` the number of input rows.
    """

    def __init__(self, strategy: AugmentStrategy, layout: Layout, seed: int, templates: TemplateSet | None) -> None:
        self.strategy, self.layout, self.seed, self.templates = strategy, layout, seed, templates
        self.sample_weight_: np.ndarray | None = None
        self.n_original_ = 0

    def fit_resample(self, X: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        y = np.asarray(y, dtype=np.int64)
        X = X.reset_index(drop=True)
        rng = np.random.default_rng(self.seed)
        new_x, new_y, new_w = self.strategy.generate(X, y, layout=self.layout, rng=rng, templates=self.templates)
        self.n_original_ = len(X)
        if new_w is not None:
            self.sample_weight_ = np.concatenate([np.ones(len(X)), np.asarray(new_w, dtype=float)])
        else:
            self.sample_weight_ = None
        if not len(new_x):
            return X, y
        out = pd.concat([X, new_x[list(X.columns)].reset_index(drop=True)], ignore_index=True)
        for c in X.columns:  # keep each column's kind (floats stay floats, strings stay objects)
            out[c] = out[c].astype(X[c].dtype) if X[c].dtype.kind == "f" else out[c].astype(object)
        return out, np.concatenate([y, np.asarray(new_y, dtype=np.int64)])


def _no_numeric(layout: Layout, what: str) -> str | None:
    if not layout.numeric:
        return (f"{what} changes numeric features; this table has none (text or categories only). "
                "Use eda or templates for text.")
    return None


def _mix(X: pd.DataFrame, i: np.ndarray, j: np.ndarray, lam: np.ndarray, layout: Layout) -> pd.DataFrame:
    """Rows ``lam * X[i] + (1 - lam) * X[j]`` on numbers; categories and text from the parent of larger weight.

    A number missing in one parent is taken from the parent of larger weight.
    """
    a = X.iloc[i].reset_index(drop=True)
    b = X.iloc[j].reset_index(drop=True)
    first = lam >= 0.5
    out = a.copy()
    for c in X.columns:
        if c in layout.numeric:
            va, vb = a[c].to_numpy(dtype=float), b[c].to_numpy(dtype=float)
            mixed = lam * va + (1 - lam) * vb
            out[c] = np.where(np.isnan(mixed), np.where(first, va, vb), mixed)
        else:
            out[c] = np.where(first, a[c].to_numpy(dtype=object), b[c].to_numpy(dtype=object))
    return out


def _pairs_within_class(y: np.ndarray, per_row: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``round(per_row x n_c)`` random ordered pairs of rows of the same class c, for every class with 2+ rows."""
    firsts, seconds = [], []
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)
        m = int(round(per_row * len(idx)))
        if len(idx) < 2 or m == 0:
            continue
        i = rng.choice(idx, m)
        # a different row of the same class: shift by 1..n_c-1 positions within the class
        pos = np.searchsorted(idx, i)
        j = idx[(pos + rng.integers(1, len(idx), m)) % len(idx)]
        firsts.append(i)
        seconds.append(j)
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(firsts), np.concatenate(seconds)


@dataclass(frozen=True)
class GaussianNoise(AugmentStrategy):
    """``copies`` copies of every row with N(0, (sigma x sd)^2) noise on each numeric feature."""

    copies: int = 2
    sigma: float = 0.1

    def skip_reason(self, layout, *, class_rows, templates):
        return _no_numeric(layout, self.label)

    def generate(self, X, y, *, layout, rng, templates):
        n = len(X)
        rows = np.tile(np.arange(n), self.copies)
        out = X.iloc[rows].reset_index(drop=True)
        for c in layout.numeric:
            values = X[c].to_numpy(dtype=float)
            sd = float(np.nanstd(values)) if np.isfinite(values).any() else 0.0
            out[c] = values[rows] + rng.normal(0.0, 1.0, len(rows)) * self.sigma * sd
        return out, y[rows], None


@dataclass(frozen=True)
class MixupWithin(AugmentStrategy):
    """One new row per training row: a convex combination of two rows of the same class (weight ~ Beta(a, a))."""

    alpha: float = 0.4
    per_row: float = 1.0

    def skip_reason(self, layout, *, class_rows, templates):
        return _no_numeric(layout, self.label)

    def generate(self, X, y, *, layout, rng, templates):
        i, j = _pairs_within_class(y, self.per_row, rng)
        lam = rng.beta(self.alpha, self.alpha, len(i))
        return _mix(X, i, j, lam, layout), y[i], None


@dataclass(frozen=True)
class MixupAcross(AugmentStrategy):
    """Convex combinations of any two rows; the label of the larger weight, that weight kept as ``sample_weight``."""

    alpha: float = 0.4
    per_row: float = 1.0

    def skip_reason(self, layout, *, class_rows, templates):
        return _no_numeric(layout, self.label)

    def generate(self, X, y, *, layout, rng, templates):
        n = len(X)
        m = int(round(self.per_row * n))
        i = rng.integers(0, n, m)
        j = (i + rng.integers(1, n, m)) % n  # another row
        lam = rng.beta(self.alpha, self.alpha, m)
        labels = np.where(lam >= 0.5, y[i], y[j])
        return _mix(X, i, j, lam, layout), labels, np.maximum(lam, 1 - lam)


@dataclass(frozen=True)
class FeatureSwap(AugmentStrategy):
    """CutMix for tables: a row of a class with a share of its feature columns taken from another row of that class."""

    share: float = 0.3
    per_row: float = 1.0

    def skip_reason(self, layout, *, class_rows, templates):
        if len(layout.columns) < 2:
            return f"{self.label} swaps some feature columns between rows; this table has {len(layout.columns)} feature column."
        return None

    def generate(self, X, y, *, layout, rng, templates):
        i, j = _pairs_within_class(y, self.per_row, rng)
        cols = list(layout.columns)
        k = max(1, int(round(self.share * len(cols))))
        out = X.iloc[i].reset_index(drop=True)
        donor = X.iloc[j].reset_index(drop=True)
        # each new row takes k columns, chosen at random, from its donor
        chosen = np.argsort(rng.random((len(i), len(cols))), axis=1)[:, :k]
        take = np.zeros((len(i), len(cols)), dtype=bool)
        np.put_along_axis(take, chosen, True, axis=1)
        for pos, c in enumerate(cols):
            mask = take[:, pos]
            if mask.any():
                values = out[c].to_numpy(dtype=float if c in layout.numeric else object).copy()
                values[mask] = donor[c].to_numpy(dtype=values.dtype)[mask]
                out[c] = values
        return out, y[i], None


@dataclass(frozen=True)
class SmoteEvery(AugmentStrategy):
    """imbalanced-learn's SMOTE (SMOTENC with categories) growing every class by ``growth`` x its size."""

    growth: float = 1.0
    k_neighbors: int = 5

    def skip_reason(self, layout, *, class_rows, templates):
        reason = _no_numeric(layout, self.label)
        if reason:
            return reason
        small = {k: c for k, c in class_rows.items() if c < self.k_neighbors + 1}
        if small:
            label, count = min(small.items(), key=lambda kc: kc[1])
            return (f"{self.label} needs at least k_neighbors + 1 = {self.k_neighbors + 1} rows of class {label!r} "
                    f"in every training fold; it has {count}.")
        return None

    def generate(self, X, y, *, layout, rng, templates):
        from imblearn.over_sampling import SMOTE

        from .._smotenc import smotenc

        num = X[list(layout.numeric)].to_numpy(dtype=float)
        med = np.where(np.isnan(np.nanmedian(num, axis=0)), 0.0, np.nanmedian(num, axis=0)) if len(num) else 0.0
        num = np.where(np.isnan(num), med, num)
        mean, sd = num.mean(axis=0), num.std(axis=0)
        sd = np.where(sd > 0, sd, 1.0)
        parts, vocab = [(num - mean) / sd], {}
        for c in layout.categorical:
            codes, uniques = pd.factorize(X[c].astype(str), sort=True)
            vocab[c] = np.asarray(uniques, dtype=object)
            parts.append(codes.reshape(-1, 1).astype(float))
        Z = np.hstack(parts)
        counts = np.bincount(y)
        goal = {int(k): int(counts[k] + round(self.growth * counts[k])) for k in np.unique(y)}
        seed = int(rng.integers(2**31 - 1))
        p = len(layout.numeric)
        if layout.categorical:
            sampler: Any = smotenc(categorical_features=list(range(p, Z.shape[1])), sampling_strategy=goal,
                                   k_neighbors=self.k_neighbors, random_state=seed)
        else:
            sampler = SMOTE(sampling_strategy=goal, k_neighbors=self.k_neighbors, random_state=seed)
        Zr, yr = sampler.fit_resample(Z, y)
        new = Zr[len(y):]
        out = pd.DataFrame({c: new[:, k] * sd[k] + mean[k] for k, c in enumerate(layout.numeric)})
        for k, c in enumerate(layout.categorical):
            out[c] = vocab[c][new[:, p + k].round().astype(int)]
        for c in layout.text:
            out[c] = ""  # SMOTE interpolates numbers and categories, not documents
        return out[list(X.columns)], yr[len(y):], None


def eda_words(text: str, rng: np.random.Generator, share: float = 0.1) -> str:
    """EDA without synonyms (Wei & Zou 2019): ``max(1, round(share x words))`` random swaps, deletions or
    insertions of words already in ``text`` (an inserted word is a copy of one of its words)."""
    words = text.split()
    if len(words) < 2:
        return text
    original = list(words)
    for _ in range(max(1, int(round(share * len(words))))):
        op = int(rng.integers(3))
        if op == 0:
            a, b = rng.choice(len(words), 2, replace=False)
            words[a], words[b] = words[b], words[a]
        elif op == 1 and len(words) > 1:
            del words[int(rng.integers(len(words)))]
        else:
            words.insert(int(rng.integers(len(words) + 1)), original[int(rng.integers(len(original)))])
    return " ".join(words)


@dataclass(frozen=True)
class TextEDA(AugmentStrategy):
    """``copies`` copies of every row whose text columns had words swapped, deleted or repeated (EDA, no synonyms)."""

    copies: int = 1
    share: float = 0.1

    def skip_reason(self, layout, *, class_rows, templates):
        if not layout.text:
            return f"{self.label} changes free-text columns; this table has none."
        return None

    def generate(self, X, y, *, layout, rng, templates):
        rows = np.tile(np.arange(len(X)), self.copies)
        out = X.iloc[rows].reset_index(drop=True)
        for c in layout.text:
            out[c] = np.array([v if v == MISSING_TOKEN else eda_words(str(v), rng, self.share)
                               for v in out[c].to_numpy()], dtype=object)
        return out, y[rows], None


def template_column(layout: Layout, templates: TemplateSet) -> str | None:
    """The text column the templates fill: their ``column``, else the first text column."""
    if templates.column is not None:
        return templates.column if templates.column in layout.text else None
    return layout.text[0] if layout.text else None


def template_codes(labels: pd.Series, classes: tuple[Any, ...]) -> np.ndarray:
    """Class code of each template label (matched as text: ``1`` and ``"1"`` are one class), -1 for none."""
    lookup = {label_key(c): k for k, c in enumerate(classes)}
    return np.array([lookup.get(label_key(v), -1) for v in labels], dtype=np.int64)


@dataclass(frozen=True)
class TemplateSynthesis(AugmentStrategy):
    """Every combination of the user's templates added to each training fold, in the text column they fill."""

    def skip_reason(self, layout, *, class_rows, templates):
        if templates is None:
            return f"{self.label} needs templates (write them on the page, or --templates FILE)."
        if template_column(layout, templates) is None:
            where = (f"the column {templates.column!r} is not a free-text feature" if templates.column is not None
                     else "this table has no free-text feature column")
            return f"{self.label} fills a text column; {where}."
        rows = synthesize(templates)
        if (template_codes(rows["label"], layout.classes) < 0).all():
            return (f"None of the template labels ({', '.join(sorted({str(v) for v in rows['label']}))}) is a class "
                    f"of the target ({', '.join(map(str, layout.classes))}).")
        return None

    def generate(self, X, y, *, layout, rng, templates):
        assert templates is not None
        rows = synthesize(templates)
        codes = template_codes(rows["label"], layout.classes)
        keep = codes >= 0
        column = template_column(layout, templates)
        n = int(keep.sum())
        out = pd.DataFrame(index=range(n))
        for c in X.columns:
            if c == column:
                out[c] = rows["text"].to_numpy(dtype=object)[keep]
            elif c in layout.numeric:
                out[c] = np.full(n, np.nan)
            elif c in layout.text:
                out[c] = ""
            else:
                out[c] = MISSING_TOKEN
        return out, codes[keep], None


#: Every augmentation strategy, in display order (iterating gives the names).
AUGMENTATIONS: Registry[AugmentStrategy] = Registry("augmentation strategy", UnknownAugmentationError)
for _entry in (
    AugmentStrategy("none", "No augmentation", "The baseline: the training folds as they are."),
    GaussianNoise("gaussian_noise", "Gaussian-noise copies",
                  "Two noisy copies of every training row: each number moved by 0.1 of its training-fold standard deviation."),
    MixupWithin("mixup", "Mixup within class",
                "New rows on the segment between two training rows of the same class (weight ~ Beta(0.4, 0.4))."),
    MixupAcross("mixup_across", "Mixup across classes",
                "New rows between any two training rows, labelled by the larger weight, which becomes the row's weight."),
    FeatureSwap("feature_swap", "Feature swap (CutMix for tables)",
                "New rows that take 30% of their feature values from another training row of the same class."),
    SmoteEvery("smote_all", "SMOTE on every class",
               "imbalanced-learn's SMOTE doubling every class by interpolating between nearest neighbours of a class."),
    TextEDA("eda", "Text EDA (swap, delete, insert)",
            "A copy of every row whose text had 10% of its words swapped, deleted or repeated (words of the row only)."),
    TemplateSynthesis("templates", "Template synthesis",
                      "Labelled sentences made from your templates and value lists, added to every training fold."),
):
    AUGMENTATIONS.register(_entry)

#: The strategies a comparison runs when none are named.
DEFAULT_AUGMENTATIONS: tuple[str, ...] = ("none", "gaussian_noise", "mixup", "smote_all", "eda")
