"""The headline table: the seed tutorial's task (29 >50K rows of 29,753) for every method.

    python -m benchmarks.tutorial [--generator-seeds 3] [--split-seeds 3] [--methods naive smote synthetic]

Each method rebalances the training table to 50:50 (hybrid: real rows + generated ones) once per
generator seed; each output is scored with the tutorial's LightGBM recipe on the real holdout for
split seeds 1..N. Means and standard deviations are over all (generator seed, split seed) runs.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from benchmarks.common import SHARED, require_shared, save
from synth.assess.evaluate import evaluate_all
from synth.assess.privacy import privacy_report
from synth.data.kinds import detect_schema
from synth.rebalancing.plan import make_plan
from synth.rebalancing.run import rebalance_all

DATA = SHARED / "adult-rebalancing"
COLUMN, POSITIVE = "income", ">50K"


def _row(name: str, runs: list, seconds: list[float], copies: float | None, dcr_rank: float | None) -> dict:
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
        "DCR rank (ours)": dcr_rank,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator-seeds", type=int, default=3)
    parser.add_argument("--split-seeds", type=int, default=3)
    parser.add_argument("--methods", nargs="+", default=["naive", "smote", "kmeans-smote", "synthetic"])
    args = parser.parse_args()
    train = pd.read_csv(require_shared(DATA / "census-training-imbalanced.csv"))
    holdout = pd.read_csv(DATA / "census-holdout.csv")
    schema = detect_schema(train)

    plan = make_plan(train[COLUMN], {POSITIVE: 0.5})

    def scores(tables: dict[str, pd.DataFrame]) -> list:
        evaluations = evaluate_all(
            tables, holdout=holdout, column=COLUMN, positive=POSITIVE, n_repeats=args.split_seeds, schema=schema
        )
        return [run for evaluation in evaluations.values() for run in evaluation.runs]

    rows = [_row("unbalanced (29 real >50K)", scores({"unbalanced": train}), [], None, None)]
    variants = [(m, {}) for m in args.methods]
    for method, params in variants:
        runs, seconds, copies, shares = [], [], [], []
        for seed in range(args.generator_seeds):
            outputs = rebalance_all(train, plan=plan, schema=schema, methods=[method], random_state=seed, params={method: params})
            if method in outputs.notes:
                print(f"{method}: {outputs.notes[method]}", flush=True)
                break
            result = outputs.results[method]
            seconds.append(result.seconds)
            runs += scores(outputs.tables())
            report = privacy_report(result.new_rows, train, holdout, schema=schema, column=COLUMN, random_state=seed)
            copies.append(report.exact_copy_share)
            shares.append(report.dcr_rank)
        if not runs:
            continue
        name = f"{method}, hybrid" + "".join(f", {k.replace('_', ' ')} {v:g}" for k, v in params.items())
        rows.append(_row(name, runs, seconds, float(np.mean(copies)), float(np.mean(shares))))
        print(rows[-1], flush=True)
    vendor = DATA / "census-synthetic-balanced.csv"
    if vendor.exists():
        table = pd.read_csv(vendor)
        runs = scores({"vendor": table})
        rows.append(_row("vendor platform file (full)", runs, [], None, None))
    save(pd.DataFrame(rows), "tutorial")


if __name__ == "__main__":
    main()
