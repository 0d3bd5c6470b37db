"""Read and write tables the way users hand them over: CSV in any common dialect, or Parquet.

Every failure is a ``TableReadError`` whose message tells the user what to do; nothing here
renames, drops or converts a user's column behind their back.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from synth.errors import TableReadError

DELIMITERS = ",;\t|"
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
# What the uploaders accept (a gzipped CSV arrives as .gz, e.g. census.csv.gz).
# A gzip file may expand to at most this many bytes (a "zip bomb" would otherwise fill memory).
MAX_UNZIPPED = 2 * 2**30
UPLOAD_TYPES = ["csv", "txt", "tsv", "gz", "parquet", "pq"]


def _decode(raw: bytes) -> str:
    """Text of a CSV file: UTF-8 when it is, else the best-guessed legacy encoding (latin-1, ...)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = from_bytes(raw[:200_000]).best()
    encoding = guess.encoding if guess is not None else "latin-1"
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return raw.decode("latin-1")


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.splitlines()[0].count(d) for d in DELIMITERS} if sample else {}
        best = max(counts, key=counts.__getitem__) if counts else ","
        return best if counts.get(best) else ","


def _check_header(columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise TableReadError(f"The column name {name!r} appears more than once. Rename one of them and upload again.")
        seen.add(name)
    if any(not str(name).strip() for name in columns):
        raise TableReadError("A column has no name in the header row. Give every column a name and upload again.")


def parse_csv(raw: bytes) -> pd.DataFrame:
    """A CSV table from its bytes, sniffing encoding and delimiter."""
    if b"\x00" in raw[:10_000]:
        raise TableReadError("This file is not a text table (it contains binary data). Upload a CSV or Parquet file.")
    text = _decode(raw)
    if not text.strip():
        raise TableReadError("The file is empty. Upload a CSV or Parquet file with a header row and data.")
    delimiter = _delimiter(text)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    _check_header([h.strip() for h in header])
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True)
    except (pd.errors.ParserError, ValueError) as error:
        raise TableReadError(
            f"Could not read the file as a table ({error}). Check that every row has the same columns."
        ) from None
    table.columns = [str(c).strip() for c in table.columns]
    return table


def parse_parquet(raw: bytes) -> pd.DataFrame:
    try:
        table = pd.read_parquet(io.BytesIO(raw))
    except Exception as error:  # pyarrow raises several unrelated types for damaged files
        raise TableReadError(f"Could not read the Parquet file ({error}).") from None
    _check_header([str(c) for c in table.columns])
    return table


def _gunzip(raw: bytes) -> bytes:
    """The content of a gzipped file (a .csv.gz), refusing one that expands beyond any upload."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            content = handle.read(MAX_UNZIPPED + 1)
    except (OSError, EOFError) as error:
        raise TableReadError(f"The gzip file is damaged ({error}). Compress it again, or upload the plain CSV.") from None
    if len(content) > MAX_UNZIPPED:
        raise TableReadError(f"The gzip file expands to more than {MAX_UNZIPPED // 2**30} GiB; upload a smaller table.")
    return content


def parse_table(raw: bytes, name: str = "", min_columns: int = 2) -> pd.DataFrame:
    """A table from uploaded bytes; Parquet by extension or content, CSV otherwise.

    ``min_columns`` is 2 for a table to rebalance (the column plus a feature); seed tables may have 1.
    """
    if len(raw) == 0:
        raise TableReadError("The file is empty. Upload a CSV or Parquet file with a header row and data.")
    if raw[:2] == GZIP_MAGIC:
        raw = _gunzip(raw)
        name = name.removesuffix(".gz")
    is_parquet = name.lower().endswith((".parquet", ".pq")) or raw[:4] == PARQUET_MAGIC
    table = parse_parquet(raw) if is_parquet else parse_csv(raw)
    if table.shape[1] < min_columns:
        raise TableReadError(
            f"Found only {table.shape[1]} column. A table to rebalance needs the column to balance and at least "
            "one more; if the file has several, check its delimiter."
        )
    if len(table) == 0:
        raise TableReadError("The file has a header but no rows of data.")
    return table


def read_table(path: str | Path) -> pd.DataFrame:
    """A table from a CSV or Parquet file on disk."""
    path = Path(path)
    if not path.is_file():
        raise TableReadError(f"No file at {path}. Check the path.")
    return parse_table(path.read_bytes(), path.name)


def write_table(table: pd.DataFrame, path: str | Path) -> None:
    """Write CSV or Parquet, chosen by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        table.to_parquet(path, index=False)
    elif suffix in (".csv", ".txt", ""):
        table.to_csv(path, index=False)
    else:
        raise TableReadError(f"Cannot write {suffix!r} files; name the output .csv or .parquet.")
