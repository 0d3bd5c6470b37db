"""Step 5: what-if simulation: a new mix of one column, KPIs, saved scenarios, drift seeds."""

import time

import pandas as pd
import streamlit as st

from synth.data.io import parse_table
from synth.data.kinds import ColumnKind
from synth.figures import kpi_figure, mix_figure
from synth.rebalancing.plan import value_counts
from synth.report import build_report
from synth.whatif.kpis import Aggregate, Kpi, compare_kpis, default_kpis
from synth.whatif.scenarios import SavedScenario, ScenarioStore, default_store_path, side_by_side
from synth.whatif.simulation import Grouping, complete_rows, default_buckets, parse_buckets, simulate
from ui.state import DATASET, WHATIF, demo_dataset, forget_data, progress_callback

st.title("5 · What-if simulation")
st.write(
    "Change the mix of one column (for example, towards younger customers) and generate a fully synthetic table "
    "in which every other column follows what the generator learned from the data."
)
if st.button("Use the insurance demo"):
    forget_data()
    st.session_state[DATASET] = demo_dataset("insurance")
    st.rerun()

dataset = st.session_state[DATASET]
table, schema = dataset.table, dataset.schema
categorical = [c for c in schema.names(ColumnKind.CATEGORICAL) if len(value_counts(table[c])) >= 2]
numeric = schema.names(ColumnKind.NUMERIC)
choices = categorical + numeric
if not choices:
    st.error("No categorical or numeric column to change the mix of.")
    st.stop()
column = st.selectbox("Column whose mix changes", choices, key=f"whatif_column_{dataset.fingerprint}")
try:
    if column in numeric:
        text = st.text_input(
            "Groups (ranges, ascending)", default_buckets(table[column]), key=f"groups_{dataset.fingerprint}_{column}"
        )
        grouping = parse_buckets(column, text)
    else:
        text, grouping = "", Grouping(column)
except ValueError as error:
    st.error(str(error))
    st.stop()

counts = value_counts(grouping.assign(table))
total = sum(counts.values())
start = pd.DataFrame(
    {"group": list(counts), "rows now": list(counts.values()), "share now": [n / total for n in counts.values()]}
)
start["new share"] = start["share now"].round(3)
mix = st.data_editor(
    start, disabled=["group", "rows now", "share now"], hide_index=True, key=f"mix_{dataset.fingerprint}_{column}_{text}"
)
shares = dict(zip(mix["group"], mix["new share"].astype(float), strict=True))
left, right = st.columns(2)
rows = int(left.number_input("Rows to generate", 10, 2_000_000, len(table), step=1000, key=f"whatif_rows_{dataset.fingerprint}"))
seed = int(right.number_input("Seed", 0, 1_000_000, 0, key="whatif_seed"))

st.subheader("KPIs")
st.caption(
    "Add, edit or remove rows. Aggregates: "
    + ", ".join(a.value for a in Aggregate)
    + "; 'share' counts rows whose column equals the category."
)
kpi_start = pd.DataFrame([k.to_dict() for k in default_kpis(table, numeric, categorical)])
kpi_rows = st.data_editor(
    kpi_start,
    num_rows="dynamic",
    hide_index=True,
    column_config={
        "aggregate": st.column_config.SelectboxColumn("aggregate", options=[a.value for a in Aggregate], required=True),
        "column": st.column_config.SelectboxColumn("column", options=["", *table.columns]),
        "by": st.column_config.SelectboxColumn("per group of", options=["", *categorical]),
    },
    key=f"kpis_{dataset.fingerprint}",
)
kpis = [
    Kpi.from_dict({k: "" if pd.isna(v) else str(v) for k, v in row.items()})
    for row in kpi_rows.to_dict("records")
    if row.get("name")
]

if st.button("Run scenario", type="primary"):
    bar = st.progress(0.0)
    try:
        simulation = simulate(table, schema, grouping, shares, rows=rows, seed=seed, progress=progress_callback(bar))
        kpi_table = compare_kpis(table, simulation.table, kpis)
    except ValueError as error:
        st.error(str(error))
    else:
        settings = {
            "column": column,
            "groups": text,
            "shares": shares,
            "rows": rows,
            "seed": seed,
            "kpis": [k.to_dict() for k in kpis],
        }
        st.session_state[WHATIF] = {"settings": settings, "simulation": simulation, "kpis": kpi_table, "dataset": dataset.name}

result = st.session_state.get(WHATIF)
if result is not None:
    simulation, kpi_table = result["simulation"], result["kpis"]
    st.subheader("Original vs scenario")
    st.dataframe(
        kpi_table.style.format({"original": "{:,.3f}", "scenario": "{:,.3f}", "delta": "{:+,.3f}", "delta %": "{:+.1%}"}),
        hide_index=True,
    )
    left, right = st.columns(2)
    left.plotly_chart(mix_figure(simulation.mix_before, simulation.mix_after, result["settings"]["column"]))
    right.plotly_chart(
        kpi_figure(kpi_table.rename(columns={"scenario": "this scenario"})[["kpi", "group", "original", "this scenario"]])
    )
    with st.expander("Generated rows"):
        st.dataframe(simulation.table.head(200), hide_index=True)
        st.download_button(
            "Download the scenario table (CSV)", simulation.table.to_csv(index=False).encode(), "scenario.csv", "text/csv"
        )

st.subheader("Saved scenarios")
with st.expander("Where scenarios are stored"):
    path = st.text_input("SQLite database file", str(default_store_path()), key="scenario_db")
try:
    store = ScenarioStore(path)
except ValueError as error:
    st.error(str(error))
    st.stop()
notices = st.session_state.setdefault("store_notices", {})  # shown for the whole session, not one rerun
if store.notice:
    notices[path] = store.notice
if path in notices:
    st.warning(notices[path])
if result is not None:
    left, right = st.columns([3, 1])
    name = left.text_input("Scenario name", key="scenario_name")
    if right.button("Save scenario"):
        try:
            store.save(SavedScenario(name, result["dataset"], result["settings"], result["kpis"], time.time()))
        except ValueError as error:
            st.error(str(error))
        else:
            st.success(f"Saved {name.strip()!r}.")
saved = store.scenarios()
if not saved:
    st.caption("No saved scenarios yet.")
else:
    names = [s.name for s in saved]
    chosen = st.multiselect("Compare", names, default=names[-2:], key="compare_scenarios")
    picked = [s for s in saved if s.name in chosen]
    if picked:
        table_side = side_by_side(picked)
        st.dataframe(table_side, hide_index=True)
        st.plotly_chart(kpi_figure(table_side), key="saved_kpis")
        for scenario in picked:
            st.caption(
                f"**{scenario.name}** on {scenario.dataset}: {scenario.settings['column']} → {scenario.settings['shares']}"
            )
    if picked:
        st.download_button(
            "Download these scenarios as a report (HTML)",
            build_report(None, picked, title=f"What-if scenarios on {dataset.name}").encode(),
            "what-if-report.html",
            "text/html",
        )
    doomed = st.selectbox("Delete a scenario", ["", *names], key="delete_scenario")
    if doomed and st.button(f"Delete {doomed!r}"):
        store.delete(doomed)
        st.rerun()

st.subheader("Seeded generation (drift simulation)")
st.write(
    "Upload a table that fixes some columns (for example, a new distribution of the target); every other column is generated for each of its rows."
)
seeds_upload = st.file_uploader("Seed table", type=["csv", "txt", "tsv", "parquet", "pq"], key="seed_upload")
if seeds_upload is not None:
    try:
        seeds = parse_table(seeds_upload.getvalue(), seeds_upload.name, min_columns=1)
        completed = complete_rows(table, schema, seeds, seed=seed)
    except ValueError as error:
        st.error(str(error))
    else:
        st.dataframe(completed.head(200), hide_index=True)
        st.download_button("Download the completed rows (CSV)", completed.to_csv(index=False).encode(), "seeded.csv", "text/csv")
