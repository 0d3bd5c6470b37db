"""Set an outcome so that it no longer depends on the sensitive groups ("strong statistical parity").

A LightGBM model learned on the real rows gives every generated record a score P(outcome | its
values). By default ("quantile") each record's score is ranked among the real rows of its group
(scored out of fold, as a model scores rows it never saw) and replaced by the pooled real score of
that rank (per-group quantile mapping, the idea of mostlyai-engine's fairness option): every group
then has one distribution of scores, so the same rate at any threshold, and the ranking within a
group is kept. Each group then receives exactly round(rows x overall rate) records of each outcome
value (``assign``), drawn with the mapped scores as inclusion probabilities (systematic sampling).
Kept for the design record: "generated" ranks among the group's generated records, "top" gives the
outcome to a group's best-scored records without a draw, "shift" draws with the raw scores (only the
rate per group changes). README, "Fair synthetic data", has the figures.
"""

from __future__ import annotations

from collections.abc import Mapping

import lightgbm as lgb
import numpy as np
import pandas as pd

from synth.assess.evaluate import aligned_frames
from synth.lightgbm_calls import lightgbm_predict, lightgbm_train
from synth.rebalancing.plan import apportion

# How a group's scores are made to match the others'; the alternatives are kept for the benchmark's
# design record (README, "Fair synthetic data").
STRATEGIES = ("quantile", "generated", "top", "shift")
# A group with fewer real rows than this is ranked among its generated records: too few to rank against.
SMALL_REFERENCE = 50


def _booster(features: pd.DataFrame, codes: np.ndarray, classes: int, random_state: int) -> lgb.Booster:
    params = {
        "objective": "binary" if classes == 2 else "multiclass",
        "verbose": -1,
        "seed": random_state,
        "deterministic": True,
        "learning_rate": 0.05,
        "min_child_samples": 20,
        **({} if classes == 2 else {"num_class": classes}),
    }
    return lightgbm_train(params, lgb.Dataset(features, label=codes), num_boost_round=200)


def _as_matrix(scores: np.ndarray) -> np.ndarray:
    return np.column_stack([1.0 - scores, scores]) if scores.ndim == 1 else scores


def outcome_scores(
    real: pd.DataFrame, rows: pd.DataFrame, column: str, classes: list[str], random_state: int, folds: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """P(each outcome value | the other columns) by LightGBM learned on ``real``: for ``rows``, and
    (``folds`` >= 2) for every real row out of fold, as a model scores rows it never saw; rows x classes."""
    features, target = aligned_frames(real.drop(columns=[column]), rows.drop(columns=[column], errors="ignore"))
    codes = pd.Categorical(real[column].astype("string"), categories=classes).codes
    scores = _as_matrix(lightgbm_predict(_booster(features, codes, len(classes), random_state), target))
    if folds < 2:
        return scores, scores[:0]
    fold = np.random.default_rng(random_state).integers(folds, size=len(real))
    unseen = np.zeros((len(real), len(classes)))
    for k in range(folds):
        model = _booster(features[fold != k], codes[fold != k], len(classes), random_state)
        unseen[fold == k] = _as_matrix(lightgbm_predict(model, features[fold == k]))
    return scores, unseen


def _quantile_map(scores: np.ndarray, groups: np.ndarray, reference: np.ndarray, reference_groups: np.ndarray) -> np.ndarray:
    """Each score replaced by the pooled reference score at its rank among its group's reference scores.

    A group with fewer than ``SMALL_REFERENCE`` reference rows is ranked among its own scores instead.
    """
    pooled = np.sort(reference)
    out = np.empty_like(scores)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        own = np.sort(reference[reference_groups == group])
        if len(own) >= SMALL_REFERENCE:
            position = (np.searchsorted(own, scores[rows], side="left") + np.searchsorted(own, scores[rows], side="right")) / 2
            ranks = np.clip(position / len(own), 0.5 / len(own), 1 - 0.5 / len(own))
        else:
            ranks = (scores[rows].argsort(kind="stable").argsort(kind="stable") + 0.5) / len(rows)
        out[rows] = np.quantile(pooled, ranks)
    return out


def fair_scores(
    scores: np.ndarray, groups: np.ndarray, reference: np.ndarray, reference_groups: np.ndarray, strategy: str = "generated"
) -> np.ndarray:
    """Scores (rows x classes) made alike across groups; rows still sum to 1.

    "quantile" ranks each record among the real rows of its group (scored out of fold), so that a
    model's scores of *real* rows end up alike across groups; "generated" ranks it among the
    generated records of its group; "shift" keeps the scores (only the counts per group change).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}; got {strategy!r}.")
    if strategy == "shift":
        return scores
    if strategy == "generated":
        reference, reference_groups = scores, groups
    mapped = np.column_stack(
        [_quantile_map(scores[:, k], groups, reference[:, k], reference_groups) for k in range(scores.shape[1])]
    )
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
    return apportion(rates, size)


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
    # Rarest value first: its inclusion probabilities are then its scores (rescaled a little), not what is
    # left after the common values took their pick.
    order = sorted(range(len(classes)), key=lambda k: rates[classes[k]])
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        counts = group_counts(len(rows), rates)
        open_rows = rows
        for step, k in enumerate(order[:-1]):
            rest = scores[np.ix_(open_rows, order[step:])].sum(axis=1)
            weights = scores[open_rows, k] / np.clip(rest, 1e-12, None)
            if top:
                taken = np.zeros(len(open_rows), dtype=bool)
                taken[np.argsort(-weights, kind="stable")[: counts[classes[k]]]] = True
            else:
                taken = systematic(weights, counts[classes[k]], rng)
            outcome[open_rows[taken]] = classes[k]
            open_rows = open_rows[~taken]
        outcome[open_rows] = classes[order[-1]]
    return outcome
