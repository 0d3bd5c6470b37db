"""The one entry point every caller uses: table + column + shares + method -> rebalanced table."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth.data.kinds import ColumnKind, Schema, check_schema_fits, detect_schema
from synth.progress import Progress
from synth.rebalancing.plan import Mode, RebalancePlan, make_plan
from synth.rebalancing.samplers import SAMPLERS, make_sampler


@dataclass(frozen=True)
class Rebalanced:
    """A method's output table, which of its rows are generated, and how long it took."""

    method: str
    plan: RebalancePlan
    table: pd.DataFrame = field(repr=False)
    generated: np.ndarray = field(repr=False)
    seconds: float

    @property
    def new_rows(self) -> pd.DataFrame:
        return self.table[self.generated]

    def marked(self) -> pd.DataFrame:
        """The output with a leading 'generated' column, for previews and downloads."""
        return self.table.assign(generated=self.generated)[["generated", *self.table.columns]]


def check_target(table: pd.DataFrame, schema: Schema, column: str) -> None:
    """The column to rebalance must exist and hold categories."""
    if column not in table.columns:
        raise ValueError(f"There is no column {column!r}; the table has {list(table.columns)}.")
    kind = schema.kind(column)
    if kind is not ColumnKind.CATEGORICAL:
        raise ValueError(
            f"Column {column!r} is {kind}; only a categorical column can be rebalanced. "
            "If its values are classes, mark it categorical."
        )


def rebalance(
    table: pd.DataFrame,
    column: str,
    shares: Mapping[str, float],
    method: str = "synthetic",
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
    seed: int = 0,
    schema: Schema | None = None,
    progress: Progress | None = None,
    privacy_guard: float = 0.0,
) -> Rebalanced:
    """Rebalance ``column`` of ``table`` to ``shares`` with ``method``.

    ``privacy_guard`` (synthetic only, 0-0.5) trades a little accuracy for rows further from real ones.

    >>> out = rebalance(adult, "income", {">50K": 0.5}, method="synthetic")  # doctest: +SKIP
    """
    schema = schema or detect_schema(table)
    check_schema_fits(table, schema)
    check_target(table, schema, column)
    mode = Mode(mode)
    if method in SAMPLERS and mode is Mode.FULL and not SAMPLERS[method].supports_full:
        raise ValueError(f"--mode full needs a generator; {method!r} can only add rows to the real ones (hybrid).")
    plan = make_plan(table[column], shares, mode, rows)
    sampler = make_sampler(method, random_state=seed, privacy_guard=privacy_guard)
    started = time.perf_counter()
    new = sampler.generate(table, schema, column, plan.additions, progress)
    seconds = time.perf_counter() - started
    if mode is Mode.FULL:
        return Rebalanced(method, plan, new, np.ones(len(new), dtype=bool), seconds)
    combined = pd.concat([table, new], ignore_index=True)
    generated = np.r_[np.zeros(len(table), dtype=bool), np.ones(len(new), dtype=bool)]
    return Rebalanced(method, plan, combined, generated, seconds)
