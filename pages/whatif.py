"""Step 6: what-if simulation: a new mix of one column, KPIs, saved scenarios, drift seeds."""

from functools import partial

import pandas as pd
import streamlit as st

from synth.data.io import UPLOAD_TYPES, parse_table
from synth.errors import SynthError
from synth.figures import PLOTLY_CONFIG, kpi_figure, mix_figure
from synth.labels import ORIGINAL, SCENARIO
from synth.rebalancing.plan import add_up, candidate_columns, normalise_rest
from synth.schema import ColumnKind
from synth.whatif.kpis import Aggregate, Kpi, compare_kpis, default_kpis, kpi_display
from synth.whatif.scenarios import ScenarioSettings
from synth.whatif.simulation import Grouping, complete_rows, default_buckets, parse_buckets, simulate
from ui import cache, scenario_store
from ui.session import restoring
from ui.settings import SeededRows, Simulation
from ui.shell import run_page
from ui.state import (
    CONFIRM_DEMO,
    LOADED_PENDING_RUN,
    LOADED_SCENARIO,
    MIX_CHOSEN,
    MIX_NORMALISED,
    MIX_READY,
    MIX_VERSION,
    W_GROUPS,
    W_KPIS,
    W_MIX,
    W_SEED_UPLOAD,
    W_WHATIF_COLUMN,
    W_WHATIF_ROWS,
    W_WHATIF_SEED,
    WHATIF,
    Dataset,
    WhatIfRun,
    current_dataset,
    demo_dataset,
    keep_rows,
    kept,
    kept_rows,
    progress_callback,
    scoped,
    set_dataset,
)
from ui.text import date_columns, file_name, plain, prose
from ui.widgets import share_editor

# A what-if table is generated in memory; beyond this many rows it would crowd out other sessions.
MAX_WHATIF_ROWS = 2_000_000


def offer_demo() -> None:
    """The insurance demo in one click; replacing an upload and its results asks first."""
    dataset = current_dataset()
    if not st.button("Use the insurance demo"):
        if st.session_state.get(CONFIRM_DEMO):
            st.warning(
                f"This replaces {plain(dataset.name)} ({len(dataset.table):,} rows) and every result made from it. Continue?"
            )
            yes, no = st.columns(2)
            if yes.button("Yes, use the insurance demo"):
                st.session_state.pop(CONFIRM_DEMO, None)
                set_dataset(demo_dataset("insurance"))
                st.rerun()
            if no.button("Keep my data"):
                st.session_state.pop(CONFIRM_DEMO, None)
                st.rerun()
        return
    if dataset.uploaded:
        st.session_state[CONFIRM_DEMO] = True
        st.rerun()
    set_dataset(demo_dataset("insurance"))
    st.rerun()


def loaded_id() -> str:
    """Which saved scenario was put back last ('' for none): editors start afresh from its values."""
    loaded = st.session_state.get(LOADED_SCENARIO)
    return "" if loaded is None else f"{loaded.name}@{loaded.created}"


def loaded_settings() -> ScenarioSettings:
    """The settings of the saved scenario put back on the page, or empty ones when none is."""
    loaded = st.session_state.get(LOADED_SCENARIO)
    return loaded.settings if loaded is not None else ScenarioSettings()


def choose_grouping(dataset: Dataset, categorical: list[str], numeric: list[str]) -> tuple[str, Grouping]:
    """The column whose mix changes: its categories, or numeric groups the user edits."""
    loaded = loaded_settings()
    options = categorical + numeric
    key = kept(scoped(W_WHATIF_COLUMN, dataset.fingerprint), options[0], options=options)
    column = st.selectbox("Column whose mix changes", options, key=key)
    if column not in numeric:
        return "", Grouping(column)
    default = default_buckets(dataset.table[column])
    if loaded.column == column and loaded.groups:
        default = loaded.groups
    text = st.text_input("Groups (ranges, ascending)", key=kept(scoped(W_GROUPS, dataset.fingerprint, column), default))
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
    key = scoped(W_MIX, dataset.fingerprint, grouping.column, text, version, loaded_id())
    mix = share_editor(counts, kept_rows(key, first), label="group", share="new share (%)", key=key)
    keep_rows(key, mix["new share (%)"].tolist())
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
    key = scoped(W_KPIS, dataset.fingerprint, loaded_id())  # a loaded scenario's KPIs start a fresh editor
    start = kept_rows(key, [k.to_dict() for k in loaded or default_kpis(table, numeric, categorical)], same_length=False)
    kpi_rows = st.data_editor(
        pd.DataFrame(start),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "aggregate": st.column_config.SelectboxColumn("aggregate", options=[a.value for a in Aggregate], required=True),
            "column": st.column_config.SelectboxColumn("column", options=["", *table.columns]),
            "by": st.column_config.SelectboxColumn("per group of", options=["", *categorical]),
        },
        key=key,
    )
    keep_rows(key, kpi_rows.to_dict("records"))
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
    made_of = Simulation(grouping.column, text, tuple(shares.items()), rows, random_state)
    try:
        mix = partial(simulate, dataset.table, schema=dataset.schema, grouping=grouping, progress=progress_callback(bar))
        simulation = cache.cached(
            "whatif", lambda: mix(shares=shares, rows=rows, random_state=random_state), data=dataset, settings=made_of, table=True
        )
        kpi_table = compare_kpis(dataset.table, simulation.table, kpis)
    except SynthError as error:
        st.error(prose(error))
        return
    finally:
        bar.empty()
    st.session_state[WHATIF] = WhatIfRun(settings, simulation, kpi_table, dataset.name)


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
                "seeded",
                lambda: complete_rows(dataset.table, seeds, schema=dataset.schema, random_state=random_state),
                data=dataset,
                settings=SeededRows(upload.file_id, random_state),
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


def render() -> None:
    st.title("6 · What-if simulation")
    st.write(
        "Change the mix of one column (for example, towards younger customers) and generate a fully synthetic table "
        "in which every other column follows what the generator learned from the data."
    )
    offer_demo()
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
    most = min(max(len(table), 10), MAX_WHATIF_ROWS)
    key = kept(scoped(W_WHATIF_ROWS, dataset.fingerprint), most, bounds=(10, MAX_WHATIF_ROWS))
    rows = int(left.number_input("Rows to generate", min_value=10, max_value=MAX_WHATIF_ROWS, step=1000, key=key))
    seed = int(right.number_input("Seed", min_value=0, max_value=1_000_000, key=kept(W_WHATIF_SEED, 0, bounds=(0, 1_000_000))))
    kpis = choose_kpis(dataset, categorical, numeric)
    loaded = st.session_state.get(LOADED_SCENARIO)
    if loaded:
        st.info(f"Settings and KPIs of the saved scenario {plain(loaded.name)} are loaded.")
    ready = add_up(shares)
    clicked = st.button("Run scenario", type="primary", disabled=not ready)
    made_again = restoring("whatif", Simulation(grouping.column, text, tuple(shares.items()), rows, seed))
    if ready and (clicked or made_again or (loaded and st.session_state.pop(LOADED_PENDING_RUN, False))):
        run_scenario(dataset, grouping, text, shares, rows, seed, kpis)
    run = current_run(dataset, grouping, (text, shares, rows, seed))
    if run is not None:
        show_result(run)
    store = scenario_store.open_scenarios()
    if store is not None:
        scenario_store.saved_scenarios(store, dataset, run)
    seeded_generation(dataset, seed)


run_page(render)
