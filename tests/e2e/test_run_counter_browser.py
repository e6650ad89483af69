"""The browser tests' own clock: the run counts the wait helpers rely on (e2e_helpers.RUN_COUNTER_JS).

Reference: Streamlit's protobuf classes. Every WebSocket frame the page receives is decoded
here with ``ForwardMsg.FromString``; the helpers' JavaScript count of finished runs must equal
the number of decoded messages whose type is ``script_finished``.
"""

from __future__ import annotations

import pytest
from e2e_helpers import RUN_COUNTER_JS, TIMEOUT_MS, VIEWPORT, run_counts, select_option, wait_ready

pytestmark = pytest.mark.e2e


def test_finished_runs_counted_in_the_page_equal_the_script_finished_messages(streamlit_server, browser):
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RUN_COUNTER_JS)
    page = context.new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    try:
        page.goto(streamlit_server, wait_until="domcontentloaded")
        wait_ready(page)
        select_option(page, "Target column", "region")  # two reruns by the user: two more finished runs
        select_option(page, "Target column", "is_fraud")
        types = [ForwardMsg.FromString(f).WhichOneof("type") for f in frames if isinstance(f, bytes)]
        finished = types.count("script_finished")
        seen, ended = run_counts(page)
        assert finished >= 3 and types.count("delta") > finished  # the runs drew elements, and ended
        assert ended == finished, (ended, finished)
        assert seen <= ended  # the page's own count can only miss runs, never invent them
    finally:
        context.close()
