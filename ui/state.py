"""Session-state keys and the small glue every page shares (not a page itself).

Widget values vanish when their page is not shown, so each step stores its result here under
one of these keys. Work is cached in the session, keyed by its inputs, so a page switch never
recomputes and a change of input always does.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import streamlit as st

from synth.data.demos import DEMOS, make_demo
from synth.data.kinds import Schema, detect_schema
from synth.rebalancing.plan import RebalancePlan

DATASET = "dataset"  # Dataset below
PLAN = "plan"  # PlanChoice below
RESULTS = "results"  # {method: Rebalanced}
FAILURES = "failures"  # {method: message}
EVALUATIONS = "evaluations"  # {name: Evaluation}
WHATIF = "whatif"  # the last what-if run: settings, Simulation, KPI table, dataset name
DEMO_HOLDOUT_SEED = 1  # demos are drawn with seed 0; their independent holdouts with this one
REPORT = "report_html"  # the last prepared stakeholder report
CACHE = "cache"  # {key: value}


@dataclass(frozen=True)
class Dataset:
    """What the Data step hands on: the table, its column kinds and where its holdout comes from."""

    name: str
    table: pd.DataFrame
    schema: Schema
    holdout_file: pd.DataFrame | None
    holdout_share: float
    fingerprint: str
    column_hint: str | None = None  # the column a demo is about, preselected on the Plan step
    holdout_label: str = ""  # where ``holdout_file`` comes from, as the Plan step says it


@dataclass(frozen=True)
class PlanChoice:
    """What the Plan step hands on: the split, the column, the shares and the methods' results key."""

    column: str
    shares: tuple[tuple[str, float], ...]
    mode: str
    rows: int | None
    methods: tuple[str, ...]
    privacy_guard: float
    rebalance_plan: RebalancePlan
    train: pd.DataFrame
    holdout: pd.DataFrame
    holdout_note: str

    @property
    def key(self) -> tuple:
        """What identifies the generated outputs, for caching work derived from them."""
        return (self.column, self.shares, self.mode, self.rows, self.methods, self.privacy_guard, len(self.train))


def fingerprint(table: pd.DataFrame) -> str:
    """Content hash of a table, so caches follow the data and not the file name."""
    hashed = pd.util.hash_pandas_object(table, index=False).to_numpy()
    return f"{len(table)}x{table.shape[1]}:{int(hashed.sum()) & 0xFFFFFFFFFFFF:x}:{','.join(map(str, table.columns))}"


def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` in this session."""
    store = st.session_state.setdefault(CACHE, {})
    if key not in store:
        store[key] = compute()
    return store[key]


def progress_callback(bar: Any) -> Callable[[float, str], None]:
    """A synth progress callback drawing on a Streamlit progress bar."""

    def report(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    return report


def require(key: str, message: str, page: str) -> Any:
    """The stored result of an earlier step, or a pointer back to that step."""
    if key not in st.session_state:
        st.info(message)
        st.page_link(page, label="Go there", icon=":material/arrow_back:")
        st.stop()
    return st.session_state[key]


def make_dataset(name: str, table: pd.DataFrame, column_hint: str | None = None) -> Dataset:
    """A Dataset with detected column kinds and the default 20% holdout split."""
    return Dataset(name, table, detect_schema(table), None, 0.2, fingerprint(table), column_hint)


def demo_dataset(name: str, rare_rows: int | None = None) -> Dataset:
    """The built-in demo called ``name``, with its rare-class column preselected.

    With only ``rare_rows`` rare rows a split-off holdout would hold a handful of them, so the
    holdout is then an independent draw of the demo at its natural rate, as in the seed tutorial.
    """
    demo = DEMOS[name]
    if not rare_rows:
        return make_dataset(f"Demo: {demo.title}", make_demo(name), demo.column)
    dataset = make_dataset(f"Demo: {demo.title} ({rare_rows} rare rows)", make_demo(name, rare_rows=rare_rows), demo.column)
    holdout = make_demo(name, seed=DEMO_HOLDOUT_SEED, rows=demo.rows // 2)
    rate = (holdout[demo.column] == demo.positive).mean()
    label = f"an independent draw of {len(holdout):,} demo rows at the natural rate ({rate:.1%} {demo.positive!r})"
    return replace(dataset, holdout_file=holdout, holdout_label=label)


def forget_results() -> None:
    """Drop every downstream result when the plan changes (cached work stays reusable)."""
    for key in (PLAN, RESULTS, FAILURES, EVALUATIONS, WHATIF, REPORT):
        st.session_state.pop(key, None)


def forget_data() -> None:
    """Drop results and cached work when the data, its column kinds or its holdout change."""
    forget_results()
    st.session_state.pop(CACHE, None)
