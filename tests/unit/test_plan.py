import numpy as np
import pandas as pd
import pytest

from synth.__main__ import parse_shares
from synth.errors import ParameterError, PlanError
from synth.rebalancing.plan import Mode, make_plan, match_value


def column(counts: dict[str, int], name: str = "y") -> pd.Series:
    return pd.Series([v for v, n in counts.items() for _ in range(n)], name=name)


def test_hybrid_binary_half_adds_only_minority_rows():
    plan = make_plan(column({"a": 90, "b": 10}), {"b": 0.5})
    assert plan.target == {"a": 90, "b": 90}
    assert plan.additions == {"a": 0, "b": 80}


def test_hybrid_is_the_smallest_output_meeting_the_shares():
    plan = make_plan(column({"a": 90, "b": 10}), {"b": 0.25})
    assert plan.target == {"a": 90, "b": 30}


def test_unnamed_values_keep_their_proportions():
    plan = make_plan(column({"a": 60, "b": 30, "c": 10}), {"c": 0.5})
    assert plan.target["c"] == 90
    assert plan.target["a"] == 2 * plan.target["b"]
    assert plan.target["a"] >= 60 and plan.target["b"] >= 30


def test_full_mode_has_exact_rows_and_shares():
    plan = make_plan(column({"a": 90, "b": 10}), {"a": 0.3, "b": 0.7}, mode=Mode.FULL, rows=1000)
    assert plan.target == {"a": 300, "b": 700}
    assert plan.additions == plan.target


def test_full_mode_defaults_to_input_size():
    plan = make_plan(column({"a": 90, "b": 10}), {"b": 0.5}, mode="full")
    assert sum(plan.target.values()) == 100


def test_integer_values_match_as_text():
    values = pd.Series([0] * 95 + [1] * 5, name="default")
    assert make_plan(values, {"1": 0.5}).target == {"0": 95, "1": 95}
    assert match_value("1.0", ["0", "1"]) == "1"


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"b": 1.7}, "between 0 and 1; got 1.7"),
        ({"a": 0.7, "b": 0.6}, "add up to 1.300"),
        ({"a": 0.5, "b": 0.2}, "add up to 0.700; they must add up to 1"),
        ({"zzz": 0.5}, "'zzz' is not a value"),
        ({"a": 0.0}, "cannot get a share of 0"),
        ({}, "Name at least one value"),
    ],
)
def test_bad_shares_are_refused_with_a_reason(shares, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        make_plan(column({"a": 90, "b": 10}), shares)


def test_a_column_with_one_value_cannot_be_rebalanced():
    with pytest.raises(ValueError, match="at least two"):
        make_plan(column({"a": 10}), {"a": 1.0})


def test_rows_only_in_full_mode():
    with pytest.raises(ParameterError, match="applies to fully synthetic output only") as refused:
        make_plan(column({"a": 9, "b": 1}), {"b": 0.5}, rows=50)
    assert refused.value.parameter == "rows"


def test_parse_shares():
    assert parse_shares([">50K=0.5", "a=b=0.25"]) == {">50K": 0.5, "a=b": 0.25}
    with pytest.raises(ValueError, match="VALUE=SHARE"):
        parse_shares(["0.5"])
    with pytest.raises(ValueError, match="not a number"):
        parse_shares(["a=half"])


def test_missing_values_are_not_a_class():
    values = pd.Series(["a"] * 8 + ["b"] * 2 + [None] * 3, name="y")
    assert make_plan(values, {"b": 0.5}).current == {"a": 8, "b": 2}


def test_hand_typed_shares_that_nearly_add_up_are_rescaled():
    plan = make_plan(column({"a": 50, "b": 30, "c": 20}), {"a": 0.333, "b": 0.333, "c": 0.333}, mode="full", rows=999)
    assert plan.target == {"a": 333, "b": 333, "c": 333}
    with pytest.raises(ValueError, match=r"add up to 0\.990"):
        make_plan(column({"a": 50, "b": 30, "c": 20}), {"a": 0.33, "b": 0.33, "c": 0.33})


def test_the_generated_flag_leads_and_never_replaces_a_users_column(patients):
    from synth.rebalancing.run import rebalance

    table = patients.assign(generated="user value")
    result = rebalance(table, column="variant", shares={"Variant X": 0.3}, method="naive", random_state=0)
    marked = result.marked()
    assert list(marked.columns[:2]) == ["generated_1", *table.columns[:1]]
    assert (marked["generated"] == "user value").all() and marked["generated_1"].sum() == result.generated.sum()
    assert list(result.marked(np.arange(3)).columns) == list(marked.columns)


def test_a_holdout_sharing_a_few_rows_with_training_is_flagged_and_a_copy_refused(patients):
    from synth.data.holdout import choose_holdout
    from synth.errors import SynthError

    train, holdout = patients.iloc[:2000], patients.iloc[2000:]
    description = choose_holdout(train, "variant", pd.concat([holdout, train.iloc[:3]])).description
    assert "(3 holdout row(s) also appear in the training table: rows of few coarse columns repeat by nature" in description
    assert "(here 0% of training rows repeat one another), and a model scores such rows as if it had seen them)" in description
    with pytest.raises(SynthError, match="2,000 of the holdout's 2,000 rows also appear"):
        choose_holdout(train, "variant", train)


def test_a_step_beyond_the_memory_budget_is_refused_before_any_work(patients, monkeypatch):
    from synth.errors import PlanError
    from synth.rebalancing.run import rebalance

    monkeypatch.setenv("REBALANCE_STUDIO_MEMORY_MB", "64")
    big = pd.concat([patients] * 40, ignore_index=True)  # 120,000 rows
    with pytest.raises(
        PlanError, match=r"needs about .* GB of memory .* over this server's 0.1 GB limit per step.*sample of about"
    ):
        rebalance(big, column="variant", shares={"Variant X": 0.5}, method="synthetic")


def test_a_coarse_table_whose_rows_repeat_by_nature_keeps_its_own_split():
    from synth.assess.evaluate import evaluate
    from synth.data.holdout import split_holdout

    rng = np.random.default_rng(0)
    n = 3000
    table = pd.DataFrame({"a": rng.choice(list("xyz"), n), "b": rng.choice(list("pq"), n), "y": rng.choice(list("uvwst"), n)})
    split = split_holdout(table, column="y")
    assert (
        evaluate(split.train, split.holdout, column="y", positive="u", n_repeats=1)
        .notes[-1]
        .endswith("training rows repeat one another), and a model scores such rows as if it had seen them")
    )


def test_growing_adds_exactly_n_rows_in_todays_shares_or_in_set_ones():
    values = column({"a": 400, "b": 100})
    kept = make_plan(values, {}, mode="grow", rows=500)
    assert kept.additions == {"a": 400, "b": 100} and kept.target == {"a": 800, "b": 200}
    set_shares = make_plan(values, {"b": 0.4}, mode="grow", rows=500)
    assert sum(set_shares.additions.values()) == 500 and set_shares.target == {"a": 600, "b": 400}
    with pytest.raises(PlanError, match="'a' would need 300 fewer rows"):
        make_plan(values, {"b": 0.9}, mode="grow", rows=500)  # growing never drops a real row
    with pytest.raises(ParameterError, match="rows to add"):
        make_plan(values, {}, mode="grow")


def test_a_grown_table_holds_every_real_row_then_n_new_ones(patients):
    from synth.rebalancing.run import rebalance

    small = patients.sample(500, random_state=0)
    grown = rebalance(small, column="variant", shares={}, method="synthetic", mode="grow", rows=1000, random_state=0)
    assert len(grown.table) == 1500 and int(grown.generated.sum()) == 1000
    pd.testing.assert_frame_equal(grown.table.iloc[:500].reset_index(drop=True), small.reset_index(drop=True))
    share = (small["variant"] == "Variant X").mean()
    assert (grown.new_rows["variant"] == "Variant X").mean() == pytest.approx(share, abs=0.002)
