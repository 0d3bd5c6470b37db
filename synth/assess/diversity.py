"""How varied a table is: Shannon entropy per column, overall or within a subgroup.

Naive oversampling repeats a few rows, so a subgroup (say, high-income women) shows only the
handful of educations those rows had; richer generation shows more, as real holdout rows do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from synth.assess.groups import Buckets, Condition, matching
from synth.labels import HOLDOUT
from synth.schema import Schema
from synth.table import rows_of_value


def entropy(groups: pd.Series) -> float:
    """Shannon entropy in bits of the groups' shares (0 for one group or none)."""
    shares = groups.value_counts(normalize=True).to_numpy()
    return max(0.0, float(-(shares * np.log2(shares)).sum())) if len(shares) else 0.0  # never "-0.00"


def diversity_table(
    tables: Mapping[str, pd.DataFrame],
    schema: Schema,
    columns: Sequence[str],
    reference: str,
    subgroup: Sequence[Condition] = (),
) -> pd.DataFrame:
    """Entropy of each column (rows) in each table (columns), within rows meeting ``subgroup``."""
    result = {}
    for name, table in tables.items():
        part = table[matching(table, subgroup)]
        result[f"{name} ({len(part):,} rows)"] = [
            entropy(Buckets(tables[reference][c], schema.kind(c), top=None)(part[c])) for c in columns
        ]
    return pd.DataFrame(result, index=list(columns))


def class_diversity(
    tables: Mapping[str, pd.DataFrame], schema: Schema, column: str, value: str, subgroup: Sequence[Condition] = ()
) -> pd.DataFrame:
    """Entropy of every feature among ``value`` rows (within ``subgroup``) of each table."""
    rows = {name: rows_of_value(t, column, value) for name, t in tables.items()}
    features = schema.features(column)
    return diversity_table(rows, schema, features, reference=HOLDOUT, subgroup=subgroup)
