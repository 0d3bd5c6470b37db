"""Turn the bytes of a text table into text, and its text columns into the values they hold.

Files arrive in UTF-8, UTF-16/32 (with or without a byte-order mark), or a legacy encoding;
numbers may use decimal commas (``1.234,56``); dates arrive as ISO text. Each column is either
recovered exactly (every value, no guessing) or left as the text it was.
"""

from __future__ import annotations

import codecs
import re

import pandas as pd
from charset_normalizer import from_bytes

from synth.errors import TableReadError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
# ISO dates and date-times. Output writes them as pandas does (2024-01-05, or 2024-01-05 10:30:00):
# the same values, though a 'T' separator or missing seconds are written in that one form.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where the zero bytes fall."""
    sample = raw[:4000]
    if len(sample) < 8:
        return None
    zero_at = [sum(1 for b in sample[i::4] if b == 0) / len(sample[i::4]) for i in range(4)]
    if zero_at[1] > 0.9 and zero_at[2] > 0.9 and zero_at[3] > 0.9:
        return "utf-32-le"
    if zero_at[0] > 0.9 and zero_at[1] > 0.9 and zero_at[2] > 0.9:
        return "utf-32-be"
    if zero_at[1] > 0.8 and zero_at[3] > 0.8:
        return "utf-16-le"
    if zero_at[0] > 0.8 and zero_at[2] > 0.8:
        return "utf-16-be"
    return None


def decode(raw: bytes) -> str:
    """Text of a table file in whatever encoding it came; binary data is refused."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return _strict(raw[len(bom) :], encoding)
    if b"\x00" in raw[:10_000]:
        wide = _wide_encoding(raw)
        if wide is None:
            raise TableReadError("This file is not a text table (it contains binary data). Use a CSV or Parquet file.")
        return _strict(raw, wide)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        guess = from_bytes(raw[:200_000]).best()
        text = _strict(raw, guess.encoding) if guess is not None else raw.decode("latin-1")
    if sum(not c.isprintable() and c not in "\r\n\t" for c in text[:10_000]) > 0.05 * min(len(text), 10_000):
        raise TableReadError("This file is not a text table (it holds unprintable bytes). Use a CSV or Parquet file.")
    return text


def _strict(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise TableReadError(
            f"The file looks like {encoding} text but does not decode as it. Save it as UTF-8 and try again."
        ) from None


def looks_like_json(text: str) -> bool:
    """A JSON document rather than a table (it starts with an object or an array)."""
    return text.lstrip()[:1] in ("{", "[")


def every_value_matches(values: pd.Series, pattern: re.Pattern[str]) -> bool:
    """True only if each value matches; a non-match must count (``map(match)`` gives None, which ``all`` skips)."""
    return all(pattern.match(value) is not None for value in values)


def _decimal_comma_numbers(column: pd.Series) -> pd.Series | None:
    """``1.234,56`` style numbers as floats, when every value of the column is written that way."""
    values = column.dropna().astype(str).str.strip()
    if len(values) == 0 or not values.str.contains(",", regex=False).any() or not every_value_matches(values, DECIMAL_COMMA):
        return None
    text = column.astype("string").str.strip().str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="raise").astype(float)


def _iso_dates(column: pd.Series) -> pd.Series | None:
    """ISO dates as datetimes, when every value is one (written back exactly as read)."""
    values = column.dropna().astype(str)
    if len(values) == 0 or not every_value_matches(values, ISO_DATE):
        return None
    parsed = pd.to_datetime(column, errors="coerce", format="ISO8601")
    return parsed if parsed.notna().sum() == len(values) else None


def recover_values(table: pd.DataFrame, delimiter: str) -> pd.DataFrame:
    """Text columns that hold dates, or decimal-comma numbers (not in comma-separated files), as such."""
    for name in table.columns:
        column = table[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        dates = _iso_dates(column)
        if dates is not None:
            table[name] = dates
            continue
        numbers = _decimal_comma_numbers(column) if delimiter != "," else None
        if numbers is not None:
            table[name] = numbers
    return table
