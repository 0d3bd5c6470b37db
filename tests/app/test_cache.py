"""The page cache: each result is computed once per input and evicted least recently used; its key is
derived from the step, the data and a frozen settings object, so any change of input misses it.

That one session never sees another's results is Streamlit's ``scope="session"``; AppTest runs every
session under one id, so it cannot be shown here.
"""

from dataclasses import dataclass, fields, is_dataclass, replace

import pytest
from streamlit.testing.v1 import AppTest

from ui import settings as settings_module
from ui.cache import key_of


def script() -> None:
    """Cache more results than the cache holds, touching the first one again before the last."""
    from dataclasses import dataclass

    import streamlit as st

    from ui import cache

    @dataclass(frozen=True)
    class N:
        n: int

    computed = st.session_state.setdefault("computed", [])

    def make(key: int):
        return lambda: computed.append(key) or f"value {key}"

    for key in range(cache.MAX_ENTRIES):
        cache.cached("n", make(key), data=None, settings=N(key))
    cache.cached("n", make(0), data=None, settings=N(0))  # used again: now the most recent
    cache.cached("n", make(cache.MAX_ENTRIES), data=None, settings=N(cache.MAX_ENTRIES))  # one too many: the least recent goes
    st.session_state["kept"] = {
        "first": cache.peek("n", data=None, settings=N(0)),
        "second": cache.peek("n", data=None, settings=N(1)),
        "last": cache.peek("n", data=None, settings=N(cache.MAX_ENTRIES)),
        "table": cache.peek("n", data=None, settings=N(0), table=True),
    }


def test_each_input_is_computed_once_and_the_least_recently_used_goes_first():
    at = AppTest.from_function(script).run()
    assert not at.exception, at.exception
    from ui.cache import MAX_ENTRIES

    assert at.session_state["computed"] == list(range(MAX_ENTRIES + 1))
    assert at.session_state["kept"] == {"first": "value 0", "second": None, "last": f"value {MAX_ENTRIES}", "table": None}


def tables_script() -> None:
    """None is a value; whole tables have their own, shorter bound; clear() forgets everything."""
    from dataclasses import dataclass

    import streamlit as st

    from ui import cache

    @dataclass(frozen=True)
    class N:
        n: int

    computed = st.session_state.setdefault("computed", [])
    for _ in range(3):
        cache.cached("nothing", lambda: computed.append("nothing"), data=None)  # returns None: computed once all the same
    for key in range(cache.MAX_TABLES + 1):
        cache.cached("table", lambda key=key: computed.append(key) or [key], data=None, settings=N(key), table=True)
    st.session_state["kept"] = {
        "first table": cache.peek("table", data=None, settings=N(0), table=True),
        "last table": cache.peek("table", data=None, settings=N(cache.MAX_TABLES), table=True),
        "small cache untouched": cache.peek("table", data=None, settings=N(cache.MAX_TABLES)),
    }
    cache.clear()
    st.session_state["after clear"] = cache.peek("table", data=None, settings=N(cache.MAX_TABLES), table=True)


def test_none_is_cached_tables_have_their_own_bound_and_clear_forgets():
    at = AppTest.from_function(tables_script).run()
    assert not at.exception, at.exception
    from ui.cache import MAX_TABLES

    assert at.session_state["computed"] == ["nothing", *range(MAX_TABLES + 1)]
    assert at.session_state["kept"] == {"first table": None, "last table": [MAX_TABLES], "small cache untouched": None}
    assert at.session_state["after clear"] is None


SAMPLES = {"str": ("a", "b"), "int": (1, 2), "bool": (False, True), "float": (0.5, 0.25)}


def sample(cls: type, other: bool = False):
    """An instance of a settings class with every field set (``other``: every field set differently)."""
    values = {}
    for field in fields(cls):
        kind = str(field.type)
        nested = getattr(settings_module, kind.split(" ")[0], None)
        if is_dataclass(nested):
            values[field.name] = sample(nested, other)
        elif kind.startswith("tuple"):
            values[field.name] = (("x", 0.5),) if other else ()
        else:
            base = next(v for k, v in SAMPLES.items() if kind.startswith(k) or kind.startswith(f"{k} |"))
            values[field.name] = base[1 if other else 0]
    return cls(**values)


SETTINGS = [c for c in vars(settings_module).values() if isinstance(c, type) and is_dataclass(c)]


@pytest.mark.parametrize("cls", SETTINGS, ids=lambda c: c.__name__)
def test_changing_any_setting_misses_the_cache(cls):
    base = sample(cls)
    changed = sample(cls, other=True)
    assert key_of("step", None, base) == key_of("step", None, sample(cls))  # the same inputs: the same entry
    for field in fields(cls):
        one_changed = replace(base, **{field.name: getattr(changed, field.name)})
        assert key_of("step", None, one_changed) != key_of("step", None, base), field.name


def test_changing_the_data_or_the_step_misses_the_cache(patients):
    from ui.state import make_dataset

    data = make_dataset("patients", patients)
    same = make_dataset("patients again", patients.copy())
    other_rows = make_dataset("patients", patients.iloc[1:])
    other_holdout = replace(data, holdout_share=0.3)
    other_kinds = replace(data, schema=data.schema.with_overrides({"age": "categorical"}))
    key = key_of("step", data, None)
    assert key_of("step", same, None) == key  # the content decides, not the name
    assert all(key_of("step", d, None) != key for d in (other_rows, other_holdout, other_kinds))
    assert key_of("other step", data, None) != key


def test_only_a_frozen_settings_object_makes_a_key():
    @dataclass
    class Loose:
        n: int

    with pytest.raises(TypeError, match="frozen dataclass"):
        key_of("step", None, ("a", "tuple"))
    with pytest.raises(TypeError, match="frozen dataclass"):
        key_of("step", None, Loose(1))
