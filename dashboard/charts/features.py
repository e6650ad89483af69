"""Charts of the Features page: one feature by class, single-feature AUC with intervals, correlation heatmaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.columns import FeatureByClass, LeakageReport

from .style import BAD, LAYOUT, MAJORITY, NEUTRAL, SERIES, label


def by_class_figure(view: FeatureByClass) -> go.Figure:
    """Each class's share of rows per bin or value (bars side by side): classes of any size compare."""
    counts = np.array(view.counts, dtype=float).reshape(len(view.bins), len(view.classes))
    totals = counts.sum(axis=0)
    fig = go.Figure()
    for j, c in enumerate(view.classes):
        share = counts[:, j] / totals[j] if totals[j] else counts[:, j]
        fig.add_trace(go.Bar(
            x=[label(b) for b in view.bins], y=share, name=label(c), marker_color=SERIES[j % len(SERIES)],
            customdata=counts[:, j], hovertemplate="%{x}<br>%{y:.1%} of class " + label(c)
            + " (%{customdata:,.0f} rows)<extra></extra>",
        ))
    fig.update_layout(
        title=f"'{label(view.feature)}' by class of '{label(view.target)}' (share of each class's rows)",
        barmode="group", bargap=0.05 if view.edges else 0.2, xaxis_type="category",
        yaxis_title="share of the class", yaxis_tickformat=".0%", legend_title_text=label(view.target), height=420,
        **LAYOUT,
    )
    return fig


def auc_figure(report: LeakageReport, limit: int = 25) -> go.Figure:
    """Each feature's cross-validated AUC alone with its interval; suspects in red; the 0.5 baseline dashed."""
    rows = [f for f in report.features if f.auc is not None]
    rows.sort(key=lambda f: -(f.auc or 0.0))
    rows = rows[:limit][::-1]
    fig = go.Figure(go.Bar(
        y=[label(f.feature) for f in rows], x=[f.auc for f in rows], orientation="h",
        marker_color=[BAD if f.suspect else MAJORITY for f in rows],
        error_x=dict(type="data", symmetric=False,
                     array=[(f.auc_high or f.auc or 0) - (f.auc or 0) for f in rows],
                     arrayminus=[(f.auc or 0) - (f.auc_low or f.auc or 0) for f in rows], color=NEUTRAL),
        hovertemplate="%{y}: AUC %{x:.3f}<extra></extra>",
    ))
    # The axis starts at 0 (bars keep their true length) and the chance level is marked on the axis
    # itself, so no label sits on top of the bars.
    fig.add_vline(x=0.5, line_dash="dash", line_color=NEUTRAL)
    fig.update_layout(
        title=f"Each feature alone: cross-validated AUC for '{label(report.target)}' (95% interval over "
              f"{report.folds} folds)",
        xaxis_range=[0, 1.02], xaxis_tickvals=[0, 0.25, 0.5, 0.75, 1],
        xaxis_ticktext=["0", "0.25", "0.5 chance", "0.75", "1"],
        xaxis_title="ROC AUC of the feature alone (dashed: chance, 0.5)", yaxis_type="category",
        height=max(260, 28 * len(rows) + 90), showlegend=False, **LAYOUT,
    )
    return fig


def heatmap_figure(matrix: pd.DataFrame, title: str, *, signed: bool) -> go.Figure:
    """A square matrix of pairwise measures (-1..1 when ``signed``, else 0..1), values written in the cells."""
    names = [label(c) for c in matrix.columns]
    z = matrix.to_numpy(dtype=float)
    fig = go.Figure(go.Heatmap(
        z=z, x=names, y=names, zmin=-1 if signed else 0, zmax=1,
        colorscale="RdBu" if signed else "Blues", reversescale=signed,
        text=np.round(z, 2), texttemplate="%{text}", hovertemplate="%{y} – %{x}: %{z:.3f}<extra></extra>",
    ))
    fig.update_layout(title=title, height=max(320, 30 * len(names) + 140), xaxis_type="category",
                      yaxis_type="category", yaxis_autorange="reversed", **LAYOUT)
    return fig
