"""What kind each column of a table is: the vocabulary every step shares, with no detection in it.

Kept apart from ``synth.data.kinds`` (which detects kinds) so that ``synth.table`` and the
encoders can speak of kinds without importing the detectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from synth.errors import UnknownColumn


class ColumnKind(StrEnum):
    """What a column holds, as detected or as the user set it: it decides how every method treats the column.

    >>> synth.detect_schema(table).kind("age")  # ColumnKind.NUMERIC  # doctest: +SKIP
    """

    CATEGORICAL = "categorical"
    NUMERIC = "numeric"
    DATETIME = "datetime"
    ID = "id-like"
    CONSTANT = "constant"

    @property
    def modelled(self) -> bool:
        """Whether samplers and generators learn from this kind of column."""
        return self in (ColumnKind.CATEGORICAL, ColumnKind.NUMERIC, ColumnKind.DATETIME)


# The reason a column carries when the user set its kind.
SET_BY_USER = "set by you"


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    kind: ColumnKind
    reason: str


@dataclass(frozen=True)
class Schema:
    """The kind of every column of a table, in table order.

    >>> synth.detect_schema(table).with_overrides({"zip": "categorical"}).unmodelled()  # doctest: +SKIP
    """

    columns: tuple[ColumnInfo, ...]

    def kind(self, name: str) -> ColumnKind:
        return self._by_name()[name].kind

    def names(self, *kinds: ColumnKind) -> list[str]:
        return [c.name for c in self.columns if c.kind in kinds]

    def modelled(self) -> list[str]:
        return [c.name for c in self.columns if c.kind.modelled]

    def features(self, target: str) -> list[str]:
        """Modelled columns but ``target``: what a model learns from and a comparison reads."""
        return [name for name in self.modelled() if name != target]

    def unmodelled(self) -> list[str]:
        """ID-like and constant columns: kept in every output, never learned from or scored on."""
        return [c.name for c in self.columns if not c.kind.modelled]

    def _by_name(self) -> dict[str, ColumnInfo]:
        return {c.name: c for c in self.columns}

    def overrides(self) -> dict[str, str]:
        """The kinds the user set (``with_overrides``), by column: what to carry over to a redetected table."""
        return {c.name: str(c.kind) for c in self.columns if c.reason == SET_BY_USER}

    def with_overrides(self, overrides: Mapping[str, ColumnKind | str]) -> Schema:
        """A copy where the user's choices replace detected kinds."""
        by_name = self._by_name()
        for name in overrides:
            if name not in by_name:
                raise UnknownColumn("kinds", name)
        return Schema(
            tuple(
                ColumnInfo(c.name, ColumnKind(overrides[c.name]), SET_BY_USER) if c.name in overrides else c for c in self.columns
            )
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "column": [c.name for c in self.columns],
                "kind": [str(c.kind) for c in self.columns],
                "used": [c.kind.modelled for c in self.columns],
                "why": [c.reason for c in self.columns],
            }
        )
