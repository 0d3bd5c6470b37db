"""Every page test starts as a new visitor would: with an empty page cache.

AppTest runs every session under one fixed id ("test session id"), so Streamlit's session-scoped
cache would otherwise carry results from one test's session into the next.
"""

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def empty_page_cache():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()
