"""Shared set-up of the AppTest suites."""

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def fresh_caches():
    # st.cache_* are per process and shared between AppTest instances: each test starts clean.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
