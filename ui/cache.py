"""Results kept once per input, in Streamlit's own session-scoped ``st.cache_resource``.

``st.cache_resource`` hands back the object itself (``st.cache_data`` would pickle a copy of a
100k-row table on every rerun), ``scope="session"`` keeps one user's tables from another's and
frees them when the session disconnects, and ``max_entries`` evicts the least recently used.
Whole tables are big, so they have their own, shorter cache: ten tables, each about the size of the
data (or of one method's output), which is two plans of all five methods.
The value is computed outside the cached function: progress bars drawn while computing belong to
the page, not to a cached function Streamlit would try to replay.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import is_dataclass
from typing import Any, TypeVar

import streamlit as st

MAX_ENTRIES = 64
MAX_TABLES = 10
T = TypeVar("T")


class _Absent(LookupError):
    """Raised inside the cache to look a key up without computing anything."""


def _absent() -> Any:
    raise _Absent


@st.cache_resource(scope="session", max_entries=MAX_ENTRIES, show_spinner=False)
def _entry(key: Hashable, _boxed: Callable[[], tuple[Any]]) -> tuple[Any]:
    """A small result (counts, verdicts, figures' data), boxed so that None is a value too."""
    return _boxed()


@st.cache_resource(scope="session", max_entries=MAX_TABLES, show_spinner=False)
def _table_entry(key: Hashable, _boxed: Callable[[], tuple[Any]]) -> tuple[Any]:
    """A table (a method's output, a split, a filled, fair or simulated table), boxed likewise."""
    return _boxed()


def key_of(step: str, data: Any, settings: Any) -> tuple:
    """A result's cache key, derived from its inputs: the step, the data's identity and a frozen settings object.

    ``data`` is a ``ui.state.Dataset`` (its ``key``: content, column kinds, holdout choice) or None; ``settings``
    is a frozen dataclass (every field counts) or None. Nothing else may stand in, so no call site spells a key.
    """
    if settings is not None and not (is_dataclass(settings) and settings.__dataclass_params__.frozen):  # type: ignore[attr-defined]
        raise TypeError(f"cache settings must be a frozen dataclass, not {type(settings).__name__}")
    return (step, None if data is None else data.key, settings)


def _lookup(key: Hashable, table: bool) -> tuple[Any] | None:
    try:
        return (_table_entry if table else _entry)(key, _absent)
    except _Absent:
        return None


def peek(step: str, *, data: Any, settings: Any = None, table: bool = False) -> Any | None:
    """The cached result of ``step`` for these inputs, or None, without computing anything."""
    found = _lookup(key_of(step, data, settings), table)
    return None if found is None else found[0]


def cached(step: str, compute: Callable[[], T], *, data: Any, settings: Any = None, table: bool = False) -> T:
    """``compute()`` once per input of ``step`` in this session (``table=True`` for whole tables)."""
    key = key_of(step, data, settings)
    found = _lookup(key, table)
    if found is not None:
        return found[0]
    value = compute()
    return (_table_entry if table else _entry)(key, lambda: (value,))[0]


@st.cache_resource(scope="session", max_entries=1, show_spinner=False)
def _upload_entry(fingerprint: str, _boxed: Callable[[], tuple[Any]]) -> tuple[Any]:
    """The bytes of the file that made the data (one entry, apart from results, so no result evicts it)."""
    return _boxed()


def keep_upload(fingerprint: str, raw: bytes, name: str) -> None:
    """Keep an upload's bytes and name for the table read from it, to write its cells back as they were."""
    _upload_entry(fingerprint, lambda: ((raw, name),))


def upload(fingerprint: str) -> tuple[bytes, str] | None:
    """The bytes and name of the upload the table with this fingerprint was read from, if it was."""
    try:
        return _upload_entry(fingerprint, _absent)[0]
    except _Absent:
        return None


def clear() -> None:
    """Forget this session's results (the data changed)."""
    _entry.clear()
    _table_entry.clear()
