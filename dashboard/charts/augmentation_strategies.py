"""Charts of the augmentation strategies: clean vs perturbed score per strategy, with 95% intervals."""

from __future__ import annotations

import plotly.graph_objects as go

from analysis.augment import AugmentComparison
from analysis.rebalance import METRICS
from dashboard.charts.style import LAYOUT, MAJORITY, MINORITY, NEUTRAL, SERIES, label

__all__ = ["clean_vs_perturbed_figure", "strategy_bars_figure"]


def clean_vs_perturbed_figure(result: AugmentComparison, *, metric: str) -> go.Figure:
    """One point per strategy: clean score (x) against perturbed score (y), 95% intervals as error bars.

    Above the dashed line a strategy loses less under perturbation than it scores clean.
    """
    fig = go.Figure()
    ran = [r for r in result.strategies if not r.skipped and metric in r.clean]
    lows, highs = [], []
    for k, r in enumerate(ran):
        c, p = r.clean[metric], r.perturbed[metric]
        lows += [c.ci_low, p.ci_low]
        highs += [c.ci_high, p.ci_high]
        fig.add_trace(go.Scatter(
            x=[c.mean], y=[p.mean], mode="markers", name=label(r.label), customdata=[label(r.name)],
            marker=dict(size=12, color=NEUTRAL if r.name == "none" else SERIES[k % len(SERIES)]),
            error_x=dict(type="data", symmetric=False, array=[c.ci_high - c.mean], arrayminus=[c.mean - c.ci_low]),
            error_y=dict(type="data", symmetric=False, array=[p.ci_high - p.mean], arrayminus=[p.mean - p.ci_low]),
            hovertemplate=f"{label(r.label)}<br>clean %{{x:.3f}}<br>perturbed %{{y:.3f}}<extra></extra>",
        ))
    if ran:
        lo, hi = min(lows), max(highs)
        fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="perturbed = clean",
                                 line=dict(dash="dash", color=NEUTRAL), hoverinfo="skip"))
    name = METRICS[metric].label
    fig.update_layout(**LAYOUT, title=f"{name}: clean test folds vs perturbed test folds",
                      xaxis_title=f"{name}, clean", yaxis_title=f"{name}, perturbed", height=440)
    return fig


def strategy_bars_figure(result: AugmentComparison, *, metric: str) -> go.Figure:
    """Clean and perturbed mean per strategy side by side, 95% intervals as error bars."""
    ran = [r for r in result.strategies if not r.skipped and metric in r.clean]
    names = [label(r.name) for r in ran]
    fig = go.Figure()
    for cond, colour in (("clean", MAJORITY), ("perturbed", MINORITY)):
        s = [getattr(r, cond)[metric] for r in ran]
        fig.add_trace(go.Bar(
            x=names, y=[v.mean for v in s], name=cond, marker_color=colour,
            error_y=dict(type="data", symmetric=False, array=[v.ci_high - v.mean for v in s],
                         arrayminus=[v.mean - v.ci_low for v in s]),
            hovertemplate=f"%{{x}} ({cond}): %{{y:.3f}}<extra></extra>",
        ))
    fig.update_layout(**LAYOUT, barmode="group", title=f"{METRICS[metric].label} per strategy (95% intervals)",
                      yaxis_title=METRICS[metric].label, height=400)
    return fig
