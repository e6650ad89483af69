"""The dataset card as one self-contained HTML file (plotly.js inlined once, no network).

This package may import plotly (it reuses ``dashboard.charts``) but never streamlit, so
the CLI can draw the report without starting the dashboard; the analysis layer reaches
it through the import system at call time (``analysis.cli.card``).
"""

from .html import MAX_FIGURE_BYTES, card_figures, html_report

__all__ = ["MAX_FIGURE_BYTES", "card_figures", "html_report"]
