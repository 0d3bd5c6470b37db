"""Make new rows by blending a row with one of its nearest neighbours.

Numbers are interpolated, every other value is taken from one of the two rows, so each generated
record keeps the local structure of real records (married men's ages, the education that goes
with an occupation) without being a copy of either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from synth.encoding import as_numbers


def neighbour_table(points: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Indices (into ``points``) of the k nearest points of each query, itself excluded."""
    k = min(k + 1, len(points))
    finder = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(points)
    _, found = finder.kneighbors(queries)
    return found[:, 1:] if found.shape[1] > 1 else found


def neighbour_distances(points: np.ndarray, queries: np.ndarray, exclude_self: bool = False) -> np.ndarray:
    """Distance from each query to its nearest point (the second nearest when queries are points)."""
    k = 2 if exclude_self else 1
    distances, _ = NearestNeighbors(n_neighbors=min(k, len(points)), algorithm="brute").fit(points).kneighbors(queries)
    return distances[:, -1]


def within_distance(points: np.ndarray, queries: np.ndarray, limit: float, category_width: int) -> np.ndarray:
    """Whether each query lies closer than ``limit`` to some point; exact, and fast for small limits.

    The first ``category_width`` coordinates are one-hot categories scaled by 1/sqrt(2), so two rows
    that differ in any category are at least sqrt(0.5) apart. Below that only rows with the very same
    categories can be close, and comparing within those groups avoids a search over every row.
    """
    if limit * limit >= 0.5 or category_width == 0:
        return neighbour_distances(points, queries) < limit
    # One number per category pattern: a random projection of the one-hot block (distinct patterns
    # collide with probability ~0), far cheaper than comparing rows of 100+ columns.
    projection = np.random.default_rng(0).random(category_width)
    keys = np.concatenate([points[:, :category_width] @ projection, queries[:, :category_width] @ projection])
    _, group = np.unique(keys, return_inverse=True)
    point_group, query_group = group[: len(points)], group[len(points) :]
    point_order, query_order = np.argsort(point_group, kind="stable"), np.argsort(query_group, kind="stable")
    bounds = np.arange(group.max() + 2)
    point_starts = np.searchsorted(point_group[point_order], bounds)
    query_starts = np.searchsorted(query_group[query_order], bounds)
    numbers_p, numbers_q = points[:, category_width:], queries[:, category_width:]
    close = np.zeros(len(queries), dtype=bool)
    for g in np.unique(query_group):
        members = point_order[point_starts[g] : point_starts[g + 1]]
        asked = query_order[query_starts[g] : query_starts[g + 1]]
        if len(members) == 0:
            continue
        if numbers_p.shape[1] == 0:
            close[asked] = True  # the same categories and nothing else: a copy
            continue
        if len(members) * len(asked) > 1_000_000:
            close[asked] = neighbour_distances(numbers_p[members], numbers_q[asked]) < limit
            continue
        gaps = numbers_q[asked][:, None, :] - numbers_p[members][None, :, :]
        close[asked] = (gaps * gaps).sum(axis=2).min(axis=1) < limit * limit
    return close


def blend_rows(
    table: pd.DataFrame,
    anchors: np.ndarray,
    partners: np.ndarray,
    categorical: list[str],
    numeric: list[str],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """New rows between ``table.iloc[anchors]`` and ``table.iloc[partners]``, dtypes kept.

    Columns that are neither categorical nor numeric (IDs, constants) are copied from the anchor;
    the caller replaces what must not repeat.
    """
    out = table.iloc[anchors].reset_index(drop=True)
    other = table.iloc[partners].reset_index(drop=True)
    step = rng.random(len(anchors))
    for name in categorical:
        take_other = rng.random(len(anchors)) < 0.5
        out[name] = out[name].where(~take_other, other[name])
    for name in numeric:
        a = as_numbers(out[name])
        b = as_numbers(other[name])
        mixed = a + step * (b - a)
        either = np.where(step < 0.5, a, b)
        values = np.where(np.isnan(a) | np.isnan(b), either, mixed)
        out[name] = restore_dtype(values, table[name])
    return out


def restore_dtype(values: np.ndarray, like: pd.Series) -> pd.Series:
    """Floats back in the original column's dtype: whole numbers stay whole, dates stay dates."""
    known = as_numbers(like)
    if pd.api.types.is_datetime64_any_dtype(like):
        finite = known[np.isfinite(known)]
        unit = 1.0 if len(finite) and np.all(np.mod(finite, 1) == 0) else 1 / 86_400  # whole days, else seconds
        days = np.round(values / unit) * unit
        return pd.Series(pd.to_datetime(np.round(days * 86_400e9), unit="ns")).astype(like.dtype)
    if np.isfinite(known).any():
        values = np.clip(values, np.nanmin(known), np.nanmax(known))
    if pd.api.types.is_integer_dtype(like):
        rounded = np.round(values)
        if np.isnan(rounded).any():
            return pd.Series(rounded).astype("Int64")
        return pd.Series(rounded).astype(like.dtype)
    if pd.api.types.is_bool_dtype(like):
        return pd.Series(values >= 0.5)
    finite = known[np.isfinite(known)]
    if len(finite) and np.all(np.mod(finite, 1) == 0):
        values = np.round(values)
    return pd.Series(values).astype(like.dtype if pd.api.types.is_float_dtype(like) else float)
