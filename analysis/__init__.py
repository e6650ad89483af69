"""dataset-diagnostics: is this training data fit to learn from?

The analysis layer: pure computation on pandas, numpy, scikit-learn and
imbalanced-learn. It never imports streamlit or plotly; the dashboard and the
CLI both render the result objects defined here.

>>> import analysis
>>> ds = analysis.load_csv(b"x,label\\n1,a\\n2,b\\n3,a\\n")
>>> analysis.overview(ds, target="label").class_balance.imbalance_ratio
2.0

The entry points of each diagnostic are importable from here; the heavier
ones (scikit-learn, imbalanced-learn, cleanlab, statsmodels) load on first use,
so ``import analysis`` stays quick.
"""

from importlib import import_module

from .errors import DiagnosticsError
from .io import Dataset, load_csv

# The ``overview`` function shadows the ``analysis.overview`` package as an attribute of
# ``analysis`` (as ``analysis.overview(...)`` always was); import the package's names with
# ``from analysis.overview import ...``, which goes through sys.modules.
from .overview import ClassBalance, DuplicateSummary, Overview, class_balance, duplicate_summary, imbalance_verdict
from .overview import overview as overview
from .schema import ColumnProfile, Role, Schema, infer_schema, suggest_target

#: name -> module that defines it, imported when the name is first used.
_LAZY = {
    # sampling bias and shift
    "bias_report": ".sampling",
    "representation": ".sampling",
    "label_by_group": ".sampling",
    "missingness_by_group": ".sampling",
    "intersection_representation": ".sampling",
    "shift": ".sampling",
    "simulate_sampling": ".sampling",
    "poststratification_weights": ".sampling",
    "rake": ".sampling",
    "stratified_resample": ".sampling",
    # labels
    "agreement": ".labels",
    "bootstrap_agreement": ".labels",
    "consensus_labels": ".labels",
    "label_issues": ".labels",
    "dawid_skene": ".em",
    "majority_vote": ".em",
    # weak supervision
    "LabelingFunction": ".weak",
    "apply_lfs": ".weak",
    "lf_summary": ".weak",
    "label_model": ".weak",
    "weak_labels": ".weak",
    # rebalancing
    "STRATEGIES": ".rebalance",
    "compare_strategies": ".rebalance",
    "iter_comparison": ".rebalance",
    "apply_fix": ".rebalance",
    "CompareSettings": ".rebalance",
    "FixSettings": ".rebalance",
    # augmentation lab (strategies, template synthesis, the augmented download)
    "compare_augmentations": ".augment",
    "apply_augmentation": ".augment",
    "AugmentCompareSettings": ".augment",
    "AugmentSettings": ".augment",
    "load_templates": ".augment",
    # robustness (the one-call ``robustness`` is ``from analysis.robustness import robustness``:
    # as a top-level name it would depend on whether the sub-package was imported first)
    "PERTURBATIONS": ".robustness",
    "RobustnessSettings": ".robustness",
    "plan_robustness": ".robustness",
    "iter_robustness": ".robustness",
    # near-duplicates and outliers
    "near_duplicate_summary": ".overview",
    "outlier_summary": ".overview",
    # export
    "to_csv_bytes": ".export",
    # provenance
    "provenance_for": ".provenance", "verify": ".provenance",
    # intake: CSV, Parquet (file, folder, glob) and .xlsx by their first bytes
    "load_table": ".intake",
    # dataset card (issue 12)
    "build_card": ".card",
    "HumanFields": ".card",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


__all__ = [
    "ClassBalance",
    "ColumnProfile",
    "Dataset",
    "DiagnosticsError",
    "DuplicateSummary",
    "Overview",
    "Role",
    "Schema",
    "class_balance",
    "duplicate_summary",
    "imbalance_verdict",
    "infer_schema",
    "load_csv",
    "overview",
    "suggest_target",
    *_LAZY,
]
