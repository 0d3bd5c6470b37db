"""The one place that chooses the engine: pandas in this process, or Dask on a cluster.

The in-memory core (``synth.rebalancing``, ``synth.assess``) knows nothing of Dask, and
``synth.distributed`` builds on that core; this module sits above both, as ``lightgbm.dask`` sits
beside LightGBM's core. A Dask table, or a scheduler address, sends the work to the cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, overload

import pandas as pd

from synth.assess.evaluate import Evaluation
from synth.assess.evaluate import evaluate as evaluate_in_memory
from synth.assess.evaluate import evaluate_all as evaluate_all_in_memory
from synth.errors import MethodRefused, PlanError
from synth.progress import Progress
from synth.rebalancing.plan import Mode, RebalancePlan
from synth.rebalancing.run import Outputs, Rebalanced, apply_plan
from synth.rebalancing.run import rebalance as rebalance_in_memory
from synth.rebalancing.run import rebalance_all as rebalance_all_in_memory
from synth.rebalancing.samplers import DEFAULT_METHODS
from synth.schema import Schema
from synth.table import is_dask

if TYPE_CHECKING:
    import dask.dataframe as dd

    from synth.distributed.rebalance import DistributedRebalanced


NUMERIC_ON_DASK = (
    "Column {column!r} is numeric: ranges of a numeric target are rebalanced in memory only; read the table with "
    "synth.read_table (or pass a pandas DataFrame) instead of a Dask one."
)


@overload
def rebalance(
    table: pd.DataFrame,
    *,
    column: str,
    shares: Mapping[str, float] | None = ...,
    ranges: str | Sequence[str] | None = ...,
    method: str = ...,
    mode: Mode | str = ...,
    rows: int | None = ...,
    random_state: int = ...,
    schema: Schema | None = ...,
    params: Mapping[str, Any] | None = ...,
    progress: Progress | None = ...,
) -> Rebalanced: ...


@overload
def rebalance(
    table: dd.DataFrame,
    *,
    column: str,
    shares: Mapping[str, float] | None = ...,
    ranges: str | Sequence[str] | None = ...,
    method: str = ...,
    mode: Mode | str = ...,
    rows: int | None = ...,
    random_state: int = ...,
    schema: Schema | None = ...,
    params: Mapping[str, Any] | None = ...,
    progress: Progress | None = ...,
) -> DistributedRebalanced: ...


def rebalance(
    table: pd.DataFrame | dd.DataFrame,
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
) -> Rebalanced | DistributedRebalanced:
    """Rebalance ``column`` of ``table`` to ``shares`` with ``method`` (plan and run in one call).

    A pandas table comes back as a ``Rebalanced``; a Dask table is rebalanced on the current cluster and
    comes back as a lazy ``DistributedRebalanced``. A numeric ``column`` is rebalanced by ``ranges`` of its
    values (``'0-1000, 1000-10000, 10000+'``; default: the top 5% is the rare range), ``shares`` keyed by range,
    in memory only.

    >>> out = rebalance(adult, column="income", shares={">50K": 0.5}, method="synthetic")  # doctest: +SKIP
    >>> out = rebalance(claims, column="claim", ranges="0-1000,1000-10000,10000+", shares={"10000+": 0.2})  # doctest: +SKIP
    """
    options = {"method": method, "mode": mode, "rows": rows, "random_state": random_state, "schema": schema}
    if is_dask(table):
        if ranges is not None:
            raise PlanError(NUMERIC_ON_DASK.format(column=column))
        from synth.distributed.rebalance import rebalance_frame

        return rebalance_frame(table, column=column, shares=shares or {}, params=params, progress=progress, **options)
    return rebalance_in_memory(table, column=column, shares=shares, ranges=ranges, params=params, progress=progress, **options)


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
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_result: Callable[[str, Rebalanced | MethodRefused], None] | None = None,
) -> Outputs:
    """Every method's output for one plan (``synth.rebalancing.run.rebalance_all``); with ``scheduler`` (a Dask
    address) each method runs on that cluster and its output comes back in memory.

    >>> synth.rebalance_all(table, plan=plan, schema=synth.detect_schema(table)).results  # doctest: +SKIP
    """
    apply: Callable[..., Rebalanced] = apply_plan
    if scheduler:
        from synth.distributed.local import apply_plan_on_cluster

        apply = partial(apply_plan_on_cluster, scheduler=scheduler)
    options = {"methods": methods, "random_state": random_state, "params": params, "done": done, "workers": workers}
    return rebalance_all_in_memory(
        table, plan=plan, schema=schema, apply=apply, progress=progress, on_result=on_result, **options
    )


def evaluate(
    train: pd.DataFrame | dd.DataFrame,
    holdout: pd.DataFrame | dd.DataFrame,
    *,
    column: str,
    positive: str,
    n_repeats: int = 3,
    random_state: int = 0,
    name: str = "",
    exclude: Sequence[str] | None = None,
    model: str = "lightgbm",
    progress: Progress | None = None,
) -> Evaluation:
    """Score ``train`` on the real ``holdout`` (``synth.assess.evaluate.evaluate``); a Dask training table is
    trained on the current cluster with ``lightgbm.dask`` and gives the same result type.

    >>> synth.evaluate(train, holdout, column="income", positive=">50K", n_repeats=3).summary()  # doctest: +SKIP
    """
    options = {"n_repeats": n_repeats, "random_state": random_state, "name": name, "exclude": exclude, "progress": progress}
    if is_dask(train):
        from synth.distributed.evaluate import check_cluster_model, evaluate_frame

        check_cluster_model(model)
        return evaluate_frame(train, holdout, column=column, positive=positive, **options)
    return evaluate_in_memory(train, holdout, column=column, positive=positive, model=model, **options)


def evaluate_all(
    tables: Mapping[str, pd.DataFrame],
    *,
    holdout: pd.DataFrame,
    column: str,
    positive: str,
    n_repeats: int = 3,
    random_state: int = 0,
    schema: Schema | None = None,
    exclude: Sequence[str] = (),
    model: str = "lightgbm",
    done: Mapping[str, Evaluation] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_result: Callable[[str, Evaluation], None] | None = None,
) -> dict[str, Evaluation]:
    """Every named table scored on the same real holdout (``synth.assess.evaluate.evaluate_all``); with
    ``scheduler`` (a Dask address) every model trains on that cluster, one table at a time.

    >>> synth.evaluate_all(outputs.tables(), holdout=holdout, column="income", positive=">50K")  # doctest: +SKIP
    """
    score = None
    if scheduler:
        from synth.distributed.evaluate import check_cluster_model
        from synth.distributed.local import evaluate_on_cluster

        check_cluster_model(model)
        score, workers = partial(evaluate_on_cluster, scheduler=scheduler), 1  # the cluster spreads each fit itself
    return evaluate_all_in_memory(
        tables,
        holdout=holdout,
        column=column,
        positive=positive,
        n_repeats=n_repeats,
        random_state=random_state,
        schema=schema,
        exclude=exclude,
        model=model,
        done=done,
        workers=workers,
        score=score,
        progress=progress,
        on_result=on_result,
    )
