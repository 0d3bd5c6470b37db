"""Score a training table on a real holdout with the seed tutorial's LightGBM recipe.

The recipe (internal 80/20 split, early stopping after 5 rounds) is the yardstick every
rebalancing method is judged by, so it lives in one place and never sees synthetic holdout data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import train_test_split

from synth.data.kinds import Schema, detect_schema
from synth.errors import EvaluationError, ParameterError
from synth.progress import Progress, silent
from synth.table import is_dask

RECIPE = {
    "objective": "binary",
    "metric": "auc",
    "verbose": -1,
}
RECIPE_TEXT = (
    "LightGBM, objective 'binary', metric 'auc', default parameters otherwise; ID-like and constant columns are "
    "not used as features. For each seed the "
    "(rebalanced) training table is split 80/20 with that seed; the 20% part drives early stopping "
    "(5 rounds without AUC gain). The model is then scored on the real holdout, which was split off "
    "before any rebalancing: AUC-ROC, AUC-PR (average precision) and macro F1 at threshold 0.5."
)


@dataclass(frozen=True)
class RunScores:
    """One seed's holdout scores plus what the curves need."""

    seed: int
    auc_roc: float
    auc_pr: float
    f1_macro: float
    probabilities: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Evaluation:
    """Holdout scores of one training table over several seeds."""

    name: str
    runs: tuple[RunScores, ...]
    truth: np.ndarray = field(repr=False)
    note: str = ""  # why the scores mean less than they seem (too few rows to learn from)

    def summary(self) -> dict[str, float]:
        """Mean and standard deviation of each metric over the seeds."""
        out: dict[str, float] = {}
        for metric in ("auc_roc", "auc_pr", "f1_macro"):
            values = np.array([getattr(run, metric) for run in self.runs])
            out[f"{metric}_mean"] = float(values.mean())
            out[f"{metric}_std"] = float(values.std())
        return out

    def report(self) -> dict[str, dict[str, float]]:
        """Each metric's mean and std, rounded, as the CLI prints them."""
        s = self.summary()
        return {m: {"mean": round(s[f"{m}_mean"], 4), "std": round(s[f"{m}_std"], 4)} for m in ("auc_roc", "auc_pr", "f1_macro")}

    def mean_probabilities(self) -> np.ndarray:
        """Holdout probabilities averaged over the seeds, for curves and histograms."""
        return np.mean([run.probabilities for run in self.runs], axis=0)

    def roc_curve(self) -> tuple[np.ndarray, np.ndarray]:
        fpr, tpr, _ = roc_curve(self.truth, self.mean_probabilities())
        return fpr, tpr

    def pr_curve(self) -> tuple[np.ndarray, np.ndarray]:
        precision, recall, _ = precision_recall_curve(self.truth, self.mean_probabilities())
        return recall, precision


def model_frame(table: pd.DataFrame, categories: dict[str, pd.Index] | None = None) -> pd.DataFrame:
    """Text columns become pandas categoricals, the rest floats, as the tutorial prepares them.

    Passing the training table's categories keeps the holdout's codes aligned with training.
    """
    out = pd.DataFrame(index=table.index)
    for name in table.columns:
        column = table[name]
        if isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(column):
            values = column.astype("string").astype(object)
            known = categories[name] if categories is not None else None
            if known is not None:
                values = values.where(values.isin(known))
            out[name] = pd.Categorical(values, categories=known)
        elif pd.api.types.is_bool_dtype(column):
            out[name] = column.astype(float)
        else:
            out[name] = pd.to_numeric(column, errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)
    return out


def aligned_frames(train: pd.DataFrame, holdout: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model frames of a training table and a holdout, the holdout's categories coded as in training."""
    features = model_frame(train)
    categories = {n: features[n].cat.categories for n in features if isinstance(features[n].dtype, pd.CategoricalDtype)}
    return features, model_frame(holdout, categories)[features.columns]


def seed_range(seeds: int) -> list[int]:
    """Split seeds 1..N, the tutorial's convention for repeated runs."""
    if seeds < 1:
        raise ParameterError("seeds", f"The number of seeds must be at least 1; got {seeds}.")
    return list(range(1, seeds + 1))


def _binary_target(table: pd.DataFrame, column: str, positive: str, check: bool = True) -> np.ndarray:
    values = table[column].astype("string")
    if check and positive not in set(values.dropna()):
        raise ParameterError(
            "positive",
            f"The positive class {positive!r} is not a value of column {column!r}; "
            f"choose one of {sorted(values.dropna().unique().tolist())[:10]}.",
        )
    return (values == positive).fillna(False).to_numpy(dtype=int)


def score_once(features: pd.DataFrame, y: np.ndarray, x_hold: pd.DataFrame, truth: np.ndarray, seed: int) -> RunScores:
    """Train the recipe's LightGBM on model-ready ``features`` with one split seed and score the holdout."""
    stratify = y if np.bincount(y, minlength=2).min() >= 2 else None
    x_fit, x_val, y_fit, y_val = train_test_split(features, y, test_size=0.2, random_state=seed, stratify=stratify)
    params = {**RECIPE, "seed": seed, "num_threads": 2, "deterministic": True}
    booster = lgb.train(
        params,
        lgb.Dataset(x_fit, label=y_fit),
        valid_sets=[lgb.Dataset(x_val, label=y_val)],
        callbacks=[lgb.early_stopping(5, verbose=False)],
    )
    proba = booster.predict(x_hold, num_iteration=booster.best_iteration)
    return RunScores(
        seed=seed,
        auc_roc=float(roc_auc_score(truth, proba)),
        auc_pr=float(average_precision_score(truth, proba)),
        f1_macro=float(f1_score(truth, (proba >= 0.5).astype(int), average="macro")),
        probabilities=np.asarray(proba),
    )


def evaluate(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    column: str,
    positive: str,
    seeds: Sequence[int] = (1, 2, 3),
    name: str = "",
    progress: Progress | None = None,
    ignore: Sequence[str] | None = None,
) -> Evaluation:
    """Score ``train`` on the real ``holdout`` once per seed (the tutorial varies by +-0.05).

    ``ignore`` names columns that are not features: ID-like columns (``Schema.unmodelled``) would
    otherwise let the model tell generated rows, which get fresh IDs, from real ones. A Dask
    training table is trained on the current cluster with ``lightgbm.dask`` (same result type).
    """
    if is_dask(train):
        from synth.distributed.evaluate import evaluate_frame

        return evaluate_frame(
            train, holdout, column=column, positive=positive, seeds=seeds, name=name, ignore=ignore, progress=progress
        )
    if ignore is None:
        ignore = detect_schema(train).unmodelled()
    if len(seeds) == 0:
        raise ParameterError("seeds", "seeds must name at least one seed; got none.")
    if len(holdout) == 0:
        raise EvaluationError("The holdout is empty; split off at least a few real rows to score on.")
    missing = [c for c in train.columns if c not in holdout.columns and c not in ignore]
    if missing:
        raise EvaluationError(
            f"The holdout lacks the column(s) {missing[:10]} that the training table has; give both the same columns."
        )
    labels = _binary_target(train, column, positive)
    truth = _binary_target(holdout, column, positive, check=False)
    if truth.min() == truth.max():
        raise EvaluationError(f"The holdout has only one class of {column!r}; AUC needs both {positive!r} and other rows.")
    dropped = [column, *[c for c in ignore if c in train.columns]]
    features, x_hold = aligned_frames(
        train.drop(columns=dropped), holdout.drop(columns=[c for c in dropped if c in holdout.columns])
    )
    if features.shape[1] == 0:
        raise EvaluationError("No feature columns to learn from: every column but the class is ID-like or constant.")
    runs = []
    for i, seed in enumerate(seeds):  # the model frames are made once; each seed only re-splits
        if progress is not None:
            progress(i / len(seeds), f"{name}: training LightGBM, seed {seed}")
        runs.append(score_once(features, labels, x_hold, truth, seed))
    return Evaluation(name=name, runs=tuple(runs), truth=truth, note=_too_few_note(labels, positive))


# Below this many training rows of a class, early stopping halts at once and the model scores chance.
MIN_CLASS_ROWS = 10


def _too_few_note(labels: np.ndarray, positive: str) -> str:
    """A warning when a class is too rare in training for the model to learn it at all."""
    return too_few_note(int(labels.sum()), int(len(labels) - labels.sum()), positive)


def too_few_note(positives: int, negatives: int, positive: str) -> str:
    """The same warning from class counts (a partitioned table is counted, never gathered)."""
    if min(positives, negatives) >= MIN_CLASS_ROWS:
        return ""
    which = f"{positive!r}" if positives < negatives else f"rows other than {positive!r}"
    return (
        f"trained on only {min(positives, negatives)} row(s) of {which}: too few to learn from, so this score "
        "is close to chance; upsample that class first"
    )


def evaluate_all(
    tables: Mapping[str, pd.DataFrame],
    *,
    holdout: pd.DataFrame,
    column: str,
    positive: str,
    seeds: int = 3,
    schema: Schema | None = None,
    done: Mapping[str, Evaluation] | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_result: Callable[[str, Evaluation], None] | None = None,
) -> dict[str, Evaluation]:
    """Every named training table scored on the same real holdout with seeds 1..``seeds``.

    ID-like and constant columns (``schema.unmodelled()``, detected when no schema is given) are never
    features: generated rows get fresh IDs, which would tell them apart from real ones.
    ``done`` holds tables already scored (an interrupted run resumes); ``on_result`` hears of each
    table as soon as it is scored. ``scheduler`` (a Dask address) trains every model on that cluster.
    """
    progress = progress or silent
    seed_list = seed_range(seeds)
    if not tables:
        return {}
    ignore = (schema or detect_schema(next(iter(tables.values())))).unmodelled()
    score: Callable[..., Evaluation] = evaluate
    if scheduler:
        from synth.distributed.local import evaluate_on_cluster

        score = partial(evaluate_on_cluster, scheduler=scheduler)
    evaluations = {}
    for i, (name, table) in enumerate(tables.items()):

        def step(fraction: float, message: str, i: int = i) -> None:
            progress((i + fraction) / len(tables), message)

        if done and name in done:
            evaluations[name] = done[name]
            continue
        evaluations[name] = score(table, holdout, column, positive, seeds=seed_list, name=name, progress=step, ignore=ignore)
        if on_result is not None:
            on_result(name, evaluations[name])
    progress(1.0, "Done")
    return evaluations


def metrics_frame(evaluations: Mapping[str, Evaluation]) -> pd.DataFrame:
    """One row per training table: each metric as 'mean ± std' over the seeds."""
    rows = []
    for name, evaluation in evaluations.items():
        s = evaluation.summary()
        rows.append(
            {
                "training data": name,
                "AUC-ROC": f"{s['auc_roc_mean']:.3f} ± {s['auc_roc_std']:.3f}",
                "AUC-PR": f"{s['auc_pr_mean']:.3f} ± {s['auc_pr_std']:.3f}",
                "F1 (macro)": f"{s['f1_macro_mean']:.3f} ± {s['f1_macro_std']:.3f}",
                "note": evaluation.note,
            }
        )
    frame = pd.DataFrame(rows)
    return frame if frame["note"].astype(bool).any() else frame.drop(columns="note")
