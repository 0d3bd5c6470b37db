"""Every session-state key, and what each step hands on to the next (not a page itself).

Widget values vanish when their page is not shown, so each step stores its result here under
one of these keys; widgets use the ``W_`` keys below, so no page spells a raw key.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import streamlit as st

from synth.assess.evaluate import Evaluation
from synth.data.demos import DEMOS, demo_holdout, make_demo
from synth.data.holdout import Split
from synth.data.kinds import detect_schema
from synth.fairness.fair import FairnessStudy
from synth.rebalancing.plan import RebalancePlan
from synth.rebalancing.run import Outputs
from synth.schema import Schema
from synth.table import fingerprint
from synth.whatif.scenarios import SHARED_WORKSPACE, ScenarioSettings
from ui import cache
from ui.settings import FairnessScoring, PlanSettings, Scoring
from ui.text import prose
from ui.workspace import WORKSPACE_ID

# Results each step hands on.
DATASET = "dataset"  # Dataset below
PLAN = "plan"  # PlanRun below
EVALUATIONS = "evaluations"  # Scored below
WHATIF = "whatif"  # WhatIfRun below
FAIRNESS = "fairness"  # FairnessRun below
REPORT = "report_html"  # (ReportInputs, html) of the last prepared stakeholder report
LOADED_UPLOAD = "loaded_upload"  # file id of the upload that made the dataset
LOADED_SCENARIO = "loaded_scenario"  # the SavedScenario whose settings are put back on the What-if page
LOADED_PENDING_RUN = "loaded_pending_run"  # the loaded scenario is yet to run (once, as the page is drawn)
STORE_NOTICES = "store_notices"  # scenario-store messages shown for the whole session
STORE_DONE = "store_done"  # what the last scenario-store action did, shown once after its rerun
CONFIRM_DELETE = "confirm_delete"  # the saved scenario whose deletion awaits a second click
CONFIRM_DEMO = "confirm_demo"  # "Use the insurance demo" awaits a second click (it would replace an upload)
CONFIRM_REPLACE = "confirm_replace"  # the saved scenario a new save would replace, awaiting a second click
MIX_CHOSEN = "mix_chosen"  # the What-if shares as last edited (the editor reruns on its own)
MIX_NORMALISED = "mix_normalised"  # shares after "normalise the rest", put back into a fresh editor
MIX_VERSION = "mix_version"  # bumped to start the share editor afresh
MIX_READY = "mix_ready"  # whether the edited shares add up (a change reruns the whole page)
WORKSPACE = "workspace"  # this visitor's scenario workspace (also the link's query parameter)
IMPUTE_NOTICE = "impute_notice"  # what "Use the completed table" did, shown once on the Impute page

# A Dask scheduler address (tcp://HOST:PORT); when set, Generate and Evaluate run on that cluster.
SCHEDULER_ENV = "REBALANCE_STUDIO_SCHEDULER"


def cluster_scheduler() -> str | None:
    """The team's Dask cluster, if the server was started with one (README: cluster set-up)."""
    return os.environ.get(SCHEDULER_ENV) or None


KEPT = "kept"  # {widget key: the user's last choice}: choices outlive the pages that draw them
# The workspace kept on the server (ui.session): what to restore, what was kept, what is under way.
RESTORE = "restore"  # {step: settings}: results to make again, once each, as their pages are drawn
LOOKED = "workspace_looked"  # this session has looked for its workspace's data (once per session)
DATA_CHOSEN = "data_chosen"  # the user chose this data (the default demo is not kept)
DATA_KEPT = "data_kept"  # the Dataset last kept (frozen: any change to the data is a new one)
CHOICES_KEPT = "choices_kept"  # the choices and results last kept, to write only what changed
IMPUTED = "imputed"  # ImputeSettings of the last fill on this data
NOTICE = "workspace_notice"  # one line about the workspace, shown once
READ_ONLY = "workspace_read_only"  # this session writes nothing to its workspace (unreadable, or forgotten elsewhere)
CONFIRM_FORGET = "confirm_forget"  # "Forget this workspace's data" awaits a second click
STARTED = "started"  # {step: settings} of long work under way (a reload picks it up again)
PLAN_CHOICE = "plan_choice"  # PlanSettings as the Plan page last showed them (results compare against it)
FAIRNESS_CHOICE = "fairness_choice"  # FairnessSettings as the Fairness page last showed them


def kept(key: str, default: Any, *, options: Sequence[Any] | None = None, bounds: tuple[Any, Any] | None = None) -> str:
    """The key for a widget drawn without value=, index= or default=: it shows the user's last choice, else ``default``.

    Streamlit forgets a widget's state when its page is not drawn; the choice lives on in ``KEPT`` and is put
    back before the widget is drawn again. A kept value the widget can no longer show (a column of other data,
    a number out of range) gives way to ``default``.
    """
    store = st.session_state.setdefault(KEPT, {})
    if key not in st.session_state:
        st.session_state[key] = _fitting(store.get(key, default), default, options, bounds)
    store[key] = st.session_state[key]
    return key


def _fitting(value: Any, default: Any, options: Sequence[Any] | None, bounds: tuple[Any, Any] | None) -> Any:
    if options is not None:
        if isinstance(value, list):
            return [v for v in value if v in options]
        return value if value in options else default
    if bounds is not None:
        low, high = bounds
        clamp = lambda v: min(max(v, low), high)  # noqa: E731
        try:
            return tuple(map(clamp, value)) if isinstance(value, tuple | list) else clamp(value)
        except TypeError:
            return default
    return value


def kept_rows(key: str, default: list[Any], *, same_length: bool = True) -> list[Any]:
    """The starting values of an editable table (``st.data_editor`` cannot be set through session state): the
    values the user last left there, fixed while the editor is on screen so its own edits stay in place."""
    store = st.session_state.setdefault(KEPT, {})
    if key not in st.session_state or f"{key}:start" not in store:
        store[f"{key}:start"] = store.get(f"{key}:value", default)
    start = store[f"{key}:start"]
    return start if len(start) == len(default) or not same_length else default


def keep_rows(key: str, values: list[Any]) -> None:
    """Remember an editable table's values as edited (``kept_rows`` starts from them next time)."""
    st.session_state.setdefault(KEPT, {})[f"{key}:value"] = list(values)


# Widget keys (some carry a scope suffix, e.g. the dataset's fingerprint).
W_SOURCE = "data_source"
W_DEMO = "demo_name"
W_RARE_ROWS = "rare_rows"
W_HOLDOUT_SOURCE = "holdout_source"
W_HOLDOUT_SHARE = "holdout_share"
W_HOLDOUT_UPLOAD = "holdout_upload"
W_KINDS = "kinds"
W_COLUMN = "column"
W_KEEP_ROWS = "keep_rows"
W_SHARE = "share"
W_SHARES = "shares"
W_MODE = "mode"
W_ROWS = "rows"
W_ADD_ROWS = "add_rows"
W_GROW_SHARES = "grow_shares"
W_METHODS = "methods"
W_FOCUS = "compare_focus"
W_FEATURE = "compare_feature"
W_DRILL_COLUMN = "drill_column"
W_DRILL_VALUES = "drill_values"
W_DRILL_RANGE = "drill_range"
W_FLAG = "flag"
W_POSITIVE = "positive"
W_SEEDS = "seeds"
W_MODEL = "model"
W_LEFT_OUT = "left_out"
W_THRESHOLD = "threshold"
W_TOP_SHARE = "top_share"
W_WHATIF_COLUMN = "whatif_column"
W_GROUPS = "groups"
W_MIX = "mix"
W_WHATIF_ROWS = "whatif_rows"
W_WHATIF_SEED = "whatif_seed"
W_KPIS = "kpis"
W_SCENARIO_NAME = "scenario_name"
W_COMPARE_SCENARIOS = "compare_scenarios"
W_DELETE_SCENARIO = "delete_scenario"
W_SEED_UPLOAD = "seed_upload"
W_IMPUTE_COLUMNS = "impute_columns"
W_IMPUTE_SEED = "impute_seed"
W_FAIR_COLUMN = "fair_column"
W_SENSITIVE = "sensitive"
W_FAIR_POSITIVE = "fair_positive"
W_FAIR_OUTPUTS = "fair_outputs"
W_FORGET = "forget_workspace"


def workspace() -> str:
    """This visitor's workspace: the link's ``?workspace=``, else a new random one put in the link.

    Data, choices and scenarios are kept per workspace, so a visitor sees only their own, or those of
    whoever shared the link with them; keeping the link finds them again after a restart. A link id must
    be random enough not to be guessed (``ui.workspace.WORKSPACE_ID``), or be the old ``shared`` one; any
    other is not honoured, and the page says so once.
    """
    token = st.session_state.get(WORKSPACE)
    if token is None:
        asked = st.query_params.get(WORKSPACE, "")
        token = asked if asked == SHARED_WORKSPACE or WORKSPACE_ID.fullmatch(asked) else secrets.token_urlsafe(12)
        if asked and token != asked:
            st.session_state[NOTICE] = (
                "The workspace named in the link is not a workspace id (ids are 16 or more random letters, digits, - or _), "
                "so a new, empty workspace was started."
            )
    st.session_state[WORKSPACE] = token
    if st.query_params.get(WORKSPACE) != token:
        st.query_params[WORKSPACE] = token
    return token


def scoped(key: str, *scope: object) -> str:
    """A widget key that starts afresh when its scope (dataset, column, ...) changes."""
    return "_".join([key, *map(str, scope)])


@dataclass(frozen=True)
class Dataset:
    """What the Data step hands on: the table, its column kinds and where its holdout comes from."""

    name: str
    table: pd.DataFrame = field(repr=False)
    schema: Schema
    holdout_file: pd.DataFrame | None = field(repr=False)
    holdout_share: float
    fingerprint: str
    column_hint: str | None = None  # the column a demo is about, preselected on the Plan step
    holdout_label: str = ""  # where ``holdout_file`` comes from, as the Plan step says it
    uploaded: bool = False  # an upload rather than a built-in demo
    holdout_split_off: bool = False  # the holdout rows were set aside from this data (they return if the split is undone)

    @property
    def key(self) -> tuple:
        """What identifies this data for caching: content, column kinds, holdout choice."""
        return (self.fingerprint, hash(self.schema), self.holdout_share, self.holdout_label)


@dataclass(frozen=True)
class PlanRun:
    """What the Plan step hands on: the split, the one plan, every method's output, and what made them."""

    split: Split = field(repr=False)
    outputs: Outputs = field(repr=False)
    settings: PlanSettings
    data: str  # the fingerprint of the data they were made from

    @property
    def plan(self) -> RebalancePlan:
        return self.outputs.plan

    @property
    def methods(self) -> tuple[str, ...]:
        return self.settings.methods


@dataclass(frozen=True)
class Scored:
    """The Evaluate step's scores and the settings that made them."""

    settings: Scoring
    evaluations: dict[str, Evaluation] = field(repr=False)


@dataclass(frozen=True)
class FairnessRun:
    """The Fairness step's results and the settings that made them."""

    settings: FairnessScoring
    study: FairnessStudy = field(repr=False)


@dataclass(frozen=True)
class WhatIfRun:
    """The last what-if run: its settings, the simulation, the KPI table and its dataset."""

    settings: ScenarioSettings
    simulation: Any
    kpis: pd.DataFrame = field(repr=False)
    dataset: str


def progress_callback(bar: Any) -> Callable[[float, str], None]:
    """A synth progress callback drawing on a Streamlit progress bar."""

    def report(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=prose(message))

    return report


def require(key: str, message: str, page: str) -> Any:
    """The stored result of an earlier step, or a pointer back to that step."""
    if key not in st.session_state:
        st.info(message)
        st.page_link(page, label="Go there", icon=":material/arrow_back:")
        st.stop()
    return st.session_state[key]


def make_dataset(name: str, table: pd.DataFrame, column_hint: str | None = None, uploaded: bool = False) -> Dataset:
    """A Dataset with detected column kinds and the default 20% holdout split."""
    return Dataset(name, table, detect_schema(table), None, 0.2, fingerprint(table), column_hint, uploaded=uploaded)


def demo_dataset(name: str, rare_rows: int | None = None) -> Dataset:
    """The built-in demo called ``name``, with its rare-class column preselected.

    With only ``rare_rows`` rare rows a split-off holdout would hold a handful of them, so the
    holdout is then an independent draw of the demo at its natural rate, as in the seed tutorial.
    """
    demo = DEMOS[name]
    if not rare_rows:
        return make_dataset(f"Demo: {demo.title}", make_demo(name), demo.column)
    dataset = make_dataset(f"Demo: {demo.title} ({rare_rows} rare rows)", make_demo(name, rare_rows=rare_rows), demo.column)
    holdout, label = demo_holdout(name)
    return replace(dataset, holdout_file=holdout, holdout_label=label)


def current_dataset() -> Dataset:
    """The dataset every page works on; a deep link to any page starts on the default demo."""
    if DATASET not in st.session_state:
        st.session_state[DATASET] = demo_dataset(DEFAULT_DEMO)
    return st.session_state[DATASET]


def set_dataset(dataset: Dataset) -> None:
    """Replace the data; every result and cached computation made from the old data goes. The workspace keeps the
    new data (``ui.session.keep``)."""
    forget_results()
    for key in (FAIRNESS, RESTORE, STARTED, IMPUTED):
        st.session_state.pop(key, None)
    old = st.session_state.get(DATASET)
    if old is not None and old.fingerprint != dataset.fingerprint:  # choices scoped to the old data go with it
        kept_choices = st.session_state.get(KEPT, {})
        for key in [k for k in kept_choices if old.fingerprint in k]:
            del kept_choices[key]
    cache.clear()
    st.session_state[DATASET] = dataset
    st.session_state[DATA_CHOSEN] = True


def forget_session() -> None:
    """Start afresh in a new workspace: nothing of this one stays in the session."""
    for key in list(st.session_state):
        del st.session_state[key]
    cache.clear()
    st.session_state[LOOKED] = True  # the new workspace has nothing to restore
    st.session_state[WORKSPACE] = secrets.token_urlsafe(12)
    st.query_params[WORKSPACE] = st.session_state[WORKSPACE]


def set_plan_run(run: PlanRun) -> None:
    """The outputs of a Generate: every result made from the previous ones goes."""
    forget_results()
    st.session_state[PLAN] = run


def forget_results() -> None:
    """Drop every downstream result when the plan changes (cached work stays reusable)."""
    for key in (PLAN, EVALUATIONS, WHATIF, REPORT, LOADED_SCENARIO, LOADED_PENDING_RUN):
        st.session_state.pop(key, None)


DEFAULT_DEMO = "patients"
