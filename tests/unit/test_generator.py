"""The synthetic generator: realistic values, the class's signal, no copies, determinism."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from synth.assess.privacy import exact_copy_share
from synth.data.kinds import detect_schema
from synth.errors import ParameterError
from synth.generator.model import SyntheticGenerator


@pytest.fixture(scope="module")
def fitted(patients):
    return SyntheticGenerator(random_state=0).fit(patients, detect_schema(patients), "variant")


def test_sampled_rows_have_the_class_and_the_table_shape(fitted, patients):
    rows = fitted.sample({"Variant X": 500, "Other": 200})
    assert rows["variant"].value_counts().to_dict() == {"Variant X": 500, "Other": 200}
    assert rows.dtypes.to_dict() == patients.dtypes.to_dict()


def test_values_stay_plausible(fitted, patients):
    rows = fitted.sample({"Variant X": 2000})
    assert rows["age"].between(patients["age"].min(), patients["age"].max()).all()
    assert (rows["age"] % 1 == 0).all()
    assert rows["admitted"].between(patients["admitted"].min(), patients["admitted"].max()).all()
    assert (rows["admitted"].dt.normalize() == rows["admitted"]).all()  # dates stay dates, no clock times
    assert set(rows["region"]).issubset(set(patients["region"]))


def test_missing_values_appear_at_a_realistic_rate(fitted, patients):
    rows = fitted.sample({"Variant X": 4000, "Other": 4000})
    real = patients["bmi"].isna().mean()
    assert rows["bmi"].isna().mean() == pytest.approx(real, abs=0.02)


def test_the_rare_class_keeps_its_own_signal(fitted, patients):
    """Exposure is ~8% overall but far more common among Variant X; generated rows must show that."""
    rows = fitted.sample({"Variant X": 3000})
    real_rare = patients[patients["variant"] == "Variant X"]
    overall = (patients["known_exposure"] == "yes").mean()
    generated = (rows["known_exposure"] == "yes").mean()
    assert generated > 2 * overall
    assert generated == pytest.approx((real_rare["known_exposure"] == "yes").mean(), abs=0.2)


def test_no_generated_row_copies_a_real_one(fitted, patients):
    rows = fitted.sample({"Variant X": 3000})
    features = [c for c in fitted.features()]
    assert exact_copy_share(rows, patients, features) == 0.0


def test_deterministic_for_a_seed(patients):
    schema = detect_schema(patients)
    first = SyntheticGenerator(random_state=7).fit(patients, schema, "variant").sample({"Variant X": 300})
    second = SyntheticGenerator(random_state=7).fit(patients, schema, "variant").sample({"Variant X": 300})
    pd.testing.assert_frame_equal(first, second)
    other = SyntheticGenerator(random_state=8).fit(patients, schema, "variant").sample({"Variant X": 300})
    differing = (other.reset_index(drop=True) != first.reset_index(drop=True)) & ~(
        other.isna().to_numpy() & first.isna().to_numpy()
    )
    assert differing.any(axis=1).mean() > 0.5  # another seed gives other rows, not the same ones again


def test_sample_before_fit_and_unknown_value(fitted):
    with pytest.raises(NotFittedError):
        SyntheticGenerator().sample({"a": 1})
    with pytest.raises(ValueError, match="'Variant Y' is not a value"):
        fitted.sample({"Variant Y": 3})


def test_rows_with_a_missing_class_are_ignored_for_learning(patients):
    table = patients.copy()
    table.loc[table.index[:50], "variant"] = None
    rows = SyntheticGenerator().fit(table, detect_schema(table), "variant").sample({"Variant X": 100})
    assert rows["variant"].eq("Variant X").all()


def test_scales_to_many_columns():
    rng = np.random.default_rng(0)
    n = 2000
    table = pd.DataFrame({f"n{i}": rng.normal(size=n) for i in range(30)})
    for i in range(25):
        table[f"c{i}"] = rng.choice(list("abcd"), n)
    table["label"] = np.where(table["n0"] + rng.normal(size=n) > 2.8, "rare", "common")
    rows = SyntheticGenerator().fit(table, detect_schema(table), "label").sample({"rare": 1000})
    assert rows.shape == (1000, 56)
    assert rows["n0"].mean() > table["n0"].mean() + 1


@pytest.mark.parametrize("rare_rows", [1, 5, 19])
def test_extreme_imbalance(patients, rare_rows):
    common = patients[patients["variant"] == "Other"]
    table = pd.concat([common, patients[patients["variant"] == "Variant X"].head(rare_rows)], ignore_index=True)
    generator = SyntheticGenerator(random_state=0).fit(table, detect_schema(table), "variant")
    rows = generator.sample({"Variant X": len(common)})
    assert len(rows) == len(common) and rows["variant"].eq("Variant X").all()
    assert exact_copy_share(rows, table, generator.features()) == 0.0


def test_every_value_is_one_that_really_occurs(fitted, patients):
    """Values keep their column's form: no 30.630881961984528 where the data writes 30.6."""
    rows = fitted.sample({"Variant X": 1000, "Other": 1000})
    for name in fitted.features():
        real = set(patients[name].dropna())
        assert set(rows[name].dropna()) <= real, name


def test_records_mix_many_real_rows(fitted, patients):
    """Each record takes its values from several real rows: far from a disguised copy of one."""
    rows = fitted.sample({"Other": 500})
    features = fitted.features()
    real = patients[features].astype("string").fillna("NA").to_numpy()
    mine = rows[features].astype("string").fillna("NA").to_numpy()
    agreement = max((real == row).mean(axis=1).max() for row in mine[:50])
    assert agreement < 1.0
    shared = np.mean([(real == row).mean(axis=1).max() for row in mine[:50]])
    assert shared < 0.95


def test_donor_weights_blend_own_rows_and_the_reweighted_table(fitted):
    weights = fitted.donor_weights("Variant X")
    own = fitted.labels_ == "Variant X"
    assert weights.sum() == pytest.approx(1.0)
    assert (weights > 0).all()
    assert weights[own].mean() > weights[~own].mean()


def test_strict_groups_draw_from_their_own_rows_only(patients):
    generator = SyntheticGenerator(strict_min_rows=30, random_state=0).fit(patients, detect_schema(patients), "region")
    region = patients["region"].value_counts().index[0]
    weights = generator.donor_weights(region)
    own = generator.labels_ == region
    assert (weights[~own] == 0).all() and (weights[own] > 0).all()
    loose = SyntheticGenerator(random_state=0).fit(patients, detect_schema(patients), "region").donor_weights(region)
    assert (loose[~own] > 0).all()  # without the feature, other groups' rows do lend values


def test_complete_keeps_the_given_columns_and_conditions_on_them(patients):
    table = patients.assign(one="x")
    schema = detect_schema(table)
    generator = SyntheticGenerator(first=["age"], random_state=0).fit(table, schema, "one")
    fixed = pd.DataFrame({"age": [20] * 300 + [80] * 300})
    rows = generator.complete(fixed)
    assert rows["age"].tolist() == fixed["age"].tolist()
    young, old = rows.iloc[:300], rows.iloc[300:]
    real = patients.dropna(subset=["bmi"])
    real_gap = real.loc[real["age"] >= 70, "bmi"].mean() - real.loc[real["age"] <= 30, "bmi"].mean()
    assert real_gap > 1.5  # the demo's older patients are heavier: the premise of this test
    assert old["bmi"].mean() - young["bmi"].mean() > real_gap / 2


def test_first_columns_must_be_modelled_features(patients):
    with pytest.raises(ValueError, match="first names columns"):
        SyntheticGenerator(first=["nope"]).fit(patients, detect_schema(patients), "variant")


@pytest.mark.parametrize(
    ("name", "bad", "accepted"),
    [
        ("category_leaf", 0, "an int in the range [1, inf)"),
        ("number_leaf", 2.5, "an int in the range [1, inf)"),
        ("prior_weight", -1, "a float in the range (0.0, inf)"),
        ("prior_weight", 0, "a float in the range (0.0, inf)"),
        ("real_anchor_rows", -70, "a float in the range [0.0, inf)"),
        ("truncate_top", 2, "a float in the range [0.0, 1.0)"),
        ("strict_min_rows", 0, "an int in the range [1, inf) or None"),
        ("first", "age", "an array-like"),
        ("fit_rows", 0, "an int in the range [1, inf)"),
        ("random_state", "x", "an int in the range [0, inf) or None"),
        ("random_state", -1, "an int in the range [0, inf) or None"),
    ],
)
def test_every_bad_parameter_is_refused_by_name_before_touching_data(name, bad, accepted):
    with pytest.raises(ParameterError) as refused:
        SyntheticGenerator(**{name: bad}).fit(None, None, "never read")  # no table: validation comes first
    assert str(refused.value) == f"The {name!r} parameter of SyntheticGenerator must be {accepted}. Got {bad!r} instead."
    assert refused.value.parameter == name


def test_every_constructor_parameter_is_declared():
    assert set(SyntheticGenerator._parameter_constraints) == set(SyntheticGenerator().get_params())
