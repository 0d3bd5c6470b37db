"""Set an outcome so that it no longer depends on the sensitive groups ("strong statistical parity").

A LightGBM model learned on the real rows gives every generated record a score P(outcome | its
values). Within each group the scores are mapped, rank for rank, onto the scores of all records
(per-group quantile mapping, the idea of mostlyai-engine's fairness option): every group then has
the same distribution of scores, so the same rate of each outcome at any threshold, while within a
group the ranking by score is kept. Each group then receives exactly round(rows x overall rate)
records of each outcome, drawn with those scores as inclusion probabilities (systematic sampling).
"""

from __future__ import annotations

from collections.abc import Mapping

import lightgbm as lgb
import numpy as np
import pandas as pd

from synth.assess.evaluate import aligned_frames

# How a group's scores are made to match the others'; the alternatives are kept for the benchmark's
# design record (README, "Fair synthetic data").
STRATEGIES = ("quantile", "shift", "top")


def outcome_scores(real: pd.DataFrame, rows: pd.DataFrame, column: str, classes: list[str], seed: int) -> np.ndarray:
    """P(each outcome value | the other columns) for ``rows``, by LightGBM learned on ``real`` (rows x classes)."""
    features, target = aligned_frames(real.drop(columns=[column]), rows.drop(columns=[column], errors="ignore"))
    codes = pd.Categorical(real[column].astype("string"), categories=classes).codes
    binary = len(classes) == 2
    params = {
        "objective": "binary" if binary else "multiclass",
        "verbose": -1,
        "seed": seed,
        "num_threads": 1,  # on a busy machine two threads wait on each other: 20x slower here
        "deterministic": True,
        "learning_rate": 0.05,
        "min_child_samples": 20,
        **({} if binary else {"num_class": len(classes)}),
    }
    booster = lgb.train(params, lgb.Dataset(features, label=codes), num_boost_round=200)
    scores = np.asarray(booster.predict(target))
    return np.column_stack([1.0 - scores, scores]) if binary else scores


def _quantile_map(scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each group's scores replaced by the pooled scores at the same within-group rank."""
    pooled = np.sort(scores)
    out = np.empty_like(scores)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        ranks = scores[rows].argsort(kind="stable").argsort(kind="stable")
        out[rows] = np.quantile(pooled, (ranks + 0.5) / len(rows))
    return out


def fair_scores(scores: np.ndarray, groups: np.ndarray, strategy: str = "quantile") -> np.ndarray:
    """Scores (rows x classes) made alike across groups; rows still sum to 1."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}; got {strategy!r}.")
    if strategy == "shift":
        return scores  # only the counts per group change (see ``assign``): each group's rate, not its scores
    mapped = np.column_stack([_quantile_map(scores[:, k], groups) for k in range(scores.shape[1])])
    if scores.shape[1] == 2:
        mapped[:, 0] = 1.0 - mapped[:, 1]
    mapped = np.clip(mapped, 1e-6, None)
    return mapped / mapped.sum(axis=1, keepdims=True)


def _inclusion(weights: np.ndarray, k: int) -> np.ndarray:
    """Inclusion probabilities proportional to ``weights``, at most 1, summing to ``k``."""
    weights = np.clip(weights, 1e-12, None)
    low, high = 0.0, k / weights.min()
    for _ in range(60):
        mid = (low + high) / 2
        if np.minimum(1.0, mid * weights).sum() < k:
            low = mid
        else:
            high = mid
    return np.minimum(1.0, high * weights)


def systematic(weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Exactly ``k`` of the rows, each with probability ~ its weight (systematic sampling in random order)."""
    chosen = np.zeros(len(weights), dtype=bool)
    if k <= 0:
        return chosen
    if k >= len(weights):
        return ~chosen
    order = rng.permutation(len(weights))
    cumulative = np.cumsum(_inclusion(weights[order], k))
    start = rng.random()
    hits = np.floor(cumulative - start + 1.0) - np.floor(np.r_[0.0, cumulative[:-1]] - start + 1.0)
    picked = order[hits > 0]
    chosen[picked[:k]] = True
    return chosen


def group_counts(size: int, rates: Mapping[str, float]) -> dict[str, int]:
    """Rows of each outcome value in a group of ``size`` rows: the overall rates, rounded to add up."""
    raw = {value: size * rate for value, rate in rates.items()}
    counts = {value: int(np.floor(n)) for value, n in raw.items()}
    for value in sorted(raw, key=lambda v: raw[v] - counts[v], reverse=True)[: size - sum(counts.values())]:
        counts[value] += 1
    return counts


def assign(
    scores: np.ndarray,
    groups: np.ndarray,
    classes: list[str],
    rates: Mapping[str, float],
    rng: np.random.Generator,
    top: bool = False,
) -> np.ndarray:
    """The outcome of every row: in each group, exactly the overall rate of each value.

    Values are filled one after another among the rows still open, each drawn with its score
    relative to the values still to fill (``top``: the highest such scores take it, no draw).
    """
    outcome = np.empty(len(groups), dtype=object)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        counts = group_counts(len(rows), rates)
        open_rows = rows
        for k, value in enumerate(classes[:-1]):
            rest = scores[open_rows, k:].sum(axis=1)
            weights = scores[open_rows, k] / np.clip(rest, 1e-12, None)
            if top:
                taken = np.zeros(len(open_rows), dtype=bool)
                taken[np.argsort(-weights, kind="stable")[: counts[value]]] = True
            else:
                taken = systematic(weights, counts[value], rng)
            outcome[open_rows[taken]] = value
            open_rows = open_rows[~taken]
        outcome[open_rows] = classes[-1]
    return outcome
