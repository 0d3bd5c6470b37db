"""How closely generated rows follow real ones: each column, and how columns go together.

Compared against real holdout rows of the same class, which no method has seen. Numbers are cut
at the real rows' deciles, so every column is compared as a distribution over the same groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from synth.assess.groups import Buckets
from synth.data.kinds import Schema
from synth.errors import SynthError


@dataclass(frozen=True)
class FidelityReport:
    per_column: pd.DataFrame = field(repr=False)  # column, similarity
    mean_similarity: float
    dependency_gap: float


def cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    """Association of two coded columns, 0 (independent) to 1 (one determines the other)."""
    width = int(b.max()) + 1
    table = np.bincount(a * width + b, minlength=(int(a.max()) + 1) * width).reshape(-1, width).astype(float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]  # only the groups seen, as a crosstab has
    if min(table.shape) < 2:
        return 0.0
    total = table.sum()
    expected = table.sum(axis=1, keepdims=True) @ table.sum(axis=0, keepdims=True) / total
    chi2 = float(((table - expected) ** 2 / np.where(expected > 0, expected, 1)).sum())
    return float(np.sqrt(chi2 / (total * (min(table.shape) - 1))))


def fidelity_report(real: pd.DataFrame, generated: pd.DataFrame, schema: Schema, exclude: str) -> FidelityReport:
    """Per-column similarity (1 - total variation distance) and the mean gap in pairwise association.

    Groups are coded as integers once per column, so the pairwise associations (one per pair of
    columns, 820 for 41 columns) are counted with ``bincount`` rather than a crosstab each.
    """
    if len(real) == 0 or len(generated) == 0:
        raise SynthError("Fidelity needs real and generated rows to compare.")
    columns = [c for c in schema.modelled() if c != exclude]
    codes_real, codes_generated = {}, {}
    similarity = []
    for name in columns:
        buckets = Buckets(real[name], schema.kind(name), top=None)
        groups_real, groups_generated = buckets(real[name]), buckets(generated[name])
        p = groups_real.value_counts(normalize=True)
        q = groups_generated.value_counts(normalize=True)
        similarity.append(1.0 - float(0.5 * p.subtract(q, fill_value=0).abs().sum()))
        codes, _ = pd.factorize(pd.concat([groups_real, groups_generated], ignore_index=True))
        codes_real[name], codes_generated[name] = codes[: len(real)], codes[len(real) :]
    gaps = [
        abs(cramers_v(codes_real[a], codes_real[b]) - cramers_v(codes_generated[a], codes_generated[b]))
        for a, b in combinations(columns, 2)
    ]
    per_column = pd.DataFrame({"column": columns, "similarity": similarity})
    return FidelityReport(per_column, float(np.mean(similarity)), float(np.mean(gaps)) if gaps else 0.0)


def fidelity_frame(reports: Mapping[str, FidelityReport]) -> pd.DataFrame:
    """Mean similarity and dependency gap (rows) of each method (columns)."""
    return pd.DataFrame(
        {name: {"mean similarity": f.mean_similarity, "dependency gap": f.dependency_gap} for name, f in reports.items()}
    )


def per_column_frame(reports: Mapping[str, FidelityReport]) -> pd.DataFrame:
    """Similarity of every column (rows) for each method (columns)."""
    return pd.DataFrame({name: f.per_column.set_index("column")["similarity"] for name, f in reports.items()})
