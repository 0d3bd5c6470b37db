"""Fill gaps without leaking the holdout: split off the real holdout first, then fill training rows from each other.

A holdout value used as a donor would reach training, and a model scored on that holdout would be
judged on rows it has, in part, already seen. The holdout keeps its real values, gaps included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from synth.data.holdout import Split, split_holdout
from synth.imputation.chained import Imputation, impute
from synth.imputation.gaps import find_gaps
from synth.progress import Progress
from synth.schema import Schema


@dataclass(frozen=True)
class FilledSplit:
    """The training rows, filled from each other only, and the real holdout split off before filling.

    >>> synth.impute_training_rows(table, column="income").split.holdout  # real rows, gaps and all  # doctest: +SKIP
    """

    split: Split = field(repr=False)
    imputation: Imputation = field(repr=False)  # the fill of the training rows
    notes: tuple[str, ...] = ()  # chosen columns left unfilled, and why

    @property
    def description(self) -> str:
        return f"{self.split.description}; {self.imputation.cells:,} cells of the {len(self.split.train):,} training rows filled"


def impute_training_rows(
    table: pd.DataFrame,
    *,
    column: str,
    share: float = 0.2,
    columns: Sequence[str] | None = None,
    schema: Schema | None = None,
    random_state: int = 0,
    progress: Progress | None = None,
) -> FilledSplit:
    """Split off a stratified ``share`` of real rows by ``column`` (the split the Plan step makes), then fill the
    gaps of ``columns`` in the other rows from each other only.

    >>> filled = impute_training_rows(adult, column="income", columns=["workclass"])  # doctest: +SKIP
    >>> filled.split.train, filled.split.holdout  # filled training rows, untouched real holdout  # doctest: +SKIP
    """
    split = split_holdout(table, column=column, share=share)
    train = split.train.reset_index(drop=True)
    holdout = split.holdout.reset_index(drop=True)
    chosen = [columns] if isinstance(columns, str) else columns
    empty = [c for c in chosen or () if c in train.columns and find_gaps(train[[c]]).mask[c].all()]
    fill = None if chosen is None else [c for c in chosen if c not in empty]
    imputation = impute(train, columns=fill, schema=schema, random_state=random_state, progress=progress)
    notes = [f"Column {c!r} has values only in the holdout rows, so its gaps in training are left as they are." for c in empty]
    notes.append(
        f"{imputation.cells:,} cells of the {len(train):,} training rows were filled; the {len(holdout):,} holdout rows keep "
        "their real values and their gaps, now missing values."
    )
    split = Split(without_tokens(imputation.table), without_tokens(holdout), split.description)
    return FilledSplit(split, imputation, tuple(notes))


def without_tokens(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every gap as a missing value, whatever its spelling ('?', 'null', ...), and numbers or dates that
    were text only because of such spellings read as what they are: what a model should see of a gap."""
    return find_gaps(table).view
