"""Shared set-up of the AppTest suites."""

import functools

import pytest
import streamlit as st
from pagetest import SharedScriptCache
from streamlit.components.v2 import manifest_scanner
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
