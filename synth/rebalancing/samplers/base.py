"""One contract for every way of adding rows, so the app and benchmarks loop over methods.

Like imbalanced-learn's ``fit_resample``, ``Sampler.generate`` is a template: it validates the
declared parameters (``_parameter_constraints``, as imbalanced-learn declares them) and the request
before any work, calls the subclass's ``_generate`` for the core, then makes the rows safe to hand
out (the table's columns and dtypes, fresh IDs).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synth.constraints import RANDOM_STATE, check_params
from synth.errors import MethodRefused, ParameterError, UnknownColumn
from synth.progress import Progress, silent
from synth.schema import Schema
from synth.table import conform, rows_of

# Every sampler takes a seed; numpy's Generator takes any whole number from 0.


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
    _parameter_constraints: ClassVar[dict[str, list]] = {"random_state": RANDOM_STATE}

    def __init__(self, *, random_state: int = 0) -> None:
        self.random_state = random_state

    @classmethod
    def create(cls, **params: Any) -> Sampler:
        """A sampler from keyword parameters, refusing names it does not declare."""
        known = set(cls._parameter_constraints)
        for name in params:
            if name not in known:
                raise ParameterError(name, f"{cls.label} has no parameter {name!r}; it takes {', '.join(sorted(known))}.")
        sampler = cls(**params)
        sampler.validate_params()
        return sampler

    def validate_params(self) -> None:
        """Check every declared parameter before any work (imbalanced-learn's ``_validate_params``)."""
        values = {name: getattr(self, name) for name in self._parameter_constraints}
        check_params(type(self).__name__, self._parameter_constraints, values)

    def generate(
        self,
        table: pd.DataFrame,
        schema: Schema,
        column: str,
        counts: Mapping[str, int],
        progress: Progress | None = None,
    ) -> pd.DataFrame:
        """``counts[value]`` new rows per value of ``column``, with the table's columns and dtypes."""
        self.validate_params()
        progress = progress or silent
        if column not in table.columns:
            raise UnknownColumn("column", column, table.columns)
        features = schema.features(column)
        if not features:
            raise MethodRefused(
                self.name,
                "No usable feature columns: every other column is ID-like or constant. Mark a column as "
                "categorical or numeric, or add columns.",
            )
        wanted = {str(v): int(n) for v, n in counts.items() if int(n) > 0}
        absent = [v for v in wanted if len(rows_of(table, column, v)) == 0]
        if absent:
            raise MethodRefused(self.name, f"Cannot generate {absent[0]!r}: column {column!r} has no such rows to learn from.")
        if not wanted:
            return table.iloc[:0].copy()
        rng = np.random.default_rng(self.random_state)
        rows = self._generate(Request(table, schema, column, wanted, rng, progress))
        return conform(rows, table, schema)

    @abstractmethod
    def _generate(self, request: Request) -> pd.DataFrame:
        """The method's core: new rows (any index) with at least the table's columns."""
