"""Are our records new, faithful and fast? Scored by MOSTLY AI's ruler, ``mostlyai-qa``.

    python -m benchmarks.quality [--datasets adult credit-default] [--methods ours engine gaussian-copula]
        [--rows N]

Each dataset is split 50/50 (stratified, seed 0) into training half A and holdout half B. Each
method learns from A and writes a fully synthetic table as large as A with A's class mix; the
ruler scores it against A (training) and B (holdout): DCR share (0.50 = as new as fresh real
records), discriminator AUC (0.50 = indistinguishable) and accuracy (1 - total variation of
binned uni- and bivariate distributions). Seconds are fit + generate. Peers run when installed:
MOSTLY AI's open-source engine (``mostlyai-engine``) and SDV's GaussianCopula (``sdv``); the
ruler and peers come from ``requirements-bench.txt``, never from ``requirements.txt``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from benchmarks.common import RESULTS, SHARED, require_shared, save
from synth.rebalancing.run import rebalance

DATASETS: dict[str, tuple[list[Path], str]] = {
    "adult": ([SHARED / "adult" / "adult_train.csv", SHARED / "adult" / "adult_test.csv"], "income"),
    "credit-default": ([SHARED / "credit-default" / "credit_default.csv"], "default_payment_next_month"),
}


def halves(name: str, rows: int | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Training half A and holdout half B of a dataset (optionally a stratified subsample of it)."""
    paths, column = DATASETS[name]
    table = pd.concat([pd.read_csv(require_shared(p)) for p in paths], ignore_index=True)
    if column == "income":  # adult_test writes '>50K.' where adult_train writes '>50K'
        table[column] = table[column].astype(str).str.rstrip(".")
    if rows and rows < len(table):
        table = table.sample(n=rows, random_state=0).reset_index(drop=True)
    a, b = train_test_split(table, test_size=0.5, random_state=0, stratify=table[column])
    return a.reset_index(drop=True), b.reset_index(drop=True), column


def ours(train: pd.DataFrame, column: str) -> pd.DataFrame:
    shares = train[column].astype(str).value_counts(normalize=True).to_dict()
    result = rebalance(
        train.astype({column: str}),
        column=column,
        shares=shares,
        method="synthetic",
        mode="full",
        rows=len(train),
        random_state=0,
    )
    return result.table.astype({column: train[column].dtype})


def engine(train: pd.DataFrame, column: str) -> pd.DataFrame:
    from mostlyai import engine as mostly

    with tempfile.TemporaryDirectory() as workspace:
        mostly.split(workspace_dir=workspace, tgt_data=train, model_type="TABULAR")
        mostly.analyze(workspace_dir=workspace)
        mostly.encode(workspace_dir=workspace)
        mostly.train(workspace_dir=workspace)
        mostly.generate(workspace_dir=workspace, sample_size=len(train))
        return pd.read_parquet(Path(workspace) / "SyntheticData")


def gaussian_copula(train: pd.DataFrame, column: str) -> pd.DataFrame:
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    synthesizer = GaussianCopulaSynthesizer(Metadata.detect_from_dataframe(train))
    synthesizer.fit(train)
    return synthesizer.sample(len(train))


METHODS: dict[str, tuple[str | None, Callable[[pd.DataFrame, str], pd.DataFrame]]] = {
    "ours": (None, ours),
    "engine": ("mostlyai.engine", engine),
    "gaussian-copula": ("sdv", gaussian_copula),
}


def installed(module: str | None) -> bool:
    try:
        return module is None or importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def score(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame, title: str) -> dict[str, float]:
    """The ruler's three headline figures for one synthetic table."""
    from mostlyai import qa

    path = RESULTS / f"quality-{title}.html"
    _, metrics = qa.report(syn_tgt_data=synthetic, trn_tgt_data=train, hol_tgt_data=holdout, report_path=path, report_title=title)
    return {
        "DCR share": metrics.distances.dcr_share,
        "discriminator AUC": metrics.similarity.discriminator_auc_training_synthetic,
        "accuracy": metrics.accuracy.overall,
        "accuracy max (holdout)": metrics.accuracy.overall_max,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--rows", type=int, default=None, help="subsample each dataset first (quick iterations)")
    args = parser.parse_args()
    if not installed("mostlyai.qa"):
        raise SystemExit("mostlyai-qa is missing: pip install -r requirements-bench.txt (the ruler this benchmark uses).")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the ruler's embedder ships inside the package
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in args.datasets:
        train, holdout, column = halves(name, args.rows)
        for method in args.methods:
            module, generate = METHODS[method]
            if not installed(module):
                print(f"{method}: {module} is not installed; skipped (pip install -r requirements-bench.txt).")
                continue
            started = time.perf_counter()
            synthetic = generate(train, column)
            seconds = time.perf_counter() - started
            figures = score(synthetic[list(train.columns)], train, holdout, f"{name}-{method}")
            rows.append({"dataset": name, "method": method, **figures, "fit+generate s": seconds, "training rows": len(train)})
            print(rows[-1], flush=True)
    save(pd.DataFrame(rows), "quality")


if __name__ == "__main__":
    main()
