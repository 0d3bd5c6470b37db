"""Step 4: LightGBM on each output and on the untouched data, scored on the real holdout."""

import streamlit as st

from synth.assess.advice import advice, best_per_metric
from synth.assess.evaluate import RECIPE_TEXT, Evaluation, evaluate_all, metrics_frame
from synth.errors import SynthError
from synth.figures import pr_figure, probability_figure, roc_figure
from synth.report import build_report
from synth.study import UNBALANCED, make_study, training_tables
from synth.table import value_counts
from synth.whatif.scenarios import open_store, saved_on
from ui import assessments, cache
from ui.state import (
    EVALUATIONS,
    PLAN,
    REPORT,
    W_POSITIVE,
    W_SEEDS,
    Dataset,
    PlanRun,
    cluster_scheduler,
    current_dataset,
    progress_callback,
    require,
)
from ui.text import plain


def train_and_score(dataset: Dataset, run: PlanRun, positive: str, seeds: int) -> None:
    """Every training table scored on the holdout; each appears, and is kept, as soon as it is scored."""

    def key(name: str) -> tuple:
        return ("evaluation", *dataset.key, run.key, name, positive, seeds)

    tables = training_tables(run.outputs, run.split)
    done = {n: e for n in tables if (e := cache.peek(key(n))) is not None}
    bar = st.progress(0.0)
    live = st.empty()
    shown: dict[str, Evaluation] = dict(done)

    def heard(name: str, evaluation: Evaluation) -> None:
        cache.cached(key(name), lambda: evaluation)
        shown[name] = evaluation
        live.dataframe(metrics_frame(shown), hide_index=True)

    try:
        evaluations = evaluate_all(
            tables,
            holdout=run.split.holdout,
            column=run.plan.column,
            positive=positive,
            seeds=seeds,
            schema=dataset.schema,
            done=done,
            scheduler=cluster_scheduler(),
            progress=progress_callback(bar),
            on_result=heard,
        )
    except SynthError as error:
        st.error(plain(error))
        return
    finally:
        bar.empty()
        live.empty()
    st.session_state[EVALUATIONS] = (scores_key(dataset, run, positive, seeds), evaluations)


def scores_key(dataset: Dataset, run: PlanRun, positive: str, seeds: int) -> tuple:
    """What the shown scores depend on: a change of any of these hides them until scored again."""
    return (*dataset.key, run.key, positive, seeds)


def show_advice(evaluations: dict[str, Evaluation]) -> None:
    """The plain-words verdict first: what won, by how much against the spread, what to do."""
    lines = advice(evaluations, untouched=UNBALANCED)
    if lines:
        st.info(lines[0], icon=":material/lightbulb:")
        for line in lines[1:]:
            st.caption(line)


def show_scores(run: PlanRun, evaluations: dict[str, Evaluation], positive: str) -> None:
    st.subheader("Holdout metrics")
    st.caption(
        f"{len(run.split.holdout):,} real holdout rows; mean ± std over {len(next(iter(evaluations.values())).runs)} seeds."
    )
    best = best_per_metric(evaluations)
    frame = metrics_frame(evaluations)
    st.dataframe(
        frame.style.apply(
            lambda column: [
                "font-weight: bold; background-color: #e3f0e8" if best.get(column.name) == name else ""
                for name in frame["training data"]
            ],
            subset=[c for c in frame.columns if c in best],
        ),
        hide_index=True,
    )
    st.caption("Bold: the best mean on each metric.")
    left, right = st.columns(2)
    left.plotly_chart(roc_figure(list(evaluations.values())))
    right.plotly_chart(pr_figure(list(evaluations.values())))
    st.subheader("Predicted probabilities per true class")
    for tab, evaluation in zip(st.tabs(list(evaluations)), evaluations.values(), strict=True):
        tab.plotly_chart(probability_figure(evaluation, positive), key=f"proba_{evaluation.name}")


def prepare_report(dataset: Dataset, run: PlanRun, evaluations: dict[str, Evaluation], positive: str, key: tuple) -> None:
    """The stakeholder report, reusing the Compare page's privacy and fidelity results; ``key`` is its scores'."""
    st.subheader("Stakeholder report")
    st.write(
        "One self-contained HTML file (opens offline): data, plan, metrics and curves, privacy, fidelity, diversity "
        "and the what-if scenarios saved on this dataset."
    )
    if st.button("Prepare the report"):
        with st.spinner("Assessing privacy, fidelity and diversity…"):
            study = make_study(
                dataset=dataset.name,
                schema=dataset.schema,
                positive=positive,
                split=run.split,
                outputs=run.outputs,
                evaluations=evaluations,
                privacy=assessments.privacy(dataset, run),
                fidelity=assessments.fidelity(dataset, run, positive),
            )
            try:
                scenarios = [s for s in open_store().scenarios() if saved_on(s, dataset.name, dataset.fingerprint)]
            except SynthError as error:
                st.warning(f"The report leaves out saved scenarios: {plain(error)}")
                scenarios = []
            st.session_state[REPORT] = (key, build_report(study, scenarios))
    stored = st.session_state.get(REPORT)
    if stored and stored[0] == key:
        st.download_button("Download report (HTML)", stored[1].encode(), "rebalance-report.html", "text/html")


def render() -> None:
    st.title("4 · Evaluate")
    run: PlanRun = require(PLAN, "Generate the rebalanced tables on the Plan step first.", "pages/plan.py")
    dataset = current_dataset()
    counts = value_counts(run.split.train[run.plan.column])
    values = sorted(counts, key=counts.__getitem__)
    positive = st.selectbox("Positive class (scored one against the rest)", values, key=W_POSITIVE)
    seeds = int(
        st.number_input(
            "Seeds",
            1,
            10,
            3,
            key=W_SEEDS,
            help="Each seed re-splits the training table for early stopping. The ± column shows how much runs vary: "
            "up to ±0.05 AUC on small tables, almost nothing on large ones.",
        )
    )
    with st.expander("Training recipe"):
        st.write(RECIPE_TEXT)
    if st.button("Train and score", type="primary"):
        train_and_score(dataset, run, positive, seeds)
    key = scores_key(dataset, run, positive, seeds)
    stored = st.session_state.get(EVALUATIONS)
    evaluations = stored[1] if stored and stored[0] == key else None
    if stored and evaluations is None:
        st.caption("The scores shown before were for another class or number of seeds: train and score again.")
    if evaluations:
        show_advice(evaluations)
        show_scores(run, evaluations, positive)
        prepare_report(dataset, run, evaluations, positive, key)


render()
