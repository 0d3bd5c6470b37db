import numpy as np
import pandas as pd
import pytest

from synth.assess.compare import class_counts, distribution, drill_down
from synth.assess.groups import Condition
from synth.assess.privacy import privacy_report
from synth.data.holdout import split_holdout
from synth.data.kinds import detect_schema
from synth.errors import ParameterError
from synth.rebalancing.run import rebalance
from synth.table import rows_of_value


@pytest.fixture(scope="module")
def setting(patients):
    split = split_holdout(patients, column="variant", share=0.25, random_state=0)
    outputs = {
        m: rebalance(split.train, column="variant", shares={"Variant X": 0.3}, method=m) for m in ("naive", "smote", "synthetic")
    }
    return split, outputs, detect_schema(patients)


def test_naive_rows_are_all_copies_and_synthetic_none(setting):
    split, outputs, schema = setting
    reports = {
        m: privacy_report(r.new_rows, split.train, split.holdout, schema=schema, column="variant") for m, r in outputs.items()
    }
    assert reports["naive"].exact_copy_share == 1.0
    assert reports["naive"].dcr_generated_median == 0.0
    assert reports["synthetic"].exact_copy_share == 0.0
    assert reports["synthetic"].dcr_generated_median > 0.0
    assert reports["naive"].dcr_rank > 0.9
    assert 0.0 < reports["synthetic"].dcr_rank < reports["naive"].dcr_rank
    # mostlyai-qa's share compares with training sampled to the holdout's size: copies of the sampled
    # third of training are nearer to it, genuinely new rows about as near as to the holdout
    assert 0.35 < reports["synthetic"].dcr_share < 0.6 < reports["naive"].dcr_share, (
        reports["synthetic"].dcr_share,
        reports["naive"].dcr_share,
    )
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

    from synth.assess.privacy import closer_share

    rng = np.random.default_rng(0)
    assert closer_share(rng.random(4000), rng.random(4000)) == pytest.approx(0.5, abs=0.02)
    assert closer_share(np.zeros(10), rng.random(100) + 0.1) == 1.0
    assert closer_share(np.ones(10), np.ones(10)) == 0.5


def test_fidelity_is_perfect_for_the_same_rows_and_lower_for_shuffled_ones(setting):
    from synth.assess.fidelity import fidelity_report

    split, outputs, schema = setting
    real = rows_of_value(split.holdout, "variant", "Other")
    same = fidelity_report(real, real, schema=schema, exclude="variant")
    assert same.mean_similarity == pytest.approx(1.0) and same.dependency_gap == pytest.approx(0.0)
    shuffled = real.copy()
    for i, name in enumerate(real.columns):
        shuffled[name] = real[name].sample(frac=1, random_state=i).to_numpy()
    broken = fidelity_report(real, shuffled, schema=schema, exclude="variant")
    assert broken.mean_similarity == pytest.approx(1.0)  # marginals survive a shuffle...
    assert broken.dependency_gap > 0.01  # ...dependencies do not
    generated = fidelity_report(
        rows_of_value(split.holdout, "variant", "Variant X"), outputs["synthetic"].new_rows, schema=schema, exclude="variant"
    )
    assert 0.5 < generated.mean_similarity < 1.0


def test_diversity_drops_when_rows_repeat(setting):
    import pandas as pd

    from synth.assess.diversity import diversity_table, entropy

    split, _, schema = setting

    assert entropy(pd.Series(["a", "b"] * 10)) == pytest.approx(1.0)
    assert entropy(pd.Series(["a"] * 5)) == 0.0
    tables = {
        "holdout": rows_of_value(split.holdout, "variant", "Other"),
        "repeated": pd.concat([split.train.head(3)] * 100),
    }
    frame = diversity_table(
        tables, schema, ["region", "age"], reference="holdout", subgroup=[Condition("sex", values=("female",))]
    )
    holdout_col, repeated_col = frame.columns
    assert (frame[holdout_col] > frame[repeated_col]).all()


def test_undeclared_parameters_are_refused_by_name(setting):
    split, _, _ = setting
    for method, label in (("smote", "SMOTE-NC"), ("synthetic", "Synthetic")):
        with pytest.raises(ParameterError, match=f"{label} has no parameter 'privacy_guard'") as refused:
            rebalance(split.train, column="variant", shares={"Variant X": 0.3}, method=method, params={"privacy_guard": 0.3})
        assert refused.value.parameter == "privacy_guard"


def test_distribution_buckets_keep_value_order_when_the_first_table_lacks_some():
    import pandas as pd

    reference = pd.DataFrame({"age": np.r_[np.full(50, 51.0), np.full(50, 52.0), np.linspace(51.1, 51.9, 40)]})
    other = pd.DataFrame({"age": [40.0, 60.0, 51.5, 51.5]})
    tables = {"scarce": pd.DataFrame({"age": [40.0, 60.0]}), "original": reference, "other": other}
    frame = distribution(tables, "age", detect_schema(reference), "original")
    for _, part in frame.groupby("source"):
        assert part["bucket"].iloc[0] == "< 51" and part["bucket"].iloc[-1] == "> 52"
        assert part["bucket"].iloc[1].startswith("[51,")
    assert frame.groupby("bucket")["share"].sum().gt(0).all()


def test_pair_similarity_and_dependency_gap_see_a_lost_relation():
    from synth.assess.fidelity import cramers_v, fidelity_report

    rng = np.random.default_rng(0)
    a = rng.choice(["x", "y"], 2000)
    real = pd.DataFrame({"a": a, "b": np.where(rng.random(2000) < 0.9, a, "z"), "c": rng.choice(["p", "q"], 2000)})
    shuffled = real.assign(b=rng.permutation(real["b"].to_numpy()))  # each column kept, the a-b relation lost
    schema = detect_schema(real)
    same, lost = (
        fidelity_report(real, real, schema=schema, exclude=""),
        fidelity_report(real, shuffled, schema=schema, exclude=""),
    )
    assert same.pair_similarity == pytest.approx(1.0) and same.dependency_gap == pytest.approx(0.0)
    assert lost.mean_similarity == pytest.approx(1.0) and lost.pair_similarity < 0.85 and lost.dependency_gap > 0.25
    assert cramers_v(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1])) == pytest.approx(1.0)
