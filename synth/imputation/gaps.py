"""Where a table's gaps are and what its columns hold once the gaps are set aside.

Readers turn empty cells, ``NA`` or ``null`` into missing values; a ``?`` (UCI Adult) or a
``null`` inside a Parquet text column stays text. Imputation reads all of these as gaps, and a
column of numbers (or ISO dates) written as text because of such tokens is modelled as what it
holds. The table itself is never changed here: the view only guides the model, and filled cells
take a real cell of the original column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth.data.text import recover_values

# Text that means "no value" (compared after stripping spaces, case-insensitively). Words that are
# also real categories ("none": no other debtors; "na": North America) are not among them.
MISSING_TOKENS = frozenset({"", "?", "n/a", "nan", "null"})
# Spelled exactly so, these mean "no value" too: every spelling pandas' CSV reader reads as missing
# (pandas' STR_NA_VALUES; a test holds both equal), so a Parquet text column or a table read
# another way has the same gaps as a CSV file. docs/guide.md lists them once.
EXACT_TOKENS = frozenset(
    {"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL"}
    | {"NaN", "None", "n/a", "nan", "null", ""}
)
# Gap spellings that are also real categories (Namibia's country code, "None" of a choice): a filled
# column of categories that held them is named in a note, and ``keep_tokens`` keeps them as data.
DATA_LIKE_TOKENS = frozenset({"NA", "None"})
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


def _token_mask(column: pd.Series, keep: frozenset[str] = frozenset()) -> np.ndarray:
    """Text cells that spell a missing value (unless spelled as one of ``keep``)."""
    if not _is_text(column):
        return np.zeros(len(column), dtype=bool)
    stripped = column.astype("string").str.strip()
    spelled = (stripped.str.lower().isin(MISSING_TOKENS) | stripped.isin(EXACT_TOKENS)) & ~stripped.isin(keep)
    return spelled.fillna(False).to_numpy(dtype=bool)


def restore_tokens(table: pd.DataFrame, cells: pd.DataFrame, keep: frozenset[str]) -> pd.DataFrame:
    """``table`` with the cells the reader made missing but whose text (in ``cells``, the file's own) is one of ``keep``."""
    if not keep or cells.shape != table.shape or list(cells.columns) != [str(c) for c in table.columns]:
        return table
    out = table.copy()
    for name in table.columns:
        kept = table[name].isna().to_numpy() & cells[str(name)].str.strip().isin(keep).to_numpy()
        if kept.any():
            out[name] = table[name].astype(object).where(~kept, cells[str(name)].str.strip())
    return out


def token_notes(tokens: dict[str, dict[str, int]], categorical: set[str], keep_hint: Callable[[str], str]) -> list[str]:
    """A note per column of categories whose filled gaps were spelled like data ('NA': Namibia)."""
    return [
        f"column {name!r}: {count:,} cells written {token!r} were filled as gaps; if {token!r} is a value there "
        f"(as Namibia's country code is), keep it as data with {keep_hint(token)}."
        for name, spelled in tokens.items()
        if name in categorical
        for token, count in spelled.items()
        if token.strip() in DATA_LIKE_TOKENS
    ]


def _as_numbers_if_all(column: pd.Series) -> pd.Series:
    """A text column whose every value is a number, as numbers; otherwise unchanged."""
    if not _is_text(column) or column.notna().sum() == 0:
        return column
    distinct = pd.Series(column.dropna().unique()).astype("string").str.strip()
    if pd.to_numeric(distinct, errors="coerce").isna().any():  # checked on distinct values: cheap for categories
        return column
    return pd.to_numeric(column.astype("string").str.strip(), errors="coerce").astype(float)


def find_gaps(table: pd.DataFrame, keep: frozenset[str] = frozenset()) -> Gaps:
    """Gaps of every column; text columns of numbers or dates read as such once gap tokens are gone.

    ``keep``: gap spellings that are data in this table (a country code 'NA').
    """
    view = table.copy()
    tokens: dict[str, dict[str, int]] = {}
    cleared = []
    for name in table.columns:
        column = table[name]
        written = _token_mask(column, keep)
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
