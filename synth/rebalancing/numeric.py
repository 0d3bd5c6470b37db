"""Rows for the rare ranges of a numeric target, by three methods whose every row lies in its range.

- ``naive`` repeats real rows of the range.
- ``smote`` is SMOTE for regression (the SMOTER idea of Torgo et al. 2013): a new row lies between a
  real row of the range and one of its nearest neighbours in the same range, numbers (the target
  too) interpolated at one random point between them, each category the most common among the row
  and its neighbours. Two values of a range enclose every number between them, so the target stays in.
- ``synthetic`` is our generator conditioned on the range, treated as the class: it generates the
  other columns, then each row's target is drawn from the real rows of that range that a tree over
  the other columns puts in the same leaf, so the value fits the rest of the row and lies in the range.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors
from sklearn.tree import DecisionTreeRegressor

from synth.constraints import AT_LEAST_ONE, RANDOM_STATE, check_params
from synth.encoding import feature_kinds, median_filled
from synth.errors import MethodRefused, ParameterError, PlanError, UnknownColumn
from synth.generator.model import CATEGORY_LEAF, NUMBER_LEAF, SyntheticGenerator
from synth.generator.trees import tree_inputs
from synth.progress import Progress, silent
from synth.rebalancing.plan import Mode
from synth.rebalancing.ranges import RangePlan
from synth.rebalancing.samplers.synthetic import LEAF_CONSTRAINTS
from synth.schema import ColumnInfo, ColumnKind, Schema
from synth.table import as_labels, as_numbers, conform, restore_dtype

# The column that holds each row's range label while the generator is conditioned on it.
RANGE = "\x00range"
# A range with at least this many rows is generated from its own rows only: a numeric target follows its features
# closely, so rows borrowed from other ranges (as a rare class borrows) would teach a model wrong values.
STRICT_MIN_ROWS = 2
# The target is drawn among at least this many real rows of its range that agree on the other columns: few,
# because a numeric target follows its features closely (on a claims look-alike, leaves of 25 made the rare-range
# RMSE 22% worse than no resampling; 3, with generator leaves of 5 and 10, tied it).
TARGET_LEAF = 3
# Each method's label and its own parameters (declared constraints and defaults).
NUMERIC_METHODS: dict[str, str] = {"naive": "Naive oversampling", "smote": "SMOTE for regression", "synthetic": "Synthetic"}
NUMERIC_PARAMETERS: dict[str, dict[str, list]] = {
    "naive": {},
    "smote": {"k_neighbors": AT_LEAST_ONE},
    "synthetic": dict(LEAF_CONSTRAINTS),
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "naive": {},
    "smote": {"k_neighbors": 5},
    "synthetic": {"category_leaf": CATEGORY_LEAF, "number_leaf": NUMBER_LEAF},
}


def check_numeric_target(table: pd.DataFrame, schema: Schema, column: str) -> None:
    """The column must exist and hold numbers."""
    if column not in table.columns:
        raise UnknownColumn("column", column, table.columns)
    kind = schema.kind(column)
    if kind is not ColumnKind.NUMERIC:
        raise PlanError(f"Column {column!r} is {kind}; ranges apply to a numeric column only.")


def method_params(method: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The method's parameters, defaults filled in, checked against its declared constraints."""
    if method not in NUMERIC_METHODS:
        raise ParameterError(
            "method", f"Unknown method {method!r} for a numeric target; choose one of {', '.join(NUMERIC_METHODS)}."
        )
    given = dict(params or {})
    for name in given:
        if name not in NUMERIC_PARAMETERS[method]:
            known = ", ".join(NUMERIC_PARAMETERS[method]) or "none"
            raise ParameterError(name, f"{NUMERIC_METHODS[method]} has no parameter {name!r}; it takes {known}.")
    values = {**DEFAULTS[method], **given}
    check_params(f"{method} (numeric target)", NUMERIC_PARAMETERS[method], values)
    return values


def generate_in_ranges(
    table: pd.DataFrame,
    plan: RangePlan,
    *,
    method: str,
    schema: Schema,
    random_state: int = 0,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """``plan.additions[label]`` new rows per range, each with its target inside that range, in the table's dtypes."""
    progress = progress or silent
    values = method_params(method, params)
    check_params(NUMERIC_METHODS[method], {"random_state": RANDOM_STATE}, {"random_state": random_state})
    column = plan.column
    check_numeric_target(table, schema, column)
    if plan.plan.mode is Mode.FULL and method != "synthetic":
        raise MethodRefused(
            method, f"{NUMERIC_METHODS[method]} can only add rows to the real ones; a fully synthetic table needs a generator."
        )
    if not schema.features(column):
        raise MethodRefused(method, "No usable feature columns: every other column is ID-like or constant.")
    counts = {label: n for label, n in plan.additions.items() if n > 0}
    if not counts:
        return table.iloc[:0].copy()
    labels = plan.labels(table[column])
    rng = np.random.default_rng(random_state)
    if method == "naive":
        picks = [rng.choice(np.flatnonzero(labels == label), size=n) for label, n in counts.items()]
        rows = table.iloc[np.concatenate(picks)]
    elif method == "smote":
        rows = _smote_rows(table, schema, column, labels, counts, rng, values["k_neighbors"])
    else:
        rows = _synthetic_rows(table, schema, column, labels, counts, random_state, values, progress)
    progress(1.0, f"{len(rows):,} rows made")
    return conform(rows, table, schema)


def _scaled_points(table: pd.DataFrame, categorical: list[str], numbers: np.ndarray) -> np.ndarray:
    """Rows as points for neighbour search: z-scored numbers (gaps at the median), one-hot categories
    weighted so that a differing category counts as one standard deviation."""
    filled = np.column_stack([median_filled(numbers[:, j]) for j in range(numbers.shape[1])])
    spread = filled.std(axis=0)
    blocks = [(filled - filled.mean(axis=0)) / np.where(spread > 0, spread, 1.0)]
    for name in categorical:
        _, codes = np.unique(as_labels(table[name]), return_inverse=True)
        blocks.append(np.eye(codes.max() + 1)[codes] * np.sqrt(0.5))
    return np.hstack(blocks)


def _neighbours(points: np.ndarray, k: int) -> np.ndarray:
    """Each point's ``k`` nearest other points (positions); with duplicates, self may be missed, then the farthest goes."""
    near = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points, return_distance=False)
    keep = near != np.arange(len(points))[:, None]
    keep[keep.sum(axis=1) > k, -1] = False
    return near[keep].reshape(len(points), k)


def _vote(candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per row of ``candidates`` (category codes), the position of its most common code; ties at random."""
    votes = (candidates[:, :, None] == candidates[:, None, :]).sum(axis=2) + rng.random(candidates.shape) * 0.5
    return votes.argmax(axis=1)


def _smote_rows(
    table: pd.DataFrame,
    schema: Schema,
    column: str,
    labels: np.ndarray,
    counts: Mapping[str, int],
    rng: np.random.Generator,
    k_neighbors: int,
) -> pd.DataFrame:
    categorical, numeric = feature_kinds(schema, exclude=column)
    numeric = [*numeric, column]
    numbers = np.column_stack([as_numbers(table[name]) for name in numeric])
    points = _scaled_points(table, categorical, numbers)
    codes = {name: np.unique(as_labels(table[name]), return_inverse=True)[1] for name in categorical}
    parts = []
    for label, n in counts.items():
        own = np.flatnonzero(labels == label)
        if len(own) < 2:
            raise MethodRefused(
                "smote", f"SMOTE for regression needs at least 2 rows in {label} to interpolate between; it has {len(own)}."
            )
        k = min(k_neighbors, len(own) - 1)
        near = _neighbours(points[own], k)
        base = rng.integers(len(own), size=n)
        pick = near[base, rng.integers(k, size=n)]
        start, end = numbers[own[base]], numbers[own[pick]]
        mixed = start + rng.random((n, 1)) * (end - start)
        mixed = np.where(np.isnan(start), end, np.where(np.isnan(end), start, mixed))
        rows = table.iloc[own[base]].reset_index(drop=True)
        for j, name in enumerate(numeric):
            rows[name] = restore_dtype(mixed[:, j], table[name]).to_numpy()
        group = own[np.column_stack([base, near[base]])]  # the row and its neighbours
        for name in categorical:
            winner = _vote(codes[name][group], rng)
            rows[name] = table[name].iloc[group[np.arange(n), winner]].to_numpy()
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def _range_schema(schema: Schema, column: str) -> Schema:
    """The schema without the target, with the range label as the categorical column to condition on."""
    kept = tuple(c for c in schema.columns if c.name != column)
    return Schema((*kept, ColumnInfo(RANGE, ColumnKind.CATEGORICAL, "the range of the numeric target")))


def _synthetic_rows(
    table: pd.DataFrame,
    schema: Schema,
    column: str,
    labels: np.ndarray,
    counts: Mapping[str, int],
    random_state: int,
    params: Mapping[str, Any],
    progress: Progress,
) -> pd.DataFrame:
    known = np.flatnonzero(labels != None)  # noqa: E711 (elementwise)
    donors = table.iloc[known].reset_index(drop=True)
    work = donors.drop(columns=column).assign(**{RANGE: labels[known]})
    generator = SyntheticGenerator(
        category_leaf=params["category_leaf"],
        number_leaf=params["number_leaf"],
        strict_min_rows=STRICT_MIN_ROWS,
        random_state=random_state,
    )
    generator.fit(work, _range_schema(schema, column), RANGE, progress)
    rows = generator.sample(counts, progress)
    features = schema.features(column)
    categorical = [name for name in features if schema.kind(name) is ColumnKind.CATEGORICAL]
    both = tree_inputs(pd.concat([donors[features], rows[features]], ignore_index=True), categorical, features)
    donor_inputs, row_inputs = both[: len(donors)], both[len(donors) :]
    target = np.empty(len(rows), dtype=np.int64)
    rng = np.random.default_rng(random_state)
    for label in counts:
        mine = np.flatnonzero(rows[RANGE].to_numpy() == label)
        own = np.flatnonzero(labels[known] == label)
        target[mine] = own[_same_leaf(donor_inputs[own], as_numbers(donors[column])[own], row_inputs[mine], params, rng)]
    rows[column] = donors[column].iloc[target].to_numpy()
    return rows.drop(columns=RANGE)


def _same_leaf(
    inputs: np.ndarray, target: np.ndarray, queries: np.ndarray, params: Mapping[str, Any], rng: np.random.Generator
) -> np.ndarray:
    """For each query row, a random real row (position into ``inputs``) in its leaf of a tree predicting the target."""
    leaf_rows = max(1, min(TARGET_LEAF, len(inputs) // 10))
    tree = DecisionTreeRegressor(min_samples_leaf=leaf_rows, random_state=int(rng.integers(2**31 - 1)))
    tree.fit(inputs, target)
    donor_leaves = tree.apply(inputs)
    order = np.argsort(donor_leaves, kind="stable")
    sorted_leaves = donor_leaves[order]
    found = tree.apply(queries)
    start = np.searchsorted(sorted_leaves, found, side="left")
    end = np.searchsorted(sorted_leaves, found, side="right")
    return order[start + (rng.random(len(queries)) * (end - start)).astype(np.int64)]
