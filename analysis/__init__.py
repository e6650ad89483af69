"""dataset-diagnostics: is this training data fit to learn from?

The analysis layer: pure computation on pandas, numpy, scikit-learn and
imbalanced-learn. It never imports streamlit or plotly; the dashboard and the
CLI both render the result objects defined here.

>>> import analysis
>>> ds = analysis.load_csv(b"x,label\\n1,a\\n2,b\\n3,a\\n")
>>> analysis.overview(ds, target="label").class_balance.imbalance_ratio
2.0
"""

from .balance import ClassBalance, class_balance, imbalance_verdict
from .errors import DiagnosticsError
from .io import Dataset, load_csv
from .report import DuplicateSummary, Overview, duplicate_summary, overview
from .schema import ColumnProfile, Role, Schema, infer_schema, suggest_target

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
]
