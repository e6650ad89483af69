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
    dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
    after_rerun(page, lambda: dropzone.set_input_files(str(path)))
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
