"""Score a numeric target: a regressor trained on each table, scored on a real holdout split off first.

Figures: RMSE and MAE overall and per range (rarest range first), and SERA (Ribeiro & Moniz 2020,
"A theoretical analysis of squared error relevance area"): the squared error of the holdout rows
whose relevance is at least t, integrated over t from 0 to 1, so errors on rare, extreme values weigh
most. Relevance follows the paper's automatic choice for an upper tail: 0 at the median, rising
smoothly (monotone cubic, PCHIP) to 1 at the upper adjacent value of the boxplot (Q3 + 1.5 IQR),
computed on the holdout so every table is judged by the same ruler. The integral is numerical
(trapezoid over 101 thresholds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

from synth.assess.evaluate import aligned_frames, lightgbm_names, split_seeds
from synth.data.holdout import Split, split_holdout
from synth.errors import EvaluationError, ParameterError, UnknownColumn
from synth.lightgbm_calls import FIT_THREADS, lightgbm_predict, lightgbm_train
from synth.progress import Progress, silent
from synth.rebalancing.ranges import ValueRange, default_ranges, parse_ranges, range_labels
from synth.table import as_numbers

REGRESSORS = {"lightgbm": "LightGBM regressor", "forest": "random forest (100 trees)", "xgboost": "XGBoost regressor"}
LIGHTGBM_REGRESSION = {"objective": "regression", "metric": "rmse", "verbose": -1}
SERA_STEPS = 101
# A method differs from another only when the mean paired difference over runs exceeds this many standard errors.
NOISE_SES = 2.0


def relevance(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Relevance in [0, 1]: 0 up to the reference's median, 1 from its upper adjacent value, PCHIP between."""
    known = reference[~np.isnan(reference)]
    median, q1, q3 = np.quantile(known, [0.5, 0.25, 0.75])
    top = min(q3 + 1.5 * (q3 - q1), known.max())
    if top <= median:
        top = known.max() if known.max() > median else median + 1.0
    curve = PchipInterpolator([median, (median + top) / 2, top], [0.0, 0.5, 1.0])
    return np.clip(curve(np.clip(values, median, top)), 0.0, 1.0)


def sera(truth: np.ndarray, predicted: np.ndarray, phi: np.ndarray, steps: int = SERA_STEPS) -> float:
    """The squared error relevance area: sum of squared errors of rows with relevance >= t, integrated over t."""
    thresholds = np.linspace(0.0, 1.0, steps)
    squared = (predicted - truth) ** 2
    errors = np.array([squared[phi >= t].sum() for t in thresholds])
    return float(np.sum((errors[1:] + errors[:-1]) / 2 * np.diff(thresholds)))


@dataclass(frozen=True)
class RegressionRun:
    """One run's holdout figures."""

    random_state: int
    rmse: float
    mae: float
    sera: float
    range_rmse: dict[str, float]
    range_mae: dict[str, float]
    predictions: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class RegressionEvaluation:
    """A regressor trained on one table and scored on the real holdout over ``n_repeats`` runs.

    >>> synth.evaluate(train, holdout, column="claim", ranges="0-1000,1000+").report()["rmse"]  # doctest: +SKIP
    """

    name: str
    model: str
    ranges: tuple[str, ...]  # rarest (fewest holdout rows) first
    range_rows: dict[str, int]
    truth: np.ndarray = field(repr=False)
    runs: tuple[RegressionRun, ...] = ()
    notes: tuple[str, ...] = ()

    def values(self, metric: str, label: str | None = None) -> np.ndarray:
        """One figure per run: 'rmse', 'mae' or 'sera' overall, or 'rmse' / 'mae' in the range ``label``."""
        if label is None:
            return np.array([getattr(run, metric) for run in self.runs])
        return np.array([getattr(run, f"range_{metric}")[label] for run in self.runs])

    def report(self) -> dict[str, object]:
        """The CLI's JSON: each figure's mean and std over runs, per range rarest first."""

        def stats(values: np.ndarray) -> dict[str, float]:
            return {"mean": round(float(values.mean()), 4), "std": round(float(values.std()), 4)}

        per_range = {
            label: {
                "rows": self.range_rows[label],
                "rmse": stats(self.values("rmse", label)),
                "mae": stats(self.values("mae", label)),
            }
            for label in self.ranges
        }
        overall = {m: stats(self.values(m)) for m in ("rmse", "mae", "sera")}
        return {**overall, "ranges": per_range}


def _holdout_ranges(holdout: pd.Series, ranges: str | Sequence[str | ValueRange] | None) -> tuple[ValueRange, ...]:
    return default_ranges(holdout)[0] if ranges is None else parse_ranges(ranges)


def split_by_range(
    table: pd.DataFrame, *, column: str, ranges: str | Sequence[str] | None = None, share: float = 0.2, random_state: int = 0
) -> Split:
    """A real holdout of a numeric column, stratified by its ranges, split off before any resampling."""
    if column not in table.columns:
        raise UnknownColumn("column", column, table.columns)
    parsed = _holdout_ranges(table[column], ranges)
    stratum = "\x00stratum"
    labelled = table.assign(**{stratum: range_labels(table[column], parsed)})
    split = split_holdout(labelled, column=stratum, share=share, random_state=random_state)
    description = split.description.replace(repr(stratum), f"the ranges of {column!r}")
    return Split(split.train.drop(columns=stratum), split.holdout.drop(columns=stratum), description)


def _fit_predict(model: str, x_fit, y_fit, x_val, y_val, x_hold, random_state: int) -> np.ndarray:
    if model == "lightgbm":
        params = {**LIGHTGBM_REGRESSION, "seed": random_state, "deterministic": True}
        booster = lightgbm_train(
            params,
            lgb.Dataset(x_fit, label=y_fit),
            num_boost_round=1000,
            valid_sets=[lgb.Dataset(x_val, label=y_val)],
            callbacks=[lgb.early_stopping(10, verbose=False)],
        )
        return lightgbm_predict(booster, x_hold, num_iteration=booster.best_iteration)
    if model == "xgboost":
        import xgboost as xgb

        regressor = xgb.XGBRegressor(
            n_estimators=1000, early_stopping_rounds=10, enable_categorical=True, tree_method="hist",
            random_state=random_state, n_jobs=FIT_THREADS,
        )  # fmt: skip
        regressor.fit(x_fit, y_fit, eval_set=[(x_val, y_val)], verbose=False)
        return regressor.predict(x_hold)
    forest = RandomForestRegressor(n_estimators=100, min_samples_leaf=2, random_state=random_state, n_jobs=FIT_THREADS)
    forest.fit(_codes(pd.concat([x_fit, x_val])), np.r_[y_fit, y_val])
    return forest.predict(_codes(x_hold))


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as codes and gaps as -1 for a forest, which takes finite numbers only."""
    coded = frame.apply(lambda c: c.cat.codes.astype(float) if isinstance(c.dtype, pd.CategoricalDtype) else c)
    return coded.fillna(-1.0)


def _run(model: str, features, y, x_hold, truth, labels, phi, random_state: int) -> RegressionRun:
    x_fit, x_val, y_fit, y_val = train_test_split(features, y, test_size=0.2, random_state=random_state)
    predicted = _fit_predict(model, x_fit, y_fit, x_val, y_val, x_hold, random_state)
    error = predicted - truth
    by_range = {label: error[labels == label] for label in np.unique(labels)}
    return RegressionRun(
        random_state,
        float(np.sqrt(np.mean(error**2))),
        float(np.mean(np.abs(error))),
        sera(truth, predicted, phi),
        {label: float(np.sqrt(np.mean(e**2))) for label, e in by_range.items()},
        {label: float(np.mean(np.abs(e))) for label, e in by_range.items()},
        predicted,
    )


def evaluate_regression(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    column: str,
    ranges: str | Sequence[str] | None = None,
    n_repeats: int = 3,
    random_state: int = 0,
    name: str = "",
    exclude: Sequence[str] | None = None,
    model: str = "lightgbm",
    progress: Progress | None = None,
) -> RegressionEvaluation:
    """``model`` trained on ``train`` (runs k = 1..n with seed random_state + k) and scored on the real ``holdout``.

    Ranges default to the holdout's: the top 5% above its 95th percentile is the rare range.
    """
    progress = progress or silent
    if model not in REGRESSORS:
        raise ParameterError("model", f"Unknown model {model!r}; choose one of {', '.join(REGRESSORS)}.")
    seeds = split_seeds(n_repeats, random_state)
    for label, frame in (("training table", train), ("holdout", holdout)):
        if column not in frame.columns:
            raise UnknownColumn("column", column, frame.columns, where=f"the {label}")
    train = train[train[column].notna()]
    holdout = holdout[holdout[column].notna()]
    if len(holdout) == 0 or len(train) < 10:
        raise EvaluationError(f"Too few rows with a value of {column!r} to score: {len(train)} training, {len(holdout)} holdout.")
    dropped = [column, *(c for c in (exclude or ()) if c in train.columns and c != column)]
    features, x_hold = aligned_frames(train.drop(columns=dropped), holdout.drop(columns=dropped, errors="ignore"))
    features, x_hold = lightgbm_names(features), lightgbm_names(x_hold)
    truth, y = as_numbers(holdout[column]), as_numbers(train[column])
    parsed = _holdout_ranges(holdout[column], ranges)
    labels = range_labels(holdout[column], parsed).astype(str)
    phi = relevance(truth, truth)
    runs = []
    for done, seed in enumerate(seeds):
        progress(done / len(seeds), f"{name or 'table'}: run {done + 1} of {len(seeds)}")
        runs.append(_run(model, features, y, x_hold, truth, labels, phi, seed))
    progress(1.0, "Scored")
    rows = {r.label: int(np.sum(labels == r.label)) for r in parsed if np.any(labels == r.label)}
    notes = tuple(f"Only {n} holdout rows lie in {label}: its figures are noisy." for label, n in rows.items() if n < 30)
    order = tuple(sorted(rows, key=lambda label: (rows[label], label)))
    return RegressionEvaluation(name, model, order, rows, truth, tuple(runs), notes)


def _compare(method: np.ndarray, base: np.ndarray) -> tuple[float, str]:
    """Relative change of the mean and whether it is beyond the noise of paired runs ('lower', 'higher', 'tie')."""
    change = float(method.mean() / base.mean() - 1.0) if base.mean() else 0.0
    if len(method) < 2:
        return change, "one run"
    difference = method - base
    noise = NOISE_SES * difference.std(ddof=1) / np.sqrt(len(difference))
    if abs(difference.mean()) <= noise:
        return change, "tie"
    return change, "lower" if difference.mean() < 0 else "higher"


def verdict(evaluations: Mapping[str, RegressionEvaluation], *, baseline: str) -> list[str]:
    """One plain sentence per table against ``baseline``: rare-range RMSE, overall RMSE and SERA, ties called ties.

    Runs with the same seed are paired; a difference within two standard errors of the paired differences is a tie.
    """
    base = evaluations[baseline]
    rare = base.ranges[0]
    lines = []
    for name, evaluation in evaluations.items():
        if name == baseline:
            continue
        parts = []
        for what, metric, label in (("rare-range RMSE", "rmse", rare), ("overall RMSE", "rmse", None), ("SERA", "sera", None)):
            change, word = _compare(evaluation.values(metric, label), base.values(metric, label))
            said = "a tie within the noise" if word == "tie" else word if word == "one run" else f"{word}, beyond the noise"
            parts.append(f"{what} {change:+.1%} ({said})")
        lines.append(f"{name} against {baseline} ({len(evaluation.runs)} runs, rare range {rare}): " + "; ".join(parts) + ".")
    return lines
