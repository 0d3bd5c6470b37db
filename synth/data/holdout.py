"""Split off the real holdout before anything is rebalanced, so scores never touch generated rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from synth.errors import ParameterError, PlanError, SynthError
from synth.table import as_labels, row_keys, rows_of, value_counts


@dataclass(frozen=True)
class Split:
    """The training rows and the real holdout split off before any rebalancing, and how it was made.

    >>> split = synth.split_holdout(table, column="income")  # split.train, split.holdout, split.description  # doctest: +SKIP
    """

    train: pd.DataFrame
    holdout: pd.DataFrame
    description: str


def split_holdout(table: pd.DataFrame, *, column: str, share: float = 0.2, random_state: int = 0) -> Split:
    """A stratified ``share`` of rows as holdout; values with a single row stay in training.

    A value seen once cannot be both learned from and scored on; training needs it more.

    >>> split = synth.split_holdout(table, column="income", share=0.2)  # split.train, split.holdout  # doctest: +SKIP
    """
    if not 0.0 < share < 1.0:
        raise ParameterError("holdout_share", f"The holdout share must be between 0 and 1 (exclusive); got {share}.")
    counts = value_counts(table[column])
    labels = pd.Series(as_labels(table[column]))
    single = labels.isin([v for v, n in counts.items() if n < 2]).to_numpy()
    rest = np.flatnonzero(~single)
    if len(rest) < 2:
        raise PlanError("Too few rows to split off a holdout; give a separate holdout table instead.")
    train_idx, holdout_idx = train_test_split(rest, test_size=share, random_state=random_state, stratify=labels.iloc[rest])
    train_idx = np.sort(np.r_[train_idx, np.flatnonzero(single)])
    note = f"{len(holdout_idx):,} real rows ({share:.0%}, stratified by {column!r}, seed {random_state}) split off before any rebalancing"
    if single.any():
        note += f"; {int(single.sum())} row(s) of values seen only once stay in training"
    return Split(table.iloc[train_idx], table.iloc[np.sort(holdout_idx)], note)


# A holdout repeating at least this share of its rows from training would score memory, not learning.
MAX_OVERLAP = 0.1


def check_holdout(table: pd.DataFrame, holdout: pd.DataFrame) -> str:
    """An uploaded holdout must have the training table's columns and not repeat its rows (see ``overlap``)."""
    missing = [c for c in table.columns if c not in holdout.columns]
    if missing:
        raise SynthError(f"The holdout file lacks the column(s) {missing}; it must have the same columns as the data.")
    return overlap(table, holdout)


def overlap(table: pd.DataFrame, holdout: pd.DataFrame) -> str:
    """A warning when holdout rows also appear in training; a holdout that is largely the training
    table itself is refused.

    Tables of a few coarse columns repeat rows by nature, so repeats are judged against how often
    training repeats itself: refused only when the holdout repeats training rows by at least
    ``MAX_OVERLAP`` more than that, and half or more of its rows in all.
    """
    shared = [c for c in table.columns if c in holdout.columns]
    train_keys = row_keys(table, shared)
    repeated = int(np.isin(row_keys(holdout, shared), train_keys).sum())
    if not repeated:
        return ""
    itself = float(pd.Series(train_keys).duplicated(keep=False).mean())
    share = repeated / len(holdout)
    if share >= 0.5 and share >= itself + MAX_OVERLAP:
        raise SynthError(
            f"{repeated:,} of the holdout's {len(holdout):,} rows also appear in the training table, so scores on it "
            "would reward memorising; give a holdout of rows kept apart from training."
        )
    return (
        f"{repeated:,} holdout row(s) also appear in the training table: rows of few coarse columns repeat by nature "
        f"(here {itself:.0%} of training rows repeat one another), and a model scores such rows as if it had seen them"
    )


def choose_holdout(
    table: pd.DataFrame, column: str, holdout: pd.DataFrame | None = None, share: float = 0.2, label: str = ""
) -> Split:
    """The given holdout (all of ``table`` trains) when there is one, else a stratified split."""
    if holdout is None:
        return split_holdout(table, column=column, share=share)
    warning = check_holdout(table, holdout)
    description = label or f"uploaded holdout of {len(holdout):,} real rows"
    return Split(table, holdout, f"{description} ({warning})" if warning else description)


def keep_rare_rows(split: Split, column: str, value: str, rows: int, random_state: int = 0) -> Split:
    """Training keeps only ``rows`` of its ``value`` rows (chosen at random); the holdout is untouched.

    This shows the methods at extreme imbalance on any table, scored at the natural rate.
    """
    own = rows_of(split.train, column, value)
    if not 1 <= rows <= len(own):
        raise ParameterError("rows", f"Keep between 1 and {len(own):,} rows of {value!r}; got {rows:,}.")
    if rows == len(own):
        return split
    dropped = np.random.default_rng(random_state).choice(own, size=len(own) - rows, replace=False)
    train = split.train.drop(index=split.train.index[dropped])
    note = f"{split.description}; training keeps only {rows:,} of its {len(own):,} {value!r} rows"
    return Split(train, split.holdout, note)
