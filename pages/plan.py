"""Step 2: choose the column, its target shares and the methods; generate every output."""

import pandas as pd
import streamlit as st

from synth.data.holdout import Split, keep_rare_rows
from synth.engine import rebalance_all
from synth.errors import MethodRefused, SynthError
from synth.figures import PLOTLY_CONFIG, plan_figure
from synth.rebalancing.plan import (
    MAX_OUTPUT_ROWS,
    Mode,
    RebalancePlan,
    candidate_columns,
    equal_shares,
    make_plan,
    rarity_advice,
    suggest_column,
)
from synth.rebalancing.run import Rebalanced
from synth.rebalancing.samplers import DEFAULT_METHODS, SAMPLERS
from synth.table import rarest_value, value_counts
from ui import assessments, cache
from ui.state import (
    PLAN,
    W_COLUMN,
    W_KEEP_ROWS,
    W_METHODS,
    W_MODE,
    W_ROWS,
    W_SHARE,
    W_SHARES,
    Dataset,
    PlanRun,
    cluster_scheduler,
    current_dataset,
    forget_results,
    scoped,
)
from ui.text import plain, prose
from ui.widgets import holdout_split, share_editor, with_status

MODE_TEXT = {
    "hybrid": "Hybrid: keep every real row, add the fewest rows that meet the shares",
    "full": "Fully synthetic: generate N rows with exactly these shares",
}


def choose_column(dataset: Dataset) -> str:
    candidates = cache.cached(("candidates", *dataset.key), lambda: candidate_columns(dataset.table, dataset.schema))
    if not candidates:
        st.error("No categorical column with at least two values. Mark the column to rebalance as categorical on the Data step.")
        st.page_link("pages/data.py", label="Back to Data", icon=":material/arrow_back:")
        st.stop()
    default = cache.cached(
        ("suggestion", *dataset.key), lambda: suggest_column(dataset.table, dataset.schema, dataset.column_hint)
    )
    return st.selectbox(
        "Column to rebalance", candidates, index=candidates.index(default), key=scoped(W_COLUMN, dataset.fingerprint)
    )


def describe_split(split: Split) -> None:
    """Where the holdout comes from and how many rows the methods learn from, after any rows were left out."""
    st.info(
        prose(f"Holdout: {split.description}. Methods learn from {len(split.train):,} training rows only."),
        icon=":material/lock:",
    )


def keep_fewer(split: Split, column: str) -> Split:
    """Optionally keep only N rows of the rarest value in training, to see the methods at extreme imbalance."""
    counts = value_counts(split.train[column])
    rarest = rarest_value(counts)
    rows = int(
        st.number_input(
            f"Keep only this many {plain(rarest)} training rows (0 keeps all {counts[rarest]:,})",
            0,
            counts[rarest],
            0,
            step=5,
            key=scoped(W_KEEP_ROWS, column),
            help="Extreme imbalance (say 25 rows) is where the methods differ most. The holdout keeps its natural rate.",
        )
    )
    if rows == 0:
        return split
    return keep_rare_rows(split, column, rarest, rows)


def choose_shares(train: pd.DataFrame, column: str) -> dict[str, float]:
    """A slider for a binary column, an editable table of shares otherwise."""
    counts = value_counts(train[column])
    advice = rarity_advice(counts)
    if advice:
        st.warning(prose(advice), icon=":material/info:")
    if len(counts) == 2:
        rarest = rarest_value(counts)
        label = f"Share of {plain(rarest)} after rebalancing (%)"
        return {rarest: st.slider(label, 1, 99, 50, 1, format="%d%%", key=scoped(W_SHARE, column)) / 100}
    st.write("Target share of every value, in % (they must add up to 100):")
    equal = [100 * v for v in equal_shares(counts).values()]
    edited = share_editor(counts, equal, label="value", share="target share (%)", key=scoped(W_SHARES, column))
    return dict(zip(edited["value"], edited["target share (%)"].astype(float) / 100, strict=True))


def choose_methods(mode: Mode) -> list[str]:
    """Every method the mode allows, each a visible checkbox; each runs with its declared defaults."""
    available = [name for name, cls in SAMPLERS.items() if mode is Mode.HYBRID or cls.supports_full]
    st.write("Methods")
    columns = st.columns(len(available))
    methods = [
        name
        for column, name in zip(columns, available, strict=True)
        if column.checkbox(SAMPLERS[name].label, value=name in DEFAULT_METHODS, key=scoped(W_METHODS, mode, name))
    ]
    with st.expander("What each method does"):
        for name in available:
            st.markdown(f"**{SAMPLERS[name].label}**: {SAMPLERS[name].description}")
    return methods


def show_plan(train: pd.DataFrame, column: str, shares: dict[str, float], mode: Mode, rows: int | None) -> RebalancePlan:
    try:
        plan = make_plan(train[column], shares, mode, rows)
    except SynthError as error:
        st.error(prose(error))
        st.stop()
    frame = plan.to_frame()
    counts = {c: "{:,}" for c in frame.columns if c.startswith("rows")}
    st.dataframe(frame.style.format({"share now": "{:.1%}", "share after": "{:.1%}", **counts}), hide_index=True)
    st.plotly_chart(plan_figure(plan), config=PLOTLY_CONFIG)
    return plan


def generate(dataset: Dataset, split: Split, plan: RebalancePlan, methods: list[str]) -> None:
    """Every method's output, each cached as soon as it is made: leaving the page mid-way loses nothing."""

    def key(method: str) -> tuple:
        return ("output", *dataset.key, split.description, plan.column, plan.mode, tuple(plan.target.items()), method)

    done = {m: r for m in methods if (r := cache.peek(key(m), table=True)) is not None}

    def heard(method: str, outcome: Rebalanced | MethodRefused) -> None:
        if isinstance(outcome, MethodRefused):
            st.error(prose(f"{SAMPLERS[method].label}: {outcome}"))
            return
        cache.cached(key(method), lambda: outcome, table=True)
        st.write(f"{outcome.label}: {int(outcome.generated.sum()):,} rows in {outcome.seconds:.1f} s")

    outputs = with_status(
        f"Generating with {len(methods)} method(s)…",
        lambda progress: rebalance_all(
            split.train,
            plan=plan,
            schema=dataset.schema,
            methods=methods,
            done=done,
            scheduler=cluster_scheduler(),
            progress=progress,
            on_result=heard,
        ),
        failed="Nothing generated",
        done=lambda outputs: f"Generated with {len(outputs.results)} of {len(methods)} methods",
    )
    if outputs is None:
        return
    st.session_state[PLAN] = PlanRun(split, outputs, tuple(methods))
    assessments.start_privacy(dataset, st.session_state[PLAN])


def show_outputs() -> None:
    run: PlanRun | None = st.session_state.get(PLAN)
    if run is None:
        return
    for method, message in run.outputs.notes.items():
        st.error(prose(f"{SAMPLERS[method].label} made no rows: {message}"))
    if run.outputs.results:
        st.success(
            "Generated: " + ", ".join(f"{r.label} ({int(r.generated.sum()):,} rows)" for r in run.outputs.results.values())
        )
        st.page_link("pages/compare.py", label="Next: compare the outputs", icon=":material/arrow_forward:")


def render() -> None:
    st.title("2 · Rebalance plan")
    dataset = current_dataset()
    column = choose_column(dataset)
    split = keep_fewer(holdout_split(dataset, column), column)
    describe_split(split)
    shares = choose_shares(split.train, column)
    mode = Mode(st.radio("Mode", [m.value for m in Mode], horizontal=True, format_func=MODE_TEXT.__getitem__, key=W_MODE))
    rows = None
    if mode is Mode.FULL:
        rows = int(
            st.number_input("Rows to generate", 1, MAX_OUTPUT_ROWS, min(len(split.train), MAX_OUTPUT_ROWS), step=1000, key=W_ROWS)
        )
    methods = choose_methods(mode)
    plan = show_plan(split.train, column, shares, mode, rows)
    if st.button("Generate", type="primary", disabled=not methods):
        forget_results()
        generate(dataset, split, plan, methods)
    show_outputs()


render()
