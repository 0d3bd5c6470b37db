import numpy as np
import pandas as pd
import pytest

from synth.assess.evaluate import evaluate, model_frame
from synth.data.holdout import split_holdout


@pytest.fixture(scope="module")
def split(patients):
    return split_holdout(patients, column="variant", share=0.3, random_state=0)


def test_scores_are_valid_and_seeded(split):
    result = evaluate(split.train, split.holdout, column="variant", positive="Variant X", n_repeats=2, name="real")
    summary = result.summary()
    assert len(result.runs) == 2
    assert 0.5 < summary["auc_roc_mean"] <= 1.0
    assert 0.0 < summary["auc_pr_mean"] <= 1.0
    assert len(result.mean_probabilities()) == len(split.holdout)
    again = evaluate(split.train, split.holdout, column="variant", positive="Variant X", n_repeats=2)
    assert again.summary() == summary


def test_each_figure_is_the_holdout_score_of_its_own_probabilities(split):
    from sklearn.metrics import average_precision_score, roc_auc_score

    result = evaluate(split.train, split.holdout, column="variant", positive="Variant X", n_repeats=2)
    truth = (split.holdout["variant"] == "Variant X").to_numpy().astype(int)
    assert np.array_equal(result.truth, truth)
    for run in result.runs:  # every run's figures are those of its own holdout probabilities
        assert run.auc_roc == pytest.approx(roc_auc_score(truth, run.probabilities))
        assert run.auc_pr == pytest.approx(average_precision_score(truth, run.probabilities))
    fpr, tpr = result.roc_curve()  # the curve drawn is that of the mean probabilities, with the same area
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert np.trapezoid(tpr, fpr) == pytest.approx(roc_auc_score(truth, result.mean_probabilities()))
    shuffled = split.train.assign(variant=split.train["variant"].sample(frac=1, random_state=0).to_numpy())
    chance = evaluate(shuffled, split.holdout, column="variant", positive="Variant X", n_repeats=2)
    assert chance.summary()["auc_roc_mean"] < result.summary()["auc_roc_mean"] - 0.1  # labels carry the signal


def test_holdout_categories_follow_training(patients):
    train = model_frame(patients[["region"]])
    categories = {"region": train["region"].cat.categories}
    other = patients[["region"]].head(3).assign(region=["North", "Atlantis", None])
    coded = model_frame(other, categories)
    assert list(coded["region"].cat.categories) == list(categories["region"])
    assert coded["region"].isna().tolist() == [False, True, True]


def test_errors_name_the_problem(split):
    with pytest.raises(ValueError, match="'Variant Z' is not a value"):
        evaluate(split.train, split.holdout, column="variant", positive="Variant Z")
    with pytest.raises(ValueError, match="only one class"):
        evaluate(split.train, split.holdout[split.holdout["variant"] == "Other"], column="variant", positive="Variant X")
    with pytest.raises(ValueError, match="number of runs must be from 1 to"):
        evaluate(split.train, split.holdout, column="variant", positive="Variant X", n_repeats=0)


def test_split_is_stratified_and_keeps_single_rows_in_training(patients):
    table = patients.copy()
    table.loc[table.index[0], "variant"] = "Singleton"
    split = split_holdout(table, column="variant", share=0.2, random_state=0)
    assert "Singleton" in set(split.train["variant"]) and "Singleton" not in set(split.holdout["variant"])
    assert len(split.train) + len(split.holdout) == len(table)
    rare_share = lambda t: np.mean(t["variant"] == "Variant X")  # noqa: E731
    assert rare_share(split.holdout) == pytest.approx(rare_share(split.train), abs=0.01)
    assert "stay in training" in split.description


def test_id_columns_are_not_features(patients):
    """Generated rows get fresh IDs; scoring with the ID as a feature would reward telling them apart."""
    from synth.data.kinds import detect_schema
    from synth.rebalancing.run import rebalance

    split = split_holdout(patients, column="variant", share=0.3, random_state=0)
    output = rebalance(split.train, column="variant", shares={"Variant X": 0.5}, method="naive").table
    ignore = detect_schema(patients).unmodelled()
    assert ignore == ["patient_id"]
    fair = evaluate(output, split.holdout, column="variant", positive="Variant X", n_repeats=1, exclude=ignore).summary()[
        "auc_roc_mean"
    ]
    leaky = evaluate(output, split.holdout, column="variant", positive="Variant X", n_repeats=1, exclude=[]).summary()[
        "auc_roc_mean"
    ]
    by_default = evaluate(output, split.holdout, column="variant", positive="Variant X", n_repeats=1).summary()["auc_roc_mean"]
    assert fair > 0.7 and fair > leaky + 0.05 and by_default == fair


def test_decisions_at_a_threshold_and_in_the_top_share():
    import numpy as np

    from synth.assess.decisions import decision_frame
    from synth.assess.evaluate import Evaluation, RunScores

    truth = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    scores = np.array([0.9, 0.4, 0.8, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1])
    frame = decision_frame({"m": Evaluation("m", (RunScores(1, 0, 0, 0, scores),), truth)}, threshold=0.5, top_share=0.2)
    row = frame.iloc[0]
    assert row["flagged"] == 2 and row["precision"] == 0.5 and row["recall"] == 0.5
    assert row["top precision"] == 0.5 and row["top recall"] == 0.5 and row["lift"] == 2.5


def test_every_classifier_scores_the_holdout(patients):
    from synth.assess.evaluate import MODELS, evaluate
    from synth.data.holdout import split_holdout

    split = split_holdout(patients, column="variant")
    for model in MODELS:
        scores = evaluate(split.train, split.holdout, column="variant", positive="Variant X", n_repeats=1, model=model).summary()
        assert 0.6 < scores["auc_roc_mean"] <= 1.0, model


@pytest.mark.parametrize("model", ["lightgbm", "xgboost"])
def test_fits_side_by_side_score_exactly_as_one_after_another(split, model):
    """Threads change when a table is scored, never its scores; callbacks stay on the caller's thread."""
    import threading

    from synth.assess.evaluate import evaluate_all

    tables = {"all": split.train, "half": split.train.iloc[::2], "third": split.train.iloc[::3]}
    heard, threads = [], set()

    def on_result(name, evaluation):
        heard.append(name)
        threads.add(threading.current_thread())

    options = {"holdout": split.holdout, "column": "variant", "positive": "Variant X", "n_repeats": 2, "model": model}
    one = evaluate_all(tables, workers=1, **options)
    side = evaluate_all(
        tables, workers=3, on_result=on_result, progress=lambda *_: threads.add(threading.current_thread()), **options
    )
    assert list(side) == list(tables) and sorted(heard) == sorted(tables)
    assert threads == {threading.current_thread()}
    for name in tables:
        assert side[name].summary() == one[name].summary() and side[name].notes == one[name].notes
        for a, b in zip(side[name].runs, one[name].runs, strict=True):
            assert a.random_state == b.random_state and np.array_equal(a.probabilities, b.probabilities)


def test_metrics_frame_intervals_equal_each_tables_own_bootstrap(split):
    """One draw of holdout rows for all tables gives each table the interval of its own bootstrap."""
    from synth.assess.evaluate import interval, metrics_frame

    evaluations = {
        name: evaluate(table, split.holdout, column="variant", positive="Variant X", n_repeats=1, name=name)
        for name, table in {"all": split.train, "half": split.train.iloc[::2]}.items()
    }
    frame = metrics_frame(evaluations).set_index("training data")
    for name, evaluation in evaluations.items():
        low, high = interval(evaluation, "auc_roc")
        assert frame.loc[name, "AUC-ROC"].endswith(f"[{low:.3f}, {high:.3f}]")
    assert interval(evaluations["all"], "auc_roc") != interval(evaluations["half"], "auc_roc")
    from synth.assess.advice import verdicts
    from synth.assess.evaluate import shared_bootstrap

    assert verdicts(evaluations, shared_bootstrap(evaluations)) == verdicts(evaluations)  # one draw serves both


def test_a_model_that_flags_no_row_has_no_precision_and_the_same_probability_axis():
    from synth.assess.decisions import decision_frame
    from synth.assess.evaluate import Evaluation, RunScores
    from synth.figures import distribution_figure, probability_figure

    truth = np.r_[np.ones(10), np.zeros(90)].astype(int)
    timid = Evaluation("timid", (RunScores(1, 0.7, 0.3, 0.5, np.linspace(0.01, 0.2, 100)),), truth)
    row = decision_frame({"timid": timid}, threshold=0.5).iloc[0]
    assert row["flagged"] == 0 and np.isnan(row["precision"]) and row["recall"] == 0.0
    assert tuple(probability_figure(timid, "yes").layout.xaxis.range) == (0, 1)
    frame = pd.DataFrame({"source": ["a"], "bucket": ["a very long bucket label"], "share": [1.0]})
    assert distribution_figure(frame, "x").layout.xaxis.automargin  # labels get room, never cut
