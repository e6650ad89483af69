"""Shared set-up of the AppTest suites."""

import functools

import pytest
import streamlit as st
from streamlit.components.v2 import manifest_scanner


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
