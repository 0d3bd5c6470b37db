"""Leakage: a column that lifts the model far beyond the others together is suspected; a merely strong one is not."""

import numpy as np
import pandas as pd
import pytest

from synth.assess.leakage import LEAK, STRONGEST, column_power, leak_check
from synth.data.kinds import detect_schema
from tests.conftest import SHARED, needs_shared


def bank_like(n: int = 4000, random_state: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(random_state)
    y = rng.random(n) < 0.12
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n) + 3 * y,
            "job": rng.choice(["admin", "technician", "services", "retired"], n),
            "balance": np.round(rng.normal(1000, 500, n) + 400 * y, 2),  # the others together reach about 0.75
            "month": np.where(rng.random(n) < np.where(y, 0.5, 0.2), "mar", rng.choice(["may", "jun", "jul"], n)),
            "duration": np.round(rng.exponential(200, n) + 500 * y),  # the call's length: known after the outcome
            "customer": [f"c{i}" for i in range(n)],
            "y": np.where(y, "yes", "no"),
        }
    )


def census_like(n: int = 6000, random_state: int = 0) -> pd.DataFrame:
    """Education, occupation and hours each predict income well alone, and each says much what the others say."""
    rng = np.random.default_rng(random_state)
    standing = rng.normal(0, 1, n)
    rich = standing + rng.normal(0, 0.6, n) > 1.3
    return pd.DataFrame(
        {
            "education": np.digitize(standing + rng.normal(0, 0.35, n), [-1, 0, 0.7, 1.4]).astype(str),
            "occupation": np.digitize(standing + rng.normal(0, 0.35, n), [-0.5, 0.5, 1.2]).astype(str),
            "hours": np.round(40 + 8 * (standing + rng.normal(0, 0.35, n))),
            "region": rng.choice(["north", "south", "east", "west"], n),
            "income": np.where(rich, ">50K", "<=50K"),
        }
    )


def test_column_power_ranks_columns_alone_and_never_memorises():
    table = bank_like()
    power = column_power(table, column="y", positive="yes", schema=detect_schema(table)).set_index("column")
    assert power.index[0] == "duration" and power.loc["duration", "AUC alone"] > 0.85
    assert "customer" not in power.index  # ID-like columns are never features
    assert 0.45 < power.loc["job", "AUC alone"] < 0.56  # no signal scores about 0.5, never memorised


def test_the_leaking_column_is_suspected_because_it_lifts_the_model():
    table = bank_like()
    check = leak_check(table, column="y", positive="yes", schema=detect_schema(table))
    power = check.power.set_index("column")
    assert check.suspected == ["duration"]
    assert check.auc_all - power.loc["duration", "AUC without it"] > 0.15
    assert "0." in check.reason("duration") and check.reason("duration").startswith(LEAK)
    assert (power.drop(index="duration")["flag"].str.startswith(LEAK) == False).all()  # noqa: E712


def test_a_strong_honest_predictor_is_named_strongest_not_suspected():
    table = census_like()
    check = leak_check(table, column="income", positive=">50K", schema=detect_schema(table))
    power = check.power.set_index("column")
    assert power["AUC alone"].iloc[0] >= 0.8  # as strong alone as the old rule's "almost alone"
    assert check.suspected == []
    assert power["flag"].iloc[0].startswith(STRONGEST)
    assert (power["flag"].iloc[1:] == "").all()


def test_too_few_rare_rows_give_a_note_not_a_verdict():
    table = bank_like(400)
    table.loc[table.index[30:], "y"] = "no"
    check = leak_check(table, column="y", positive="yes", schema=detect_schema(table))
    assert check.suspected == [] and "too few" in check.notes[0]


@pytest.mark.shared
@needs_shared
def test_full_adult_has_a_strongest_predictor_and_no_suspected_leak():
    table = pd.read_csv(SHARED / "adult" / "adult_train.csv", na_values="?", skipinitialspace=True)
    check = leak_check(table, column="income", positive=">50K", schema=detect_schema(table))
    assert check.suspected == [] and check.auc_all > 0.9
    assert check.power["flag"].iloc[0].startswith(STRONGEST)


def test_the_only_predictor_of_a_table_is_not_suspected_but_the_check_says_it_cannot_tell():
    rng = np.random.default_rng(0)
    n = 3000
    outcome = rng.random(n) < 0.15
    table = pd.DataFrame(
        {
            "price": np.round(rng.normal(50, 10, n) + 15 * outcome, 2),
            "region": rng.choice(["north", "south", "east"], n),
            "count": rng.integers(0, 5, n),
            "outcome": np.where(outcome, "yes", "no"),
        }
    )
    check = leak_check(table, column="outcome", positive="yes", schema=detect_schema(table))
    assert check.suspected == []
    assert check.power["flag"].iloc[0].startswith(STRONGEST) and check.power["column"].iloc[0] == "price"
    assert "cannot tell whether price is a leak or the table's only predictor" in check.notes[0]
