"""The package's public surface: every exported name resolves, and the UI layers stay out of analysis/."""

import ast
import subprocess
import sys
from pathlib import Path

import analysis

ANALYSIS_DIR = Path(analysis.__file__).resolve().parent


def test_every_exported_name_resolves_to_its_defining_module():
    for name in analysis.__all__:
        value = getattr(analysis, name)
        if name in analysis._LAZY:
            module = sys.modules["analysis" + analysis._LAZY[name]]
            assert getattr(module, name) is value


def test_import_analysis_and_the_cli_parser_do_not_load_the_heavy_libraries():
    # Every CLI call builds the whole parser first: `report` must not pay for the other commands' libraries.
    code = (
        "import sys, analysis, analysis.cli; analysis.cli.build_parser(); "
        "print(sorted(m for m in ('sklearn', 'imblearn', 'cleanlab', 'statsmodels', 'scipy.stats') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_analysis_never_imports_streamlit_or_plotly():
    # DESIGN.md's layering rule, checked on the syntax tree of every module.
    for path in ANALYSIS_DIR.rglob("*.py"):  # sub-packages included
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"streamlit", "plotly"}, f"{path.name} imports {name}"


def test_pages_import_no_computing_library_and_call_no_statistics():
    # DESIGN.md: pages read state, call cached analysis, chart and render; nothing else.
    pages = ANALYSIS_DIR.parent / "dashboard" / "app_pages"
    banned_modules = {"sklearn", "imblearn", "scipy", "statsmodels", "cleanlab", "krippendorff", "numpy"}
    banned_calls = {"groupby", "value_counts", "crosstab", "fit", "fit_resample", "cross_validate", "pivot_table"}
    for path in pages.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    assert name.split(".")[0] not in banned_modules, f"{path.name} imports {name}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in banned_calls, f"{path.name} calls .{node.func.attr}()"


def test_one_model_registry_serves_the_rebalancing_lab_and_the_label_error_finder():
    from analysis import models, rebalance
    from analysis.labels import issues as labels_issues

    assert rebalance.MODELS is models.MODELS is labels_issues.MODELS
    # Each name builds the estimator it is named after (scikit-learn's own classes).
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    kinds = {"logreg": LogisticRegression, "hgb": HistGradientBoostingClassifier, "rf": RandomForestClassifier}
    for name in models.MODELS:
        assert type(models.make_classifier(name)) is kinds[name]
