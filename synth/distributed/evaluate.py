"""Score a partitioned training table on a real holdout with the tutorial's recipe, on a cluster.

Training uses ``lightgbm.dask.DaskLGBMClassifier``: each worker trains on the partitions it
holds, so the table is never gathered. ``lightgbm.dask`` has no early stopping, so every seed
trains the recipe's 100 rounds while recording the validation AUC, and the holdout is scored at
the round early stopping (5 rounds without gain) would have kept. The holdout is scored partition
by partition; only its scores and labels (9 bytes a row) reach the client for the exact metrics.

``lightgbm.dask`` holds each worker's whole share of the training rows in memory, so a table larger
than the workers' memory trains on a stratified random sample whose size the workers' memory bounds:
every partition keeps the same share of each class (exact counts, seeded by the seed and the
partition's index), so the sample has the table's class balance.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import dask
import dask.dataframe as dd
import lightgbm as lgb
import numpy as np
import pandas as pd

from synth.assess.evaluate import (
    RECIPE,
    Evaluation,
    RunScores,
    check_features,
    check_holdout_kinds,
    check_holdout_outcome,
    check_model,
    left_out_note,
    model_frame,
    split_seeds,
    text_where_numbers,
    too_few_note,
)
from synth.distributed.profile import TableProfile, profile_table
from synth.distributed.rebalance import allocate, partition_seed
from synth.errors import EvaluationError, ParameterError, UnknownColumn
from synth.lightgbm_calls import lightgbm_predict
from synth.progress import Progress, silent
from synth.rebalancing.plan import match_value

# LightGBM's default number of boosting rounds, which the in-memory recipe's early stopping cuts short.
ROUNDS = 100
PATIENCE = 5
LABEL = "__label__"
# The training rows may take this share of the smallest worker's memory limit, on every worker.
TRAINING_MEMORY_SHARE = 0.4
# Worker memory per training cell (a float32 feature or the label) while lightgbm.dask trains: the
# rows gathered on the worker, LightGBM's own copy and bins. Calibrated on the card benchmark: 3M and
# 10M rows of 10 features took 146-192 bytes a row above the idle worker.
BYTES_PER_CELL = 20


def model_partition(
    part: pd.DataFrame, *, features: Sequence[str], categories: dict[str, pd.Index], column: str, positive: str
) -> pd.DataFrame:
    """A partition as the recipe's model frame (categories coded as in the whole training table) plus the label.

    Numbers travel as float32: each worker holds its whole share of the table while LightGBM trains,
    and LightGBM bins values into at most 255 bins anyway.
    """
    frame = model_frame(part[list(features)], categories)
    frame = frame.astype({c: "float32" for c in frame.columns if frame[c].dtype == "float64"})
    frame[LABEL] = (part[column].astype("string") == positive).fillna(False).to_numpy(dtype="int8")
    return frame


def score_partition(part: pd.DataFrame, booster: lgb.Booster, *, rounds: int) -> pd.DataFrame:
    """The positive-class probability of every holdout row of one partition, beside its label."""
    proba = lightgbm_predict(booster, part.drop(columns=LABEL), num_iteration=rounds)
    return pd.DataFrame({"proba": proba.astype(float), "truth": part[LABEL].to_numpy()}, index=part.index)


def sample_model_partition(
    part: pd.DataFrame, *, counts: Sequence[tuple[int, int]], random_state: int, partition_info: dict | None = None
) -> pd.DataFrame:
    """Exactly ``counts[index]`` (positive, other) rows of a model partition, drawn with its own seed."""
    index = (partition_info or {}).get("number", 0)
    positives, others = counts[index] if index < len(counts) else (0, 0)
    keys = np.random.default_rng(partition_seed(random_state, index)).random(len(part))
    label = part[LABEL].to_numpy()
    keep = np.zeros(len(part), dtype=bool)
    for value, wanted in ((1, positives), (0, others)):
        members = np.flatnonzero(label == value)
        keep[members[np.argsort(keys[members], kind="stable")[:wanted]]] = True
    return part[keep]


def training_sample(
    model_train: dd.DataFrame, profile: TableProfile, *, positive: str, rows: int, random_state: int
) -> dd.DataFrame:
    """A stratified sample of exactly ``rows`` training rows (all of them if fewer), spread over partitions by size."""
    if rows >= profile.rows:
        return model_train
    cells = [(p.counts.get(positive, 0), p.rows - p.counts.get(positive, 0)) for p in profile.partitions]
    flat = allocate(rows, [n for pair in cells for n in pair])
    counts = list(zip(flat[0::2], flat[1::2], strict=True))
    return model_train.map_partitions(sample_model_partition, counts=counts, random_state=random_state, meta=model_train._meta)


def training_bound(features: int) -> tuple[int | None, str]:
    """The most training rows the current cluster's workers hold while training (None: no limit), and why."""
    from distributed import get_client

    limits = [w.get("memory_limit") or 0 for w in get_client().scheduler_info()["workers"].values()]
    if not limits or min(limits) == 0:
        return None, "the workers have no memory limit"
    row_bytes = BYTES_PER_CELL * (features + 1)
    rows = int(TRAINING_MEMORY_SHARE * min(limits) / row_bytes) * len(limits)
    return rows, (
        f"{len(limits)} workers x {min(limits) / 2**30:.1f} GiB hold {rows:,} training rows "
        f"({TRAINING_MEMORY_SHARE:.0%} of each at {row_bytes} bytes a row)"
    )


def quiet_lightgbm() -> None:
    """Route LightGBM's messages (port binding, rank connections) to a logger that keeps errors only.

    Workers share the CLI's stdout, where the JSON report goes; the network chatter would garble it.
    """
    logger = logging.getLogger("synth.lightgbm")
    logger.setLevel(logging.ERROR)
    lgb.register_logger(logger)


def early_stopping_round(auc: Sequence[float], patience: int = PATIENCE) -> int:
    """The round (1-based) LightGBM's early stopping keeps: the best AUC before ``patience`` rounds without gain."""
    best = 0
    for i, value in enumerate(auc):
        if value > auc[best]:
            best = i
        elif i - best >= patience:
            break
    return best + 1


def _model_frames(
    train: dd.DataFrame, holdout: dd.DataFrame, profile: TableProfile, column: str, positive: str, exclude: Sequence[str]
) -> tuple[dd.DataFrame, dd.DataFrame]:
    features = check_features(list(train.columns), list(holdout.columns), column=column, exclude=exclude)
    text = [
        c
        for c in features
        if isinstance(train.dtypes[c], pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(train.dtypes[c])
    ]
    categories = {c: pd.Index(profile.categories(c), dtype=object) for c in text}
    if any(not pd.api.types.is_numeric_dtype(holdout.dtypes[c]) for c in features if c not in categories):
        # a holdout column stored as text where training holds numbers: find a value that is not a number, if any
        meta = text_where_numbers(holdout._meta, [], {})
        check_holdout_kinds(holdout.map_partitions(text_where_numbers, features, categories, meta=meta).compute())
    options = {"features": features, "categories": categories, "column": column, "positive": positive}
    meta = model_partition(train._meta, **options)
    return (
        train.map_partitions(model_partition, **options, meta=meta),
        holdout.map_partitions(model_partition, **options, meta=meta),
    )


def _score_seed(model_train: dd.DataFrame, model_holdout: dd.DataFrame, random_state: int) -> tuple[RunScores, np.ndarray]:
    """Train on the cluster with one split seed, score the holdout partition by partition."""
    from distributed import get_client
    from lightgbm.dask import DaskLGBMClassifier

    quiet_lightgbm()
    get_client().run(quiet_lightgbm)
    fit, valid = model_train.random_split([0.8, 0.2], random_state=random_state)
    model = DaskLGBMClassifier(n_estimators=ROUNDS, random_state=random_state, deterministic=True, **RECIPE)
    model.fit(
        fit.drop(columns=LABEL),
        fit[LABEL],
        eval_X=(valid.drop(columns=LABEL),),
        eval_y=(valid[LABEL],),
        eval_metric="auc",
    )
    auc = model.evals_result_.get("valid_0", {}).get("auc", [])
    rounds = early_stopping_round(auc) if auc else ROUNDS
    booster = model.booster_
    meta = pd.DataFrame({"proba": pd.Series(dtype=float), "truth": pd.Series(dtype="int8")})
    scores = model_holdout.map_partitions(score_partition, dask.delayed(booster), rounds=rounds, meta=meta).compute()
    truth, proba = scores["truth"].to_numpy(dtype=int), scores["proba"].to_numpy()
    return RunScores.of(random_state, truth, proba), truth


def check_cluster_model(model: str) -> None:
    """On a cluster models train with ``lightgbm.dask``; refuse any other classifier by name."""
    check_model(model)
    if model != "lightgbm":
        raise ParameterError("model", f"On a cluster models train with lightgbm.dask; choose 'lightgbm', not {model!r}.")


def evaluate_frame(
    train: dd.DataFrame,
    holdout: dd.DataFrame | pd.DataFrame,
    *,
    column: str,
    positive: str,
    n_repeats: int = 3,
    random_state: int = 0,
    name: str = "",
    profiles: tuple[TableProfile, TableProfile] | None = None,
    exclude: Sequence[str] | None = None,
    max_rows: int | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Score a Dask training table on a Dask (or pandas) holdout in ``n_repeats`` runs on the current cluster
    (run k with split seed ``random_state + k``, as ``synth.assess.evaluate.evaluate``).

    ``profiles`` (of the training table and the holdout, from ``profile_table``) spare a pass when known.
    Training uses at most ``max_rows`` rows (default: what the workers' memory holds, ``training_bound``),
    a stratified sample drawn anew for each seed.
    """
    progress = progress or silent
    if isinstance(holdout, pd.DataFrame):
        holdout = dd.from_pandas(holdout, npartitions=1)
    seed_list = split_seeds(n_repeats, random_state)
    if column not in holdout.columns:
        raise UnknownColumn("column", column, holdout.columns, where="the holdout")
    if profiles is None:
        progress(0.0, f"Profiling the training table ({train.npartitions} partitions) and the holdout")
        profiles = (
            profile_table(train, _names(train, "partition"), column),
            profile_table(holdout, _names(holdout, "holdout partition"), column),
        )
    profile, holdout_profile = profiles
    counts = profile.counts()
    profile.check_has(positive)
    positive = match_value(positive, counts)
    check_holdout_outcome(column, counts, holdout_profile.counts())
    unlabelled = holdout_profile.rows - sum(holdout_profile.counts().values())
    if unlabelled:  # rows with no outcome have nothing to be scored against: left out, and said so
        holdout = holdout[holdout[column].notnull()]
    if len(holdout_profile.counts()) < 2 or positive not in holdout_profile.counts():
        raise EvaluationError(f"The holdout has only one class of {column!r}; AUC needs both {positive!r} and other rows.")
    exclude = profile.schema.unmodelled() if exclude is None else list(exclude)
    model_train, model_holdout = _model_frames(train, holdout, profile, column, positive, exclude)
    label = name or "training table"
    if max_rows is None:
        bound, why = training_bound(len(model_train.columns) - 1)
    else:
        bound, why = max_rows, f"at most {max_rows:,} rows asked"
    rows = profile.rows if bound is None else min(bound, profile.rows)
    kind = f"a stratified sample of {rows:,} of {profile.rows:,}" if rows < profile.rows else f"all {rows:,}"
    progress(0.1, f"{label}: training on {kind} rows: {why}")
    runs = []
    for i, seed in enumerate(seed_list):
        progress(0.1 + 0.9 * i / len(seed_list), f"{label}: training LightGBM on {rows:,} rows on the cluster, seed {seed}")
        sample = training_sample(model_train, profile, positive=positive, rows=rows, random_state=seed)
        run, truth = _score_seed(sample, model_holdout, seed)
        runs.append(run)
    few = too_few_note(counts[positive], profile.rows - counts[positive], positive)
    notes = tuple(n for n in [few, left_out_note(unlabelled, column)] if n)
    progress(1.0, f"{label}: scored")
    return Evaluation(name=name, runs=tuple(runs), truth=truth, notes=notes)


def _names(frame: dd.DataFrame, prefix: str) -> list[str]:
    return [f"{prefix} {i}" for i in range(frame.npartitions)]
