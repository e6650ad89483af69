"""Charts of the Augmentation lab: robustness curves, flip rates, per-feature sensitivity."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.rebalance import METRICS
from analysis.robustness import PERTURBATIONS, RobustnessResult

from .style import BAD, LAYOUT, MAJORITY, NEUTRAL, SERIES, label

MAX_FEATURES = 30


def _kinds(result: RobustnessResult) -> list[str]:
    return list(dict.fromkeys(p.kind for p in result.perturbations))


def robustness_curves_figure(result: RobustnessResult, *, metric: str = "balanced_accuracy") -> go.Figure:
    """One panel per perturbation kind: ``metric`` against strength (strength 0 is the clean score), with
    the corrected 95% interval as error bars; the majority baseline dotted for balanced accuracy."""
    kinds = _kinds(result)
    cols = min(len(kinds), 4) or 1
    rows = -(-len(kinds) // cols) or 1
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[PERTURBATIONS[k].title for k in kinds],
                        shared_yaxes=True, horizontal_spacing=0.04, vertical_spacing=0.18)
    clean = result.clean[metric]
    for i, kind in enumerate(kinds):
        ladder = result.ladder(kind)
        points = [(0.0, clean)] + [(p.strength, p.metrics[metric]) for p in ladder if p.strength != 0.0]
        x = [s for s, _ in points]
        y = [m.mean for _, m in points]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=kind, showlegend=False, line=dict(color=SERIES[i % len(SERIES)]),
            error_y=dict(type="data", symmetric=False, array=[m.ci_high - m.mean for _, m in points],
                         arrayminus=[m.mean - m.ci_low for _, m in points], color=NEUTRAL),
            hovertemplate=f"{kind}<br>strength %{{x}}<br>%{{y:.4f}}<extra></extra>",
        ), row=i // cols + 1, col=i % cols + 1)
        fig.update_xaxes(title_text=PERTURBATIONS[kind].strength_label, row=i // cols + 1, col=i % cols + 1)
    if metric == "balanced_accuracy":
        for i in range(len(kinds)):
            fig.add_hline(y=result.majority_baseline, line_dash="dot", line_color=BAD, row=i // cols + 1,
                          col=i % cols + 1)
    fig.update_yaxes(title_text=METRICS[metric].label, row=1, col=1)
    fig.update_layout(**LAYOUT, height=320 * rows,
                      title=f"{METRICS[metric].label} under perturbation (strength 0 = clean; bars: 95% interval"
                      + ("; dotted: majority baseline)" if metric == "balanced_accuracy" else ")"))
    return fig


def flip_rate_figure(result: RobustnessResult) -> go.Figure:
    """Share of test predictions whose class changes, per perturbation kind and strength (grouped bars)."""
    fig = go.Figure()
    strengths = sorted({p.strength for p in result.perturbations})
    for j, kind in enumerate(_kinds(result)):
        ladder = {p.strength: p.flip_rate for p in result.ladder(kind)}
        fig.add_trace(go.Bar(
            x=[f"{s:g}" for s in strengths if s in ladder], y=[ladder[s] for s in strengths if s in ladder],
            name=kind, marker_color=SERIES[j % len(SERIES)],
            hovertemplate=f"{kind}<br>strength %{{x}}<br>%{{y:.1%}} of predictions flip<extra></extra>",
        ))
    fig.update_layout(**LAYOUT, barmode="group", height=380, title="Flip rate: share of predictions that change",
                      xaxis_title="strength", yaxis_title="flip rate", yaxis_tickformat=".0%",
                      legend_title_text="perturbation",
                      # strengths in numeric order, whichever kind first has one
                      xaxis=dict(type="category", categoryorder="array", categoryarray=[f"{s:g}" for s in strengths]))
    return fig


def sensitivity_figure(result: RobustnessResult) -> go.Figure:
    """Drop of balanced accuracy when one feature alone is perturbed, largest first (at most MAX_FEATURES)."""
    shown = list(result.sensitivity[:MAX_FEATURES])[::-1]  # plotly draws the first category at the bottom
    fig = go.Figure(go.Bar(
        y=[label(s.feature) for s in shown], x=[s.drop for s in shown], orientation="h",
        marker_color=[MAJORITY if s.drop > 0 else NEUTRAL for s in shown],
        customdata=[[s.kind, s.strength] for s in shown],
        hovertemplate="%{y}<br>drop %{x:.4f}<br>%{customdata[0]} at %{customdata[1]}<extra></extra>",
    ))
    more = len(result.sensitivity) - len(shown)
    fig.update_layout(**LAYOUT, height=max(260, 28 * len(shown) + 120),
                      title="Per-feature sensitivity: drop of balanced accuracy when one feature is perturbed"
                      + (f" (top {len(shown)}; {more} more in the table)" if more > 0 else ""),
                      xaxis_title="drop of balanced accuracy (clean - perturbed)", yaxis_title=None)
    return fig
