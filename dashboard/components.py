"""Pieces every page renders with: the error boundary of a section, the verdict box,
escaping of user text, and the download with its formula-protection switch.

Pages are built from section functions, each wrapped in :func:`section`, so a
bug in one section shows an error card with a short reference id while the
rest of the page still renders; the traceback goes to the server log only.
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import streamlit as st

from analysis.errors import DiagnosticsError
from analysis.export import SafeCsv
from analysis.results import Result
from dashboard.text import MAX_TEXT_CHARS, clip, clip_frame

if TYPE_CHECKING:
    import plotly.graph_objects as go

log = logging.getLogger("dataset_diagnostics.dashboard")

F = TypeVar("F", bound=Callable[..., Any])

#: Streamlit's box per result severity (analysis.results.SEVERITIES).
_BOX = {"ok": st.success, "info": st.info, "warning": st.warning, "critical": st.error}

# Markdown and HTML that Streamlit renders in text elements: escaped in user text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:])")
# GitHub-flavoured markdown turns "http://x", "www.x" and "a@b.c" in the *rendered* text into links,
# whatever escaping they had: an invisible word joiner (U+2060) breaks each pattern.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
_JOINER = "\u2060"


def escape_md(text: object, *, limit: int = MAX_TEXT_CHARS) -> str:
    """User-supplied text (file, column, label names) made inert for st.markdown and friends.

    Every markdown and HTML control character is backslash-escaped, so a name
    can neither break out of a code span, nor render bold, KaTeX, links or
    images (which the browser would fetch); a URL or address in it gets an
    invisible word joiner so it is not turned into a link either. The text is
    first cut to ``limit`` characters (with an ellipsis), so a huge name or
    value stays small on the page.

    >>> escape_md("![x](http://h/x.png) **b** `c` $x$").replace("\u2060", "^")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\:^\\\\/\\\\/h\\\\/x\\\\.png\\\\) \\\\*\\\\*b\\\\*\\\\* \\\\`c\\\\` \\\\$x\\\\$'
    """
    unlinked = _AUTOLINK.sub(_JOINER, clip(text, limit))
    return _MD_SPECIAL.sub(r"\\\1", unlinked).replace("/", "\\/")


def error_reference() -> str:
    """A short id shown to the user and written to the server log beside the traceback."""
    return uuid.uuid4().hex[:8]


@contextmanager
def section(title: str | None = None) -> Iterator[None]:
    """Error boundary of one page section.

    A :class:`~analysis.errors.DiagnosticsError` (bad input or settings) is shown
    as its own message; any other exception becomes an error card with a
    reference id, and its traceback is logged on the server, never sent to the
    browser. Streamlit's own control flow (rerun, stop) derives from
    BaseException and passes through untouched.
    """
    try:
        yield
    except DiagnosticsError as exc:
        st.error(escape_md(exc), icon=":material/error:")  # messages quote file and column names
    except Exception:
        ref = error_reference()
        log.exception("Unexpected error in section %r (ref %s)", title, ref)
        where = f" in **{escape_md(title)}**" if title else ""
        st.error(
            f"Something went wrong{where}; the rest of the page still works. "
            f"If it happens again, report reference `{ref}` (the server log has the details).",
            icon=":material/bug_report:",
        )


def guarded(title: str) -> Callable[[F], F]:
    """Decorator form of :func:`section`, for a page's section functions."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with section(title):
                return fn(*args, **kwargs)
            return None

        return inner  # type: ignore[return-value]

    return wrap


#: The longest verdict a box shows whole (a single user value is cut at MAX_TEXT_CHARS).
VERDICT_CHARS = 4 * MAX_TEXT_CHARS


def verdict_box(result: Result, *, text: str | None = None) -> None:
    """A result's verdict in the box of its severity; the lead before a colon in bold.

    ``verdict_text`` (or ``text``) and the notes are plain text from the analysis
    layer that quotes user values (group values, labels, column names): they are
    escaped here, once, for every page.
    """
    message = text if text is not None else result.verdict_text
    # a verdict is the analysis' own sentences (user values in it are names, each bounded where it is read): a
    # longer limit than one user value's, so a verdict of three findings keeps its baseline sentence
    limit = VERDICT_CHARS
    lead, sep, rest = message.partition(":")
    if sep and rest and len(lead) < 60:
        body = f"**{escape_md(lead, limit=limit)}:**{escape_md(rest, limit=limit)}"
    else:
        body = escape_md(message, limit=limit)
    _BOX.get(result.severity, st.info)(body)
    for note in result.notes:
        st.caption(escape_md(note))


#: What a table shows in a cell with no value (``st.dataframe``'s ``placeholder``).
MISSING_CELL = "—"


def table(container: Any, frame: pd.DataFrame, *, number_formats: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """``container.dataframe(frame)`` with every text cell and column name cut to MAX_CELL_CHARS.

    Tables do not render markdown, but each cell travels to the browser: a 1 MB
    cell would freeze the tab. Downloads are built from the data, so they keep
    the full value. ``number_formats`` (column -> format such as ``"{:.3f}"``): those
    columns are shown formatted and their missing cells blank, not as the word None
    (a row that does not apply, such as a skipped strategy).
    """
    shown = clip_frame(frame)
    # a cell with no value reads as a dash, not the word None (a test that does not apply to a text column, a
    # missing cell of the data): Streamlit's placeholder, display only; the frame keeps its missing values
    kwargs.setdefault("placeholder", MISSING_CELL)
    if number_formats:  # Streamlit draws a missing number as "None" whatever the format: show text instead
        shown = shown.copy() if shown is frame else shown
        config = dict(kwargs.pop("column_config", None) or {})
        for column, fmt in number_formats.items():
            if column in shown.columns:
                shown[column] = [fmt.format(v) if pd.notna(v) else "" for v in shown[column]]
                config.setdefault(column, st.column_config.TextColumn(alignment="right"))
        kwargs["column_config"] = config
    return container.dataframe(shown, **kwargs)


def chart(container: Any, fig: go.Figure, **kwargs: Any) -> Any:
    """``container.plotly_chart(fig)`` with every string bounded and HTML other than the charts' own inert."""
    from dashboard.charts.style import safe_figure

    return container.plotly_chart(safe_figure(fig), **kwargs)


def severity_box(severity: str) -> Callable[..., Any]:
    """The Streamlit box function of a severity, for messages that are not a result."""
    return _BOX.get(severity, st.info)


# --- downloads ------------------------------------------------------------------------------
PROTECT_LABEL = "Protect against spreadsheet formulas"
PROTECT_HELP = (
    "Text cells starting with = + - @ (or a tab) can run as formulas when the file is opened in Excel or "
    "LibreOffice (OWASP CSV injection). On: they get a leading ' and show as text. Numbers such as -3.5 "
    "or -1 are never changed. Off: every cell is written exactly as uploaded (as the CLI's --no-protect)."
)


def protection_caption(csv: SafeCsv, protect: bool) -> str:
    """What formula protection found and did in a download, in plain words (column names escaped).

    >>> protection_caption(SafeCsv(b"", 0, (), 0, (), True), True)
    'Original rows carry exactly the text you uploaded. No text cell starts like a spreadsheet formula: nothing was changed.'
    """
    lead = "Original rows carry exactly the text you uploaded. " if csv.raw_text else ""
    n = csv.formula_cells
    if not n:
        return lead + "No text cell starts like a spreadsheet formula: nothing was changed."
    shown = list(csv.formula_columns[:5])
    more = len(csv.formula_columns) - len(shown)
    where = ", ".join(f"'{escape_md(c)}'" for c in shown) + (f" and {more} more" if more > 0 else "")
    cells = f"{n:,} text cell{'s' if n != 1 else ''} in {where}"
    if protect:
        return (lead + f"Formula protection is on: {cells} started with = + - @ or a tab and got a leading ' so a "
                "spreadsheet shows them as text. Numbers are never changed.")
    return (lead + f"Formula protection is off: {cells} start with = + - @ or a tab and are written as uploaded; "
            "a spreadsheet may run them as formulas.")


def download_with_protection(
    label: str,
    build: Callable[[bool], SafeCsv],
    *,
    file_name: str,
    key: str,
    protect_key: str,
    mime: str = "text/csv",
    **button: Any,
) -> SafeCsv:
    """A download with its "protect formulas" switch (on by default) and a caption of what it changed.

    ``build(protect)`` returns the file (a :class:`~analysis.export.SafeCsv`, cached
    by the page's state wrapper); its counts say which cells protection changed.
    """
    protect = st.checkbox(PROTECT_LABEL, value=True, key=protect_key, help=PROTECT_HELP)
    csv = build(bool(protect))
    st.download_button(label, data=csv.data, file_name=file_name, mime=mime, key=key,
                       **{"icon": ":material/download:", **button})
    st.caption(protection_caption(csv, bool(protect)))
    return csv
