"""Every cell of a CSV file as the text written there, so a fill can write the file back unchanged.

Readers turn ``00224`` into 224 and ``1.10`` into 1.1; these cells keep the text, with its
leading spaces, and the file's delimiter and line ending, so only filled cells differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from synth.data.io import GZIP_MAGIC, PARQUET_MAGIC, gunzip, read_csv_text, text_and_delimiter
from synth.errors import TableReadError

# A space before a quote: without skipping initial spaces the quote is read as text, not as quoting.
SPACED_QUOTE = r'^\s+"'


@dataclass(frozen=True)
class CsvCells:
    """A CSV file's cells as text (empty cells as ``""``), and how the file separates them."""

    cells: pd.DataFrame = field(repr=False)
    delimiter: str
    line_end: str

    def text(self, table: pd.DataFrame) -> str:
        """``table`` (these cells, some replaced) as CSV in the file's own dialect."""
        return table.to_csv(index=False, sep=self.delimiter, lineterminator=self.line_end)


def _line_end(text: str) -> str:
    return "\r\n" if "\r\n" in text[:1_000_000] else "\n"


def _read(text: str, delimiter: str, skip_spaces: bool) -> pd.DataFrame:
    cells = read_csv_text(text, delimiter, skipinitialspace=skip_spaces, dtype=str, keep_default_na=False, na_values=[""]).fillna(
        ""
    )
    cells.columns = [str(c).strip() for c in cells.columns]
    return cells


def _exact(text: str, delimiter: str) -> pd.DataFrame:
    """Cells with their leading spaces, unless a space before a quote makes them ambiguous."""
    try:
        cells = _read(text, delimiter, skip_spaces=False)
    except (TableReadError, ValueError):
        return _read(text, delimiter, skip_spaces=True)
    spaced_quote = any(cells[c].str.contains(SPACED_QUOTE, regex=True).any() for c in cells.columns)
    return _read(text, delimiter, skip_spaces=True) if spaced_quote else cells


def parse_cells(raw: bytes, name: str = "") -> CsvCells | None:
    """The text cells of a CSV file's bytes (None for Parquet, whose values are typed already)."""
    if raw[:2] == GZIP_MAGIC:
        raw, name = gunzip(raw), name.removesuffix(".gz")
    if name.lower().endswith((".parquet", ".pq")) or raw[:4] == PARQUET_MAGIC:
        return None
    text, delimiter = text_and_delimiter(raw)
    return CsvCells(_exact(text, delimiter), delimiter, _line_end(text))


def read_cells(path: str | Path) -> CsvCells | None:
    """The text cells of a CSV file on disk (None for Parquet)."""
    return parse_cells(Path(path).read_bytes(), Path(path).name)
