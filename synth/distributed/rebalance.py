"""Rebalance a partitioned table on a Dask cluster without ever gathering it.

The plan comes from per-partition counts. Synthetic: the generator learns from a bounded sample
(every row of the classes it generates, a stratified sample of the rest), is sent to the workers
once, and each partition generates its share with a seed from (run seed, partition index).
SMOTE: the rare rows (small) are gathered, their neighbours found once, and both sent once; each
partition interpolates its share.
Naive: each partition repeats its own rows. The same seed gives the same output on any number of
workers, because shares and seeds follow partitions, never workers.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import sklearn

from synth.data.kinds import check_schema_fits
from synth.distributed.cluster import worker_memory_limit
from synth.distributed.profile import TableProfile, profile_table
from synth.distributed.smote import NEIGHBOUR_MEMORY_MB, SmoteNeighbours, fit_neighbours, interpolates
from synth.errors import PlanError
from synth.generator.model import SyntheticGenerator
from synth.progress import Progress, silent
from synth.rebalancing.plan import Mode, RebalancePlan, apportion, match_value, plan_from_counts
from synth.rebalancing.run import check_full_mode, check_target, memory_needed
from synth.rebalancing.samplers import make_sampler
from synth.rebalancing.samplers.smote import DEFAULT_NEIGHBOURS
from synth.schema import ColumnKind, Schema
from synth.table import conform, fresh_ids

# The classes that are not generated contribute about this many rows to the fitting sample (the
# generator's trees fit on at most 30,000 rows; its class model sees every sampled row).
SAMPLE_ROWS = 50_000
# Rows of one rare class kept in the sample at most (a "rare" class of a multi-class table may be large).
MAX_RARE_ROWS = 1_000_000
# SMOTE gathers this many rows of the classes that are not rare: a class the plan tops up by a
# rounding row interpolates among them (and imbalanced-learn's SMOTE members want a second class).
SMOTE_PASSENGERS = 1_000
# One partition's task may hold this share of the smallest worker's memory limit (Dask pauses a worker
# at 80% and restarts it at 95%); a row of the output and its copy are estimated by memory_needed.
TASK_MEMORY_SHARE = 0.5
# A cluster writes partitions to disk, so outputs may exceed what one process holds.
MAX_DISTRIBUTED_ROWS = 2_000_000_000


@dataclass(frozen=True)
class DistributedRebalanced:
    """A method's output as a lazy Dask table (hybrid: each partition's real rows, then its new ones)."""

    method: str
    plan: RebalancePlan
    table: dd.DataFrame = field(repr=False)
    new_rows: dd.DataFrame = field(repr=False)  # only the generated rows, partition by partition
    schema: Schema
    generated_rows: int
    rows: int  # in the output
    seconds: float  # planning, sampling and fitting; generation runs when the table is computed or written


def partition_seed(random_state: int, index: int) -> int:
    """A partition's seed from the run's seed and its index, never from a worker or a global state."""
    return int(np.random.SeedSequence([random_state, index]).generate_state(1)[0])


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split over partitions in proportion to ``weights`` (``apportion``'s largest remainder, exact sum)."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum == 0:
        return [0] * len(weights)
    counts = apportion({i: w / weight_sum for i, w in enumerate(weights)}, total)
    return [counts[i] for i in range(len(weights))]


def partition_shares(plan: RebalancePlan, profile: TableProfile, method: str) -> list[dict[str, int]]:
    """Rows each partition generates per class: naive where the class lives, others by partition size."""
    shares: list[dict[str, int]] = [{} for _ in profile.partitions]
    for value, total in plan.additions.items():
        if method == "naive":
            weights = [p.counts.get(value, 0) for p in profile.partitions]
        else:
            weights = [p.rows for p in profile.partitions]
        for share, n in zip(shares, allocate(total, weights), strict=True):
            if n:
                share[value] = n
    return shares


def _size(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def check_task_memory(
    per_partition: Sequence[Mapping[str, int]], profile: TableProfile, plan: RebalancePlan, columns: int, limit: int | None
) -> None:
    """Refuse, before any work, a plan whose largest partition would not fit in a worker's memory, naming its file.

    Each file's rows are generated in one task on one worker: many rows from few files kill workers
    over and over, and Dask then stops with an internal task name.
    """
    if limit is None:
        return
    full = plan.mode is Mode.FULL
    rows = [sum(s.values()) + (0 if full else p.rows) for s, p in zip(per_partition, profile.partitions, strict=True)]
    largest = int(np.argmax(rows))
    needed = memory_needed(rows[largest], columns, 2)
    budget = TASK_MEMORY_SHARE * limit
    if needed <= budget:
        return
    generated = sum(plan.additions.values())
    fits = int(generated * budget / needed)
    raise PlanError(
        f"{profile.files[largest]}: its task would hold {rows[largest]:,} rows ({sum(per_partition[largest].values()):,} "
        f"new), about {_size(needed)} of memory, over "
        f"half of a worker's {_size(limit)} limit. Ask for at most about {fits:,} rows, split the input into more files, "
        "or give the workers more memory."
    )


def rare_classes(plan: RebalancePlan) -> list[str]:
    """Classes kept whole in the fitting sample: those the plan adds rows to, but never the largest."""
    largest = max(plan.current, key=plan.current.__getitem__)
    if plan.mode is Mode.FULL:
        return [v for v in plan.current if v != largest]
    return [v for v, n in plan.additions.items() if n > 0 and v != largest]


def sample_fractions(plan: RebalancePlan) -> dict[str, float]:
    """Per class, the chance a row enters the fitting sample: every rare row (up to a bound), a stratified share of the rest."""
    rare = set(rare_classes(plan))
    rest = sum(n for v, n in plan.current.items() if v not in rare)
    keep = min(1.0, SAMPLE_ROWS / rest) if rest else 1.0
    return {v: min(1.0, MAX_RARE_ROWS / plan.current[v]) if v in rare else keep for v in plan.current}


def sample_partition(
    part: pd.DataFrame, *, column: str, fractions: Mapping[str, float], random_state: int, partition_info: dict | None = None
) -> pd.DataFrame:
    """A partition's rows of the fitting sample (every rare row, a seeded share of the rest)."""
    index = (partition_info or {}).get("number", 0)
    chance = part[column].astype("string").map(dict(fractions)).astype(float).fillna(0.0).to_numpy()
    draws = np.random.default_rng(partition_seed(random_state, index)).random(len(part))
    return part[draws < chance]


def generate_partition(
    part: pd.DataFrame,
    source: Any,
    *,
    method: str,
    column: str,
    schema: Schema,
    shares: Sequence[Mapping[str, int]],
    offsets: Sequence[int],
    ids: pd.DataFrame,
    full: bool,
    random_state: int,
    params: Mapping[str, Any],
    partition_info: dict | None = None,
) -> pd.DataFrame:
    """A partition's output: its own rows (hybrid) and its share of new rows, seeded by its index.

    ``source`` is the fitted generator (synthetic), the rare rows' neighbours (SMOTE), the gathered
    rare rows (the other SMOTE members) or None (naive).
    """
    index = (partition_info or {}).get("number", 0)
    counts = dict(shares[index]) if index < len(shares) else {}
    local_seed = partition_seed(random_state, index)
    if not counts:
        new = part.iloc[:0]
    elif isinstance(source, SmoteNeighbours):
        new = conform(source.generate(counts, random_state=local_seed), part, schema)
    elif method == "synthetic":
        generator = copy.copy(source)  # shallow: shares the fitted state, only the seed differs
        generator.random_state = local_seed
        new = conform(generator.sample(counts), part, schema)
    else:
        table = part if method == "naive" else source
        with sklearn.config_context(working_memory=NEIGHBOUR_MEMORY_MB):
            new = make_sampler(method, random_state=local_seed, **params).generate(table, schema, column, counts)
    new = fresh_ids(new.reset_index(drop=True), ids, schema, offset=offsets[index] if index < len(offsets) else 0)
    new = new.astype(part.dtypes.to_dict())
    return new if full else pd.concat([part, new], ignore_index=True)


def _share_once(obj: Any) -> Any:
    """One graph key holding a fitted object: sent to the cluster once, fetched by each worker that needs it.

    Unlike ``client.scatter``, a key in the graph is recomputed if the worker holding it dies.
    """
    return dask.delayed(obj, name=f"shared-{type(obj).__name__}-{uuid.uuid4().hex}")


def _id_reference(profile: TableProfile, schema: Schema, meta: pd.DataFrame) -> pd.DataFrame:
    """One row holding each numeric ID column's largest value, so new IDs continue after every partition's."""
    row = {name: profile.id_max(name) for name in schema.names(ColumnKind.ID)}
    reference = pd.DataFrame([row], columns=meta.columns)
    return reference.astype(meta.dtypes.to_dict(), errors="ignore")


def _fit_source(
    frame: dd.DataFrame,
    plan: RebalancePlan,
    method: str,
    schema: Schema,
    random_state: int,
    progress: Progress,
    params: Mapping[str, Any] | None = None,
) -> Any:
    """What the workers need from the whole table: a fitted generator, the rare rows, or nothing."""
    if method == "naive":
        return None
    fractions = sample_fractions(plan)
    neighbours_once = method == "smote" and interpolates(schema, plan.column)
    if method != "synthetic":  # SMOTE needs the rare rows, and a few others for a class topped up by rounding
        rest = [v for v in plan.current if v not in rare_classes(plan)]
        share = min(1.0, SMOTE_PASSENGERS / max(sum(plan.current[v] for v in rest), 1))
        fractions.update(dict.fromkeys(rest, share))
    progress(0.3, f"Sampling: every row of {rare_classes(plan)} and a stratified share of the rest")
    sample = frame.map_partitions(
        sample_partition, column=plan.column, fractions=fractions, random_state=random_state, meta=frame._meta
    )
    sample = sample.compute().reset_index(drop=True)
    if neighbours_once:
        progress(0.5, f"Finding the nearest neighbours of {len(sample):,} gathered rows among their class, once")
        k = int((params or {}).get("k_neighbors", DEFAULT_NEIGHBOURS))
        classes = [v for v, n in plan.additions.items() if n > 0]
        return fit_neighbours(sample, schema=schema, column=plan.column, classes=classes, k_neighbors=k)
    if method != "synthetic":
        return sample
    progress(0.5, f"Fitting the generator on {len(sample):,} sampled rows")
    return SyntheticGenerator(random_state=random_state, **(params or {})).fit(sample, schema, plan.column)


def _plan(profile: TableProfile, column: str, shares: Mapping[str, float], mode: Mode | str, rows: int | None) -> RebalancePlan:
    counts = profile.counts()
    for value in shares:
        try:
            match_value(value, counts)
        except PlanError:
            profile.check_has(value)
    return plan_from_counts(column, counts, shares, mode, rows, table_rows=profile.rows, max_rows=MAX_DISTRIBUTED_ROWS)


def rebalance_frame(
    table: dd.DataFrame,
    *,
    column: str,
    shares: Mapping[str, float],
    method: str = "synthetic",
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
    random_state: int = 0,
    schema: Schema | None = None,
    params: Mapping[str, Any] | None = None,
    files: Sequence[str] | None = None,
    plan: RebalancePlan | None = None,
    progress: Progress | None = None,
) -> DistributedRebalanced:
    """Rebalance a Dask table: plan from counts, fit on a bounded sample, generate partition by partition.

    The returned table is lazy: computing or writing it runs the generation on the cluster.
    ``files`` names each partition's file, for messages; ``plan`` (made from the same counts) replaces
    ``shares``, ``mode`` and ``rows``.
    """
    progress = progress or silent
    params = dict(params or {})
    make_sampler(method, random_state=random_state, **params)  # refuse unknown methods and parameters before any work
    started = time.perf_counter()
    progress(0.0, f"Counting rows per value of {column!r} in {table.npartitions} partitions")
    names = tuple(files or (f"partition {i}" for i in range(table.npartitions)))
    profile = profile_table(table, names, column)
    schema = schema or profile.schema
    check_target(table._meta, schema, column)
    check_schema_fits(table._meta, schema)
    if plan is None:
        plan = _plan(profile, column, shares, mode, rows)
    check_full_mode(method, plan)
    progress(0.2, f"Plan: {plan.additions} rows to generate")
    per_partition = partition_shares(plan, profile, method)
    check_task_memory(per_partition, profile, plan, len(table.columns), worker_memory_limit())
    source = _fit_source(
        table, plan, method, schema, random_state, progress, params if method in ("synthetic", "smote") else None
    )
    offsets = np.concatenate([[0], np.cumsum([sum(s.values()) for s in per_partition])[:-1]]).astype(int).tolist()
    options = {
        "method": method,
        "column": column,
        "schema": schema,
        "shares": per_partition,
        "offsets": offsets,
        "ids": _id_reference(profile, schema, table._meta),
        "random_state": random_state,
        "params": params,
        "meta": table._meta,
    }
    shared = _share_once(source)
    output = table.map_partitions(generate_partition, shared, full=plan.mode is Mode.FULL, **options)
    new_rows = table.map_partitions(generate_partition, shared, full=True, **options)
    progress(1.0, "Ready: the rows are generated partition by partition as the table is computed or written")
    generated = sum(plan.additions.values())
    rows = generated + (0 if plan.mode is Mode.FULL else profile.rows)
    return DistributedRebalanced(method, plan, output, new_rows, schema, generated, rows, time.perf_counter() - started)
