"""Sampling bias: is the sample representative of its population, and of the data the model will meet?

One concern per module:

``reference``        expected shares (typed, a value,share table or a dataset): :class:`ReferenceShares`
``representation``   the sample's group shares against the reference (ratios, Wilson intervals, chi-square, distances)
``intersections``    the same for the cells of two group columns
``inside``           label rates and missing values by group
``report``           what ``dataset-diagnostics bias`` prints
``simulate``         the sampling simulator (a registry of sampling methods)
``shift_features``, ``shift_domain``, ``shift_steps``, ``shift_report``
                     distribution shift between two files: per-feature tests, domain classifier, the whole comparison
``reweight``, ``resample``, ``fix``
                     post-stratification, raking, stratified resampling, their downloads and the fix registry

Helpers shared by these modules live in ``_common`` (private to the package).
"""

from ..candidates import MAX_GROUPS
from ..wording import count_noun
from ._common import (
    EFFECT_BANDS,
    PSI_EPSILON,
    check_group_labels,
    effect_band,
    fmt_p,
    group_labels,
    psi,
    quoted,
    validate_group,
    wilson_interval,
)
from .fix import FIX_METHODS, FixMethod, FixSettings, fix_csv
from .inside import (
    MISSING_GROUP_LABEL,
    LabelByGroup,
    MissingByGroup,
    label_by_group,
    label_by_group_from_table,
    missingness_by_group,
    missingness_from_counts,
)
from .intersections import IntersectionSettings, intersection_from_counts, intersection_representation
from .reference import ReferenceShares, observed_shares, parse_expected, reference_shares
from .report import BiasReport, bias_report
from .representation import BiasResult, BiasSettings, ChiSquare, GroupShare, compare_counts, representation
from .resample import Resample, resample_csv, stratified_resample
from .reweight import WEIGHT_COLUMN, Reweighting, poststratification_weights, rake, weighted_csv
from .shift_domain import DomainClassifier, domain_classifier
from .shift_features import FeatureDistribution, FeatureShift, feature_distribution, feature_shift
from .shift_report import DRIFT_THRESHOLDS, LABEL_SHIFT_JS, LabelShift, ShiftResult, ShiftSettings, rows_in_both, shift
from .simulate import METHODS, SAMPLING_METHODS, SamplingMethod, SimulationResult, SimulationSettings, simulate_sampling

__all__ = [
    "DRIFT_THRESHOLDS",
    "EFFECT_BANDS",
    "FIX_METHODS",
    "LABEL_SHIFT_JS",
    "MAX_GROUPS",
    "METHODS",
    "PSI_EPSILON",
    "SAMPLING_METHODS",
    "WEIGHT_COLUMN",
    "BiasReport",
    "BiasResult",
    "BiasSettings",
    "ChiSquare",
    "DomainClassifier",
    "FeatureDistribution",
    "FeatureShift",
    "FixMethod",
    "FixSettings",
    "GroupShare",
    "IntersectionSettings",
    "LabelByGroup",
    "LabelShift",
    "MissingByGroup",
    "ReferenceShares",
    "Resample",
    "Reweighting",
    "SamplingMethod",
    "ShiftResult",
    "ShiftSettings",
    "SimulationResult",
    "SimulationSettings",
    "bias_report",
    "count_noun",
    "domain_classifier",
    "effect_band",
    "feature_distribution",
    "feature_shift",
    "fix_csv",
    "fmt_p",
    "check_group_labels",
    "group_labels",
    "intersection_from_counts",
    "intersection_representation",
    "MISSING_GROUP_LABEL",
    "label_by_group",
    "label_by_group_from_table",
    "missingness_by_group",
    "missingness_from_counts",
    "observed_shares",
    "parse_expected",
    "poststratification_weights",
    "psi",
    "quoted",
    "rake",
    "reference_shares",
    "compare_counts",
    "representation",
    "resample_csv",
    "rows_in_both",
    "shift",
    "simulate_sampling",
    "stratified_resample",
    "validate_group",
    "weighted_csv",
    "wilson_interval",
]
