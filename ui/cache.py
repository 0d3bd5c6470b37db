"""One small cache per session, keyed by content and parameters, evicting the least recently used.

Streamlit's ``st.cache_data`` would copy (pickle) every cached table on every rerun; the outputs of
a 100k-row table are hundreds of MB, so results are kept as they are, in the session. Entries go,
oldest first, beyond ``MAX_ENTRIES`` or ``MAX_BYTES`` (sizes are estimated once, on insert). Keys
start with the dataset's content fingerprint, and the cache is cleared when the data changes.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from ui.state import WORK_CACHE

MAX_ENTRIES = 48
MAX_BYTES = 1 * 2**30
T = TypeVar("T")


def size_of(value: Any, depth: int = 4) -> int:
    """Approximate bytes held by tables and arrays inside ``value`` (shared parts count each time)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(value.memory_usage(index=False, deep=False).sum()) if isinstance(value, pd.DataFrame) else value.nbytes
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, bytes | str):
        return len(value)
    if depth == 0:
        return 0
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(size_of(getattr(value, f.name), depth - 1) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return sum(size_of(v, depth - 1) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(size_of(v, depth - 1) for v in value)
    return 0


def _store() -> OrderedDict[Hashable, tuple[Any, int]]:
    return st.session_state.setdefault(WORK_CACHE, OrderedDict())


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` in this session; the least recently used entries go first."""
    store = _store()
    if key in store:
        store.move_to_end(key)
        return store[key][0]
    value = compute()
    store[key] = (value, size_of(value))
    while len(store) > 1 and (len(store) > MAX_ENTRIES or sum(size for _, size in store.values()) > MAX_BYTES):
        store.popitem(last=False)
    return value


def peek(key: Hashable) -> Any | None:
    """The cached value for ``key``, or None, without computing anything."""
    entry = _store().get(key)
    return None if entry is None else entry[0]


def clear() -> None:
    """Forget every cached result (the data changed)."""
    st.session_state.pop(WORK_CACHE, None)
