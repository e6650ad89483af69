"""Bounding and neutralising user text before it reaches the browser (issue 15, items 5 and 7).

Shared by :mod:`dashboard.components` (markdown, tables, charts) and
:mod:`dashboard.charts.style` (plotly labels). No Streamlit and no plotly here.

- :func:`clip` caps one value's length with an ellipsis: a 1 MB cell must not
  travel to the browser (tables, previews, chart labels). Downloads are built
  from the data, never from what is shown, so they keep the full value.
- :func:`clip_frame` applies it to every text cell and column name of a table.
- :func:`inert_tags` makes every HTML tag except the few the charts use
  themselves (``<br>``, ``<extra>``, ``<sup>``, ``<sub>``) plain text, so a
  data-derived ``<a href>``, ``<b>`` or ``<img>`` that reached a figure
  unescaped still renders as text.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

#: Longest cell, label or category name sent to the browser in tables and charts.
MAX_CELL_CHARS = 200
#: Longest message (markdown text, titles): room for a sentence that quotes a few names.
MAX_TEXT_CHARS = 1000
ELLIPSIS = "…"

_FOREIGN_TAG = re.compile(r"<(?!/?(?:br|extra|sup|sub)\s*/?>)", re.IGNORECASE)


def clip(value: object, limit: int = MAX_CELL_CHARS) -> str:
    """``str(value)`` cut to ``limit`` characters, the last one an ellipsis when it was longer.

    >>> clip("x" * 5, 3), clip("abc", 3)
    ('xx…', 'abc')
    """
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def _clip_cell(value: Any, limit: int) -> Any:
    return clip(value, limit) if isinstance(value, str) and len(value) > limit else value


def clip_frame(frame: pd.DataFrame, limit: int = MAX_CELL_CHARS) -> pd.DataFrame:
    """The table as shown: text cells and column names over ``limit`` characters clipped (a copy when any was).

    >>> clip_frame(pd.DataFrame({"t": ["a" * 300, "b"], "n": [1, 2]}))["t"].str.len().tolist()
    [200, 1]
    """
    out = frame
    long_names = [c for c in frame.columns if isinstance(c, str) and len(c) > limit]
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if not (pd.api.types.is_string_dtype(column.dtype) or column.dtype == object
                or isinstance(column.dtype, pd.CategoricalDtype)):
            continue
        values = column.astype(object).to_numpy()
        lengths = np.fromiter((len(v) if isinstance(v, str) else 0 for v in values), dtype=np.int64, count=len(values))
        if len(lengths) and lengths.max() > limit:
            if out is frame:
                out = frame.copy()
            out.isetitem(j, pd.Series([_clip_cell(v, limit) for v in values], index=frame.index, dtype=object))
    if long_names:
        out = out.rename(columns={c: clip(c, limit) for c in long_names})
    return out


def inert_tags(text: str) -> str:
    """HTML tags other than ``<br>``, ``<extra>``, ``<sup>``, ``<sub>`` turned into text (``&lt;``).

    >>> inert_tags('<a href="x">a</a><br><b>b</b>')
    '&lt;a href="x">a&lt;/a><br>&lt;b>b&lt;/b>'
    """
    return _FOREIGN_TAG.sub("&lt;", text) if "<" in text else text
