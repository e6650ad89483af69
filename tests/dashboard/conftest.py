"""Shared set-up of the AppTest suites."""

import pytest
import streamlit as st


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True, scope="module")
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
