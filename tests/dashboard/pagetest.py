"""Helpers every AppTest suite shares: open a page on a sample, read its metrics, tables and charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard import keys

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py")


def open_page(page: str | None = None, *, sample: str | None = None, timeout: float = 120) -> AppTest:
    """The app on ``sample`` (default: the bundled default), opened on ``app_pages/<page>.py``.

    The page is the first one drawn, as when a user follows a link to it: the default page
    (Overview, with its leakage and outlier models) is not computed on the way. A test of what
    survives a visit elsewhere switches pages itself.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    if sample is not None:
        at.selectbox(key=keys.SAMPLE).set_value(sample).run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key=keys.UPLOAD).set_value((name, data, mime)).run()
    return at


def metrics(at: AppTest) -> dict:
    """Metric label -> shown value."""
    return {m.label: m.value for m in at.metric}


def metric_deltas(at: AppTest) -> dict:
    """Metric label -> (shown value, delta)."""
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def table(at: AppTest, first_column: str) -> pd.DataFrame:
    """The dataframe whose first column is ``first_column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def specs(at: AppTest) -> list[dict]:
    """Every plotly chart's figure JSON, in page order."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def chart(at: AppTest, title_start: str) -> dict:
    """The figure JSON of the chart whose title starts with ``title_start``."""
    for spec in specs(at):
        if spec["layout"].get("title", {}).get("text", "").startswith(title_start):
            return spec
    raise AssertionError(f"no chart titled {title_start!r}")


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def errors(at: AppTest) -> list[str]:
    """The text of every error box, with the markdown escaping of user-supplied names undone."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]


def captions(at: AppTest) -> list[str]:
    """The text of every caption, with the markdown escaping of user-supplied text undone."""
    return [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]
