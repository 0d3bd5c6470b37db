"""Turn mixed-type feature columns into numbers, one way per purpose.

``linear_features`` feeds the class model (one-hot categories, standardised numbers, missing
flags); ``DistanceEncoder`` places rows in a space where one differing category weighs as much
as the whole range of a number, so "nearest rows" means alike in every column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from synth.schema import ColumnKind, Schema
from synth.table import as_labels, as_numbers


def feature_kinds(schema: Schema, exclude: str) -> tuple[list[str], list[str]]:
    """Categorical and numeric-like (numeric, datetime) modelled columns, without ``exclude``."""
    categorical = [n for n in schema.names(ColumnKind.CATEGORICAL) if n != exclude]
    numeric = [n for n in schema.names(ColumnKind.NUMERIC, ColumnKind.DATETIME) if n != exclude]
    return categorical, numeric


def median_filled(values: np.ndarray) -> np.ndarray:
    """Missing numbers as the column's median (0 if all are missing), for methods that cannot take a gap."""
    missing = np.isnan(values)
    return np.where(missing, np.nanmedian(values) if (~missing).any() else 0.0, values)


def ranks(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Each number's rank in [0, 1] among the sorted known ``reference`` values; missing ones at -0.5, apart."""
    ranked = np.searchsorted(reference, values) / max(len(reference), 1)
    return np.where(np.isnan(values), -0.5, ranked)


def _one_hot(labels: np.ndarray) -> np.ndarray:
    _, codes = np.unique(labels, return_inverse=True)
    out = np.zeros((len(labels), codes.max() + 1), dtype=np.float32)
    out[np.arange(len(labels)), codes] = 1.0
    return out


def linear_features(table: pd.DataFrame, categorical: list[str], numeric: list[str]) -> np.ndarray:
    """Design matrix for a linear class model: one-hot, z-scored numbers, missing indicators."""
    blocks: list[np.ndarray] = [_one_hot(as_labels(table[name])) for name in categorical]
    for name in numeric:
        values = as_numbers(table[name])
        missing = np.isnan(values)
        filled = median_filled(values)
        filled = filled / max(1.0, float(np.abs(filled).max(initial=0.0)))  # huge values (1e308) would overflow the std
        spread = filled.std() or 1.0
        blocks.append(((filled - filled.mean()) / spread)[:, None].astype(np.float32))
        if missing.any():
            blocks.append(missing[:, None].astype(np.float32))
    if not blocks:
        return np.zeros((len(table), 1), dtype=np.float32)
    return np.hstack(blocks)


class DistanceEncoder:
    """Rows as points where numbers are ranks in [0, 1] among the reference rows and a category
    mismatch costs 1, so distances between any tables are on the reference table's scale."""

    def __init__(self, categorical: list[str], numeric: list[str]) -> None:
        self.categorical = categorical
        self.numeric = numeric

    def fit(self, reference: pd.DataFrame) -> DistanceEncoder:
        self.categories_ = {
            name: np.sort(pd.unique(as_labels(reference[name]))) for name in self.categorical
        }  # hashing, not sorting every row
        self.sorted_ = {}
        for name in self.numeric:
            values = as_numbers(reference[name])
            self.sorted_[name] = np.sort(values[~np.isnan(values)])
        return self

    def transform(self, table: pd.DataFrame) -> np.ndarray:
        blocks: list[np.ndarray] = []
        for name in self.categorical:
            known = self.categories_[name]
            labels = as_labels(table[name])
            position = pd.Categorical(labels, categories=known).codes.astype(np.int64)  # -1 for unseen values
            hit = position >= 0
            block = np.zeros((len(table), len(known)), dtype=np.float32)
            block[np.flatnonzero(hit), position[hit]] = 1.0 / np.sqrt(2.0)
            blocks.append(block)
        for name in self.numeric:
            blocks.append(ranks(as_numbers(table[name]), self.sorted_[name])[:, None].astype(np.float32))
        if not blocks:
            return np.zeros((len(table), 1), dtype=np.float32)
        return np.hstack(blocks)


def neighbour_distances(points: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Distance from each query to its nearest point."""
    distances, _ = NearestNeighbors(n_neighbors=1, algorithm="brute").fit(points).kneighbors(queries)
    return distances[:, 0]
