"""Hostile names in a real browser (issue 15, item 5): nothing is fetched from elsewhere, nothing renders.

A table whose file, column, value and label names are markdown/HTML payloads pointing at
``evil.invalid`` (tests/dashboard/hostile.py) is uploaded and every page is visited. Playwright
intercepts every request: none may leave for a host other than the app's. And the DOM holds no
data-derived link, image or bold text (markdown, HTML, or plotly's SVG labels).
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e_helpers import after_rerun, assert_no_exception, screenshot, select_option, wait_ready

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))
import hostile

pytestmark = pytest.mark.e2e

PAGES = ["Overview", "Sampling bias", "Labels", "Weak supervision", "Rebalancing lab"]

# Links, images and bold text whose target or text comes from the data.
_RENDERED_JS = """
() => {
  const found = [];
  const boldWords = new Set(['bold', 'x', 'yes', 'f']);
  for (const el of document.querySelectorAll('a, img, image, b, strong, tspan')) {
    const target = el.getAttribute('href') || el.getAttribute('xlink:href') || el.getAttribute('src') || '';
    if (target.includes('evil')) found.push(`${el.tagName} -> ${target}`);
    const text = (el.textContent || '').trim();
    if ((el.tagName === 'B' || el.tagName === 'STRONG') && boldWords.has(text)) found.push(`${el.tagName} ${text}`);
    if (el.tagName === 'tspan' && /bold/.test(el.getAttribute('style') || '') && text === 'bold') found.push('bold tspan');
  }
  return found;
}
"""


def test_hostile_names_fetch_nothing_and_render_no_link_image_or_bold(app_page, streamlit_server, tmp_path):
    page = app_page
    app_host = urlsplit(streamlit_server).netloc
    elsewhere: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == app_host:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    page.route("**/*", guard)
    path = tmp_path / hostile.FILE_NAME
    path.write_bytes(hostile.csv_bytes())
    dropzone = page.locator(".st-key-app_upload").get_by_test_id("stFileUploaderDropzoneInput")
    # waits for the new table's size in the main area (the default sample has 5,000 rows): a run too quick to be
    # seen as "running" by the run counter still counts, as in the upload helper
    after_rerun(page, lambda: dropzone.set_input_files(str(path)), f"{len(hostile.frame()):,} rows")
    select_option(page, "Target column", hostile.TARGET)
    rendered = {}
    for name in PAGES:
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=name)
        after_rerun(page, link.click)
        wait_ready(page)
        page.wait_for_timeout(500)  # images and charts start their fetches
        assert_no_exception(page)
        rendered[name] = page.evaluate(_RENDERED_JS)
    screenshot(page, "hostile-names")
    assert elsewhere == []
    assert rendered == {name: [] for name in PAGES}
    # the names are there, as text: the sidebar shows the file name literally
    assert hostile.FILE_NAME in page.get_by_test_id("stSidebar").inner_text()


def test_the_app_started_from_another_folder_shows_the_redacted_error_box(browser, tmp_path):
    """Issue 15, items 4 and 10 of "How to verify": started by the command's settings from a folder
    without .streamlit/config.toml, a forced error shows Streamlit's redacted box, never the
    traceback, the message or a server path."""
    import socket
    import subprocess
    import time
    import urllib.request

    from analysis.cli.main import app_command

    folder = tmp_path / "elsewhere"
    folder.mkdir()
    entry = folder / "forced_error.py"
    entry.write_text('import streamlit as st\nst.title("forced")\nraise RuntimeError("SECRET-MESSAGE at /srv/private/path.py")\n')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(app_command(entry, port=port, address="127.0.0.1") + ["--server.fileWatcherType", "none"],
                            cwd=folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.25)
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}", wait_until="domcontentloaded")
            box = page.get_by_test_id("stException")
            box.wait_for(timeout=30_000)
            shown = page.get_by_test_id("stApp").inner_text()
        finally:
            context.close()
    finally:
        import os
        import signal

        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        log.close()
    assert "redacted" in shown
    assert "SECRET-MESSAGE" not in shown and "/srv/private" not in shown and "Traceback" not in shown
    assert str(folder) not in shown
    assert "SECRET-MESSAGE" in (tmp_path / "server.log").read_text()  # the details went to the server log
