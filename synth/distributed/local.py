"""An in-memory table's steps run on a cluster (the app, when ``REBALANCE_STUDIO_SCHEDULER`` names one).

The table is split into one partition per worker; results come back in the in-memory types, so the
pages draw them as they draw local ones.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
from distributed import Client

from synth.assess.evaluate import Evaluation
from synth.distributed.cluster import cluster_errors, connect
from synth.distributed.evaluate import check_cluster_model, evaluate_frame
from synth.distributed.rebalance import rebalance_frame
from synth.progress import Progress
from synth.rebalancing.plan import RebalancePlan
from synth.rebalancing.run import Rebalanced
from synth.schema import Schema


def _partitioned(table: pd.DataFrame, client: Client) -> dd.DataFrame:
    workers = max(1, len(client.scheduler_info()["workers"]))
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_pandas(table, npartitions=min(workers, max(1, len(table))), sort=False)


def apply_plan_on_cluster(
    table: pd.DataFrame,
    plan: RebalancePlan,
    *,
    method: str,
    schema: Schema,
    scheduler: str,
    random_state: int = 0,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Rebalanced:
    """``apply_plan`` on the cluster at ``scheduler``: the same plan, the same result type."""
    started = time.perf_counter()
    with connect(scheduler) as client, cluster_errors():
        frame = _partitioned(table, client)
        result = rebalance_frame(
            frame,
            column=plan.column,
            shares={},
            method=method,
            random_state=random_state,
            schema=schema,
            params=params,
            plan=plan,
            progress=progress,
        )
        new = result.new_rows.compute().reset_index(drop=True)
    return Rebalanced.of(method, plan, table, new, time.perf_counter() - started)


def evaluate_on_cluster(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    column: str,
    positive: str,
    scheduler: str,
    n_repeats: int = 3,
    random_state: int = 0,
    name: str = "",
    exclude: Sequence[str] | None = None,
    model: str = "lightgbm",
    progress: Progress | None = None,
) -> Evaluation:
    """``evaluate`` with LightGBM trained on the cluster at ``scheduler`` (``lightgbm.dask``: LightGBM only)."""
    check_cluster_model(model)
    with connect(scheduler) as client, cluster_errors():
        frame = _partitioned(train, client)
        return evaluate_frame(
            frame,
            holdout,
            column=column,
            positive=positive,
            n_repeats=n_repeats,
            random_state=random_state,
            name=name,
            exclude=exclude,
            progress=progress,
        )
