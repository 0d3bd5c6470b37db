"""Smart imputation against the usual fixes: make gaps in complete tables, fill them, score against the truth.

    python -m benchmarks.imputation [--datasets adult credit-default] [--rows 10000] [--methods ...]
                                    [--engine-minutes 2] [--share 0.2]

Complete real tables (Adult without its '?' rows; credit default) are sampled (seed 0) into a table
to damage and a disjoint real holdout. Two numeric and two categorical columns get gaps (``--share``
of their cells on average), in three ways: completely at random (MCAR); at random given another
column (MAR: three times as many gaps among women); not at random (MNAR: the chance of a gap rises
with the value itself, numbers by rank, categories by sorted position). Every method fills the
same gaps. Scores, over the gap cells only: numbers' Kolmogorov-Smirnov distance (filled vs true)
and the mean over the groups of the most related column of |filled mean - true mean| in the
column's standard deviations; categories' total variation distance of (filled, related) vs (true,
related) pairs; and the holdout AUC-ROC of the tutorial's LightGBM trained on the filled table
(the complete table's AUC is the ceiling). Every method is checked for observed cells unchanged and
no gap left. MOSTLY AI's engine runs in its own process with a training budget (``--engine-minutes``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from benchmarks.common import ROOT, SHARED, require_shared, save
from benchmarks.imputation_baselines import hot_deck, iterative, knn, mean_mode
from synth.assess.evaluate import evaluate
from synth.assess.fidelity import cramers_v
from synth.assess.groups import Buckets
from synth.data.kinds import detect_schema
from synth.imputation import impute
from synth.whatif.simulation import complete_rows

# The engine runs in its own process: this interpreter when it has the engine (``make benchmarks``), else the bench venv.
BENCH_PYTHON = os.environ.get("BENCH_PYTHON") or (
    sys.executable if importlib.util.find_spec("mostlyai") is not None else "/work/bench-venv/bin/python"
)


@dataclass(frozen=True)
class Task:
    name: str
    paths: tuple[str, ...]
    target: str
    positive: str
    numbers: tuple[str, str]
    categories: tuple[str, str]
    driver: str  # MAR: gaps depend on this column
    driver_value: str  # three times the gaps for rows holding it


TASKS = {
    "adult": Task(
        "adult",
        ("adult/adult_train.csv",),
        "income",
        ">50K",
        ("age", "hours_per_week"),
        ("occupation", "marital_status"),
        "sex",
        "Female",
    ),
    "credit-default": Task(
        "credit-default",
        ("credit-default/credit_default.csv",),
        "default_payment_next_month",
        "1",
        ("LIMIT_BAL", "BILL_AMT2"),
        ("EDUCATION", "PAY_2"),
        "SEX",
        "2",
    ),
}


def load(task: Task, rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A complete table of ``rows`` rows and a disjoint real holdout of half as many (seed 0)."""
    table = pd.concat([pd.read_csv(require_shared(SHARED / p)) for p in task.paths], ignore_index=True)
    complete = table[~table.astype(str).isin(["?"]).any(axis=1)].dropna()
    complete = complete.astype({c: str for c in (*task.categories, task.target, task.driver)})
    sample = complete.sample(n=min(len(complete), rows + rows // 2), random_state=0).reset_index(drop=True)
    return sample.iloc[:rows].reset_index(drop=True), sample.iloc[rows:].reset_index(drop=True)


def gap_mask(table: pd.DataFrame, task: Task, scenario: str, share: float, random_state: int = 0) -> pd.DataFrame:
    """Which cells of the gap columns are hidden, per scenario; ``share`` of each column on average."""
    rng = np.random.default_rng(random_state)
    mask = {}
    for name in task.numbers + task.categories:
        if scenario == "MCAR":
            weight = np.ones(len(table))
        elif scenario == "MAR":
            weight = np.where(table[task.driver].astype(str) == task.driver_value, 3.0, 1.0)
        else:  # MNAR: the value itself
            values = table[name]
            rank = values.rank(pct=True).to_numpy() if name in task.numbers else _sorted_position(values)
            weight = 0.05 + rank
        probability = np.clip(share * weight / weight.mean(), 0, 0.95)
        mask[name] = rng.random(len(table)) < probability
    return pd.DataFrame(mask)


def _sorted_position(values: pd.Series) -> np.ndarray:
    labels = values.astype(str)
    order = {v: i for i, v in enumerate(sorted(labels.unique()))}
    return labels.map(order).to_numpy(dtype=float) / max(len(order) - 1, 1)


# --- the methods: each takes the gapped table and the gap columns, returns the filled table -------------


def ours(gapped: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return impute(gapped, columns=columns, random_state=0).table


def ours_rounds(rounds: int) -> Callable[[pd.DataFrame, list[str]], pd.DataFrame]:
    return lambda gapped, columns: impute(gapped, columns=columns, random_state=0, rounds=rounds).table


def ours_leaf(category: int, number: int) -> Callable[[pd.DataFrame, list[str]], pd.DataFrame]:
    return lambda gapped, columns: (
        impute(gapped, columns=columns, random_state=0, category_leaf=category, number_leaf=number).table
    )


def pattern_chain(gapped: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Design (b): rows grouped by gap pattern, the generator's chain with that pattern's observed columns first."""
    schema = detect_schema(gapped)
    out = gapped.copy()
    patterns = gapped[columns].isna()
    for key, rows in patterns.groupby(list(columns)).groups.items():
        missing = [c for c, gap in zip(columns, key, strict=True) if gap]
        if not missing:
            continue
        donors = gapped[gapped[missing].notna().all(axis=1)]
        fixed = gapped.loc[rows, [c for c in gapped.columns if c not in missing]]
        completed = complete_rows(donors, fixed, schema=schema, random_state=0)
        for name in missing:
            out.loc[rows, name] = completed[name].to_numpy()
    return out


def engine(gapped: pd.DataFrame, columns: list[str], minutes: float) -> tuple[pd.DataFrame, float]:
    """MOSTLY AI's engine in the benchmark venv; returns the filled table and its own seconds."""
    with tempfile.TemporaryDirectory() as folder:
        source, result = Path(folder) / "gapped.parquet", Path(folder) / "filled.parquet"
        gapped.to_parquet(source)
        done = subprocess.run(
            [BENCH_PYTHON, "-m", "benchmarks.engine_impute", str(source), str(result), str(minutes), *columns],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "engine failed")
        filled = pd.read_parquet(result)[gapped.columns]
        return filled.astype(gapped.dtypes.to_dict(), errors="ignore"), float(done.stdout.strip().splitlines()[-1])


METHODS: dict[str, Callable[[pd.DataFrame, list[str]], pd.DataFrame]] = {
    "ours (chained trees, 2 rounds, leaves of 3)": ours,
    "ours, 1 round": ours_rounds(1),
    "ours, 3 rounds": ours_rounds(3),
    "ours, leaf 10": ours_leaf(10, 10),
    "ours, leaf 25": ours_leaf(25, 25),
    "ours, leaf 10 categories / 3 numbers": ours_leaf(10, 3),
    "design (b): pattern groups + generator chain": pattern_chain,
    "mean/mode": mean_mode,
    "random hot deck": hot_deck,
    "IterativeImputer": iterative,
    "KNNImputer (k=5)": knn,
}
HEADLINE = [
    "ours (chained trees, 2 rounds, leaves of 3)",
    "mean/mode",
    "random hot deck",
    "IterativeImputer",
    "KNNImputer (k=5)",
    "engine",
]


# --- scoring --------------------------------------------------------------------------------------------


def related_columns(table: pd.DataFrame, task: Task) -> dict[str, str]:
    """For each gap column, the observed column most associated with it (Cramer's V of bucketed values)."""
    schema = detect_schema(table)
    gap_columns = task.numbers + task.categories
    candidates = [c for c in schema.modelled() if c not in gap_columns and c != task.target]
    codes = {c: pd.factorize(Buckets(table[c], schema.kind(c))(table[c]))[0] for c in [*candidates, *gap_columns]}
    return {g: max(candidates, key=lambda c: cramers_v(codes[g], codes[c])) for g in gap_columns}


def score(truth: pd.DataFrame, filled: pd.DataFrame, mask: pd.DataFrame, task: Task, related: dict[str, str]) -> dict[str, float]:
    ks, group_gap, tvd = [], [], []
    for name in task.numbers:
        gap = mask[name].to_numpy()
        true, got = truth[name].to_numpy(dtype=float)[gap], pd.to_numeric(filled[name]).to_numpy(dtype=float)[gap]
        ks.append(ks_2samp(got, true).statistic)
        other = truth[related[name]]
        groups = Buckets(other, detect_schema(truth[[related[name]]]).kind(related[name]))(other)[gap].to_numpy()
        spread = truth[name].std() or 1.0
        gaps = [
            abs(got[groups == g].mean() - true[groups == g].mean()) / spread
            for g in np.unique(groups)
            if (groups == g).sum() >= 20
        ]
        group_gap.append(float(np.mean(gaps)))
    for name in task.categories:
        gap = mask[name].to_numpy()
        other = related[name]
        buckets = Buckets(truth[other], detect_schema(truth[[other]]).kind(other), top=None)
        partner = buckets(truth[other])[gap].to_numpy()
        true_pairs = pd.Series(list(zip(truth[name].astype(str).to_numpy()[gap], partner, strict=True))).value_counts(
            normalize=True
        )
        got_pairs = pd.Series(list(zip(filled[name].astype(str).to_numpy()[gap], partner, strict=True))).value_counts(
            normalize=True
        )
        tvd.append(0.5 * float(true_pairs.subtract(got_pairs, fill_value=0).abs().sum()))
    return {
        "KS (numbers)": float(np.mean(ks)),
        "group mean gap (sd)": float(np.mean(group_gap)),
        "pair TVD (categories)": float(np.mean(tvd)),
    }


def checks(gapped: pd.DataFrame, filled: pd.DataFrame, columns: list[str]) -> tuple[bool, bool]:
    """Observed cells unchanged (as text, every column), and no gap left in the gap columns."""
    observed = gapped.notna().to_numpy()
    same = (gapped.astype(str).to_numpy() == filled[gapped.columns].astype(str).to_numpy()) | ~observed
    return bool(same.all()), bool(filled[columns].notna().all().all())


def auc(train: pd.DataFrame, holdout: pd.DataFrame, task: Task) -> float:
    return evaluate(train, holdout, column=task.target, positive=task.positive, n_repeats=1, exclude=[]).summary()["auc_roc_mean"]


def run(task: Task, rows: int, methods: list[str], share: float, minutes: float, random_state: int = 0) -> pd.DataFrame:
    truth, holdout = load(task, rows)
    related = related_columns(truth, task)
    print(f"{task.name}: {len(truth):,} rows, holdout {len(holdout):,}; related columns {related}", flush=True)
    columns = list(task.numbers + task.categories)
    ceiling = auc(truth, holdout, task)
    records = []
    for scenario in ("MCAR", "MAR", "MNAR"):
        mask = gap_mask(truth, task, scenario, share, random_state)
        gapped = truth.copy()
        for name in columns:
            gapped[name] = gapped[name].mask(mask[name].to_numpy())
        for method in methods:
            start = time.perf_counter()
            try:
                if method == "engine":
                    filled, seconds = engine(gapped, columns, minutes)
                else:
                    filled = METHODS[method](gapped, columns)
                    seconds = time.perf_counter() - start
            except Exception as error:  # a baseline that cannot run is reported, not fatal
                print(f"{task.name} {scenario} {method}: failed ({error})", flush=True)
                continue
            unchanged, complete = checks(gapped, filled, columns)
            figures = score(truth, filled, mask, task, related)
            records.append(
                {
                    "dataset": task.name,
                    "gaps": scenario,
                    "method": method,
                    **figures,
                    "AUC filled": auc(filled, holdout, task),
                    "AUC complete": ceiling,
                    "seconds": seconds,
                    "observed unchanged": "yes" if unchanged else "no",
                    "no gap left": "yes" if complete else "no",
                }
            )
            print(records[-1], flush=True)
    return pd.DataFrame(records)


LOWER_IS_BETTER = ("KS (numbers)", "group mean gap (sd)", "pair TVD (categories)")


def verdict(frame: pd.DataFrame, ours_name: str = HEADLINE[0]) -> pd.DataFrame:
    """Per dataset, gaps and figure: ours against the best other headline method (positive margin: ours is better)."""
    others = [m for m in HEADLINE[1:] if m in set(frame["method"])]
    rows = []
    for (dataset, gaps), part in frame.groupby(["dataset", "gaps"], sort=False):
        by_method = part.set_index("method")
        if ours_name not in by_method.index:
            continue
        for figure in (*LOWER_IS_BETTER, "AUC filled"):
            rivals = by_method.loc[[m for m in others if m in by_method.index], figure]
            if rivals.empty:
                continue
            sign = 1 if figure in LOWER_IS_BETTER else -1
            best = rivals.idxmin() if sign == 1 else rivals.idxmax()
            margin = sign * (rivals[best] - by_method.loc[ours_name, figure])
            rows.append(
                {
                    "dataset": dataset,
                    "gaps": gaps,
                    "figure": figure,
                    "ours": by_method.loc[ours_name, figure],
                    "best other": best,
                    "its value": rivals[best],
                    "ours better by": margin,
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=list(TASKS), default=list(TASKS))
    parser.add_argument("--methods", nargs="+", choices=[*METHODS, "engine"], default=HEADLINE)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--engine-minutes", type=float, default=2.0, help="the engine's max_training_time")
    parser.add_argument("--name", default="imputation")
    parser.add_argument("--seed", type=int, default=0, help="seed of the gap masks")
    parser.add_argument("--from-csv", help="only print the verdict of a saved results CSV")
    args = parser.parse_args()
    if args.from_csv:
        frame = pd.read_csv(args.from_csv)
    else:
        frame = pd.concat(
            [run(TASKS[n], args.rows, args.methods, args.share, args.engine_minutes, args.seed) for n in args.datasets]
        )
        save(frame.reset_index(drop=True), args.name)
    save(verdict(frame), f"{args.name}-verdict")


if __name__ == "__main__":
    main()
