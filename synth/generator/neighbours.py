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
