"""Fair synthetic data: parity in the data and in a model's decisions, multi-class outcomes, edge cases."""

from html import escape

import numpy as np
import pandas as pd
import pytest

from synth.assess.evaluate import Evaluation, RunScores
from synth.assess.privacy import exact_copy_share
from synth.data.kinds import detect_schema
from synth.errors import ParameterError
from synth.fairness.fair import make_fair
from synth.fairness.measure import MISSING_GROUP, assess_fairness, group_labels, judge, outcome_rates, reliable_groups
from synth.fairness.parity import group_counts, systematic


def biased(n: int = 1600, random_state: int = 0, gap: float = 1.4) -> pd.DataFrame:
    """Men earn 'yes' about four times as often as women, through and beyond their other values."""
    rng = np.random.default_rng(random_state)
    sex = rng.choice(["F", "M"], n, p=[0.4, 0.6])
    region = rng.choice(["north", "south", "east"], n)
    hours = np.round(rng.normal(38 + 6 * (sex == "M"), 6, n))
    skill = rng.choice(["low", "mid", "high"], n, p=[0.3, 0.4, 0.3])
    logit = -2.6 + gap * (sex == "M") + 0.08 * (hours - 40) + 1.2 * (skill == "high") - 0.8 * (skill == "low")
    outcome = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    pay = np.round(hours * rng.lognormal(3, 0.3, n), 2)  # cents: a copy of a real row would be no accident
    return pd.DataFrame({"sex": sex, "region": region, "hours": hours, "skill": skill, "pay": pay, "outcome": outcome})


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return biased()


@pytest.fixture(scope="module")
def fair(table):
    return make_fair(table, column="outcome", sensitive=["sex"], random_state=0)


def rate_gap(frame: pd.DataFrame, column: str, sensitive: list[str], value: str) -> float:
    shares = outcome_rates(frame, column, sensitive)[f"share {value}"]
    return float(shares.max() - shares.min())


def test_every_group_gets_the_overall_rate(table, fair):
    assert rate_gap(table, "outcome", ["sex"], "yes") > 0.15
    assert rate_gap(fair.table, "outcome", ["sex"], "yes") < 0.002  # exact counts, up to rounding
    overall = (table["outcome"] == "yes").mean()
    assert fair.rates["yes"] == pytest.approx(overall)
    assert (fair.table["outcome"] == "yes").mean() == pytest.approx(overall, abs=0.002)


def test_the_outcome_still_follows_the_other_columns_within_each_group(fair):
    for _, group in fair.table.groupby("sex"):
        high = group.loc[group["skill"] == "high", "outcome"].eq("yes").mean()
        low = group.loc[group["skill"] == "low", "outcome"].eq("yes").mean()
        assert high > low + 0.1


def test_shape_kept_no_copies_and_the_same_seed_gives_the_same_table(table, fair):
    assert list(fair.table.columns) == list(table.columns)
    assert fair.table.dtypes.to_dict() == table.dtypes.to_dict()
    assert len(fair.table) == len(table)
    assert exact_copy_share(fair.table, table, list(table.columns)) == 0.0
    again = make_fair(table, column="outcome", sensitive=["sex"], random_state=0)
    pd.testing.assert_frame_equal(again.table, fair.table)
    other = make_fair(table, column="outcome", sensitive=["sex"], random_state=1, rows=500)
    assert len(other.table) == 500 and not other.table.equals(fair.table.iloc[:500])


def test_a_model_trained_on_the_fair_table_decides_alike_for_both_groups():
    table = biased(4000, random_state=1, gap=2.5)
    train, holdout = table.iloc[:3000], table.iloc[3000:]
    fair_train = make_fair(train, column="outcome", sensitive=["sex"], random_state=0).table
    results = assess_fairness(
        {"real": train, "fair": fair_train}, holdout=holdout, column="outcome", positive="yes", sensitive=["sex"], n_repeats=1
    )
    real, made_fair = results["real"].summary(), results["fair"].summary()
    assert real["parity_difference_mean"] > 0.3
    assert made_fair["parity_difference_mean"] < 0.1
    assert made_fair["ks_max"] < real["ks_max"]
    assert list(results["fair"].selection.index) == ["M", "F"]


def test_two_sensitive_columns_and_a_multi_class_outcome():
    rng = np.random.default_rng(3)
    table = biased(1800, random_state=3)
    table["grade"] = np.where(table["outcome"] == "yes", rng.choice(["A", "B"], len(table)), rng.choice(["B", "C"], len(table)))
    table = table.drop(columns="outcome")
    result = make_fair(table, column="grade", sensitive=["sex", "region"], random_state=0)
    assert len(result.groups) == 6
    for value in ("A", "B", "C"):
        assert rate_gap(table, "grade", ["sex", "region"], value) > 0.02 or value == "B"
        assert rate_gap(result.table, "grade", ["sex", "region"], value) < 0.01


@pytest.mark.parametrize(
    ("sensitive", "words"),
    [
        (["hours"], "numeric"),
        (["outcome"], "is the outcome"),
        (["person"], "id-like"),
        (["nowhere"], "There is no column .nowhere. in the table"),
        ([], "at least one"),
    ],
)
def test_sensitive_columns_that_cannot_make_groups_are_refused(table, sensitive, words):
    with_ids = table.assign(person=[f"p{i}" for i in range(len(table))])
    with pytest.raises(ParameterError, match=words) as caught:
        make_fair(with_ids, column="outcome", sensitive=sensitive)
    assert caught.value.parameter == "sensitive"


def test_missing_values_small_groups_and_a_group_without_the_outcome_get_the_overall_rate(table):
    edgy = table.copy()
    edgy.loc[:40, "sex"] = None  # a group of its own
    edgy.loc[41:52, "sex"] = "X"  # 12 rows, never 'yes'
    edgy.loc[41:52, "outcome"] = "no"
    result = make_fair(edgy, column="outcome", sensitive=["sex"], random_state=0)
    notes = " ".join(result.notes)
    assert "no value of 'sex'" in notes and "fewer than 20" in notes and "never 'yes'" in notes
    shares = outcome_rates(result.table, "outcome", ["sex"])
    assert MISSING_GROUP in shares.index
    big = shares[shares["rows"] >= 20]["share yes"]
    assert big.max() - big.min() < 0.02
    x = shares.loc["X"]
    assert x["share yes"] == pytest.approx(result.rates["yes"], abs=1 / x["rows"] + 1e-9)


def test_group_labels_join_columns_and_name_missing_values():
    frame = pd.DataFrame({"a": ["x", None], "b": [1, 2]})
    assert list(group_labels(frame, ["a", "b"])) == ["x · 1", f"{MISSING_GROUP} · 2"]


def test_exact_counts_with_inclusion_probabilities():
    rng = np.random.default_rng(0)
    weights = rng.random(200)
    picks = np.array([systematic(weights, 50, rng) for _ in range(400)])
    assert (picks.sum(axis=1) == 50).all()
    top, bottom = np.argsort(weights)[-20:], np.argsort(weights)[:20]
    assert picks[:, top].mean() > 2 * picks[:, bottom].mean()
    assert group_counts(7, {"a": 0.5, "b": 0.3, "c": 0.2}) == {"a": 4, "b": 2, "c": 1}


def test_parity_difference_counts_only_groups_large_enough():
    groups = np.array(["a"] * 300 + ["b"] * 300 + ["c"] * 10, dtype=object)
    assert reliable_groups(groups) == ("a", "b")
    truth = np.r_[np.ones(300), np.zeros(310)].astype(int)
    probabilities = np.r_[np.full(300, 0.9), np.full(300, 0.2), np.full(10, 0.9)]
    evaluation = Evaluation("t", (RunScores(1, 0.5, 0.5, 0.5, probabilities),), truth)
    judged = judge(evaluation, groups)
    assert judged.parity == (1.0,)
    assert judged.selection.loc["c", "selection rate"] == 1.0
    assert judged.ks == 1.0


def test_the_fixture_is_biased_so_the_fairness_tests_mean_something(table):
    schema = detect_schema(table)
    assert schema.kind("sex") == "categorical" and schema.kind("hours") == "numeric"
    assert rate_gap(table, "outcome", ["sex"], "yes") > 0.15  # the real outcome depends on sex: parity is work


@pytest.mark.parametrize("strategy", ["top", "generated", "shift"])
def test_the_alternatives_also_give_every_group_the_overall_rate(table, strategy):
    result = make_fair(table, column="outcome", sensitive=["sex"], rows=600, strategy=strategy)
    assert rate_gap(result.table, "outcome", ["sex"], "yes") < 0.005
    with pytest.raises(ParameterError, match="strategy"):
        make_fair(table, column="outcome", sensitive=["sex"], strategy="magic")


def test_the_report_gains_a_fairness_section_with_group_names_escaped():
    from synth.fairness.fair import FAIR_NAME, REAL_NAME, FairnessStudy
    from synth.fairness.measure import outcome_rates_by_table
    from synth.report import build_report

    table = biased(1200, random_state=2, gap=2.0).replace({"sex": {"F": "<b>F</b>"}})
    train, holdout = table.iloc[:900], table.iloc[900:]
    fair = make_fair(train, column="outcome", sensitive=["sex"], random_state=0)
    tables = {REAL_NAME: train, FAIR_NAME: fair.table}
    results = assess_fairness(tables, holdout=holdout, column="outcome", positive="yes", sensitive=["sex"], n_repeats=1)
    study = FairnessStudy("biased.csv", "yes", fair, results, outcome_rates_by_table(tables, "outcome", ["sex"], "yes"))
    document = build_report(None, fairness=study)
    assert "<h2>Fairness</h2>" in document and "demographic parity difference" in document.lower()
    assert "<b>F</b>" not in document and "&lt;b&gt;F&lt;/b&gt;" in document
    assert study.tradeoff().startswith("The gap in decisions between groups goes from")
    assert "AUC-PR" in study.tradeoff() and escape(study.tradeoff(), quote=False) in document
    from dataclasses import replace

    groups = {REAL_NAME: judged_groups(SIZES, REAL_NAME), FAIR_NAME: judged_groups(SIZES, FAIR_NAME, 1)}
    rates = pd.DataFrame({"rows": list(SIZES.values()), REAL_NAME: 0.2, FAIR_NAME: 0.25}, index=list(SIZES))
    small = build_report(None, fairness=replace(study, results=groups, rates=rates))
    assert "2 of 6 groups have fewer than 200 holdout rows" in small  # the note the report used to drop
    assert small.count("no: 12 holdout rows (&lt; 200)") == 2  # selection and rates tables
    assert "not in the gap: 2 groups with fewer than 200 holdout rows" in small  # the charts


def judged_groups(sizes: dict[str, int], name: str, random_state: int = 0):
    """A model's seeds judged on groups of the given holdout sizes, its scores random but seeded."""
    rng = np.random.default_rng(random_state)
    groups = np.concatenate([[g] * n for g, n in sizes.items()]).astype(object)
    truth = (rng.random(len(groups)) < 0.3).astype(int)
    runs = tuple(RunScores(s, 0.8, 0.5, 0.6, np.clip(0.4 * truth + rng.random(len(groups)) * 0.6, 0, 1)) for s in (1, 2))
    evaluation = Evaluation(name, runs, truth)
    return judge(evaluation, groups)


SIZES = {
    "White · Male": 900,
    "White · Female": 500,
    "Black · Female": 250,
    "Black · Male": 210,
    "Other · Male": 40,
    "Other · Female": 12,
}


def test_groups_left_out_of_the_gap_are_marked_in_every_table_with_their_count():
    from synth.fairness.measure import IN_GAP, fairness_frame, gap_note, mark_gap, selection_frame

    real = judged_groups(SIZES, "real rows")
    results = {"real rows": real, "fair synthetic": judged_groups(SIZES, "fair synthetic", 1)}
    selection = selection_frame(results)
    assert selection.loc["Other · Female", IN_GAP] == "no: 12 holdout rows (< 200)"
    assert selection.loc["Black · Male", IN_GAP] == "yes"
    assert list(fairness_frame(results)["groups in the gap"]) == ["4 of 6", "4 of 6"]
    note = gap_note(real)
    assert note.startswith("2 of 6 groups have fewer than 200") and "Other · Male (40), Other · Female (12)" in note
    rates = mark_gap(pd.DataFrame({"rows": [5, 7]}, index=["White · Male", "Other · Female"]), real)
    assert list(rates[IN_GAP]) == ["yes", "no: 12 holdout rows (< 200)"]


def test_the_headline_names_the_groups_it_measures_and_gives_the_auc_pr_cost():
    from synth.fairness.measure import tradeoff

    before, after = judged_groups(SIZES, "real rows"), judged_groups(SIZES, "fair synthetic", 1)
    line = tradeoff(before, after)
    a, b = before.summary(), after.summary()
    assert "over the 4 groups with at least 200 holdout rows (2 smaller groups, 52 rows, left out)" in line
    assert f"AUC-PR {a['auc_pr_mean']:.3f} -> {b['auc_pr_mean']:.3f}" in line
    assert f"AUC-ROC {a['auc_roc_mean']:.3f} -> {b['auc_roc_mean']:.3f}" in line


def test_the_score_chart_stays_readable_with_many_groups_and_names_those_it_does_not_draw():
    from synth.fairness.measure import selection_frame
    from synth.figures import NOT_IN_GAP, group_score_figure, selection_figure

    many = {f"group {i:02d}": 1000 - 70 * i for i in range(12)}  # 1,000 down to 230 rows
    many["tiny"] = 20
    result = judged_groups(many, "real rows")
    figure = group_score_figure(result, "yes")
    assert len(figure.data) == 6
    words = " ".join(a.text for a in figure.layout.annotations)
    assert "Not drawn, 7 smaller groups" in words and "group 06" in words
    assert tuple(figure.layout.xaxis.range) == (0, 1)
    bars = selection_figure(selection_frame({"real rows": result}))
    assert f"tiny{NOT_IN_GAP}" in list(bars.data[0].x) and "group 00" in list(bars.data[0].x)
    assert "† not in the gap: 1 group" in " ".join(a.text for a in bars.layout.annotations)


def test_only_the_fair_table_is_said_to_make_any_threshold_fair():
    from dataclasses import replace

    from synth.fairness.measure import score_caption

    result = judged_groups(SIZES, "fair synthetic")
    close = replace(result, ks=0.03)
    assert "any threshold is fair" in score_caption(close, "fair synthetic")
    assert "any threshold" not in score_caption(
        replace(close, evaluation=replace(close.evaluation, name="real rows")), "fair synthetic"
    )
    assert "any threshold" not in score_caption(replace(result, ks=0.3), "fair synthetic")
