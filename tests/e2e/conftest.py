"""Shared fixtures for the browser (end-to-end) tests; the helpers live in e2e_helpers.py.

Fixtures: ``streamlit_server`` (session: base URL of the running dashboard),
``browser`` (session: headless Chromium), ``app_page`` (per test: a fresh page
at the app, ready). Helpers (``from e2e_helpers import ...``): ``wait_ready``, ``run_counts``,
``upload``, ``select_option``, ``after_rerun``, ``screenshot``,
``assert_no_exception``, ``metric_value``, ``dataframe_rows``, ``eventually``.

The real Streamlit server is started once per session on a free port and
driven with Playwright through Debian's Chromium (Playwright cannot download
its own browser here). Every test gets a fresh browser context, so a fresh
Streamlit session with empty session state.

Skip rule: without ``/usr/bin/chromium`` (or ``$E2E_CHROMIUM``) or the
``playwright`` package these tests are skipped, unless ``CI=true``: then they
fail, so a CI machine that lost its browser cannot go green silently.

Artifacts (server log, screenshots, failure screenshots) go to
``tests/e2e/artifacts/`` (gitignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # makes `e2e_helpers` importable from the tests (any --import-mode)
    sys.path.insert(0, _HERE)

from e2e_helpers import (  # noqa: E402
    APP_ENTRY,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    E2E_DIR,
    REPO_ROOT,
    RUN_COUNTER_JS,
    SERVER_START_TIMEOUT_S,
    TIMEOUT_MS,
    VIEWPORT,
    run_counts,
    screenshot,
    wait_ready,
)


# --- skip / fail rule ------------------------------------------------------
def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _missing_requirements() -> str | None:
    problems = []
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        problems.append(f"no Chromium executable at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the 'playwright' Python package is not installed (pip install -e '.[test]')")
    return "; ".join(problems) or None


@pytest.fixture(scope="session")
def e2e_requirements() -> None:
    """Skip the browser tests when Chromium or Playwright is missing; fail instead when CI=true."""
    missing = _missing_requirements()
    if missing is None:
        return
    if _in_ci():
        pytest.fail(f"e2e tests cannot run in CI: {missing}", pytrace=False)
    pytest.skip(f"e2e tests skipped: {missing}")


def pytest_collection_modifyitems(config, items):
    # Every test in this folder drives the browser: mark it, so `-m "not e2e"` deselects it.
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so fixtures can screenshot failures.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# --- the server --------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture(scope="session")
def server_log(e2e_requirements) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob("FAILED-*"):  # failure evidence of an earlier session
        stale.unlink()
    return ARTIFACTS / "streamlit-server.log"


@pytest.fixture(scope="session")
def streamlit_server(e2e_requirements, server_log: Path):
    """Start the dashboard once per session; yield its base URL ("http://127.0.0.1:PORT")."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", APP_ENTRY,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    # Output goes to a file: a pipe nobody reads can fill up and block the server.
    log = server_log.open("wb")
    proc = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped as a whole at the end
    )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if _health(f"{base_url}/_stcore/health") == "ok":
                break
            if proc.poll() is not None:
                pytest.fail(
                    f"Streamlit exited with code {proc.returncode} while starting: {' '.join(cmd)}\n"
                    f"--- {server_log} (tail) ---\n{_log_tail(server_log)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Streamlit did not answer {base_url}/_stcore/health with 'ok' within "
                    f"{SERVER_START_TIMEOUT_S} s.\n--- {server_log} (tail) ---\n{_log_tail(server_log)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield base_url
    finally:
        _stop(proc)
        log.close()


# --- the browser -------------------------------------------------------------
@pytest.fixture(scope="session")
def browser(e2e_requirements):
    """Headless Debian Chromium; `launch` gives it a fresh, empty profile."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _save_failure_evidence(request, page, js_errors: list[str], server_log: Path, log_start: int) -> None:
    name = "FAILED-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    with contextlib.suppress(Exception):
        screenshot(page, name)
    runs: object = "unknown"
    with contextlib.suppress(Exception):
        runs = run_counts(page)  # (seen on the page, ended on the wire): which signal a wait lacked
    with contextlib.suppress(Exception):
        new_log = server_log.read_bytes()[log_start:].decode("utf-8", "replace")
        (ARTIFACTS / f"{name}.txt").write_text(
            f"url: {page.url}\njs errors: {js_errors}\nscript runs (seen, ended): {runs}\n"
            f"--- server log during the test ---\n{new_log}"
        )


@pytest.fixture
def app_page(request, browser, streamlit_server: str, server_log: Path):
    """A fresh page (new context, so a new Streamlit session) at the app, waited until ready.

    On failure a screenshot and the server log of the test are saved as
    ``artifacts/FAILED-<test>.png/.txt``. A traceback in the server log during
    the test fails it, even if the page did not show it.
    """
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RUN_COUNTER_JS)
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    log_start = server_log.stat().st_size if server_log.exists() else 0
    try:
        page.goto(streamlit_server, wait_until="domcontentloaded")
        wait_ready(page)
    except Exception:
        _save_failure_evidence(request, page, js_errors, server_log, log_start)
        context.close()
        raise
    try:
        yield page
    finally:
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.failed:
            _save_failure_evidence(request, page, js_errors, server_log, log_start)
        context.close()
    new_log = server_log.read_bytes()[log_start:].decode("utf-8", "replace")
    if "Traceback (most recent call last)" in new_log:
        pytest.fail(f"the Streamlit server logged a traceback during the test:\n{new_log[-4000:]}", pytrace=False)
    if "Stack (most recent call last)" in new_log:  # a warning logged with its stack (e.g. a widget's state misuse)
        pytest.fail(f"the Streamlit server logged a warning with a stack during the test:\n{new_log[-4000:]}",
                    pytrace=False)
