"""Nearest-row distances (privacy measures) and interpolated numbers back in their column's form (SMOTE)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from synth.encoding import as_numbers


def neighbour_distances(points: np.ndarray, queries: np.ndarray, exclude_self: bool = False) -> np.ndarray:
    """Distance from each query to its nearest point (the second nearest when queries are points)."""
    k = 2 if exclude_self else 1
    distances, _ = NearestNeighbors(n_neighbors=min(k, len(points)), algorithm="brute").fit(points).kneighbors(queries)
    return distances[:, -1]


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
