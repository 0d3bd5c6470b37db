"""Leakage: a column known only after the outcome is flagged; ordinary features are not."""

import numpy as np
import pandas as pd

from synth.assess.leakage import column_power
from synth.data.kinds import detect_schema


def bank_like(n: int = 4000, random_state: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(random_state)
    y = rng.random(n) < 0.12
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n) + 3 * y,
            "job": rng.choice(["admin", "technician", "services", "retired"], n),
            "balance": np.round(rng.normal(1000, 500, n) + 150 * y, 2),
            "duration": np.round(rng.exponential(200, n) + 500 * y),  # the call's length: known after the outcome
            "customer": [f"c{i}" for i in range(n)],
            "y": np.where(y, "yes", "no"),
        }
    )


def test_the_leaking_column_is_flagged_and_ordinary_ones_are_not():
    table = bank_like()
    power = column_power(table, column="y", positive="yes", schema=detect_schema(table)).set_index("column")
    assert power.index[0] == "duration" and power.loc["duration", "AUC alone"] > 0.85
    assert power.loc["duration", "flag"].startswith("predicts the class almost alone")
    assert (power.drop(index="duration")["flag"] == "").all()
    assert "customer" not in power.index  # ID-like columns are never features
    assert 0.45 < power.loc["job", "AUC alone"] < 0.56  # no signal scores about 0.5, never memorised
