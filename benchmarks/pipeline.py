"""Our over-sampler in a scikit-learn Pipeline against SMOTE-NC and no resampling, cross-validated.

    python -m benchmarks.pipeline [--datasets tutorial credit-default] [--repeats 1] [--credit-fraction 0.005]

Each dataset is scored with stratified 5-fold cross-validation (``RepeatedStratifiedKFold`` with
``--repeats``): ``make_pipeline(SyntheticOverSampler(), LGBMClassifier())``,
``make_pipeline(SMOTENC(...), LGBMClassifier())`` and ``LGBMClassifier()`` alone, so every sampler
resamples only the training folds and every score is on real rows it never saw. ``tutorial`` is the
seed tutorial's table (29 ``>50K`` rows among 29,753); ``credit-default`` keeps every non-default
row and ``--credit-fraction`` defaults (seed 0). Text columns become pandas categories (LightGBM's
categorical features); SMOTE-NC is told the columns our kind detection calls categorical. LightGBM
runs one thread per fit: on a busy 2-core machine a fit on every core is about ten times slower.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTENC
from imblearn.pipeline import make_pipeline
from lightgbm import LGBMClassifier
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate

from benchmarks.common import SHARED, require_shared, save
from benchmarks.upsampling import downsample
from synth.data.kinds import detect_schema
from synth.rebalancing.oversampler import SyntheticOverSampler
from synth.schema import ColumnKind

SCORING = {"AUC-ROC": "roc_auc", "AUC-PR": "average_precision"}


def load(name: str, credit_fraction: float) -> tuple[pd.DataFrame, pd.Series]:
    """Features (text as pandas categories) and the positive-class indicator."""
    if name == "tutorial":
        table = pd.read_csv(require_shared(SHARED / "adult-rebalancing" / "census-training-imbalanced.csv"))
        column, positive = "income", ">50K"
    else:
        full = pd.read_csv(require_shared(SHARED / "credit-default" / "credit_default.csv"))
        column, positive = "default_payment_next_month", "1"
        full[column] = full[column].astype(str)
        table = downsample(full, column, positive, credit_fraction, np.random.default_rng(0)).reset_index(drop=True)
    X = table.drop(columns=column)
    X = X.astype({name: "category" for name in X.columns if not pd.api.types.is_numeric_dtype(X[name])})
    return X, (table[column].astype(str) == positive).rename(column)


def pipelines(X: pd.DataFrame, random_state: int) -> dict[str, object]:
    """The three models compared, each a fresh estimator cross_validate clones per fold."""
    categorical = [name for name in detect_schema(X).names(ColumnKind.CATEGORICAL)]

    def lightgbm() -> LGBMClassifier:
        return LGBMClassifier(verbose=-1, n_jobs=1, random_state=random_state)

    return {
        "no resampling": lightgbm(),
        "SMOTENC + LightGBM": make_pipeline(SMOTENC(categorical_features=categorical, random_state=random_state), lightgbm()),
        "SyntheticOverSampler + LightGBM": make_pipeline(SyntheticOverSampler(random_state=random_state), lightgbm()),
    }


def run(name: str, repeats: int, credit_fraction: float) -> list[dict]:
    X, y = load(name, credit_fraction)
    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=0)
    rows = []
    for label, model in pipelines(X, random_state=0).items():
        started = time.perf_counter()
        scores = cross_validate(model, X, y, cv=folds, scoring=SCORING, n_jobs=1)
        row = {"dataset": name, "rows": len(X), "rare rows": int(y.sum()), "pipeline": label}
        for metric in SCORING:
            values = scores[f"test_{metric}"]
            row |= {metric: values.mean(), f"± {metric}": values.std()}
        row["fit s per fold"] = float(np.mean(scores["fit_time"]))
        row["total s"] = time.perf_counter() - started
        rows.append(row)
        print(row, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", choices=["tutorial", "credit-default"], default=["tutorial", "credit-default"])
    parser.add_argument("--repeats", type=int, default=1, help="times the 5-fold split is repeated with new shuffles")
    parser.add_argument("--credit-fraction", type=float, default=0.005, help="share of defaults kept in credit default")
    args = parser.parse_args()
    rows = [row for name in args.datasets for row in run(name, args.repeats, args.credit_fraction)]
    save(pd.DataFrame(rows), "pipeline")


if __name__ == "__main__":
    main()
