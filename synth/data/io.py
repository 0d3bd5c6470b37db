"""Read and write tables the way users hand them over: CSV in any common dialect, or Parquet.

Every failure is a ``TableReadError`` whose message tells the user what to do; nothing here
renames, drops or converts a user's column behind their back.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from synth.data.text import decode, looks_like_json, recover_values
from synth.errors import TableReadError

DELIMITERS = ",;\t|"
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
# What the uploaders accept (a gzipped CSV arrives as .gz, e.g. census.csv.gz).
# A gzip file may expand to at most this many bytes (a "zip bomb" would otherwise fill memory).
MAX_UNZIPPED = 512 * 2**20
# Bounds checked before a file is parsed or expanded: beyond them a table would exhaust a shared
# server's memory (about 100 bytes per cell once parsed, several times that while a method works).
MAX_ROWS = 5_000_000
MAX_COLUMNS = 500
MAX_CELLS = 50_000_000
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


def text_and_delimiter(raw: bytes) -> tuple[str, str]:
    """The decoded text of a CSV file and its delimiter; refuses what is not a table."""
    text = decode(raw)
    if "\r" in text and "\n" not in text:  # old Mac line endings: CR alone ends each line
        text = text.replace("\r", "\n")
    if not text.strip():
        raise TableReadError("The file is empty. Use a CSV or Parquet file with a header row and data.")
    if looks_like_json(text):
        raise TableReadError("This is a JSON document, not a table. Save it as CSV or Parquet and try again.")
    return text, _delimiter(text)


TOO_MANY_FIELDS = (
    "Some rows hold more values than the header names columns (a value after the last delimiter). "
    "Give every value a column name in the header, or remove the extra values, and try again."
)


def read_csv_text(text: str, delimiter: str, **options) -> pd.DataFrame:
    """``pd.read_csv`` that never takes the first column as the index when data rows end with a delimiter.

    An empty field after the last delimiter (``ann,1,Paris,``) is read as nothing; a value there
    has no column to go to, so the file is refused rather than shifted or cut.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(io.StringIO(text), sep=delimiter, index_col=False, **options)
        except pd.errors.ParserWarning:
            raise TableReadError(TOO_MANY_FIELDS) from None


def parse_csv(raw: bytes) -> pd.DataFrame:
    """A CSV table from its bytes, sniffing encoding and delimiter; dates and decimal commas recovered."""
    text, delimiter = text_and_delimiter(raw)
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        _check_header([h.strip() for h in header])
        table = read_csv_text(text, delimiter, skipinitialspace=True)
    except TableReadError:
        raise
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        raise TableReadError(
            f"Could not read the file as a table ({error}). Check that every row has the same columns."
        ) from None
    table.columns = [str(c).strip() for c in table.columns]
    return recover_values(table, delimiter)


def check_size(rows: int, columns: int) -> None:
    """Refuse, before parsing, a table beyond the rows, columns or cells one process can work on."""
    if columns > MAX_COLUMNS:
        raise TableReadError(f"The table has {columns:,} columns; at most {MAX_COLUMNS:,} can be worked on. Keep fewer columns.")
    if rows > MAX_ROWS or rows * columns > MAX_CELLS:
        raise TableReadError(
            f"The table has about {rows:,} rows × {columns:,} columns; at most {MAX_ROWS:,} rows and {MAX_CELLS:,} cells "
            "fit in memory here. Use a sample, or the cluster mode for larger tables."
        )


def _header_columns(raw: bytes) -> int:
    """Columns of a CSV guessed from its first line's delimiters (before the file is parsed)."""
    first = raw[: raw.find(b"\n") if b"\n" in raw[:1_000_000] else 1_000_000]
    return max(first.count(d.encode()) for d in DELIMITERS) + 1


def _check_csv_size(raw: bytes) -> None:
    """Rows and columns of a CSV counted from its bytes (lines, and delimiters in the first line)."""
    check_size(raw.count(b"\n"), _header_columns(raw))


def _first_line(error: Exception) -> str:
    """pyarrow's messages run over several lines; the first says what went wrong."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _check_parquet_types(schema: pa.Schema) -> None:
    """Refuse, by name, column types that cannot be worked on and written back as they are."""
    _check_header([str(field.name) for field in schema])
    kinds = {
        "hold lists or records, not single values. Flatten them (one value per cell)": pa.types.is_nested,
        "hold binary data (bytes). Decode them to text or drop them": lambda t: (
            pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t)
        ),
        "hold decimals, dates or times of day, which would not be written back in their own type. Cast them to "
        "double or timestamp": lambda t: pa.types.is_decimal(t) or pa.types.is_date(t) or pa.types.is_time(t),
    }
    for problem, matches in kinds.items():
        found = [field.name for field in schema if matches(field.type)]
        if found:
            raise TableReadError(f"The column(s) {found} {problem} and try again.")


def parse_parquet(raw: bytes) -> pd.DataFrame:
    try:
        parquet = pq.ParquetFile(io.BytesIO(raw))
        schema = parquet.schema_arrow
    except Exception as error:  # pyarrow raises several unrelated types for damaged files
        raise TableReadError(f"Could not read the Parquet file ({_first_line(error)}).") from None
    _check_parquet_types(schema)
    check_size(parquet.metadata.num_rows, parquet.metadata.num_columns)
    try:
        return pd.read_parquet(io.BytesIO(raw))
    except Exception as error:  # pyarrow raises several unrelated types for damaged files
        raise TableReadError(f"Could not read the Parquet file ({_first_line(error)}).") from None


def gunzip(raw: bytes) -> bytes:
    """The content of a gzipped file (a .csv.gz), expanded in chunks and refused as soon as it grows too large.

    Lines are counted while expanding, so a small file that would expand into millions of rows is
    stopped before the rows exist (a "zip bomb").
    """
    chunks: list[bytes] = []
    size = lines = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            while chunk := handle.read(2**24):
                chunks.append(chunk)
                size, lines = size + len(chunk), lines + chunk.count(b"\n")
                if size > MAX_UNZIPPED:
                    raise TableReadError(f"The gzip file expands to more than {MAX_UNZIPPED // 2**20} MiB; use a smaller table.")
                if lines > MAX_ROWS:
                    check_size(lines, _header_columns(chunks[0]))
    except (OSError, EOFError) as error:
        raise TableReadError(f"The gzip file is damaged ({error}). Compress it again, or use the plain CSV.") from None
    return b"".join(chunks)


def parse_table(raw: bytes, name: str = "", *, min_columns: int = 2) -> pd.DataFrame:
    """A table from uploaded bytes; Parquet by extension or content, CSV otherwise.

    ``min_columns`` is 2 for a table to rebalance (the column plus a feature); seed tables may have 1.

    >>> synth.parse_table(uploaded_bytes, "sales.csv.gz")  # doctest: +SKIP
    """
    if len(raw) == 0:
        raise TableReadError("The file is empty. Use a CSV or Parquet file with a header row and data.")
    if raw[:2] == GZIP_MAGIC:
        raw = gunzip(raw)
        name = name.removesuffix(".gz")
    is_parquet = name.lower().endswith((".parquet", ".pq")) or raw[:4] == PARQUET_MAGIC
    if not is_parquet:
        _check_csv_size(raw)
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
    """A table from a CSV or Parquet file on disk.

    >>> synth.read_table("census.csv")  # any delimiter or encoding, gzipped or Parquet  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise TableReadError(f"No file at {path}. Check the path.")
    return parse_table(path.read_bytes(), path.name)


def write_table(
    table: pd.DataFrame,
    path: str | Path,
    *,
    source: str | Path | None = None,
    as_text: Callable[[pd.DataFrame], str] | None = None,
) -> None:
    """Write CSV or Parquet (by extension) atomically: a half-written file never replaces a good one.

    Values are written exactly as they are, including text that a spreadsheet would read as a formula
    (``=1+1``): our users are data people, and altering a value would be worse. ``source`` (the input)
    may not be overwritten. ``as_text`` writes a CSV in another dialect (the input's own).

    >>> synth.write_table(out.table, "balanced.parquet")  # written atomically  # doctest: +SKIP
    """
    path = Path(path)
    suffix = path.suffix.lower()
    check_output(path, *([source] if source is not None else []), suffixes=(*TABLE_SUFFIXES, ""))
    if suffix in (".parquet", ".pq"):
        write_atomically(path, lambda temporary: table.to_parquet(temporary, index=False))
    elif as_text is not None:
        text = as_text(table)
        write_atomically(path, lambda temporary: temporary.write_bytes(text.encode("utf-8")))
    else:
        write_atomically(path, lambda temporary: table.to_csv(temporary, index=False))


def check_output(path: str | Path, *inputs: str | Path, suffixes: tuple[str, ...] = ()) -> None:
    """Refuse, before any work, an output that would overwrite an input or that cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise TableReadError(f"{path} is a folder; name a file to write.")
    if suffixes and path.suffix.lower() not in suffixes:
        raise TableReadError(
            f"Cannot write {path.suffix.lower()!r} files; name the output {' or '.join(s for s in suffixes if s)}."
        )
    if any(path.resolve() == Path(source).resolve() for source in inputs):
        raise TableReadError(f"The output {path.name} is an input file; name a different output so the input is kept.")
    if not path.parent.is_dir():
        raise TableReadError(f"The folder {path.parent} does not exist; create it or choose another output.")


def _remove_abandoned(path: Path) -> None:
    """Temporary files that a killed writer of ``path`` left behind (its process is gone)."""
    for partial in path.parent.glob(f".{glob.escape(path.name)}.*.partial"):
        writer = partial.name[len(path.name) + 2 :].split(".", 1)[0]
        if writer.isdigit() and not process_alive(int(writer)):
            partial.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` to a temporary file beside ``path``, then rename it into place in one step."""
    check_output(path)
    _remove_abandoned(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.chmod(0o644)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
