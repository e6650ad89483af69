"""Read each diagnostic's result object into a card :class:`~analysis.card.facts.Fact`.

Every number here is an attribute (or ``to_dict()`` entry) of the result the
diagnostic returned: the card copies, it never recomputes. One function per
fact; each takes the result object(s) and returns a measured fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..results import json_float
from .facts import Fact, measured, num, pct

__all__ = [
    "agreement_fact",
    "class_balance_fact",
    "duplicates_fact",
    "fixes_fact",
    "label_errors_fact",
    "leakage_fact",
    "missing_fact",
    "representativeness_fact",
    "robustness_fact",
    "shift_fact",
    "size_fact",
    "weak_fact",
]

#: The column the rebalancing fix adds to mark generated rows (issue 12: the card says how many of each kind).
SYNTHETIC_COLUMN = "is_synthetic"


def size_fact(ov: Any, frame: pd.DataFrame | None = None) -> Fact:
    roles = {c.name: str(c.role) for c in ov.schema.columns}
    by_role: dict[str, list[str]] = {}
    for name, role in roles.items():
        by_role.setdefault(role, []).append(name)
    data: dict[str, Any] = {"rows": ov.rows, "columns": ov.columns, "target": ov.target, "column_roles": roles,
                            "synthetic_rows": None, "original_rows": None}
    text = (f"{ov.rows:,} rows and {ov.columns:,} columns; the target is '{ov.target}'. Column roles: "
            + "; ".join(f"{role}: {', '.join(names)}" for role, names in by_role.items()) + ".")
    if frame is not None and SYNTHETIC_COLUMN in frame.columns:
        marked = frame[SYNTHETIC_COLUMN].astype("string").str.strip().str.lower().isin(["1", "true", "yes"])
        data["synthetic_rows"] = int(marked.sum())
        data["original_rows"] = int(len(frame) - marked.sum())
        text += (f" The '{SYNTHETIC_COLUMN}' column marks {data['synthetic_rows']:,} synthetic rows; "
                 f"{data['original_rows']:,} rows are original.")
    return measured("size", text, data)


def class_balance_fact(ov: Any) -> Fact:
    cb = ov.class_balance
    d = cb.to_dict()
    counts = ", ".join(f"{k}: {v:,} ({cb.proportions[k]:.1%})" for k, v in cb.counts.items())
    text = (f"{cb.n_classes} classes ({counts}); imbalance ratio {cb.imbalance_ratio:.2f}, normalized entropy "
            f"{cb.normalized_entropy:.3f}. Verdict: {cb.verdict}. {cb.verdict_text}")
    return measured("class_balance", text, d, cb)


def missing_fact(ov: Any) -> Fact:
    cols = {k: v for k, v in ov.missing.items() if v}
    data = {"missing_cells": ov.missing_cells, "missing_share": ov.missing_share, "missing": dict(ov.missing)}
    if not cols:
        text = "No missing values."
    else:
        worst = sorted(cols.items(), key=lambda kv: -kv[1])[:5]
        text = (f"{ov.missing_cells:,} missing cells ({ov.missing_share:.2%} of all cells) in {len(cols)} columns; "
                "most in " + ", ".join(f"'{k}' ({v:,}, {v / ov.rows:.1%})" for k, v in worst) + ".")
    return measured("missing", text, data)


def duplicates_fact(ov: Any) -> Fact:
    d = ov.duplicates
    data = {"duplicate_rows": d.duplicate_rows, "conflicting_duplicates": d.conflicting_duplicates,
            "conflicting_groups": d.conflicting_groups}
    text = (f"{d.duplicate_rows:,} exact duplicate rows; {d.conflicting_duplicates:,} conflicting duplicates "
            f"(rows whose features repeat another row's with a different label) in {d.conflicting_groups:,} groups.")
    return measured("duplicates", text, data, d)


def leakage_fact(leak: Any) -> Fact:
    d = leak.summary_dict()
    suspects = [s["feature"] for s in d["suspects"]]
    text = f"Verdict: {leak.verdict}. {leak.verdict_text}"
    if suspects:
        text += " Suspects: " + ", ".join(f"'{s}'" for s in suspects) + "."
    return measured("leakage", text, d, leak)


def representativeness_fact(report: Any) -> Fact:
    r = getattr(report, "representation", report)  # a BiasReport or its BiasResult
    d = r.to_dict()
    under = [g.value for g in r.groups if g.flag == "under"]
    over = [g.value for g in r.groups if g.flag == "over"]
    data = {"group": r.group, "reference_source": r.reference_source, "verdict": r.verdict,
            "under_represented": under, "over_represented": over, "groups": d["groups"],
            "chi_square": d["chi_square"], "total_variation": r.total_variation, "js_distance": r.js_distance,
            "psi": r.psi}
    text = (f"'{r.group}' against {r.reference_source}: verdict {r.verdict}. {r.verdict_text} "
            f"Under-represented: {', '.join(under) or 'none'}; over-represented: {', '.join(over) or 'none'} "
            f"(total variation {r.total_variation:.3f}, Jensen-Shannon distance {r.js_distance:.3f}).")
    return measured("representativeness", text, data, r)


def shift_fact(result: Any) -> Fact:
    auc = result.domain.auc if result.domain is not None else None
    ls = result.label_shift
    data = {"n_reference": result.n_reference, "n_current": result.n_current, "drifted": list(result.drifted),
            "domain_classifier_auc": json_float(auc) if auc is not None else None,
            "label_shift": None if ls is None else bool(ls.drift), "rows_in_both": result.rows_in_both}
    text = (f"Against a second file ({result.n_current:,} rows, this one {result.n_reference:,}): "
            f"{result.verdict_text}")
    return measured("shift", text, data, result)


def agreement_fact(r: Any, intervals: Any = None) -> Fact:
    ci = dict(intervals.intervals) if intervals is not None else {}

    def with_ci(key: str, value: float) -> str:
        if key in ci:
            lo, hi = ci[key]
            return f"{num(value)} (95% interval {num(lo)} to {num(hi)})"
        return num(value)

    data = {"annotators": list(r.ratings.annotators), "n_items": r.n_items, "n_ratings": r.n_ratings,
            "level": r.level, "krippendorff_alpha": json_float(r.krippendorff_alpha),
            "fleiss_kappa": json_float(r.fleiss_kappa), "percent_agreement": json_float(r.percent_agreement),
            "annotations_per_item": json_float(r.n_ratings / r.n_rated_items) if r.n_rated_items else None,
            "intervals": None if intervals is None else intervals.to_dict()}
    text = (f"{len(r.ratings.annotators)} annotators ({', '.join(r.ratings.annotators)}) rated {r.n_items:,} items "
            f"({r.n_ratings:,} ratings, {r.level} level). Krippendorff's alpha "
            f"{with_ci('krippendorff_alpha', r.krippendorff_alpha)}, Fleiss' kappa "
            f"{with_ci('fleiss_kappa', r.fleiss_kappa)}, percent agreement "
            f"{with_ci('percent_agreement', r.percent_agreement)}. {r.verdict_text}")
    if intervals is None:
        text += " No intervals were computed (bootstrap them on the Labels page)."
    return measured("agreement", text, data, r)


def label_errors_fact(r: Any) -> Fact:
    checked = len(r.checked_rows)
    rate = r.n_flagged / checked if checked else None
    data = {"n_checked": checked, "n_flagged": r.n_flagged, "estimated_error_rate": rate,
            "reliable": r.reliable, "model": r.performance.to_dict()}
    if r.reliable:
        text = (f"Estimated label-error rate {pct(rate)}: confident learning ({r.model}, {r.folds}-fold "
                f"out-of-fold probabilities) flags {r.n_flagged:,} of {checked:,} labelled rows. "
                f"Model: {r.performance.text}.")
    else:
        text = (f"No reliable estimate of the label-error rate: {r.verdict_text} "
                f"({r.n_flagged:,} of {checked:,} rows flagged by an unreliable model.)")
    return measured("label_errors", text, data, r)


def weak_fact(w: Any) -> Fact:
    s, m = w.summary, w.model
    md = m.to_dict()
    data = {"n_lfs": len(s.lfs), "total_coverage": s.total_coverage, "overlap": s.overlap, "conflict": s.conflict,
            "lfs": [{"name": lf.name, "coverage": lf.coverage} for lf in s.lfs],
            "label_model": {"coverage": md["coverage"], "n_labelled": md["n_labelled"], "converged": md["converged"],
                            "used": md["used"], "label_counts": md["label_counts"]}}
    text = (f"{len(s.lfs)} labeling functions ({', '.join(lf.name for lf in s.lfs)}) cover {pct(s.total_coverage)} "
            f"of {s.n_items:,} items (overlap {pct(s.overlap)}, conflict {pct(s.conflict)}). The label model "
            f"(Dawid-Skene EM) labels {md['n_labelled']:,} items ({pct(md['coverage'])}), "
            f"{'converged' if md['converged'] else 'NOT converged'}. {w.verdict_text}")
    return measured("weak", text, data, w)


def fixes_fact(fixes: Sequence[Any]) -> Fact:
    entries = []
    for f in fixes:
        d = f.to_dict()
        entries.append({"kind": type(f).__name__, "verdict_text": f.verdict_text, "recipe": d.get("recipe"),
                        "n_synthetic": d.get("n_synthetic"), "n_removed": d.get("n_removed")})
    text = " ".join(f"{e['verdict_text']}" + (f" ({e['n_synthetic']:,} synthetic rows added, marked '"
                                              f"is_synthetic' when asked.)" if e["n_synthetic"] else "")
                    for e in entries) + " Each fix's recipe (below, and in the JSON) reproduces it."
    return measured("fixes", text, {"fixes": entries}, fixes[-1] if len(fixes) == 1 else None)


def robustness_fact(result: Any) -> Fact:
    d = result.to_dict()
    text = f"Verdict: {result.verdict}. {result.verdict_text}"
    return measured("robustness", text, d, result)
