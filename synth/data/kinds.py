"""Decide what kind each column is, so every method treats it the same way.

Each detector either claims a column or rejects it with a reason the UI can show; the first
detector to claim a column wins. ID-like and constant columns are excluded from modelling (they
carry no learnable signal) but are kept in every output.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from synth.errors import SynthError
from synth.schema import ColumnInfo, ColumnKind, Schema
from synth.wording import shown_value

# Integers with at most this many distinct values are codes (SEX=1/2, PAY_0=-2..8), not amounts.
MAX_INTEGER_CODES = 12
# A text column where (almost) every value is unique names rows rather than describing them.
ID_UNIQUE_RATIO = 0.95
# Text columns with more distinct values than this are free text or keys, not categories.
MAX_CATEGORIES = 500
# Methods give each value of a category a column of its own (one-hot: rows x values, 4-8 bytes each);
# beyond this many cells a single column would take gigabytes before any other work.
MAX_ONE_HOT_CELLS = 100_000_000


class RejectColumn(ValueError):
    """A detector does not claim a column; the message says why."""


def _constant(column: pd.Series) -> str:
    distinct = column.nunique(dropna=True)
    if distinct > 1:
        raise RejectColumn("has more than one value")
    if distinct == 0:
        return "every value is missing"
    return f"every row holds the same value ({shown_value(column.dropna().iloc[0])})"


def _datetime(column: pd.Series) -> str:
    """Dates are datetime columns: readers turn ISO text into dates, so text here is not a date."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return "stored as dates"
    raise RejectColumn("is not stored as dates")


def _id_like(column: pd.Series) -> str:
    values = column.dropna()
    if len(values) < 50:
        raise RejectColumn("too few rows to call it an identifier")
    ratio = values.nunique() / len(values)
    if pd.api.types.is_float_dtype(column):
        raise RejectColumn("is a measurement")
    if pd.api.types.is_integer_dtype(column):
        ordered = values.is_monotonic_increasing or values.is_monotonic_decreasing
        if ratio == 1.0 and ordered:
            return "unique, ordered integers (a row number or key)"
        raise RejectColumn("integers that repeat or are not ordered")
    if ratio >= ID_UNIQUE_RATIO:
        return f"{ratio:.0%} of values are unique (a key or free text)"
    if values.nunique() > MAX_CATEGORIES:
        return f"{values.nunique():,} distinct values, too many to be categories"
    raise RejectColumn("values repeat")


def _numeric(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        raise RejectColumn("is not numeric")
    values = column.dropna()
    whole = bool(np.all(np.mod(values[np.isfinite(values)], 1) == 0)) if len(values) else False
    if whole and values.nunique() <= MAX_INTEGER_CODES:
        raise RejectColumn(f"whole numbers with only {values.nunique()} distinct values (codes)")
    return "numbers"


def _categorical(column: pd.Series) -> str:
    distinct = column.nunique(dropna=True)
    return f"{distinct} distinct values"


DETECTORS: tuple[tuple[ColumnKind, Callable[[pd.Series], str]], ...] = (
    (ColumnKind.CONSTANT, _constant),
    (ColumnKind.DATETIME, _datetime),
    (ColumnKind.ID, _id_like),
    (ColumnKind.NUMERIC, _numeric),
    (ColumnKind.CATEGORICAL, _categorical),
)


def detect_column(column: pd.Series) -> ColumnInfo:
    """Kind of one column: the first detector that claims it."""
    for kind, detector in DETECTORS:
        try:
            return ColumnInfo(str(column.name), kind, detector(column))
        except RejectColumn:
            continue
    raise AssertionError("the categorical detector claims every column")


def detect_schema(table: pd.DataFrame) -> Schema:
    """Detect every column's kind; the user may override any of them afterwards.

    >>> synth.detect_schema(table).names(synth.ColumnKind.CATEGORICAL)  # doctest: +SKIP
    """
    return Schema(tuple(detect_column(table[name]) for name in table.columns))


def check_category_width(table: pd.DataFrame, schema: Schema) -> None:
    """Refuse, before any work, a categorical column whose one-hot encoding would not fit in memory."""
    for name in schema.names(ColumnKind.CATEGORICAL):
        if name not in table.columns:
            continue
        values = int(table[name].nunique(dropna=True))
        if values * len(table) > MAX_ONE_HOT_CELLS:
            raise SynthError(
                f"Column {name!r} has {values:,} distinct values: as a category it becomes {values:,} model columns "
                f"× {len(table):,} rows (about {values * len(table) * 8 / 2**30:,.1f} GB), over the limit of "
                f"{MAX_ONE_HOT_CELLS:,} cells. Mark it ID-like, or group its rare values first."
            )


def check_schema_fits(table: pd.DataFrame, schema: Schema) -> None:
    """Refuse a numeric or datetime override on a column whose values cannot be read as such, or a category too wide."""
    check_category_width(table, schema)
    for info in schema.columns:
        column = table[info.name]
        if info.kind is ColumnKind.NUMERIC and not pd.api.types.is_numeric_dtype(column):
            bad = pd.to_numeric(column, errors="coerce").isna() & column.notna()
            if bad.any():
                raise SynthError(
                    f"Column {info.name!r} cannot be numeric: {shown_value(column[bad].iloc[0])} is not a number. "
                    "Mark it categorical instead."
                )
        if info.kind is ColumnKind.DATETIME and not pd.api.types.is_datetime64_any_dtype(column):
            raise SynthError(
                f"Column {info.name!r} holds text, not dates. Dates are read from ISO text (2024-01-31) when every "
                "value of a column is one; mark it categorical instead."
            )
