"""Charts of the Sampling bias page."""

from __future__ import annotations

import plotly.graph_objects as go

from analysis.sampling import (
    BiasResult,
    FeatureDistribution,
    LabelByGroup,
    MissingByGroup,
    SimulationResult,
    count_noun,
)

from .style import EXPECTED, LAYOUT, MAX_BARS, NEUTRAL, OVER, UNDER, label
from .style import MAJORITY as REFERENCE  # the first file of a comparison, and the "after" of a fix
from .style import MINORITY as CURRENT  # the second file, and the convenience samples of the simulator

_FLAG_COLOR = {"over": OVER, "under": UNDER, "ok": NEUTRAL, "not_in_data": UNDER, "not_in_reference": OVER}


def bias_bars_figure(result: BiasResult) -> go.Figure:
    """Observed share (with its 95 % Wilson interval) beside the expected share, per group."""
    groups = list(result.groups)[:MAX_BARS]
    values = [g.value for g in groups]
    observed = [g.observed_share for g in groups]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="expected (reference)",
            x=values,
            y=[g.expected_share if g.expected_share is not None else 0.0 for g in groups],
            marker_color=EXPECTED,
            hovertemplate="%{x}: expected %{y:.2%}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            name="observed (sample)",
            x=values,
            y=observed,
            marker_color=[_FLAG_COLOR[g.flag] for g in groups],
            error_y=dict(
                type="data",
                symmetric=False,
                array=[g.share_ci_high - g.observed_share for g in groups],
                arrayminus=[g.observed_share - g.share_ci_low for g in groups],
                color="#212529",
                thickness=1.2,
            ),
            customdata=[[g.observed_count, g.share_ci_low, g.share_ci_high, g.flag] for g in groups],
            hovertemplate="%{x}: observed %{y:.2%} (%{customdata[0]:,} rows)<br>95% interval "
            "%{customdata[1]:.2%} – %{customdata[2]:.2%}<br>%{customdata[3]}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Share of each '{result.group}' value: sample vs reference",
        barmode="group",
        xaxis_type="category",
        yaxis_title="share of rows",
        yaxis_tickformat=".0%",
        height=420,
        legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
        **LAYOUT,
    )
    return fig


#: The ratio axis ends at this multiple of the largest point (or of 1 + tolerance): one group with a
#: tiny expected share has a huge interval, which would squash every other group into the left edge.
RATIO_AXIS_HEADROOM = 1.5


def ratio_axis_end(result: BiasResult) -> float:
    """Right end of the ratio axis: every interval when they fit, else the points with headroom (intervals clipped)."""
    groups = [g for g in result.groups if g.representation_ratio is not None]
    need = max([g.ci_high for g in groups] + [1 + result.tolerance])
    cap = max([g.representation_ratio for g in groups] + [1 + result.tolerance]) * RATIO_AXIS_HEADROOM
    return float(min(need, cap) * 1.05)


def representation_ratio_figure(result: BiasResult) -> go.Figure:
    """Observed / expected with its 95 % interval per group; 1 = as in the reference; the band is the tolerance.

    The axis ends at :func:`ratio_axis_end`; an interval reaching beyond it is drawn to the edge and
    marked with an arrow ("▶") and its true upper end in the hover text.
    """
    groups = [g for g in result.groups if g.representation_ratio is not None][:MAX_BARS]
    groups = sorted(groups, key=lambda g: g.representation_ratio)
    end = ratio_axis_end(result)
    clipped = [g.ci_high > end for g in groups]
    fig = go.Figure(
        go.Scatter(
            x=[g.representation_ratio for g in groups],
            y=[label(g.value) for g in groups],
            mode="markers",
            marker=dict(size=12, color=[_FLAG_COLOR[g.flag] for g in groups]),
            error_x=dict(
                type="data",
                symmetric=False,
                array=[min(g.ci_high, end) - g.representation_ratio for g in groups],
                arrayminus=[g.representation_ratio - g.ci_low for g in groups],
                color="#495057",
            ),
            customdata=[[g.ci_low, g.ci_high, g.flag] for g in groups],
            hovertemplate="%{y}: %{x:.2f}× (95%% interval %{customdata[0]:.2f} – %{customdata[1]:.2f})"
            "<br>%{customdata[2]}<extra></extra>",
        )
    )
    if any(clipped):
        beyond = [g for g, c in zip(groups, clipped) if c]
        fig.add_trace(
            go.Scatter(
                x=[end] * len(beyond),
                y=[label(g.value) for g in beyond],
                mode="markers",
                marker=dict(symbol="triangle-right", size=11, color="#495057"),
                customdata=[[g.ci_high] for g in beyond],
                hovertemplate="%{y}: the interval extends beyond the axis, to %{customdata[0]:.2f}<extra></extra>",
                name="interval extends beyond the axis",
            )
        )
    tol = result.tolerance
    fig.add_vrect(x0=1 - tol, x1=1 + tol, fillcolor="#e9ecef", opacity=0.6, line_width=0, layer="below")
    fig.add_vline(x=1, line_dash="dash", line_color="#495057")
    note = " · ▶ interval extends beyond the axis" if any(clipped) else ""
    fig.update_layout(
        title=f"Representation ratio of '{label(result.group)}'",
        xaxis_title=f"observed share / expected share (grey band: 1 ± {tol:.0%}){note}",
        yaxis_type="category",
        height=max(260, 80 + 36 * len(groups)),
        showlegend=False,
        **LAYOUT,
    )
    fig.update_xaxes(range=[0, end])
    return fig


def residual_heatmap_figure(result: LabelByGroup) -> go.Figure:
    """Adjusted standardized residuals per group x class: observed vs expected by chance (red = more rows)."""
    res = result.residuals
    counts = result.counts
    rates = result.rates
    text = [[f"{res.iat[i, j]:+.1f}<br>{counts.iat[i, j]:,} ({rates.iat[i, j]:.1%})" for j in range(res.shape[1])] for i in range(res.shape[0])]
    limit = max(3.0, float(abs(res.to_numpy()).max()))
    fig = go.Figure(
        go.Heatmap(
            z=res.to_numpy(),
            x=[str(c) for c in res.columns],
            y=[str(g) for g in res.index],
            zmin=-limit,
            zmax=limit,
            colorscale="RdBu_r",
            text=text,
            texttemplate="%{text}",
            colorbar=dict(title="residual"),
            hovertemplate=f"{result.group} %{{y}}, {result.target} %{{x}}<br>adjusted residual %{{z:.2f}}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"'{result.target}' by '{result.group}': adjusted residuals (beyond ±1.96 = unusual)",
        xaxis_title=result.target,
        yaxis_title=result.group,
        xaxis_type="category",
        yaxis_type="category",
        height=max(260, 90 + 40 * res.shape[0]),
        **LAYOUT,
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def missingness_heatmap_figure(result: MissingByGroup) -> go.Figure:
    """Share of missing values per column (x) within each group (y)."""
    shares = result.shares
    flagged = set(result.flagged_columns)
    fig = go.Figure(
        go.Heatmap(
            z=shares.to_numpy(),
            x=[f"{c} ⚠" if c in flagged else str(c) for c in shares.columns],
            y=[str(g) for g in shares.index],
            colorscale="Oranges",
            zmin=0,
            text=[[f"{v:.1%}" for v in row] for row in shares.to_numpy()],
            texttemplate="%{text}",
            colorbar=dict(title="missing", tickformat=".0%"),
            hovertemplate="%{y}: %{x} missing in %{z:.2%} of rows<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Missing values by '{result.group}' (⚠ = depends on the group)",
        xaxis_type="category",
        yaxis_type="category",
        height=max(240, 90 + 36 * shares.shape[0]),
        **LAYOUT,
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def simulation_figure(result: SimulationResult, *, column: str = "group_tvd") -> go.Figure:
    """Distance of each simulated sample from the full data, one box per sampling method."""
    what = result.group if column == "group_tvd" else result.target
    fig = go.Figure()
    for method, draws in result.draws.groupby("method", sort=False):
        convenience = method.startswith("convenience")
        fig.add_trace(
            go.Box(
                x=draws[column],
                name=method,
                orientation="h",
                boxpoints="outliers",
                marker_color=CURRENT if convenience else REFERENCE,
                hovertemplate=f"{method}<br>TVD %{{x:.4f}}<extra></extra>",
            )
        )
    fig.update_layout(
        # Two short lines: the chart sits in half the page width and a long one-line title is clipped.
        title=dict(
            text=f"How far samples land from the full data ('{label(str(what))}')"
            f"<br><sup>{count_noun(result.repeats, 'sample')} of {count_noun(result.sample_size, 'row')} per method</sup>",
        ),
        xaxis_title="total variation distance to the full data",
        height=420,
        showlegend=False,
        **LAYOUT,
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def feature_distribution_figure(dist: FeatureDistribution) -> go.Figure:
    """The selected feature's distribution in both files, overlaid on shared bins."""
    numeric = dist.kind == "numeric"
    if numeric:
        x = [(lo + hi) / 2 for lo, hi in zip(dist.edges[:-1], dist.edges[1:])]
        width = dist.edges[1] - dist.edges[0]
    else:
        x, width = list(dist.bins), None
    fig = go.Figure()
    for name, shares, color in (("reference", dist.reference, REFERENCE), ("current", dist.current, CURRENT)):
        fig.add_trace(
            go.Bar(
                name=name,
                x=x,
                y=list(shares),
                width=width,
                marker_color=color,
                opacity=0.55 if numeric else 0.9,
                customdata=list(dist.bins),
                hovertemplate=f"{name}: %{{customdata}}<br>%{{y:.2%}} of rows<extra></extra>",
            )
        )
    fig.update_layout(
        title=f"'{dist.name}' in both files",
        barmode="overlay" if numeric else "group",
        xaxis_type="linear" if numeric else "category",
        xaxis_title=dist.name,
        yaxis_title="share of rows",
        yaxis_tickformat=".0%",
        height=400,
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
        **LAYOUT,
    )
    return fig


def fix_before_after_figure(table, *, title: str) -> go.Figure:
    """Shares before the fix, the target shares and the shares after, per group value.

    ``table`` is ``Reweighting.table`` (``weighted_share`` is the after) or
    ``Resample.table`` (``after_share``); with a ``column`` column (raking) the
    bars are labelled column = value.
    """
    after = "after_share" if "after_share" in table else "weighted_share"
    several = "column" in table and table["column"].nunique() > 1
    labels = [f"{c} = {v}" for c, v in zip(table["column"], table["value"])] if several else list(table["value"])
    fig = go.Figure()
    for name, col, color in (("before", "sample_share", NEUTRAL), ("target", "target_share", EXPECTED), ("after", after, REFERENCE)):
        fig.add_trace(
            go.Bar(name=name, x=labels, y=list(table[col]), marker_color=color, hovertemplate=f"{name}: %{{x}} %{{y:.2%}}<extra></extra>")
        )
    fig.update_layout(
        title=title,
        barmode="group",
        xaxis_type="category",
        yaxis_tickformat=".0%",
        yaxis_title="share",
        height=400,
        legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
        **LAYOUT,
    )
    return fig
