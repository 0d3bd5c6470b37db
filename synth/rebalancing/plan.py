"""Translate the user's target shares into how many rows each class must end with, in one place.

Shares name the share of rows a value holds in the output; values not named keep their relative
proportions in what remains. ``hybrid`` keeps every real row and adds the fewest rows that meet
the shares; ``full`` generates exactly ``rows`` rows with those shares.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from synth.errors import ParameterError, PlanError
from synth.schema import ColumnKind, Schema
from synth.table import value_counts

SHARE_TOLERANCE = 1e-6
# The largest output a plan may ask for, checked before any work (about 4 GB for 50 columns).
MAX_OUTPUT_ROWS = 10_000_000
# Shares typed by hand (0.333 three times) may miss 1 by this much; they are then rescaled to 1.
TYPED_SHARE_TOLERANCE = 2e-3


class Mode(StrEnum):
    """Hybrid keeps every real row and adds the fewest rows that meet the shares; full generates every row; grow
    keeps every real row and adds a chosen number of rows of every value, in today's shares or in set ones.

    >>> synth.make_plan(table["income"], {">50K": 0.5}, mode=synth.Mode.FULL, rows=10_000)  # doctest: +SKIP
    """

    HYBRID = "hybrid"
    GROW = "grow"
    FULL = "full"


@dataclass(frozen=True)
class RebalancePlan:
    """Current and target row counts per value of the rebalanced column.

    >>> synth.make_plan(table["income"], {">50K": 0.5}).additions  # {">50K": 22_150}  # doctest: +SKIP
    """

    column: str
    mode: Mode
    current: dict[str, int]
    target: dict[str, int]

    @property
    def additions(self) -> dict[str, int]:
        """Rows to generate per value: the gap in hybrid mode, everything in full mode."""
        if self.mode is Mode.FULL:
            return dict(self.target)
        return {v: self.target[v] - self.current[v] for v in self.target}

    def to_frame(self) -> pd.DataFrame:
        total_now, total_then = sum(self.current.values()), sum(self.target.values())
        return pd.DataFrame(
            {
                "value": list(self.target),
                "rows now": [self.current[v] for v in self.target],
                "share now": [self.current[v] / total_now for v in self.target],
                "rows after": list(self.target.values()),
                "share after": [n / total_then for n in self.target.values()],
                "rows generated": list(self.additions.values()),
            }
        )


def match_value(text: str, values: Iterable[str]) -> str:
    """The column value a user typed, compared as text and, failing that, as a number (1 == 1.0)."""
    values = list(values)
    if text in values:
        return text
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        for value in values:
            try:
                if float(value) == number:
                    return value
            except ValueError:
                continue
    raise PlanError(f"{text!r} is not a value of the column; it has {values[:20]}.")


def add_up(shares: Mapping[str, float]) -> bool:
    """Whether shares typed by a person add up to 1 (to the rounding of a typed percentage)."""
    return abs(sum(shares.values()) - 1.0) <= TYPED_SHARE_TOLERANCE


def normalise_rest(shares: Mapping[str, float], changed: set[str]) -> dict[str, float]:
    """The changed shares as set; the others scaled to fill what is left (all scaled if nothing else is left)."""
    fixed = sum(shares[g] for g in changed)
    rest = {g: v for g, v in shares.items() if g not in changed}
    room, weight = 1.0 - fixed, sum(rest.values())
    if not changed or room < 0 or weight <= 0:
        total = sum(shares.values())
        return {g: v / total for g, v in shares.items()} if total > 0 else dict(shares)
    return {g: (v * room / weight if g in rest else v) for g, v in shares.items()}


def _check_shares(shares: Mapping[str, float], current: Mapping[str, int]) -> None:
    if not shares:
        raise PlanError("Name at least one value and its target share, e.g. '>50K=0.5'.")
    for value, share in shares.items():
        if not 0.0 <= share <= 1.0 or math.isnan(share):
            raise PlanError(f"The share of {value!r} must be between 0 and 1; got {share}.")
    total = sum(shares.values())
    if total > 1.0 + TYPED_SHARE_TOLERANCE:
        raise PlanError(f"The shares add up to {total:.3f}; they must add up to at most 1.")
    unnamed = [v for v in current if v not in shares]
    if not unnamed and not add_up(shares):
        raise PlanError(f"The shares name every value but add up to {total:.3f}; they must add up to 1.")


def _full_shares(shares: Mapping[str, float], current: Mapping[str, int]) -> dict[str, float]:
    """Every value's share: named ones as given, the rest split by their current proportions."""
    total = sum(shares.values())
    unnamed_total = sum(n for v, n in current.items() if v not in shares)
    if unnamed_total == 0 or total > 1.0:
        return {v: shares.get(v, 0.0) / total for v in current}  # rescale hand-typed shares to exactly 1
    return {v: shares[v] if v in shares else (1.0 - total) * n / unnamed_total for v, n in current.items()}


def apportion(shares: Mapping[str, float], total: int) -> dict[str, int]:
    """Whole row counts with these shares summing to ``total`` (largest remainder)."""
    raw = {v: s * total for v, s in shares.items()}
    counts = {v: math.floor(x) for v, x in raw.items()}
    by_remainder = sorted(raw, key=lambda v: raw[v] - counts[v], reverse=True)
    for v in by_remainder[: total - sum(counts.values())]:
        counts[v] += 1
    return counts


def make_plan(
    values: pd.Series,
    shares: Mapping[str, float],
    *,
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
) -> RebalancePlan:
    """Target counts for ``values`` (the column to rebalance) under ``shares``.

    >>> synth.make_plan(table["income"], {">50K": 0.5}, mode="hybrid").to_frame()  # doctest: +SKIP
    """
    return plan_from_counts(str(values.name), value_counts(values), shares, mode, rows, table_rows=len(values))


def plan_from_counts(
    column: str,
    current: Mapping[str, int],
    shares: Mapping[str, float],
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
    *,
    table_rows: int | None = None,
    max_rows: int = MAX_OUTPUT_ROWS,
) -> RebalancePlan:
    """Target counts from rows per value (most frequent first), so a partitioned table plans from its counts.

    ``table_rows`` (default: the sum of the counts) also counts rows whose value is missing; ``max_rows`` caps
    the output (a cluster writes partitions to disk, so it may allow more than one process holds).
    """
    mode = Mode(mode)
    current = dict(current)
    if len(current) < 2:
        raise PlanError(f"Column {column!r} has {len(current)} distinct value(s); rebalancing needs at least two.")
    if mode is Mode.GROW:
        return _grow(column, current, shares, rows, max_rows)
    shares = {match_value(v, current): s for v, s in shares.items()}
    _check_shares(shares, current)
    every = _full_shares(shares, current)
    if mode is Mode.FULL:
        total = (sum(current.values()) if table_rows is None else table_rows) if rows is None else rows
        if not 1 <= total <= max_rows:
            raise ParameterError("rows", f"The number of rows to generate must be between 1 and {max_rows:,}; got {total:,}.")
        return RebalancePlan(column, mode, current, apportion(every, total))
    if rows is not None:
        raise ParameterError(
            "rows", "A row count applies to fully synthetic output only; hybrid adds the fewest rows that meet the shares."
        )
    for value, count in current.items():
        if every[value] <= 0:
            raise PlanError(
                f"Hybrid mode keeps every real row, so {value!r} ({count} rows) cannot get a share of 0. "
                "Give it a share above 0, or generate a fully synthetic table."
            )
    total = max(math.ceil(count / every[value] - SHARE_TOLERANCE) for value, count in current.items())
    if total > max_rows:
        raise PlanError(
            f"Meeting these shares while keeping every real row needs {total:,} rows, more than the {max_rows:,} "
            "allowed. Choose a smaller share for the rare value."
        )
    target = apportion(every, total)
    short = {v for v in target if target[v] < current[v]}
    while short:
        total += 1
        target = apportion(every, total)
        short = {v for v in target if target[v] < current[v]}
    return RebalancePlan(column, mode, current, target)


def _grow(column: str, current: dict[str, int], shares: Mapping[str, float], rows: int | None, max_rows: int) -> RebalancePlan:
    """``rows`` new rows beside the real ones: in today's shares (no ``shares``), or so that the whole table meets them."""
    real = sum(current.values())
    if rows is None or isinstance(rows, bool) or not 1 <= rows <= max_rows - real:
        raise ParameterError(
            "rows", f"Growing adds a number of rows: give from 1 to {max_rows - real:,} rows to add; got {rows!r}."
        )
    if not shares:
        added = apportion({v: n / real for v, n in current.items()}, rows)
        return RebalancePlan(column, Mode.GROW, current, {v: current[v] + added[v] for v in current})
    shares = {match_value(v, current): s for v, s in shares.items()}
    _check_shares(shares, current)
    target = apportion(_full_shares(shares, current), real + rows)
    short = {v: current[v] - target[v] for v in current if target[v] < current[v]}
    if short:
        value, missing = next(iter(short.items()))
        raise PlanError(
            f"Growing keeps every real row, so with these shares {value!r} would need {missing:,} fewer rows. "
            "Add more rows, or choose shares closer to today's."
        )
    return RebalancePlan(column, Mode.GROW, current, target)


def equal_shares(current: Mapping[str, int]) -> dict[str, float]:
    """Every value the same share, the multi-class starting point."""
    return {v: 1.0 / len(current) for v in current}


# Column names that usually hold the outcome a model predicts (matched as whole words).
TARGET_WORDS = frozenset(
    [
        "target",
        "label",
        "class",
        "y",
        "outcome",
        "result",
        "response",
        "income",
        "default",
        "fraud",
        "churn",
        "churned",
        "converted",
        "subscribed",
        "defaulted",
        "diagnosis",
        "variant",
        "status",
        "approved",
        "flag",
    ]
)
# On the seed benchmark, upsampling stops helping once the rare class holds about this share.
NOT_RARE_SHARE = 0.05


def candidate_columns(table: pd.DataFrame, schema: Schema) -> list[str]:
    """Categorical columns with at least two values: the ones that can be rebalanced."""
    return [c for c in schema.names(ColumnKind.CATEGORICAL) if len(value_counts(table[c])) >= 2]


def suggest_column(table: pd.DataFrame, schema: Schema, hint: str | None = None) -> str | None:
    """The column most likely to be the outcome: last in the table, a known name, two values.

    A demo's own ``hint`` wins; among equals, the more imbalanced column. Being last outweighs a
    name: tables put the outcome last by convention, while names such as ``default`` or ``status``
    are also common features (a bank table's ``default`` beside its last column ``deposit``).
    """
    candidates = candidate_columns(table, schema)
    if hint in candidates:
        return hint
    if not candidates:
        return None
    last = table.columns[-1]

    def score(name: str) -> tuple[int, float]:
        words = set(re.split(r"[^a-z0-9]+", name.lower()))
        counts = value_counts(table[name])
        named = bool(words & TARGET_WORDS) or name.lower().startswith(("is_", "has_"))
        usable = min(counts.values()) >= 2
        return (4 * named + 2 * (len(counts) == 2) + 5 * (name == last) + 16 * usable, -min(counts.values()) / len(table))

    return max(candidates, key=score)


def rarity_advice(counts: Mapping[str, int]) -> str | None:
    """A plain-words warning when the rarest value is not rare enough for upsampling to help."""
    total = sum(counts.values())
    rarest = min(counts, key=counts.__getitem__)
    share = counts[rarest] / total
    if share < NOT_RARE_SHARE:
        return None
    return (
        f"The rarest value, {rarest!r}, already holds {share:.1%} of rows. On the seed benchmark upsampling stopped "
        f"helping from about {NOT_RARE_SHARE:.0%}: expect every method, including the untouched data, to score alike."
    )
