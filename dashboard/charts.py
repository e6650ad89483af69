"""Pure chart builders: analysis result -> plotly Figure. No Streamlit here, so they test alone."""

from __future__ import annotations

import plotly.graph_objects as go

from analysis.balance import ClassBalance
from analysis.report import Overview

MAJORITY = "#3b5bdb"
MINORITY = "#e8590c"
NEUTRAL = "#868e96"
_LAYOUT = dict(
    template="plotly_white",
    margin=dict(l=10, r=10, t=50, b=10),
    font=dict(size=13),
    hoverlabel=dict(font_size=13),
)
_MAX_BARS = 50


def class_balance_figure(balance: ClassBalance) -> go.Figure:
    """Bars of class counts, largest first, labelled with count and share; the minority class stands out."""
    labels = [str(k) for k in balance.counts]
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
        title=f"Class distribution of '{balance.target}' (imbalance ratio {balance.imbalance_ratio:,.2f} : 1)",
        xaxis_title=balance.target,
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
            y=frame["column"],
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


# --- Sampling bias page ----------------------------------------------------------
from analysis.sampling import BiasResult, LabelByGroup, MissingByGroup  # noqa: E402
from analysis.sampling_shift import FeatureDistribution  # noqa: E402
from analysis.sampling_sim import SimulationResult  # noqa: E402

SB_OVER = "#e8590c"
SB_UNDER = "#1971c2"
SB_OK = "#868e96"
SB_EXPECTED = "#adb5bd"
SB_REFERENCE = "#3b5bdb"
SB_CURRENT = "#e8590c"
_SB_FLAG_COLOR = {"over": SB_OVER, "under": SB_UNDER, "ok": SB_OK, "not_in_data": SB_UNDER, "not_in_reference": SB_OVER}


def bias_bars_figure(result: BiasResult) -> go.Figure:
    """Observed share (with its 95 % Wilson interval) beside the expected share, per group."""
    groups = list(result.groups)[:_MAX_BARS]
    values = [g.value for g in groups]
    observed = [g.observed_share for g in groups]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="expected (reference)",
            x=values,
            y=[g.expected_share if g.expected_share is not None else 0.0 for g in groups],
            marker_color=SB_EXPECTED,
            hovertemplate="%{x}: expected %{y:.2%}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            name="observed (sample)",
            x=values,
            y=observed,
            marker_color=[_SB_FLAG_COLOR[g.flag] for g in groups],
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
        **_LAYOUT,
    )
    return fig


def representation_ratio_figure(result: BiasResult) -> go.Figure:
    """Observed / expected with its 95 % interval per group; 1 = as in the reference; the band is the tolerance."""
    groups = [g for g in result.groups if g.representation_ratio is not None][:_MAX_BARS]
    groups = sorted(groups, key=lambda g: g.representation_ratio)
    fig = go.Figure(
        go.Scatter(
            x=[g.representation_ratio for g in groups],
            y=[g.value for g in groups],
            mode="markers",
            marker=dict(size=12, color=[_SB_FLAG_COLOR[g.flag] for g in groups]),
            error_x=dict(
                type="data",
                symmetric=False,
                array=[g.ci_high - g.representation_ratio for g in groups],
                arrayminus=[g.representation_ratio - g.ci_low for g in groups],
                color="#495057",
            ),
            customdata=[[g.ci_low, g.ci_high, g.flag] for g in groups],
            hovertemplate="%{y}: %{x:.2f}× (95%% interval %{customdata[0]:.2f} – %{customdata[1]:.2f})"
            "<br>%{customdata[2]}<extra></extra>",
        )
    )
    tol = result.tolerance
    fig.add_vrect(x0=1 - tol, x1=1 + tol, fillcolor="#e9ecef", opacity=0.6, line_width=0, layer="below")
    fig.add_vline(x=1, line_dash="dash", line_color="#495057")
    top = max([g.ci_high for g in groups] + [1 + tol]) * 1.1
    fig.update_layout(
        title=f"Representation ratio of '{result.group}'",
        xaxis_title=f"observed share / expected share (grey band: 1 ± {tol:.0%} tolerance)",
        yaxis_type="category",
        height=max(260, 80 + 36 * len(groups)),
        showlegend=False,
        **_LAYOUT,
    )
    fig.update_xaxes(range=[0, top])
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
        **_LAYOUT,
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
        **_LAYOUT,
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
                marker_color=SB_OVER if convenience else SB_REFERENCE,
                hovertemplate=f"{method}<br>TVD %{{x:.4f}}<extra></extra>",
            )
        )
    fig.update_layout(
        title=f"How far {result.repeats} samples of {result.sample_size:,} rows land from the full data ('{what}')",
        xaxis_title="total variation distance to the full data",
        height=420,
        showlegend=False,
        **_LAYOUT,
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
    for name, shares, color in (("reference", dist.reference, SB_REFERENCE), ("current", dist.current, SB_CURRENT)):
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
        **_LAYOUT,
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
    for name, col, color in (("before", "sample_share", SB_OK), ("target", "target_share", SB_EXPECTED), ("after", after, SB_REFERENCE)):
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
        **_LAYOUT,
    )
    return fig


# --- Labels page -----------------------------------------------------------------
import numpy as np  # noqa: E402

from analysis.labels import Agreement, Consensus, landis_koch  # noqa: E402
from analysis.labels_issues import LabelIssues  # noqa: E402

AGREE = "#2f9e44"
DISAGREE = "#e03131"


def kappa_heatmap_figure(result: Agreement, *, weights: str | None = None) -> go.Figure:
    """Annotator x annotator Cohen's kappa (diagonal 1), the number and its Landis-Koch word in each cell."""
    matrix = result.kappa_matrix(weights)
    names = list(matrix.columns)
    values = matrix.to_numpy()
    text = [
        ["" if i == j else ("n/a" if values[i, j] != values[i, j] else f"{values[i, j]:.2f}<br>{landis_koch(values[i, j])}")
         for j in range(len(names))]
        for i in range(len(names))
    ]
    kind = {None: "Cohen's kappa", "linear": "linear weighted kappa", "quadratic": "quadratic weighted kappa"}[weights]
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=names,
            y=names,
            text=text,
            texttemplate="%{text}",
            zmin=-1 if (values < 0).any() else 0,
            zmax=1,
            colorscale="RdYlGn",
            colorbar=dict(title="kappa"),
            hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Pairwise {kind}",
        height=max(320, 90 + 60 * len(names)),
        yaxis_autorange="reversed",
        **_LAYOUT,
    )
    return fig


def category_agreement_figure(result: Agreement) -> go.Figure:
    """Category-specific agreement per label: how often a rating of that label is matched by another rater."""
    cats = list(result.categories)
    fig = go.Figure(
        go.Bar(
            x=[str(c.category) for c in cats],
            y=[c.specific_agreement for c in cats],
            marker_color=[AGREE if (c.specific_agreement or 0) >= 0.8 else NEUTRAL if (c.specific_agreement or 0) >= 0.667 else MINORITY for c in cats],
            text=[f"{c.specific_agreement:.1%}<br>{c.n_ratings:,} ratings" for c in cats],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.1%} specific agreement<extra></extra>",
        )
    )
    fig.update_layout(
        title="Agreement per category",
        xaxis_title="label",
        xaxis_type="category",
        yaxis_title="specific agreement",
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1.15],
        height=380,
        showlegend=False,
        **_LAYOUT,
    )
    return fig


def annotator_agreement_figure(result: Agreement, consensus: Consensus | None = None) -> go.Figure:
    """Per annotator: agreement with the others, with the consensus of the others, and (Dawid-Skene) estimated accuracy."""
    names = [a.annotator for a in result.annotators]
    fig = go.Figure()
    fig.add_trace(go.Bar(name="agreement with the other annotators", x=names,
                         y=[a.agreement_with_others for a in result.annotators], marker_color=NEUTRAL,
                         hovertemplate="%{x}: %{y:.1%}<extra>with others</extra>"))
    fig.add_trace(go.Bar(name="agreement with the consensus of the others", x=names,
                         y=[a.agreement_with_consensus for a in result.annotators], marker_color=MAJORITY,
                         hovertemplate="%{x}: %{y:.1%}<extra>with consensus</extra>"))
    if consensus is not None and consensus.model is not None:
        acc = consensus.annotator_accuracy
        fig.add_trace(go.Bar(name="estimated accuracy (Dawid-Skene)", x=names, y=[acc[n] for n in names],
                             marker_color=AGREE, hovertemplate="%{x}: %{y:.1%}<extra>estimated accuracy</extra>"))
    fig.update_layout(
        title="Annotators against the others and the consensus",
        barmode="group",
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1],
        height=420,
        legend=dict(orientation="h", y=-0.12, x=0, xanchor="left", yanchor="top"),
        **_LAYOUT,
    )
    return fig


def vote_entropy_figure(result: Agreement) -> go.Figure:
    """How spread out each item's votes are (Shannon entropy in bits; 0 = unanimous), items with 2+ votes."""
    entropy = result.entropy[result.majority.n_votes >= 2]
    fig = go.Figure(
        go.Histogram(
            x=entropy,
            xbins=dict(start=-0.05, end=float(max(entropy.max(), 0.0)) + 0.1, size=0.1),
            marker_color=MAJORITY,
            hovertemplate="entropy %{x:.2f} bits: %{y:,} items<extra></extra>",
        )
    )
    fig.update_layout(
        title="Vote entropy per item (0 = all ratings agree)",
        xaxis_title="entropy of the vote distribution (bits)",
        yaxis_title="items",
        height=360,
        bargap=0.05,
        showlegend=False,
        **_LAYOUT,
    )
    return fig


def annotator_confusion_figure(confusion, *, a: str, b: str) -> go.Figure:
    """Counts of (a's label, b's label) on the items both rated (``Agreement.confusion`` frame)."""
    z = confusion.to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=z, x=list(confusion.columns), y=list(confusion.index), text=z, texttemplate="%{text:,}",
            colorscale="Blues", colorbar=dict(title="items"),
            hovertemplate=f"{a}: %{{y}}<br>{b}: %{{x}}<br>%{{z:,}} items<extra></extra>",
        )
    )
    fig.update_layout(title=f"{a} (rows) vs {b} (columns)", xaxis_title=b, yaxis_title=a, xaxis_type="category",
                      yaxis_type="category", yaxis_autorange="reversed", height=max(300, 120 + 50 * len(z)), **_LAYOUT)
    return fig


def label_quality_figure(issues: LabelIssues) -> go.Figure:
    """Histogram of label-quality scores (out-of-fold probability of the given label); flagged rows in red."""
    mask = np.zeros(len(issues.quality), dtype=bool)
    mask[issues.flagged] = True
    bins = dict(start=0.0, end=1.0001, size=0.05)
    fig = go.Figure()
    fig.add_trace(go.Histogram(x=issues.quality[~mask], xbins=bins, name="not flagged", marker_color=NEUTRAL))
    fig.add_trace(go.Histogram(x=issues.quality[mask], xbins=bins, name="flagged (confident learning)", marker_color=DISAGREE))
    fig.update_layout(
        title=f"Label quality of '{issues.target}' (low = the model doubts the given label)",
        barmode="stack",
        xaxis_title="label-quality score (self-confidence)",
        yaxis_title="rows",
        height=360,
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
        **_LAYOUT,
    )
    return fig


# --- Weak supervision page -------------------------------------------------------
from analysis.weak import LabelModel, LFSummary  # noqa: E402

COVERAGE = "#3b5bdb"
OVERLAP = "#74c0fc"
CONFLICT = "#e03131"
LEARNED = "#2f9e44"
EMPIRICAL = "#868e96"


def lf_coverage_figure(summary: LFSummary) -> go.Figure:
    """Per LF: coverage, overlaps and conflicts (shares of all items), as grouped horizontal bars."""
    names = list(summary.names)[::-1]
    lfs = list(summary.lfs)[::-1]
    fig = go.Figure()
    for label, values, color in (
        ("coverage", [s.coverage for s in lfs], COVERAGE),
        ("overlaps", [s.overlaps for s in lfs], OVERLAP),
        ("conflicts", [s.conflicts for s in lfs], CONFLICT),
    ):
        fig.add_trace(go.Bar(name=label, y=names, x=values, orientation="h", marker_color=color,
                             text=[f"{v:.1%}" for v in values], textposition="outside", cliponaxis=False,
                             hovertemplate="%{y}: %{x:.1%}<extra>" + label + "</extra>"))
    fig.update_layout(
        title=f"Coverage, overlaps and conflicts per LF (all LFs together cover {summary.total_coverage:.1%})",
        barmode="group",
        xaxis_tickformat=".0%",
        xaxis_range=[0, min(1.0, max([s.coverage for s in lfs] + [0.05]) * 1.25)],
        yaxis_type="category",
        height=max(280, 80 + 70 * len(names)),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom", traceorder="normal"),
        **_LAYOUT,
    )
    return fig


def lf_conflict_heatmap_figure(summary: LFSummary, *, kind: str = "conflict") -> go.Figure:
    """LF x LF share of items both label differently (``kind='conflict'``) or both label (``'overlap'``)."""
    frame = summary.pair_frame(kind)
    z = frame.to_numpy()
    names = list(frame.columns)
    text = [["" if (i == j and kind == "conflict") else f"{z[i, j]:.1%}" for j in range(len(names))] for i in range(len(names))]
    fig = go.Figure(
        go.Heatmap(z=z, x=names, y=names, text=text, texttemplate="%{text}", colorscale="Reds" if kind == "conflict" else "Blues",
                   zmin=0, zmax=max(float(z.max()) if z.size else 0.0, 0.01), colorbar=dict(title="share", tickformat=".0%"),
                   hovertemplate="%{y} & %{x}: %{z:.2%} of items<extra></extra>")
    )
    what = "label differently" if kind == "conflict" else "both label"
    fig.update_layout(title=f"Pairwise {kind}s: share of items where both LFs {what}", xaxis_type="category",
                      yaxis_type="category", yaxis_autorange="reversed", height=max(320, 110 + 55 * len(names)), **_LAYOUT)
    return fig


def lf_accuracy_figure(model: LabelModel) -> go.Figure:
    """Learned LF accuracies (label model) beside the empirical ones on the gold rows, when gold exists."""
    frame = model.accuracy_frame()
    fig = go.Figure()
    fig.add_trace(go.Bar(name="learned (label model)", x=frame["name"], y=frame["learned_accuracy"], marker_color=LEARNED,
                         text=[f"{v:.1%}" if v == v else "n/a" for v in frame["learned_accuracy"]], textposition="outside",
                         cliponaxis=False, hovertemplate="%{x}: %{y:.1%}<extra>learned</extra>"))
    if "empirical_accuracy" in frame:
        fig.add_trace(go.Bar(name="empirical (gold rows)", x=frame["name"], y=frame["empirical_accuracy"], marker_color=EMPIRICAL,
                             text=[f"{v:.1%}" if v == v else "n/a" for v in frame["empirical_accuracy"]], textposition="outside",
                             cliponaxis=False, hovertemplate="%{x}: %{y:.1%}<extra>empirical</extra>"))
    fig.update_layout(title="LF accuracy: share of its votes that are right", barmode="group", xaxis_type="category",
                      yaxis_tickformat=".0%", yaxis_range=[0, 1.12], height=380,
                      legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"), **_LAYOUT)
    return fig


def label_model_agreement_figure(model: LabelModel) -> go.Figure:
    """Items by majority-vote outcome (rows, incl. ties and no vote) and label-model label (columns)."""
    table = model.agreement_table()
    z = table.to_numpy()
    fig = go.Figure(
        go.Heatmap(z=z, x=list(table.columns), y=list(table.index), text=z, texttemplate="%{text:,}", colorscale="Blues",
                   colorbar=dict(title="items"),
                   hovertemplate="majority vote %{y}<br>label model %{x}<br>%{z:,} items<extra></extra>")
    )
    agree = model.agreement_with_majority
    fig.update_layout(
        title=f"Label model vs majority vote (agree on {agree:.1%} of majority-voted items)" if agree == agree
        else "Label model vs majority vote",
        xaxis_title="label model", yaxis_title="majority vote", xaxis_type="category", yaxis_type="category",
        yaxis_autorange="reversed", height=max(320, 120 + 50 * len(z)), **_LAYOUT,
    )
    return fig


def vote_balance_figure(summary: LFSummary) -> go.Figure:
    """Votes cast per class by all LFs together (the class balance of the votes)."""
    labels = [str(k) for k in summary.vote_counts]
    counts = list(summary.vote_counts.values())
    total = max(sum(counts), 1)
    fig = go.Figure(go.Bar(x=labels, y=counts, marker_color=MAJORITY, text=[f"{c:,}<br>{c / total:.1%}" for c in counts],
                           textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{y:,} votes<extra></extra>"))
    fig.update_layout(title="Class balance of the votes", xaxis_type="category", yaxis_title="votes", height=340,
                      showlegend=False, **_LAYOUT)
    fig.update_yaxes(rangemode="tozero")
    return fig


# --- rebalancing lab (issue 3) -------------------------------------------------
from plotly.subplots import make_subplots  # noqa: E402

from analysis.rebalance import HIGHER_IS_BETTER, METRIC_LABELS, StrategyResult  # noqa: E402
from analysis.rebalance_fix import FixResult, Projection  # noqa: E402

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
            customdata=verdicts,
            hovertemplate="%{x}<br>%{y:.4f}<br>%{customdata}<extra></extra>",
        )
    )
    baseline = next((r for r in ran if r.name == "none"), None)
    if baseline is not None:
        fig.add_hline(y=baseline.metrics[metric].mean, line_dash="dot", line_color=MAJORITY,
                      annotation_text="baseline", annotation_position="top left")
    direction = "higher is better" if HIGHER_IS_BETTER[metric] else "lower is better"
    fig.update_layout(
        title=f"{METRIC_LABELS[metric]} by strategy ({direction}; bars: corrected 95% interval)",
        xaxis_title="strategy",
        yaxis_title=METRIC_LABELS[metric],
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
    fig.add_hline(y=prevalence, line_dash="dot", line_color=NEUTRAL, annotation_text=f"chance ({prevalence:.1%})")
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
    """2-D PCA scatter of original vs synthetic rows (computed in analysis.rebalance_fix)."""
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
