"""Run a plan: one method (``apply_plan``), every chosen method (``rebalance_all``), or the
one-call shortcut from shares (``rebalance``). The plan is made once and passed through."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synth.data.kinds import ColumnKind, Schema, check_schema_fits, detect_schema
from synth.errors import MethodRefused, ParameterError, PlanError
from synth.progress import Progress, silent
from synth.rebalancing.plan import Mode, RebalancePlan, make_plan
from synth.rebalancing.samplers import DEFAULT_METHODS, SAMPLERS, make_sampler
from synth.table import is_dask


@dataclass(frozen=True)
class Rebalanced:
    """A method's output table, which of its rows are generated, and how long it took."""

    method: str
    plan: RebalancePlan
    table: pd.DataFrame = field(repr=False)
    generated: np.ndarray = field(repr=False)
    seconds: float

    @property
    def label(self) -> str:
        return SAMPLERS[self.method].label

    @property
    def new_rows(self) -> pd.DataFrame:
        return self.table[self.generated]

    def marked(self) -> pd.DataFrame:
        """The output with a leading 'generated' column, for previews and downloads."""
        return self.table.assign(generated=self.generated)[["generated", *self.table.columns]]


@dataclass(frozen=True)
class Outputs:
    """Every method's output for one plan, and why the others refused."""

    plan: RebalancePlan
    results: dict[str, Rebalanced] = field(repr=False)
    failures: dict[str, str]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Each output table by the method's label."""
        return {r.label: r.table for r in self.results.values()}


def check_target(table: pd.DataFrame, schema: Schema, column: str) -> None:
    """The column to rebalance must exist and hold categories."""
    if column not in table.columns:
        raise ParameterError("column", f"There is no column {column!r}; the table has {list(table.columns)}.")
    kind = schema.kind(column)
    if kind is not ColumnKind.CATEGORICAL:
        raise PlanError(
            f"Column {column!r} is {kind}; only a categorical column can be rebalanced. "
            "If its values are classes, mark it categorical."
        )


def apply_plan(
    table: pd.DataFrame,
    plan: RebalancePlan,
    *,
    method: str,
    schema: Schema,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Rebalanced:
    """``method``'s output for ``plan``: the real rows plus new ones (hybrid), or only new ones (full)."""
    sampler = make_sampler(method, random_state=seed, **(params or {}))
    if plan.mode is Mode.FULL and not sampler.supports_full:
        raise MethodRefused(
            method, f"{sampler.label} can only add rows to the real ones; a fully synthetic table needs a generator."
        )
    started = time.perf_counter()
    new = sampler.generate(table, schema, plan.column, plan.additions, progress)
    seconds = time.perf_counter() - started
    if plan.mode is Mode.FULL:
        return Rebalanced(method, plan, new, np.ones(len(new), dtype=bool), seconds)
    combined = pd.concat([table, new], ignore_index=True)
    generated = np.r_[np.zeros(len(table), dtype=bool), np.ones(len(new), dtype=bool)]
    return Rebalanced(method, plan, combined, generated, seconds)


def rebalance_all(
    table: pd.DataFrame,
    *,
    plan: RebalancePlan,
    schema: Schema,
    methods: Sequence[str] = DEFAULT_METHODS,
    seed: int = 0,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    done: Mapping[str, Rebalanced] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_result: Callable[[str, Rebalanced | MethodRefused], None] | None = None,
) -> Outputs:
    """Every method's output for one plan; a method that refuses the table is listed, not fatal.

    ``params`` holds each method's own parameters by name; ``done`` holds outputs already made (a
    walk that was interrupted resumes); ``workers`` > 1 runs methods side by side in threads;
    ``scheduler`` (a Dask address) runs each method on that cluster.
    Progress and ``on_result`` are always called on the caller's thread, as each method ends.
    """
    progress = progress or silent
    check_target(table, schema, plan.column)
    results = {m: r for m, r in (done or {}).items() if m in methods}
    todo = [m for m in methods if m not in results]
    failures: dict[str, str] = {}
    events: queue.Queue[tuple[str, float, str]] = queue.Queue()

    def run(method: str) -> Rebalanced:
        step = lambda fraction, message: events.put((method, fraction, message))  # noqa: E731
        options = {"method": method, "schema": schema, "seed": seed, "params": (params or {}).get(method), "progress": step}
        if scheduler:
            from synth.distributed.local import apply_plan_on_cluster

            return apply_plan_on_cluster(table, plan, scheduler=scheduler, **options)
        return apply_plan(table, plan, **options)

    fractions = dict.fromkeys(todo, 0.0)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending = {pool.submit(run, m): m for m in todo}
        while pending:
            finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            while not events.empty():
                method, fraction, message = events.get()
                fractions[method] = fraction
                progress(sum(fractions.values()) / max(len(todo), 1), f"{SAMPLERS[method].label}: {message}")
            for future in finished:
                method = pending.pop(future)
                fractions[method] = 1.0
                try:
                    results[method] = future.result()
                except MethodRefused as refusal:
                    failures[method] = str(refusal)
                    outcome: Rebalanced | MethodRefused = refusal
                else:
                    outcome = results[method]
                if on_result is not None:
                    on_result(method, outcome)
    progress(1.0, "Done")
    ordered = {m: results[m] for m in methods if m in results}
    return Outputs(plan, ordered, {m: failures[m] for m in methods if m in failures})


def rebalance(
    table: pd.DataFrame,
    *,
    column: str,
    shares: Mapping[str, float],
    method: str = "synthetic",
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
    seed: int = 0,
    schema: Schema | None = None,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Rebalanced | Any:
    """Rebalance ``column`` of ``table`` to ``shares`` with ``method`` (plan and run in one call).

    A Dask table is rebalanced on the current cluster and comes back as a lazy Dask table
    (``synth.distributed.rebalance.DistributedRebalanced``).

    >>> out = rebalance(adult, column="income", shares={">50K": 0.5}, method="synthetic")  # doctest: +SKIP
    """
    if is_dask(table):
        from synth.distributed.rebalance import rebalance_frame

        options = {"method": method, "mode": mode, "rows": rows, "seed": seed, "schema": schema, "params": params}
        return rebalance_frame(table, column=column, shares=shares, progress=progress, **options)
    schema = schema or detect_schema(table)
    check_schema_fits(table, schema)
    check_target(table, schema, column)
    plan = make_plan(table[column], shares, mode, rows)
    return apply_plan(table, plan, method=method, schema=schema, seed=seed, params=params, progress=progress)
