"""A numeric target's rare range: no resampling, smogn, our SMOTE for regression and our synthetic method.

Three tables with heavy-tailed numeric targets well predicted by the other columns: UCI credit default's
BILL_AMT1 (this month's bill, predicted by earlier bills), its LIMIT_BAL, and a claims look-alike made by
this script. Each table: a sample, a real holdout (20%, stratified by range) split off first, the rare range
the top 5% (default ranges), brought to 20% of the training rows; LightGBM regressor over ``--repeats``
runs. Prints rare-range RMSE, overall RMSE, SERA and seconds per method.

    python -m benchmarks.regression --rows 3000 --repeats 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import synth
from benchmarks.common import SHARED, markdown, require_shared
from synth.assess.regression import evaluate_regression, split_by_range, verdict
from synth.rebalancing.ranges import default_ranges

SHARE = 0.2
# Small generator leaves: a numeric target follows its features closely (see synth.rebalancing.numeric).
SYNTHETIC_PARAMS = {"category_leaf": 10, "number_leaf": 5}


def claims(rows: int, seed: int = 0) -> pd.DataFrame:
    """An insurance-claims look-alike: the claim grows with severity, cover and age, heavy-tailed."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, rows)
    cover = rng.choice(["basic", "plus", "premium"], rows, p=[0.6, 0.3, 0.1])
    severity = rng.gamma(1.2, 1.0, rows)
    value = np.round(rng.lognormal(10, 0.6, rows), 2)
    factor = pd.Series(cover).map({"basic": 1.0, "plus": 1.8, "premium": 3.5}).to_numpy()
    claim = np.round(80 * severity**2.2 * factor * (1 + (age > 60)) + 0.002 * value).astype(int)
    region = rng.choice(["north", "south", "east", "west"], rows)
    return pd.DataFrame({"age": age, "region": region, "cover": cover, "car_value": value, "severity": severity, "claim": claim})


def tables(rows: int, seed: int) -> dict[str, tuple[pd.DataFrame, str]]:
    credit = pd.read_csv(require_shared(SHARED / "credit-default" / "credit_default.csv"))
    credit = credit.sample(rows, random_state=seed).reset_index(drop=True)
    return {
        "credit BILL_AMT1": (credit, "BILL_AMT1"),
        "credit LIMIT_BAL": (credit, "LIMIT_BAL"),
        "claims look-alike": (claims(rows, seed), "claim"),
    }


def smogn_rows(train: pd.DataFrame, column: str, seed: int) -> pd.DataFrame:
    import smogn  # the peer: PyPI 'smogn' (Branco, Torgo & Ribeiro's SMOGN)

    np.random.seed(seed)  # smogn draws from numpy's global generator only
    return smogn.smoter(data=train.reset_index(drop=True), y=column)


def run_table(name: str, table: pd.DataFrame, column: str, repeats: int, seed: int) -> tuple[list[dict], list[str]]:
    ranges = ",".join(r.label for r in default_ranges(table[column])[0])
    split = split_by_range(table, column=column, ranges=ranges, random_state=seed)
    rare = ranges.split(",")[-1]
    outputs: dict[str, tuple[pd.DataFrame, float]] = {"no resampling": (split.train, 0.0)}
    started = time.perf_counter()
    try:
        outputs["smogn"] = (smogn_rows(split.train, column, seed), time.perf_counter() - started)
    except Exception as error:  # the peer's own failure is a result, not a crash
        print(f"{name}: smogn failed: {error}")
    for method, label in (("smote", "our SMOTE for regression"), ("synthetic", "our synthetic")):
        params = SYNTHETIC_PARAMS if method == "synthetic" else None
        out = synth.rebalance(
            split.train, column=column, ranges=ranges, shares={rare: SHARE}, method=method, params=params, random_state=seed
        )
        outputs[label] = (out.table, out.seconds)
    scores = {
        label: evaluate_regression(train, split.holdout, column=column, ranges=ranges, n_repeats=repeats, name=label)
        for label, (train, _) in outputs.items()
    }
    rows = [
        {
            "table": name,
            "method": label,
            "rare range": rare,
            "rare RMSE": scores[label].values("rmse", rare).mean(),
            "overall RMSE": scores[label].values("rmse").mean(),
            "SERA": scores[label].values("sera").mean(),
            "seconds": outputs[label][1],
        }
        for label in outputs
    ]
    return rows, [f"{name}: {line}" for line in verdict(scores, baseline="no resampling")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows, lines = [], []
    for name, (table, column) in tables(args.rows, args.seed).items():
        found, said = run_table(name, table, column, args.repeats, args.seed)
        rows += found
        lines += said
    frame = pd.DataFrame(rows)
    frame["SERA"] = frame["SERA"].map(lambda v: f"{v:.3g}")
    print(markdown(frame, ".1f"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
