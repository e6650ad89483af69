"""The card as Markdown in the Hugging Face dataset-card layout: a YAML metadata header, then the sections.

The header carries ``license``, ``task_categories``, ``size_categories`` (from the
row count, the Hub's tags), ``language`` when given and ``pretty_name``; the body
follows the datasheet sections. User text is written as text: Markdown and HTML
in it are escaped, so a column named ``<script>`` stays a name.
"""

from __future__ import annotations

import json
import re

from .card import DatasetCard
from .facts import FACTS, SECTIONS
from .human import FIELD_LABELS

__all__ = ["DEFAULT_TASK", "md_escape", "to_markdown", "yaml_header"]

#: The task category of a labelled table when the user gives none (a Hub task category).
DEFAULT_TASK = "tabular-classification"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>~$])")


def md_escape(text: object) -> str:
    """Text that Markdown renders as written (no emphasis, links, images or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("&", "&amp;")


def _scalar(value: str) -> str:
    """A YAML scalar that always parses back to the same string (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def yaml_header(card: DatasetCard) -> str:
    h = card.human
    lines = ["---"]
    lines.append(f"license: {_scalar(h.licence.strip() or 'unknown')}")
    lines.append("task_categories:")
    lines.append(f"- {_scalar(h.task_category.strip() or DEFAULT_TASK)}")
    lines.append("size_categories:")
    lines.append(f"- {_scalar(card.size_category)}")
    if h.languages:
        lines.append("language:")
        lines += [f"- {_scalar(code)}" for code in h.languages]
    lines.append(f"pretty_name: {_scalar(card.title)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _human(card: DatasetCard, key: str) -> str:
    text = getattr(card.human, key).strip()
    if text:
        return md_escape(text)
    return f"_Not written yet: {md_escape(FIELD_LABELS[key][1])}_"


#: Human fields under each datasheet section.
_HUMAN_BY_SECTION: dict[str, tuple[str, ...]] = {
    "motivation": ("motivation",),
    "collection": ("collection",),
    "uses": ("intended_uses", "out_of_scope_uses"),
    "distribution": ("licence",),
    "maintenance": ("maintenance",),
    "composition": ("sensitive_information",),
}


def to_markdown(card: DatasetCard) -> str:
    """The card as a Hugging Face README.md (YAML header + datasheet sections)."""
    out = [yaml_header(card), f"# Dataset card for {md_escape(card.title)}", ""]
    out += [f"File `{md_escape(card.name)}` · {card.rows:,} rows × {card.columns:,} columns · target "
            f"`{md_escape(card.target)}`" + (f" · sha256 `{card.sha256}`" if card.sha256 else ""), ""]
    out += [f"**Summary.** {md_escape(card.verdict_text)}", ""]
    out += ["Measured facts were filled in by dataset-diagnostics from its own diagnostics; each names the page "
            "that measured it. Facts marked *not measured* say how to measure them.", ""]
    for key, heading in SECTIONS.items():
        out += [f"## {heading}", ""]
        for field_key in _HUMAN_BY_SECTION.get(key, ()):
            out += [f"**{FIELD_LABELS[field_key][0]}.** {_human(card, field_key)}", ""]
        if key == "distribution":
            out += [f"Distributed as `{md_escape(card.name)}` (CSV). A Croissant JSON-LD description can be "
                    "exported beside it (`dataset-diagnostics card DATA --target COL -o card.json`).", ""]
        for fact in card.section(key):
            state = f"measured; the {fact.page} page shows it" if fact.measured else "not measured"
            out += [f"### {fact.title}", "", f"_{state}_", "", md_escape(fact.text), ""]
            if fact.key == "fixes" and fact.measured:
                for fix in fact.data["fixes"]:
                    if fix["recipe"] is not None:
                        out += ["```json", json.dumps(fix["recipe"], indent=2, ensure_ascii=False,
                                                      default=str).replace("```", "`\u200b``"), "```", ""]
        if key == "composition":
            out += ["### Columns", "", "| column | role | type |", "|---|---|---|"]
            roles = card.fact("size").data["column_roles"]
            out += [f"| {md_escape(c)} | {md_escape(roles.get(c, ''))} | {md_escape(t)} |" for c, t in card.dtypes.items()]
            out.append("")
    if card.not_measured:
        out += ["## Not measured", ""]
        out += [f"- **{FACTS[k].title}**: {md_escape(FACTS[k].how)}" for k in card.not_measured]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
