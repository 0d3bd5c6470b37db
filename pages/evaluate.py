"""Step 4: LightGBM on each output and on the untouched data, scored on the real holdout."""

import streamlit as st

from synth.assess.evaluate import RECIPE_TEXT, evaluate, metrics_frame
from synth.figures import pr_figure, probability_figure, roc_figure
from synth.rebalancing.plan import value_counts
from synth.report import build_report
from synth.study import make_study, training_tables
from synth.whatif.scenarios import ScenarioStore, default_store_path
from ui.state import DATASET, EVALUATIONS, FAILURES, PLAN, REPORT, RESULTS, cached, progress_callback, require

st.title("4 · Evaluate")
plan = require(PLAN, "Generate the rebalanced tables on the Plan step first.", "pages/plan.py")
results = st.session_state.get(RESULTS, {})
column = plan.column
counts = value_counts(plan.train[column])
values = sorted(counts, key=counts.__getitem__)
positive = st.selectbox("Positive class (scored one against the rest)", values, key="positive")
seeds = int(st.number_input("Seeds (single runs vary by about ±0.05 AUC)", 1, 10, 3, key="seeds"))
with st.expander("Training recipe"):
    st.write(RECIPE_TEXT)

if st.button("Train and score", type="primary"):
    tables = training_tables(plan.train, results)
    bar = st.progress(0.0)
    evaluations = {}
    try:
        for i, (name, table) in enumerate(tables.items()):

            def report(fraction: float, message: str, i: int = i) -> None:
                progress_callback(bar)((i + fraction) / len(tables), message)

            key = ("evaluate", st.session_state[DATASET].fingerprint, plan.key, name, positive, seeds)
            evaluations[name] = cached(
                key,
                lambda t=table, n=name: evaluate(
                    t,
                    plan.holdout,
                    column,
                    positive,
                    seeds=list(range(1, seeds + 1)),
                    name=n,
                    progress=report,
                    ignore=st.session_state[DATASET].schema.unmodelled(),
                ),
            )
    except ValueError as error:
        st.error(str(error))
    else:
        bar.progress(1.0, text="Done")
        st.session_state[EVALUATIONS] = evaluations

evaluations = st.session_state.get(EVALUATIONS)
if evaluations:
    st.subheader("Holdout metrics")
    st.caption(f"{len(plan.holdout):,} real holdout rows; mean ± std over {len(next(iter(evaluations.values())).runs)} seeds.")
    st.dataframe(metrics_frame(evaluations), hide_index=True)
    left, right = st.columns(2)
    left.plotly_chart(roc_figure(list(evaluations.values())))
    right.plotly_chart(pr_figure(list(evaluations.values())))
    st.subheader("Predicted probabilities per true class")
    for tab, evaluation in zip(st.tabs(list(evaluations)), evaluations.values(), strict=True):
        tab.plotly_chart(probability_figure(evaluation, positive), key=f"proba_{evaluation.name}")

    st.subheader("Stakeholder report")
    st.write(
        "One self-contained HTML file (opens offline): data, plan, metrics and curves, privacy, fidelity, diversity and saved what-if scenarios."
    )
    if st.button("Prepare the report"):
        dataset = st.session_state[DATASET]
        with st.spinner("Assessing privacy, fidelity and diversity…"):
            study = cached(
                ("study", dataset.fingerprint, plan.key, positive, seeds),
                lambda: make_study(
                    dataset.name,
                    dataset.schema,
                    plan.rebalance_plan,
                    positive,
                    plan.holdout_note,
                    plan.train,
                    plan.holdout,
                    results,
                    st.session_state.get(FAILURES, {}),
                    evaluations,
                ),
            )
        scenarios = ScenarioStore(st.session_state.get("scenario_db", default_store_path())).scenarios()
        st.session_state[REPORT] = build_report(study, scenarios)
    if REPORT in st.session_state:
        st.download_button("Download report (HTML)", st.session_state[REPORT].encode(), "rebalance-report.html", "text/html")
