"""Threads per model fit under load: LightGBM fits with 1 and 2 threads, alternating, on one table.

    python -m benchmarks.threads [--rows 45000] [--repeats 2]

Prints seconds per 100-round fit and the load average beside each run; compare ratios within a run.
"""

from __future__ import annotations

import argparse
import os
import time

import lightgbm as lgb

from synth.assess.evaluate import aligned_frames, lightgbm_names
from synth.data.demos import make_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=45_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    table = make_demo("patients", rows=args.rows)
    labels = (table.pop("variant") == "Variant X").to_numpy(int)
    features = lightgbm_names(aligned_frames(table.drop(columns=["patient_id"]), table.head(1).drop(columns=["patient_id"]))[0])
    print("| threads | seconds per fit | load average |\n|---|---|---|")
    for _ in range(args.repeats):
        for threads in (2, 1):
            start = time.perf_counter()
            for seed in range(4):
                params = {"objective": "binary", "verbose": -1, "seed": seed, "num_threads": threads, "deterministic": True}
                lgb.train(params, lgb.Dataset(features, label=labels), num_boost_round=100)
            print(f"| {threads} | {(time.perf_counter() - start) / 4:.2f} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
