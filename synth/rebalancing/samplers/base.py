"""One contract for every way of adding rows, so the app and benchmarks loop over methods.

Like imbalanced-learn's ``fit_resample``, ``Sampler.generate`` is a template: it validates,
calls the subclass's ``_generate`` for the core work, then makes the rows safe to hand out
(the table's columns and dtypes, fresh values in ID-like columns).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from synth.data.kinds import ColumnKind, Schema
from synth.progress import Progress, silent
from synth.rebalancing.plan import rows_of


@dataclass(frozen=True)
class Request:
    """A validated ask: ``counts[value]`` new rows of each value of ``column`` of ``table``."""

    table: pd.DataFrame
    schema: Schema
    column: str
    counts: dict[str, int]
    rng: np.random.Generator
    progress: Progress


class Sampler(ABC):
    """Adds rows of chosen values of one column to a table."""

    name: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str]
    supports_full: ClassVar[bool] = False

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def generate(
        self,
        table: pd.DataFrame,
        schema: Schema,
        column: str,
        counts: Mapping[str, int],
        progress: Progress | None = None,
    ) -> pd.DataFrame:
        """``counts[value]`` new rows per value of ``column``, with the table's columns and dtypes."""
        progress = progress or silent
        if column not in table.columns:
            raise ValueError(f"column {column!r} is not in the table.")
        features = [n for n in schema.modelled() if n != column]
        if not features:
            raise ValueError(
                "No usable feature columns: every other column is ID-like or constant. "
                "Override a column's kind on the Data step, or add columns."
            )
        wanted = {str(v): int(n) for v, n in counts.items() if int(n) > 0}
        absent = [v for v in wanted if len(rows_of(table, column, v)) == 0]
        if absent:
            raise ValueError(f"Cannot generate {absent[0]!r}: column {column!r} has no such rows to learn from.")
        if not wanted:
            return table.iloc[:0].copy()
        rng = np.random.default_rng(self.random_state)
        rows = self._generate(Request(table, schema, column, wanted, rng, progress))
        rows = rows[list(table.columns)].astype(table.dtypes.to_dict(), errors="ignore")
        return fresh_ids(rows.reset_index(drop=True), table, schema)

    @abstractmethod
    def _generate(self, request: Request) -> pd.DataFrame:
        """The method's core: new rows (any index) with at least the table's columns."""


def fresh_ids(rows: pd.DataFrame, table: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """New rows get new identifiers so no generated row claims a real record's ID."""
    for name in schema.names(ColumnKind.ID):
        real = table[name]
        if pd.api.types.is_numeric_dtype(real):
            start = int(np.nanmax(real.to_numpy(dtype=float))) + 1 if real.notna().any() else 0
            rows[name] = pd.Series(np.arange(start, start + len(rows)), index=rows.index).astype(real.dtype)
        else:
            rows[name] = pd.Series([f"synthetic-{i + 1}" for i in range(len(rows))], index=rows.index, dtype=real.dtype)
    return rows
