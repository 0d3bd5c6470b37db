"""Score a training table on a real holdout with the seed tutorial's LightGBM recipe.

The recipe (internal 80/20 split, early stopping after 5 rounds) is the yardstick every
rebalancing method is judged by, so it lives in one place and never sees synthetic holdout data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import train_test_split

from synth.assess.uncertainty import holdout_bootstrap
from synth.data.holdout import overlap
from synth.data.kinds import detect_schema
from synth.errors import EvaluationError, ParameterError, SynthError, UnknownColumn
from synth.lightgbm_calls import FIT_THREADS, lightgbm_predict, lightgbm_train
from synth.parallel import fit_workers, run_in_threads
from synth.progress import Progress, silent
from synth.schema import Schema
from synth.table import value_counts

RECIPE = {
    "objective": "binary",
    "metric": "auc",
    "verbose": -1,
}
RECIPE_TEXT = (
    "LightGBM (the default), objective 'binary', metric 'auc', default parameters otherwise; ID-like and constant "
    "columns are not used as features. For each seed the (rebalanced) training table is split 80/20 with that seed; "
    "the 20% part drives early stopping (5 rounds without AUC gain). XGBoost follows the same recipe (hist trees, "
    "native categories); the random forest (100 trees, categories as codes) has no early stopping and learns from "
    "both parts. The model is then scored on the real holdout, which was split off before any rebalancing: AUC-ROC, "
    "AUC-PR (average precision) and macro F1 at threshold 0.5."
)


@dataclass(frozen=True)
class RunScores:
    """One seed's holdout scores plus what the curves need."""

    random_state: int  # the split and fit seed of this run
    auc_roc: float
    auc_pr: float
    f1_macro: float
    probabilities: np.ndarray = field(repr=False)

    @classmethod
    def of(cls, random_state: int, truth: np.ndarray, probabilities: np.ndarray) -> RunScores:
        """The three holdout metrics of one run's probabilities (both engines): AUC-ROC, AUC-PR, macro F1 at 0.5."""
        proba = np.asarray(probabilities)
        return cls(
            random_state=random_state,
            auc_roc=float(roc_auc_score(truth, proba)),
            auc_pr=float(average_precision_score(truth, proba)),
            f1_macro=float(f1_score(truth, (proba >= 0.5).astype(int), average="macro")),
            probabilities=proba,
        )


@dataclass(frozen=True)
class Evaluation:
    """Holdout scores of one training table over several seeds.

    >>> synth.evaluate(train, holdout, column="income", positive=">50K").summary()["auc_pr_mean"]  # doctest: +SKIP
    """

    name: str
    runs: tuple[RunScores, ...]
    truth: np.ndarray = field(repr=False)
    notes: tuple[str, ...] = ()  # why the scores mean less than they seem (too few rows to learn from)

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
        text = isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(column)
        if categories is not None:
            text = name in categories  # as in training: numbers written as text are still numbers
        if text:
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
    check_holdout_kinds(text_where_numbers(holdout, features.columns, categories))
    return features, model_frame(holdout, categories)[features.columns]


def text_where_numbers(holdout: pd.DataFrame, features: Sequence[str], categories: dict[str, pd.Index]) -> pd.DataFrame:
    """The first value of each holdout column holding text where training holds numbers (columns ``column``, ``value``)."""
    found = []
    for name in features:
        if name in categories or name not in holdout.columns:
            continue
        column = holdout[name]
        if pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype):
            continue
        text = column[pd.to_numeric(column, errors="coerce").isna() & column.notna()]
        if len(text):
            found.append((str(name), str(text.iloc[0])))
    return pd.DataFrame(found, columns=["column", "value"], dtype=object)


def check_holdout_kinds(found: pd.DataFrame) -> None:
    """A holdout column holding text where training holds numbers cannot be scored; say which."""
    if len(found):
        name, value = found.iloc[0]
        raise EvaluationError(
            f"The holdout's column {name!r} holds text such as {value!r} where the training table "
            "holds numbers; give both tables the same kind of values."
        )


def lightgbm_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame under names LightGBM accepts (it refuses ``[ ] , : " { }``); users keep seeing theirs."""
    safe = [f"f{i}_{re.sub(r'[^0-9A-Za-z_]', '_', str(name))}" for i, name in enumerate(frame.columns)]
    return frame.set_axis(safe, axis=1)


# Each seed is one LightGBM fit per table; beyond this the spread no longer narrows visibly.
MAX_REPEATS = 100


def split_seeds(n_repeats: int, random_state: int = 0) -> list[int]:
    """Run k of ``n_repeats`` (k = 1..N) splits and fits with seed ``random_state + k``: seeds 1..N by default,
    the tutorial's convention for repeated runs."""
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, int | np.integer):
        raise ParameterError(
            "n_repeats", f"The number of runs must be a whole number from 1 to {MAX_REPEATS}; got {n_repeats!r}."
        )
    if not 1 <= n_repeats <= MAX_REPEATS:
        raise ParameterError("n_repeats", f"The number of runs must be from 1 to {MAX_REPEATS}; got {n_repeats:,}.")
    return list(range(random_state + 1, random_state + 1 + n_repeats))


def _binary_target(table: pd.DataFrame, column: str, positive: str, check: bool = True) -> np.ndarray:
    values = table[column].astype("string")
    if check and positive not in set(values.dropna()):
        raise ParameterError(
            "positive",
            f"The positive class {positive!r} is not a value of column {column!r}; "
            f"choose one of {sorted(values.dropna().unique().tolist())[:10]}.",
        )
    return (values == positive).fillna(False).to_numpy(dtype=int)


# The classifiers a training table can be judged by; the seed benchmark finds the best upsampling
# method depends on the model (XGBoost copes with imbalance better), so the choice is the user's.
MODELS = {"lightgbm": "LightGBM (the tutorial recipe)", "xgboost": "XGBoost", "forest": "random forest (100 trees)"}


def _predict(
    model: str, x_fit: pd.DataFrame, y_fit: np.ndarray, x_val, y_val, x_hold: pd.DataFrame, random_state: int
) -> np.ndarray:
    """Holdout probabilities of ``model`` trained on the fit part; boosters stop early on the validation part."""
    if model == "lightgbm":
        params = {**RECIPE, "seed": random_state, "deterministic": True}
        booster = lightgbm_train(
            params,
            lgb.Dataset(x_fit, label=y_fit),
            valid_sets=[lgb.Dataset(x_val, label=y_val)],
            callbacks=[lgb.early_stopping(5, verbose=False)],
        )
        return lightgbm_predict(booster, x_hold, num_iteration=booster.best_iteration)
    if model == "xgboost":
        import xgboost as xgb

        classifier = xgb.XGBClassifier(
            n_estimators=1000,
            early_stopping_rounds=5,
            eval_metric="auc",
            enable_categorical=True,
            tree_method="hist",
            random_state=random_state,
            n_jobs=FIT_THREADS,
        )
        classifier.fit(x_fit, y_fit, eval_set=[(x_val, y_val)], verbose=False)
        return classifier.predict_proba(x_hold)[:, 1]
    forest = RandomForestClassifier(n_estimators=100, random_state=random_state, n_jobs=FIT_THREADS)
    forest.fit(_as_codes(pd.concat([x_fit, x_val])), np.r_[y_fit, y_val])
    return forest.predict_proba(_as_codes(x_hold))[:, 1]


def _as_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as their codes (missing: -1) for a forest, which takes numbers only."""
    return frame.apply(lambda c: c.cat.codes.astype(float) if isinstance(c.dtype, pd.CategoricalDtype) else c)


def score_once(
    features: pd.DataFrame, y: np.ndarray, x_hold: pd.DataFrame, truth: np.ndarray, random_state: int, model: str = "lightgbm"
) -> RunScores:
    """Train ``model`` on model-ready ``features`` with one split seed and score the holdout."""
    stratify = y if np.bincount(y, minlength=2).min() >= 2 else None
    features, x_hold = lightgbm_names(features), lightgbm_names(x_hold)
    x_fit, x_val, y_fit, y_val = train_test_split(features, y, test_size=0.2, random_state=random_state, stratify=stratify)
    proba = _predict(model, x_fit, y_fit, x_val, y_val, x_hold, random_state)
    return RunScores.of(random_state, truth, proba)


def evaluate(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    column: str,
    positive: str,
    n_repeats: int = 3,
    random_state: int = 0,
    name: str = "",
    exclude: Sequence[str] | None = None,
    model: str = "lightgbm",
    progress: Progress | None = None,
) -> Evaluation:
    """Score ``train`` on the real ``holdout`` in ``n_repeats`` runs (the tutorial varies by +-0.05).

    Run k uses split seed ``random_state + k`` (seeds 1..N by default; a benchmark's fold k passes k - 1).
    ``exclude`` names columns that are not features; by default the ID-like and constant ones
    (``Schema.unmodelled``), which would otherwise let the model tell generated rows, which get fresh
    IDs, from real ones.
    """
    progress = progress or silent
    check_model(model)
    if exclude is None:
        exclude = detect_schema(train).unmodelled()
    seed_list = split_seeds(n_repeats, random_state)
    check_holdout(train, holdout, column=column, exclude=exclude)
    try:
        repeated = overlap(train, holdout)
    except SynthError as error:
        raise EvaluationError(str(error)) from None
    labels = _binary_target(train, column, positive)
    check_holdout_outcome(column, value_counts(train[column]), value_counts(holdout[column]))
    unlabelled = len(holdout)
    holdout = scorable(holdout, column)  # rows with no outcome have nothing to be scored against: left out, and said so
    unlabelled -= len(holdout)
    truth = _binary_target(holdout, column, positive, check=False)
    if truth.min() == truth.max():
        raise EvaluationError(f"The holdout has only one class of {column!r}; AUC needs both {positive!r} and other rows.")
    dropped = [column, *[c for c in exclude if c in train.columns]]
    features, x_hold = aligned_frames(
        train.drop(columns=dropped), holdout.drop(columns=[c for c in dropped if c in holdout.columns])
    )
    runs = []
    for i, seed in enumerate(seed_list):  # the model frames are made once; each seed only re-splits
        progress(i / len(seed_list), f"{name}: training {MODELS[model].split(' (')[0]}, seed {seed}")
        runs.append(score_once(features, labels, x_hold, truth, seed, model))
    progress(1.0, f"{name}: scored")
    found = (_too_few_note(labels, positive), holdout_note(truth, positive), repeated, left_out_note(unlabelled, column))
    notes = tuple(n for n in found if n)
    return Evaluation(name=name, runs=tuple(runs), truth=truth, notes=notes)


def scorable(holdout: pd.DataFrame, column: str) -> pd.DataFrame:
    """The holdout rows that have an outcome: the rows every score and figure per group is about."""
    return holdout[holdout[column].notna().to_numpy()] if holdout[column].isna().any() else holdout


def left_out_note(unlabelled: int, column: str) -> str:
    """What the scores leave out: holdout rows with no outcome (empty when there are none)."""
    return f"{unlabelled:,} holdout row(s) with no value of {column!r} are left out of the scores." if unlabelled else ""


def check_holdout_outcome(column: str, trained: Mapping[str, int], held: Mapping[str, int]) -> None:
    """Refuse holdout outcome values the training table never holds, naming them (a model would score them as negatives)."""
    unseen = [v for v in held if v not in trained]
    if not unseen:
        return
    by_case = {v.casefold(): v for v in trained}
    alike = [by_case[v.casefold()] for v in unseen if v.casefold() in by_case]
    hint = f" (spelled {alike[:10]} in training: the case differs)" if len(alike) == len(unseen) else ""
    raise EvaluationError(
        f"The holdout's column {column!r} holds value(s) {unseen[:10]} that the training table lacks{hint}; "
        "a model would score them as negatives. Spell the values alike in both tables, or remove those rows."
    )


def check_model(model: str) -> None:
    """Refuse an unknown classifier by name, before any work."""
    if model not in MODELS:
        raise ParameterError("model", f"The model must be one of {list(MODELS)}; got {model!r}.")


def check_holdout(train: pd.DataFrame, holdout: pd.DataFrame, *, column: str, exclude: Sequence[str]) -> None:
    """The holdout must hold rows, the class column and every feature column training has."""
    if len(holdout) == 0:
        raise EvaluationError("The holdout is empty; split off at least a few real rows to score on.")
    if column not in holdout.columns:
        raise UnknownColumn("column", column, holdout.columns, where="the holdout")
    check_features(list(train.columns), list(holdout.columns), column=column, exclude=exclude)


def check_features(train: Sequence[str], holdout: Sequence[str], *, column: str, exclude: Sequence[str]) -> list[str]:
    """The feature columns, once both engines agree there are some and the holdout has every one of them."""
    features = [c for c in train if c != column and c not in exclude]
    if not features:
        raise EvaluationError("No feature columns to learn from: every column but the class is ID-like or constant.")
    missing = [c for c in features if c not in holdout]
    if missing:
        raise EvaluationError(
            f"The holdout lacks the column(s) {missing[:10]} that the training table has; give both the same columns."
        )
    return features


# Below this many training rows of a class, early stopping halts at once and the model scores chance.
MIN_CLASS_ROWS = 10
# Below this many holdout rows of either class, a score moves by more than methods differ: a note, and no verdict.
MIN_HOLDOUT_ROWS = 10


def holdout_note(truth: np.ndarray, positive: str) -> str:
    """A warning when the holdout holds too few rows of a class for its scores to mean much (AUC 1.0 of one row)."""
    positives = int(truth.sum())
    fewest = min(positives, len(truth) - positives)
    if fewest >= MIN_HOLDOUT_ROWS:
        return ""
    which = f"{positive!r}" if positives <= len(truth) - positives else f"rows other than {positive!r}"
    return (
        f"the holdout holds only {fewest} row(s) of {which}: with fewer than {MIN_HOLDOUT_ROWS} of each class a "
        "single row moves every score, so these figures say little; use a larger holdout"
    )


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
    n_repeats: int = 3,
    random_state: int = 0,
    schema: Schema | None = None,
    exclude: Sequence[str] = (),
    model: str = "lightgbm",
    done: Mapping[str, Evaluation] | None = None,
    workers: int | None = None,
    score: Callable[..., Evaluation] | None = None,
    progress: Progress | None = None,
    on_result: Callable[[str, Evaluation], None] | None = None,
) -> dict[str, Evaluation]:
    """Every named training table scored on the same real holdout in ``n_repeats`` runs.

    ID-like and constant columns (``schema.unmodelled()``, detected when no schema is given) are never
    features: generated rows get fresh IDs, which would tell them apart from real ones. ``exclude``
    names more columns to leave out (suspected leakage).
    ``done`` holds tables already scored (an interrupted run resumes); ``on_result`` hears of each
    table as soon as it is scored. ``workers`` tables are scored side by side in threads (default
    ``fit_workers``: one per core); the scores are the same for any number. ``score`` replaces
    ``evaluate`` for one table (``synth.engine`` passes the cluster's). Progress and ``on_result``
    are called on the caller's thread.
    """
    progress = progress or silent
    split_seeds(n_repeats)  # a bad count is refused before any table is scored
    check_model(model)
    if not tables:
        progress(1.0, "Nothing to score")
        return {}
    leave_out = [*(schema or detect_schema(next(iter(tables.values())))).unmodelled(), *exclude]
    score = score or partial(evaluate, model=model)
    evaluations = {name: done[name] for name in tables if done and name in done}
    todo = [name for name in tables if name not in evaluations]
    scored = len(evaluations)

    def run(name: str, step: Progress) -> Evaluation:
        return score(
            tables[name],
            holdout,
            column=column,
            positive=positive,
            n_repeats=n_repeats,
            random_state=random_state,
            name=name,
            exclude=leave_out,
            progress=step,
        )

    def share(count: float, message: str) -> None:
        progress((scored + count) / len(tables), message)

    evaluations.update(run_in_threads(run, todo, workers or fit_workers(len(todo) or 1), share, on_result))
    progress(1.0, "Done")
    return {name: evaluations[name] for name in tables}


def interval(evaluation: Evaluation, metric: str, resampled: dict[str, np.ndarray] | None = None) -> tuple[float, float]:
    """The 95% interval of a metric's mean, counting both noises: the seeds' spread and a bootstrap
    over the holdout rows (mean ± 1.96 times their combined standard deviation)."""
    if resampled is None:
        resampled = holdout_bootstrap(evaluation.truth, {"t": evaluation.mean_probabilities()})["t"]
    s = evaluation.summary()
    mean, half = s[f"{metric}_mean"], 1.96 * float(np.hypot(s[f"{metric}_std"], np.std(resampled[metric])))
    return max(mean - half, 0.0), min(mean + half, 1.0)


def shared_bootstrap(evaluations: Mapping[str, Evaluation]) -> dict[str, dict[str, np.ndarray]]:
    """Each table's ``holdout_bootstrap``, drawn once for all tables scored on the same holdout.

    The draws depend on the holdout's classes only, so each table's figures equal a bootstrap of its own.
    """
    groups: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    for name, evaluation in evaluations.items():
        group = next((g for truth, g in groups if np.array_equal(truth, evaluation.truth)), None)
        if group is None:
            groups.append((evaluation.truth, group := {}))
        group[name] = evaluation.mean_probabilities()
    return {name: figures for truth, group in groups for name, figures in holdout_bootstrap(truth, group).items()}


def metrics_frame(
    evaluations: Mapping[str, Evaluation],
    intervals: bool = True,
    resampled: Mapping[str, dict[str, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """One row per training table: each metric as 'mean ± std' over the seeds, then its 95% interval
    (``interval``; left out while tables are still being scored, as the bootstrap takes a moment).
    ``resampled``: the tables' ``shared_bootstrap``, when already drawn (the verdicts use it too)."""
    rows = []
    bootstraps = {} if not intervals else shared_bootstrap(evaluations) if resampled is None else resampled
    for name, evaluation in evaluations.items():
        s = evaluation.summary()
        resampled = bootstraps.get(name)
        row = {"training data": name}
        for key, label in (("auc_roc", "AUC-ROC"), ("auc_pr", "AUC-PR"), ("f1_macro", "F1 (macro)")):
            mean, spread = s[f"{key}_mean"], s[f"{key}_std"]
            row[label] = f"{mean:.3f} ± {spread:.3f}"
            if resampled is not None:
                low, high = interval(evaluation, key, resampled)
                row[label] += f" [{low:.3f}, {high:.3f}]"
        rows.append({**row, "note": "; ".join(evaluation.notes)})
    frame = pd.DataFrame(rows)
    return frame if frame["note"].astype(bool).any() else frame.drop(columns="note")
