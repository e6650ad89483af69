"""Helpers every AppTest suite shares: open a page on a sample, read its metrics, tables and charts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
from streamlit import config
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
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


class SharedScriptCache(ScriptCache):
    """A script's bytecode compiled once per version of its file for the whole session.

    streamlit 1.67's AppTest makes a new ``ScriptCache`` for every run (``LocalScriptRunner``) and
    every page manager, so each run compiled its page script again: about 5 ms a run, 1.1 s over
    the app and sampling page tests' 232 runs. A real server keeps one cache. The key holds the
    file's modification time and size (a test that writes a script gets its new code) and the
    magic setting the compiled code depends on.
    """

    _compiled: dict[tuple[str, int, int, bool], object] = {}

    def get_bytecode(self, script_path: str):
        path = os.path.abspath(script_path)
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size, bool(config.get_option("runner.magicEnabled")))
        code = self._compiled.get(key)
        if code is None:
            with self._lock:
                self._cache.pop(path, None)  # the base class's own per-path entry may hold an older version
            code = self._compiled[key] = super().get_bytecode(path)
        return code
