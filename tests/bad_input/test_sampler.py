"""The sampler as scikit-learn users call it: absurd strategies are refused in the parameter check, before any row."""

import tracemalloc

import numpy as np
import pytest

from synth.errors import ParameterError
from synth.rebalancing.oversampler import SyntheticOverSampler
from synth.rebalancing.plan import MAX_OUTPUT_ROWS


def xy() -> tuple[np.ndarray, np.ndarray]:
    return np.random.default_rng(0).normal(size=(100, 3)), np.r_[np.zeros(90, int), np.ones(10, int)]


@pytest.mark.parametrize(
    ("strategy", "rows"),
    [({1: 10**9}, "1,000,000,000"), ({0: 90, 1: MAX_OUTPUT_ROWS}, "10,000,090"), (lambda y: {1: 10**8}, "100,000,090")],
    ids=["a billion rows", "just over the limit", "a callable"],
)
def test_a_strategy_beyond_the_row_limit_is_refused_before_any_work(strategy, rows):
    tracemalloc.start()
    try:
        with pytest.raises(ParameterError, match=f"asks for {rows} rows; at most 10,000,000 can be made") as refused:
            SyntheticOverSampler(sampling_strategy=strategy, random_state=0).fit_resample(*xy())
        assert tracemalloc.get_traced_memory()[1] < 50 * 2**20
    finally:
        tracemalloc.stop()
    assert refused.value.parameter == "sampling_strategy"


def test_a_strategy_within_the_limit_still_resamples():
    X, y = xy()
    X_new, y_new = SyntheticOverSampler(sampling_strategy={1: 60}, random_state=0).fit_resample(X, y)
    assert (y_new == 1).sum() == 60 and len(X_new) == 150 and (X_new[:100] == X).all()
