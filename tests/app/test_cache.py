"""The page cache: each result is computed once per key and evicted least recently used.

That one session never sees another's results is Streamlit's ``scope="session"``; AppTest runs every
session under one id, so it cannot be shown here.
"""

from streamlit.testing.v1 import AppTest


def script() -> None:
    """Cache more results than the cache holds, touching the first one again before the last."""
    import streamlit as st

    from ui import cache

    computed = st.session_state.setdefault("computed", [])

    def make(key: int):
        return lambda: computed.append(key) or f"value {key}"

    for key in range(cache.MAX_ENTRIES):
        cache.cached(("n", key), make(key))
    cache.cached(("n", 0), make(0))  # used again: now the most recent
    cache.cached(("n", cache.MAX_ENTRIES), make(cache.MAX_ENTRIES))  # one too many: the least recent goes
    st.session_state["kept"] = {
        "first": cache.peek(("n", 0)),
        "second": cache.peek(("n", 1)),
        "last": cache.peek(("n", cache.MAX_ENTRIES)),
        "table": cache.peek(("n", 0), table=True),
    }


def test_each_key_is_computed_once_and_the_least_recently_used_goes_first():
    at = AppTest.from_function(script).run()
    assert not at.exception, at.exception
    from ui.cache import MAX_ENTRIES

    assert at.session_state["computed"] == list(range(MAX_ENTRIES + 1))
    assert at.session_state["kept"] == {"first": "value 0", "second": None, "last": f"value {MAX_ENTRIES}", "table": None}


def tables_script() -> None:
    """None is a value; whole tables have their own, shorter bound; clear() forgets everything."""
    import streamlit as st

    from ui import cache

    computed = st.session_state.setdefault("computed", [])
    for _ in range(3):
        cache.cached("nothing", lambda: computed.append("nothing"))  # returns None: computed once all the same
    for key in range(cache.MAX_TABLES + 1):
        cache.cached(("table", key), lambda key=key: computed.append(key) or [key], table=True)
    st.session_state["kept"] = {
        "first table": cache.peek(("table", 0), table=True),
        "last table": cache.peek(("table", cache.MAX_TABLES), table=True),
        "small cache untouched": cache.peek(("table", cache.MAX_TABLES)),
    }
    cache.clear()
    st.session_state["after clear"] = cache.peek(("table", cache.MAX_TABLES), table=True)


def test_none_is_cached_tables_have_their_own_bound_and_clear_forgets():
    at = AppTest.from_function(tables_script).run()
    assert not at.exception, at.exception
    from ui.cache import MAX_TABLES

    assert at.session_state["computed"] == ["nothing", *range(MAX_TABLES + 1)]
    assert at.session_state["kept"] == {"first table": None, "last table": [MAX_TABLES], "small cache untouched": None}
    assert at.session_state["after clear"] is None
