"""Step 5: what-if simulation: a new mix of one column, KPIs, saved scenarios, drift seeds."""

import time

import pandas as pd
import streamlit as st

from synth.data.io import UPLOAD_TYPES, parse_table
from synth.data.kinds import ColumnKind
from synth.errors import SynthError
from synth.figures import kpi_figure, mix_figure
from synth.report import build_report
from synth.table import value_counts
from synth.whatif.kpis import Aggregate, Kpi, compare_kpis, default_kpis, kpi_display
from synth.whatif.scenarios import SavedScenario, ScenarioStore, describe_settings, open_store, saved_on, side_by_side
from synth.whatif.simulation import Grouping, complete_rows, default_buckets, parse_buckets, simulate
from ui import cache
from ui.state import (
    LOADED_SCENARIO,
    STORE_NOTICES,
    W_COMPARE_SCENARIOS,
    W_DELETE_SCENARIO,
    W_GROUPS,
    W_KPIS,
    W_MIX,
    W_SCENARIO_NAME,
    W_SEED_UPLOAD,
    W_WHATIF_COLUMN,
    W_WHATIF_ROWS,
    W_WHATIF_SEED,
    WHATIF,
    Dataset,
    WhatIfRun,
    current_dataset,
    demo_dataset,
    progress_callback,
    scoped,
    set_dataset,
)
from ui.text import plain

# A what-if table is generated in memory; beyond this many rows it would crowd out other sessions.
MAX_WHATIF_ROWS = 2_000_000


def choose_grouping(dataset: Dataset, categorical: list[str], numeric: list[str]) -> tuple[str, Grouping]:
    """The column whose mix changes: its categories, or numeric groups the user edits."""
    loaded = st.session_state.get(LOADED_SCENARIO, {})
    column = st.selectbox("Column whose mix changes", categorical + numeric, key=scoped(W_WHATIF_COLUMN, dataset.fingerprint))
    if column not in numeric:
        return "", Grouping(column)
    default = default_buckets(dataset.table[column])
    if loaded.get("column") == column and loaded.get("groups"):
        default = loaded["groups"]
    text = st.text_input("Groups (ranges, ascending)", default, key=scoped(W_GROUPS, dataset.fingerprint, column))
    try:
        return text, parse_buckets(column, text)
    except SynthError as error:
        st.error(plain(error))
        st.stop()


def choose_mix(dataset: Dataset, grouping: Grouping, text: str) -> dict[str, float]:
    """Each group's share now and the new share the user sets, groups in ascending order."""
    counts = grouping.counts(dataset.table)
    total = sum(counts.values())
    start = pd.DataFrame(
        {"group": list(counts), "rows now": list(counts.values()), "share now": [n / total for n in counts.values()]}
    )
    start["new share"] = start["share now"].round(3)
    loaded = st.session_state.get(LOADED_SCENARIO, {})
    if loaded.get("column") == grouping.column:
        start["new share"] = [float(loaded["shares"].get(g, 0.0)) for g in counts]
    mix = st.data_editor(
        start,
        disabled=["group", "rows now", "share now"],
        hide_index=True,
        column_config={
            "share now": st.column_config.NumberColumn(format="percent"),
            "new share": st.column_config.NumberColumn(format="%.3f"),
        },
        key=scoped(W_MIX, dataset.fingerprint, grouping.column, text),
    )
    return dict(zip(mix["group"], mix["new share"].astype(float), strict=True))


def choose_kpis(dataset: Dataset, categorical: list[str], numeric: list[str]) -> list[Kpi]:
    st.subheader("KPIs")
    st.caption(
        "Add, edit or remove rows. Aggregates: "
        + ", ".join(a.value for a in Aggregate)
        + "; 'share' counts rows whose column equals the category."
    )
    table = dataset.table
    loaded = st.session_state.get(LOADED_SCENARIO, {}).get("kpis")
    start = loaded if loaded else [k.to_dict() for k in default_kpis(table, numeric, categorical)]
    kpi_rows = st.data_editor(
        pd.DataFrame(start),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "aggregate": st.column_config.SelectboxColumn("aggregate", options=[a.value for a in Aggregate], required=True),
            "column": st.column_config.SelectboxColumn("column", options=["", *table.columns]),
            "by": st.column_config.SelectboxColumn("per group of", options=["", *categorical]),
        },
        key=scoped(W_KPIS, dataset.fingerprint),
    )
    return [
        Kpi.from_dict({k: "" if pd.isna(v) else str(v) for k, v in row.items()})
        for row in kpi_rows.to_dict("records")
        if row.get("name")
    ]


def run_scenario(
    dataset: Dataset, grouping: Grouping, text: str, shares: dict[str, float], rows: int, seed: int, kpis: list[Kpi]
) -> None:
    """A fully synthetic table under the new mix, once per settings, and its KPIs."""
    bar = st.progress(0.0)
    settings = {
        "column": grouping.column,
        "groups": text,
        "shares": shares,
        "rows": rows,
        "seed": seed,
        "kpis": [k.to_dict() for k in kpis],
        "fingerprint": dataset.fingerprint,
    }
    key = ("whatif", *dataset.key, text, tuple(shares.items()), rows, seed, grouping.column)
    try:
        simulation = cache.cached(
            key,
            lambda: simulate(
                dataset.table, dataset.schema, grouping, shares, rows=rows, seed=seed, progress=progress_callback(bar)
            ),
        )
        kpi_table = compare_kpis(dataset.table, simulation.table, kpis)
    except SynthError as error:
        st.error(plain(error))
        return
    finally:
        bar.empty()
    st.session_state[WHATIF] = WhatIfRun(settings, simulation, kpi_table, dataset.name, key)


def show_result(run: WhatIfRun) -> None:
    st.subheader("Original vs scenario")
    st.dataframe(kpi_display(run.kpis), hide_index=True)
    left, right = st.columns(2)
    left.plotly_chart(mix_figure(run.simulation.mix_before, run.simulation.mix_after, run.settings["column"]))
    right.plotly_chart(
        kpi_figure(run.kpis.rename(columns={"scenario": "this scenario"})[["kpi", "group", "original", "this scenario"]])
    )
    with st.expander("Generated rows"):
        st.dataframe(run.simulation.table.head(200), hide_index=True)
        st.download_button(
            "Download the scenario table (CSV)",
            lambda: run.simulation.table.to_csv(index=False).encode(),
            "scenario.csv",
            "text/csv",
            on_click="ignore",
        )


def saved_scenarios(store: ScenarioStore, dataset: Dataset, run: WhatIfRun | None) -> None:
    """Save the current run; compare, reload, report or delete saved ones."""
    st.subheader("Saved scenarios")
    st.caption("Scenarios are kept on the server in the database its administrator configured (REBALANCE_STUDIO_DB).")
    if run is not None:
        left, right = st.columns([3, 1])
        name = left.text_input("Scenario name", key=W_SCENARIO_NAME)
        if right.button("Save scenario"):
            try:
                store.save(SavedScenario(name, run.dataset, run.settings, run.kpis, time.time()))
            except SynthError as error:
                st.error(plain(error))
            else:
                st.success(f"Saved {plain(name.strip())}.")
    saved = store.scenarios()
    if not saved:
        st.caption("No saved scenarios yet.")
        return
    names = [s.name for s in saved]
    chosen = st.multiselect("Compare", names, default=names[-2:], key=W_COMPARE_SCENARIOS)
    picked = [s for s in saved if s.name in chosen]
    if picked:
        table_side = side_by_side(picked)
        st.dataframe(table_side, hide_index=True)
        st.plotly_chart(kpi_figure(table_side), key="saved_kpis")
        for scenario in picked:
            left, right = st.columns([4, 1])
            left.text(f"{scenario.name} (on {scenario.dataset}): {describe_settings(scenario.settings)}")
            if saved_on(scenario, dataset.name, dataset.fingerprint) and right.button("Load", key=f"load_{scenario.name}"):
                load_scenario(dataset, scenario)
        datasets = sorted({s.dataset for s in picked})
        title = f"What-if scenarios on {', '.join(datasets)}"
        st.download_button(
            "Download these scenarios as a report (HTML)",
            lambda: build_report(None, picked, title=title).encode(),
            "what-if-report.html",
            "text/html",
            on_click="ignore",
        )
    doomed = st.selectbox("Delete a scenario", ["", *names], key=W_DELETE_SCENARIO)
    if doomed and st.button("Delete the chosen scenario"):
        store.delete(doomed)
        st.rerun()


def load_scenario(dataset: Dataset, scenario: SavedScenario) -> None:
    """Put a saved scenario's settings and KPIs back in place, as its run."""
    settings = scenario.settings
    for key in list(st.session_state):
        if key.startswith((W_WHATIF_COLUMN, W_GROUPS, W_MIX, W_KPIS)):
            del st.session_state[key]
    st.session_state[scoped(W_WHATIF_COLUMN, dataset.fingerprint)] = settings.get("column")
    st.session_state[scoped(W_WHATIF_ROWS, dataset.fingerprint)] = int(settings.get("rows", len(dataset.table)))
    st.session_state[W_WHATIF_SEED] = int(settings.get("seed", 0))
    st.session_state[LOADED_SCENARIO] = dict(settings, name=scenario.name)
    st.session_state.pop(WHATIF, None)
    st.rerun()


def seeded_generation(dataset: Dataset, seed: int) -> None:
    st.subheader("Seeded generation (drift simulation)")
    st.write(
        "Upload a table that fixes some columns (for example, a new distribution of the target); every other column is generated for each of its rows."
    )
    upload = st.file_uploader("Seed table", type=UPLOAD_TYPES, key=W_SEED_UPLOAD)
    if upload is None:
        return
    try:
        seeds = parse_table(upload.getvalue(), upload.name, min_columns=1)
        with st.spinner(f"Generating the other columns for {len(seeds):,} rows…"):
            completed = cache.cached(
                ("seeded", *dataset.key, upload.file_id, seed),
                lambda: complete_rows(dataset.table, dataset.schema, seeds, seed=seed),
            )
    except SynthError as error:
        st.error(f"{plain(upload.name)}: {plain(error)}")
        return
    st.dataframe(completed.head(200), hide_index=True)
    st.download_button(
        "Download the completed rows (CSV)",
        lambda: completed.to_csv(index=False).encode(),
        "seeded.csv",
        "text/csv",
        on_click="ignore",
    )


def open_scenarios() -> ScenarioStore | None:
    """The configured store; its notices stay for the whole session."""
    try:
        store = open_store()
    except SynthError as error:
        st.error(plain(error))
        return None
    notices = st.session_state.setdefault(STORE_NOTICES, [])
    if store.notice and store.notice not in notices:
        notices.append(store.notice)
    for notice in notices:
        st.warning(plain(notice))
    return store


def render() -> None:
    st.title("6 · What-if simulation")
    st.write(
        "Change the mix of one column (for example, towards younger customers) and generate a fully synthetic table "
        "in which every other column follows what the generator learned from the data."
    )
    if st.button("Use the insurance demo"):
        set_dataset(demo_dataset("insurance"))
        st.rerun()
    dataset = current_dataset()
    schema, table = dataset.schema, dataset.table
    categorical = [c for c in schema.names(ColumnKind.CATEGORICAL) if len(value_counts(table[c])) >= 2]
    numeric = schema.names(ColumnKind.NUMERIC)
    if not categorical + numeric:
        st.error("No categorical or numeric column to change the mix of.")
        st.stop()
    text, grouping = choose_grouping(dataset, categorical, numeric)
    shares = choose_mix(dataset, grouping, text)
    left, right = st.columns(2)
    rows = int(
        left.number_input(
            "Rows to generate",
            10,
            MAX_WHATIF_ROWS,
            min(max(len(table), 10), MAX_WHATIF_ROWS),
            step=1000,
            key=scoped(W_WHATIF_ROWS, dataset.fingerprint),
        )
    )
    seed = int(right.number_input("Seed", 0, 1_000_000, 0, key=W_WHATIF_SEED))
    kpis = choose_kpis(dataset, categorical, numeric)
    loaded = st.session_state.get(LOADED_SCENARIO)
    if loaded:
        st.info(f"Settings and KPIs of the saved scenario {plain(loaded.get('name', ''))} are loaded; run it to regenerate.")
    if st.button("Run scenario", type="primary"):
        run_scenario(dataset, grouping, text, shares, rows, seed, kpis)
    run = st.session_state.get(WHATIF)
    if run is not None:
        show_result(run)
    store = open_scenarios()
    if store is not None:
        saved_scenarios(store, dataset, run)
    seeded_generation(dataset, seed)


render()
