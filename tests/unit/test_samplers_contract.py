"""One contract over every method, as imbalanced-learn's test_common does for its samplers."""

import contextlib

import numpy as np
import pandas as pd
import pytest
from sklearn.utils._param_validation import generate_invalid_param_val, make_constraint

from synth.data.kinds import detect_schema
from synth.errors import MethodRefused, ParameterError
from synth.rebalancing.plan import make_plan
from synth.rebalancing.run import check_target, rebalance, rebalance_all
from synth.rebalancing.samplers import SAMPLERS
from synth.table import value_counts

METHODS = list(SAMPLERS)
# Known refusals, as imbalanced-learn's test_common marks them: (method, case) -> why.
KNOWN_REFUSALS = {
    ("kmeans-smote", "all categorical"): "20 rare rows among 400 form no cluster where the class is dense",
    ("kmeans-smote", "all numeric"): "20 rare rows among 400 form no cluster where the class is dense",
    ("borderline-smote", "separated classes"): "no row sits near another class, so it finds no boundary to sample",
}


def each_method(case: str) -> list:
    """Every registered method, with its known refusal for ``case`` marked as a strict expected failure."""
    params = []
    for method in METHODS:
        reason = KNOWN_REFUSALS.get((method, case))
        marks = [pytest.mark.xfail(raises=MethodRefused, strict=True, reason=reason)] if reason else []
        params.append(pytest.param(method, marks=marks, id=method))
    return params


@pytest.fixture(scope="module")
def outputs(patients):
    return {m: rebalance(patients, column="variant", shares={"Variant X": 0.4}, method=m, random_state=3) for m in METHODS}


@pytest.mark.parametrize("method", METHODS)
def test_target_counts_are_met(outputs, method):
    result = outputs[method]
    assert value_counts(result.table["variant"]) == result.plan.target
    assert result.plan.target["Variant X"] / sum(result.plan.target.values()) == pytest.approx(0.4, abs=1e-3)


@pytest.mark.parametrize("method", METHODS)
def test_hybrid_keeps_every_original_row_first(outputs, patients, method):
    result = outputs[method]
    pd.testing.assert_frame_equal(result.table.iloc[: len(patients)], patients)
    assert not result.generated[: len(patients)].any() and result.generated[len(patients) :].all()


@pytest.mark.parametrize("method", METHODS)
def test_columns_and_dtypes_are_kept(outputs, patients, method):
    new = outputs[method].new_rows
    assert list(new.columns) == list(patients.columns)
    assert new.dtypes.to_dict() == patients.dtypes.to_dict()
    assert (new["variant"] == "Variant X").all()


@pytest.mark.parametrize("method", METHODS)
def test_generated_rows_get_fresh_ids(outputs, patients, method):
    ids = outputs[method].table["patient_id"]
    assert ids.is_unique
    assert not outputs[method].new_rows["patient_id"].isin(patients["patient_id"]).any()


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_output_other_seed_other_output(outputs, patients, method):
    again = rebalance(patients, column="variant", shares={"Variant X": 0.4}, method=method, random_state=3)
    pd.testing.assert_frame_equal(again.table, outputs[method].table)
    other = rebalance(patients, column="variant", shares={"Variant X": 0.4}, method=method, random_state=4)
    assert not other.new_rows.reset_index(drop=True).equals(again.new_rows.reset_index(drop=True))


@pytest.mark.parametrize("method", each_method("multi-class"))
def test_multi_class_shares(three_classes, method):
    shares = {"common": 0.4, "middle": 0.3, "rare": 0.3}
    result = rebalance(three_classes, column="label", shares=shares, method=method)
    counts = value_counts(result.table["label"])
    assert counts == result.plan.target
    total = sum(counts.values())
    for value, share in shares.items():
        assert counts[value] / total == pytest.approx(share, abs=2e-3)
    assert result.table["count"].dtype == three_classes["count"].dtype


def test_full_mode_only_for_the_generator(patients):
    with pytest.raises(ValueError, match="can only add rows"):
        rebalance(patients, column="variant", shares={"Variant X": 0.5}, method="smote", mode="full")
    full = rebalance(patients, column="variant", shares={"Variant X": 0.5}, method="synthetic", mode="full", rows=800)
    assert len(full.table) == 800 and full.generated.all()
    assert value_counts(full.table["variant"]) == {"Other": 400, "Variant X": 400}


def test_a_single_minority_row(patients):
    one = pd.concat([patients[patients["variant"] == "Other"], patients[patients["variant"] == "Variant X"].head(1)])
    for method in ("smote", "borderline-smote", "kmeans-smote"):
        with pytest.raises(MethodRefused, match="SMOTE needs at least 2 rows of 'Variant X' to interpolate between; it has 1"):
            rebalance(one, column="variant", shares={"Variant X": 0.5}, method=method)
    for method in ("naive", "synthetic"):
        result = rebalance(one, column="variant", shares={"Variant X": 0.5}, method=method)
        assert value_counts(result.table["variant"])["Variant X"] == (one["variant"] == "Other").sum()


def test_smote_adapts_k_to_a_tiny_class(patients):
    three = pd.concat([patients[patients["variant"] == "Other"], patients[patients["variant"] == "Variant X"].head(3)])
    result = rebalance(three, column="variant", shares={"Variant X": 0.5}, method="smote")
    assert value_counts(result.table["variant"])["Variant X"] == (three["variant"] == "Other").sum()


@pytest.mark.parametrize("kind", ["all categorical", "all numeric"])
@pytest.mark.parametrize("method", METHODS)
def test_all_categorical_and_all_numeric_features(method, kind, request):
    rng = np.random.default_rng(0)
    n = 400
    label = np.where(rng.random(n) < 0.05, "yes", "no")
    categorical = pd.DataFrame({"a": rng.choice(list("xyz"), n), "b": rng.choice(list("pq"), n), "label": label})
    numeric = pd.DataFrame({"a": rng.normal(size=n), "b": rng.exponential(size=n), "label": label})
    table = categorical if kind == "all categorical" else numeric
    reason = KNOWN_REFUSALS.get((method, kind))
    if reason:
        request.applymarker(pytest.mark.xfail(raises=MethodRefused, strict=True, reason=reason))
    result = rebalance(table, column="label", shares={"yes": 0.5}, method=method)
    assert value_counts(result.table["label"]) == result.plan.target


def test_no_feature_columns_is_explained():
    table = pd.DataFrame({"id": range(100), "label": ["a"] * 90 + ["b"] * 10})
    with pytest.raises(ValueError, match="No usable feature columns"):
        rebalance(table, column="label", shares={"b": 0.5}, method="naive")


def test_only_categorical_columns_can_be_rebalanced_by_value(patients):
    with pytest.raises(ValueError, match="'30' is not one of the ranges"):  # a numeric column is rebalanced by ranges
        rebalance(patients, column="age", shares={"30": 0.5})
    with pytest.raises(ValueError, match="'age' is numeric; only a categorical column"):
        check_target(patients, detect_schema(patients), "age")
    with pytest.raises(ValueError, match="no column 'nope'"):
        rebalance(patients, column="nope", shares={"a": 0.5})


def test_unknown_method(patients):
    with pytest.raises(ValueError, match="Unknown method 'gan'"):
        rebalance(patients, column="variant", shares={"Variant X": 0.5}, method="gan")


def test_schema_overrides_are_used(patients):
    rare_ages = set(patients.loc[patients["variant"] == "Variant X", "age"])
    schema = detect_schema(patients).with_overrides({"age": "categorical"})
    voted = rebalance(patients, column="variant", shares={"Variant X": 0.3}, method="smote", schema=schema)
    assert set(voted.new_rows["age"]) <= rare_ages  # a category is voted from the neighbours, never interpolated
    interpolated = rebalance(patients, column="variant", shares={"Variant X": 0.3}, method="smote")
    assert not set(interpolated.new_rows["age"]) <= rare_ages  # as a number it is: the override made the difference


@pytest.mark.parametrize("method", each_method("missing and infinite"))
def test_missing_and_infinite_values_do_not_break_any_method(method):
    rng = np.random.default_rng(1)
    n = 500
    amount = rng.exponential(100, n)
    amount[:20] = np.nan
    amount[20:25] = np.inf
    table = pd.DataFrame(
        {
            "amount": amount,
            "kind": rng.choice(["a", "b", None], n),
            "label": np.where(rng.random(n) < 0.06, "rare", "common"),
        }
    )
    result = rebalance(table, column="label", shares={"rare": 0.5}, method=method)
    assert value_counts(result.table["label"]) == result.plan.target
    pd.testing.assert_frame_equal(result.table.iloc[:n], table)  # real rows, inf included, untouched
    if method != "naive":  # naive repeats rows as they are; the others must not invent infinities
        assert not np.isinf(result.new_rows["amount"]).any()


def bad_values(constraints: list) -> list:
    """A value of no accepted type, NaN, and the out-of-range value scikit-learn generates for each constraint."""
    values = [object(), "text", float("nan")]
    for constraint in constraints:
        with contextlib.suppress(NotImplementedError):
            values.append(generate_invalid_param_val(make_constraint(constraint)))
    return values


@pytest.mark.parametrize("method", METHODS)
def test_every_declared_parameter_is_validated_before_any_work(method):
    """As imbalanced-learn's check_param_validation: every bad value names the parameter and the value."""
    cls = SAMPLERS[method]
    for name, constraints in cls._parameter_constraints.items():
        for bad in bad_values(constraints):
            with pytest.raises(
                ParameterError, match=f"The '{name}' parameter of {cls.__name__} must be .* Got .* instead"
            ) as refused:
                cls.create(**{name: bad}).generate(None, None, "never read", {})
            assert refused.value.parameter == name
    with pytest.raises(ParameterError, match="has no parameter 'k'"):
        cls.create(k=3)


def test_declared_parameters_reach_the_method(patients):
    heard = []
    rebalance(
        patients,
        column="variant",
        shares={"Variant X": 0.3},
        method="smote",
        params={"k_neighbors": 2},
        progress=lambda _, message: heard.append(message),
    )
    assert any("(k=2)" in message for message in heard)
    default = rebalance(patients, column="variant", shares={"Variant X": 0.3}, method="synthetic")
    coarse = rebalance(patients, column="variant", shares={"Variant X": 0.3}, method="synthetic", params={"number_leaf": 400})
    assert not coarse.new_rows["bmi"].equals(default.new_rows["bmi"])


def test_rebalance_all_runs_one_plan_in_threads_resumes_and_lists_refusals(patients):
    one = pd.concat([patients[patients["variant"] == "Other"], patients[patients["variant"] == "Variant X"].head(1)])
    schema = detect_schema(one)
    plan = make_plan(one["variant"], {"Variant X": 0.5})
    heard = []
    side_by_side = rebalance_all(
        one, plan=plan, schema=schema, methods=["naive", "smote", "synthetic"], workers=2, on_result=lambda m, r: heard.append(m)
    )
    assert list(side_by_side.results) == ["naive", "synthetic"] and "SMOTE needs at least 2 rows" in side_by_side.notes["smote"]
    assert sorted(heard) == ["naive", "smote", "synthetic"]
    in_turn = rebalance_all(one, plan=plan, schema=schema, methods=["naive", "synthetic"])
    for method in ("naive", "synthetic"):
        pd.testing.assert_frame_equal(in_turn.results[method].table, side_by_side.results[method].table)
        assert in_turn.results[method].plan is plan
    resumed = rebalance_all(
        one, plan=plan, schema=schema, methods=["naive", "synthetic"], done={"naive": in_turn.results["naive"]}
    )
    assert resumed.results["naive"] is in_turn.results["naive"]


@pytest.mark.parametrize("method", each_method("separated classes"))
def test_multi_class_rows_carry_their_own_class_features(method):
    """Each generated class must look like its own real rows, whatever order a library sorts classes in."""
    rng = np.random.default_rng(3)
    centres = {"a": 0.0, "z": 100.0, "m": 1000.0}
    label = rng.choice(list(centres), 900, p=[0.8, 0.15, 0.05])
    table = pd.DataFrame({"x": [centres[v] + rng.normal() for v in label], "kind": rng.choice(["p", "q"], 900), "label": label})
    result = rebalance(table, column="label", shares={"a": 1 / 3, "z": 1 / 3, "m": 1 / 3}, method=method)
    new = result.new_rows
    for value, centre in centres.items():
        rows = new[new["label"] == value]
        if len(rows):
            assert abs(rows["x"].mean() - centre) < 20, (value, rows["x"].mean())
