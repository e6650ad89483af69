"""Charts of the Labels page: agreement, consensus and label-error suspects."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from analysis.labels import Agreement, Consensus, LabelIssues, landis_koch

from .style import BAD, GOOD, MAJORITY, MINORITY, NEUTRAL, label
from .style import LAYOUT as _LAYOUT


def kappa_heatmap_figure(result: Agreement, *, weights: str | None = None) -> go.Figure:
    """Annotator x annotator Cohen's kappa (diagonal 1), the number and its Landis-Koch word in each cell."""
    matrix = result.kappa_matrix(weights)
    names = [label(n) for n in matrix.columns]
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
            x=[label(c.category) for c in cats],
            y=[c.specific_agreement for c in cats],
            marker_color=[GOOD if (c.specific_agreement or 0) >= 0.8 else NEUTRAL if (c.specific_agreement or 0) >= 0.667 else MINORITY for c in cats],
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
    names = [label(a.annotator) for a in result.annotators]
    fig = go.Figure()
    fig.add_trace(go.Bar(name="agreement with the other annotators", x=names,
                         y=[a.agreement_with_others for a in result.annotators], marker_color=NEUTRAL,
                         hovertemplate="%{x}: %{y:.1%}<extra>with others</extra>"))
    fig.add_trace(go.Bar(name="agreement with the consensus of the others", x=names,
                         y=[a.agreement_with_consensus for a in result.annotators], marker_color=MAJORITY,
                         hovertemplate="%{x}: %{y:.1%}<extra>with consensus</extra>"))
    if consensus is not None and consensus.model is not None:
        acc = consensus.annotator_accuracy
        fig.add_trace(go.Bar(name="estimated accuracy (Dawid-Skene)", x=names, y=[acc[a.annotator] for a in result.annotators],
                             marker_color=GOOD, hovertemplate="%{x}: %{y:.1%}<extra>estimated accuracy</extra>"))
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
    a, b = label(a), label(b)
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[label(c) for c in confusion.columns], y=[label(i) for i in confusion.index], text=z, texttemplate="%{text:,}",
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
    fig.add_trace(go.Histogram(x=issues.quality[mask], xbins=bins, name="flagged (confident learning)", marker_color=BAD))
    fig.update_layout(
        title=f"Label quality of '{label(issues.target)}' (low = the model doubts the given label)",
        barmode="stack",
        xaxis_title="label-quality score (self-confidence)",
        yaxis_title="rows",
        height=360,
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
        **_LAYOUT,
    )
    return fig
