"""How closely generated rows follow real ones: each column, and how columns go together.

Compared against real holdout rows of the same class, which no method has seen. Numbers are cut
at the real rows' deciles, so every column is compared as a distribution over the same groups.

Pairs of columns are read two ways. The **pair similarity** is mostlyai-qa's bivariate accuracy
on our groups: 1 minus the total variation distance of each pair's joint distribution, averaged.
The **dependency gap** is the mean difference in Cramér's V (scipy's) between real and generated
pairs: it sees a lost relation even where each pair's cells still look alike. mostlyai-qa cuts
numbers into its own ten bins and keeps the ten most common categories, so figures agree in
direction, not to the digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats.contingency import association

from synth.assess.groups import Buckets
from synth.data.holdout import Split
from synth.errors import SynthError
from synth.rebalancing.run import Outputs
from synth.schema import Schema
from synth.table import rows_of_value


@dataclass(frozen=True)
class FidelityReport:
    per_column: pd.DataFrame = field(repr=False)  # column, similarity
    mean_similarity: float
    dependency_gap: float
    pair_similarity: float = 1.0  # mostlyai-qa's bivariate accuracy, on our groups


def _crosstab(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Counts of each pair of codes, with only the groups seen, as a crosstab has (by ``bincount``: fast)."""
    width = int(b.max()) + 1
    table = np.bincount(a * width + b, minlength=(int(a.max()) + 1) * width).reshape(-1, width)
    return table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]


def cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    """Association of two coded columns, 0 (independent) to 1 (one determines the other)."""
    table = _crosstab(a, b)
    if min(table.shape) < 2:
        return 0.0
    return float(association(table, method="cramer", correction=False))


def _pair_similarity(real: tuple[np.ndarray, np.ndarray], generated: tuple[np.ndarray, np.ndarray], width: int) -> float:
    """1 - total variation distance between two tables' joint distributions of one pair of coded columns."""
    p = np.bincount(real[0] * width + real[1], minlength=width * width) / len(real[0])
    q = np.bincount(generated[0] * width + generated[1], minlength=width * width) / len(generated[0])
    return 1.0 - 0.5 * float(np.abs(p - q).sum())


def fidelity_report(real: pd.DataFrame, generated: pd.DataFrame, *, schema: Schema, exclude: str) -> FidelityReport:
    """Per-column similarity (1 - total variation distance) and the mean gap in pairwise association.

    Groups are coded as integers once per column, so the pairwise associations (one per pair of
    columns, 820 for 41 columns) are counted with ``bincount`` rather than a crosstab each.
    """
    if len(real) == 0 or len(generated) == 0:
        raise SynthError("Fidelity needs real and generated rows to compare.")
    columns = schema.features(exclude)
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
    pairs = list(combinations(columns, 2))
    gaps = [abs(cramers_v(codes_real[a], codes_real[b]) - cramers_v(codes_generated[a], codes_generated[b])) for a, b in pairs]
    width = max((int(max(codes_real[c].max(), codes_generated[c].max())) + 1 for c in columns), default=1)
    alike = [_pair_similarity((codes_real[a], codes_real[b]), (codes_generated[a], codes_generated[b]), width) for a, b in pairs]
    per_column = pd.DataFrame({"column": columns, "similarity": similarity})
    return FidelityReport(
        per_column,
        float(np.mean(similarity)),
        float(np.mean(gaps)) if gaps else 0.0,
        float(np.mean(alike)) if alike else 1.0,
    )


def fidelity_by_method(outputs: Outputs, split: Split, schema: Schema, value: str) -> dict[str, FidelityReport]:
    """Generated ``value`` rows of each method against the real holdout's ``value`` rows."""
    column = outputs.plan.column
    real = rows_of_value(split.holdout, column, value)
    reports = {}
    for result in outputs.results.values():
        generated = rows_of_value(result.new_rows, column, value)
        if len(generated) and len(real):
            reports[result.label] = fidelity_report(real, generated, schema=schema, exclude=column)
    return reports


def fidelity_frame(reports: Mapping[str, FidelityReport]) -> pd.DataFrame:
    """Mean similarity, pair similarity and dependency gap (rows) of each method (columns)."""
    return pd.DataFrame(
        {
            name: {
                "mean similarity": f.mean_similarity,
                "pair similarity (mostlyai-qa's bivariate accuracy)": f.pair_similarity,
                "dependency gap (Cramér's V)": f.dependency_gap,
            }
            for name, f in reports.items()
        }
    )


def per_column_frame(reports: Mapping[str, FidelityReport]) -> pd.DataFrame:
    """Similarity of every column (rows) for each method (columns)."""
    return pd.DataFrame({name: f.per_column.set_index("column")["similarity"] for name, f in reports.items()})
