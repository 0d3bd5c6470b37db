"""The usual fixes the imputation benchmark compares against: mean/mode, a random hot deck, scikit-learn's imputers.

Each takes the table with gaps and the gap columns and returns the filled table; scikit-learn's
imputers see categories as ordinal codes, rounded back to the nearest code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401  (makes IterativeImputer importable)
from sklearn.impute import IterativeImputer, KNNImputer


def mean_mode(gapped: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = gapped.copy()
    for name in columns:
        numeric = pd.api.types.is_numeric_dtype(gapped[name])
        out[name] = gapped[name].fillna(gapped[name].mean() if numeric else gapped[name].mode().iloc[0])
    return out


def hot_deck(gapped: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    out = gapped.copy()
    for name in columns:
        gap = gapped[name].isna().to_numpy()
        observed = gapped[name].dropna().to_numpy()
        column = out[name].copy()
        column.iloc[np.flatnonzero(gap)] = rng.choice(observed, size=int(gap.sum()))
        out[name] = column
    return out


def _coded(gapped: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Numbers as they are, categories as ordinal codes (NaN kept), for scikit-learn's imputers."""
    blocks, books = [], {}
    for name in gapped.columns:
        column = gapped[name]
        if pd.api.types.is_numeric_dtype(column):
            blocks.append(column.to_numpy(dtype=float))
        else:
            codes, book = pd.factorize(column)
            books[name] = np.asarray(book)
            blocks.append(np.where(codes < 0, np.nan, codes).astype(float))
    return np.column_stack(blocks), books


def _decoded(gapped: pd.DataFrame, columns: list[str], matrix: np.ndarray, books: dict[str, np.ndarray]) -> pd.DataFrame:
    out = gapped.copy()
    for name in columns:
        values = matrix[:, list(gapped.columns).index(name)]
        gap = gapped[name].isna().to_numpy()
        if name in books:
            values = books[name][np.clip(np.round(values), 0, len(books[name]) - 1).astype(int)]
        column = out[name].copy()
        column.iloc[np.flatnonzero(gap)] = values[gap]
        out[name] = column
    return out


def iterative(gapped: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    matrix, books = _coded(gapped)
    filled = IterativeImputer(random_state=0, max_iter=10).fit_transform(matrix)
    return _decoded(gapped, columns, filled, books)


def knn(gapped: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    matrix, books = _coded(gapped)
    scale = np.nanstd(matrix, axis=0)
    scale[scale == 0] = 1.0
    filled = KNNImputer(n_neighbors=5).fit_transform(matrix / scale) * scale
    return _decoded(gapped, columns, filled, books)
