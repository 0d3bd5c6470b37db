"""The synthetic generator: realistic values, the class's signal, no copies, determinism."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from synth.assess.privacy import exact_copy_share
from synth.data.kinds import detect_schema
from synth.errors import ParameterError
from synth.rebalancing.generator.model import SyntheticGenerator


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


def test_sample_before_fit_and_unknown_value(fitted):
    with pytest.raises(NotFittedError):
        SyntheticGenerator().sample({"a": 1})
    with pytest.raises(ParameterError, match="privacy_guard") as refused:
        SyntheticGenerator(privacy_guard=0.9).fit(None, None, "never read")  # refused before touching the data
    assert refused.value.parameter == "privacy_guard"
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


@pytest.mark.parametrize("categories", [0, 3, 30])
def test_grouped_closeness_check_matches_a_full_search(categories):
    from synth.rebalancing.generator.neighbours import neighbour_distances, within_distance

    rng = np.random.default_rng(categories)

    def rows(n: int, numbers: int = 2) -> np.ndarray:
        one_hot = np.eye(max(categories, 1))[rng.integers(0, max(categories, 1), n)][:, :categories] / np.sqrt(2)
        return np.hstack([one_hot, rng.random((n, numbers))]).astype(np.float32)

    points, queries = rows(3000), rows(1500)
    for limit in (0.01, 0.05, 0.2, 0.9):
        expected = neighbour_distances(points, queries) < limit
        np.testing.assert_array_equal(within_distance(points, queries, limit, categories), expected)
    if categories:
        only_categories = points[:, :categories]
        np.testing.assert_array_equal(
            within_distance(only_categories, queries[:, :categories], 0.1, categories),
            neighbour_distances(only_categories, queries[:, :categories]) < 0.1,
        )
