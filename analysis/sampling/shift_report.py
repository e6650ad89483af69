"""Distribution shift between two files (reference vs current: train vs production, train vs test).

Per feature (columns both files share, the target aside) a test and an effect
size (:mod:`analysis.sampling.shift_features`). The p-values are adjusted for
the number of features tested with Benjamini-Hochberg (statsmodels
``multipletests(method="fdr_bh")``). A feature is flagged as drifted only when
its adjusted p-value is below ``alpha`` (0.05) **and** its effect size reaches
``DRIFT_THRESHOLDS``, so a million rows do not flag every feature for a trivial
difference. The thresholds are the defaults Evidently uses for large data:
normalized Wasserstein 0.1, and Jensen-Shannon distance 0.1 *on Evidently's
natural-log scale* (``scipy.spatial.distance.jensenshannon`` with its default
base e). Our distances are reported in base 2 (so they lie in [0, 1]); the
same threshold in base 2 is 0.1 / sqrt(ln 2) = 0.1201 (a base-e distance is
the base-2 distance times sqrt(ln 2)), which is what ``DRIFT_THRESHOLDS``
holds. The JSON says so under ``js_base`` and ``js_threshold_natural_log``.

Multivariate: a domain classifier (:mod:`analysis.sampling.shift_domain`)
tries to tell the two files apart on a stated subsample of each (default
5,000 rows per file). Columns that identify rows (IDs, timestamps, free text)
are left out of tests and classifier: they differ by construction.

Also: label shift when both files carry the target (chi-square of the class
counts, Jensen-Shannon distance; drift when p < alpha and JS >= 0.05), and
rows that appear in both files (exact matches over the shared columns:
leakage between train and test).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar

import numpy as np
import pandas as pd

from ..errors import ShiftInputError
from ..intake.frames import is_native_table, takes_table
from ..results import ResultMixin, Severity
from ..schema import Role, infer_schema
from ..wording import count_noun, verb
from ._common import PSI_EPSILON
from .shift_domain import DomainClassifier, domain_classifier
from .shift_features import (
    FeatureShift,
    category_counts,
    compare_categories,
    feature_shift,
    is_numeric,
    skipped_feature,
)
from .shift_steps import _distinct_in_both, adjust_features, shift_columns, skip_reason
from .shift_text import TextShift, text_shift

__all__ = ["DRIFT_THRESHOLDS", "JS_BASE", "JS_THRESHOLD_NATURAL_LOG", "LABEL_SHIFT_JS", "LabelShift", "ShiftResult", "ShiftSettings",
           "adjust_features", "finish_shift", "label_shift_from_counts", "rows_in_both", "shift", "shift_columns", "skip_reason"]

#: Evidently's Jensen-Shannon threshold, on its natural-log scale.
JS_THRESHOLD_NATURAL_LOG = 0.1
#: Base of every Jensen-Shannon distance this package reports.
JS_BASE = 2
#: Effect-size thresholds for the drift decision (see the module docstring): the categorical one is
#: Evidently's 0.1 (natural log) on our base-2 scale, 0.1 / sqrt(ln 2) = 0.12011.
DRIFT_THRESHOLDS: dict[str, float] = {"numeric": 0.1, "categorical": JS_THRESHOLD_NATURAL_LOG / math.sqrt(math.log(2))}
#: Jensen-Shannon distance (base 2) of the class shares from which a label shift is flagged.
LABEL_SHIFT_JS = 0.05


@dataclass(frozen=True)
class ShiftSettings:
    """Settings of a two-file comparison (hashable; the dashboard's cache key besides the two files' hashes)."""

    target: str | None = None
    alpha: float = 0.05
    classifier: bool = True
    classifier_rows: int = 5_000
    folds: int = 5
    seed: int = 0

    def run(self, reference: pd.DataFrame, current: pd.DataFrame) -> ShiftResult:
        return shift(
            reference,
            current,
            target=self.target,
            alpha=self.alpha,
            classifier=self.classifier,
            classifier_rows=self.classifier_rows,
            folds=self.folds,
            seed=self.seed,
        )


@dataclass(frozen=True)
class LabelShift(ResultMixin):
    """Shift of the class shares of the target between the two files."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"no label shift": "ok", "label shift": "warning"}
    target: str
    reference_shares: dict[str, float]
    current_shares: dict[str, float]
    statistic: float
    p_value: float
    dof: int
    js_distance: float
    total_variation: float
    drift: bool

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "label shift" if self.drift else "no label shift"

    @property
    def verdict_text(self) -> str:
        if self.drift:
            return f"The class shares of '{self.target}' shifted (label shift)."
        return f"The class shares of '{self.target}' did not shift meaningfully."

    def to_frame(self) -> pd.DataFrame:
        keys = list(self.reference_shares)
        return pd.DataFrame(
            {"class": keys, "reference": [self.reference_shares[k] for k in keys], "current": [self.current_shares[k] for k in keys]}
        )

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "reference_shares": dict(self.reference_shares),
            "current_shares": dict(self.current_shares),
            "statistic": self.statistic,
            "p_value": self.p_value,
            "dof": self.dof,
            "js_distance": self.js_distance,
            "js_base": JS_BASE,
            "total_variation": self.total_variation,
            "drift": self.drift,
        }


@dataclass(frozen=True)
class ShiftResult(ResultMixin):
    """Per-feature tests, the domain classifier, label shift and shared rows of two files."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"no drift": "ok", "drift": "warning"}
    features: tuple[FeatureShift, ...]
    domain: DomainClassifier | None
    label_shift: LabelShift | None
    rows_in_both: int
    n_reference: int
    n_current: int
    alpha: float
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DRIFT_THRESHOLDS))
    notes: tuple[str, ...] = ()
    #: free-text columns: length, vocabulary and out-of-vocabulary drift (issue 14)
    text: tuple[TextShift, ...] = ()

    @property
    def drifted(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features if f.drift)

    @property
    def tested(self) -> tuple[FeatureShift, ...]:
        """The features that were tested (not skipped)."""
        return tuple(f for f in self.features if f.test != "skipped")

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "drift" if self.drifted or any(t.drift for t in self.text) else "no drift"

    @property
    def verdict_text(self) -> str:
        tested = self.tested
        parts = []
        if self.drifted:
            parts.append(f"{len(self.drifted)} of {count_noun(len(tested), 'feature')} drifted: {', '.join(self.drifted)}.")
        else:
            parts.append(f"No feature drifted by a meaningful amount ({len(tested):,} tested).")
        if self.domain is not None:
            parts.append(self.domain.verdict_text)
        if self.label_shift is not None and self.label_shift.drift:
            parts.append(f"The class shares of '{self.label_shift.target}' shifted (label shift).")
        text_drift = [t.name for t in self.text if t.drift]
        if text_drift:
            parts.append(f"{count_noun(len(text_drift), 'text column')} changed in length or vocabulary: "
                         f"{', '.join(text_drift)}.")
        if self.rows_in_both:
            parts.append(f"{count_noun(self.rows_in_both, 'row')} of the current file also {verb(self.rows_in_both, 'appears', 'appear')} in the reference (leakage if these are train and test).")
        return " ".join(parts)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([f.to_dict() for f in self.features])

    def text_frame(self) -> pd.DataFrame:
        """One line per free-text column: length, vocabulary and out-of-vocabulary drift."""
        return pd.DataFrame([t.to_dict() for t in self.text], columns=list(TextShift.__dataclass_fields__))

    def to_dict(self) -> dict:
        return {
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "alpha": self.alpha,
            "thresholds": dict(self.thresholds),
            "js_base": JS_BASE,
            "js_threshold_natural_log": JS_THRESHOLD_NATURAL_LOG,
            "psi_epsilon": PSI_EPSILON,
            "features": [f.to_dict() for f in self.features],
            "drifted": list(self.drifted),
            "domain_classifier_auc": self.domain.auc if self.domain is not None else None,
            "domain_classifier": self.domain.to_dict() if self.domain is not None else None,
            "label_shift": self.label_shift.to_dict() if self.label_shift is not None else None,
            "rows_in_both": self.rows_in_both,
            "text_features": [t.to_dict() for t in self.text],
            "verdict_text": self.verdict_text,
            "notes": list(self.notes),
        }



@takes_table("reference", "current", native=True)
def shift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    target: str | None = None,
    alpha: float = 0.05,
    thresholds: dict[str, float] | None = None,
    classifier: bool = True,
    classifier_rows: int = 5_000,
    folds: int = 5,
    seed: int = 0,
) -> ShiftResult:
    """Compare two files feature by feature, with a domain classifier, label shift and shared rows.

    Parameters
    ----------
    reference, current : DataFrame
        E.g. the training data and the production (or test) data. Either may be a DuckDB relation or a
        Spark DataFrame: the per-feature tests then count on that engine (:func:`analysis.engines.shift.engine_shift`).
    target : str, optional
        The label column: left out of the features; its class shares are compared when both files have it.
    alpha : float
        Level for the Benjamini-Hochberg adjusted p-values.
    thresholds : dict, optional
        Effect-size thresholds ``{"numeric": ..., "categorical": ...}`` (default ``DRIFT_THRESHOLDS``).
    classifier : bool
        Run the domain classifier.
    classifier_rows : int
        Rows drawn at random from each file for the classifier (all rows when a file has fewer).
    folds, seed : int

    Returns
    -------
    ShiftResult

    Raises
    ------
    ShiftInputError
        No shared column, an empty file, a bad alpha.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> a = pd.DataFrame({"x": rng.normal(0, 1, 400), "y": rng.normal(0, 1, 400)})
    >>> b = pd.DataFrame({"x": rng.normal(0.8, 1, 400), "y": rng.normal(0, 1, 400)})
    >>> shift(a, b, classifier=False).drifted
    ('x',)
    """
    if is_native_table(reference) or is_native_table(current):  # a DuckDB relation or a Spark DataFrame: count there
        from ..engines.shift import engine_shift, open_pair

        return engine_shift(*open_pair(reference, current), target=target, alpha=alpha, thresholds=thresholds,
                            classifier=classifier, classifier_rows=classifier_rows, folds=folds, seed=seed)[0]
    limits = dict(DRIFT_THRESHOLDS, **(thresholds or {}))
    common, features, notes = shift_columns(list(reference.columns), list(current.columns), len(reference), len(current),
                                            target=target, alpha=alpha)
    schema = infer_schema(reference[features])
    results: list[FeatureShift] = []
    texts: list[TextShift] = []
    for col in features:
        role = schema.role_of(str(col))
        if role is Role.TEXT:
            texts.append(text_shift(reference[col], current[col], name=str(col), alpha=alpha,
                                    length_threshold=limits["numeric"]))
        kind = "numeric" if is_numeric(reference[col]) and is_numeric(current[col]) else "categorical"
        reason = skip_reason(role, kind, partial(_distinct_in_both, reference[col], current[col]))
        if reason is not None:
            results.append(skipped_feature(str(col), kind, reference[col].notna().sum(), current[col].notna().sum(),
                                    float(reference[col].isna().mean()), float(current[col].isna().mean()), reason))
            continue
        results.append(feature_shift(reference[col], current[col], name=str(col), kind=kind))
    return finish_shift(
        results, texts, notes, reference=reference, current=current, common=common, target=target,
        target_counts=lambda t: (category_counts(reference[t]), category_counts(current[t])),
        n_reference=len(reference), n_current=len(current), alpha=alpha, limits=limits,
        classifier=classifier, classifier_rows=classifier_rows, folds=folds, seed=seed,
    )


def finish_shift(
    results: list[FeatureShift],
    texts: list[TextShift],
    notes: list[str],
    *,
    reference: pd.DataFrame,
    current: pd.DataFrame,
    common: list,
    target: str | None,
    target_counts: Callable[[str], tuple[pd.Series, pd.Series]],
    n_reference: int,
    n_current: int,
    alpha: float,
    limits: dict[str, float],
    classifier: bool,
    classifier_rows: int,
    folds: int,
    seed: int,
    extra_notes: tuple[str, ...] = (),
) -> ShiftResult:
    """What follows the per-feature tests: their Benjamini-Hochberg adjustment and drift flags, the domain
    classifier and rows in both files (on ``reference``/``current``: the tables, or an engine's samples of
    them), label shift from ``target_counts(target)`` (each file's class counts)."""
    results = adjust_features(results, alpha=alpha, limits=limits)
    usable = [f.name for f in results if f.test != "skipped"]
    domain = None
    if classifier and usable:
        domain = domain_classifier(reference, current, features=usable, rows=classifier_rows, folds=folds, seed=seed)
    elif classifier:
        notes.append("No usable feature for the domain classifier.")
    label = None
    if target is not None:
        if target in reference.columns and target in current.columns:
            label = label_shift_from_counts(*target_counts(target), target, alpha)
        else:
            notes.append(f"The target '{target}' is not in both files: no label-shift check.")
    return ShiftResult(
        features=tuple(results),
        domain=domain,
        label_shift=label,
        rows_in_both=rows_in_both(reference[common], current[common]) if common else 0,
        n_reference=n_reference,
        n_current=n_current,
        alpha=alpha,
        thresholds=limits,
        notes=tuple(notes) + tuple(extra_notes),
        text=tuple(texts),
    )


def label_shift_from_counts(ca: pd.Series, cb: pd.Series, target: str, alpha: float) -> LabelShift:
    """Label shift from the class counts of the two files (label text -> rows, in order of first occurrence)."""
    if ca.sum() == 0 or cb.sum() == 0:
        raise ShiftInputError(f"The target '{target}' has no values in one of the files.", column=target)
    stat, p, js, _ = compare_categories(ca, cb)
    keys = list(dict.fromkeys(list(ca.index) + list(cb.index)))
    pa = ca.reindex(keys, fill_value=0) / ca.sum()
    pb = cb.reindex(keys, fill_value=0) / cb.sum()
    return LabelShift(
        target=target,
        reference_shares={str(k): float(v) for k, v in pa.items()},
        current_shares={str(k): float(v) for k, v in pb.items()},
        statistic=stat,
        p_value=p,
        dof=max(len(keys) - 1, 0),
        js_distance=js,
        total_variation=float(0.5 * np.abs(pa - pb).sum()),
        drift=bool(p < alpha and js >= LABEL_SHIFT_JS),
    )


def rows_in_both(reference: pd.DataFrame, current: pd.DataFrame) -> int:
    """How many rows of ``current`` equal (in every shared column) some row of ``reference``.

    Rows are compared by their 64-bit pandas row hash, after giving both files
    the same column types, so a collision (about n^2 / 2^64) is negligible.

    Examples
    --------
    >>> rows_in_both(pd.DataFrame({"a": [1, 2, 3]}), pd.DataFrame({"a": [3, 4, 1, 1]}))
    3
    """
    cols = [c for c in reference.columns if c in set(current.columns)]
    if not cols:
        return 0
    a, b = reference[cols], current[cols]
    same = {}
    for c in cols:
        if a[c].dtype != b[c].dtype:
            if is_numeric(a[c]) and is_numeric(b[c]):
                same[c] = "float64"
            else:
                same[c] = "string"
    if same:
        a, b = a.astype(same), b.astype(same)
    ha = pd.util.hash_pandas_object(a, index=False).to_numpy()
    hb = pd.util.hash_pandas_object(b, index=False).to_numpy()
    return int(np.isin(hb, ha).sum())


