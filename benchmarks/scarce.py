"""Growing a scarce table: does adding synthetic rows of every class to 250-1,000 real rows help a model?

Seed 003's setting, and further: samples of 250, 500 and 1,000 rows of UCI Adult (``adult_train.csv``) grow by
1x, 4x and 10x their size with synthetic rows of every class in today's shares (``mode="grow"``); a decision
tree and LightGBM trained on the real rows alone and on real + synthetic are scored on 10,000 real rows of
``adult_test.csv``. Each cell repeats with other samples and seeds; the gain is the mean difference
(grown - real) with a 95% interval over the repeats (mean +- 1.96 standard errors), a tie when it spans 0.

    python -m benchmarks.scarce --repeats 10
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.tree import DecisionTreeClassifier

from benchmarks.common import SHARED, require_shared, save
from synth.assess.evaluate import aligned_frames, evaluate
from synth.data.kinds import detect_schema
from synth.rebalancing.run import rebalance

COLUMN, POSITIVE = "income", ">50K"


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = require_shared(SHARED / "adult")
    train = pd.read_csv(folder / "adult_train.csv", skipinitialspace=True)
    test = pd.read_csv(folder / "adult_test.csv", skipinitialspace=True)
    test[COLUMN] = test[COLUMN].str.rstrip(".")  # the test file writes '>50K.'
    return train, test.sample(10_000, random_state=0).reset_index(drop=True)


def tree_scores(train: pd.DataFrame, holdout: pd.DataFrame, random_state: int) -> tuple[float, float]:
    """A decision tree (leaves of 20 rows: a fully grown tree only memorises 250 rows) on the same model frames."""
    exclude = [COLUMN, *detect_schema(train).unmodelled()]
    features, x_hold = aligned_frames(train.drop(columns=exclude), holdout.drop(columns=[c for c in exclude if c in holdout]))
    codes = lambda frame: frame.apply(lambda c: c.cat.codes if isinstance(c.dtype, pd.CategoricalDtype) else c)  # noqa: E731
    y, truth = (train[COLUMN] == POSITIVE).to_numpy(), (holdout[COLUMN] == POSITIVE).to_numpy()
    model = DecisionTreeClassifier(min_samples_leaf=20, random_state=random_state)
    proba = model.fit(codes(features).fillna(-1), y).predict_proba(codes(x_hold).fillna(-1))[:, 1]
    return float(roc_auc_score(truth, proba)), float(average_precision_score(truth, proba))


def lightgbm_scores(train: pd.DataFrame, holdout: pd.DataFrame, random_state: int) -> tuple[float, float]:
    """The app's LightGBM recipe (one run)."""
    run = evaluate(train, holdout, column=COLUMN, positive=POSITIVE, n_repeats=1, random_state=random_state).runs[0]
    return run.auc_roc, run.auc_pr


MODELS = {"decision tree": tree_scores, "LightGBM": lightgbm_scores}


def one_repeat(source: pd.DataFrame, holdout: pd.DataFrame, size: int, factors: list[int], repeat: int) -> list[dict]:
    sample = source.sample(size, random_state=repeat).reset_index(drop=True)
    tables = {0: sample}
    seconds = {0: 0.0}
    for factor in factors:
        started = time.perf_counter()
        grown = rebalance(
            sample, column=COLUMN, shares={}, method="synthetic", mode="grow", rows=factor * size, random_state=repeat
        )
        tables[factor], seconds[factor] = grown.table, time.perf_counter() - started
    rows = []
    for model, score in MODELS.items():
        real = score(tables[0], holdout, repeat)
        for factor in factors:
            grown = score(tables[factor], holdout, repeat)
            rows.append(
                {
                    "rows": size,
                    "model": model,
                    "added": f"+{factor}x",
                    "repeat": repeat,
                    "real AUC-ROC": real[0],
                    "gain AUC-ROC": grown[0] - real[0],
                    "real AUC-PR": real[1],
                    "gain AUC-PR": grown[1] - real[1],
                    "seconds": seconds[factor],
                }
            )
    return rows


def summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean real score, mean gain and its 95% interval per cell; 'helps' / 'hurts' only when the interval excludes 0."""
    out = []
    for (size, model, added), cell in runs.groupby(["rows", "model", "added"], sort=False):
        row = {"rows": size, "model": model, "added": added}
        for metric in ("AUC-ROC", "AUC-PR"):
            gains = cell[f"gain {metric}"].to_numpy()
            half = 1.96 * gains.std(ddof=1) / np.sqrt(len(gains)) if len(gains) > 1 else float("nan")
            mean = gains.mean()
            row[f"real {metric}"] = cell[f"real {metric}"].mean()
            row[f"gain {metric} [95%]"] = f"{mean:+.3f} [{mean - half:+.3f}, {mean + half:+.3f}]"
            row[f"{metric}"] = "helps" if mean - half > 0 else "hurts" if mean + half < 0 else "tie"
        row["generate (s)"] = cell["seconds"].mean()
        out.append(row)
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 4, 10])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    source, holdout = load()
    print(f"load {os.getloadavg()[0]:.2f}", flush=True)
    runs = []
    for size in args.sizes:
        for repeat in range(args.repeats):
            runs += one_repeat(source, holdout, size, args.factors, repeat)
        print(f"{size} rows done, load {os.getloadavg()[0]:.2f}", flush=True)
    save(summary(pd.DataFrame(runs)), "scarce", floatfmt=".3f")
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
