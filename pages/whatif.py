"""Step 6: what-if simulation: a new mix of one column, KPIs, saved scenarios, drift seeds."""

import time
from functools import partial

import pandas as pd
import streamlit as st

from synth.data.io import UPLOAD_TYPES, parse_table
from synth.errors import SynthError
from synth.figures import PLOTLY_CONFIG, kpi_figure, mix_figure
from synth.labels import ORIGINAL, SCENARIO
from synth.rebalancing.plan import add_up, candidate_columns
from synth.report import build_report
from synth.schema import ColumnKind
from synth.whatif.kpis import Aggregate, Kpi, compare_kpis, default_kpis, kpi_display
from synth.whatif.scenarios import MAX_NAME, SavedScenario, ScenarioSettings, ScenarioStore, open_store, saved_on, scenarios_frame
from synth.whatif.simulation import Grouping, complete_rows, default_buckets, parse_buckets, simulate
from ui import cache
from ui.state import (
    CONFIRM_DELETE,
    CONFIRM_REPLACE,
    LOADED_PENDING_RUN,
    LOADED_SCENARIO,
    MIX_CHOSEN,
    MIX_NORMALISED,
    MIX_READY,
    MIX_VERSION,
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
    workspace,
)
from ui.text import date_columns, file_name, plain, prose
from ui.widgets import share_editor

# A what-if table is generated in memory; beyond this many rows it would crowd out other sessions.
MAX_WHATIF_ROWS = 2_000_000


def loaded_settings() -> ScenarioSettings:
    """The settings of the saved scenario put back on the page, or empty ones when none is."""
    loaded = st.session_state.get(LOADED_SCENARIO)
    return loaded.settings if loaded is not None else ScenarioSettings()


def choose_grouping(dataset: Dataset, categorical: list[str], numeric: list[str]) -> tuple[str, Grouping]:
    """The column whose mix changes: its categories, or numeric groups the user edits."""
    loaded = loaded_settings()
    column = st.selectbox("Column whose mix changes", categorical + numeric, key=scoped(W_WHATIF_COLUMN, dataset.fingerprint))
    if column not in numeric:
        return "", Grouping(column)
    default = default_buckets(dataset.table[column])
    if loaded.column == column and loaded.groups:
        default = loaded.groups
    text = st.text_input("Groups (ranges, ascending)", default, key=scoped(W_GROUPS, dataset.fingerprint, column))
    try:
        grouping = parse_buckets(column, text)
    except SynthError as error:
        st.error(prose(error))
        st.stop()
    for gap in grouping.gaps(dataset.table):
        st.warning(f"{gap}; these rows are left out of the scenario. Widen a range to include them.")
    return text, grouping


def choose_mix(dataset: Dataset, grouping: Grouping, text: str) -> dict[str, float]:
    """Each group's share now and the new share the user sets, with a running total (edits rerun this part only)."""
    mix_editor(dataset, grouping, text)
    return st.session_state.get(MIX_CHOSEN, {})


@st.fragment
def mix_editor(dataset: Dataset, grouping: Grouping, text: str) -> None:
    counts = grouping.counts(dataset.table)
    total = sum(counts.values())
    first = [100 * n / total for n in counts.values()]  # shown with one decimal, kept exact so an untouched mix adds up
    loaded = loaded_settings()
    if loaded.column == grouping.column:
        first = [100 * loaded.shares.get(g, 0.0) for g in counts]
    version = st.session_state.get(MIX_VERSION, 0)
    if st.session_state.get(MIX_NORMALISED, {}).get("key") == (grouping.column, text):
        first = [100 * st.session_state[MIX_NORMALISED]["shares"][g] for g in counts]
    key = scoped(W_MIX, dataset.fingerprint, grouping.column, text, version)
    mix = share_editor(counts, first, label="group", share="new share (%)", key=key)
    shares = dict(zip(mix["group"], mix["new share (%)"].fillna(0.0).astype(float) / 100, strict=True))
    st.session_state[MIX_CHOSEN] = shares
    added = sum(shares.values())
    ready = add_up(shares)
    if st.session_state.get(MIX_READY, True) != ready:  # the Run button outside this fragment must follow
        st.session_state[MIX_READY] = ready
        st.rerun()
    left, right = st.columns([3, 1])
    if ready:
        left.caption(f"The new shares add up to {added:.1%}.")
        return
    left.warning(f"The new shares add up to {added:.1%}; they must add up to 100% before the scenario can run.")
    changed = {g for g, given in zip(counts, first, strict=True) if abs(100 * shares[g] - given) > 1e-6}
    if right.button("Normalise the rest", help="Keep the shares you changed; scale the others so all add up to 100%."):
        st.session_state[MIX_NORMALISED] = {"key": (grouping.column, text), "shares": normalise_rest(shares, changed)}
        st.session_state[MIX_VERSION] = version + 1
        st.rerun()


def choose_kpis(dataset: Dataset, categorical: list[str], numeric: list[str]) -> list[Kpi]:
    st.subheader("KPIs")
    st.caption(
        "Add, edit or remove rows. Aggregates: "
        + ", ".join(a.value for a in Aggregate)
        + "; 'share' counts rows whose column equals the category."
    )
    table = dataset.table
    loaded = loaded_settings().kpis
    start = [k.to_dict() for k in loaded or default_kpis(table, numeric, categorical)]
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
    dataset: Dataset, grouping: Grouping, text: str, shares: dict[str, float], rows: int, random_state: int, kpis: list[Kpi]
) -> None:
    """A fully synthetic table under the new mix, once per settings, and its KPIs."""
    bar = st.progress(0.0)
    settings = ScenarioSettings(
        column=grouping.column,
        groups=text,
        shares=shares,
        rows=rows,
        random_state=random_state,
        kpis=tuple(kpis),
        fingerprint=dataset.fingerprint,
    )
    key = ("whatif", *dataset.key, text, tuple(shares.items()), rows, random_state, grouping.column)
    try:
        mix = partial(simulate, dataset.table, schema=dataset.schema, grouping=grouping, progress=progress_callback(bar))
        simulation = cache.cached(key, lambda: mix(shares=shares, rows=rows, random_state=random_state), table=True)
        kpi_table = compare_kpis(dataset.table, simulation.table, kpis)
    except SynthError as error:
        st.error(prose(error))
        return
    finally:
        bar.empty()
    st.session_state[WHATIF] = WhatIfRun(settings, simulation, kpi_table, dataset.name)


def normalise_rest(shares: dict[str, float], changed: set[str]) -> dict[str, float]:
    """The changed shares as set; the others scaled to fill what is left (all scaled if nothing else is left)."""
    fixed = sum(shares[g] for g in changed)
    rest = {g: v for g, v in shares.items() if g not in changed}
    room, weight = 1.0 - fixed, sum(rest.values())
    if not changed or room < 0 or weight <= 0:
        total = sum(shares.values())
        return {g: v / total for g, v in shares.items()} if total > 0 else shares
    return {g: (v * room / weight if g in rest else v) for g, v in shares.items()}


def current_run(dataset: Dataset, grouping: Grouping, chosen: tuple) -> WhatIfRun | None:
    """The last run if it is about the column on screen; a run about another column is not shown."""
    run = st.session_state.get(WHATIF)
    if run is None or (run.settings.column, run.settings.fingerprint) != (grouping.column, dataset.fingerprint):
        return None
    settings = run.settings
    if (settings.groups, settings.shares, settings.rows, settings.random_state) != chosen:
        st.caption("The settings above changed since this run; run the scenario again to update it.")
    return run


def show_result(run: WhatIfRun) -> None:
    st.subheader("Original vs scenario")
    st.dataframe(kpi_display(run.kpis), hide_index=True)
    left, right = st.columns(2)
    left.plotly_chart(
        mix_figure(run.simulation.mix_before, run.simulation.mix_after, str(run.settings.column)), config=PLOTLY_CONFIG
    )
    right.plotly_chart(
        kpi_figure(run.kpis.rename(columns={SCENARIO: "this scenario"})[["kpi", "group", ORIGINAL, "this scenario"]]),
        config=PLOTLY_CONFIG,
    )
    with st.expander("Generated rows"):
        st.dataframe(run.simulation.table.head(200), hide_index=True, column_config=date_columns(run.simulation.table.head(200)))
        st.download_button(
            "Download the scenario table (CSV)",
            lambda: run.simulation.table.to_csv(index=False).encode(),
            file_name("scenario", run.dataset, ".csv"),
            "text/csv",
            on_click="ignore",
        )


def saved_scenarios(store: ScenarioStore, dataset: Dataset, run: WhatIfRun | None) -> None:
    """Save the current run; compare, reload, report or delete saved ones."""
    st.subheader("Saved scenarios")
    st.caption(
        f"Scenarios saved here belong to this page's workspace ({store.workspace}, the 'workspace' part of the link). "
        "Only people with this link can see, load or delete them; keep the link to find them again after a restart."
    )
    if run is not None:
        save_scenario(store, run)
    every = store.scenarios()
    saved = [s for s in every if saved_on(s, dataset.name, dataset.fingerprint)]
    if len(saved) < len(every):
        st.caption(
            f"{len(every) - len(saved)} scenario(s) of this workspace were saved on other data; they are compared "
            "on their own data only (load that data to see them)."
        )
    if not saved:
        st.caption("No saved scenarios on this data yet.")
        if every:
            delete_with_confirmation(store, [s.name for s in every])
        return
    names = [s.name for s in saved]
    if W_COMPARE_SCENARIOS not in st.session_state:  # a default beside a session value makes Streamlit warn
        st.session_state[W_COMPARE_SCENARIOS] = names[-2:]
    st.session_state[W_COMPARE_SCENARIOS] = [n for n in st.session_state[W_COMPARE_SCENARIOS] if n in names]
    chosen = st.multiselect("Compare", names, key=W_COMPARE_SCENARIOS)
    picked = [s for s in saved if s.name in chosen]
    if picked:
        table_side = scenarios_frame(picked)
        st.dataframe(table_side, hide_index=True)
        st.plotly_chart(kpi_figure(table_side), key="saved_kpis", config=PLOTLY_CONFIG)
        for scenario in picked:
            left, right = st.columns([4, 1])
            left.text(f"{scenario.name} (on {scenario.dataset}): {scenario.settings.describe()}")
            right.button("Load", key=f"load_{scenario.name}", on_click=load_scenario, args=(dataset, scenario))
        st.download_button(
            "Download these scenarios as a report (HTML)",
            lambda: build_report(None, picked, title=f"What-if scenarios on {dataset.name}").encode(),
            file_name("what-if-report", dataset.name),
            "text/html",
            on_click="ignore",
        )
    delete_with_confirmation(store, [s.name for s in every])


def save_scenario(store: ScenarioStore, run: WhatIfRun) -> None:
    """Save under a new name; an existing name is replaced only after a second, explicit click."""
    left, right = st.columns([3, 1])
    name = left.text_input("Scenario name", key=W_SCENARIO_NAME, max_chars=MAX_NAME).strip()
    if right.button("Save scenario"):
        if name and name in store.names():
            st.session_state[CONFIRM_REPLACE] = name
        else:
            store_scenario(store, run, name, replace=False)
    if not name or st.session_state.get(CONFIRM_REPLACE) != name:
        return
    st.warning(f"A scenario named {plain(name)} exists already in this workspace. Replace it?")
    yes, no = st.columns(2)
    if yes.button("Replace it"):
        st.session_state.pop(CONFIRM_REPLACE, None)
        store_scenario(store, run, name, replace=True)
    elif no.button("Keep the saved one"):
        st.session_state.pop(CONFIRM_REPLACE, None)
        st.rerun()


def store_scenario(store: ScenarioStore, run: WhatIfRun, name: str, replace: bool) -> None:
    try:
        store.save(SavedScenario(name, run.dataset, run.settings, run.kpis, time.time()), replace=replace)
    except SynthError as error:
        st.error(prose(error))
        return
    st.success(f"Saved {plain(name)}.")
    shown = st.session_state.get(W_COMPARE_SCENARIOS)
    if shown is not None and name not in shown:
        st.session_state[W_COMPARE_SCENARIOS] = [*shown, name]


def delete_with_confirmation(store: ScenarioStore, names: list[str]) -> None:
    """Deleting cannot be undone, so it takes a second, explicit click."""
    doomed = st.selectbox("Delete a scenario", ["", *names], key=W_DELETE_SCENARIO)
    if doomed and st.button("Delete the chosen scenario"):
        st.session_state[CONFIRM_DELETE] = doomed
    if not doomed or st.session_state.get(CONFIRM_DELETE) != doomed:
        return
    st.warning(f"Delete the scenario {plain(doomed)} for good? This cannot be undone.")
    yes, no = st.columns(2)
    if yes.button("Yes, delete it"):
        store.delete(doomed)
        st.session_state.pop(CONFIRM_DELETE, None)
        st.toast(prose(f"Deleted {doomed}."))
        st.rerun()
    if no.button("Keep it"):
        st.session_state.pop(CONFIRM_DELETE, None)
        st.rerun()


def load_scenario(dataset: Dataset, scenario: SavedScenario) -> None:
    """Put a saved scenario's settings and KPIs back in place and rerun it (a button callback).

    Widget values may only be set before their widgets are drawn, which is when callbacks run.
    """
    settings = scenario.settings
    for key in list(st.session_state):
        if key.startswith((W_WHATIF_COLUMN, W_GROUPS, W_MIX, W_KPIS)):
            del st.session_state[key]
    st.session_state[scoped(W_WHATIF_COLUMN, dataset.fingerprint)] = settings.column
    st.session_state[scoped(W_WHATIF_ROWS, dataset.fingerprint)] = len(dataset.table) if settings.rows is None else settings.rows
    st.session_state[W_WHATIF_SEED] = settings.random_state
    st.session_state[LOADED_SCENARIO] = scenario
    st.session_state[LOADED_PENDING_RUN] = True
    st.session_state.pop(MIX_NORMALISED, None)
    st.session_state.pop(WHATIF, None)


def seeded_generation(dataset: Dataset, random_state: int) -> None:
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
                ("seeded", *dataset.key, upload.file_id, random_state),
                lambda: complete_rows(dataset.table, seeds, schema=dataset.schema, random_state=random_state),
                table=True,
            )
    except SynthError as error:
        st.error(prose(f"{upload.name}: {error}"))
        return
    st.dataframe(completed.head(200), hide_index=True, column_config=date_columns(completed.head(200)))
    st.download_button(
        "Download the completed rows (CSV)",
        lambda: completed.to_csv(index=False).encode(),
        file_name("seeded", dataset.name, ".csv"),
        "text/csv",
        on_click="ignore",
    )


def open_scenarios() -> ScenarioStore | None:
    """The configured store; its notices stay for the whole session."""
    try:
        store = open_store(workspace())
    except SynthError as error:
        st.error(prose(error))
        return None
    notices = st.session_state.setdefault(STORE_NOTICES, [])
    if store.notice and store.notice not in notices:
        notices.append(store.notice)
    for notice in notices:
        st.warning(prose(notice))
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
    categorical = candidate_columns(table, schema)
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
        st.info(f"Settings and KPIs of the saved scenario {plain(loaded.name)} are loaded.")
    ready = add_up(shares)
    clicked = st.button("Run scenario", type="primary", disabled=not ready)
    if ready and (clicked or (loaded and st.session_state.pop(LOADED_PENDING_RUN, False))):
        run_scenario(dataset, grouping, text, shares, rows, seed, kpis)
    run = current_run(dataset, grouping, (text, shares, rows, seed))
    if run is not None:
        show_result(run)
    store = open_scenarios()
    if store is not None:
        saved_scenarios(store, dataset, run)
    seeded_generation(dataset, seed)


render()
