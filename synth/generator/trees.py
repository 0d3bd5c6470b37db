"""Per-column conditional models: one decision tree per column, fitted on the columns before it.

A record is generated column by column (autoregressively): the tree of column j places the values
drawn so far in a leaf, and column j's value is taken from a real row ("donor") in that leaf. A
leaf holds many real rows that agree on what matters for column j, so each value comes from a
different donor and the record is a new combination, while every value is one that really
occurs (integers, one decimal, cents, dates and categories keep their exact form). Donors are
drawn with per-row weights, which is how a class's density ratio steers the whole record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from synth.encoding import as_labels, as_numbers


def tree_inputs(table: pd.DataFrame, categorical: list[str], numeric: list[str], columns: list[str]) -> np.ndarray:
    """Columns as floats for the trees: category codes (sorted labels), numbers, days; NaN kept."""
    blocks = []
    for name in columns:
        if name in categorical:
            labels = as_labels(table[name])
            _, codes = np.unique(labels, return_inverse=True)
            blocks.append(codes.astype(np.float32))
        else:
            blocks.append(as_numbers(table[name]).astype(np.float32))
    return np.column_stack(blocks) if blocks else np.zeros((len(table), 0), dtype=np.float32)


def _target(values: np.ndarray, categorical: bool) -> np.ndarray:
    """What a column's tree predicts: its codes, or its ranks in [0, 1] with missing as -0.5."""
    if categorical:
        return values.astype(np.int64)
    known = np.sort(values[~np.isnan(values)])
    ranks = np.searchsorted(known, values) / max(len(known), 1)
    return np.where(np.isnan(values), -0.5, ranks)


@dataclass(frozen=True)
class _Leaves:
    """One column's tree and, for every real row, its leaf; rows sorted by leaf for fast draws."""

    tree: DecisionTreeClassifier | DecisionTreeRegressor | None
    order: np.ndarray
    sorted_leaves: np.ndarray

    def leaves_of(self, inputs: np.ndarray) -> np.ndarray:
        if self.tree is None:
            return np.zeros(len(inputs), dtype=np.int64)
        return self.tree.apply(inputs)


class ColumnTrees:
    """Fits the chain of trees for ``columns`` (in that order) and draws donors leaf by leaf."""

    def __init__(self, min_leaf: int, fit_rows: int) -> None:
        self.min_leaf = min_leaf
        self.fit_rows = fit_rows

    def fit(self, inputs: np.ndarray, categorical: np.ndarray, rng: np.random.Generator) -> ColumnTrees:
        """``inputs``: rows x columns from ``tree_inputs``; ``categorical``: which columns are."""
        self.inputs_ = inputs
        n = len(inputs)
        sample = np.sort(rng.choice(n, size=self.fit_rows, replace=False)) if n > self.fit_rows else np.arange(n)
        self.leaves_: list[_Leaves] = []
        for j in range(inputs.shape[1]):
            tree = None
            if j > 0:
                tree = self._tree(bool(categorical[j]), int(rng.integers(2**31 - 1)))
                tree.fit(inputs[sample, :j], _target(inputs[sample, j], bool(categorical[j])))
            leaves = np.zeros(n, dtype=np.int64) if tree is None else tree.apply(inputs[:, :j])
            order = np.argsort(leaves, kind="stable")
            self.leaves_.append(_Leaves(tree, order, leaves[order]))
        return self

    def _tree(self, categorical: bool, seed: int) -> DecisionTreeClassifier | DecisionTreeRegressor:
        kind = DecisionTreeClassifier if categorical else DecisionTreeRegressor
        return kind(min_samples_leaf=self.min_leaf, random_state=seed)

    def draw(self, weights: np.ndarray, n: int, rng: np.random.Generator, fixed: np.ndarray | None = None) -> np.ndarray:
        """Donor row of every column for n records (n x columns), each drawn by ``weights`` in its leaf.

        ``fixed`` (n x k) gives the first k columns' values; they are kept and only condition the rest.
        """
        k = 0 if fixed is None else fixed.shape[1]
        current = np.full((n, self.inputs_.shape[1]), np.nan, dtype=np.float32)
        donors = np.full((n, self.inputs_.shape[1]), -1, dtype=np.int64)
        if k:
            current[:, :k] = fixed
        for j in range(k, self.inputs_.shape[1]):
            donors[:, j] = self._draw_column(j, current[:, :j], weights, rng)
            current[:, j] = self.inputs_[donors[:, j], j]
        return donors

    def _draw_column(self, j: int, upstream: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A weighted draw among the real rows in each record's leaf (the class-wide draw if it weighs 0)."""
        leaves = self.leaves_[j]
        queries = leaves.leaves_of(upstream)
        cumulative = np.cumsum(weights[leaves.order])
        starts = np.searchsorted(leaves.sorted_leaves, queries, side="left")
        ends = np.searchsorted(leaves.sorted_leaves, queries, side="right")
        before = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0.0)
        total = np.where(ends > 0, cumulative[np.maximum(ends - 1, 0)], 0.0) - before
        empty = (ends <= starts) | (total <= 0)
        u = rng.random(len(queries))
        position = np.searchsorted(cumulative, before + u * total, side="right")
        position = np.clip(position, starts, np.maximum(ends - 1, starts))
        if empty.any():
            position[empty] = np.searchsorted(cumulative, u[empty] * cumulative[-1], side="right")
        return leaves.order[np.minimum(position, len(leaves.order) - 1)]
