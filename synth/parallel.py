"""Run work side by side in threads (model fits, rebalancing methods), results and progress on the caller's thread.

For model fits, one one-thread fit per core: on 2 busy cores a 2-thread fit spins and slows 9-22x;
one-thread fits in a small pool use every core without spinning (LightGBM and XGBoost release the
GIL while they train). The caller's thread is the page's, where Streamlit may draw.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import TypeVar

from synth.progress import Progress

T = TypeVar("T")


def fit_workers(tables: int) -> int:
    """Fits run side by side, one per usable core and at most one per table: one-thread fits never spin."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, tables))


def run_in_threads(
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
