"""A column marked categorical with tens of thousands of values is refused before any one-hot matrix exists."""

import time

import numpy as np
import pandas as pd
import pytest

import synth
from synth.data.kinds import check_schema_fits, detect_schema
from synth.errors import SynthError
from synth.schema import ColumnKind

MESSAGE = r"Column 'city' has 19,\d{3} distinct values: as a category it becomes 19,\d{3} model columns × 60,000 rows"


@pytest.fixture(scope="module")
def wide() -> tuple[pd.DataFrame, synth.Schema]:
    rng = np.random.default_rng(0)
    n = 60_000
    table = pd.DataFrame(
        {
            "city": [f"c{i}" for i in rng.integers(0, 20_000, n)],
            "amount": rng.normal(size=n),
            "label": np.where(rng.random(n) < 0.1, "rare", "common"),
        }
    )
    table.loc[::10, "amount"] = np.nan
    schema = detect_schema(table)
    assert schema.kind("city") is ColumnKind.ID  # detected as a key; the user marks it categorical
    return table, schema.with_overrides({"city": "categorical"})


@pytest.mark.parametrize(
    "work",
    [
        lambda t, s: check_schema_fits(t, s),  # the Data page's kinds editor
        lambda t, s: synth.impute(t, schema=s),
        lambda t, s: synth.rebalance(t, column="label", shares={"rare": 0.5}, schema=s),
    ],
    ids=["kinds editor", "impute", "rebalance"],
)
def test_a_category_too_wide_to_encode_is_refused_before_any_work(wide, work):
    table, schema = wide
    started = time.perf_counter()
    with pytest.raises(SynthError, match=MESSAGE):
        work(table, schema)
    assert time.perf_counter() - started < 5
