"""Hand labels: how far annotators agree, consensus labels, and rows whose label looks wrong.

One concern per module:

* :mod:`.ratings` - the annotator columns validated and encoded once (codes, label order).
* :mod:`.agreement` - percent agreement, Cohen's, Fleiss' and Krippendorff's coefficients,
  with the Landis-Koch and Krippendorff wording.
* :mod:`.views` - agreement per category, per annotator and per item (disputed items).
* :mod:`.bootstrap` - bootstrap intervals of every agreement statistic.
* :mod:`.consensus` - majority vote and Dawid-Skene consensus labels (:mod:`analysis.em`).
* :mod:`.issues` - label-error suspects of one label column (out-of-fold probabilities + cleanlab).
* :mod:`.settings` - the frozen, hashable settings of each analysis, as the dashboard caches them.
"""

from ..em import dawid_skene
from .agreement import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    Agreement,
    PairAgreement,
    agreement,
    alpha_verdict,
    landis_koch,
)
from .bootstrap import AgreementIntervals, bootstrap_agreement
from .consensus import CONSENSUS_METHODS, Consensus, consensus_labels, with_consensus
from .issues import MODELS, LabelIssues, apply_corrections, label_issues, out_of_fold_probabilities, suspects
from .ratings import LEVELS, Ratings, encode_ratings
from .settings import AgreementSettings, ConsensusSettings, Corrections, LabelIssuesSettings
from .views import AnnotatorAgreement, CategoryAgreement, disputed_items

__all__ = [
    "ALPHA_RELIABLE",
    "ALPHA_TENTATIVE",
    "CONSENSUS_METHODS",
    "LEVELS",
    "MODELS",
    "Agreement",
    "AgreementIntervals",
    "AgreementSettings",
    "AnnotatorAgreement",
    "CategoryAgreement",
    "Consensus",
    "ConsensusSettings",
    "Corrections",
    "LabelIssues",
    "LabelIssuesSettings",
    "PairAgreement",
    "Ratings",
    "agreement",
    "alpha_verdict",
    "apply_corrections",
    "bootstrap_agreement",
    "consensus_labels",
    "dawid_skene",
    "disputed_items",
    "encode_ratings",
    "label_issues",
    "landis_koch",
    "out_of_fold_probabilities",
    "suspects",
    "with_consensus",
]
