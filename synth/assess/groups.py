"""How the assessments cut a column into groups, and pick rows by conditions.

Buckets are fixed on a reference table so every table is cut the same way; conditions are the
drill-downs users set on the Compare page.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synth.schema import ColumnKind
from synth.table import MISSING, as_labels, as_numbers

NUMERIC_BINS = 10
TOP_CATEGORIES = 12


def _bucket_edges(reference: pd.Series) -> np.ndarray:
    values = as_numbers(reference)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return np.array([0.0, 1.0])
    edges = np.unique(np.quantile(values, np.linspace(0, 1, NUMERIC_BINS + 1)))
    return edges if len(edges) > 1 else np.array([edges[0], edges[0] + 1])


def _edge_text(value: float, dates: bool) -> str:
    """A bucket edge as users read it: a date for date columns (stored as days), else a short number."""
    if dates:
        return pd.Timestamp(round(value * 86_400e9)).strftime("%Y-%m-%d")
    return f"{value:,.4g}"


class Buckets:
    """Groups for one column, fixed on a reference table so every table is cut the same way.

    Numbers are cut at the reference's deciles, categories beyond the most common ``top`` are
    '(other)' (all kept when ``top`` is None), missing values are '(missing)'. ``order`` lists the
    groups as users expect them: numbers and dates ascending, categories most frequent first.
    """

    def __init__(self, reference: pd.Series, kind: ColumnKind, top: int | None = TOP_CATEGORIES) -> None:
        self.kind = kind
        self.edges = _bucket_edges(reference) if kind is not ColumnKind.CATEGORICAL else None
        if self.edges is None:
            counts = self._category_labels(reference).value_counts()
            self.keep = None if top is None else counts.index[:top].tolist()
            self.order = [*counts.index[: top or len(counts)], "(other)"]
        else:
            dates = kind is ColumnKind.DATETIME
            text = [_edge_text(e, dates) for e in self.edges]
            self.keep = None
            self.names = [f"{'[' if i == 0 else '('}{a}, {b}]" for i, (a, b) in enumerate(itertools.pairwise(text))]
            self.order = [f"< {text[0]}", *self.names, f"> {text[-1]}", "(missing)"]

    @staticmethod
    def _category_labels(column: pd.Series) -> pd.Series:
        return pd.Series(as_labels(column)).replace(MISSING, "(missing)")

    def __call__(self, column: pd.Series) -> pd.Series:
        if self.edges is None:
            labels = self._category_labels(column)
            return labels.where(labels.isin(self.keep), "(other)") if self.keep is not None else labels
        values = as_numbers(column)
        inside = np.clip(np.searchsorted(self.edges, values, side="left") - 1, 0, len(self.names) - 1)
        names = np.array(self.names, dtype=object)[inside]
        names[np.isnan(values)] = "(missing)"
        names[~np.isnan(values) & (values < self.edges[0])] = self.order[0]
        names[~np.isnan(values) & (values > self.edges[-1])] = self.order[-2]
        return pd.Series(names, dtype=object)

    def shares(self, column: pd.Series) -> pd.Series:
        """Share of rows per group, in ``order`` (groups with no rows left out)."""
        shares = self(column).value_counts(normalize=True)
        ordered = [g for g in self.order if g in shares.index] + [g for g in shares.index if g not in self.order]
        return shares.reindex(ordered)


@dataclass(frozen=True)
class Condition:
    """``column`` is one of ``values`` (categories) or within [low, high] (numbers)."""

    column: str
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    dates: bool = False  # low and high are days (as ``as_numbers`` reads dates)

    def mask(self, table: pd.DataFrame) -> np.ndarray:
        if self.values:
            return np.isin(as_labels(table[self.column]), list(self.values))
        numbers = as_numbers(table[self.column])
        low = -np.inf if self.low is None else self.low
        high = np.inf if self.high is None else self.high
        return (numbers >= low) & (numbers <= high)

    def describe(self) -> str:
        if self.values:
            return f"{self.column} in {{{', '.join(self.values)}}}"
        return f"{_edge_text(self.low, self.dates)} <= {self.column} <= {_edge_text(self.high, self.dates)}"


def matching(table: pd.DataFrame, conditions: Sequence[Condition]) -> np.ndarray:
    """Which rows of ``table`` meet every condition."""
    mask = np.ones(len(table), dtype=bool)
    for condition in conditions:
        mask &= condition.mask(table)
    return mask
