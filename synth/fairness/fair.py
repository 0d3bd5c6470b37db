"""Fair synthetic data: a fully synthetic table in which the outcome no longer depends on the
sensitive groups (statistical parity), every other column as the generator learns it.

1. The generator (``synth.generator``) writes the records without the outcome, each
   sensitive group in its real share and from its own real rows, the sensitive columns first in
   its chain: the groups keep their real differences in every other column.
2. A LightGBM model learned on the real rows scores each record's P(outcome | its values). Within
   each group the scores are mapped, rank for rank, onto the scores of all real rows, and each
   group receives exactly the overall rate of every outcome value, drawn with those scores: every
   group's scores follow one distribution ("strong statistical parity"), the ranking within a
   group is kept (``synth.fairness.parity``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, StrOptions

from synth.constraints import RANDOM_STATE, check_params
from synth.data.kinds import detect_schema
from synth.errors import ParameterError, PlanError, UnknownColumn
from synth.fairness.measure import FairnessEvaluation, group_labels, outcome_rates, tradeoff
from synth.fairness.parity import STRATEGIES, assign, fair_scores, outcome_scores
from synth.generator.model import SyntheticGenerator
from synth.progress import Progress, silent
from synth.rebalancing.plan import MAX_OUTPUT_ROWS, apportion
from synth.rebalancing.run import check_rows_memory
from synth.schema import ColumnInfo, ColumnKind, Schema
from synth.table import conform, value_counts

# Below this many real rows, a group's own outcome rate says little; the fair table still gives it the overall rate.
SMALL_GROUP_ROWS = 20
# The column of sensitive groups the generator is conditioned on (never in the output).
GROUP = "\x00fair group"
# A group with at least this many real rows is generated from its own rows only (as a what-if group is):
# a model trained on the table then meets each group's real mix of values, not one blurred with the others.
OWN_ROWS = 30


@dataclass(frozen=True)
class FairTable:
    """The fair table and what was done to make it: the rates enforced, each group, the warnings.

    >>> synth.make_fair(table, column="income", sensitive=["sex"]).groups  # doctest: +SKIP
    """

    table: pd.DataFrame = field(repr=False)
    column: str
    sensitive: tuple[str, ...]
    rates: dict[str, float]  # the overall share of each outcome value, now that of every group
    groups: pd.DataFrame = field(repr=False)  # per group: real and fair rows and outcome shares
    notes: tuple[str, ...]
    seconds: float

    def largest_difference(self) -> tuple[str, int, float]:
        """The fair group whose outcome shares are furthest from the overall rates (whole rows round them):
        its name, its fair rows and the difference."""
        fair = self.groups.dropna(subset=["rows (fair)"])
        gaps = pd.Series(0.0, index=fair.index)
        for value, rate in self.rates.items():
            gaps = np.maximum(gaps, (fair.get(f"share {value} (fair)", 0.0).fillna(0.0) - rate).abs())
        group = gaps.idxmax()
        return str(group), int(fair.loc[group, "rows (fair)"]), float(gaps[group])


def check_sensitive(table: pd.DataFrame, schema: Schema, column: str, sensitive: Sequence[str]) -> tuple[str, ...]:
    """The sensitive columns, refused with a reason when they cannot define groups."""
    if column not in table.columns:
        raise UnknownColumn("column", column, table.columns)
    if schema.kind(column) is not ColumnKind.CATEGORICAL or len(value_counts(table[column])) < 2:
        raise ParameterError("column", f"the outcome {column!r} must be a categorical column with at least two values.")
    names = tuple(dict.fromkeys(sensitive))
    if not names:
        raise ParameterError("sensitive", "name at least one sensitive column (e.g. sex).")
    for name in names:
        if name == column:
            raise ParameterError("sensitive", f"{name!r} is the outcome; a sensitive column must be another column.")
        if name not in table.columns:
            raise UnknownColumn("sensitive", name, table.columns)
        kind = schema.kind(name)
        if kind is ColumnKind.NUMERIC or kind is ColumnKind.DATETIME:
            raise ParameterError(
                "sensitive", f"{name!r} is {kind}: groups need categories; add a column of bands (e.g. 18-29, 30-44, 45+) first."
            )
        if kind is not ColumnKind.CATEGORICAL:
            raise ParameterError("sensitive", f"{name!r} is {kind} (it names rows or never changes), so it defines no groups.")
    return names


def _notes(table: pd.DataFrame, column: str, sensitive: Sequence[str], real: pd.DataFrame, fair: pd.DataFrame) -> list[str]:
    """One line per thing the user should know about the groups (``fair``: the fair table's rows per group)."""
    notes = []
    absent = [g for g in real.index if g not in fair.index]
    if absent:
        notes.append(
            f"{len(absent)} group(s) get no fair rows ({', '.join(map(repr, absent[:5]))}): their share of the "
            f"{int(fair['rows'].sum()):,} fair records rounds to zero; ask for more rows to include them."
        )
    real = real.drop(index=absent)
    for name in sensitive:
        missing = int(table[name].isna().sum())
        if missing:
            notes.append(f"{missing:,} rows have no value of {name!r}: they form a group of their own, '(missing)'.")
    small = [g for g, n in real["rows"].items() if n < SMALL_GROUP_ROWS]
    if small:
        notes.append(
            f"{len(small)} group(s) have fewer than {SMALL_GROUP_ROWS} real rows ({', '.join(map(repr, small[:5]))}): "
            "the fair table gives them the overall rate, learned from rows like theirs in other groups."
        )
    for value in [c.removeprefix("share ") for c in real.columns if c.startswith("share ")]:
        never = [g for g, share in real[f"share {value}"].items() if share == 0]
        if never:
            notes.append(
                f"In the real data {column!r} is never {value!r} in group(s) {', '.join(map(repr, never[:5]))}; "
                "the fair table gives them the overall rate, on their most likely records."
            )
    unknown = int(table[column].isna().sum())
    if unknown:
        notes.append(f"{unknown:,} rows have no {column!r}: they are learned from, and every fair record gets a value.")
    return notes


def _features(
    table: pd.DataFrame, schema: Schema, column: str, sensitive: Sequence[str], rows: int, random_state: int, progress: Progress
) -> pd.DataFrame:
    """``rows`` generated records without the outcome, each group in its real share and drawn from its own
    rows (a group of fewer than ``OWN_ROWS`` borrows from rows like it); the sensitive columns lead the chain."""
    grouped = table.drop(columns=[column]).assign(**{GROUP: group_labels(table, sensitive).to_numpy(dtype=object)})
    info = ColumnInfo(GROUP, ColumnKind.CATEGORICAL, "the sensitive groups")
    features = replace(schema, columns=(*[c for c in schema.columns if c.name != column], info))
    generator = SyntheticGenerator(first=tuple(sensitive), strict_min_rows=OWN_ROWS, random_state=random_state)
    generator.fit(grouped, features, GROUP, lambda f, m: progress(0.6 * f, m))
    progress(0.3, f"Generating {rows:,} records, each sensitive group from its own rows")
    counts = value_counts(grouped[GROUP])
    plan = apportion({g: n / len(grouped) for g, n in counts.items()}, rows)
    return generator.sample(plan).drop(columns=[GROUP])


# Declared as scikit-learn declares an estimator's, checked before any work (``synth.constraints``).
MAKE_FAIR_CONSTRAINTS = {
    "rows": [Interval(Integral, 1, MAX_OUTPUT_ROWS, closed="both")],
    "random_state": RANDOM_STATE,
    "strategy": [StrOptions(set(STRATEGIES))],
}


def make_fair(
    table: pd.DataFrame,
    *,
    column: str,
    sensitive: Sequence[str],
    schema: Schema | None = None,
    rows: int | None = None,
    random_state: int = 0,
    strategy: str = "quantile",
    progress: Progress | None = None,
) -> FairTable:
    """A fully synthetic table of ``rows`` records (default: as many as ``table``) where every group
    of the ``sensitive`` columns has the same rate of each ``column`` value.

    ``strategy``: how each group's records get the outcome ("quantile", default: drawn with scores ranked among
    the group's real rows; the others are kept for the benchmark's design record: ``synth.fairness.parity``).

    >>> synth.make_fair(table, column="income", sensitive=["sex", "race"], random_state=0).table  # doctest: +SKIP
    """
    progress = progress or silent
    started = time.perf_counter()
    schema = schema or detect_schema(table)
    sensitive = check_sensitive(table, schema, column, sensitive)
    rows = len(table) if rows is None else rows
    check_params("make_fair", MAKE_FAIR_CONSTRAINTS, {"rows": rows, "random_state": random_state, "strategy": strategy})
    check_rows_memory(len(table) + rows, table.shape[1], "A fair table")
    known = table.loc[table[column].notna()]
    counts = value_counts(known[column])
    if len(known) < 10:
        raise PlanError(f"only {len(known)} rows have a value of {column!r}; at least 10 are needed to learn it.")
    rates = {value: n / len(known) for value, n in counts.items()}
    real = outcome_rates(known, column, sensitive)
    records = _features(table, schema, column, sensitive, rows, random_state, progress)
    progress(0.7, f"Learning {column!r} from the real rows")
    modelled = [c for c in schema.modelled() if c in table.columns]
    folds = 3 if strategy == "quantile" else 0  # only "quantile" ranks records among real rows
    scores, unseen = outcome_scores(
        known[modelled], records[[c for c in modelled if c != column]], column, list(counts), random_state, folds
    )
    progress(0.9, f"Setting {column!r} so that every group has the same rate")
    groups = group_labels(records, sensitive).to_numpy(dtype=object)
    real_groups = group_labels(known, sensitive).to_numpy(dtype=object)
    rng = np.random.default_rng(random_state)
    mapped = fair_scores(scores, groups, unseen, real_groups, "generated" if strategy == "top" else strategy)
    outcome = assign(mapped, groups, list(counts), rates, rng, top=strategy == "top")
    originals = {str(v): v for v in known[column].drop_duplicates()}
    records[column] = pd.Series(outcome).map(originals).to_numpy()
    fair = conform(records, table, schema)
    progress(1.0, "Done")
    return FairTable(
        table=fair,
        column=column,
        sensitive=sensitive,
        rates=rates,
        groups=real.join(outcome_rates(fair, column, sensitive).add_suffix(" (fair)"), how="outer"),
        notes=tuple(_notes(table, column, sensitive, real, outcome_rates(fair, column, sensitive))),
        seconds=time.perf_counter() - started,
    )


# How the fair table and the real training rows are named on the page and in the report.
REAL_NAME = "real training rows"
FAIR_NAME = "fair synthetic"


@dataclass(frozen=True)
class FairnessStudy:
    """What the Fairness step shows and the report keeps: the fair table and each table's fairness."""

    dataset: str
    positive: str
    fair: FairTable
    results: dict[str, FairnessEvaluation]  # the real rows first, the fair table second, then any others
    rates: pd.DataFrame  # share of ``positive`` per group in each training table

    def tradeoff(self) -> str:
        return tradeoff(self.results[REAL_NAME], self.results[FAIR_NAME])
