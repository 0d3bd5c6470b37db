"""Fit + generate time and peak memory vs rows, for our generator next to SMOTE-NC and naive.

    python -m benchmarks.scale [--rows 10000 30000 100000 300000] [--methods naive smote synthetic]

Tables are the built-in fraud demo (mixed types, ~1% fraud) at each size, rebalanced to 50:50
(hybrid; "synthetic-full" generates as many rows as the input, both classes). Each run happens in a fresh child process; memory is the child's peak resident size
above what it held before rebalancing. Compare ratios within one run: machines here are shared.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time

import pandas as pd

from benchmarks.common import save
from synth.data.demos import make_demo
from synth.rebalancing.run import rebalance

# What each row of the table measures: a method and the mode it runs in.
VARIANTS = {
    "naive": ("naive", "hybrid"),
    "smote": ("smote", "hybrid"),
    "synthetic": ("synthetic", "hybrid"),
    "synthetic-full": ("synthetic", "full"),
}


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _measure(rows: int, variant: str, queue: multiprocessing.Queue) -> None:
    method, mode = VARIANTS[variant]
    table = make_demo("fraud", random_state=0, rows=rows)
    before = _resident_mb()
    started = time.perf_counter()
    result = rebalance(table, column="fraud", shares={"fraud": 0.5}, method=method, mode=mode)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {
            "rows": rows,
            "method": variant,
            "generated": int(result.generated.sum()),
            "seconds": seconds,
            "peak MB above start": peak - before,
        }
    )


def measure(rows: int, method: str) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_measure, args=(rows, method, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="+", type=int, default=[10_000, 30_000, 100_000, 300_000])
    parser.add_argument("--methods", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    args = parser.parse_args()
    records = []
    for rows in args.rows:
        for method in args.methods:
            records.append(measure(rows, method))
            print(records[-1], flush=True)
    frame = pd.DataFrame(records)
    smote = frame[frame["method"] == "smote"].set_index("rows")["seconds"]
    frame["time / SMOTE-NC"] = frame.apply(lambda r: r["seconds"] / smote.get(r["rows"], float("nan")), axis=1)
    save(frame, "scale", floatfmt=".2f")


if __name__ == "__main__":
    main()
