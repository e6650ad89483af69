"""Weak supervision: labeling functions (LFs), their statistics, a label model, and programmatic labels.

One concern per module:

* :mod:`.matrix`: LF votes encoded as an ``items x LFs`` matrix of class codes;
* :mod:`.summary`: Snorkel's LF statistics (polarity, coverage, overlaps, conflicts, empirical accuracy);
* :mod:`.model`: majority vote and the Dawid-Skene label model (the one EM of :mod:`analysis.em`);
* :mod:`.labels`: summary + label model of one LF set, and the data with weak labels;
* :mod:`.lf`, :mod:`.kinds`: one declarative LF, and the registry of LF kinds (one class each);
* :mod:`.lfs`: LF sets (:class:`LFSet`): validation, applying them, JSON and the editable table;
* :mod:`.settings`: typed settings (:class:`LFColumns`, :class:`LabelModelSettings`);
* :mod:`.simulate`: simulated LFs of known accuracy (tests and benchmarks).
"""

from __future__ import annotations

from . import kinds as kinds  # registers the built-in LF kinds
from .labels import WeakLabels, fit_weak_labels, weak_labels, with_weak_labels
from .lf import LF_KINDS, LabelingFunction, LFKind
from .lfs import (
    TABLE_COLUMNS,
    LFSet,
    apply_lfs,
    check_lfs,
    declarative_matrix,
    lf_from_inputs,
    lfs_from_json,
    lfs_from_table,
    lfs_to_json,
    lfs_to_table,
    read_lf_file,
)
from .matrix import DEFAULT_ABSTAIN, LFMatrix, lf_matrix
from .model import LabelModel, label_model, parse_class_prior
from .settings import LabelModelSettings, LFColumns, split_list
from .simulate import SimulatedVotes, simulate_votes
from .summary import LFStats, LFSummary, lf_summary

__all__ = [
    "DEFAULT_ABSTAIN",
    "LF_KINDS",
    "TABLE_COLUMNS",
    "LFColumns",
    "LFKind",
    "LFMatrix",
    "LFSet",
    "LFStats",
    "LFSummary",
    "LabelModel",
    "LabelModelSettings",
    "LabelingFunction",
    "SimulatedVotes",
    "WeakLabels",
    "apply_lfs",
    "check_lfs",
    "declarative_matrix",
    "fit_weak_labels",
    "label_model",
    "lf_from_inputs",
    "lf_matrix",
    "lf_summary",
    "lfs_from_json",
    "lfs_from_table",
    "lfs_to_json",
    "lfs_to_table",
    "parse_class_prior",
    "read_lf_file",
    "simulate_votes",
    "split_list",
    "weak_labels",
    "with_weak_labels",
]
