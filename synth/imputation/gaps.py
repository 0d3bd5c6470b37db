"""Where a table's gaps are and what its columns hold once the gaps are set aside.

Readers turn empty cells, ``NA`` or ``null`` into missing values; a ``?`` (UCI Adult) or a
``null`` inside a Parquet text column stays text. Imputation reads all of these as gaps, and a
column of numbers (or ISO dates) written as text because of such tokens is modelled as what it
holds. The table itself is never changed here: the view only guides the model, and filled cells
take a real cell of the original column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth.data.text import recover_values

# Text that means "no value" (compared after stripping spaces, case-insensitively). Words that are
# also real categories ("none": no other debtors; "na": North America) are not among them.
MISSING_TOKENS = frozenset({"", "?", "n/a", "nan", "null"})
# Spelled exactly so, these mean "no value" too (as pandas reads them); lower-case they may be data.
EXACT_TOKENS = frozenset({"NA", "None"})
# How a gap the reader already turned into a missing value is named (its raw text is gone).
READ_AS_MISSING = "(empty, NA or null: read as missing)"


@dataclass(frozen=True)
class Gaps:
    """The table as the model sees it, which cells are gaps, and how the gaps were written."""

    view: pd.DataFrame = field(repr=False)
    mask: pd.DataFrame = field(repr=False)
    tokens: dict[str, dict[str, int]]  # column -> {token: cells}


def _is_text(column: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column))


def _token_mask(column: pd.Series) -> np.ndarray:
    """Text cells that spell a missing value."""
    if not _is_text(column):
        return np.zeros(len(column), dtype=bool)
    stripped = column.astype("string").str.strip()
    spelled = stripped.str.lower().isin(MISSING_TOKENS) | stripped.isin(EXACT_TOKENS)
    return spelled.fillna(False).to_numpy(dtype=bool)


def _as_numbers_if_all(column: pd.Series) -> pd.Series:
    """A text column whose every value is a number, as numbers; otherwise unchanged."""
    if not _is_text(column) or column.notna().sum() == 0:
        return column
    distinct = pd.Series(column.dropna().unique()).astype("string").str.strip()
    if pd.to_numeric(distinct, errors="coerce").isna().any():  # checked on distinct values: cheap for categories
        return column
    return pd.to_numeric(column.astype("string").str.strip(), errors="coerce").astype(float)


def find_gaps(table: pd.DataFrame) -> Gaps:
    """Gaps of every column; text columns of numbers or dates read as such once gap tokens are gone."""
    view = table.copy()
    tokens: dict[str, dict[str, int]] = {}
    cleared = []
    for name in table.columns:
        column = table[name]
        written = _token_mask(column)
        counts: dict[str, int] = {}
        if written.any():
            counts = {str(k): int(v) for k, v in column[written].astype("string").str.strip().value_counts().items()}
            view[name] = column.astype(object).where(~written, None)
            cleared.append(name)
        view[name] = _as_numbers_if_all(view[name])
        read = int((column.isna().to_numpy() & ~written).sum())
        if read:
            counts[READ_AS_MISSING] = read
        if counts:
            tokens[str(name)] = counts
    if cleared:  # ISO dates that were text only because of gap tokens (the reader recovered the others)
        view[cleared] = recover_values(view[cleared].copy(), ",")
    return Gaps(view, view.isna(), tokens)
