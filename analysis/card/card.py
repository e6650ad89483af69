"""``build_card``: a dataset card (Datasheets for Datasets layout) from the diagnostics' own results.

The card holds measured facts (:mod:`analysis.card.readers` copies them from each
diagnostic's result object), what a person wrote (:class:`~analysis.card.human.HumanFields`)
and a bounded preview of rows. Its exports live beside it: Markdown in the
Hugging Face dataset-card layout (:mod:`.markdown`), Croissant JSON-LD
(:mod:`.croissant`); the interactive HTML report is drawn by ``dashboard.report``
(it needs plotly, which the analysis layer never imports).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from ..errors import ColumnNotFoundError, DiagnosticsError, TargetError, require_column
from ..io import Dataset
from ..results import ResultMixin, Severity
from . import readers
from .facts import FACTS, SECTIONS, Fact, not_measured
from .human import HumanFields

__all__ = ["MEASURED_BY_CARD", "PREVIEW_ROWS", "RESULT_KEYS", "DatasetCard", "build_card", "size_category"]

#: The card's HTML report and page show at most this many rows of the data (never the whole table).
PREVIEW_ROWS = 50

#: What ``results=`` may hold: fact key -> the result object(s) it is read from.
RESULT_KEYS: tuple[str, ...] = (
    "overview", "leakage", "representativeness", "shift", "agreement", "agreement_intervals",
    "label_errors", "weak", "fixes", "robustness",
)

#: Facts ``build_card`` measures itself when no result is given (the CLI's default); the page passes ``measure=()``.
MEASURED_BY_CARD: tuple[str, ...] = ("leakage", "label_errors")

#: Hugging Face's ``size_categories`` tags (hub-docs datasetcard.md), upper bounds exclusive.
_SIZE_TAGS: tuple[tuple[float, str], ...] = (
    (1e3, "n<1K"), (1e4, "1K<n<10K"), (1e5, "10K<n<100K"), (1e6, "100K<n<1M"), (1e7, "1M<n<10M"),
    (1e8, "10M<n<100M"), (1e9, "100M<n<1B"), (1e10, "1B<n<10B"), (1e11, "10B<n<100B"), (1e12, "100B<n<1T"),
)


def size_category(rows: int) -> str:
    """The Hugging Face size category of a row count.

    >>> size_category(999), size_category(1000), size_category(20_031), size_category(10**12)
    ('n<1K', '1K<n<10K', '10K<n<100K', 'n>1T')
    """
    for bound, tag in _SIZE_TAGS:
        if rows < bound:
            return tag
    return "n>1T"


@dataclass(frozen=True)
class DatasetCard(ResultMixin):
    """A dataset card: measured facts by datasheet section, the human fields and a bounded preview.

    ``verdict`` is ``attention`` when a measured fact is a warning or worse, else ``clean``;
    ``notes`` are what the file reader noticed (facts not measured say so themselves). ``sources`` keeps the result objects the
    facts were read from (the HTML report charts them).
    """

    SEVERITY: ClassVar[dict[str, Severity]] = {"attention": "warning", "clean": "ok"}

    name: str
    sha256: str
    rows: int
    columns: int
    target: str
    dtypes: dict[str, str]
    facts: tuple[Fact, ...]
    human: HumanFields
    preview: pd.DataFrame = field(compare=False, repr=False)
    sources: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    _notes: tuple[str, ...] = ()

    @property
    def size_category(self) -> str:
        return size_category(self.rows)

    @property
    def title(self) -> str:
        return self.human.pretty_name.strip() or self.name

    def fact(self, key: str) -> Fact:
        for f in self.facts:
            if f.key == key:
                return f
        raise KeyError(key)

    def section(self, key: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.section == key)

    @property
    def attention(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.measured and f.severity in ("warning", "critical"))

    @property
    def not_measured(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.facts if not f.measured)

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "attention" if self.attention else "clean"

    @property
    def verdict_text(self) -> str:
        measured = len(self.facts) - len(self.not_measured)
        text = f"{measured} of {len(self.facts)} facts measured"
        if self.attention:
            text += "; needing attention: " + ", ".join(f.title.lower() for f in self.attention)
        else:
            text += "; none needs attention"
        human = len([k for k in self.human.filled if k not in ("language", "task_category", "pretty_name")])
        return text + f". {human} of 7 human fields written."

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"section": SECTIONS[f.section], "fact": f.title, "page": f.page, "measured": f.measured,
                              "verdict": f.verdict, "text": f.text} for f in self.facts])

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "sha256": self.sha256,
            "rows": self.rows,
            "columns": self.columns,
            "target": self.target,
            "size_category": self.size_category,
            "verdict": self.verdict,
            "severity": self.severity,
            "verdict_text": self.verdict_text,
            "sections": {k: [f.key for f in self.section(k)] for k in SECTIONS},
            "facts": {f.key: f.to_dict() for f in self.facts},
            "not_measured": list(self.not_measured),
            "human": self.human.to_dict(),
            "preview_rows": int(len(self.preview)),
            "notes": list(self.notes),
        }


def _dataset(data: pd.DataFrame | Dataset, what: str = "data") -> tuple[pd.DataFrame, str, str]:
    if isinstance(data, Dataset):
        return data.frame, data.name, data.input_sha256
    from ..intake.frames import as_frame, frame_sha256

    frame = as_frame(data, argument=what)  # a DataFrame or an Arrow table; anything else: TableTypeError
    return frame, what, frame_sha256(frame)  # the content hash Dataset.from_frame records


def build_card(
    data: pd.DataFrame | Dataset,
    *,
    target: str | None,
    reference: pd.DataFrame | Dataset | Mapping[Any, float] | None = None,
    group: str | None = None,
    annotators: Sequence[str] | None = None,
    lfs: Any = None,
    second: pd.DataFrame | Dataset | None = None,
    results: Mapping[str, Any] | None = None,
    human: HumanFields | None = None,
    measure: Collection[str] = MEASURED_BY_CARD,
    bootstrap: int = 1000,
    seed: int = 0,
) -> DatasetCard:
    """Assemble a dataset card from the diagnostics' results, computing what the inputs allow.

    Parameters
    ----------
    data : DataFrame or Dataset
    target : str
        The label column (required: a card describes a labelled dataset).
    reference, group : optional
        A reference population (a table, or value -> share) for the group column: the representativeness fact.
    annotators : sequence of str, optional
        Annotator columns: agreement with bootstrap intervals (``bootstrap`` resamples, ``seed``).
    lfs : LFColumns, LFSet or sequence of column names, optional
        Labeling functions: their coverage and the label model.
    second : DataFrame or Dataset, optional
        A second file (e.g. test or production data): the shift fact.
    results : mapping, optional
        Results already computed (keys in :data:`RESULT_KEYS`); used as they are, never recomputed.
    human : HumanFields, optional
    measure : collection of str
        Model-based facts to compute when ``results`` lacks them (default: leakage and label errors;
        the dashboard passes ``()`` and reads what its pages computed).

    Raises
    ------
    TargetError
        Without a target. ``ColumnNotFoundError`` for an unknown column; a diagnostic's own error otherwise.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1, 2, 3, 4, 4], "y": ["a", "b", "a", "a", "b"]})
    >>> card = build_card(df, target="y", measure=())
    >>> card.fact("duplicates").data["conflicting_duplicates"], card.fact("shift").measured
    (2, False)
    """
    frame, name, sha = _dataset(data)
    if not target:
        from ..schema import infer_schema

        candidates = infer_schema(frame).target_candidates if len(frame.columns) else ()
        hint = f" Candidates: {', '.join(candidates[:5])}." if candidates else ""
        raise TargetError(f"A dataset card needs the label column: pass --target COLUMN.{hint}",
                          available=tuple(candidates))
    require_column(frame.columns, target, role="target column")
    given = dict(results or {})
    unknown = set(given) - set(RESULT_KEYS)
    if unknown:
        raise DiagnosticsError(f"Unknown result key(s) {', '.join(sorted(unknown))}; expected some of: "
                               f"{', '.join(RESULT_KEYS)}.")
    if (reference is None) != (group is None) and "representativeness" not in given:
        raise ColumnNotFoundError("Representativeness needs both a reference and a group column "
                                  "(--reference FILE --group COL).", column=group)
    why_not: dict[str, str] = {}
    sources = _measure(data, frame, target, given, reference=reference, group=group, annotators=annotators,
                       lfs=lfs, second=second, measure=set(measure), bootstrap=bootstrap, seed=seed, why_not=why_not)
    facts = _facts(sources, frame, why_not)
    notes = list(getattr(data, "notes", ()))  # what the reader noticed; what was not measured is in the facts
    ov = sources["overview"]
    return DatasetCard(
        name=name, sha256=sha, rows=ov.rows, columns=ov.columns, target=target,
        dtypes={str(c): str(t) for c, t in frame.dtypes.items()},
        facts=facts, human=human or HumanFields(), preview=frame.head(PREVIEW_ROWS).copy(),
        sources=sources, _notes=tuple(notes),
    )


def _measure(data, frame, target, given, *, reference, group, annotators, lfs, second, measure, bootstrap, seed,
             why_not):
    """The result object behind each fact: given ones as they are, the rest computed from the inputs.

    A fact the card measures by itself (leakage, label errors) that the data does not allow, such as label
    errors with a one-row class, is left unmeasured with the reason in ``why_not``: the card is still written.
    What the caller asked for (a reference, annotators, labeling functions, a second file) raises as it would alone.
    """
    from ..overview import overview

    out = dict(given)
    if "overview" not in out:
        out["overview"] = overview(data, target=target, near=None, outliers=None)
    if "leakage" not in out and "leakage" in measure:
        from ..columns import leakage_suspects

        try:
            out["leakage"] = leakage_suspects(frame, target=target, schema=out["overview"].schema)
        except DiagnosticsError as exc:
            why_not["leakage"] = str(exc)
    if "label_errors" not in out and "label_errors" in measure:
        from ..labels import label_issues

        try:
            out["label_errors"] = label_issues(frame, target=target)
        except DiagnosticsError as exc:
            why_not["label_errors"] = str(exc)
    if "representativeness" not in out and reference is not None:
        from ..sampling import bias_report, reference_shares

        if isinstance(reference, (pd.DataFrame, Dataset)):
            ref_frame, ref_name, _ = _dataset(reference, "reference")
            ref = reference_shares(ref_frame, group=group, source=f"reference file '{ref_name}'")
        else:
            ref = reference_shares(dict(reference), group=group, source="the given shares")
        out["representativeness"] = bias_report(frame, group=group, reference=ref, target=target)
    if "shift" not in out and second is not None:
        from ..sampling import ShiftSettings

        other, _, _ = _dataset(second, "second file")
        out["shift"] = ShiftSettings(target=target if target in other.columns else None, seed=seed).run(frame, other)
    if "agreement" not in out and annotators:
        from ..labels import agreement, bootstrap_agreement

        out["agreement"] = agreement(frame, annotators=list(annotators))
        if bootstrap:
            out["agreement_intervals"] = bootstrap_agreement(out["agreement"], n_resamples=bootstrap, seed=seed)
    if "weak" not in out and lfs is not None:
        from ..weak import LabelModelSettings, LFColumns, fit_weak_labels

        spec = LFColumns(tuple(lfs)) if isinstance(lfs, (list, tuple)) else lfs
        out["weak"] = fit_weak_labels(frame, spec, LabelModelSettings())
    return out


def _facts(sources: Mapping[str, Any], frame: pd.DataFrame, why_not: Mapping[str, str] | None = None) -> tuple[Fact, ...]:
    ov = sources["overview"]
    facts = [
        readers.size_fact(ov, frame),
        readers.class_balance_fact(ov),
        readers.missing_fact(ov),
        readers.duplicates_fact(ov),
    ]
    one = {
        "leakage": lambda r: readers.leakage_fact(r),
        "representativeness": lambda r: readers.representativeness_fact(r),
        "shift": lambda r: readers.shift_fact(r),
        "agreement": lambda r: readers.agreement_fact(r, sources.get("agreement_intervals")),
        "label_errors": lambda r: readers.label_errors_fact(r),
        "weak": lambda r: readers.weak_fact(r),
        "fixes": lambda r: readers.fixes_fact(r if isinstance(r, (list, tuple)) else [r]) if r else None,
        "robustness": lambda r: readers.robustness_fact(r),
    }
    for key in FACTS:
        if key in ("size", "class_balance", "missing", "duplicates"):
            continue
        result = sources.get(key)
        fact = one[key](result) if result is not None else None
        facts.append(fact if fact is not None else not_measured(key, (why_not or {}).get(key, "")))
    return tuple(facts)
