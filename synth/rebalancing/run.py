"""Run a plan: one method (``apply_plan``), every chosen method (``rebalance_all``), or the
one-call shortcut from shares (``rebalance``). The plan is made once and passed through."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from synth.data.kinds import check_schema_fits, detect_schema
from synth.errors import MethodRefused, ParameterError, PlanError, UnknownColumn
from synth.parallel import run_in_threads
from synth.progress import Progress, silent
from synth.rebalancing.numeric import NUMERIC_METHODS, check_numeric_target, generate_in_ranges, method_params
from synth.rebalancing.plan import Mode, RebalancePlan, make_plan
from synth.rebalancing.ranges import make_range_plan
from synth.rebalancing.samplers import DEFAULT_METHODS, SAMPLERS, make_sampler
from synth.schema import ColumnKind, Schema


def flag_name(columns: pd.Index) -> str:
    """'generated', or the first of 'generated_1', 'generated_2', ... that the table does not use."""
    taken = {str(c) for c in columns}
    return next(name for i in itertools.count() if (name := "generated" if i == 0 else f"generated_{i}") not in taken)


@dataclass(frozen=True)
class Rebalanced:
    """A method's output table, which of its rows are generated, and how long it took.

    >>> synth.rebalance(table, column="income", shares={">50K": 0.5}).new_rows  # doctest: +SKIP
    """

    method: str
    plan: RebalancePlan
    table: pd.DataFrame = field(repr=False)
    generated: np.ndarray = field(repr=False)
    seconds: float
    title: str = ""  # the method's label where it is not a ``SAMPLERS`` one (a numeric target's methods)
    notes: tuple[str, ...] = ()  # what was chosen for the user (default ranges or shares)

    @classmethod
    def of(cls, method: str, plan: RebalancePlan, table: pd.DataFrame, new: pd.DataFrame, seconds: float) -> Rebalanced:
        """The output a plan asks for: the new rows alone (full), or the real rows followed by them (hybrid)."""
        if plan.mode is Mode.FULL:
            return cls(method, plan, new, np.ones(len(new), dtype=bool), seconds)
        generated = np.r_[np.zeros(len(table), dtype=bool), np.ones(len(new), dtype=bool)]
        return cls(method, plan, pd.concat([table, new], ignore_index=True), generated, seconds)

    @property
    def label(self) -> str:
        return self.title or SAMPLERS[self.method].label

    @property
    def new_rows(self) -> pd.DataFrame:
        return self.table[self.generated]

    def marked(self, rows: np.ndarray | slice = slice(None)) -> pd.DataFrame:
        """The output (or some ``rows``) with a leading flag column, for previews and downloads.

        The flag is called 'generated', unless the table has a column of that name, which is kept.
        """
        flag = flag_name(self.table.columns)
        part = self.table.iloc[rows]
        return part.assign(**{flag: self.generated[rows]})[[flag, *self.table.columns]]


@dataclass(frozen=True)
class Outputs:
    """Every method's output for one plan, and why the others refused.

    >>> synth.rebalance_all(table, plan=plan, schema=schema).tables()  # {"Naive oversampling": ...}  # doctest: +SKIP
    """

    plan: RebalancePlan
    results: dict[str, Rebalanced] = field(repr=False)
    notes: dict[str, str]  # why each method that refused the table gave none

    def tables(self) -> dict[str, pd.DataFrame]:
        """Each output table by the method's label."""
        return {r.label: r.table for r in self.results.values()}


def check_target(table: pd.DataFrame, schema: Schema, column: str) -> None:
    """The column to rebalance must exist and hold categories."""
    if column not in table.columns:
        raise UnknownColumn("column", column, table.columns)
    kind = schema.kind(column)
    if kind is ColumnKind.NUMERIC:
        raise PlanError(
            f"Column {column!r} is numeric; only a categorical column can be rebalanced here. Rebalance ranges of a "
            "numeric column in memory with synth.rebalance(table, column=..., ranges=...), or mark it categorical "
            "if its values are classes."
        )
    if kind is not ColumnKind.CATEGORICAL:
        raise PlanError(
            f"Column {column!r} is {kind}; only a categorical column can be rebalanced. "
            "If its values are classes, mark it categorical."
        )


# Peak memory per cell of input and output, for the table and again for each method (the walk benchmark:
# 100,000 x 41 rows plus 90,000 new ones peaked about 1.5 GB above the server's own with three methods).
BYTES_PER_CELL = 50
# Memory one rebalancing step may use, in MB ($REBALANCE_STUDIO_MEMORY_MB): a shared server runs many.
DEFAULT_MEMORY_MB = 8192


def memory_budget_mb() -> int:
    """The server's per-step memory budget."""
    try:
        return max(64, int(os.environ.get("REBALANCE_STUDIO_MEMORY_MB", DEFAULT_MEMORY_MB)))
    except ValueError:
        return DEFAULT_MEMORY_MB


def memory_needed(rows: int, columns: int, copies: int) -> int:
    """Estimated peak bytes of ``copies`` tables of ``rows`` x ``columns`` (the one estimate every refusal uses)."""
    return rows * columns * BYTES_PER_CELL * copies


def check_memory(table: pd.DataFrame, plan: RebalancePlan, methods: int) -> None:
    """Refuse, before any work, a step whose estimated peak memory exceeds the budget, naming both."""
    rows = len(table) + sum(plan.additions.values())
    needed = memory_needed(rows, table.shape[1], 1 + methods) / 2**20
    budget = memory_budget_mb()
    if needed > budget:
        fits = int(len(table) * budget / needed)
        raise PlanError(
            f"This step needs about {needed / 1024:,.1f} GB of memory for {rows:,} rows × {table.shape[1]} columns with "
            f"{methods} method(s), over this server's {budget / 1024:,.1f} GB limit per step. Use fewer methods, or a "
            f"sample of about {fits:,} rows."
        )


def check_rows_memory(rows: int, columns: int, what: str) -> None:
    """Refuse, before any work, a table of ``rows`` x ``columns`` (input and output) over the step's memory budget."""
    needed, budget = memory_needed(rows, columns, 2) / 2**20, memory_budget_mb()
    if needed > budget:
        raise ParameterError(
            "rows",
            f"{what} of {rows:,} rows × {columns} columns needs about {needed / 1024:,.1f} GB of memory, over this "
            f"server's {budget / 1024:,.1f} GB limit per step ($REBALANCE_STUDIO_MEMORY_MB). Ask for fewer rows.",
        )


def check_full_mode(method: str, plan: RebalancePlan) -> None:
    """A fully synthetic table needs a generator; the other methods only add rows to real ones."""
    if plan.mode is Mode.FULL and not SAMPLERS[method].supports_full:
        raise MethodRefused(
            method, f"{SAMPLERS[method].label} can only add rows to the real ones; a fully synthetic table needs a generator."
        )


def apply_plan(
    table: pd.DataFrame,
    plan: RebalancePlan,
    *,
    method: str,
    schema: Schema,
    random_state: int = 0,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Rebalanced:
    """``method``'s output for ``plan``: the real rows plus new ones (hybrid), or only new ones (full).

    >>> synth.apply_plan(table, plan, method="naive", schema=schema).table  # doctest: +SKIP
    """
    check_memory(table, plan, 1)
    sampler = make_sampler(method, random_state=random_state, **(params or {}))
    check_full_mode(method, plan)
    started = time.perf_counter()
    new = sampler.generate(table, schema, plan.column, plan.additions, progress)
    (progress or silent)(1.0, f"{len(new):,} rows made")
    return Rebalanced.of(method, plan, table, new, time.perf_counter() - started)


def rebalance_all(
    table: pd.DataFrame,
    *,
    plan: RebalancePlan,
    schema: Schema,
    methods: Sequence[str] = DEFAULT_METHODS,
    random_state: int = 0,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    done: Mapping[str, Rebalanced] | None = None,
    workers: int = 1,
    apply: Callable[..., Rebalanced] = apply_plan,
    progress: Progress | None = None,
    on_result: Callable[[str, Rebalanced | MethodRefused], None] | None = None,
) -> Outputs:
    """Every method's output for one plan; a method that refuses the table is listed in ``notes``, not fatal.

    ``params`` holds each method's own parameters by name; ``done`` holds outputs already made (a
    walk that was interrupted resumes); ``workers`` > 1 runs methods side by side in threads;
    ``apply`` replaces ``apply_plan`` for one method (``synth.engine`` passes the cluster's).
    Progress and ``on_result`` are always called on the caller's thread, as each method ends.
    """
    progress = progress or silent
    check_schema_fits(table, schema)
    check_target(table, schema, plan.column)
    results = {m: r for m, r in (done or {}).items() if m in methods}
    todo = [m for m in methods if m not in results]
    check_memory(table, plan, len(todo))

    def run(method: str, step: Progress) -> Rebalanced | MethodRefused:
        def labelled(fraction: float, message: str) -> None:
            step(fraction, f"{SAMPLERS[method].label}: {message}")

        try:
            return apply(
                table,
                plan,
                method=method,
                schema=schema,
                random_state=random_state,
                params=(params or {}).get(method),
                progress=labelled,
            )
        except MethodRefused as refusal:  # listed, not fatal
            return refusal

    def share(done_methods: float, message: str) -> None:
        progress(done_methods / max(len(todo), 1), message)

    outcomes = run_in_threads(run, todo, max(1, workers), share, on_result)
    results.update({m: o for m, o in outcomes.items() if isinstance(o, Rebalanced)})
    refused = {m: str(o) for m, o in outcomes.items() if isinstance(o, MethodRefused)}
    progress(1.0, "Done")
    ordered = {m: results[m] for m in methods if m in results}
    return Outputs(plan, ordered, {m: refused[m] for m in methods if m in refused})


def rebalance(
    table: pd.DataFrame,
    *,
    column: str,
    shares: Mapping[str, float] | None = None,
    ranges: str | Sequence[str] | None = None,
    method: str = "synthetic",
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
    random_state: int = 0,
    schema: Schema | None = None,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Rebalanced:
    """Rebalance ``column`` of an in-memory ``table`` to ``shares`` with ``method`` (plan and run in one call).

    A numeric ``column`` is rebalanced by ``ranges`` of its values (``synth.rebalancing.numeric``).

    >>> out = rebalance(adult, column="income", shares={">50K": 0.5}, method="synthetic")  # doctest: +SKIP
    """
    schema = schema or detect_schema(table)
    check_schema_fits(table, schema)
    if column in table.columns and (ranges is not None or schema.kind(column) is ColumnKind.NUMERIC):
        options = {"method": method, "mode": mode, "rows": rows, "random_state": random_state, "params": params}
        return rebalance_numeric(table, column=column, shares=shares, ranges=ranges, schema=schema, progress=progress, **options)
    check_target(table, schema, column)
    plan = make_plan(table[column], shares or {}, mode=mode, rows=rows)
    return apply_plan(table, plan, method=method, schema=schema, random_state=random_state, params=params, progress=progress)


def rebalance_numeric(
    table: pd.DataFrame,
    *,
    column: str,
    shares: Mapping[str, float] | None = None,
    ranges: str | Sequence[str] | None = None,
    method: str = "synthetic",
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
    random_state: int = 0,
    schema: Schema | None = None,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Rebalanced:
    """Rebalance the numeric ``column`` by ``ranges`` of its values to ``shares`` per range (labels as in the plan)."""
    schema = schema or detect_schema(table)
    numbers = column in table.columns and pd.api.types.is_numeric_dtype(table[column].dtype)
    if ranges is not None and numbers and schema.kind(column) is not ColumnKind.NUMERIC:
        schema = schema.with_overrides({column: ColumnKind.NUMERIC})  # ranges say the numbers are amounts, not classes
    check_numeric_target(table, schema, column)
    method_params(method, params)  # refuse a bad method or parameter before planning
    plan = make_range_plan(table[column], ranges=ranges, shares=shares, mode=mode, rows=rows)
    check_memory(table, plan.plan, 1)
    started = time.perf_counter()
    options = {"method": method, "schema": schema, "random_state": random_state, "params": params, "progress": progress}
    new = generate_in_ranges(table, plan, **options)
    made = Rebalanced.of(method, plan.plan, table, new, time.perf_counter() - started)
    return replace(made, title=NUMERIC_METHODS[method], notes=plan.notes)
