"""Side-by-side views of the methods' outputs: counts, distributions and drill-downs.

Every function takes named tables (original, each method, holdout) and returns a tidy frame, so
pages only draw and tests check numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synth.data.kinds import ColumnKind, Schema
from synth.encoding import as_labels, as_numbers
from synth.rebalancing.plan import rows_of, value_counts

NUMERIC_BINS = 10
TOP_CATEGORIES = 12


def class_counts(tables: Mapping[str, pd.DataFrame], column: str) -> pd.DataFrame:
    """Rows per value of ``column`` (columns) for every named table (rows)."""
    counts = {name: value_counts(table[column]) for name, table in tables.items()}
    return pd.DataFrame(counts).T.fillna(0).astype(int)


def _bucket_edges(reference: pd.Series) -> np.ndarray:
    values = as_numbers(reference)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return np.array([0.0, 1.0])
    edges = np.unique(np.quantile(values, np.linspace(0, 1, NUMERIC_BINS + 1)))
    return edges if len(edges) > 1 else np.array([edges[0], edges[0] + 1])


class Buckets:
    """Groups for one column, fixed on a reference table so every table is cut the same way.

    Numbers are cut at the reference's deciles, categories beyond the most common ``top`` are
    '(other)' (all kept when ``top`` is None), missing values are '(missing)'.
    """

    def __init__(self, reference: pd.Series, kind: ColumnKind, top: int | None = TOP_CATEGORIES) -> None:
        self.kind = kind
        self.edges = _bucket_edges(reference) if kind is not ColumnKind.CATEGORICAL else None
        labels = self._category_labels(reference)
        self.keep = None if top is None or self.edges is not None else labels.value_counts().index[:top].tolist()

    @staticmethod
    def _category_labels(column: pd.Series) -> pd.Series:
        return pd.Series(as_labels(column)).replace("\x00missing", "(missing)")

    def __call__(self, column: pd.Series) -> pd.Series:
        if self.edges is None:
            labels = self._category_labels(column)
            return labels.where(labels.isin(self.keep), "(other)") if self.keep is not None else labels
        edges = self.edges
        values = as_numbers(column)
        names = pd.Series(pd.cut(values, bins=edges, include_lowest=True).astype(str), dtype=object)
        names[np.isnan(values)] = "(missing)"
        names[~np.isnan(values) & (values < edges[0])] = f"< {edges[0]:g}"
        names[~np.isnan(values) & (values > edges[-1])] = f"> {edges[-1]:g}"
        return names


def distribution(tables: Mapping[str, pd.DataFrame], feature: str, schema: Schema, reference: str) -> pd.DataFrame:
    """Share of rows per bucket of ``feature`` for each table; buckets come from ``reference``."""
    buckets = Buckets(tables[reference][feature], schema.kind(feature))
    frames = []
    for name, table in tables.items():
        if len(table) == 0:
            continue
        shares = buckets(table[feature]).value_counts(normalize=True)
        frames.append(pd.DataFrame({"source": name, "bucket": shares.index.astype(str), "share": shares.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class Condition:
    """``column`` is one of ``values`` (categories) or within [low, high] (numbers)."""

    column: str
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None

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
        return f"{self.low:g} <= {self.column} <= {self.high:g}"


def drill_down(tables: Mapping[str, pd.DataFrame], conditions: Sequence[Condition]) -> pd.DataFrame:
    """How many rows of each table meet every condition, and what share of that table they are."""
    rows = []
    for name, table in tables.items():
        mask = np.ones(len(table), dtype=bool)
        for condition in conditions:
            mask &= condition.mask(table)
        rows.append({"table": name, "matching rows": int(mask.sum()), "share": float(mask.mean()) if len(table) else 0.0})
    return pd.DataFrame(rows)


def rows_of_value(table: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    """The rows whose ``column`` reads ``value`` as text."""
    return table.iloc[rows_of(table, column, value)]
