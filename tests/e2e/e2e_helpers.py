"""Helpers for the browser tests: waiting for Streamlit reruns, uploads, selectboxes, screenshots.

Import them in a test module with ``from e2e_helpers import ...`` (conftest.py
puts this folder on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
ARTIFACTS = E2E_DIR / "artifacts"
APP_ENTRY = "dashboard/streamlit_app.py"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}

#: Generous: a run on 2 busy cores can be slow. In `make test` the other xdist worker may be running
#: the Spark engine battery (a JVM on both cores): a hostile upload's first run took over 30 s there.
#: A wait returns as soon as the page is ready, so this costs nothing when things are fast.
TIMEOUT_S = 90
TIMEOUT_MS = TIMEOUT_S * 1000
SERVER_START_TIMEOUT_S = 60

# Counts the transitions of the app to "running", so a helper can wait for
# "a rerun happened and finished" without guessing from the page text.
RUN_COUNTER_JS = """
(() => {
  window.__stRuns = 0;
  new MutationObserver((records) => {
    for (const r of records) {
      const state = r.target.getAttribute('data-test-script-state');
      if (state === 'running' && r.oldValue !== 'running') window.__stRuns += 1;
    }
  }).observe(document, {
    subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: ['data-test-script-state'],
  });
})();
"""

# True when the app is idle and fully drawn: the script is not running, no
# element is stale (left over from the previous run), no spinner, the page
# title is drawn and, if given, `text` is in the main area.
_READY_JS = """
([text, minRuns]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (minRuns !== null && (window.__stRuns || 0) < minRuns) return false;
  if (document.querySelector('[data-stale=true]')) return false;
  if (document.querySelector('[data-testid=stSpinner]')) return false;
  const main = document.querySelector('[data-testid=stMain]');
  if (!main || !main.querySelector('h1')) return false;
  if (text !== null && !main.innerText.includes(text)) return false;
  return true;
}
"""


def _runs(page) -> int:
    return int(page.evaluate("() => window.__stRuns || 0"))


def wait_ready(page, text: str | None = None, *, min_runs: int | None = None, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the script is idle, nothing is stale, the title is drawn and `text` (if given) is in the main area.

    `min_runs`: also wait until at least that many script runs have started
    on this page (see `RUN_COUNTER_JS`), i.e. the rerun an action triggers.
    """
    page.wait_for_selector("[data-testid=stApp]", state="attached", timeout=timeout)
    page.wait_for_function(_READY_JS, arg=[text, min_runs], timeout=timeout, polling=100)


def after_rerun(page, action, text: str | None = None, *, timeout: int = TIMEOUT_MS) -> None:
    """Run `action()` (which triggers a rerun) and wait until that rerun has finished.

    With `text`, waits for the text in the main area (robust even if the run
    was too quick to be seen as "running"); without, waits for a new run.
    """
    before = _runs(page)
    action()
    wait_ready(page, text, min_runs=None if text is not None else before + 1, timeout=timeout)


def upload(page, path: str | os.PathLike, *, expect_text: str | None = None) -> None:
    """Upload `path` with the sidebar's file uploader and wait for the rerun to finish.

    The app names the file in the main area whether it parsed (caption) or not
    (error box), so by default the file name is what is waited for.
    """
    path = Path(path)
    dropzone = page.locator(".st-key-app_upload").get_by_test_id("stFileUploaderDropzoneInput")  # the data's
    after_rerun(page, lambda: dropzone.set_input_files(str(path)), expect_text or path.name)


def select_option(page, label: str, option: str, *, expect_text: str | None = None) -> None:
    """Choose `option` in the selectbox labelled `label` and wait for the rerun.

    `expect_text`: text that shows in the main area once the rerun is done; if
    omitted, the helper waits for a new script run instead.
    """
    from playwright.sync_api import expect

    combo = page.get_by_role("combobox", name=label, exact=True)
    expect(combo).to_be_enabled()

    def choose() -> None:
        combo.click()
        page.get_by_role("option", name=option, exact=True).click()

    after_rerun(page, choose, expect_text)
    expect(combo).to_have_value(option)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG of the app to tests/e2e/artifacts/<name>.png and return its path.

    Streamlit scrolls inside `stMain`, not the document, so Playwright's
    `full_page` alone would capture one viewport: the viewport is grown to the
    content's height for the shot, then restored.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    original = page.viewport_size or VIEWPORT
    height = page.evaluate(
        """() => Math.max(
            ...['[data-testid=stMain]', '[data-testid=stSidebarContent]'].map(
                s => { const e = document.querySelector(s); return e ? e.scrollHeight : 0; }),
            document.documentElement.scrollHeight)"""
    )
    height = int(min(max(height, original["height"]), 12000))
    if height > original["height"]:
        page.set_viewport_size({"width": original["width"], "height": height})
        with contextlib.suppress(Exception):
            page.wait_for_function(
                "() => { const m = document.querySelector('[data-testid=stMain]');"
                " return !m || m.scrollHeight <= m.clientHeight + 2; }",
                timeout=5000,
            )
    try:
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        if height > original["height"]:
            page.set_viewport_size(original)
    return path


def assert_no_exception(page) -> None:
    """No uncaught-exception box (Streamlit shows one even with showErrorDetails = "none")."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "This app has encountered an error" not in page.get_by_test_id("stApp").inner_text()


def metric_value(page, label: str) -> str:
    """The displayed value of the st.metric labelled exactly `label`."""
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def metric_delta(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricDelta").inner_text().strip()


def dataframe_rows(frame) -> list[list[str]]:
    """Cell texts of an st.dataframe (its accessible table; only the rows drawn in view).

    `frame` is a locator of one `stDataFrame` element.
    """
    frame.locator("[role=gridcell]").first.wait_for(state="attached")
    return frame.evaluate(
        """el => [...el.querySelectorAll('tr[role=row]')]
            .map(r => [...r.querySelectorAll('[role=gridcell]')].map(c => c.textContent.trim()))
            .filter(r => r.length)"""
    )


def dataframe_columns(frame) -> list[str]:
    frame.locator("[role=columnheader]").first.wait_for(state="attached")
    return frame.evaluate(
        "el => [...el.querySelectorAll('[role=columnheader]')].map(c => c.textContent.trim())"
    )


def eventually(check, timeout: float = TIMEOUT_S, interval: float = 0.2):
    """Call `check()` until it stops raising AssertionError (returns its result) or `timeout` seconds pass.

    For things drawn a frame after the rerun ends, e.g. the accessible cells of
    an st.dataframe catching up with its canvas.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(interval)
