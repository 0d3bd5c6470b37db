"""Step 5: fair synthetic data: a training table whose outcome no longer depends on a sensitive group."""

from dataclasses import replace

import streamlit as st

from synth.data.holdout import Split
from synth.errors import SynthError
from synth.fairness.fair import FAIR_NAME, REAL_NAME, FairnessStudy, FairTable, make_fair
from synth.fairness.measure import (
    DEFINITION,
    TABLE_COLUMNS_AFTER,
    assess_fairness,
    fairness_frame,
    gap_note,
    mark_gap,
    outcome_rates_by_table,
    score_caption,
    selection_frame,
)
from synth.figures import PLOTLY_CONFIG, group_score_figure, selection_figure
from synth.rebalancing.plan import candidate_columns, suggest_column
from synth.report import build_report
from synth.schema import ColumnKind
from synth.table import value_counts
from ui import cache
from ui.session import restoring
from ui.settings import FairnessScoring, FairnessSettings, PlanSettings
from ui.shell import run_page
from ui.state import (
    FAIRNESS,
    PLAN,
    W_FAIR_COLUMN,
    W_FAIR_OUTPUTS,
    W_FAIR_POSITIVE,
    W_SENSITIVE,
    Dataset,
    FairnessRun,
    PlanRun,
    current_dataset,
    kept,
    progress_callback,
    scoped,
)
from ui.text import file_name, plain, prose
from ui.widgets import holdout_split, with_status

SENSITIVE_HINTS = ("sex", "gender", "race", "ethnicity")
SEEDS = 3


def choose_outcome(dataset: Dataset) -> tuple[str, str]:
    """The outcome (preselected as on the Plan step) and the value a model's decision selects."""
    candidates = cache.cached("candidates", lambda: candidate_columns(dataset.table, dataset.schema), data=dataset)
    if not candidates:
        st.error("No categorical column with at least two values to use as the outcome. Mark one categorical on the Data step.")
        st.stop()
    default = cache.cached("suggestion", lambda: suggest_column(dataset.table, dataset.schema, dataset.column_hint), data=dataset)
    column = st.selectbox(
        "Outcome", candidates, key=kept(scoped(W_FAIR_COLUMN, dataset.fingerprint), default, options=candidates)
    )
    counts = value_counts(dataset.table[column])
    values = sorted(counts, key=counts.__getitem__)
    scorable = [v for v in values if counts[v] >= 2]  # a value of one row stays in training: the holdout has none to score
    key = kept(scoped(W_FAIR_POSITIVE, dataset.fingerprint, column), scorable[0] if scorable else values[0], options=values)
    positive = st.selectbox("Value a decision selects (scored one against the rest)", values, key=key)
    return column, positive


def choose_sensitive(dataset: Dataset, column: str) -> list[str]:
    """Categorical columns other than the outcome; numeric and ID-like ones are named, not offered."""
    offered = [c for c in dataset.schema.names(ColumnKind.CATEGORICAL) if c != column]
    hinted = [c for hint in SENSITIVE_HINTS for c in offered if c.lower() == hint][:1]
    key = kept(scoped(W_SENSITIVE, dataset.fingerprint, column), hinted, options=offered)
    chosen = st.multiselect("Sensitive columns", offered, key=key)
    others = [c for c in dataset.schema.modelled() if c not in offered and c != column]
    ids = [c for c in dataset.schema.names(ColumnKind.ID) if c != column]
    reasons = []
    if others:
        reasons.append(
            f"{len(others)} numeric or date columns, e.g. {plain(others[0])}: groups need categories. "
            "Add a column of bands to the data, or mark the column categorical on the Data step"
        )
    if ids:
        reasons.append(f"{len(ids)} ID-like columns, e.g. {plain(ids[0])}: nearly every row would be a group of its own")
    if reasons:
        st.caption("Not offered: " + "; ".join(reasons) + ".")
    return chosen


def rebalanced_tables(column: str) -> tuple[dict, PlanSettings | None]:
    """Each rebalanced output of this session on the same column, if the user wants them compared, and their plan."""
    run: PlanRun | None = st.session_state.get(PLAN)
    if run is None or run.plan.column != column or not run.outputs.results:
        return {}, None
    if not st.checkbox("Also compare each rebalanced output from the Plan step", key=kept(W_FAIR_OUTPUTS, False)):
        return {}, None
    return run.outputs.tables(), run.settings


def generate(dataset: Dataset, split: Split, settings: FairnessSettings) -> FairTable | None:
    """The fair table, made once per data, holdout, outcome and sensitive columns."""
    column, sensitive = settings.column, list(settings.sensitive)
    made_of = FairnessScoring(replace(settings, positive="", compare_outputs=False))  # the table needs no decision value
    if (fair := cache.peek("fair", data=dataset, settings=made_of, table=True)) is not None:
        return fair
    fair = with_status(
        "Generating the fair table…",
        lambda progress: make_fair(split.train, column=column, sensitive=sensitive, schema=dataset.schema, progress=progress),
        failed="No fair table",
        done=lambda fair: f"Generated {len(fair.table):,} fair rows in {fair.seconds:.1f} s",
    )
    return None if fair is None else cache.cached("fair", lambda: fair, data=dataset, settings=made_of, table=True)


def score(dataset: Dataset, split: Split, fair: FairTable, scoring: FairnessScoring, others: dict) -> dict | None:
    """Every training table's model on the real holdout, judged per group; each table cached on its own (None: refused)."""
    tables = {REAL_NAME: split.train, FAIR_NAME: fair.table, **others}
    results = {}
    positive = scoring.fairness.positive
    bar = st.progress(0.0, text="Training LightGBM on each table")
    for i, (name, table) in enumerate(tables.items()):
        made_of = replace(scoring, plan=scoring.plan if name in others else None, table=name)

        def one(name: str = name, table=table, i: int = i) -> object:
            step = progress_callback(bar)
            return assess_fairness(
                {name: table},
                holdout=split.holdout,
                column=fair.column,
                positive=positive,
                sensitive=fair.sensitive,
                n_repeats=SEEDS,
                schema=dataset.schema,
                progress=lambda f, m: step((i + f) / len(tables), m),
            )[name]

        try:
            results[name] = cache.cached("fair-score", one, data=dataset, settings=made_of)
        except SynthError as error:
            bar.empty()
            st.error(prose(error))
            return None
    bar.empty()
    return results


def show(study: FairnessStudy) -> None:
    """The trade-off first, then decisions per group, the data's own rates and the score distributions."""
    fair = study.fair
    real = study.results[REAL_NAME]
    st.info(prose(study.tradeoff()), icon=":material/balance:")
    for note in fair.notes:
        st.warning(plain(note), icon=":material/info:")
    st.subheader("Decisions on the real holdout")
    st.caption(f"{DEFINITION} Mean ± std over {SEEDS} seeds.")
    if note := gap_note(real):
        st.warning(prose(note), icon=":material/info:")
    st.dataframe(fairness_frame(study.results), hide_index=True)
    selection = selection_frame(study.results)
    st.dataframe(
        selection.style.format({c: "{:.1%}" for c in selection.columns[TABLE_COLUMNS_AFTER:]} | {"holdout rows": "{:,}"})
    )
    st.plotly_chart(selection_figure(selection), config=PLOTLY_CONFIG)
    st.subheader(f"Share of {plain(study.positive)} per group in each training table")
    rates = mark_gap(study.rates, real)
    st.dataframe(rates.style.format({c: "{:.1%}" for c in rates.columns[2:]} | {"rows": "{:,}"}))
    st.subheader("Score distributions per group")
    st.caption(
        "Strong statistical parity: every group's scores follow the same distribution, so that any threshold treats them "
        "alike. The largest KS distance above says how far each model is from it."
    )
    for tab, result in zip(st.tabs(list(study.results)), study.results.values(), strict=True):
        tab.caption(prose(score_caption(result, FAIR_NAME)))
        tab.plotly_chart(group_score_figure(result, study.positive), key=f"fair_scores_{result.name}", config=PLOTLY_CONFIG)


def downloads(study: FairnessStudy) -> None:
    left, right = st.columns(2)
    left.download_button(
        "Download the fair table (CSV)",
        study.fair.table.to_csv(index=False).encode(),
        file_name("fair", study.dataset, ".csv"),
        "text/csv",
    )
    right.download_button(
        "Download a fairness report (HTML)",
        build_report(None, fairness=study).encode(),
        file_name("fairness-report", study.dataset),
        "text/html",
    )
    st.caption("The Evaluate step's stakeholder report also gains this fairness section.")


def render() -> None:
    st.title("5 · Fairness")
    st.write(
        "A fully synthetic training table in which every sensitive group has the same rate of the outcome "
        "(statistical parity), each column otherwise as learned from the real rows; and what it costs a model."
    )
    dataset = current_dataset()
    column, positive = choose_outcome(dataset)
    sensitive = choose_sensitive(dataset, column)
    split = holdout_split(dataset, column)
    others, plan = rebalanced_tables(column)
    scoring = FairnessScoring(FairnessSettings(column, positive, tuple(sensitive), plan is not None), plan)
    if st.button("Generate", type="primary", disabled=not sensitive) or (sensitive and restoring("fairness", scoring.fairness)):
        fair = generate(dataset, split, scoring.fairness)
        results = None if fair is None else score(dataset, split, fair, scoring, others)
        if results is not None:
            rates = outcome_rates_by_table(
                {n: t for n, t in [(REAL_NAME, split.train), (FAIR_NAME, fair.table), *others.items()]},
                column,
                fair.sensitive,
                positive,
            )
            st.session_state[FAIRNESS] = FairnessRun(scoring, FairnessStudy(dataset.name, positive, fair, results, rates))
    stored: FairnessRun | None = st.session_state.get(FAIRNESS)
    if stored and stored.settings == scoring:
        show(stored.study)
        downloads(stored.study)
    elif stored:
        st.caption(
            f"The results kept from before were for {stored.settings.fairness.describe()}; the choices above differ: "
            "generate again to see them."
        )


run_page(render)
