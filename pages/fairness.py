"""Step 5: fair synthetic data: a training table whose outcome no longer depends on a sensitive group."""

import streamlit as st

from synth.data.holdout import Split
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
from ui.state import (
    FAIRNESS,
    PLAN,
    W_FAIR_COLUMN,
    W_FAIR_OUTPUTS,
    W_FAIR_POSITIVE,
    W_SENSITIVE,
    Dataset,
    PlanRun,
    current_dataset,
    progress_callback,
    scoped,
)
from ui.text import file_name, plain, prose
from ui.widgets import holdout_split, with_status

SENSITIVE_HINTS = ("sex", "gender", "race", "ethnicity")
SEEDS = 3


def choose_outcome(dataset: Dataset) -> tuple[str, str]:
    """The outcome (preselected as on the Plan step) and the value a model's decision selects."""
    candidates = cache.cached(("candidates", *dataset.key), lambda: candidate_columns(dataset.table, dataset.schema))
    if not candidates:
        st.error("No categorical column with at least two values to use as the outcome. Mark one categorical on the Data step.")
        st.stop()
    default = cache.cached(
        ("suggestion", *dataset.key), lambda: suggest_column(dataset.table, dataset.schema, dataset.column_hint)
    )
    column = st.selectbox("Outcome", candidates, index=candidates.index(default), key=scoped(W_FAIR_COLUMN, dataset.fingerprint))
    counts = value_counts(dataset.table[column])
    values = sorted(counts, key=counts.__getitem__)
    positive = st.selectbox(
        "Value a decision selects (scored one against the rest)", values, key=scoped(W_FAIR_POSITIVE, dataset.fingerprint, column)
    )
    return column, positive


def choose_sensitive(dataset: Dataset, column: str) -> list[str]:
    """Categorical columns other than the outcome; numeric and ID-like ones are named, not offered."""
    offered = [c for c in dataset.schema.names(ColumnKind.CATEGORICAL) if c != column]
    hinted = [c for hint in SENSITIVE_HINTS for c in offered if c.lower() == hint][:1]
    chosen = st.multiselect("Sensitive columns", offered, default=hinted, key=scoped(W_SENSITIVE, dataset.fingerprint, column))
    others = [c for c in dataset.schema.modelled() if c not in offered and c != column]
    if others:
        st.caption(
            f"Not offered ({len(others)} numeric or date columns, e.g. {plain(others[0])}): groups need categories. "
            "Add a column of bands to the data, or mark the column categorical on the Data step."
        )
    return chosen


def rebalanced_tables(column: str) -> dict:
    """Each rebalanced output of this session on the same column, if the user wants them compared."""
    run: PlanRun | None = st.session_state.get(PLAN)
    if run is None or run.plan.column != column or not run.outputs.results:
        return {}
    if not st.checkbox("Also compare each rebalanced output from the Plan step", key=W_FAIR_OUTPUTS):
        return {}
    return run.outputs.tables()


def generate(dataset: Dataset, split: Split, column: str, sensitive: list[str]) -> FairTable | None:
    """The fair table, made once per data, holdout, outcome and sensitive columns."""
    key = ("fair", *dataset.key, split.description, column, tuple(sensitive))
    if (fair := cache.peek(key, table=True)) is not None:
        return fair
    fair = with_status(
        "Generating the fair table…",
        lambda progress: make_fair(split.train, column=column, sensitive=sensitive, schema=dataset.schema, progress=progress),
        failed="No fair table",
        done=lambda fair: f"Generated {len(fair.table):,} fair rows in {fair.seconds:.1f} s",
    )
    return None if fair is None else cache.cached(key, lambda: fair, table=True)


def score(dataset: Dataset, split: Split, fair: FairTable, positive: str, others: dict) -> dict:
    """Every training table's model on the real holdout, judged per group; each table cached on its own."""
    tables = {REAL_NAME: split.train, FAIR_NAME: fair.table, **others}
    results = {}
    bar = st.progress(0.0, text="Training LightGBM on each table")
    for i, (name, table) in enumerate(tables.items()):
        key = ("fair-score", *dataset.key, split.description, fair.column, fair.sensitive, positive, name, len(table))

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

        results[name] = cache.cached(key, one)
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
    others = rebalanced_tables(column)
    key = (*dataset.key, split.description, column, tuple(sensitive), positive, tuple(others))
    if st.button("Generate", type="primary", disabled=not sensitive):
        fair = generate(dataset, split, column, sensitive)
        if fair is not None:
            results = score(dataset, split, fair, positive, others)
            rates = outcome_rates_by_table(
                {n: t for n, t in [(REAL_NAME, split.train), (FAIR_NAME, fair.table), *others.items()]},
                column,
                fair.sensitive,
                positive,
            )
            st.session_state[FAIRNESS] = (key, FairnessStudy(dataset.name, positive, fair, results, rates))
    stored = st.session_state.get(FAIRNESS)
    if stored and stored[0] == key:
        show(stored[1])
        downloads(stored[1])
    elif stored:
        st.caption("The results shown before were for other choices: generate again.")


render()
