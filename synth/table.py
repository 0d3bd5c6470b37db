"""Table primitives every step shares: reading values as numbers or labels, finding rows, and
making generated rows safe to hand out. Nothing here imports another synth module but schema and errors."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from synth.errors import SynthError
from synth.schema import ColumnKind, Schema

# Missing category values become a category of their own under this label (never a real value).
MISSING = "\x00missing"


def is_dask(table: object) -> bool:
    """A Dask collection (checked by type, so pandas-only callers never import dask)."""
    return type(table).__module__.split(".")[0] == "dask"


def as_numbers(column: pd.Series) -> np.ndarray:
    """Numeric or datetime values as floats (datetimes in days); inf and unreadable become NaN."""
    if pd.api.types.is_datetime64_any_dtype(column):
        if getattr(column.dtype, "tz", None) is not None:
            column = column.dt.tz_convert("UTC").dt.tz_localize(None)
        # microseconds reach 0001-01-01 and 9999-12-31, the usual "no date" sentinels, which nanoseconds cannot
        values = column.to_numpy(dtype="datetime64[us]").astype("int64").astype(float) / 86_400e6
        return np.where(column.isna().to_numpy(), np.nan, values)
    values = pd.to_numeric(column, errors="coerce").astype(float).to_numpy()
    return np.where(np.isfinite(values), values, np.nan)


def as_labels(column: pd.Series) -> np.ndarray:
    """Category values as text, with missing values as a category of their own."""
    return column.astype("string").fillna(MISSING).to_numpy(dtype=object)


def value_counts(values: pd.Series) -> dict[str, int]:
    """Rows per value as text, most frequent first; missing values are not a class."""
    counts = values.dropna().astype("string").value_counts()
    return {str(k): int(n) for k, n in counts.items()}


def rarest_value(counts: Mapping[str, int]) -> str:
    """The value with the fewest rows (the first of equals), the default rare class."""
    return min(counts, key=counts.__getitem__)


def rows_of(table: pd.DataFrame, column: str, value: str) -> np.ndarray:
    """Positions of the rows whose ``column`` reads ``value`` as text."""
    return np.flatnonzero((table[column].astype("string") == value).fillna(False).to_numpy())


def rows_of_value(table: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    """The rows whose ``column`` reads ``value`` as text."""
    return table.iloc[rows_of(table, column, value)]


def row_keys(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One hash per row over ``columns``, to spot rows equal to each other across tables.

    Numbers and dates are hashed as numbers (1 and 1.0 are equal, as are missing values), other
    values as text; hashing each column's array directly is ~10x faster than converting to text.
    """
    keys = np.zeros(len(table), dtype=np.uint64)
    for name in columns:
        column = table[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            values = pd.util.hash_array(as_numbers(column))
        elif pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            values = pd.util.hash_array(column.to_numpy(dtype=float, na_value=np.nan))
        else:
            values = pd.util.hash_array(column.astype("string").fillna(MISSING).to_numpy(dtype=object))
        keys = keys * np.uint64(1_000_003) ^ values
    return keys


def restore_dtype(values: np.ndarray, like: pd.Series) -> pd.Series:
    """Floats back in the original column's dtype: whole numbers stay whole, dates stay dates."""
    known = as_numbers(like)
    if pd.api.types.is_datetime64_any_dtype(like):
        finite = known[np.isfinite(known)]
        unit = 1.0 if len(finite) and np.all(np.mod(finite, 1) == 0) else 1 / 86_400  # whole days, else seconds
        micros = np.round(np.round(values / unit) * unit * 86_400e6)
        stamps = np.where(np.isnan(micros), np.iinfo(np.int64).min, micros).astype(np.int64).astype("datetime64[us]")
        restored = pd.Series(stamps)
        zone = getattr(like.dtype, "tz", None)
        if zone is not None:
            return restored.dt.tz_localize("UTC").dt.tz_convert(zone).astype(like.dtype)
        return restored.astype(like.dtype)
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


def fresh_ids(rows: pd.DataFrame, table: pd.DataFrame, schema: Schema, *, offset: int = 0) -> pd.DataFrame:
    """New rows get new identifiers so no generated row claims a real record's ID.

    ``offset`` skips IDs already handed to rows generated elsewhere (another partition's share).
    """
    for name in schema.names(ColumnKind.ID):
        real = table[name]
        steps = offset + np.arange(1, len(rows) + 1)
        if pd.api.types.is_integer_dtype(real):
            rows[name] = pd.Series(_fresh_integers(real, len(rows), offset), index=rows.index).astype(real.dtype)
        elif pd.api.types.is_numeric_dtype(real):
            start = float(np.nanmax(real.to_numpy(dtype=float))) if real.notna().any() else 0.0
            rows[name] = pd.Series(np.floor(start) + steps, index=rows.index).astype(real.dtype)
        elif pd.api.types.is_datetime64_any_dtype(real) or pd.api.types.is_timedelta64_dtype(real):
            rows[name] = pd.Series(real.max() + pd.to_timedelta(steps, unit="s"), index=rows.index).astype(real.dtype)
        else:
            labels = [f"synthetic-{offset + i + 1}" for i in range(len(rows))]
            rows[name] = pd.Series(labels, index=rows.index, dtype=real.dtype)
    return rows


def _fresh_integers(real: pd.Series, n: int, offset: int = 0) -> np.ndarray:
    """``n`` integers no real ID uses: after the largest, or before the smallest when the type ends there."""
    limits = np.iinfo(real.dtype.numpy_dtype if hasattr(real.dtype, "numpy_dtype") else real.dtype)
    high, low = (int(real.max()), int(real.min())) if real.notna().any() else (-1, 0)
    if high + offset + n <= limits.max:
        return np.array([high + 1 + offset + i for i in range(n)], dtype=object)
    if low - offset - n >= limits.min:
        return np.array([low - offset - n + i for i in range(n)], dtype=object)
    raise SynthError(f"Column {real.name!r} has no room for {n:,} new IDs in its integer type.")


def conform(rows: pd.DataFrame, table: pd.DataFrame, schema: Schema, *, offset: int = 0) -> pd.DataFrame:
    """Generated rows shaped like ``table``: its columns in order, its dtypes, fresh IDs."""
    rows = rows[list(table.columns)].astype(table.dtypes.to_dict(), errors="ignore")
    return fresh_ids(rows.reset_index(drop=True), table, schema, offset=offset)


def fingerprint(table: pd.DataFrame) -> str:
    """Content hash of a table, so caches and saved scenarios follow the data, not its file name."""
    hashed = pd.util.hash_pandas_object(table, index=False).to_numpy()
    return f"{len(table)}x{table.shape[1]}:{int(hashed.sum()) & 0xFFFFFFFFFFFF:x}:{','.join(map(str, table.columns))}"
