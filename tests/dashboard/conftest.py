"""Shared set-up of the AppTest suites."""

import functools
import os

import pytest
import streamlit as st
from streamlit import config
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import app_test, local_script_runner


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True, scope="session")
def scan_component_manifests_once():
    # Every AppTest instance scans the metadata of every installed distribution for Streamlit
    # component manifests on its first run (BidiComponentManager.discover_and_register_components,
    # streamlit 1.67): about 0.6 s each, a fifth of this folder's time. A real server scans once
    # at start-up; nothing is installed during a test session, so the first scan's answer holds.
    original = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(original)
    yield
    manifest_scanner.scan_component_manifests = original


def _wait_for_script(runner, timeout: float = 3) -> None:
    """AppTest's wait for a script run, by joining its thread instead of polling every millisecond.

    streamlit 1.67's ``require_widgets_deltas`` wakes a thousand times a second to ask whether the
    script has stopped; each wake-up takes the GIL from the script thread it waits for. The thread
    ends when the run ends (AppTest joins it right after), so joining waits exactly as long.
    """
    thread = runner._script_thread
    if thread is not None:
        thread.join(timeout)
    if thread is None or thread.is_alive() or not runner.script_stopped():
        _poll_for_script(runner, 0.1)  # the original: stops the run and raises its timeout error


_poll_for_script = local_script_runner.require_widgets_deltas


@pytest.fixture(autouse=True, scope="session")
def wait_for_scripts_without_polling():
    local_script_runner.require_widgets_deltas = _wait_for_script
    yield
    local_script_runner.require_widgets_deltas = _poll_for_script


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


@pytest.fixture(autouse=True, scope="session")
def compile_each_script_once():
    originals = local_script_runner.ScriptCache, app_test.ScriptCache
    local_script_runner.ScriptCache = app_test.ScriptCache = SharedScriptCache
    yield
    local_script_runner.ScriptCache, app_test.ScriptCache = originals


@pytest.fixture(autouse=True, scope="session")
def fresh_caches():
    # st.cache_* are per process and shared between AppTest instances. Every cached function is
    # keyed by the dataset's hash and a frozen settings object, so a hit returns what a miss
    # would compute; clearing once per module keeps modules independent without paying the
    # pilot fits and profiles again in every test. A test that patches an analysis function
    # clears the caches itself (see `fresh` below).
    clear_caches()
    yield


@pytest.fixture
def fresh():
    """Empty caches before and after a test that patches a cached computation."""
    clear_caches()
    yield
    clear_caches()
