"""Exception hierarchy of dataset-diagnostics.

Every error a user can cause derives from :class:`DiagnosticsError`. Messages
say what was expected, what arrived and what to do, so the dashboard can show
them in an error box and the CLI can print them as one line (exit code 2).
Errors carry data (a reason ``code``, the column, the available columns) so
callers can react without parsing the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence


class DiagnosticsError(Exception):
    """Base class of every error caused by the input or the settings."""

    code = "invalid_input"

    def __init__(
        self,
        message: str,
        *,
        column: str | None = None,
        available: Sequence[str] | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.available = tuple(available) if available is not None else None
        self.line = line

    def __str__(self) -> str:
        return self.message


# --- reading a file --------------------------------------------------------
class InputFileError(DiagnosticsError):
    """The file cannot be read as a table."""

    code = "unreadable_file"


class EmptyFileError(InputFileError):
    code = "empty_file"


class HeaderOnlyError(InputFileError):
    code = "header_only"


class BinaryFileError(InputFileError):
    code = "not_text"


class RaggedRowsError(InputFileError):
    code = "ragged_rows"


class FileTooLargeError(InputFileError):
    code = "file_too_large"


class ParseError(InputFileError):
    code = "parse_error"


# --- Parquet, Excel and server paths (analysis.intake) ---------------------
class UnsupportedFormatError(InputFileError):
    """A file of a kind the intake does not read (legacy .xls, Feather, a zip that is not a workbook...)."""

    code = "unsupported_format"


class CorruptFileError(InputFileError):
    """A Parquet file or an .xlsx workbook that its own reader cannot open (truncated, damaged, encrypted)."""

    code = "corrupt_file"


class SheetError(InputFileError):
    """An unknown sheet name, or a sheet with no table on it."""

    code = "bad_sheet"


class NoFilesError(InputFileError):
    """A glob or a directory that holds no Parquet file."""

    code = "no_files"


class MixedSchemaError(InputFileError):
    """The Parquet files of a directory or glob do not share one schema."""

    code = "mixed_schema"


class DataRootError(DiagnosticsError):
    """A server path outside the directory the operator allowed (``app --data-root``), or no such directory."""

    code = "outside_data_root"


class TableTypeError(DiagnosticsError):
    """Something handed to the Python API that is not a table (a DataFrame, a Dataset or an Arrow table)."""

    code = "not_a_table"


# --- columns and targets ---------------------------------------------------
class ColumnNotFoundError(DiagnosticsError):
    code = "column_not_found"


class TargetError(DiagnosticsError):
    """The chosen column cannot serve as a classification target."""

    code = "bad_target"


class NoTargetCandidateError(TargetError):
    code = "no_target_candidate"


class SingleClassError(TargetError):
    code = "single_class"


class RegressionTargetError(TargetError):
    code = "regression_target"


class TooManyClassesError(TargetError):
    code = "too_many_classes"


def format_columns(columns: Collection[object], limit: int = 12) -> str:
    """Quote column names for a message, eliding a long list."""
    shown = [repr(str(c)) for c in list(columns)[:limit]]
    more = len(columns) - limit
    if more > 0:
        shown.append(f"... and {more} more")
    return ", ".join(shown)


class DuplicateColumnsError(DiagnosticsError):
    """Two or more columns share a name, so a column cannot be picked by name."""

    code = "duplicate_columns"


def require_column(columns: Collection[object], name: str, *, role: str = "column") -> None:
    """Raise :class:`ColumnNotFoundError` naming the available columns.

    Also refuses a table whose column names repeat (possible for a DataFrame
    handed to the API; ``load_csv`` already renames repeated header names),
    because every diagnostic picks its columns by name.
    """
    names = list(columns)
    if len(set(map(str, names))) != len(names):
        repeated = sorted(n for n, count in Counter(map(str, names)).items() if count > 1)
        raise DuplicateColumnsError(
            f"The column names {format_columns(repeated)} appear more than once; every column needs a "
            "unique name. Rename them (for example df.columns = [...]) and try again.",
            column=repeated[0],
            available=[str(c) for c in names],
        )
    if name not in names:
        raise ColumnNotFoundError(
            f"The {role} '{name}' is not in the data. Available columns: "
            f"{format_columns(columns)}.",
            column=name,
            available=[str(c) for c in columns],
        )


# --- sampling bias and distribution shift (analysis/sampling*.py) ----------
class GroupColumnError(DiagnosticsError):
    """The chosen column cannot serve as a group column for a bias check."""

    code = "bad_group_column"


class TooManyGroupsError(GroupColumnError):
    code = "too_many_groups"


class ReferenceSharesError(DiagnosticsError):
    """The expected shares (typed, or from a reference file) cannot be used."""

    code = "bad_reference"


class ShiftInputError(DiagnosticsError):
    """The two files of a shift comparison cannot be compared."""

    code = "bad_shift_input"


# --- annotations and label quality (issue: label quality) ------------------
class AnnotationError(DiagnosticsError):
    """The annotator columns cannot be compared (too few, no overlap, bad order)."""

    code = "bad_annotations"


class LabelOrderError(AnnotationError):
    """An ordinal/interval level needs an order that covers every label."""

    code = "bad_label_order"


class VotesError(DiagnosticsError):
    """A votes matrix (items x sources) has the wrong shape or codes."""

    code = "bad_votes"


class LabelIssuesError(TargetError):
    """Out-of-fold label checking cannot run on this target (a class is too small...)."""

    code = "label_issues_unavailable"


# --- weak supervision (analysis/weak/) ---------------------------------------
class WeakSupervisionError(DiagnosticsError):
    """The labeling-function votes cannot be analysed or combined as given."""

    code = "bad_weak_supervision"


class LFLabelError(WeakSupervisionError):
    """A labeling function emits a label outside the declared classes."""

    code = "lf_label_outside_classes"


class AbstainOnlyError(WeakSupervisionError):
    """A labeling function (or every one) abstains on every row."""

    code = "lf_all_abstain"


class GoldLabelError(WeakSupervisionError):
    """The gold column holds values that are not among the classes."""

    code = "gold_unknown_values"


class LFSpecError(WeakSupervisionError):
    """A declarative labeling function (or a saved LF set) is invalid."""

    code = "bad_lf_spec"


class LFNotPortableError(LFSpecError):
    """A labeling function cannot be written as a DuckDB/Spark expression (its kind, or its column's type)."""

    code = "lf_not_portable"


# --- rebalancing (analysis/rebalance/) ---------------------------------------
class RebalanceError(DiagnosticsError):
    """The rebalancing comparison or fix cannot run with these settings on this data."""

    code = "bad_rebalance_settings"


class UnknownStrategyError(RebalanceError):
    code = "unknown_strategy"


class UnknownModelError(RebalanceError):
    code = "unknown_model"


class TooFewRowsError(RebalanceError):
    code = "too_few_rows"


class NoFeaturesError(RebalanceError):
    code = "no_features"


class StrategySkippedError(RebalanceError):
    """The chosen strategy cannot run on this data (the reason says why and what to use instead)."""

    code = "strategy_skipped"
