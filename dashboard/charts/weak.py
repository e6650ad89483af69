"""Charts of the Weak supervision page."""

from __future__ import annotations

import plotly.graph_objects as go

from analysis.weak import LabelModel, LFSummary

from .style import BAD, GOOD, LAYOUT, LIGHT, MAJORITY, NEUTRAL, label

# What each colour means on this page (the colours themselves are the shared palette's).
COVERAGE, OVERLAP, CONFLICT, LEARNED, EMPIRICAL = MAJORITY, LIGHT, BAD, GOOD, NEUTRAL


def lf_coverage_figure(summary: LFSummary) -> go.Figure:
    """Per LF: coverage, overlaps and conflicts (shares of all items), as grouped horizontal bars."""
    names = [label(n) for n in summary.names][::-1]
    lfs = list(summary.lfs)[::-1]
    fig = go.Figure()
    for series, values, color in (
        ("coverage", [s.coverage for s in lfs], COVERAGE),
        ("overlaps", [s.overlaps for s in lfs], OVERLAP),
        ("conflicts", [s.conflicts for s in lfs], CONFLICT),
    ):
        fig.add_trace(go.Bar(name=series, y=names, x=values, orientation="h", marker_color=color,
                             text=[f"{v:.1%}" for v in values], textposition="outside", cliponaxis=False,
                             hovertemplate="%{y}: %{x:.1%}<extra>" + series + "</extra>"))
    fig.update_layout(
        title=f"Coverage, overlaps and conflicts per LF (all LFs together cover {summary.total_coverage:.1%})",
        barmode="group",
        xaxis_tickformat=".0%",
        xaxis_range=[0, min(1.0, max([s.coverage for s in lfs] + [0.05]) * 1.25)],
        yaxis_type="category",
        height=max(280, 80 + 70 * len(names)),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom", traceorder="normal"),
        **LAYOUT,
    )
    return fig


def lf_conflict_heatmap_figure(summary: LFSummary, *, kind: str = "conflict") -> go.Figure:
    """LF x LF share of items both label differently (``kind='conflict'``) or both label (``'overlap'``)."""
    frame = summary.pair_frame(kind)
    z = frame.to_numpy()
    names = [label(n) for n in frame.columns]
    text = [["" if (i == j and kind == "conflict") else f"{z[i, j]:.1%}" for j in range(len(names))] for i in range(len(names))]
    fig = go.Figure(
        go.Heatmap(z=z, x=names, y=names, text=text, texttemplate="%{text}", colorscale="Reds" if kind == "conflict" else "Blues",
                   zmin=0, zmax=max(float(z.max()) if z.size else 0.0, 0.01), colorbar=dict(title="share", tickformat=".0%"),
                   hovertemplate="%{y} & %{x}: %{z:.2%} of items<extra></extra>")
    )
    what = "label differently" if kind == "conflict" else "both label"
    fig.update_layout(title=f"Pairwise {kind}s: share of items where both LFs {what}", xaxis_type="category",
                      yaxis_type="category", yaxis_autorange="reversed", height=max(320, 110 + 55 * len(names)), **LAYOUT)
    return fig


def lf_accuracy_figure(model: LabelModel) -> go.Figure:
    """Learned LF accuracies beside the empirical ones on the gold rows (95% Wilson interval), when gold exists.

    With gold the learned bars are those of the fit that did not see the gold labels (the fitted model is anchored
    on them, so its accuracies would copy gold).
    """
    frame = model.accuracy_frame()
    fig = go.Figure()
    names = [label(n) for n in frame["name"]]
    gold = "empirical_accuracy" in frame
    learned = frame["learned_without_gold"] if gold else frame["learned_accuracy"]
    fig.add_trace(go.Bar(name="learned (fit without gold)" if gold else "learned (label model)", x=names, y=learned,
                         marker_color=LEARNED, text=[f"{v:.1%}" if v == v else "n/a" for v in learned],
                         textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{y:.1%}<extra>learned</extra>"))
    if gold:
        emp = frame["empirical_accuracy"]
        fig.add_trace(go.Bar(name="empirical (gold rows, 95% interval)", x=names, y=emp, marker_color=EMPIRICAL,
                             error_y=dict(type="data", symmetric=False, array=frame["empirical_ci_high"] - emp,
                                          arrayminus=emp - frame["empirical_ci_low"]),
                             text=[f"{v:.1%}" if v == v else "n/a" for v in emp], textposition="outside",
                             cliponaxis=False, customdata=frame[["empirical_ci_low", "empirical_ci_high"]].to_numpy(),
                             hovertemplate="%{x}: %{y:.1%} (95% interval %{customdata[0]:.1%} to %{customdata[1]:.1%})"
                             "<extra>empirical</extra>"))
    fig.update_layout(title="LF accuracy: share of its votes that are right", barmode="group", xaxis_type="category",
                      yaxis_tickformat=".0%", yaxis_range=[0, 1.12], height=380,
                      legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"), **LAYOUT)
    return fig


def label_model_agreement_figure(model: LabelModel) -> go.Figure:
    """Items by majority-vote outcome (rows, incl. ties and no vote) and label-model label (columns)."""
    table = model.agreement_table()
    z = table.to_numpy()
    fig = go.Figure(
        go.Heatmap(z=z, x=[label(c) for c in table.columns], y=[label(i) for i in table.index], text=z, texttemplate="%{text:,}", colorscale="Blues",
                   colorbar=dict(title="items"),
                   hovertemplate="majority vote %{y}<br>label model %{x}<br>%{z:,} items<extra></extra>")
    )
    agree = model.agreement_with_majority
    fig.update_layout(
        title=f"Label model vs majority vote (agree on {agree:.1%} of majority-voted items)" if agree == agree
        else "Label model vs majority vote",
        xaxis_title="label model", yaxis_title="majority vote", xaxis_type="category", yaxis_type="category",
        yaxis_autorange="reversed", height=max(320, 120 + 50 * len(z)), **LAYOUT,
    )
    return fig


def vote_balance_figure(summary: LFSummary) -> go.Figure:
    """Votes cast per class by all LFs together (the class balance of the votes)."""
    labels = [label(k) for k in summary.vote_counts]
    counts = list(summary.vote_counts.values())
    total = max(sum(counts), 1)
    fig = go.Figure(go.Bar(x=labels, y=counts, marker_color=MAJORITY, text=[f"{c:,}<br>{c / total:.1%}" for c in counts],
                           textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{y:,} votes<extra></extra>"))
    fig.update_layout(title="Class balance of the votes", xaxis_type="category", yaxis_title="votes", height=340,
                      showlegend=False, **LAYOUT)
    fig.update_yaxes(rangemode="tozero")
    return fig
