"""A folder or glob of Parquet (or CSV) files as one lazy Dask table, one partition per file.

One partition per file keeps every message able to name the file it is about, and gives each
partition a stable index for seeds. Parquet footers are checked on the client before any work
(columns, types, empty files); CSV files are checked as each is read.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from synth.data.io import process_alive, read_table
from synth.errors import TableReadError

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".txt", ".csv.gz")
# Kinds of text that hold the same data: pandas' str and string dtypes, Arrow's string and large_string.
TEXT_TYPES = frozenset({"str", "string", "object", "large_string"})
INTEGER_TYPES = frozenset({"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"})


@dataclass(frozen=True)
class PartitionedTable:
    """A lazy table and the file behind each of its partitions."""

    frame: dd.DataFrame = field(repr=False)
    files: tuple[str, ...]


def list_files(path: str | Path) -> list[str]:
    """The table files of a folder (recursively, hidden and ``_`` files skipped) or of a glob, sorted."""
    text = str(path)
    if Path(text).is_dir():
        found = [str(p) for p in sorted(Path(text).rglob("*")) if p.is_file() and _visible(p, Path(text))]
    else:
        found = sorted(p for p in glob.glob(text, recursive=True) if os.path.isfile(p))
    tables = [f for f in found if f.lower().endswith(PARQUET_SUFFIXES + CSV_SUFFIXES)]
    if not tables:
        raise TableReadError(f"{text}: no Parquet or CSV files found.")
    tables = [os.path.abspath(f) for f in tables]  # a worker may run in another working directory
    kinds = {f.lower().endswith(PARQUET_SUFFIXES) for f in tables}
    if len(kinds) > 1:
        raise TableReadError(f"{text}: holds both Parquet and CSV files; keep one format per table.")
    return tables


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def _parquet_schema(file: str) -> tuple[pa.Schema, int]:
    try:
        metadata = pq.ParquetFile(file).metadata
        return metadata.schema.to_arrow_schema(), metadata.num_rows
    except (OSError, pa.ArrowException) as error:
        raise TableReadError(f"{file}: not a readable Parquet file ({error}).") from None


def _describe(schema: pa.Schema) -> dict[str, str]:
    return {name: str(schema.field(name).type) for name in schema.names}


def same_data(found: str, expected: str) -> bool:
    """Whether a column of type ``found`` is read as ``expected`` without changing a value: the same
    type, two kinds of text, or whole numbers where other files hold numbers with gaps (floats)."""
    both_text = found in TEXT_TYPES and expected in TEXT_TYPES
    return found == expected or both_text or (found in INTEGER_TYPES and expected == "float64")


def check_same_columns(file: str, expected: dict[str, str], found: dict[str, str]) -> None:
    """Refuse a file whose columns or types differ from the first file's (in any order), naming both."""
    missing = [c for c in expected if c not in found]
    if missing:
        raise TableReadError(f"{file}: lacks the column(s) {missing} that the first file has.")
    extra = [c for c in found if c not in expected]
    if extra:
        raise TableReadError(f"{file}: has the column(s) {extra} that the first file lacks.")
    for name, kind in expected.items():
        if not same_data(found[name], kind):
            raise TableReadError(f"{file}: column {name!r} is {found[name]}, but {kind} in the first file.")


def _check_parquet(files: list[str]) -> pd.DataFrame:
    """Every footer agrees with the first and holds rows; the first file's empty frame is the meta."""
    first, _ = _parquet_schema(files[0])
    expected = _describe(first)
    for file in files:
        schema, rows = _parquet_schema(file)
        check_same_columns(file, expected, _describe(schema))
        if rows == 0:
            raise TableReadError(f"{file}: holds no rows; remove it or fill it.")
    return pd.read_parquet(files[0]).iloc[:0]


def read_partition(file: str, expected: dict[str, str] | None = None) -> pd.DataFrame:
    """One file as a pandas frame in the first file's column order and types, refused (naming the file)
    when empty or holding other data than the first file."""
    try:
        table = pd.read_parquet(file) if file.lower().endswith(PARQUET_SUFFIXES) else read_table(file)
    except FileNotFoundError:
        raise TableReadError(
            f"{file}: not found by the worker that read it (working directory {os.getcwd()}); every worker must see "
            "the input at the same path, as on a shared disk."
        ) from None
    except (OSError, ValueError) as error:
        raise TableReadError(f"{file}: {error}") from None
    if len(table) == 0:
        raise TableReadError(f"{file}: holds no rows; remove it or fill it.")
    if expected is None:
        return table
    found = {str(c): str(t) for c, t in table.dtypes.items()}
    check_same_columns(file, expected, found)
    changed = {name: kind for name, kind in expected.items() if found[name] != kind}
    return table[list(expected)].astype(changed) if changed else table[list(expected)]


def _types(file: str) -> dict[str, str]:
    return {str(c): str(t) for c, t in read_partition(file).dtypes.items()}


def _csv_meta(files: list[str]) -> pd.DataFrame:
    """The first CSV file's empty frame, with a column's whole numbers widened to floats where another
    file has a gap there (as pandas reads the files joined); other differences are refused, naming the file."""
    first = read_partition(files[0]).iloc[:0]
    expected = {str(c): str(t) for c, t in first.dtypes.items()}
    found = dict(zip(files[1:], dask.compute(*[dask.delayed(_types)(f) for f in files[1:]]), strict=True))
    for types in found.values():
        for name, kind in expected.items():
            if kind in INTEGER_TYPES and types.get(name) == "float64":
                expected[name] = "float64"
    for file, types in found.items():
        check_same_columns(file, expected, types)
    return first.astype(expected)


def open_table(path: str | Path) -> PartitionedTable:
    """The files at ``path`` as a lazy Dask table, one partition per file, checked as far as footers allow.

    CSV files are read once here, before any cluster work, to learn their types: a gap
    turns a column of whole numbers into floats in that file, and so in the table.
    """
    files = list_files(path)
    meta = _check_parquet(files) if files[0].lower().endswith(PARQUET_SUFFIXES) else _csv_meta(files)
    expected = {str(c): str(t) for c, t in meta.dtypes.items()}
    with dask.config.set({"dataframe.convert-string": False}):  # keep the files' own dtypes, as the in-memory path does
        frame = dd.from_map(read_partition, files, expected=expected, meta=meta, enforce_metadata=False)
    return PartitionedTable(frame, tuple(files))


def check_apart(train: PartitionedTable, holdout: PartitionedTable) -> None:
    """Refuse a holdout that shares files with the training table: it would score memory, not learning."""
    trained = {Path(f).resolve() for f in train.files}
    shared = [f for f in holdout.files if Path(f).resolve() in trained]
    if shared:
        raise TableReadError(
            f"{shared[0]}: is both a training file and a holdout file ({len(shared)} of the holdout's {len(holdout.files)} "
            "files are); a holdout must be real rows kept apart from training."
        )


def check_output_folder(output: str | Path, *inputs: str | Path) -> Path:
    """Refuse, before any work, an output folder that is, holds or lies inside an input."""
    out = Path(output).resolve()
    if out.suffix.lower() in PARQUET_SUFFIXES + CSV_SUFFIXES + (".gz",):
        raise TableReadError(
            f"{output}: the output is a folder of Parquet files, one per input file; name it without a table suffix."
        )
    for source in inputs:
        if _overlaps(out, str(source)):
            raise TableReadError(f"{output}: the output folder would be inside (or hold) the input {source}; choose another.")
    if out.exists() and not out.is_dir():
        raise TableReadError(f"{output}: is a file; name a folder to write the partitions to.")
    if not out.parent.is_dir():
        raise TableReadError(f"{output}: its parent folder does not exist; create it or choose another output.")
    return out


def _overlaps(out: Path, text: str) -> bool:
    """Whether the output folder is, holds or lies inside the input, or a glob input would read the files written there."""
    if not glob.has_magic(text) or Path(text).exists():  # a file named we[ird].csv is that file, not a pattern
        root = Path(text).resolve()
        return out == root or root in out.parents or (root.is_dir() and out in root.parents) or out in root.parents[:1]
    pattern = str(Path(text).absolute())
    written = out / OUTPUT_PART.format(0)
    return written.match(pattern) if "**" not in text else Path(_glob_root(text)).resolve() in written.parents


OUTPUT_PART = "part-{:05d}.parquet"
# Written last into every output folder: the files we wrote. Readers skip names starting with "_".
MANIFEST = "_synth_output.json"


def _ours(folder: Path) -> bool:
    """Whether ``folder`` holds exactly the files our manifest lists (an empty folder is free to use too)."""
    present = {p.name for p in folder.iterdir()}
    if not present:
        return True
    try:
        listed = json.loads((folder / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return isinstance(listed, list) and present == {MANIFEST, *map(str, listed)}


def write_folder(frame: dd.DataFrame, output: str | Path) -> Path:
    """Write every partition beside ``output``, then rename the folder into place: a failed run leaves nothing.

    An existing folder is replaced only if it is empty or holds exactly what our manifest says we wrote.
    """
    output = Path(output)
    if output.is_dir() and not _ours(output):
        raise TableReadError(
            f"{output}: already holds files this program did not write (no {MANIFEST} lists them); choose a new or empty folder."
        )
    _remove_abandoned(output)
    temporary = output.parent / f".{output.name}.partial-{os.getpid()}"
    retired = output.parent / f".{output.name}.old-{os.getpid()}"
    try:
        frame.to_parquet(temporary, write_index=False, name_function=OUTPUT_PART.format)
        parts = sorted(p.name for p in temporary.iterdir())
        (temporary / MANIFEST).write_text(json.dumps({"written_by": "synth", "files": parts}, indent=1))
        if output.exists():
            os.replace(output, retired)
        os.replace(temporary, output)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return output


def _remove_abandoned(output: Path) -> None:
    """Folders a killed run writing ``output`` left beside it (their process is gone)."""
    for stage in ("partial", "old"):
        for left in output.parent.glob(f".{glob.escape(output.name)}.{stage}-*"):
            writer = left.name.rsplit("-", 1)[-1]
            if writer.isdigit() and not process_alive(int(writer)):
                shutil.rmtree(left, ignore_errors=True)


def _glob_root(pattern: str) -> str:
    """The folder part of a glob before its first wildcard."""
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next(i for i, p in enumerate(parts) if glob.has_magic(p))]]
    return str(Path(*fixed)) if fixed else "."
