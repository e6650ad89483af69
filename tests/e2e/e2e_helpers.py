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
#: select_option: how often a pick is tried, and how long the box may take to show it.
PICK_ATTEMPTS = 3
PICK_TIMEOUT_MS = 10_000

# Counts the app's script runs two ways, so a helper can wait for "a rerun happened and finished"
# without guessing from the page text:
# - `__stRuns`: the page's `data-test-script-state` going to "running" (drawn by React);
# - `__stDone`: the server's messages that end a run (a ForwardMsg with field 6, `script_finished`,
#   set: streamlit/proto/ForwardMsg.proto; one message per WebSocket frame), and when the last came.
# The first alone missed runs under load: when a quick run's messages reach a busy browser together,
# React draws them in one commit and the attribute never leaves "notRunning" (a test then waited 90 s
# for a run that had finished: `make test`, 1 December 2026). The second alone could pass a moment
# before React draws the run. A wait takes either: a run seen on the page, or a run's end received
# at least SETTLE_MS ago with the page idle.
SETTLE_MS = 500
RUN_COUNTER_JS = """
(() => {
  window.__stRuns = 0;
  window.__stDone = 0;
  window.__stDoneAt = 0;
  new MutationObserver((records) => {
    for (const r of records) {
      const state = r.target.getAttribute('data-test-script-state');
      if (state === 'running' && r.oldValue !== 'running') window.__stRuns += 1;
    }
  }).observe(document, {
    subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: ['data-test-script-state'],
  });
  const fields = (buffer) => {  // the top-level field numbers of one protobuf message
    const b = new Uint8Array(buffer), out = [];
    let i = 0;
    const varint = () => {
      let x = 0, scale = 1, c;
      do { c = b[i++]; x += (c & 0x7f) * scale; scale *= 128; } while (c & 0x80 && i < b.length);
      return x;
    };
    while (i < b.length) {
      const tag = varint(), wire = tag % 8;
      out.push(Math.floor(tag / 8));
      if (wire === 0) varint();
      else if (wire === 2) { const length = varint(); i += length; }  // not `i += varint()`: that adds to the old i
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else break;
    }
    return out;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (event.data instanceof ArrayBuffer && fields(event.data).includes(6)) {
          window.__stDone += 1;
          window.__stDoneAt = performance.now();
        }
      });
    }
  };
})();
"""

# True when the app is idle and fully drawn: the script is not running, no
# element is stale (left over from the previous run), no spinner, the page
# title is drawn and, if given, `text` is in the main area. `minRuns`, if given,
# is [runs seen on the page, runs ended on the wire]: either count must be reached
# (the second one SETTLE_MS ago).
_READY_JS = """
([text, minRuns, settleMs]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (minRuns !== null) {
    const seen = (window.__stRuns || 0) >= minRuns[0];
    const ended = (window.__stDone || 0) >= minRuns[1] && performance.now() - window.__stDoneAt >= settleMs;
    if (!seen && !ended) return false;
  }
  if (document.querySelector('[data-stale=true]')) return false;
  if (document.querySelector('[data-testid=stSpinner]')) return false;
  const main = document.querySelector('[data-testid=stMain]');
  if (!main || !main.querySelector('h1')) return false;
  if (text !== null && !main.innerText.includes(text)) return false;
  return true;
}
"""


def run_counts(page) -> tuple[int, int]:
    """(runs seen on the page, runs ended on the wire) so far: see `RUN_COUNTER_JS`."""
    seen, ended = page.evaluate("() => [window.__stRuns || 0, window.__stDone || 0]")
    return int(seen), int(ended)


def _next(runs: tuple[int, int]) -> list[int]:
    return [runs[0] + 1, runs[1] + 1]


def wait_ready(page, text: str | None = None, *, min_runs: list[int] | None = None, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the script is idle, nothing is stale, the title is drawn and `text` (if given) is in the main area.

    `min_runs`: also wait until this many script runs have happened on this
    page (`_next(run_counts(page))`: see `RUN_COUNTER_JS`), i.e. the rerun an action triggers.
    """
    page.wait_for_selector("[data-testid=stApp]", state="attached", timeout=timeout)
    page.wait_for_function(_READY_JS, arg=[text, min_runs, SETTLE_MS], timeout=timeout, polling=100)


def after_rerun(page, action, text: str | None = None, *, timeout: int = TIMEOUT_MS) -> None:
    """Run `action()` (which triggers a rerun) and wait until that rerun has finished.

    With `text`, waits for the text in the main area; without, waits for a new
    run (seen on the page or ended on the wire: see `RUN_COUNTER_JS`).
    """
    before = run_counts(page)
    action()
    wait_ready(page, text, min_runs=None if text is not None else _next(before), timeout=timeout)


def upload(page, path: str | os.PathLike, *, expect_text: str | None = None) -> None:
    """Upload `path` with the sidebar's file uploader and wait for the rerun to finish.

    The app names the file in the main area whether it parsed (caption) or not
    (error box), so by default the file name is what is waited for.
    """
    path = Path(path)
    dropzone = page.locator(".st-key-app_upload").get_by_test_id("stFileUploaderDropzoneInput")  # the data's
    after_rerun(page, lambda: dropzone.set_input_files(str(path)), expect_text or path.name)


def select_option(page, label: str, option: str, *, expect_text: str | None = None, typed: str | None = None) -> None:
    """Choose `option` in the selectbox labelled `label` and wait for the rerun.

    `expect_text`: text that shows in the main area once the rerun is done; if
    omitted, the helper waits for a new script run instead. `typed`: pick by
    typing this text into the box and pressing Enter (for a box low on a long
    page, where scrolling to a clicked option can close the list) instead of
    clicking the option.

    A pick that lands while the app is still redrawing (a chart appearing after
    the run ended) can be lost: the box then keeps its old value and no rerun
    starts. The box's own value is checked first, and the pick retried (at most
    three times), so such a loss costs seconds, not the 90 s wait for a rerun
    that never comes.
    """
    from playwright.sync_api import expect

    combo = page.get_by_role("combobox", name=label, exact=True)
    expect(combo).to_be_enabled()
    before = run_counts(page)
    for attempt in range(1, PICK_ATTEMPTS + 1):
        combo.click()
        if typed is None:
            page.get_by_role("option", name=option, exact=True).click()
        else:
            combo.fill(typed)
            page.keyboard.press("Enter")
        try:
            expect(combo).to_have_value(option, timeout=PICK_TIMEOUT_MS)
            break
        except AssertionError:
            if attempt == PICK_ATTEMPTS:
                raise
            page.keyboard.press("Escape")  # close a list left open, then pick again once the app is idle
            wait_ready(page)
    wait_ready(page, expect_text, min_runs=None if expect_text is not None else _next(before))
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
