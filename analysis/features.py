"""The one feature builder every model-based diagnostic uses.

Two steps, both here:

1. **Which columns are features, and of which kind** (:func:`select_features`).
   One rule over the column roles of :mod:`analysis.schema`: identifiers,
   timestamps and constants are never features (``NOT_FEATURE_ROLES``); the
   rest are numeric, categorical or free text. Free text is handled by the
   explicit ``text`` option: ``"drop"`` leaves it out (categorical columns with
   more than ``MAX_FEATURE_CATEGORIES`` values are left out too); ``"keep"``
   applies the same rules but keeps free-text columns (by role) for TF-IDF (the
   rebalancing lab: the vectorizer is fitted inside each training fold's
   pipeline); and ``"tfidf"`` keeps it as TF-IDF features (label issues). With
   ``text="tfidf"`` the kind follows the prepared dtype, as label issues has
   always done: numbers (any numeric dtype) are numeric, text-like object
   columns (many distinct, long or many-word values) are text, the rest
   categorical.

2. **The preprocessing** (:class:`FeatureSpec`): numeric columns median-imputed
   and standard-scaled, categorical ones one-hot encoded (or ordinal codes),
   text columns TF-IDF with stated limits (``text_max_features``,
   ``text_min_df``, ``text_ngram_range``). A spec is a small frozen value:
   :meth:`FeatureSpec.build` returns the scikit-learn ``ColumnTransformer`` and
   :meth:`FeatureSpec.to_code` the Python source that builds the same object,
   generated from the same list of constructor calls, so a recipe snippet can
   never drift from what runs.

Label issues' features, exactly as ``analysis/labels_issues.py`` builds them::

    spec, x = label_issue_features(df, target="label", dense=(model == "hgb"))
    spec.build()  # == the "features" step of label issues' pipeline, fitted on x
"""

from __future__ import annotations

import importlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .candidates import MAX_FEATURE_CATEGORIES, NOT_FEATURE_ROLES
from .errors import DiagnosticsError, NoFeaturesError
from .schema import Role, Schema, infer_schema

__all__ = [
    "EXCLUDED_REASON",
    "FLOAT32_SAFE",
    "MAX_ABS_FEATURE",
    "MISSING_TOKEN",
    "ExtremeValueError",
    "FeatureColumns",
    "FeatureSpec",
    "TEXT_NOTE_START",
    "TextMode",
    "is_text",
    "label_issue_features",
    "prepare_frame",
    "range_divisor",
    "select_features",
    "spec_for_prepared",
    "tfidf_note",
]

#: scikit-learn's trees and isolation forests compute in float32 (largest value 3.4e38).
FLOAT32_SAFE = 1e30


def range_divisor(values: np.ndarray, limit: float) -> float:
    """The positive constant to divide ``values`` by so that every finite one is within ``limit``
    (1 when they already are).

    For computations that a constant per column cannot change (a standardised column, a
    single-feature tree, an isolation tree) this is how a value such as 1.8e308 is handled
    instead of refused. One rule for near-duplicates, outliers and the leakage checks.

    >>> range_divisor(np.array([1.0, -3.0, np.inf]), 10.0), range_divisor(np.array([1e300, 2.0]), 1e150)
    (1.0, 1e+300)
    """
    finite = values[np.isfinite(values)]
    top = float(np.abs(finite).max(initial=0.0))
    return top if top > limit else 1.0


TextMode = Literal["drop", "tfidf", "keep"]
#: How a missing categorical or text cell is written when categories are not imputed.
MISSING_TOKEN = "(missing)"
#: The largest magnitude a numeric feature may hold. Standard scaling sums squared
#: deviations; float64 overflows above 1.8e308, so a value beyond about 1.3e154 / (2 sqrt(rows))
#: turns the column's variance into inf and every scaled value into NaN. 1e150 keeps the
#: arithmetic finite for tables of up to 44 million rows.
MAX_ABS_FEATURE = 1e150


class ExtremeValueError(DiagnosticsError):
    """A numeric feature holds a value that float64 arithmetic cannot scale (infinite or beyond ``MAX_ABS_FEATURE``)."""

    code = "extreme_value"


@dataclass(frozen=True)
class FeatureColumns:
    """The feature columns of a table by kind, and the columns left out with the reason."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    text: tuple[str, ...] = ()
    dropped: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    #: numeric columns whose values are all whole numbers (synthetic rows are rounded)
    integer: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical + self.text


def is_text(col: pd.Series) -> bool:
    """Free text, not a category: many distinct values that are long or hold several words."""
    sample = col.head(2000)
    # pandas 3 reads text as the "str" dtype, not object: both are text here (before this check
    # looked for object only, so free text was never TF-IDF-encoded on pandas 3)
    if not pd.api.types.is_string_dtype(sample.dtype) or isinstance(sample.dtype, pd.CategoricalDtype):
        return False
    sample = sample.dropna().astype(str)
    if sample.empty:
        return False
    words = sample.str.count(r"\s+") + 1
    return bool(col.nunique() > max(20, 0.3 * len(col)) and (sample.str.len().mean() >= 25 or words.mean() >= 4))


def prepare_frame(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Numbers as float (NaN kept for the imputer), everything else as text with :data:`MISSING_TOKEN`."""
    out = {}
    for name in columns:
        col = frame[name]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            out[name] = col.astype(float).to_numpy()
        else:
            out[name] = col.astype(object).where(col.notna(), MISSING_TOKEN).astype(str).to_numpy(dtype=object)
    return pd.DataFrame(out)


#: Why a column the user excluded (a suspected leak) is not a feature.
EXCLUDED_REASON = "excluded: suspected label leak"


def select_features(
    df: pd.DataFrame, *, target: str, text: TextMode = "drop", features: Sequence[str] | None = None,
    exclude: Sequence[str] = (), schema: Schema | None = None,
) -> FeatureColumns:
    """Decide which columns are model features, and of which kind (the one rule; see the module doc).

    Parameters
    ----------
    df : DataFrame
    target : the label column (never a feature)
    text : ``"drop"`` (free text, and categories with more than 100 values, are left out),
        ``"keep"`` (the same, but free-text columns are kept as ``text`` for TF-IDF)
        or ``"tfidf"`` (free text kept, for TF-IDF; kinds follow the prepared dtype)
    features : the candidate columns (default: every column but the target)
    exclude : columns never used as features (the labs' "exclude suspected leaking features" switch);
        they are listed in ``dropped`` as :data:`EXCLUDED_REASON`
    schema : the already inferred schema of ``df`` (its columns' roles are reused: a role depends on
        its column alone, so no second pass over a large table)

    Raises
    ------
    NoFeaturesError
        When no column is left (the message lists why each was dropped).

    Examples
    --------
    >>> df = pd.DataFrame({"id": range(30), "x": [1.5, None, 2.5] * 10, "c": ["a", "b", "c"] * 10,
    ...                    "y": ["n"] * 24 + ["p"] * 6})
    >>> cols = select_features(df, target="y")
    >>> cols.numeric, cols.categorical, cols.dropped
    (('x',), ('c',), {'id': 'identifier'})
    """
    candidates = df.drop(columns=[target]) if features is None else df[list(features)]
    excluded = {str(c) for c in exclude if c in candidates.columns}
    if excluded:
        candidates = candidates.drop(columns=[c for c in candidates.columns if str(c) in excluded])
    names = [str(c) for c in candidates.columns]
    known = {p.name: p for p in schema.columns} if schema is not None and schema.n_rows == len(df) else {}
    reuse = bool(names) and len(set(names)) == len(names) and all(n in known for n in names)
    profiles = (tuple(known[n] for n in names) if reuse
                else infer_schema(candidates).columns)
    numeric: list[str] = []
    categorical: list[str] = []
    texts: list[str] = []
    integer: list[str] = []
    dropped: dict[str, str] = {c: EXCLUDED_REASON for c in excluded}
    kept = []
    by_role = text in ("drop", "keep")
    for profile in profiles:
        if profile.role in NOT_FEATURE_ROLES or (text == "drop" and profile.role is Role.TEXT):
            dropped[profile.name] = str(profile.role)
        elif text == "keep" and profile.role is Role.TEXT:
            texts.append(profile.name)
        elif by_role and profile.role is not Role.NUMERIC and profile.n_unique > MAX_FEATURE_CATEGORIES:
            dropped[profile.name] = (
                f"categorical with {profile.n_unique:,} values (more than {MAX_FEATURE_CATEGORIES})"
            )
        elif by_role:
            (numeric if profile.role is Role.NUMERIC else categorical).append(profile.name)
            if profile.role is Role.NUMERIC and profile.integer_valued:
                integer.append(profile.name)
        else:
            kept.append(profile.name)
    if kept:
        prepared = prepare_frame(candidates, kept)
        for name in kept:
            if prepared[name].dtype.kind == "f":
                numeric.append(name)
            elif is_text(prepared[name]):
                texts.append(name)
            else:
                categorical.append(name)
    _check_scalable(candidates, numeric)
    if not (numeric or categorical or texts):
        raise NoFeaturesError(
            f"No column can be used as a feature to predict '{target}': "
            + ", ".join(f"'{k}' ({v})" for k, v in dropped.items())
            + ". Add numeric or categorical feature columns."
        )
    return FeatureColumns(tuple(numeric), tuple(categorical), tuple(texts), dropped, tuple(integer))


# --- the preprocessing, buildable and printable from one specification -------
@dataclass(frozen=True)
class _Call:
    """One constructor call: built as an object, or written as Python source, from the same data."""

    module: str
    name: str
    kwargs: tuple[tuple[str, Any], ...] = ()
    args: tuple[Any, ...] = ()

    def build(self) -> Any:
        cls = getattr(importlib.import_module(self.module), self.name)
        return cls(*[a.build() if isinstance(a, _Call) else _built(a) for a in self.args], **dict(self.kwargs))

    def code(self) -> str:
        parts = [_code(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs]
        return f"{self.name}({', '.join(parts)})"

    def imports(self) -> set[tuple[str, str]]:
        out = {(self.module, self.name)}
        for a in self.args:
            out |= _imports(a)
        return out


def _built(value: Any) -> Any:
    if isinstance(value, _Call):
        return value.build()
    if isinstance(value, list):
        return [_built(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_built(v) for v in value)
    return value


def _code(value: Any) -> str:
    if isinstance(value, _Call):
        return value.code()
    if isinstance(value, _Ref):
        return value.name
    if isinstance(value, list):
        return "[" + ", ".join(_code(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_code(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def _imports(value: Any) -> set[tuple[str, str]]:
    if isinstance(value, _Call):
        return value.imports()
    if isinstance(value, (list, tuple)):
        return set().union(*(_imports(v) for v in value)) if value else set()
    return set()


@dataclass(frozen=True)
class _Ref:
    """A value written as a variable name in the generated source (``numeric``), built as ``value``."""

    name: str
    value: Any


def _resolve(value: Any) -> Any:
    if isinstance(value, _Ref):
        return value.value
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_resolve(v) for v in value)
    if isinstance(value, _Call):
        return _Call(value.module, value.name, value.kwargs, tuple(_resolve(a) for a in value.args))
    return value


@dataclass(frozen=True)
class FeatureSpec:
    """How feature columns become a model matrix: a hashable value with :meth:`build` and :meth:`to_code`.

    Columns are names (for a DataFrame) or positions (for an array).

    Parameters
    ----------
    numeric, categorical, text : the columns of each kind
    categorical_encoding : ``"onehot"``; ``"ordinal"`` (``OrdinalEncoder``: values to codes);
        ``"codes"`` (the input already holds codes: imputed only)
    impute_categorical : most-frequent imputation of categories first (else missing is its own category)
    keep_empty : imputers keep all-missing columns (as zeros) instead of dropping them
    max_categories, min_frequency : one-hot limits (rarer categories are grouped as infrequent)
    sparse : sparse one-hot and matrix output
    text_max_features, text_min_df, text_ngram_range : TF-IDF limits per text column

    Examples
    --------
    >>> spec = FeatureSpec(numeric=("x",), categorical=("c",))
    >>> X = spec.build().fit_transform(pd.DataFrame({"x": [1.0, None, 3.0], "c": ["a", "b", "a"]}))
    >>> X.round(3).tolist()
    [[-1.225, 1.0, 0.0], [0.0, 0.0, 1.0], [1.225, 1.0, 0.0]]
    >>> spec.to_code().splitlines()[-1].startswith("prep = ColumnTransformer([('num', Pipeline(")
    True
    """

    numeric: tuple[Hashable, ...] = ()
    categorical: tuple[Hashable, ...] = ()
    text: tuple[Hashable, ...] = ()
    categorical_encoding: Literal["onehot", "ordinal", "codes"] = "onehot"
    impute_categorical: bool = True
    keep_empty: bool = True
    max_categories: int | None = None
    min_frequency: int | None = None
    sparse: bool = False
    text_max_features: int = 20_000
    text_min_df: int = 2
    text_ngram_range: tuple[int, int] = (1, 2)

    def _transformers(self) -> list[Any]:
        keep = (("keep_empty_features", True),) if self.keep_empty else ()
        parts: list[Any] = []
        if self.numeric:
            steps = [
                ("impute", _Call("sklearn.impute", "SimpleImputer", (("strategy", "median"),) + keep)),
                ("scale", _Call("sklearn.preprocessing", "StandardScaler")),
            ]
            parts.append(("num", _Call("sklearn.pipeline", "Pipeline", args=(steps,)),
                          _Ref("numeric", list(self.numeric))))
        if self.categorical:
            cat_steps: list[Any] = []
            if self.impute_categorical:
                cat_steps.append(
                    ("impute", _Call("sklearn.impute", "SimpleImputer", (("strategy", "most_frequent"),) + keep))
                )
            if self.categorical_encoding == "onehot":
                limits = tuple(
                    (k, v) for k, v in (("min_frequency", self.min_frequency), ("max_categories", self.max_categories))
                    if v is not None
                )
                unknown = "infrequent_if_exist" if limits else "ignore"
                cat_steps.append(("onehot", _Call("sklearn.preprocessing", "OneHotEncoder",
                                                  (("handle_unknown", unknown),) + limits
                                                  + (("sparse_output", self.sparse),))))
            elif self.categorical_encoding == "ordinal":
                cat_steps.append(("ordinal", _Call("sklearn.preprocessing", "OrdinalEncoder")))
            parts.append(("cat", _Call("sklearn.pipeline", "Pipeline", args=(cat_steps,)),
                          _Ref("categorical", list(self.categorical))))
        for column in self.text:
            tfidf = _Call("sklearn.feature_extraction.text", "TfidfVectorizer", (
                ("min_df", self.text_min_df), ("max_features", self.text_max_features),
                ("ngram_range", tuple(self.text_ngram_range)),
            ))
            parts.append((f"text_{column}", tfidf, column))
        return parts

    def _column_transformer(self) -> _Call:
        return _Call("sklearn.compose", "ColumnTransformer", (
            ("remainder", "drop"), ("sparse_threshold", 0.3 if self.sparse else 0.0),
            ("verbose_feature_names_out", False),
        ), args=(self._transformers(),))

    def build(self) -> Any:
        """A fresh, unfitted ``sklearn.compose.ColumnTransformer`` of this specification."""
        return _resolve(self._column_transformer()).build()

    def to_code(self, *, name: str = "prep", define_columns: bool = True) -> str:
        """Python source that builds the same transformer as ``name``.

        It refers to the column lists as ``numeric`` and ``categorical``, and
        defines them first unless ``define_columns`` is false.
        """
        call = self._column_transformer()
        lines = sorted(f"from {m} import {n}" for m, n in call.imports())
        if self.numeric and define_columns:
            lines.append(f"numeric = {list(self.numeric)!r}")
        if self.categorical and define_columns:
            lines.append(f"categorical = {list(self.categorical)!r}")
        lines.append(f"{name} = {call.code()}")
        return "\n".join(lines)


#: How the note on free-text model features starts (the Rebalancing lab shows that note in its own box).
TEXT_NOTE_START = "Free-text columns used as TF-IDF features: "


def tfidf_note(columns: Sequence[Any], max_features: int, min_df: int, ngrams: tuple[int, int], *,
               before_sampler: bool = False) -> str:
    """The one sentence every model-based check writes about the free-text columns it reads as TF-IDF.

    >>> tfidf_note(["text"], 20_000, 2, (1, 2))
    "Free-text columns used as TF-IDF features: 'text' (at most 20,000 terms of 1 to 2 words per column, each in \
at least 2 rows; the vocabulary is learnt on each training fold only)."
    """
    return (
        TEXT_NOTE_START + ", ".join(f"'{c}'" for c in columns)
        + f" (at most {max_features:,} terms of {ngrams[0]} to {ngrams[1]} words per column, each in at least "
        f"{min_df} rows; the vocabulary is learnt on each training fold only{', before any sampler' if before_sampler else ''})."
    )


def label_issue_features(
    df: pd.DataFrame, *, target: str, features: Sequence[str] | None = None, dense: bool = False,
    exclude: Sequence[str] = (),
) -> tuple[FeatureSpec, pd.DataFrame]:
    """The feature specification and prepared frame of label issues (exactly its model features).

    ``dense`` is for models that need a dense matrix (histogram gradient
    boosting): dense one-hot and at most 300 TF-IDF terms per text column
    instead of 20,000. ``spec.build().fit_transform(x)`` is the matrix label
    issues' model is fitted on. ``df`` holds the rows to use (labelled rows).
    """
    cols = select_features(df, target=target, text="tfidf", features=features, exclude=exclude)
    x = prepare_frame(df, _in_order(df, cols))
    return spec_for_prepared(x, dense=dense), x


def spec_for_prepared(x: pd.DataFrame, *, dense: bool = False) -> FeatureSpec:
    """The label-issue :class:`FeatureSpec` of a frame made by :func:`prepare_frame`.

    Kinds follow the prepared dtypes: float columns are numeric, free text
    (:func:`is_text`) gets TF-IDF, anything else is one-hot encoded with
    missing as its own category (at most 50 categories, rarer than 2 rows grouped).
    """
    numeric = tuple(c for c in x.columns if x[c].dtype.kind == "f")
    text = tuple(c for c in x.columns if c not in numeric and is_text(x[c]))
    categorical = tuple(c for c in x.columns if c not in numeric and c not in text)
    return FeatureSpec(
        numeric=numeric, categorical=categorical, text=text, categorical_encoding="onehot",
        impute_categorical=False, keep_empty=False, max_categories=50, min_frequency=2, sparse=not dense,
        text_max_features=300 if dense else 20_000, text_min_df=2, text_ngram_range=(1, 2),
    )


def _check_scalable(frame: pd.DataFrame, numeric: Sequence[str]) -> None:
    """Refuse a numeric feature whose values the scaler would turn into inf or NaN (one clear message).

    The rule is stated, not silent: infinite values, or finite ones beyond
    :data:`MAX_ABS_FEATURE` in magnitude, cannot be standard-scaled in float64.
    Rather than let scikit-learn fail deep inside a model ("Input X contains
    NaN") or clip the data behind the user's back, the message names the
    column, the value and its row, and says what to do.
    """
    for name in numeric:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(values) | (np.abs(values) > MAX_ABS_FEATURE)
        if not bad.any():
            continue
        first = int(np.argmax(bad))
        value = values[first]
        row = frame.index[first]
        what = "an infinite value" if np.isinf(value) else f"the value {value:.3g}"
        more = f" ({int(bad.sum()):,} such values)" if bad.sum() > 1 else ""
        raise ExtremeValueError(
            f"The feature column '{name}' holds {what} in row {row}{more}: numeric features must be finite "
            f"and at most {MAX_ABS_FEATURE:.0e} in magnitude to be scaled in float64 arithmetic. "
            "Correct or remove the value, rescale the column (other units or a logarithm), or leave the column out.",
            column=str(name),
        )


def _in_order(df: pd.DataFrame, cols: FeatureColumns) -> list[str]:
    chosen = set(cols.columns)
    return [c for c in df.columns if c in chosen]
