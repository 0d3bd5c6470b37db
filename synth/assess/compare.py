"""Side-by-side views of the methods' outputs: counts, distributions and drill-downs.

Every function takes named tables (original, each method, holdout) and returns a tidy frame, so
pages only draw and tests check numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from synth.assess.groups import Buckets, Condition, matching
from synth.schema import Schema
from synth.table import value_counts


def class_counts(tables: Mapping[str, pd.DataFrame], column: str) -> pd.DataFrame:
    """Rows per value of ``column`` (columns) for every named table (rows)."""
    counts = {name: value_counts(table[column]) for name, table in tables.items()}
    return pd.DataFrame(counts).T.fillna(0).astype(int)


def distribution(tables: Mapping[str, pd.DataFrame], feature: str, schema: Schema, reference: str) -> pd.DataFrame:
    """Share of rows per bucket of ``feature`` for each table; buckets come from ``reference``.

    Every table lists the same buckets in value order (0 where it has none), leaving out only
    buckets no table has rows in, so figures never reorder or show empty groups.
    """
    buckets = Buckets(tables[reference][feature], schema.kind(feature))
    shares = {name: buckets.shares(table[feature]) for name, table in tables.items() if len(table)}
    seen = set().union(*(s.index for s in shares.values())) if shares else set()
    order = [g for g in buckets.order if g in seen] + sorted(seen - set(buckets.order))
    frames = [
        pd.DataFrame({"source": name, "bucket": order, "share": part.reindex(order, fill_value=0.0).to_numpy()})
        for name, part in shares.items()
    ]
    return pd.concat(frames, ignore_index=True)


def drill_down(tables: Mapping[str, pd.DataFrame], conditions: Sequence[Condition]) -> pd.DataFrame:
    """How many rows of each table meet every condition, and what share of that table they are."""
    rows = []
    for name, table in tables.items():
        mask = matching(table, conditions)
        rows.append({"table": name, "matching rows": int(mask.sum()), "share": float(mask.mean()) if len(table) else 0.0})
    return pd.DataFrame(rows)
