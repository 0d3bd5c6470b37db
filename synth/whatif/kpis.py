"""KPIs users define without code (sum / mean / median of a column, share of a category, row
count, each optionally per group) and their original-vs-scenario comparison."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from synth.errors import SynthError, UnknownColumn
from synth.labels import ORIGINAL, SCENARIO
from synth.table import as_numbers

ALL = "(all rows)"


class Aggregate(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    MEDIAN = "median"
    SHARE = "share"
    COUNT = "count"


@dataclass(frozen=True)
class Kpi:
    """``aggregate`` of ``column`` (for share: rows whose column equals ``category``), per ``by``."""

    name: str
    aggregate: Aggregate
    column: str = ""
    category: str = ""
    by: str = ""

    def check(self, table: pd.DataFrame) -> None:
        needs_column = self.aggregate is not Aggregate.COUNT
        if needs_column and self.column not in table.columns:
            raise UnknownColumn("column", self.column, table.columns, where=f"the table for KPI {self.name!r} ({self.aggregate})")
        if self.by and self.by not in table.columns:
            raise UnknownColumn("by", self.by, where=f"the table for KPI {self.name!r}")
        if self.aggregate is Aggregate.SHARE and not self.category:
            raise SynthError(f"KPI {self.name!r}: a share needs the category to count, e.g. 'yes'.")
        numeric = self.aggregate in (Aggregate.SUM, Aggregate.MEAN, Aggregate.MEDIAN)
        if numeric and not np.isfinite(as_numbers(table[self.column])).any():
            raise SynthError(f"KPI {self.name!r}: {self.column!r} has no numbers to {self.aggregate}.")

    def to_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict[str, str]) -> Kpi:
        return cls(
            values["name"],
            Aggregate(values["aggregate"]),
            values.get("column", ""),
            values.get("category", ""),
            values.get("by", ""),
        )


def _aggregate(part: pd.DataFrame, kpi: Kpi) -> float:
    if kpi.aggregate is Aggregate.COUNT:
        return float(len(part))
    if kpi.aggregate is Aggregate.SHARE:
        return float((part[kpi.column].astype("string") == kpi.category).fillna(False).mean()) if len(part) else float("nan")
    values = as_numbers(part[kpi.column])
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return float("nan")
    return float({Aggregate.SUM: np.sum, Aggregate.MEAN: np.mean, Aggregate.MEDIAN: np.median}[kpi.aggregate](values))


def kpi_values(table: pd.DataFrame, kpi: Kpi) -> pd.Series:
    """The KPI over all rows, or per group of ``kpi.by``."""
    kpi.check(table)
    if not kpi.by:
        return pd.Series({ALL: _aggregate(table, kpi)})
    groups = table[kpi.by].astype("string").fillna("(missing)")
    return pd.Series({str(g): _aggregate(part, kpi) for g, part in table.groupby(groups, sort=True)})


def compare_kpis(original: pd.DataFrame, scenario: pd.DataFrame, kpis: Sequence[Kpi]) -> pd.DataFrame:
    """One row per KPI and group: original, scenario, delta and relative delta."""
    rows = []
    for kpi in kpis:
        before, after = kpi_values(original, kpi), kpi_values(scenario, kpi)
        for group in before.index.union(after.index):
            a, b = before.get(group, np.nan), after.get(group, np.nan)
            rows.append(
                {
                    "kpi": kpi.name,
                    "group": group,
                    ORIGINAL: a,
                    SCENARIO: b,
                    "delta": b - a,
                    "delta %": (b - a) / abs(a) if np.isfinite(a) and a != 0 else np.nan,
                }
            )
    return pd.DataFrame(rows, columns=["kpi", "group", ORIGINAL, SCENARIO, "delta", "delta %"])


def default_kpis(table: pd.DataFrame, numeric: Sequence[str], categorical: Sequence[str]) -> list[Kpi]:
    """A starting set: row count, the mean of the two most varied numbers (amounts rather than
    codes or ages), the share of a binary column's rarer value."""
    kpis = [Kpi("rows", Aggregate.COUNT)]
    varied = sorted(numeric, key=lambda c: table[c].nunique(), reverse=True)[:2]
    kpis += [Kpi(f"mean {c}", Aggregate.MEAN, c) for c in varied]
    for column in categorical:
        counts = table[column].astype("string").value_counts()
        if len(counts) == 2:
            rare = str(counts.index[-1])
            kpis.append(Kpi(f"share {column}={rare}", Aggregate.SHARE, column, rare))
            break
    return kpis


def kpi_number(value: float, whole: bool, sign: str = "") -> str:
    """A KPI value as the page writes it: whole numbers (counts) without decimals, others with three."""
    if not np.isfinite(value):
        return ""
    return f"{value:{sign},.0f}" if whole else f"{value:{sign},.3f}"


def _whole(frame: pd.DataFrame, columns: Sequence[str]) -> list[bool]:
    values = frame[list(columns)].to_numpy(dtype=float)
    return [bool(np.all(np.mod(row[np.isfinite(row)], 1) == 0)) for row in values]


def kpi_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A KPI comparison as text: whole numbers (counts) without decimals, others with three."""
    out = frame[["kpi", "group"]].copy()
    whole = _whole(frame, [ORIGINAL, SCENARIO])
    for name, sign in ((ORIGINAL, ""), (SCENARIO, ""), ("delta", "+")):
        out[name] = [kpi_number(v, w, sign) for v, w in zip(frame[name], whole, strict=True)]
    out["delta %"] = [f"{v:+.1%}" if np.isfinite(v) else "" for v in frame["delta %"]]
    return out


def scenarios_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Several scenarios' KPIs (``scenarios_frame``) as text, formatted as ``kpi_display`` formats one."""
    values = [c for c in frame.columns if c not in ("kpi", "group")]
    out = frame[["kpi", "group"]].copy()
    whole = _whole(frame, values)
    for name in values:
        out[name] = [kpi_number(v, w) for v, w in zip(frame[name].astype(float), whole, strict=True)]
    return out
