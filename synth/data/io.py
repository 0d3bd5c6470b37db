"""Read and write tables the way users hand them over: CSV in any common dialect, or Parquet.

Every failure is a ``TableReadError`` whose message tells the user what to do; nothing here
renames, drops or converts a user's column behind their back.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from synth.data.text import decode, looks_like_json, recover_values
from synth.errors import TableReadError

DELIMITERS = ",;\t|"
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
# What the uploaders accept (a gzipped CSV arrives as .gz, e.g. census.csv.gz).
# A gzip file may expand to at most this many bytes (a "zip bomb" would otherwise fill memory).
MAX_UNZIPPED = 512 * 2**20
TABLE_SUFFIXES = (".csv", ".txt", ".parquet", ".pq")
UPLOAD_TYPES = ["csv", "txt", "tsv", "gz", "parquet", "pq"]


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
            raise TableReadError(f"The column name {name!r} appears more than once. Rename one of them and try again.")
        seen.add(name)
    if any(not str(name).strip() for name in columns):
        raise TableReadError("A column has no name in the header row. Give every column a name and try again.")


def parse_csv(raw: bytes) -> pd.DataFrame:
    """A CSV table from its bytes, sniffing encoding and delimiter; dates and decimal commas recovered."""
    text = decode(raw)
    if not text.strip():
        raise TableReadError("The file is empty. Use a CSV or Parquet file with a header row and data.")
    if looks_like_json(text):
        raise TableReadError("This is a JSON document, not a table. Save it as CSV or Parquet and try again.")
    try:
        delimiter = _delimiter(text)
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        _check_header([h.strip() for h in header])
        table = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True)
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        raise TableReadError(
            f"Could not read the file as a table ({error}). Check that every row has the same columns."
        ) from None
    table.columns = [str(c).strip() for c in table.columns]
    return recover_values(table, delimiter)


def parse_parquet(raw: bytes) -> pd.DataFrame:
    try:
        table = pd.read_parquet(io.BytesIO(raw))
    except Exception as error:  # pyarrow raises several unrelated types for damaged files
        raise TableReadError(f"Could not read the Parquet file ({error}).") from None
    _check_header([str(c) for c in table.columns])
    nested = [
        str(c) for c in table.columns if table[c].map(lambda v: isinstance(v, list | dict | tuple | set | np.ndarray)).any()
    ]
    if nested:
        raise TableReadError(
            f"The column(s) {nested} hold lists or records, not single values. Flatten them (one value per cell) and try again."
        )
    return table


def _gunzip(raw: bytes) -> bytes:
    """The content of a gzipped file (a .csv.gz), refusing one that expands beyond any upload."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            content = handle.read(MAX_UNZIPPED + 1)
    except (OSError, EOFError) as error:
        raise TableReadError(f"The gzip file is damaged ({error}). Compress it again, or use the plain CSV.") from None
    if len(content) > MAX_UNZIPPED:
        raise TableReadError(f"The gzip file expands to more than {MAX_UNZIPPED // 2**20} MiB; use a smaller table.")
    return content


def parse_table(raw: bytes, name: str = "", min_columns: int = 2) -> pd.DataFrame:
    """A table from uploaded bytes; Parquet by extension or content, CSV otherwise.

    ``min_columns`` is 2 for a table to rebalance (the column plus a feature); seed tables may have 1.
    """
    if len(raw) == 0:
        raise TableReadError("The file is empty. Use a CSV or Parquet file with a header row and data.")
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


def is_partitioned(path: str | Path) -> bool:
    """A folder or a glob pattern: a table in many files, read partition by partition on a cluster."""
    text = str(path)
    return Path(text).is_dir() or (not Path(text).is_file() and any(c in text for c in "*?["))


def read_table(path: str | Path) -> pd.DataFrame:
    """A table from a CSV or Parquet file on disk."""
    path = Path(path)
    if not path.is_file():
        raise TableReadError(f"No file at {path}. Check the path.")
    return parse_table(path.read_bytes(), path.name)


def write_table(table: pd.DataFrame, path: str | Path, *, source: str | Path | None = None) -> None:
    """Write CSV or Parquet (by extension) atomically: a half-written file never replaces a good one.

    Values are written exactly as they are, including text that a spreadsheet would read as a formula
    (``=1+1``): our users are data people, and altering a value would be worse. ``source`` (the input)
    may not be overwritten.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    check_output(path, *([source] if source is not None else []), suffixes=(*TABLE_SUFFIXES, ""))
    write_atomically(
        path,
        lambda temporary: (
            table.to_parquet(temporary, index=False) if suffix in (".parquet", ".pq") else table.to_csv(temporary, index=False)
        ),
    )


def check_output(path: str | Path, *inputs: str | Path, suffixes: tuple[str, ...] = ()) -> None:
    """Refuse, before any work, an output that would overwrite an input or that cannot be written."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise TableReadError(
            f"Cannot write {path.suffix.lower()!r} files; name the output {' or '.join(s for s in suffixes if s)}."
        )
    if any(path.resolve() == Path(source).resolve() for source in inputs):
        raise TableReadError(f"The output {path.name} is an input file; name a different output so the input is kept.")
    if path.is_dir():
        raise TableReadError(f"{path} is a folder; name a file to write.")
    if not path.parent.is_dir():
        raise TableReadError(f"The folder {path.parent} does not exist; create it or choose another output.")


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` to a temporary file beside ``path``, then rename it into place in one step."""
    check_output(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.chmod(0o644)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
