"""What a fill did to each column, for people to check: values and relations before and after.

Per filled column: the shares of its observed values, of the values filled in, and of what
mean/mode filling would have put there; and its association (Cramer's V over the assessments'
buckets) with the column most related to it, on the observed rows, and on the filled cells and
the whole table after our fill and after mean/mode filling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth.assess.compare import distribution
from synth.assess.fidelity import cramers_v
from synth.assess.groups import Buckets
from synth.imputation.chained import MODELLED, Imputation, kinds_of
from synth.imputation.gaps import find_gaps
from synth.schema import ColumnKind, Schema

OBSERVED = "observed values"
FILLED = "filled by us"
MEAN_MODE = "mean/mode filling"
# Association is measured on at most this many rows (a sample, seed 0): enough for two decimals.
ASSOCIATION_ROWS = 50_000


@dataclass(frozen=True)
class ColumnReview:
    column: str
    filled: int
    distribution: pd.DataFrame = field(repr=False)  # source, bucket, share
    related: str | None
    association: dict[str, float]  # Cramer's V with ``related``, by what was measured


def gap_summary(table: pd.DataFrame, schema: Schema | None = None) -> pd.DataFrame:
    """Gaps per column (share, count, how they were written, kind once gaps are set aside), most gaps first."""
    gaps = find_gaps(table)
    counts = gaps.mask.sum()
    kinds = kinds_of(gaps.view, schema)
    frame = pd.DataFrame(
        {
            "column": [str(c) for c in table.columns],
            "kind": [str(kinds.kind(c)) for c in table.columns],
            "gaps": counts.to_numpy(dtype=int),
            "share": (counts / max(len(table), 1)).to_numpy(dtype=float),
            "written as": [", ".join(repr(t) for t in gaps.tokens.get(str(c), {})) for c in table.columns],
        }
    )
    return frame.sort_values("gaps", ascending=False, kind="stable").reset_index(drop=True)


def _mean_or_mode(values: pd.Series, kind: ColumnKind, gap: np.ndarray) -> pd.Series:
    """The column as mean (numbers, dates) or mode (categories) filling would leave it."""
    observed = values[~gap]
    if kind not in (ColumnKind.NUMERIC, ColumnKind.DATETIME):
        fill = observed.astype("string").mode().iloc[0]
        return values.astype("string").where(~gap, fill)
    numbers = pd.to_numeric(observed, errors="coerce") if kind is ColumnKind.NUMERIC else observed
    filled = numbers.reindex(values.index) if kind is ColumnKind.NUMERIC else values.copy()
    filled[gap] = numbers.mean()
    return filled


def _codes(column: pd.Series, kind: ColumnKind, reference: pd.Series) -> np.ndarray:
    """Bucket codes (deciles of ``reference`` for numbers and dates; categories as they are)."""
    kind = kind if kind in (ColumnKind.NUMERIC, ColumnKind.DATETIME) else ColumnKind.CATEGORICAL
    return pd.factorize(Buckets(reference, kind)(column))[0]


def _most_related(table: pd.DataFrame, imputation: Imputation, column: str, observed: np.ndarray) -> str | None:
    """The other modelled column with the strongest association to ``column`` on its observed rows."""
    schema = imputation.schema
    others = [c for c in schema.names(*MODELLED) if c != column]
    if not others:
        return None
    rows = table[observed]
    if len(rows) == 0:
        return None
    own = _codes(rows[column], schema.kind(column), rows[column])
    return max(others, key=lambda c: cramers_v(own, _codes(rows[c], schema.kind(c), rows[c])))


def review_columns(before: pd.DataFrame, imputation: Imputation) -> list[ColumnReview]:
    """The figures' data for every filled column (``before``: the table the fill started from)."""
    if len(before) > ASSOCIATION_ROWS:
        keep = np.sort(np.random.default_rng(0).choice(len(before), ASSOCIATION_ROWS, replace=False))
    else:
        keep = np.arange(len(before))
    views = (find_gaps(before).view, find_gaps(imputation.table).view)
    return [_review(views, imputation, column, keep) for column in imputation.filled]


def _review(views: tuple[pd.DataFrame, pd.DataFrame], imputation: Imputation, column: str, keep: np.ndarray) -> ColumnReview:
    schema = imputation.schema
    before, after = views
    gap = imputation.gaps[column].to_numpy()
    mean_mode = {c: _mean_or_mode(before[c], schema.kind(c), imputation.gaps[c].to_numpy()) for c in imputation.filled}
    tables = {OBSERVED: before[[column]][~gap], FILLED: after[[column]][gap], MEAN_MODE: mean_mode[column][gap].to_frame()}
    shares = distribution(tables, column, schema, OBSERVED)
    sample_gap = gap[keep]
    related = _most_related(before.iloc[keep], imputation, column, ~sample_gap)
    association: dict[str, float] = {}
    if related is not None:
        reference = before[column].iloc[keep][~sample_gap]
        everything = np.ones(len(keep), dtype=bool)
        filled_by_mean = {**{c: before[c] for c in before.columns}, **mean_mode}
        for label, table, rows in (
            ("observed rows", before, ~sample_gap),
            ("filled cells: ours", after, sample_gap),
            ("filled cells: mean/mode", filled_by_mean, sample_gap),
            ("all rows: ours", after, everything),
            ("all rows: mean/mode", filled_by_mean, everything),
        ):
            rows = rows & table[related].iloc[keep].notna().to_numpy()  # pairs where both values are known
            own = _codes(table[column].iloc[keep], schema.kind(column), reference)
            partner = _codes(table[related].iloc[keep], schema.kind(related), before[related].iloc[keep])
            association[label] = cramers_v(own[rows], partner[rows]) if rows.any() else float("nan")
    return ColumnReview(column, int(gap.sum()), shares, related, association)
