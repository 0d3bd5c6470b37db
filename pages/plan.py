"""Step 2: choose the column, its target shares and the methods; generate every output."""

import pandas as pd
import streamlit as st

from synth.data.holdout import choose_holdout
from synth.data.kinds import ColumnKind
from synth.figures import plan_figure
from synth.rebalancing.plan import Mode, equal_shares, make_plan, value_counts
from synth.rebalancing.run import rebalance
from synth.rebalancing.samplers import SAMPLERS
from ui.state import DATASET, FAILURES, PLAN, RESULTS, PlanChoice, cached, forget_results, progress_callback

st.title("2 · Rebalance plan")
dataset = st.session_state[DATASET]
table, schema = dataset.table, dataset.schema

candidates = [c for c in schema.names(ColumnKind.CATEGORICAL) if len(value_counts(table[c])) >= 2]
if not candidates:
    st.error("No categorical column with at least two values. Mark the column to rebalance as categorical on the Data step.")
    st.page_link("pages/data.py", label="Back to Data", icon=":material/arrow_back:")
    st.stop()


def _rarity(name: str) -> tuple[bool, float]:
    """Columns whose rarest value has at least two rows first, then the most imbalanced."""
    smallest = min(value_counts(table[name]).values())
    return smallest < 2, smallest / len(table)


rarest_first = min(candidates, key=_rarity)
default = dataset.column_hint if dataset.column_hint in candidates else rarest_first
column = st.selectbox("Column to rebalance", candidates, index=candidates.index(default), key=f"column_{dataset.fingerprint}")

try:
    split = cached(
        ("split", dataset.fingerprint, column, dataset.holdout_share, dataset.holdout_label),
        lambda: choose_holdout(table, column, dataset.holdout_file, dataset.holdout_share, dataset.holdout_label),
    )
    train, holdout, holdout_note = split.train, split.holdout, split.description
except ValueError as error:
    st.error(str(error))
    st.stop()
st.info(f"Holdout: {holdout_note}. Methods learn from the other {len(train):,} rows only.", icon=":material/lock:")

counts = value_counts(train[column])
rarest = min(counts, key=counts.__getitem__)
if len(counts) == 2:
    share = st.slider(f"Share of {rarest!r} after rebalancing", 0.01, 0.99, 0.5, 0.01, format="%.2f", key=f"share_{column}")
    shares = {rarest: share}
else:
    st.write("Target share of every value (they must add up to 1):")
    start = pd.DataFrame(
        {"value": list(counts), "rows now": list(counts.values()), "target share": list(equal_shares(counts).values())}
    )
    edited = st.data_editor(start, disabled=["value", "rows now"], hide_index=True, key=f"shares_{column}")
    shares = dict(zip(edited["value"], edited["target share"].astype(float), strict=True))

mode = Mode(
    st.radio(
        "Mode",
        [m.value for m in Mode],
        horizontal=True,
        format_func=lambda m: {
            "hybrid": "Hybrid: keep every real row, add the fewest rows that meet the shares",
            "full": "Fully synthetic: generate N rows with exactly these shares",
        }[m],
        key="mode",
    )
)
rows = int(st.number_input("Rows to generate", 10, 5_000_000, len(train), step=1000)) if mode is Mode.FULL else None
available = [name for name, cls in SAMPLERS.items() if mode is Mode.HYBRID or cls.supports_full]
methods = st.multiselect(
    "Methods",
    available,
    default=[m for m in ("naive", "smote", "synthetic") if m in available],
    format_func=lambda m: SAMPLERS[m].label,
    key=f"methods_{mode}",
)
guard = 0.0
if "synthetic" in methods:
    guard = st.slider(
        "Privacy guard for synthetic rows",
        0.0,
        0.5,
        0.0,
        0.05,
        help="Regenerate synthetic rows that come nearer to a real record than this share of real records come to "
        "each other. 0 refuses exact copies only; 0.3 makes generated rows about as far from real ones as fresh "
        "records are, at a small cost in accuracy.",
        key="privacy_guard",
    )
with st.expander("What each method does"):
    for name in available:
        st.markdown(f"**{SAMPLERS[name].label}**: {SAMPLERS[name].description}")

try:
    plan = make_plan(train[column], shares, mode, rows)
except ValueError as error:
    st.error(str(error))
    st.stop()
st.dataframe(plan.to_frame().style.format({"share now": "{:.1%}", "share after": "{:.1%}"}), hide_index=True)
st.plotly_chart(plan_figure(plan))

if st.button("Generate", type="primary", disabled=not methods):
    forget_results()
    results, failures = {}, {}
    for method in methods:
        with st.status(f"{SAMPLERS[method].label}…", expanded=True) as status:
            bar = st.progress(0.0)
            method_guard = guard if method == "synthetic" else 0.0
            key = (
                "rebalance",
                dataset.fingerprint,
                hash(schema),
                column,
                tuple(sorted(shares.items())),
                mode,
                rows,
                method,
                method_guard,
            )
            try:
                results[method] = cached(
                    key,
                    lambda m=method, bar=bar, g=method_guard: rebalance(
                        train,
                        column,
                        shares,
                        method=m,
                        mode=mode,
                        rows=rows,
                        schema=schema,
                        progress=progress_callback(bar),
                        privacy_guard=g,
                    ),
                )
            except ValueError as error:
                failures[method] = str(error)
                status.update(label=f"{SAMPLERS[method].label}: failed", state="error")
                st.error(str(error))
            else:
                status.update(
                    label=f"{SAMPLERS[method].label}: {int(results[method].generated.sum()):,} rows in {results[method].seconds:.1f} s",
                    state="complete",
                    expanded=False,
                )
    st.session_state[PLAN] = PlanChoice(
        column, tuple(shares.items()), str(mode), rows, tuple(methods), guard, plan, train, holdout, holdout_note
    )
    st.session_state[RESULTS] = results
    st.session_state[FAILURES] = failures

if st.session_state.get(RESULTS):
    st.success(
        "Generated: "
        + ", ".join(f"{SAMPLERS[m].label} ({int(r.generated.sum()):,} rows)" for m, r in st.session_state[RESULTS].items())
    )
    st.page_link("pages/compare.py", label="Next: compare the outputs", icon=":material/arrow_forward:")
