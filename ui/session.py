"""A session that survives a reload: the workspace's data, choices and results come back, and can be forgotten.

``restore`` runs once per browser session, before any page: it brings back the workspace's table, every
choice the user made (``ui.state.KEPT``) and which results they had. Those results are made again as
their pages are drawn (``restoring``), with progress, from the same data and seeded choices. ``keep``
runs after every page run and writes what changed; a step that starts long work (Generate, Train and
score) is noted at once (``note_started``), so a reload in the middle of it picks it up again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from synth.errors import SynthError
from synth.whatif.scenarios import open_store
from ui import workspace as store
from ui.settings import EvaluateSettings, FairnessSettings, ImputeSettings, PlanSettings, Simulation, from_json, to_json
from ui.state import (
    CHOICES_KEPT,
    CONFIRM_FORGET,
    DATA_CHOSEN,
    DATA_KEPT,
    DATASET,
    EVALUATIONS,
    FAIRNESS,
    IMPUTED,
    KEPT,
    LOOKED,
    NOTICE,
    PLAN,
    READ_ONLY,
    RESTORE,
    STARTED,
    W_FORGET,
    WHATIF,
    Dataset,
    forget_session,
    make_dataset,
    workspace,
)

STEPS: dict[str, type] = {
    "plan": PlanSettings,
    "evaluate": EvaluateSettings,
    "fairness": FairnessSettings,
    "impute": ImputeSettings,
    "whatif": Simulation,
}


def keeps_data(token: str) -> bool:
    """Whether this workspace keeps data on the server: a random link id does; the old 'shared' one never."""
    return bool(store.WORKSPACE_ID.fullmatch(token))


def restore() -> None:
    """Once per session: the workspace's data, choices and results to make again (when there are any)."""
    if st.session_state.get(LOOKED):
        return
    st.session_state[LOOKED] = True
    store.sweep()
    token = workspace()
    if DATASET in st.session_state or not keeps_data(token):
        return
    try:
        kept = store.load(token)
        dataset = None if kept is None else _dataset(kept)
    except (SynthError, KeyError, TypeError, ValueError) as error:
        st.session_state[READ_ONLY] = True  # the kept files stay as they are: this session writes nothing over them
        st.session_state[NOTICE] = (
            f"This workspace keeps data that could not be read back ({error}); you start from the demo, and the kept "
            "files are left as they are. 'Forget this workspace's data' deletes them."
        )
        return
    if kept is None or dataset is None:
        return
    st.session_state[DATASET] = dataset
    st.session_state[DATA_CHOSEN] = True
    st.session_state[DATA_KEPT] = dataset
    st.session_state[KEPT] = dict(kept.choices)
    pending = {step: settings for step, cls in STEPS.items() if (settings := from_json(cls, kept.results.get(step)))}
    st.session_state[RESTORE] = pending
    made_again = " Results are made again, with progress, as you open their pages." if pending else ""
    st.session_state[NOTICE] = f"Restored {dataset.name} and your choices from this workspace.{made_again}"


def _dataset(kept: store.Kept) -> Dataset:
    meta = kept.meta
    dataset = make_dataset(str(meta["name"]), kept.table, meta.get("column_hint"), uploaded=bool(meta.get("uploaded", False)))
    kinds = {str(k): str(v) for k, v in dict(meta.get("kinds", {})).items() if k in kept.table.columns}
    return replace(
        dataset,
        schema=dataset.schema.with_overrides(kinds) if kinds else dataset.schema,
        holdout_file=kept.holdout,
        holdout_share=float(meta["holdout_share"]),
        holdout_label=str(meta.get("holdout_label", "")),
        holdout_split_off=bool(meta.get("holdout_split_off", False)),
    )


def restoring(step: str, settings: Any) -> bool:
    """True once, when ``step``'s result is to be made again for exactly these settings (after a reload)."""
    pending = st.session_state.get(RESTORE, {})
    if pending.get(step) != settings:
        return False
    del pending[step]
    return True


def restoring_plan() -> PlanSettings | None:
    """The plan whose outputs are to be made again, when they are (any page may need them first)."""
    return st.session_state.get(RESTORE, {}).get("plan")


def note_started(step: str, settings: Any) -> None:
    """Long work begins: keep it now, so a reload while it runs starts it again."""
    st.session_state.setdefault(STARTED, {})[step] = settings
    keep()


def finished(step: str) -> None:
    """Long work ended (done or failed): a reload no longer starts it again."""
    st.session_state.get(STARTED, {}).pop(step, None)


def _results() -> dict[str, Any]:
    """The results this session has (or is making, or has yet to make again), as settings."""
    results: dict[str, Any] = {**st.session_state.get(RESTORE, {}), **st.session_state.get(STARTED, {})}
    run = st.session_state.get(PLAN)
    if run is not None:
        results["plan"] = run.settings
        scored = st.session_state.get(EVALUATIONS)
        if scored is not None and scored.settings.plan == run.settings:
            results["evaluate"] = scored.settings.evaluate
    fairness = st.session_state.get(FAIRNESS)
    if fairness is not None:
        results["fairness"] = fairness.settings.fairness
    if (imputed := st.session_state.get(IMPUTED)) is not None:
        results["impute"] = imputed
    whatif = st.session_state.get(WHATIF)
    if whatif is not None:
        s = whatif.settings
        results["whatif"] = Simulation(str(s.column), s.groups, tuple(s.shares.items()), int(s.rows or 0), s.random_state)
    return {step: to_json(settings) for step, settings in results.items()}


def keep() -> None:
    """Write what changed since the last run: the data (when the user chose new data), the choices and results."""
    token = workspace()
    if not keeps_data(token) or st.session_state.get(READ_ONLY):
        return
    if store.forgotten(token):
        return
    dataset: Dataset | None = st.session_state.get(DATASET)
    if dataset is not None and st.session_state.get(DATA_CHOSEN) and st.session_state.get(DATA_KEPT) is not dataset:
        meta = {
            "name": dataset.name,
            "holdout_share": dataset.holdout_share,
            "holdout_label": dataset.holdout_label,
            "column_hint": dataset.column_hint,
            "uploaded": dataset.uploaded,
            "holdout_split_off": dataset.holdout_split_off,
            "kinds": dataset.schema.overrides(),
        }
        why_not = store.save_data(token, meta, dataset.table, dataset.holdout_file)
        st.session_state[DATA_KEPT] = dataset
        if why_not:
            st.session_state[NOTICE] = why_not
    choices = (st.session_state.get(KEPT, {}), _results())
    if st.session_state.get(CHOICES_KEPT) != choices:
        store.save_choices(token, *choices)
        st.session_state[CHOICES_KEPT] = (dict(choices[0]), choices[1])


def sidebar_line() -> None:
    """What is kept, where and for how long; and the button that deletes it now."""
    if keeps_data(workspace()) and not st.session_state.get(READ_ONLY) and store.forgotten(workspace()):
        st.session_state[READ_ONLY] = True
        st.session_state[NOTICE] = "This workspace's data was forgotten (in another tab): nothing more is kept for it."
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(notice, icon=":material/restore:")
    if not keeps_data(workspace()):
        st.caption(
            "This is the shared workspace: it keeps no data between visits, and everyone with its link sees its scenarios."
        )
        return
    st.caption(store.kept_line())
    help_text = "Deletes the table, choices and saved scenarios of this workspace now."
    if st.button("Forget this workspace's data", key=W_FORGET, help=help_text):
        st.session_state[CONFIRM_FORGET] = True
    if not st.session_state.get(CONFIRM_FORGET):
        return
    st.warning("Delete this workspace's table, choices and saved scenarios now? This cannot be undone.")
    yes, no = st.columns(2)
    if no.button("Keep them", key=f"{W_FORGET}_no"):
        st.session_state.pop(CONFIRM_FORGET, None)
        st.rerun()
    if yes.button("Yes, forget", key=f"{W_FORGET}_yes"):
        forget_now(workspace())


def forget_now(token: str) -> None:
    """Delete the workspace's folder and saved scenarios, and start afresh in a new workspace, saying so."""
    store.forget(token)
    notice = "This workspace's data was deleted; a new, empty workspace has started."
    try:
        scenarios = open_store(token)
        for scenario in scenarios.scenarios():
            scenarios.delete(scenario.name)
    except SynthError as error:
        notice = f"The workspace's data was deleted, but its saved scenarios could not be: {error}"
    forget_session()
    st.session_state[NOTICE] = notice
    st.rerun()
