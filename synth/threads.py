"""Work side by side in threads (model fits, rebalancing methods), results and progress on the caller's thread.

For model fits, one one-thread fit per core: on 2 busy cores a 2-thread fit spins and slows 9-22x;
one-thread fits in a small pool use every core without spinning (LightGBM and XGBoost release the
GIL while they train). The caller's thread is the page's, where Streamlit may draw.
Every LightGBM fit and prediction goes through ``lightgbm_train`` / ``lightgbm_predict`` here, which
pass the process's one thread count (see ``FIT_THREADS``).
"""

from __future__ import annotations

import os
import queue
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any, TypeVar

import lightgbm as lgb
import numpy as np

from synth.progress import Progress

T = TypeVar("T")

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


def fit_workers(tables: int) -> int:
    """Fits run side by side, one per usable core and at most one per table: one-thread fits never spin."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, tables))


def side_by_side(
    run: Callable[[str, Progress], T],
    names: list[str],
    workers: int,
    progress: Progress,
    on_result: Callable[[str, T], None] | None,
) -> dict[str, T]:
    """``run`` each name in ``workers`` threads; progress (names done so far) and results reach the caller's thread."""
    events: queue.Queue[tuple[str, float, str]] = queue.Queue()
    fractions = dict.fromkeys(names, 0.0)
    results: dict[str, T] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {pool.submit(run, n, lambda f, m, n=n: events.put((n, f, m))): n for n in names}
        try:
            while pending:
                finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                while not events.empty():
                    name, fraction, message = events.get()
                    fractions[name] = fraction
                    progress(sum(fractions.values()), message)
                for future in finished:
                    name = pending.pop(future)
                    fractions[name] = 1.0
                    results[name] = future.result()
                    if on_result is not None:
                        on_result(name, results[name])
        finally:
            pool.shutdown(cancel_futures=True)  # a failure stops the names not yet started
    return results
