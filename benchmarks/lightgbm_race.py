"""Why every LightGBM call in the process passes one thread count: fits in threads beside a predict.

    python -m benchmarks.lightgbm_race [--seconds 20] [--runs 3]

Each run is a child process in which two threads fit with early stopping (as ``evaluate_all`` does
side by side) while a third predicts, either with LightGBM's default thread count ("bare") or
through ``synth.threads.lightgbm_predict`` ("pinned"). Prints how each child ended; a crash is a
segmentation fault (exit -11).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time

import lightgbm as lgb
import numpy as np

from synth.threads import lightgbm_predict, lightgbm_train


def race(mode: str, seconds: float) -> None:
    """Fit in two threads and predict in a third until ``seconds`` have passed (the child's work)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20_000, 30))
    y = (x[:, 0] + rng.normal(size=len(x)) > 1.5).astype(int)
    params = {"objective": "binary", "verbose": -1, "deterministic": True}
    model = lightgbm_train(params, lgb.Dataset(x, label=y), num_boost_round=20)
    deadline = time.monotonic() + seconds

    def fit() -> None:
        while time.monotonic() < deadline:
            lightgbm_train(
                params,
                lgb.Dataset(x[:16_000], label=y[:16_000]),
                valid_sets=[lgb.Dataset(x[16_000:], label=y[16_000:])],
                num_boost_round=30,
                callbacks=[lgb.early_stopping(5, verbose=False)],
            )

    def predict() -> None:
        while time.monotonic() < deadline:
            model.predict(x[:2_000]) if mode == "bare" else lightgbm_predict(model, x[:2_000])

    threads = [threading.Thread(target=f) for f in (fit, fit, predict)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["bare", "pinned"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        race(args.child, args.seconds)
        return
    print("| predict | run | ended | seconds | load average |\n|---|---|---|---|---|")
    for run in range(1, args.runs + 1):
        for mode in ("bare", "pinned"):
            start = time.perf_counter()
            child = [sys.executable, "-m", "benchmarks.lightgbm_race", "--child", mode, "--seconds", str(args.seconds)]
            code = subprocess.run(child, stderr=subprocess.DEVNULL, check=False).returncode
            ended = "finished" if code == 0 else ("crashed (segmentation fault)" if code == -11 else f"exit {code}")
            print(f"| {mode} | {run} | {ended} | {time.perf_counter() - start:.1f} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
