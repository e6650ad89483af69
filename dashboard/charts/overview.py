"""Charts of the Overview page: class balance and missing values."""

from __future__ import annotations

import plotly.graph_objects as go

from analysis.overview import ClassBalance, Overview
from analysis.wording import ratio_text

from .style import LAYOUT as _LAYOUT
from .style import MAJORITY, MINORITY, NEUTRAL, label
from .style import MAX_BARS as _MAX_BARS


def class_balance_figure(balance: ClassBalance) -> go.Figure:
    """Bars of class counts, largest first, labelled with count and share; the minority class stands out."""
    labels = [label(k) for k in balance.counts]
    counts = list(balance.counts.values())
    shares = list(balance.proportions.values())
    colors = [MINORITY if k == balance.minority_class else MAJORITY for k in balance.counts]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=counts,
            marker_color=colors,
            text=[f"{c:,}<br>{s:.1%}" for c, s in zip(counts, shares)],
            textposition="outside",
            cliponaxis=False,
            customdata=shares,
            hovertemplate="class %{x}<br>%{y:,} rows (%{customdata:.2%})<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Class distribution of '{label(balance.target)}' (imbalance ratio {ratio_text(balance.imbalance_ratio)} : 1)",
        xaxis_title=label(balance.target),
        yaxis_title="rows",
        xaxis_type="category",
        height=400,
        showlegend=False,
        **_LAYOUT,
    )
    fig.update_yaxes(rangemode="tozero")
    return fig


def missing_values_figure(result: Overview) -> go.Figure:
    """Horizontal bars of the share of missing values per column (columns with none are left out)."""
    frame = result.missing_frame()
    frame = frame[frame["missing"] > 0].sort_values("share", ascending=True).tail(_MAX_BARS)
    fig = go.Figure(
        go.Bar(
            x=frame["share"],
            y=[label(c) for c in frame["column"]],
            orientation="h",
            marker_color=[MINORITY if c == result.target else NEUTRAL for c in frame["column"]],
            text=[f"{m:,} ({s:.1%})" for m, s in zip(frame["missing"], frame["share"])],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Missing values by column",
        xaxis_title="share of rows missing",
        xaxis_tickformat=".1~%",
        height=max(220, 60 + 28 * len(frame)),
        showlegend=False,
        **_LAYOUT,
    )
    fig.update_xaxes(range=[0, min(1.0, float(frame["share"].max()) * 1.35 if len(frame) else 1.0)])
    return fig
