"""Step 2: choose the column, its target shares and the methods; generate every output."""

import pandas as pd
import streamlit as st

from synth.data.holdout import Split
from synth.errors import SynthError
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
from synth.rebalancing.samplers import DEFAULT_METHODS, SAMPLERS
from synth.table import rarest_value, value_counts
from ui import cache
from ui.session import restoring
from ui.settings import PlanSettings
from ui.shell import run_page
from ui.state import (
    PLAN,
    PLAN_CHOICE,
    W_ADD_ROWS,
    W_COLUMN,
    W_GROW_SHARES,
    W_KEEP_ROWS,
    W_METHODS,
    W_MODE,
    W_ROWS,
    W_SHARE,
    W_SHARES,
    Dataset,
    PlanRun,
    current_dataset,
    forget_results,
    keep_rows,
    kept,
    kept_rows,
    scoped,
)
from ui.steps import generate, kept_rare_rows
from ui.text import plain, prose
from ui.widgets import holdout_split, share_editor

MODE_TEXT = {
    "hybrid": "Hybrid: keep every real row, add the fewest rows that meet the shares",
    "full": "Fully synthetic: generate N rows with exactly these shares",
    "grow": "Grow: keep every real row, add N synthetic rows of every value",
}


def choose_column(dataset: Dataset) -> str:
    candidates = cache.cached("candidates", lambda: candidate_columns(dataset.table, dataset.schema), data=dataset)
    if not candidates:
        st.error("No categorical column with at least two values. Mark the column to rebalance as categorical on the Data step.")
        st.page_link("pages/data.py", label="Back to Data", icon=":material/arrow_back:")
        st.stop()
    default = cache.cached("suggestion", lambda: suggest_column(dataset.table, dataset.schema, dataset.column_hint), data=dataset)
    key = kept(scoped(W_COLUMN, dataset.fingerprint), default, options=candidates)
    return st.selectbox("Column to rebalance", candidates, key=key)


def describe_split(split: Split) -> None:
    """Where the holdout comes from and how many rows the methods learn from, after any rows were left out."""
    st.info(
        prose(f"Holdout: {split.description}. Methods learn from {len(split.train):,} training rows only."),
        icon=":material/lock:",
    )


def keep_fewer(split: Split, column: str) -> tuple[Split, int]:
    """Optionally keep only N rows of the rarest value in training, to see the methods at extreme imbalance."""
    counts = value_counts(split.train[column])
    rarest = rarest_value(counts)
    rows = int(
        st.number_input(
            f"Keep only this many {plain(rarest)} training rows (0 keeps all {counts[rarest]:,})",
            min_value=0,
            max_value=counts[rarest],
            step=5,
            key=kept(scoped(W_KEEP_ROWS, column), 0, bounds=(0, counts[rarest])),
            help="Extreme imbalance (say 25 rows) is where the methods differ most. The holdout keeps its natural rate.",
        )
    )
    return kept_rare_rows(split, column, rows), rows


def choose_shares(train: pd.DataFrame, column: str) -> dict[str, float]:
    """A slider for a binary column, an editable table of shares otherwise."""
    counts = value_counts(train[column])
    advice = rarity_advice(counts)
    if advice:
        st.warning(prose(advice), icon=":material/info:")
    if len(counts) == 2:
        rarest = rarest_value(counts)
        label = f"Share of {plain(rarest)} after rebalancing (%)"
        key = kept(scoped(W_SHARE, column), 50, bounds=(1, 99))
        return {rarest: st.slider(label, 1, 99, step=1, format="%d%%", key=key) / 100}
    st.write("Target share of every value, in % (they must add up to 100):")
    equal = [100 * v for v in equal_shares(counts).values()]
    key = scoped(W_SHARES, column)
    edited = share_editor(counts, kept_rows(key, equal), label="value", share="target share (%)", key=key)
    keep_rows(key, edited["target share (%)"].tolist())
    return dict(zip(edited["value"], edited["target share (%)"].astype(float) / 100, strict=True))


def choose_growth(train: pd.DataFrame, column: str) -> tuple[int, dict[str, float]]:
    """How many rows to add to a scarce table, and the shares: today's, unless the user sets them."""
    most = MAX_OUTPUT_ROWS - len(train)
    key = kept(scoped(W_ADD_ROWS, column), min(len(train), most), bounds=(1, most))
    rows = int(
        st.number_input(
            "Rows to add (synthetic rows of every value)",
            min_value=1,
            max_value=most,
            step=100,
            key=key,
            help=f"{len(train):,} real training rows: adding as many doubles the table. Evaluate then compares the real rows "
            "alone with real + synthetic on the real holdout.",
        )
    )
    if not st.checkbox("Set the shares too (otherwise the added rows keep today's shares)", key=kept(W_GROW_SHARES, False)):
        return rows, {}
    return rows, choose_shares(train, column)


def choose_methods(mode: Mode) -> list[str]:
    """Every method the mode allows, each a visible checkbox; each runs with its declared defaults."""
    available = [name for name, cls in SAMPLERS.items() if mode is not Mode.FULL or cls.supports_full]
    st.write("Methods")
    columns = st.columns(len(available))
    methods = [
        name
        for column, name in zip(columns, available, strict=True)
        if column.checkbox(SAMPLERS[name].label, key=kept(scoped(W_METHODS, mode, name), name in DEFAULT_METHODS))
    ]
    with st.expander("What each method does"):
        for name in available:
            st.markdown(f"**{SAMPLERS[name].label}**: {SAMPLERS[name].description}")
    return methods


def show_plan(train: pd.DataFrame, column: str, shares: dict[str, float], mode: Mode, rows: int | None) -> RebalancePlan:
    try:
        plan = make_plan(train[column], shares, mode=mode, rows=rows)
    except SynthError as error:
        st.error(prose(error))
        st.stop()
    frame = plan.to_frame()
    counts = {c: "{:,}" for c in frame.columns if c.startswith("rows")}
    st.dataframe(frame.style.format({"share now": "{:.1%}", "share after": "{:.1%}", **counts}), hide_index=True)
    st.plotly_chart(plan_figure(plan), config=PLOTLY_CONFIG)
    return plan


def show_outputs(settings: PlanSettings) -> None:
    """The outputs of the last Generate, as current only when they were made for the choices above."""
    run: PlanRun | None = st.session_state.get(PLAN)
    if run is None:
        return
    if run.settings != settings:
        st.warning(
            f"The outputs kept from the last Generate are for {run.settings.describe()}. They are not shown as current: "
            f"{settings.differences(run.settings)} changed since. Generate again for these choices.",
            icon=":material/history:",
        )
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
    split, keep_rows_count = keep_fewer(holdout_split(dataset, column), column)
    describe_split(split)
    modes = [m.value for m in Mode]
    mode = Mode(
        st.radio("Mode", modes, horizontal=True, format_func=MODE_TEXT.__getitem__, key=kept(W_MODE, "hybrid", options=modes))
    )
    rows = None
    if mode is Mode.FULL:
        most = min(len(split.train), MAX_OUTPUT_ROWS)
        key = kept(W_ROWS, most, bounds=(1, MAX_OUTPUT_ROWS))
        rows = int(st.number_input("Rows to generate", min_value=1, max_value=MAX_OUTPUT_ROWS, step=1000, key=key))
    if mode is Mode.GROW:
        rows, shares = choose_growth(split.train, column)
    else:
        shares = choose_shares(split.train, column)
    methods = choose_methods(mode)
    plan = show_plan(split.train, column, shares, mode, rows)
    settings = PlanSettings(column, keep_rows_count, tuple(shares.items()), mode.value, rows, tuple(methods))
    st.session_state[PLAN_CHOICE] = settings
    if st.button("Generate", type="primary", disabled=not methods) or (methods and restoring("plan", settings)):
        forget_results()
        generate(dataset, split, plan, settings)
    show_outputs(settings)


run_page(render)
