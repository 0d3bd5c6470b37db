"""Per-column conditional models: one decision tree per column, fitted on the columns before it.

A record is generated column by column (autoregressively): the tree of column j places the values
drawn so far in a leaf, and column j's value is taken from a real row ("donor") in that leaf. A
leaf holds many real rows that agree on what matters for column j, so each value comes from a
different donor and the record is a new combination of values that really occur (integers, one
decimal, cents, dates and categories keep their exact form). Donors are drawn with per-row
weights, which is how a class's density ratio steers the whole record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from synth.encoding import ranks
from synth.table import as_labels, as_numbers

FLOAT32_MAX = float(np.finfo(np.float32).max)


def tree_inputs(table: pd.DataFrame, categorical: list[str], columns: list[str]) -> np.ndarray:
    """Columns as floats for the trees: category codes (sorted labels), numbers, days; NaN kept."""
    blocks = []
    for name in columns:
        if name in categorical:
            _, codes = np.unique(as_labels(table[name]), return_inverse=True)
            blocks.append(codes.astype(np.float64))
        else:
            blocks.append(np.clip(as_numbers(table[name]), -FLOAT32_MAX, FLOAT32_MAX))  # trees compute in float32
    return np.column_stack(blocks) if blocks else np.zeros((len(table), 0))


def _target(values: np.ndarray, categorical: bool) -> np.ndarray:
    """What a column's tree predicts: its codes, or its ranks in [0, 1] with missing as -0.5."""
    if categorical:
        return values.astype(np.int64)
    return ranks(values, np.sort(values[~np.isnan(values)]))


@dataclass(frozen=True)
class LeafDonors:
    """One column's tree and every real row sorted by its leaf, for vectorised draws."""

    tree: DecisionTreeClassifier | DecisionTreeRegressor | None
    order: np.ndarray
    leaves: np.ndarray

    def bounds(self, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start and end (into ``order``) of the rows of each record's leaf."""
        if self.tree is None:
            return np.zeros(len(upstream), dtype=np.int64), np.full(len(upstream), len(self.order))
        found = self.tree.apply(upstream)
        return np.searchsorted(self.leaves, found, side="left"), np.searchsorted(self.leaves, found, side="right")


def fit_column_tree(
    inputs: np.ndarray, values: np.ndarray, categorical: bool, min_leaf: int, random_state: int
) -> DecisionTreeClassifier | DecisionTreeRegressor:
    """A tree grouping rows by what matters for one column (codes, or ranks of numbers), NaN inputs allowed."""
    tree_type = DecisionTreeClassifier if categorical else DecisionTreeRegressor
    return tree_type(min_samples_leaf=min_leaf, random_state=random_state).fit(inputs, _target(values, categorical))


def leaf_donors(tree: DecisionTreeClassifier | DecisionTreeRegressor | None, inputs: np.ndarray) -> LeafDonors:
    """Every row of ``inputs`` sorted by its leaf (one leaf for all when there is no tree)."""
    leaves = np.zeros(len(inputs)) if tree is None else tree.apply(inputs).astype(float)
    order = np.argsort(leaves, kind="stable")
    return LeafDonors(tree, order, leaves[order])


def draw_in_leaves(donors: LeafDonors, inputs: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A weighted draw among the rows in each record's leaf (the table-wide draw if the leaf weighs 0)."""
    starts, ends = donors.bounds(inputs)
    cumulative = np.cumsum(weights[donors.order])
    before = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0.0)
    total = np.where(ends > 0, cumulative[np.maximum(ends - 1, 0)], 0.0) - before
    u = rng.random(len(inputs))
    position = np.searchsorted(cumulative, before + u * total, side="right")
    position = np.clip(position, starts, np.maximum(ends - 1, starts))
    empty = (ends <= starts) | (total <= 0)
    if empty.any():
        position[empty] = np.searchsorted(cumulative, u[empty] * cumulative[-1], side="right")
    return donors.order[np.minimum(position, len(donors.order) - 1)]


class ColumnTrees:
    """Fits the chain of trees for the columns of ``inputs`` (in order) and draws values leaf by leaf.

    ``category_leaf`` / ``number_leaf``: smallest leaf of a categorical / numeric column's tree.
    """

    def __init__(self, category_leaf: int, number_leaf: int, fit_rows: int) -> None:
        self.category_leaf = category_leaf
        self.number_leaf = number_leaf
        self.fit_rows = fit_rows

    def fit(self, inputs: np.ndarray, categorical: np.ndarray, rng: np.random.Generator) -> ColumnTrees:
        """``inputs``: rows x columns from ``tree_inputs``; ``categorical``: which columns are."""
        self.inputs_ = inputs
        n = len(inputs)
        sample = np.sort(rng.choice(n, size=self.fit_rows, replace=False)) if n > self.fit_rows else np.arange(n)
        self.donors_ = [self._donors(j, bool(categorical[j]), sample, rng) for j in range(inputs.shape[1])]
        return self

    def _donors(self, j: int, categorical: bool, sample: np.ndarray, rng: np.random.Generator) -> LeafDonors:
        """Fit column j's tree on the columns before it and sort every real row by its leaf."""
        tree = None
        if j > 0:
            seed = int(rng.integers(2**31 - 1))
            leaf = self.category_leaf if categorical else self.number_leaf
            tree = fit_column_tree(self.inputs_[sample, :j], self.inputs_[sample, j], categorical, leaf, seed)
        return leaf_donors(tree, self.inputs_[:, :j])

    def draw(self, weights: np.ndarray, n: int, rng: np.random.Generator, fixed: np.ndarray | None = None) -> np.ndarray:
        """Donor rows (n x columns) for n records: column j's value is row ``donors[:, j]``'s.

        ``fixed`` (n x k) gives the first k columns' values; they are kept and only condition the rest.
        """
        k = 0 if fixed is None else fixed.shape[1]
        current = np.full((n, self.inputs_.shape[1]), np.nan)
        donors = np.full((n, self.inputs_.shape[1]), -1, dtype=np.int64)
        if k:
            current[:, :k] = fixed
        for j in range(k, self.inputs_.shape[1]):
            donors[:, j] = self._draw_column(j, current[:, :j], weights, rng)
            current[:, j] = self.inputs_[donors[:, j], j]
        return donors

    def _draw_column(self, j: int, upstream: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return draw_in_leaves(self.donors_[j], upstream, weights, rng)
