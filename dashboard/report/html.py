"""``html_report(card)``: the card as a self-contained, printable HTML page with interactive charts.

- plotly.js is written once, inline: the page makes no request when opened from disk;
- the charts are the dashboard's own builders (``dashboard.charts``), drawn from the
  result objects the card's facts were read from, made safe by ``safe_figure``;
- only a bounded preview of rows is written (``analysis.card.PREVIEW_ROWS``), and a chart
  whose JSON exceeds :data:`MAX_FIGURE_BYTES` is left out with a note, so a
  million-row table's report stays a few megabytes;
- every piece of user text (file, column and label names, human fields) is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from analysis.card import FIELD_LABELS, SECTIONS, DatasetCard
from dashboard.charts.style import safe_figure
from dashboard.text import MAX_CELL_CHARS, clip

__all__ = ["MAX_FIGURE_BYTES", "card_figures", "html_report"]

#: A chart whose figure JSON is larger than this is left out of the report (with a note).
MAX_FIGURE_BYTES = 1_000_000

_CONFIG = {"displaylogo": False, "responsive": True}

_CSS = """
:root { --ink:#212529; --muted:#6c757d; --line:#dee2e6; --ok:#2f9e44; --warn:#e8590c; --bad:#e03131; --info:#1971c2; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.8em; margin-bottom: .2em; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .2em; margin-top: 1.6em; }
h3 { margin-bottom: .2em; }
.meta, .source { color: var(--muted); font-size: .9em; }
.fact { border-left: 4px solid var(--line); padding: 4px 12px; margin: 12px 0; break-inside: avoid; }
.fact.ok { border-color: var(--ok); } .fact.info { border-color: var(--info); }
.fact.warning { border-color: var(--warn); } .fact.critical { border-color: var(--bad); }
.fact.unmeasured { border-style: dashed; color: var(--muted); }
.badge { display: inline-block; font-size: .75em; padding: 1px 8px; border-radius: 10px; background: #f1f3f5; margin-left: 6px; }
.human { white-space: pre-wrap; } .human.empty { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; font-size: .85em; width: 100%; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; max-width: 240px;
         overflow-wrap: anywhere; }
th { background: #f8f9fa; }
.scroll { overflow-x: auto; }
.chart { margin: 8px 0 16px; min-height: 360px; break-inside: avoid; }
pre { background: #f8f9fa; padding: 8px; overflow-x: auto; font-size: .8em; white-space: pre-wrap; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .noprint { display: none; }
  .scroll { overflow: visible; }
  h2 { break-after: avoid; } .fact, .chart, table { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _charts(name: str) -> Any:
    """A ``dashboard.charts`` module, imported when a result needs it (some import heavy analysis packages)."""
    import importlib

    return importlib.import_module(f"dashboard.charts.{name}")


def _leakage(r: Any) -> list[go.Figure]:
    return [_charts("features").auc_figure(r)] if any(f.auc is not None for f in r.features) else []


def _fixes(r: Any) -> list[go.Figure]:
    items = r if isinstance(r, (list, tuple)) else [r]
    return [_charts("rebalancing").fix_counts_figure(f) for f in items if hasattr(f, "counts_frame")]


#: source key -> (result -> figures), from the dashboard's chart builders.
_BUILDERS: dict[str, Callable[[Any], list[go.Figure]]] = {
    "overview": lambda r: [_charts("overview").class_balance_figure(r.class_balance)],
    "missing": lambda r: [_charts("overview").missing_values_figure(r)] if r.missing_cells else [],
    "leakage": _leakage,
    "representativeness": lambda r: [_charts("sampling").bias_bars_figure(getattr(r, "representation", r))],
    "agreement": lambda r: [_charts("labels").kappa_heatmap_figure(r)],
    "label_errors": lambda r: [_charts("labels").label_quality_figure(r)],
    "weak": lambda r: [_charts("weak").lf_coverage_figure(r.summary)],
    "fixes": _fixes,
}


#: Which fact each result's charts are shown under.
_CHART_FACT = {"overview": "class_balance", "missing": "missing", "leakage": "leakage", "representativeness": "representativeness",
               "agreement": "agreement", "label_errors": "label_errors", "weak": "weak", "fixes": "fixes"}


def card_figures(card: DatasetCard) -> dict[str, list[go.Figure]]:
    """fact key -> the figures drawn for it from the card's result objects."""
    out: dict[str, list[go.Figure]] = {}
    for key, build in _BUILDERS.items():
        result = card.sources.get("overview" if key == "missing" else key)
        if result is None or (isinstance(result, (list, tuple)) and not result):
            continue
        out.setdefault(_CHART_FACT[key], []).extend(build(result))
    return out


def _figure_html(fig: go.Figure) -> str:
    safe = safe_figure(fig)
    size = len(safe.to_json())
    if size > MAX_FIGURE_BYTES:
        return (f'<p class="source">A chart was left out: its data ({size / 1e6:.1f} MB) would make the report '
                "too large. The dashboard shows it.</p>")
    body = pio.to_html(safe, include_plotlyjs=False, full_html=False, config=_CONFIG, default_height="400px")
    return f'<div class="chart">{body}</div>'


def _human_html(card: DatasetCard, key: str) -> str:
    label, prompt = FIELD_LABELS[key]
    value = getattr(card.human, key).strip()
    inner = _e(value) if value else f"Not written yet: {_e(prompt)}"
    return f'<p><strong>{_e(label)}.</strong> <span class="human{"" if value else " empty"}">{inner}</span></p>'


_HUMAN_BY_SECTION = {"motivation": ("motivation",), "composition": ("sensitive_information",),
                     "collection": ("collection",), "uses": ("intended_uses", "out_of_scope_uses"),
                     "distribution": ("licence",), "maintenance": ("maintenance",)}


def _preview_html(card: DatasetCard) -> str:
    frame = card.preview
    head = "".join(f"<th>{_e(clip(c, MAX_CELL_CHARS))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = "".join(f"<td>{'' if _missing(v) else _e(clip(v, MAX_CELL_CHARS))}</td>" for v in values)
        rows.append(f"<tr>{cells}</tr>")
    return (f'<p class="meta">The first {len(frame):,} of {card.rows:,} rows (the report never holds the whole '
            f'table).</p><div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table></div>")


def _missing(value: Any) -> bool:
    try:
        return bool(value != value) or value is None  # NaN, NaT, pd.NA (pd.NA != pd.NA raises)
    except TypeError:
        return True


def _fact_html(fact: Any, figures: list[go.Figure]) -> str:
    if fact.measured:
        cls, badge = (fact.severity or "info"), f"measured · {_e(fact.page)} page"
    else:
        cls, badge = "unmeasured", "not measured"
    parts = [f'<div class="fact {_e(cls)}" id="fact-{_e(fact.key)}"><h3>{_e(fact.title)}'
             f'<span class="badge">{badge}</span></h3><p>{_e(fact.text)}</p>']
    if fact.key == "fixes" and fact.measured:
        for fix in fact.data["fixes"]:
            if fix["recipe"] is not None:
                parts.append(f"<pre>{_e(json.dumps(fix['recipe'], indent=2, ensure_ascii=False, default=str))}</pre>")
    parts += [_figure_html(f) for f in figures]
    parts.append("</div>")
    return "".join(parts)


def html_report(card: DatasetCard) -> bytes:
    """The card as one HTML file: interactive charts that work offline, a bounded preview, a print stylesheet."""
    figures = card_figures(card)
    body = [f"<h1>Dataset card: {_e(card.title)}</h1>",
            f'<p class="meta">File {_e(card.name)} · {card.rows:,} rows × {card.columns:,} columns · target '
            f"{_e(card.target)} · size category {_e(card.size_category)}"
            + (f" · sha256 <code>{_e(card.sha256)}</code>" if card.sha256 else "") + "</p>",
            f"<p><strong>Summary.</strong> {_e(card.verdict_text)}</p>",
            '<p class="meta noprint">Charts are interactive (hover, zoom); the page needs no network. '
            "Print it from the browser for a PDF.</p>"]
    for key, heading in SECTIONS.items():
        body.append(f'<h2 id="{_e(key)}">{_e(heading)}</h2>')
        body += [_human_html(card, k) for k in _HUMAN_BY_SECTION.get(key, ())]
        body += [_fact_html(f, figures.get(f.key, [])) for f in card.section(key)]
        if key == "composition":
            body.append("<h3>Preview</h3>" + _preview_html(card))
    if card.notes:
        body.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in card.notes) + "</ul>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Dataset card: {_e(card.title)}</title><style>{_CSS}</style>"
        # plotly.js once, inline (no CDN): the charts below only call Plotly.newPlot.
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        "</head><body>" + "\n".join(body) + "</body></html>\n"
    )
    return page.encode("utf-8")
