"""What-if simulation: a fully synthetic table under a new mix of one column, and drift seeds.

"What if our customers were younger?" Group a column (its categories, or numeric buckets such as
18-29 / 30-44 / 45-64 / 65+), give each group a new share, and the generator writes N records in
which every other column follows the learned dependencies (young drivers bring their premiums and
claims). ``complete_rows`` is the other direction: the user fixes some columns per row and the
rest is generated from real records that resemble them, by the same generator.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from synth.encoding import feature_kinds
from synth.errors import SynthError
from synth.generator.model import SyntheticGenerator
from synth.progress import Progress
from synth.rebalancing.plan import Mode, make_plan
from synth.schema import ColumnInfo, ColumnKind, Schema
from synth.table import as_numbers, conform, value_counts

# A group with at least this many real rows is generated from its own rows only.
STRICT_GROUP_ROWS = 30
# The one-value column that seeded generation conditions on (the generator needs a column).
SEED_COLUMN = "\x00seeded"
GROUP_COLUMN = "__what_if_group__"
_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:(?:-|to)\s*(-?\d+(?:\.\d+)?)|\+)\s*$")


@dataclass(frozen=True)
class Grouping:
    """How the what-if column is split into groups: its categories, or numeric ranges.

    A range covers [low, high]; an open one ('65+') has no high. Integer notation is contiguous:
    '18-29, 30-44' also covers 29.5, because the next range starts within 1 of 29. Values in no
    range (a gap such as 30-64 in '18-29, 65+') belong to no group and are reported by ``gaps``.
    """

    column: str
    lows: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()
    highs: tuple[float | None, ...] = ()

    @property
    def numeric(self) -> bool:
        return bool(self.lows)

    def _upper(self, i: int) -> tuple[float, bool]:
        """Where range i ends, and whether that end is inside it (its high) or not (the next range's low)."""
        high = self.highs[i] if i < len(self.highs) else None
        following = self.lows[i + 1] if i + 1 < len(self.lows) else None
        if high is None:
            return (following, False) if following is not None else (np.inf, True)
        whole = float(high).is_integer() and following is not None and float(following).is_integer()
        if whole and following - high <= 1:  # '18-29, 30-44' also covers 29.5; '0-0.25, 0.5+' leaves a gap
            return following, False
        return high, True

    def ordered(self, values: Iterable[str]) -> list[str]:
        """Numeric groups in ascending order (as written), categories as given."""
        values = list(values)
        if not self.numeric:
            return values
        rank = {label: i for i, label in enumerate(self.labels)}
        return sorted(values, key=lambda v: rank.get(v, len(rank)))

    def counts(self, table: pd.DataFrame) -> dict[str, int]:
        """Rows per group, in the groups' order."""
        counts = value_counts(self.assign(table))
        return {g: counts[g] for g in self.ordered(counts)}

    def assign(self, table: pd.DataFrame) -> pd.Series:
        """The group of every row, as text; missing when a number lies in no range."""
        if not self.numeric:
            return table[self.column].astype("string")
        values = as_numbers(table[self.column])
        labels = np.full(len(values), None, dtype=object)
        for i, (low, label) in enumerate(zip(self.lows, self.labels, strict=True)):
            end, inclusive = self._upper(i)
            inside = (values >= low) & ((values <= end) if inclusive else (values < end))
            labels[inside] = label
        return pd.Series(labels, index=table.index, dtype="string", name=GROUP_COLUMN)

    def gaps(self, table: pd.DataFrame) -> list[str]:
        """Plain words for the values no range covers, with their row counts ('30-64: not in any group (812 rows)')."""
        if not self.numeric:
            return []
        values = as_numbers(table[self.column])
        outside = ~np.isnan(values) & self.assign(table).isna().to_numpy()
        found = []
        bounds = [(-np.inf, self.lows[0])] + [(self._upper(i)[0], self.lows[i + 1]) for i in range(len(self.lows) - 1)]
        bounds.append((self._upper(len(self.lows) - 1)[0], np.inf))
        for start, end in bounds:
            seen = values[outside & (values >= start) & (values <= end)]
            if len(seen):
                low, high = seen.min(), seen.max()
                span = f"{low:g}" if low == high else f"{low:g}{range_joint(low)}{high:g}"
                found.append(f"{span}: not in any group ({len(seen):,} {'row' if len(seen) == 1 else 'rows'})")
        return found


def range_joint(lowest: float) -> str:
    """What joins a range's ends: '18-29', but '-56 to -19', which '-56--19' would garble."""
    return " to " if lowest < 0 else "-"


def parse_buckets(column: str, text: str) -> Grouping:
    """Numeric ranges from text such as ``"18-29, 30-44, 45-64, 65+"`` or ``"-50 to -1, 0+"`` (ascending, not overlapping)."""
    parts = [p for p in re.split(r"[,;\n]", text) if p.strip()]
    if len(parts) < 2:
        raise SynthError("Give at least two groups, e.g. '18-29, 30-44, 45-64, 65+'.")
    lows: list[float] = []
    highs: list[float | None] = []
    for part in parts:
        match = _RANGE.match(part)
        if match is None:
            raise SynthError(f"Cannot read the group {part.strip()!r}; write ranges like '18-29' or '65+'.")
        low, high = float(match.group(1)), None if match.group(2) is None else float(match.group(2))
        if high is not None and high < low:
            raise SynthError(f"The group {part.strip()!r} runs backwards; write it low to high, e.g. '18-29'.")
        lows.append(low)
        highs.append(high)
    for i in range(len(parts) - 1):
        high = highs[i]
        if high is None or lows[i + 1] <= high:
            raise SynthError("Groups must be in ascending order without overlaps, e.g. '18-29, 30-44, 45+'.")
    return Grouping(column, tuple(lows), tuple(p.strip() for p in parts), tuple(highs))


def default_buckets(values: pd.Series, groups: int = 4) -> str:
    """Quartile-based bucket text for a numeric column, as a starting point the user edits."""
    numbers = as_numbers(values)
    numbers = numbers[~np.isnan(numbers)]
    edges = np.unique(np.round(np.quantile(numbers, np.linspace(0, 1, groups + 1)[:-1]), 0))
    edges[0] = np.floor(numbers.min())  # the smallest value belongs to the first group, decimals and all
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0] + 1])
    joint = range_joint(edges.min())
    return ", ".join([f"{a:g}{joint}{b - 1:g}" for a, b in itertools.pairwise(edges)] + [f"{edges[-1]:g}+"])


@dataclass(frozen=True)
class Simulation:
    table: pd.DataFrame
    mix_before: dict[str, float]
    mix_after: dict[str, float]


def _grouped(table: pd.DataFrame, schema: Schema, grouping: Grouping) -> tuple[pd.DataFrame, Schema, str]:
    if not grouping.numeric:
        if schema.kind(grouping.column) is not ColumnKind.CATEGORICAL:
            raise SynthError(f"{grouping.column!r} is {schema.kind(grouping.column)}: give numeric groups, e.g. '18-29, 30+'.")
        return table, schema, grouping.column
    grouped = table.assign(**{GROUP_COLUMN: grouping.assign(table)})
    info = ColumnInfo(GROUP_COLUMN, ColumnKind.CATEGORICAL, "what-if groups")
    return grouped, replace(schema, columns=(*schema.columns, info)), GROUP_COLUMN


def simulate(
    table: pd.DataFrame,
    *,
    schema: Schema,
    grouping: Grouping,
    shares: Mapping[str, float],
    rows: int | None = None,
    random_state: int = 0,
    progress: Progress | None = None,
) -> Simulation:
    """``rows`` generated records (default: as many as the table) whose groups follow ``shares``."""
    grouped, grouped_schema, column = _grouped(table, schema, grouping)
    plan = make_plan(grouped[column], shares, mode=Mode.FULL, rows=rows or len(table))
    generator = SyntheticGenerator(strict_min_rows=STRICT_GROUP_ROWS, random_state=random_state)
    generator.fit(grouped, grouped_schema, column, progress)
    generated = generator.sample(plan.target, progress)
    generated = conform(generated, table, schema)
    before = value_counts(grouped[column])
    return Simulation(
        generated,
        {v: before[v] / sum(before.values()) for v in grouping.ordered(before)},
        {v: plan.target[v] / sum(plan.target.values()) for v in grouping.ordered(plan.target)},
    )


def complete_rows(table: pd.DataFrame, fixed: pd.DataFrame, *, schema: Schema, random_state: int = 0) -> pd.DataFrame:
    """One generated record per row of ``fixed``: its columns as given, the others learned.

    The same generator as everywhere else, with the fixed columns first in its chain, so every
    other value is drawn among real rows that resemble the record's fixed values.
    """
    unknown = [c for c in fixed.columns if c not in table.columns]
    if unknown:
        raise SynthError(f"The seed table has columns the data lacks: {unknown}. Use the data's column names.")
    categorical, numeric = feature_kinds(schema, exclude="")
    given = [c for c in table.columns if c in fixed.columns and c in (*categorical, *numeric)]
    if not given:
        raise SynthError("The seed table must fix at least one modelled column of the data.")
    if len(fixed) == 0:
        raise SynthError("The seed table has no rows.")
    whole = table.assign(**{SEED_COLUMN: "all"})
    info = ColumnInfo(SEED_COLUMN, ColumnKind.CATEGORICAL, "one class: seeded generation")
    generator = SyntheticGenerator(first=given, random_state=random_state)
    generator.fit(whole, replace(schema, columns=(*schema.columns, info)), SEED_COLUMN)
    rows = generator.complete(fixed[given])
    for name in fixed.columns:
        rows[name] = fixed[name].to_numpy()
    return conform(rows, table, schema)
