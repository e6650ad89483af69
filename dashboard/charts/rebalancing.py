"""Charts of the Rebalancing lab."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.rebalance import METRICS, FixResult, Projection, StrategyResult

from .style import LAYOUT as _LAYOUT
from .style import MAJORITY, MINORITY, NEUTRAL

_VERDICT_COLORS = {"better": "#2b8a3e", "worse": "#c92a2a", "no clear difference": NEUTRAL, "baseline": MAJORITY}
_SERIES = ["#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#1098ad", "#f08c00", "#c92a2a", "#5c940d",
           "#862e9c", "#0b7285", "#d9480f", "#364fc7", "#a61e4d", "#495057", "#74b816"]


def _ran(results) -> list[StrategyResult]:
    return [r for r in results if r.ok]


def rebalance_metric_figure(results, *, metric: str) -> go.Figure:
    """Mean of ``metric`` per strategy with its corrected 95% interval as error bars, coloured by the verdict vs the baseline."""
    ran = [r for r in _ran(results) if metric in r.metrics]
    names = [r.name for r in ran]
    means = [r.metrics[metric].mean for r in ran]
    verdicts = [
        "baseline" if r.name == "none" else (r.versus_baseline[metric].verdict if metric in r.versus_baseline else "no clear difference")
        for r in ran
    ]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=means,
            marker_color=[_VERDICT_COLORS[v] for v in verdicts],
            error_y=dict(
                type="data",
                symmetric=False,
                array=[r.metrics[metric].ci_high - r.metrics[metric].mean for r in ran],
                arrayminus=[r.metrics[metric].mean - r.metrics[metric].ci_low for r in ran],
                color="#495057",
            ),
            text=[f"{m:.3f}" for m in means],
            textposition="inside",
            insidetextanchor="start",  # at the bar's foot: the interval's whisker crosses its top
            customdata=verdicts,
            hovertemplate="%{x}<br>%{y:.4f}<br>%{customdata}<extra></extra>",
        )
    )
    baseline = next((r for r in ran if r.name == "none"), None)
    if baseline is not None:
        fig.add_hline(y=baseline.metrics[metric].mean, line_dash="dot", line_color=MAJORITY,
                      annotation_text="baseline", annotation_position="top left")
    direction = "higher is better" if METRICS[metric].higher_is_better else "lower is better"
    fig.update_layout(
        title=f"{METRICS[metric].label} by strategy ({direction}; bars: corrected 95% interval)",
        xaxis_title="strategy",
        yaxis_title=METRICS[metric].label,
        height=420,
        showlegend=False,
        **_LAYOUT,
    )
    return fig


def pr_curves_figure(results, *, prevalence: float) -> go.Figure:
    """Precision-recall curves from out-of-fold predictions, one line per strategy; chance = the prevalence."""
    fig = go.Figure()
    for i, r in enumerate(_ran(results)):
        if r.pr_curve is None:
            continue
        recall, precision = r.pr_curve
        ap = r.metrics["average_precision"].mean
        fig.add_trace(go.Scatter(
            x=recall, y=precision, mode="lines", name=f"{r.name} (AP {ap:.3f})",
            line=dict(color=_SERIES[i % len(_SERIES)], width=2),
            hovertemplate=f"{r.name}<br>recall %{{x:.3f}}<br>precision %{{y:.3f}}<extra></extra>",
        ))
    # labelled at the left: every curve ends at recall 1 on this line, on the right
    fig.add_hline(y=prevalence, line_dash="dot", line_color=NEUTRAL, annotation_text=f"chance ({prevalence:.1%})",
                  annotation_position="top left")
    fig.update_layout(title="Precision-recall curves (out-of-fold predictions)", xaxis_title="recall",
                      yaxis_title="precision", height=440, **_LAYOUT)
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return fig


def calibration_figure(results) -> go.Figure:
    """Reliability curves (mean predicted probability vs observed frequency, quantile bins) per strategy."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                             line=dict(color=NEUTRAL, dash="dot")))
    for i, r in enumerate(_ran(results)):
        if r.calibration is None:
            continue
        predicted, observed = r.calibration
        fig.add_trace(go.Scatter(
            x=predicted, y=observed, mode="lines+markers", name=f"{r.name} (Brier {r.metrics['brier'].mean:.4f})",
            line=dict(color=_SERIES[i % len(_SERIES)]),
            hovertemplate=f"{r.name}<br>predicted %{{x:.3f}}<br>observed %{{y:.3f}}<extra></extra>",
        ))
    fig.update_layout(title="Calibration curves (out-of-fold, 10 quantile bins)", xaxis_title="mean predicted probability",
                      yaxis_title="observed share of the positive class", height=440, **_LAYOUT)
    return fig


def confusion_matrices_figure(results, *, classes) -> go.Figure:
    """Out-of-fold confusion matrices side by side (rows: true class, columns: predicted), row-normalised colour."""
    ran = [r for r in _ran(results) if r.confusion is not None]
    cols = max(1, min(4, len(ran)))
    rows = max(1, -(-len(ran) // cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[r.name for r in ran],
                        horizontal_spacing=0.06, vertical_spacing=0.12)
    labels = [str(c) for c in classes]
    for i, r in enumerate(ran):
        cm = np.asarray(r.confusion)
        share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
        fig.add_trace(
            go.Heatmap(
                z=share, x=labels, y=labels, zmin=0, zmax=1, colorscale="Blues", showscale=i == 0,
                text=[[f"{v:,}" for v in row] for row in cm], texttemplate="%{text}",
                hovertemplate="true %{y}<br>predicted %{x}<br>%{text} rows (%{z:.1%} of the class)<extra></extra>",
            ),
            row=i // cols + 1, col=i % cols + 1,
        )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    fig.update_layout(title="Confusion matrices (rows: true class; columns: predicted; colour: share of the true class)",
                      height=max(320, 280 * rows), **_LAYOUT)
    return fig


def fix_counts_figure(fix: FixResult) -> go.Figure:
    """Class counts of the training part before and after the fix, grouped bars."""
    frame = fix.counts_frame()
    fig = go.Figure()
    for stage, color in (("before", NEUTRAL), ("after", MINORITY)):
        part = frame[frame["stage"] == stage]
        fig.add_trace(go.Bar(x=part["class"], y=part["rows"], name=stage, marker_color=color,
                             text=[f"{v:,}" for v in part["rows"]], textposition="outside", cliponaxis=False))
    fig.update_layout(title=f"Class distribution before and after '{fix.strategy}' (training part)", barmode="group",
                      xaxis_title=fix.target, yaxis_title="rows", xaxis_type="category", height=380, **_LAYOUT)
    return fig


def projection_figure(projection: Projection) -> go.Figure:
    """2-D PCA scatter of original vs synthetic rows (computed in analysis.rebalance)."""
    fig = go.Figure()
    frame = projection.frame
    for (kind, label), part in frame.groupby(["kind", "label"], sort=True):
        fig.add_trace(go.Scattergl(
            x=part["pc1"], y=part["pc2"], mode="markers", name=f"{kind}, class {label}",
            marker=dict(size=5 if kind == "original" else 6, opacity=0.45 if kind == "original" else 0.7,
                        symbol="circle" if kind == "original" else "x"),
        ))
    ev = projection.explained_variance
    fig.update_layout(title="Original vs synthetic rows (PCA of the encoded features)",
                      xaxis_title=f"PC1 ({ev[0]:.1%} of variance)", yaxis_title=f"PC2 ({ev[1]:.1%})",
                      height=460, **_LAYOUT)
    return fig
