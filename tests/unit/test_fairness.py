"""Fair synthetic data: parity in the data and in a model's decisions, multi-class outcomes, edge cases."""

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
