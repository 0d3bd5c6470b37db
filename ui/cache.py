"""One small cache per session, keyed by content and parameters, with least-recently-used eviction.

Streamlit's ``st.cache_data`` would copy (pickle) every cached table on every rerun; the outputs of
a 100k-row table are hundreds of MB, so results are kept as they are, in the session, and the
oldest are dropped beyond ``MAX_ENTRIES``. Keys start with the dataset's content fingerprint, and
the whole cache is cleared when the data, its kinds or its holdout change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

CACHE = "work_cache"
MAX_ENTRIES = 48
T = TypeVar("T")


def _store() -> OrderedDict[Hashable, Any]:
    return st.session_state.setdefault(CACHE, OrderedDict())


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` in this session; the least recently used entries go first."""
    store = _store()
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = compute()
    store[key] = value
    while len(store) > MAX_ENTRIES:
        store.popitem(last=False)
    return value


def peek(key: Hashable) -> Any | None:
    """The cached value for ``key``, or None, without computing anything."""
    return _store().get(key)


def clear() -> None:
    """Forget every cached result (the data changed)."""
    st.session_state.pop(CACHE, None)
