"""The headline table: the seed tutorial's task (29 >50K rows of 29,753) for every method.

    python -m benchmarks.tutorial [--generator-seeds 3] [--split-seeds 3] [--methods naive smote synthetic]
        [--privacy-guards 0.3]

Each method rebalances the training table to 50:50 (hybrid: real rows + generated ones) once per
generator seed; each output is scored with the tutorial's LightGBM recipe on the real holdout for
split seeds 1..N. Means and standard deviations are over all (generator seed, split seed) runs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from benchmarks.common import SHARED, require_shared, save
from synth.assess.evaluate import evaluate
from synth.assess.privacy import privacy_report
from synth.data.kinds import detect_schema
from synth.rebalancing.run import rebalance

DATA = SHARED / "adult-rebalancing"
COLUMN, POSITIVE = "income", ">50K"


def _row(name: str, runs: list, seconds: list[float], copies: float | None, dcr_share: float | None) -> dict:
    values = {m: np.array([getattr(r, m) for r in runs]) for m in ("auc_roc", "auc_pr", "f1_macro")}
    return {
        "method": name,
        "AUC-ROC": values["auc_roc"].mean(),
        "±": values["auc_roc"].std(),
        "AUC-PR": values["auc_pr"].mean(),
        "± ": values["auc_pr"].std(),
        "F1-macro": values["f1_macro"].mean(),
        "±  ": values["f1_macro"].std(),
        "fit+generate s": float(np.mean(seconds)) if seconds else float("nan"),
        "exact copies": copies,
        "DCR share": dcr_share,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator-seeds", type=int, default=3)
    parser.add_argument("--split-seeds", type=int, default=3)
    parser.add_argument("--methods", nargs="+", default=["naive", "smote", "kmeans-smote", "synthetic"])
    parser.add_argument("--privacy-guards", nargs="*", type=float, default=[0.3], help="extra synthetic rows with these guards")
    args = parser.parse_args()
    train = pd.read_csv(require_shared(DATA / "census-training-imbalanced.csv"))
    holdout = pd.read_csv(DATA / "census-holdout.csv")
    schema = detect_schema(train)
    splits = list(range(1, args.split_seeds + 1))

    rows = [
        _row(
            "unbalanced (29 real >50K)",
            list(evaluate(train, holdout, COLUMN, POSITIVE, splits, ignore=schema.unmodelled()).runs),
            [],
            None,
            None,
        )
    ]
    variants = [(m, 0.0) for m in args.methods] + [("synthetic", g) for g in args.privacy_guards]
    for method, guard in variants:
        runs, seconds, copies, shares = [], [], [], []
        for seed in range(args.generator_seeds):
            started = time.perf_counter()
            result = rebalance(train, COLUMN, {POSITIVE: 0.5}, method=method, seed=seed, schema=schema, privacy_guard=guard)
            seconds.append(time.perf_counter() - started)
            runs += evaluate(result.table, holdout, COLUMN, POSITIVE, splits, ignore=schema.unmodelled()).runs
            report = privacy_report(result.new_rows, train, holdout, schema, COLUMN, seed=seed)
            copies.append(report.exact_copy_share)
            shares.append(report.dcr_share)
        name = f"{method}, hybrid" + (f", privacy guard {guard:g}" if guard else "")
        rows.append(_row(name, runs, seconds, float(np.mean(copies)), float(np.mean(shares))))
        print(rows[-1], flush=True)
    vendor = DATA / "census-synthetic-balanced.csv"
    if vendor.exists():
        table = pd.read_csv(vendor)
        runs = list(evaluate(table, holdout, COLUMN, POSITIVE, splits).runs)
        rows.append(_row("vendor platform file (full)", runs, [], None, None))
    save(pd.DataFrame(rows), "tutorial")


if __name__ == "__main__":
    main()
