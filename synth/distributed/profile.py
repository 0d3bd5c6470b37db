"""Counts, column kinds and category lists of a partitioned table from one per-partition pass.

Each partition is profiled by the in-memory code (``detect_schema``, ``value_counts``) and only
the small profiles travel to the client, never rows. Kinds are then reconciled across partitions
so that they match what the in-memory path would detect on the whole table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from synth.data.kinds import MAX_CATEGORIES, MAX_INTEGER_CODES, detect_schema
from synth.errors import PlanError, TableReadError, UnknownColumn
from synth.schema import ColumnInfo, ColumnKind, Schema
from synth.table import value_counts


@dataclass(frozen=True)
class PartitionProfile:
    """What one partition holds: rows, rows per class, each column's kind, distinct values, ID maxima."""

    rows: int
    counts: dict[str, int]
    kinds: dict[str, ColumnKind]
    distinct: dict[str, tuple[str, ...]] = field(repr=False)
    id_max: dict[str, float]


def profile_partition(part: pd.DataFrame, column: str | None) -> PartitionProfile:
    """One partition's profile; distinct values are kept up to one more than any kind rule needs."""
    schema = detect_schema(part)
    distinct = {}
    for name in part.columns:
        values = part[name].dropna().astype("string").unique()
        distinct[str(name)] = tuple(values[: MAX_CATEGORIES + 1].tolist())
    id_max = {
        name: float(np.nanmax(part[name].to_numpy(dtype=float)))
        for name in schema.names(ColumnKind.ID)
        if pd.api.types.is_numeric_dtype(part[name]) and part[name].notna().any()
    }
    counts = value_counts(part[column]) if column is not None else {}
    return PartitionProfile(len(part), counts, {c.name: c.kind for c in schema.columns}, distinct, id_max)


@dataclass(frozen=True)
class TableProfile:
    """A partitioned table's profile: every partition's, and the reconciled whole."""

    column: str | None
    partitions: tuple[PartitionProfile, ...] = field(repr=False)
    schema: Schema
    files: tuple[str, ...]

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)

    def counts(self) -> dict[str, int]:
        """Rows per class over all partitions, most frequent first (ties by value)."""
        total: Counter[str] = Counter()
        for part in self.partitions:
            total.update(part.counts)
        return dict(sorted(total.items(), key=lambda item: (-item[1], item[0])))

    def categories(self, name: str) -> list[str]:
        """Every distinct value of a column, as text, sorted (LightGBM codes follow this order)."""
        return sorted({v for p in self.partitions for v in p.distinct.get(name, ())})

    def id_max(self, name: str) -> float | None:
        values = [p.id_max[name] for p in self.partitions if name in p.id_max]
        return max(values) if values else None

    def check_has(self, value: str) -> None:
        """Refuse a class that no partition holds, naming the files searched."""
        if value not in self.counts():
            where = self.files[0] if len(self.files) == 1 else f"any of the {len(self.files)} files ({self.files[0]}, ...)"
            raise PlanError(f"{value!r} is not a value of column {self.column!r} in {where}.")


def _reconcile(name: str, kinds: Sequence[ColumnKind], distinct: set[str], dtype: object) -> tuple[ColumnKind, str]:
    """One kind for a column from each partition's: what detecting on the whole table would say."""
    if all(k is ColumnKind.CONSTANT for k in kinds) and len(distinct) <= 1:
        return ColumnKind.CONSTANT, "the same value in every partition"
    if ColumnKind.ID in kinds:
        return ColumnKind.ID, "an identifier in some partition"
    if (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)) and len(distinct) > MAX_CATEGORIES:
        return ColumnKind.ID, f"more than {MAX_CATEGORIES} distinct values, too many to be categories"
    varied = [k for k in kinds if k is not ColumnKind.CONSTANT]
    if len(set(varied)) > 1 and pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        if len(distinct) > MAX_INTEGER_CODES:
            return ColumnKind.NUMERIC, "numbers"
        return ColumnKind.CATEGORICAL, f"whole numbers with only {len(distinct)} distinct values (codes)"
    kind = Counter(varied or kinds).most_common(1)[0][0]
    if kind is ColumnKind.CONSTANT:
        kind = ColumnKind.CATEGORICAL
    return kind, f"{kind} in most partitions"


def profile_table(frame: dd.DataFrame, files: Sequence[str], column: str | None = None) -> TableProfile:
    """Profile every partition (in parallel on the cluster) and reconcile the schema."""
    if column is not None and column not in frame.columns:
        raise UnknownColumn("column", column, frame.columns)
    tasks = [dask.delayed(profile_partition)(part, column) for part in frame.to_delayed()]
    partitions = tuple(dask.compute(*tasks))
    for file, part in zip(files, partitions, strict=True):
        if part.rows == 0:
            raise TableReadError(f"{file}: holds no rows; remove it or fill it.")
    infos = []
    for name in frame.columns:
        distinct = {v for p in partitions for v in p.distinct.get(str(name), ())}
        kind, reason = _reconcile(str(name), [p.kinds[str(name)] for p in partitions], distinct, frame.dtypes[name])
        infos.append(ColumnInfo(str(name), kind, reason))
    return TableProfile(column, partitions, Schema(tuple(infos)), tuple(files))
