"""Which columns can play which role on each page: domain rules over :mod:`analysis.schema`'s column profiles.

One section per page (group columns for the sampling checks, annotator and gold
columns for the labels, LF and gold columns for weak supervision, model
features for the labs); each page's code keeps to its own section. The rules
live here, not in the pages, so the CLI, the API and the dashboard offer the
same columns.
"""

from __future__ import annotations

import pandas as pd

from .schema import ColumnProfile, Role, Schema

# --- candidates: sampling bias (group columns) -------------------------------
#: A group column with more distinct values than this is refused (bin it first).
MAX_GROUPS = 100
#: A whole-number column with few values (hour, age band code) can be a group; a measurement cannot.
MAX_NUMERIC_GROUPS = 30
_GROUP_ROLES = (Role.CATEGORICAL, Role.BOOLEAN, Role.NUMERIC, Role.CONSTANT)


def is_group_column(column: ColumnProfile, *, target: str | None = None) -> bool:
    """Whether ``column`` can split the rows into groups for a bias check (2 to ``MAX_GROUPS`` values).

    Categorical, boolean and constant columns qualify by their count of values;
    a numeric column only when it holds whole numbers with at most
    ``MAX_NUMERIC_GROUPS`` values; the target never.
    """
    if column.name == target or column.role not in _GROUP_ROLES or not 2 <= column.n_unique <= MAX_GROUPS:
        return False
    return column.role != Role.NUMERIC or (column.integer_valued and column.n_unique <= MAX_NUMERIC_GROUPS)


def group_candidates(schema: Schema, *, target: str | None = None) -> list[str]:
    """Names of the columns that can serve as group columns, in the data's order."""
    return [c.name for c in schema.columns if is_group_column(c, target=target)]



# --- candidates: labels (annotator and gold columns) -------------------------
def annotator_candidates(schema: Schema) -> tuple[str, ...]:
    """Columns that may be chosen as annotator columns: every column, in the data's order.

    Any column can hold one person's labels; whether the chosen ones fit together
    (at least two, shared labels, not too many distinct values) is checked by
    :func:`analysis.labels.encode_ratings`, which says what is wrong.
    """
    return tuple(c.name for c in schema.columns)


def default_annotators(schema: Schema) -> tuple[str, ...]:
    """The annotator columns to start from: the first detected annotator group, or none."""
    return tuple(schema.annotator_groups[0]) if schema.annotator_groups else ()


def gold_candidates(schema: Schema, annotators: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Columns that may hold known true labels for a consensus: every column that is not an annotator column."""
    chosen = set(annotators)
    return tuple(c.name for c in schema.columns if c.name not in chosen)


def label_column_candidates(schema: Schema) -> tuple[str, ...]:
    """Columns that may be checked for label errors: the ranked target candidates first, then the others."""
    ranked = list(schema.target_candidates)
    return tuple(ranked + [c.name for c in schema.columns if c.name not in ranked])


# --- candidates: weak supervision (LF and gold columns) ----------------------

#: Column names the Weak supervision page takes as gold labels unless the user picks another.
WEAK_GOLD_NAMES: tuple[str, ...] = ("gold_label",)
#: At most this many distinct values pre-fill the classes; more, and the column is no class list.
WEAK_MAX_CLASS_VALUES = 50


def weak_gold_default(columns: list[str]) -> str | None:
    """The default gold-label column: the first conventional name present (``gold_label``), else none."""
    return next((c for c in WEAK_GOLD_NAMES if c in columns), None)


def weak_lf_column_options(columns: list[str], gold: str | None) -> list[str]:
    """Columns that can hold LF votes: every column but the gold one."""
    return [c for c in columns if c != gold]


def weak_lf_column_defaults(schema: Schema | None, columns: list[str], gold: str | None) -> list[str]:
    """LF columns to pre-select: the first annotator group, else columns named ``lf...`` (never the gold one)."""
    group = schema.annotator_groups[0] if schema and schema.annotator_groups else ()
    default = [c for c in group if c != gold]
    return default or [c for c in columns if c.lower().startswith("lf") and c != gold]


def weak_text_column(schema: Schema | None, columns: list[str]) -> str | None:
    """The column keyword LFs read by default: the first text column, else the first column."""
    text = [c.name for c in schema.columns if c.role is Role.TEXT] if schema else []
    return text[0] if text else (columns[0] if columns else None)


def weak_class_values(column: pd.Series) -> tuple[str, ...]:
    """Distinct non-empty values of a column, sorted as text, to pre-fill the classes (none if too many)."""
    values = column.dropna().unique()[: WEAK_MAX_CLASS_VALUES + 1]
    return tuple(sorted(str(v) for v in values)) if len(values) <= WEAK_MAX_CLASS_VALUES else ()




# --- candidates: rebalancing / features ---------------------------------------
#: Roles that are never model features (analysis.features): an identifier, a timestamp or a
#: constant carries no signal a model should learn from.
NOT_FEATURE_ROLES: tuple[Role, ...] = (Role.IDENTIFIER, Role.DATETIME, Role.CONSTANT)
#: A categorical column with more distinct values than this is not one-hot encoded as a feature.
MAX_FEATURE_CATEGORIES = 100
