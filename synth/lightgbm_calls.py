"""Every in-process LightGBM call goes through ``lightgbm_train`` / ``lightgbm_predict`` here, which pass the
process's one thread count (see ``FIT_THREADS``): LightGBM keeps that count in one process-wide setting."""

from __future__ import annotations

import sys
from typing import Any

import lightgbm as lgb
import numpy as np

# Threads per model fit. On 2 busy cores a 2-thread LightGBM fit spins and slows 9-22x (45,000 x 10, 100
# rounds at load 16: 8.6-27.6 s with 2 threads, 1.0-1.2 s with 1; benchmarks/threads.py).
# It must also be the same for every LightGBM call in the process: LightGBM keeps its thread count in one
# process-wide setting that each call (Dataset, train, predict) sets from its own parameters, "not given"
# meaning every core. A predict without it beside a fit in another thread (fits side by side, two app
# sessions) changes the count mid-fit and crashes the process (benchmarks/lightgbm_race.py: in seconds).
FIT_THREADS = 1


def lightgbm_threads() -> int:
    """The one thread count of this process's LightGBM calls: on a Dask worker the worker's own, which
    ``lightgbm.dask`` trains with (it overrides any other); elsewhere ``FIT_THREADS``."""
    distributed = sys.modules.get("distributed")  # not imported: not a worker
    if distributed is None:
        return FIT_THREADS
    try:
        return int(distributed.get_worker().state.nthreads)
    except ValueError:  # not in a worker's task
        return FIT_THREADS


def lightgbm_train(params: dict[str, Any], train: lgb.Dataset, **kwargs: Any) -> lgb.Booster:
    """``lgb.train`` with the process's one thread count, so fits in other threads stay intact."""
    return lgb.train({**params, "num_threads": lightgbm_threads()}, train, **kwargs)


def lightgbm_predict(booster: lgb.Booster, features: Any, **kwargs: Any) -> np.ndarray:
    """``booster.predict`` with the process's one thread count (without it LightGBM resets it to every core)."""
    return np.asarray(booster.predict(features, num_threads=lightgbm_threads(), **kwargs))
