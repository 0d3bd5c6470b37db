"""Step 4: a classifier (LightGBM by default) on each output and on the untouched data, scored on the real holdout."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from synth.assess.advice import (
    MIN_HOLDOUT_ROWS,
    MetricVerdict,
    advice,
    best_per_metric,
    executive_summary,
    growth_advice,
    verdicts,
)
from synth.assess.decisions import decision_frame
from synth.assess.evaluate import MAX_REPEATS, MODELS, RECIPE_TEXT, Evaluation, metrics_frame, shared_bootstrap
from synth.assess.leakage import LEAK_LIFT, LeakCheck, leak_caveat, leak_check
from synth.engine import evaluate_all
from synth.errors import SynthError
from synth.figures import PLOTLY_CONFIG, pr_figure, probability_figure, roc_figure
from synth.labels import UNBALANCED
from synth.report import build_report
from synth.study import make_study, training_tables
from synth.table import value_counts
from synth.whatif.scenarios import open_store, saved_on
from ui import assessments, cache
from ui.session import finished, note_started, restoring
from ui.settings import EvaluateSettings, PositiveClass, ReportInputs, Scoring
from ui.shell import run_page
from ui.state import (
    EVALUATIONS,
    FAIRNESS,
    REPORT,
    W_LEFT_OUT,
    W_MODEL,
    W_POSITIVE,
    W_SEEDS,
    W_THRESHOLD,
    W_TOP_SHARE,
    Dataset,
    PlanRun,
    Scored,
    cluster_scheduler,
    current_dataset,
    kept,
    progress_callback,
    scoped,
    workspace,
)
from ui.steps import plan_run
from ui.text import file_name, prose


def train_and_score(dataset: Dataset, run: PlanRun, settings: EvaluateSettings) -> None:
    """Every training table scored on the holdout; each appears, and is kept, as soon as it is scored."""
    scoring = Scoring(run.settings, settings)
    note_started("evaluate", settings)
    tables = training_tables(run.outputs, run.split)
    done = {n: e for n in tables if (e := cache.peek("evaluation", data=dataset, settings=replace(scoring, table=n)))}
    bar = st.progress(0.0)
    live = st.empty()
    shown: dict[str, Evaluation] = dict(done)

    def heard(name: str, evaluation: Evaluation) -> None:
        cache.cached("evaluation", lambda: evaluation, data=dataset, settings=replace(scoring, table=name))
        shown[name] = evaluation
        live.dataframe(metrics_frame(shown, intervals=False), hide_index=True)

    try:
        evaluations = evaluate_all(
            tables,
            holdout=run.split.holdout,
            column=run.plan.column,
            positive=settings.positive,
            n_repeats=settings.n_repeats,
            schema=dataset.schema,
            done=done,
            scheduler=cluster_scheduler(),
            progress=progress_callback(bar),
            on_result=heard,
            model=settings.model,
            exclude=settings.exclude,
        )
    except SynthError as error:
        st.error(prose(error))
        return
    finally:
        bar.empty()
        live.empty()
        finished("evaluate")
    st.session_state[EVALUATIONS] = Scored(scoring, evaluations)


def choose_left_out(dataset: Dataset, run: PlanRun, positive: str) -> tuple[list[str], LeakCheck]:
    """Each column's power, suspected leaks left out by default (open and named), and the columns the models leave out."""
    with st.spinner("Checking each strong column: does it lift the model far beyond the others?"):
        check = cache.cached(
            "leak-check",
            lambda: leak_check(run.split.train, column=run.plan.column, positive=positive, schema=dataset.schema),
            data=dataset,
            settings=PositiveClass(run.settings, positive),
        )
    flagged = check.suspected
    key = scoped(W_LEFT_OUT, run.plan.column, positive)  # first seen: suspected leaks start left out (kept's default)
    with st.expander("Leakage check: does a column lift the model far beyond the others?", expanded=bool(flagged)):
        if flagged:
            st.warning(
                prose(
                    f"Suspected leak, left out of the models below by default: {'; '.join(f'{c} ({r})' for c, r in check.reasons.items())}. "
                    "Put it back only if it is known before the outcome."
                ),
                icon=":material/warning:",
            )
        st.caption(
            "AUC-ROC of each column alone on the training rows (0.5: no signal), and for the strongest: a LightGBM model's "
            f"AUC-ROC without it (with every column: {check.auc_all:.3f}). A column that lifts the model by at least "
            f"{LEAK_LIFT} over all the others together is suspected of being known only after the outcome (a call's duration, a "
            "refund date); one that is merely strong is named the strongest predictor."
        )
        for note in check.notes:
            st.caption(prose(note))
        st.dataframe(check.power.style.format({"AUC alone": "{:.3f}", "AUC without it": "{:.3f}"}, na_rep="—"), hide_index=True)
        if flagged and st.button("Leave out the flagged columns"):
            st.session_state[key] = flagged
        columns = check.power["column"].tolist()
        return st.multiselect("Leave out of the models", columns, key=kept(key, flagged, options=columns)), check


def show_advice(evaluations: dict[str, Evaluation], found: list[MetricVerdict], caveat: str = "") -> None:
    """The plain-words verdict first: what won, by how much against the spread, what to do; and what it rests on."""
    lines = advice(evaluations, UNBALANCED, found)
    if lines:
        st.markdown("**In short.** " + executive_summary(evaluations, UNBALANCED, found))  # our labels and numbers only
        if caveat:
            st.warning(prose(caveat), icon=":material/warning:")
        st.info(lines[0], icon=":material/lightbulb:")
        for line in lines[1:]:
            st.caption(line)


def show_scores(
    run: PlanRun, evaluations: dict[str, Evaluation], positive: str, found: list[MetricVerdict], frame: pd.DataFrame
) -> None:
    st.subheader("Holdout metrics")
    st.caption(
        f"{len(run.split.holdout):,} real holdout rows; mean ± std over {len(next(iter(evaluations.values())).runs)} seeds, "
        "then the 95% interval counting both the seeds and the holdout's own sampling noise."
    )
    best = best_per_metric(evaluations, found)
    st.dataframe(
        frame.style.apply(
            lambda column: [
                "font-weight: bold; background-color: #e3f0e8" if best.get(column.name) == name else ""
                for name in frame["training data"]
            ],
            subset=[c for c in frame.columns if c in best],
        ),
        hide_index=True,
        column_config=metric_columns(frame),
    )
    st.caption(
        "Bold: the training data clearly ahead on a metric (by more than twice the noise of runs and holdout rows); a tie is not "
        "highlighted. The ± is the spread over seeds; the verdicts above also count the holdout's own sampling noise "
        "(a paired bootstrap over its rows)."
    )
    show_decisions(evaluations)
    left, right = st.columns(2)
    left.plotly_chart(roc_figure(list(evaluations.values())), config=PLOTLY_CONFIG)
    right.plotly_chart(pr_figure(list(evaluations.values())), config=PLOTLY_CONFIG)
    st.subheader("Predicted probabilities per true class")
    for tab, evaluation in zip(st.tabs(list(evaluations)), evaluations.values(), strict=True):
        tab.plotly_chart(probability_figure(evaluation, positive), key=f"proba_{evaluation.name}", config=PLOTLY_CONFIG)


def metric_columns(frame: pd.DataFrame) -> dict[str, st.column_config.Column]:
    """Columns wide enough for 'mean ± std [low, high]' and a whole note, so neither is cut."""
    wide = {c: st.column_config.TextColumn(c, width="medium") for c in frame.columns if c not in ("training data", "note")}
    return wide | ({"note": st.column_config.TextColumn("note", width="large")} if "note" in frame.columns else {})


@st.fragment
def show_decisions(evaluations: dict[str, Evaluation]) -> None:
    """What acting on the scores buys; moving a slider reruns this section only."""
    st.subheader("Acting on the scores")
    left, right = st.columns(2)
    threshold = left.slider(
        "Decision threshold",
        0.01,
        0.99,
        step=0.01,
        key=kept(W_THRESHOLD, 0.5, bounds=(0.01, 0.99)),
        help="0.5 is the default, the one F1 above uses.",
    )
    top = right.slider("Act on the top share of scores (%)", 1, 50, step=1, key=kept(W_TOP_SHARE, 5, bounds=(1, 50)))
    frame = decision_frame(evaluations, threshold, top / 100)
    st.dataframe(
        frame.style.format(
            {
                "flagged": "{:,}",
                "precision": "{:.1%}",
                "recall": "{:.1%}",
                "top precision": "{:.1%}",
                "top recall": "{:.1%}",
                "lift": "{:.1f}x",
            },
            na_rep="—",  # no row flagged: no precision, rather than 0.0%
        ),
        hide_index=True,
    )
    st.caption(
        f"At threshold {threshold:.2f}: how many holdout rows a model flags, the share of them that are truly positive "
        f"(precision) and the share of positives found (recall). Top {top}%: the same for the highest-scored {top}% of "
        "rows, and the lift: how many times more positives than picking rows at random. Scores are averaged over seeds."
    )


def prepare_report(dataset: Dataset, run: PlanRun, scored: Scored, suspected: dict[str, str]) -> None:
    """The stakeholder report, reusing the Compare page's privacy and fidelity results; it holds exactly what the page
    shows when it is built, and is withdrawn when any of that changes (scores, fairness results, saved scenarios)."""
    st.subheader("Stakeholder report")
    st.write(
        "One self-contained HTML file (opens offline): data, plan, metrics and curves, privacy, fidelity, diversity, "
        "the fairness results when the Fairness step was run, and the what-if scenarios saved on this dataset."
    )
    try:
        scenarios = [s for s in open_store(workspace()).scenarios() if saved_on(s, dataset.name, dataset.fingerprint)]
    except SynthError as error:
        st.warning(prose(f"The report leaves out saved scenarios: {error}"))
        scenarios = []
    fairness = st.session_state.get(FAIRNESS)
    inputs = ReportInputs(
        scored.settings,
        None if fairness is None else fairness.settings,
        tuple((s.name, s.created) for s in scenarios),
    )
    settings = scored.settings.evaluate
    if st.button("Prepare the report"):
        with st.spinner("Assessing privacy, fidelity and diversity…"):
            study = make_study(
                dataset=dataset.name,
                schema=dataset.schema,
                positive=settings.positive,
                split=run.split,
                outputs=run.outputs,
                evaluations=scored.evaluations,
                privacy=assessments.privacy(dataset, run),
                fidelity=assessments.fidelity(dataset, run, settings.positive),
                model=settings.model,
                left_out=list(settings.exclude),
                suspected_leaks=suspected,
            )
            html = build_report(study, scenarios, fairness=None if fairness is None else fairness.study)
            st.session_state[REPORT] = (inputs, html)
    stored = st.session_state.get(REPORT)
    if stored and stored[0] == inputs:
        st.download_button("Download report (HTML)", stored[1].encode(), file_name("rebalance-report", dataset.name), "text/html")
    elif stored:
        st.caption("The report prepared before no longer matches the scores, fairness results or scenarios: prepare it again.")


def choose_positive(run: PlanRun) -> str:
    """The rarest class that the holdout holds enough rows of to judge, unless the user picks another."""
    counts = value_counts(run.split.train[run.plan.column])
    in_holdout = value_counts(run.split.holdout[run.plan.column])
    values = sorted(counts, key=counts.__getitem__)
    judged = [v for v in values if in_holdout.get(v, 0) >= MIN_HOLDOUT_ROWS]
    default = judged[0] if judged else values[0]
    key = kept(scoped(W_POSITIVE, run.plan.column), default, options=values)
    positive = st.selectbox("Positive class (scored one against the rest)", values, key=key)
    held = in_holdout.get(positive, 0)
    if held < MIN_HOLDOUT_ROWS:
        st.warning(
            f"The holdout holds {held:,} row(s) of this class; below {MIN_HOLDOUT_ROWS} no method can be said to beat "
            "another, so no verdict is given."
        )
    return positive


def choose_settings(dataset: Dataset, run: PlanRun) -> tuple[EvaluateSettings, LeakCheck]:
    positive = choose_positive(run)
    n_repeats = int(
        st.number_input(
            "Runs (seeds)",
            min_value=1,
            max_value=MAX_REPEATS,
            step=1,
            key=kept(W_SEEDS, 3, bounds=(1, MAX_REPEATS)),
            help="Each run re-splits the training table for early stopping with its own seed. The ± column shows how much "
            "runs vary: up to ±0.05 AUC on small tables, almost nothing on large ones. Every run is one more fit per table.",
        )
    )
    models = list(MODELS)
    model = st.selectbox("Classifier", models, format_func=MODELS.__getitem__, key=kept(W_MODEL, "lightgbm", options=models))
    left_out, leaks = choose_left_out(dataset, run, positive)
    return EvaluateSettings(positive, n_repeats, model, tuple(left_out)), leaks


def current_scores(dataset: Dataset, settings: Scoring) -> Scored | None:
    """The last scores, if they were made for these choices; otherwise one line says for which they were."""
    scored: Scored | None = st.session_state.get(EVALUATIONS)
    if scored is None or scored.settings == settings:
        return scored
    if scored.settings.plan != settings.plan:
        st.caption(prose("The scores kept from before were for other outputs of the Plan step: train and score again."))
    else:
        st.caption(
            f"The scores kept from before were for {scored.settings.evaluate.describe()}; the choices above differ: "
            "train and score again to see them."
        )
    return None


def render() -> None:
    st.title("4 · Evaluate")
    run = plan_run()
    dataset = current_dataset()
    settings, leaks = choose_settings(dataset, run)
    with st.expander("Training recipe"):
        st.write(RECIPE_TEXT)
    if st.button("Train and score", type="primary") or restoring("evaluate", settings):
        train_and_score(dataset, run, settings)
    scored = current_scores(dataset, Scoring(run.settings, settings))
    if scored:
        evaluations = scored.evaluations
        with st.spinner("Weighing each lead against the noise of runs and holdout rows…"):
            resampled = cache.cached("bootstrap", lambda: shared_bootstrap(evaluations), data=dataset, settings=scored.settings)
            found = cache.cached("verdicts", lambda: verdicts(evaluations, resampled), data=dataset, settings=scored.settings)
            frame = cache.cached(
                "metrics", lambda: metrics_frame(evaluations, resampled=resampled), data=dataset, settings=scored.settings
            )
        show_advice(evaluations, found, leak_caveat(leaks.reasons, list(settings.exclude)))
        if run.settings.mode == "grow":  # a grown scarce table: does it beat its real rows alone?
            for line in cache.cached(
                "growth", lambda: growth_advice(evaluations, UNBALANCED, resampled), data=dataset, settings=scored.settings
            ):
                st.info(prose(line), icon=":material/add_chart:")
        show_scores(run, evaluations, settings.positive, found, frame)
        prepare_report(dataset, run, scored, leaks.reasons)


run_page(render)
