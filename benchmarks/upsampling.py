"""The seed benchmark protocol: AUC vs minority fraction, per method and classifier.

    python -m benchmarks.upsampling [--datasets adult credit-default] [--folds 5]
        [--fractions 0.0005 0.001 0.002 0.005 0.01 0.02 0.05] [--classifiers lightgbm xgboost forest]

For each dataset: stratified 5-fold split into base (80%) and holdout (20%); the minority of the
base is downsampled to each fraction of it; naive, SMOTE-NC and synthetic (hybrid) upsample it to
50:50; LightGBM (the tutorial recipe), XGBoost and a random forest are trained on each and on the
unbalanced base, and scored on the holdout. Writes benchmarks/results/upsampling.{csv,md} and one
plotly HTML figure per dataset and classifier.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import plotly.express as px
from sklearn.model_selection import StratifiedKFold

from benchmarks.common import RESULTS, SHARED, require_shared, save
from synth.assess.evaluate import MODELS, evaluate
from synth.data.kinds import detect_schema
from synth.rebalancing.plan import make_plan
from synth.rebalancing.run import rebalance_all
from synth.rebalancing.samplers import DEFAULT_METHODS

DATASETS = {
    "adult": (["adult/adult_train.csv", "adult/adult_test.csv"], "income", ">50K"),
    "credit-default": (["credit-default/credit_default.csv"], "default_payment_next_month", "1"),
}
METHODS = DEFAULT_METHODS


def load(name: str) -> tuple[pd.DataFrame, str, str]:
    files, column, positive = DATASETS[name]
    table = pd.concat([pd.read_csv(require_shared(SHARED / f)) for f in files], ignore_index=True)
    return table, column, positive


def downsample(base: pd.DataFrame, column: str, positive: str, fraction: float, rng: np.random.Generator) -> pd.DataFrame:
    """Keep every majority row and enough minority rows to make ``fraction`` of the result (at least 2)."""
    is_positive = (base[column].astype(str) == positive).to_numpy()
    majority = int((~is_positive).sum())
    keep = max(2, round(fraction * majority / (1 - fraction)))
    chosen = rng.choice(np.flatnonzero(is_positive), size=keep, replace=False)
    return base.iloc[np.sort(np.r_[np.flatnonzero(~is_positive), chosen])]


def score(train, holdout, column, positive, classifier, random_state) -> tuple[float, float]:
    """AUC-ROC and AUC-PR of one classifier with split seed ``random_state``, trained the app's way (``synth.assess.evaluate.MODELS``)."""
    run = evaluate(
        train,
        holdout,
        column=column,
        positive=positive,
        n_repeats=1,
        random_state=random_state - 1,  # run 1 splits with seed random_state
        exclude=detect_schema(train).unmodelled(),
        model=classifier,
    )
    return run.runs[0].auc_roc, run.runs[0].auc_pr


def run_dataset(name: str, folds: int, fractions: list[float], classifiers: list[str]) -> list[dict]:
    table, column, positive = load(name)
    table[column] = table[column].astype(str)
    schema = detect_schema(table)
    rows = []
    splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for fold, (base_idx, holdout_idx) in enumerate(splitter.split(table, table[column])):
        if fold >= folds:
            break
        base, holdout = table.iloc[base_idx], table.iloc[holdout_idx]
        for fraction in fractions:
            small = downsample(base, column, positive, fraction, np.random.default_rng(fold))
            minority = int((small[column] == positive).sum())
            plan = make_plan(small[column], {positive: 0.5})
            outputs = rebalance_all(small, plan=plan, schema=schema, methods=METHODS, random_state=fold)
            for method, error in outputs.notes.items():
                print(f"{name} fold {fold} fraction {fraction}: {method} skipped ({error})", flush=True)
            trainings = {"unbalanced": small, **{m: r.table for m, r in outputs.results.items()}}
            for method, train in trainings.items():
                for classifier in classifiers:
                    auc, ap = score(train, holdout, column, positive, classifier, fold + 1)
                    rows.append(
                        {
                            "dataset": name,
                            "fold": fold,
                            "fraction": fraction,
                            "minority rows": minority,
                            "method": method,
                            "classifier": classifier,
                            "AUC-ROC": auc,
                            "AUC-PR": ap,
                        }
                    )
            print(f"{name} fold {fold} fraction {fraction:.2%} ({minority} rows) done", flush=True)
    return rows


def figures(results: pd.DataFrame) -> None:
    means = results.groupby(["dataset", "classifier", "fraction", "method"], as_index=False)[["AUC-ROC", "AUC-PR"]].mean()
    for (dataset, classifier), part in means.groupby(["dataset", "classifier"]):
        figure = px.line(
            part,
            x="fraction",
            y="AUC-ROC",
            color="method",
            markers=True,
            log_x=True,
            title=f"{dataset}, {classifier}: holdout AUC-ROC vs minority fraction",
        )
        figure.update_layout(template="plotly_white", xaxis_tickformat=".2%")
        figure.write_html(RESULTS / f"upsampling-{dataset}-{classifier}.html", include_plotlyjs=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fractions", nargs="+", type=float, default=[0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05])
    parser.add_argument("--classifiers", nargs="+", default=["lightgbm", "xgboost", "forest"], choices=list(MODELS))
    args = parser.parse_args()
    rows = [row for name in args.datasets for row in run_dataset(name, args.folds, args.fractions, args.classifiers)]
    results = pd.DataFrame(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results.to_csv(RESULTS / "upsampling-runs.csv", index=False)
    figures(results)
    save(summarize(results), "upsampling")


def summarize(results: pd.DataFrame) -> pd.DataFrame:
    """Mean AUC-ROC over folds: one row per dataset, classifier and fraction, one column per method."""
    table = results.pivot_table(index=["dataset", "classifier", "fraction"], columns="method", values="AUC-ROC", aggfunc="mean")
    table["minority rows"] = results.groupby(["dataset", "classifier", "fraction"])["minority rows"].mean().round().astype(int)
    table = table.reset_index()
    table["fraction"] = table["fraction"].map(lambda f: f"{f:.2%}")
    return table[["dataset", "classifier", "fraction", "minority rows", "unbalanced", *METHODS]]


if __name__ == "__main__":
    main()
