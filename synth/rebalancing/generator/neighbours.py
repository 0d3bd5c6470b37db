"""Make new rows by blending a row with one of its nearest neighbours.

Numbers are interpolated, every other value is taken from one of the two rows, so each generated
record keeps the local structure of real records (married men's ages, the education that goes
with an occupation) without being a copy of either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.encoding import neighbour_distances
from synth.table import as_numbers, restore_dtype


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
