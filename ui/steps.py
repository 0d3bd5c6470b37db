"""Steps that more than one page runs: generating a plan's outputs (the Plan page, or any page restoring them).

After a reload the workspace's outputs are made again from the kept plan on whichever page needs them
first, with the same progress the Plan page shows.
"""

from __future__ import annotations

import streamlit as st

from synth.data.holdout import Split, keep_rare_rows
from synth.engine import rebalance_all
from synth.errors import MethodRefused, SynthError
from synth.rebalancing.plan import Mode, RebalancePlan, make_plan
from synth.rebalancing.run import Rebalanced
from synth.rebalancing.samplers import SAMPLERS
from synth.table import rarest_value, value_counts
from ui import assessments, cache
from ui.session import finished, note_started, restoring, restoring_plan
from ui.settings import MethodOutput, PlanSettings
from ui.state import PLAN, PLAN_CHOICE, Dataset, PlanRun, cluster_scheduler, current_dataset, require, set_plan_run
from ui.text import prose
from ui.widgets import holdout_split, with_status


def kept_rare_rows(split: Split, column: str, rows: int) -> Split:
    """The split with only ``rows`` rows of the rarest value in training (0 keeps all); the holdout is untouched."""
    if rows == 0:
        return split
    return keep_rare_rows(split, column, rarest_value(value_counts(split.train[column])), rows)


def generate(dataset: Dataset, split: Split, plan: RebalancePlan, settings: PlanSettings) -> None:
    """Every method's output, each cached as soon as it is made: leaving the page mid-way loses nothing."""
    note_started("plan", settings)
    methods = list(settings.methods)
    done = {m: r for m in methods if (r := cache.peek("output", data=dataset, settings=MethodOutput(settings, m), table=True))}

    def heard(method: str, outcome: Rebalanced | MethodRefused) -> None:
        if isinstance(outcome, MethodRefused):
            st.error(prose(f"{SAMPLERS[method].label}: {outcome}"))
            return
        cache.cached("output", lambda: outcome, data=dataset, settings=MethodOutput(settings, method), table=True)
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
    finished("plan")
    if outputs is None:
        return
    set_plan_run(PlanRun(split, outputs, settings, dataset.fingerprint))
    assessments.start_privacy(dataset, st.session_state[PLAN])


def generate_again(dataset: Dataset, settings: PlanSettings) -> None:
    """The outputs of a kept plan, made again from the same data and choices (after a reload)."""
    try:
        split = kept_rare_rows(holdout_split(dataset, settings.column), settings.column, settings.keep_rows)
        plan = make_plan(split.train[settings.column], dict(settings.shares), mode=Mode(settings.mode), rows=settings.rows)
    except SynthError as error:
        st.error(prose(f"The workspace's outputs cannot be made again: {error}"))
        return
    st.info("Making this workspace's outputs again, as they were generated before the page was reloaded.")
    generate(dataset, split, plan, settings)


def plan_run() -> PlanRun:
    """The last Generate's outputs, or a pointer back to the Plan step; when the Plan page has asked for other
    choices since, one line says whose outputs these are, so none is taken for the current plan's."""
    pending = restoring_plan()
    if PLAN not in st.session_state and pending is not None and restoring("plan", pending):
        generate_again(current_dataset(), pending)
    run: PlanRun = require(PLAN, "Generate the rebalanced tables on the Plan step first.", "pages/plan.py")
    choice = st.session_state.get(PLAN_CHOICE)
    if choice is not None and choice != run.settings:
        st.warning(
            f"These are the outputs generated for {run.settings.describe()}. The Plan page now asks for "
            f"{choice.describe()} ({choice.differences(run.settings)} changed): generate again there for those.",
            icon=":material/history:",
        )
        st.page_link("pages/plan.py", label="Back to the plan", icon=":material/arrow_back:")
    return run
