"""The What-if page's saved scenarios: save (asking before replacing), compare, load back, report and delete.

The scenarios live in this visitor's workspace of ``synth.whatif.scenarios.ScenarioStore``; this module only
draws the store and hands choices to it.
"""

from __future__ import annotations

import time

import streamlit as st

from synth.errors import SynthError
from synth.figures import PLOTLY_CONFIG, kpi_figure
from synth.report import build_report
from synth.whatif.kpis import scenarios_display
from synth.whatif.scenarios import MAX_NAME, SavedScenario, ScenarioStore, open_store, saved_on, scenarios_frame
from ui.state import (
    CONFIRM_DELETE,
    CONFIRM_REPLACE,
    LOADED_PENDING_RUN,
    LOADED_SCENARIO,
    MIX_NORMALISED,
    STORE_DONE,
    STORE_NOTICES,
    W_COMPARE_SCENARIOS,
    W_DELETE_SCENARIO,
    W_GROUPS,
    W_KPIS,
    W_MIX,
    W_SCENARIO_NAME,
    W_WHATIF_COLUMN,
    W_WHATIF_ROWS,
    W_WHATIF_SEED,
    WHATIF,
    Dataset,
    WhatIfRun,
    scoped,
    workspace,
)
from ui.text import file_name, plain, prose


def saved_scenarios(store: ScenarioStore, dataset: Dataset, run: WhatIfRun | None) -> None:
    """Save the current run; compare, reload, report or delete saved ones."""
    st.subheader("Saved scenarios")
    st.caption(
        f"Scenarios saved here belong to this page's workspace ({store.workspace}, the 'workspace' part of the link). "
        "Only people with this link can see, load or delete them; keep the link to find them again after a restart."
    )
    done = st.session_state.pop(STORE_DONE, None)
    if done:
        st.success(prose(done))
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
        elsewhere = f"; the {len(every)} saved on other data can be deleted below" if every else ""
        st.caption(f"No saved scenarios on this data yet{elsewhere}.")
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
        st.dataframe(scenarios_display(table_side), hide_index=True)
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
        st.session_state[STORE_DONE] = f"Deleted the scenario {doomed}."
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
    st.session_state[LOADED_SCENARIO] = scenario  # the KPI editor starts afresh from its KPIs (its key names it)
    st.session_state[LOADED_PENDING_RUN] = True
    st.session_state.pop(MIX_NORMALISED, None)
    st.session_state.pop(WHATIF, None)


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
