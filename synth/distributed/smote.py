"""SMOTE-NC with the rare rows' neighbours found once, so that partitions only interpolate.

imbalanced-learn's ``SMOTENC`` (the in-memory path) searches the neighbours each time it runs; on a
cluster every partition would search them again over all rare rows. Here the search runs once on
the gathered rare rows, and the result (rows, features, neighbour table, category votes) is sent to
the workers once. The rules are ``SMOTENC``'s (imblearn/over_sampling/_smote/base.py):

- features as the in-memory sampler reads them (``feature_frame``); each category one-hot with the
  value median(std of the class's numbers) / sqrt(2), so two rows that differ in one category are
  one median std apart;
- the k nearest rows of the same class (Euclidean), the row itself left out;
- a new record: a random row of the class and one of its k neighbours at random; numbers at a
  uniform point between them; each category the most frequent among the row's k neighbours, ties
  broken at random. With numbers only this is SMOTE's rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sklearn
from sklearn.neighbors import NearestNeighbors

from synth.encoding import feature_kinds
from synth.rebalancing.samplers.smote import DEFAULT_NEIGHBOURS, decode_rows, feature_frame, neighbours_for
from synth.schema import Schema
from synth.table import rows_of

# scikit-learn computes neighbour distances in chunks of this many MiB (its default, 1 GiB, would
# take most of a 1.5 GiB worker).
NEIGHBOUR_MEMORY_MB = 64


@dataclass(frozen=True)
class ClassNeighbours:
    """One class's rows as SMOTE-NC sees them: numbers, category votes of their neighbours, the neighbours."""

    numbers: np.ndarray = field(repr=False)  # (rows, numeric columns), median-filled
    categories: tuple[np.ndarray, ...] = field(repr=False)  # each categorical column's values, as text
    votes: tuple[np.ndarray, ...] = field(repr=False)  # per categorical column: (rows, values) neighbour counts
    neighbours: np.ndarray = field(repr=False)  # (rows, k) positions of each row's nearest rows of the class


@dataclass(frozen=True)
class SmoteNeighbours:
    """The gathered rare rows and their neighbour graph: everything a partition needs to interpolate."""

    column: str
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    rows: pd.DataFrame = field(repr=False)
    classes: Mapping[str, ClassNeighbours] = field(repr=False)

    def generate(self, counts: Mapping[str, int], *, random_state: int) -> pd.DataFrame:
        """``counts[value]`` new rows per class, shaped like the gathered rows, from the seed alone."""
        rng = np.random.default_rng(random_state)
        wanted = {v: int(n) for v, n in counts.items() if int(n) > 0}
        if not wanted:
            return self.rows.iloc[:0].copy()
        frames = [self._draw(self.classes[v], n, rng) for v, n in wanted.items()]
        labels = pd.Series(np.repeat(list(wanted), list(wanted.values())))
        new = pd.concat(frames, ignore_index=True)
        return decode_rows(new, self.rows, labels, list(self.categorical), list(self.numeric), self.column, rng)

    def _draw(self, fitted: ClassNeighbours, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """SMOTE-NC's new records of one class: interpolated numbers, the neighbours' most frequent categories."""
        base = rng.integers(0, len(fitted.neighbours), n)
        partner = fitted.neighbours[base, rng.integers(0, fitted.neighbours.shape[1], n)]
        steps = rng.random(n)[:, None]
        numbers = fitted.numbers[base] + steps * (fitted.numbers[partner] - fitted.numbers[base])
        frame = pd.DataFrame(numbers, columns=list(self.numeric))
        for name, values, votes in zip(self.categorical, fitted.categories, fitted.votes, strict=True):
            # votes are whole numbers: a noise below 1/2 only reorders equal counts, uniformly
            frame[name] = values[np.argmax(votes[base] + 0.5 * rng.random((n, len(values))), axis=1)]
        return frame[list(self.categorical) + list(self.numeric)]


def interpolates(schema: Schema, column: str) -> bool:
    """Whether the table has numbers to interpolate (SMOTE-NC or SMOTE); all-categorical tables take SMOTEN."""
    return bool(feature_kinds(schema, exclude=column)[1])


def category_codes(features: pd.DataFrame, categorical: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each categorical column's distinct values and every row's code among them."""
    return [np.unique(features[name].to_numpy(dtype=object), return_inverse=True) for name in categorical]


def encoded_features(
    features: pd.DataFrame,
    categorical: Sequence[str],
    numeric: Sequence[str],
    coded: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> np.ndarray:
    """SMOTE-NC's distance space: numbers as they are, each category one-hot at median std / sqrt(2).

    ``coded``: the ``category_codes`` of ``features``, when already found."""
    numbers = features[list(numeric)].to_numpy(dtype=float)
    scale = float(np.median(numbers.std(axis=0))) / np.sqrt(2) if numeric else 1.0
    blocks = [numbers]
    for values, codes in category_codes(features, categorical) if coded is None else coded:
        blocks.append(np.eye(len(values))[codes] * scale)
    return np.hstack(blocks)


def _fit_class(features: pd.DataFrame, categorical: Sequence[str], numeric: Sequence[str], k: int) -> ClassNeighbours:
    """One class's neighbour graph (one search) and its rows' category votes."""
    coded = category_codes(features, categorical)
    with sklearn.config_context(working_memory=NEIGHBOUR_MEMORY_MB):
        space = encoded_features(features, categorical, numeric, coded)
        neighbours = NearestNeighbors(n_neighbors=k + 1).fit(space).kneighbors(space, return_distance=False)[:, 1:]
    categories, votes = [], []
    for values, codes in coded:
        categories.append(values)
        votes.append(np.eye(len(values), dtype=np.int16)[codes[neighbours]].sum(axis=1))
    numbers = features[list(numeric)].to_numpy(dtype=float)
    return ClassNeighbours(numbers, tuple(categories), tuple(votes), neighbours.astype(np.int32))


def fit_neighbours(
    rows: pd.DataFrame,
    *,
    schema: Schema,
    column: str,
    classes: Sequence[str],
    k_neighbors: int = DEFAULT_NEIGHBOURS,
    method: str = "smote",
) -> SmoteNeighbours:
    """Find the neighbours of every row of ``classes`` among its class's ``rows``, once."""
    categorical, numeric = feature_kinds(schema, exclude=column)
    rows = rows.loc[rows[column].notna().to_numpy()].reset_index(drop=True)
    k = neighbours_for(method, dict.fromkeys(classes, 1), rows, column, k_neighbors)
    fitted = {}
    for value in classes:
        own = rows.iloc[rows_of(rows, column, value)].reset_index(drop=True)
        fitted[value] = _fit_class(feature_frame(own, categorical, numeric), categorical, numeric, k)
    return SmoteNeighbours(column, tuple(categorical), tuple(numeric), rows, fitted)
