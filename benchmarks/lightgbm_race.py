"""Why every LightGBM call in the process passes one thread count: fits in threads beside a predict.

    python -m benchmarks.lightgbm_race [--seconds 20] [--runs 3]

Each run is a child process in which two threads fit with early stopping (as ``evaluate_all`` does
side by side) while a third predicts, either with LightGBM's default thread count ("bare") or
through ``synth.lightgbm_calls.lightgbm_predict`` ("pinned"). A third child ("sessions") runs the product's
own paths as two app sessions would: ``evaluate_all`` (two fits side by side) over and over beside
``make_fair``. Prints how each child ended; a crash is a segmentation fault (exit -11).
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

from synth.lightgbm_calls import lightgbm_predict, lightgbm_train


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


def sessions(seconds: float) -> None:
    """Evaluate (fits side by side) in one thread and the fairness model in another, as two sessions would."""
    from synth.assess.evaluate import evaluate_all
    from synth.data.demos import make_demo
    from synth.data.holdout import split_holdout
    from synth.fairness.fair import make_fair

    split = split_holdout(make_demo("patients", rows=20_000), column="variant", share=0.3, random_state=0)
    tables = {str(seed): split.train.sample(frac=1.0, random_state=seed) for seed in range(3)}
    fair_table = make_demo("patients", rows=3_000)
    deadline = time.monotonic() + seconds

    def evaluate() -> None:
        while time.monotonic() < deadline:
            evaluate_all(tables, holdout=split.holdout, column="variant", positive="Variant X", n_repeats=2, workers=2)

    def fair() -> None:
        while time.monotonic() < deadline:
            make_fair(fair_table, column="variant", sensitive=["region"], random_state=0)

    threads = [threading.Thread(target=f) for f in (evaluate, fair)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["bare", "pinned", "sessions"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "sessions":
        sessions(args.seconds)
        return
    if args.child:
        race(args.child, args.seconds)
        return
    print("| child | run | ended | seconds | load average |\n|---|---|---|---|---|")
    for run in range(1, args.runs + 1):
        for mode in ("bare", "pinned", "sessions"):
            start = time.perf_counter()
            child = [sys.executable, "-m", "benchmarks.lightgbm_race", "--child", mode, "--seconds", str(args.seconds)]
            code = subprocess.run(child, stderr=subprocess.DEVNULL, check=False).returncode
            ended = "finished" if code == 0 else ("crashed (segmentation fault)" if code == -11 else f"exit {code}")
            print(f"| {mode} | {run} | {ended} | {time.perf_counter() - start:.1f} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
