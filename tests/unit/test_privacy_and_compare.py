import pytest

from synth.compare import Condition, class_counts, distribution, drill_down, rows_of_value
from synth.holdout import split_holdout
from synth.kinds import detect_schema
from synth.privacy import privacy_report
from synth.rebalance import rebalance


@pytest.fixture(scope="module")
def setting(patients):
    split = split_holdout(patients, "variant", 0.25, seed=0)
    outputs = {m: rebalance(split.train, "variant", {"Variant X": 0.3}, method=m) for m in ("naive", "smote", "synthetic")}
    return split, outputs, detect_schema(patients)


def test_naive_rows_are_all_copies_and_synthetic_none(setting):
    split, outputs, schema = setting
    reports = {m: privacy_report(r.new_rows, split.train, split.holdout, schema, "variant") for m, r in outputs.items()}
    assert reports["naive"].exact_copy_share == 1.0
    assert reports["naive"].dcr_generated_median == 0.0
    assert reports["synthetic"].exact_copy_share == 0.0
    assert reports["synthetic"].dcr_generated_median > 0.0
    assert reports["naive"].dcr_share > 0.9
    assert 0.0 < reports["synthetic"].dcr_share < reports["naive"].dcr_share
    assert reports["smote"].exact_copy_share < 0.05


def test_class_counts_and_distribution(setting):
    split, outputs, schema = setting
    tables = {"original": split.train, "synthetic": outputs["synthetic"].table, "holdout": split.holdout}
    counts = class_counts(tables, "variant")
    assert counts.loc["synthetic"].to_dict() == outputs["synthetic"].plan.target
    rare = {name: rows_of_value(t, "variant", "Variant X") for name, t in tables.items()}
    for feature in ("age", "region", "bmi", "admitted"):
        frame = distribution(rare, feature, schema, reference="holdout")
        assert frame.groupby("source")["share"].sum().round(6).eq(1.0).all()


def test_drill_down_counts_rows_meeting_every_condition(setting):
    split, _, _ = setting
    conditions = [Condition("sex", values=("female",)), Condition("age", low=60, high=200)]
    frame = drill_down({"train": split.train}, conditions)
    expected = ((split.train["sex"] == "female") & (split.train["age"] >= 60)).sum()
    assert frame.loc[0, "matching rows"] == expected
    assert "60 <= age <= 200" in conditions[1].describe()


def test_closer_share_is_a_fair_coin_for_equal_distances_and_one_for_copies():
    import numpy as np

    from synth.privacy import closer_share

    rng = np.random.default_rng(0)
    assert closer_share(rng.random(4000), rng.random(4000)) == pytest.approx(0.5, abs=0.02)
    assert closer_share(np.zeros(10), rng.random(100) + 0.1) == 1.0
    assert closer_share(np.ones(10), np.ones(10)) == 0.5
