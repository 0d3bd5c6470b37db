"""Range plans for a numeric column: which ranges of values are rare, and how many rows each must end with.

A numeric target (a claim amount, a price) has no classes, so the user names ranges of it
(``0-1000, 1000-10000, 10000+``) and a share per range; each range then plays the part a class
plays in ``synth.rebalancing.plan``, whose share arithmetic (hybrid and full modes, largest
remainder) is reused unchanged. A value on a boundary belongs to the higher range (``0-1000``
holds 0 up to, not including, 1000); the top range also holds its own upper end.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synth.errors import ParameterError, PlanError
from synth.rebalancing.plan import Mode, RebalancePlan, plan_from_counts
from synth.table import as_numbers

# The default split: the top TAIL_SHARE of values (above this quantile) is the rare range.
TAIL_SHARE = 0.05
# With no shares given, the rare tail is brought to this share of the rows.
DEFAULT_TAIL_SHARE = 0.2
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
BOUNDED = re.compile(rf"^({NUMBER})\s*(?:-|\.\.|to)\s*({NUMBER})$")
ABOVE = re.compile(rf"^({NUMBER})\s*\+$")
BELOW = re.compile(rf"^<\s*({NUMBER})$")


def number_text(value: float) -> str:
    """A boundary as people write it: 10000, 2.5, -300 (no exponent, no trailing zeros)."""
    return np.format_float_positional(float(value), trim="-")


@dataclass(frozen=True)
class ValueRange:
    """Values from ``low`` (included) up to ``high`` (excluded); None is an open end.

    >>> ValueRange(10_000.0, None).label  # '10000+'  # doctest: +SKIP
    """

    low: float | None
    high: float | None

    @property
    def label(self) -> str:
        if self.low is None:
            return f"<{number_text(self.high)}"  # type: ignore[arg-type]
        if self.high is None:
            return f"{number_text(self.low)}+"
        return f"{number_text(self.low)}-{number_text(self.high)}"

    def holds(self, values: np.ndarray, *, top: bool = False) -> np.ndarray:
        """Which ``values`` lie in the range (the top range also holds its upper end)."""
        low = -np.inf if self.low is None else self.low
        high = np.inf if self.high is None else self.high
        above = values >= low
        return above & ((values <= high) if top else (values < high))


def _parse_one(text: str) -> ValueRange:
    item = text.strip()
    if match := BOUNDED.match(item):
        low, high = float(match[1]), float(match[2])
        if not low < high:
            raise ParameterError("ranges", f"The range {item!r} must go from a lower to a higher value.")
        return ValueRange(low, high)
    if match := ABOVE.match(item):
        return ValueRange(float(match[1]), None)
    if match := BELOW.match(item):
        return ValueRange(None, float(match[1]))
    raise ParameterError(
        "ranges", f"{item!r} is not a range; write LOW-HIGH (0-1000), LOW+ (10000+) or <HIGH (<0), separated by commas."
    )


def parse_ranges(ranges: str | Sequence[str | ValueRange]) -> tuple[ValueRange, ...]:
    """``'0-1000, 1000-10000, 10000+'`` (or a list of such texts) as ranges, ascending and not overlapping.

    >>> parse_ranges("0-1000, 1000-10000, 10000+")[-1].label  # '10000+'  # doctest: +SKIP
    """
    items = [r for r in ranges.split(",") if r.strip()] if isinstance(ranges, str) else list(ranges)
    parsed = [r if isinstance(r, ValueRange) else _parse_one(str(r)) for r in items]
    if len(parsed) < 2:
        raise ParameterError("ranges", f"Name at least two ranges, e.g. '0-1000, 1000+'; got {len(parsed)}.")
    for before, after in itertools.pairwise(parsed):
        end = math.inf if before.high is None else before.high
        start = -math.inf if after.low is None else after.low
        if end > start:
            raise ParameterError(
                "ranges",
                f"The ranges must be ascending and must not overlap: {before.label!r} ends above where {after.label!r} starts.",
            )
    return tuple(parsed)


def range_labels(values: pd.Series, ranges: Sequence[ValueRange]) -> np.ndarray:
    """Each row's range label (object array); None for a missing value or one outside every range."""
    numbers = as_numbers(values)
    labels = np.full(len(numbers), None, dtype=object)
    for index, value_range in enumerate(ranges):
        inside = value_range.holds(numbers, top=index == len(ranges) - 1)
        labels[inside & (labels == None)] = value_range.label  # noqa: E711 (elementwise)
    return labels


def nice(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant figures, so a default boundary reads well (12,345.6 -> 12,300)."""
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(round(value, digits - 1 - math.floor(math.log10(abs(value)))))


def default_ranges(values: pd.Series, *, tail: float = TAIL_SHARE) -> tuple[tuple[ValueRange, ...], str]:
    """Two ranges that isolate the rare tail: below and from the ``1 - tail`` quantile; and a sentence saying so."""
    numbers = as_numbers(values)
    known = numbers[~np.isnan(numbers)]
    if len(np.unique(known)) < 2:
        raise PlanError(f"Column {values.name!r} has fewer than two distinct numbers; it has no range to rebalance.")
    cut = nice(float(np.quantile(known, 1 - tail)))
    if not known.min() < cut <= known.max():
        cut = float(np.unique(known)[-1])  # the top value alone, when a tenth of the column shares it
    ranges = (ValueRange(None, cut), ValueRange(cut, None))
    share = float(np.mean(known >= cut))
    note = (
        f"No ranges given: the rare range is {ranges[1].label} (the top {share:.1%} of {values.name!r}, from about its "
        f"{1 - tail:.0%} percentile), the rest is {ranges[0].label}."
    )
    return ranges, note


@dataclass(frozen=True)
class RangePlan:
    """The ranges of a numeric column and the row counts per range (a ``RebalancePlan`` over range labels).

    >>> synth.make_range_plan(table["claim"], ranges="0-1000, 1000+", shares={"1000+": 0.3}).plan.additions  # doctest: +SKIP
    """

    ranges: tuple[ValueRange, ...]
    plan: RebalancePlan
    notes: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        return self.plan.column

    @property
    def additions(self) -> dict[str, int]:
        return self.plan.additions

    def labels(self, values: pd.Series) -> np.ndarray:
        return range_labels(values, self.ranges)

    def by_label(self) -> dict[str, ValueRange]:
        return {r.label: r for r in self.ranges}

    def rare_first(self) -> list[str]:
        """Range labels from the rarest (fewest real rows) to the most common."""
        return sorted(self.plan.current, key=lambda label: (self.plan.current[label], label))


def _check_inside(values: pd.Series, labels: np.ndarray) -> None:
    outside = values[pd.Series(labels, index=values.index).isna() & values.notna()]
    if len(outside):
        shown = ", ".join(number_text(v) for v in np.unique(as_numbers(outside))[:5])
        raise PlanError(
            f"{len(outside):,} value(s) of {values.name!r} lie outside every range, such as {shown}; "
            "add a range that holds them (LOW+ or <HIGH for open ends)."
        )


def _share_label(key: str) -> str:
    """A share's range as its label, however it was spelled ('1e4+' or '10000 +' is '10000+')."""
    try:
        return _parse_one(str(key)).label
    except ParameterError:
        return str(key)


def make_range_plan(
    values: pd.Series,
    *,
    ranges: str | Sequence[str | ValueRange] | None = None,
    shares: Mapping[str, float] | None = None,
    mode: Mode | str = Mode.HYBRID,
    rows: int | None = None,
) -> RangePlan:
    """Rows per range of the numeric ``values`` under ``shares`` (keyed by range label, e.g. ``{'10000+': 0.2}``).

    With no ``ranges``, the top 5% of values is the rare range; with no ``shares``, the rarest range gets 20%.
    Every value must lie in a range (missing values are not in any and are kept as they are).

    >>> synth.make_range_plan(table["claim"], ranges="0-1000,1000-10000,10000+", shares={"10000+": 0.2})  # doctest: +SKIP
    """
    notes: list[str] = []
    if ranges is None:
        parsed, note = default_ranges(values)
        notes.append(note)
    else:
        parsed = parse_ranges(ranges)
    labels = range_labels(values, parsed)
    _check_inside(values, labels)
    counts = {r.label: int(np.sum(labels == r.label)) for r in parsed}
    empty = [label for label, n in counts.items() if n == 0]
    if empty:
        raise PlanError(f"The range {empty[0]!r} holds no rows of {values.name!r}; drop it or widen a neighbour.")
    if not shares:
        rarest = min(counts, key=counts.__getitem__)
        shares = {rarest: max(DEFAULT_TAIL_SHARE, counts[rarest] / sum(counts.values()))}
        notes.append(f"No shares given: the rarest range, {rarest}, is brought to {shares[rarest]:.0%} of the rows.")
    shares = {_share_label(key): share for key, share in shares.items()}
    unknown = [s for s in shares if s not in counts]
    if unknown:
        raise PlanError(f"{unknown[0]!r} is not one of the ranges; they are {', '.join(counts)}.")
    plan = plan_from_counts(str(values.name), counts, shares, mode, rows, table_rows=len(values))
    return RangePlan(parsed, plan, tuple(notes))
