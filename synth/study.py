"""A whole comparison in one call: split, rebalance with every method, evaluate and assess.

The CLI's report runs it end to end; the app builds the same ``Study`` from the steps a user
already took, so both report the same things computed the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from synth.assess.compare import Condition, rows_of_value
from synth.assess.diversity import diversity_table
from synth.assess.evaluate import Evaluation, evaluate
from synth.assess.fidelity import FidelityReport, fidelity_report
from synth.assess.privacy import PrivacyReference, PrivacyReport
from synth.data.holdout import choose_holdout
from synth.data.kinds import Schema, detect_schema
from synth.progress import Progress, silent
from synth.rebalancing.plan import RebalancePlan, make_plan, value_counts
from synth.rebalancing.run import Rebalanced, check_target, rebalance
from synth.rebalancing.samplers import SAMPLERS

UNBALANCED = "unbalanced (real rows only)"
HOLDOUT = "holdout (real)"


@dataclass(frozen=True)
class Assessment:
    """Privacy and fidelity per method, and diversity of the positive class per table."""

    privacy: dict[str, PrivacyReport]
    fidelity: dict[str, FidelityReport]
    diversity: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Study:
    dataset: str
    schema: Schema
    positive: str
    holdout_note: str
    plan: RebalancePlan
    train: pd.DataFrame = field(repr=False)
    holdout: pd.DataFrame = field(repr=False)
    results: dict[str, Rebalanced] = field(repr=False)
    failures: dict[str, str]
    evaluations: dict[str, Evaluation] = field(repr=False)
    assessment: Assessment = field(repr=False)

    @property
    def column(self) -> str:
        return self.plan.column


def labelled_tables(results: Mapping[str, Rebalanced], train: pd.DataFrame, holdout: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Original, each method's output and the holdout, under the names the app and report show."""
    return {"original": train, **{SAMPLERS[m].label: r.table for m, r in results.items()}, HOLDOUT: holdout}


def training_tables(train: pd.DataFrame, results: Mapping[str, Rebalanced]) -> dict[str, pd.DataFrame]:
    """What a model is trained on, by name: the untouched rows, then each method's output."""
    return {UNBALANCED: train, **{SAMPLERS[m].label: r.table for m, r in results.items()}}


def privacy_by_method(
    results: Mapping[str, Rebalanced], train: pd.DataFrame, holdout: pd.DataFrame, schema: Schema, column: str
) -> dict[str, PrivacyReport]:
    reference = PrivacyReference(train, holdout, schema, column)
    return {SAMPLERS[m].label: reference.report(r.new_rows) for m, r in results.items()}


def fidelity_by_method(
    results: Mapping[str, Rebalanced], holdout: pd.DataFrame, schema: Schema, column: str, value: str
) -> dict[str, FidelityReport]:
    """Generated ``value`` rows of each method against the real holdout's ``value`` rows."""
    real = rows_of_value(holdout, column, value)
    reports = {}
    for method, result in results.items():
        generated = rows_of_value(result.new_rows, column, value)
        if len(generated) and len(real):
            reports[SAMPLERS[method].label] = fidelity_report(real, generated, schema, column)
    return reports


def class_diversity(
    tables: Mapping[str, pd.DataFrame], schema: Schema, column: str, value: str, subgroup: Sequence[Condition] = ()
) -> pd.DataFrame:
    """Entropy of every feature among ``value`` rows (within ``subgroup``) of each table."""
    rows = {name: rows_of_value(t, column, value) for name, t in tables.items()}
    features = [c for c in schema.modelled() if c != column]
    return diversity_table(rows, schema, features, reference=HOLDOUT, subgroup=subgroup)


def assess(
    results: Mapping[str, Rebalanced], train: pd.DataFrame, holdout: pd.DataFrame, schema: Schema, column: str, positive: str
) -> Assessment:
    """Privacy of every method's new rows; fidelity and diversity of its ``positive`` rows."""
    return Assessment(
        privacy_by_method(results, train, holdout, schema, column),
        fidelity_by_method(results, holdout, schema, column, positive),
        class_diversity(labelled_tables(results, train, holdout), schema, column, positive),
    )


def make_study(
    dataset: str,
    schema: Schema,
    plan: RebalancePlan,
    positive: str,
    holdout_note: str,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    results: Mapping[str, Rebalanced],
    failures: Mapping[str, str],
    evaluations: Mapping[str, Evaluation],
) -> Study:
    """A Study from outputs already made (the app's steps), adding the assessment."""
    assessment = assess(results, train, holdout, schema, plan.column, positive)
    return Study(
        dataset,
        schema,
        positive,
        holdout_note,
        plan,
        train,
        holdout,
        dict(results),
        dict(failures),
        dict(evaluations),
        assessment,
    )


def run_study(
    table: pd.DataFrame,
    column: str,
    shares: Mapping[str, float],
    positive: str | None = None,
    methods: Sequence[str] = ("naive", "smote", "synthetic"),
    holdout: pd.DataFrame | None = None,
    holdout_share: float = 0.2,
    seeds: int = 3,
    dataset: str = "",
    progress: Progress | None = None,
) -> Study:
    """Everything the report shows, from a table and a plan; failing methods are listed, not fatal."""
    progress = progress or silent
    schema = detect_schema(table)
    check_target(table, schema, column)
    split = choose_holdout(table, column, holdout, holdout_share)
    train, holdout, note = split.train, split.holdout, split.description
    plan = make_plan(train[column], shares)
    counts = value_counts(train[column])
    positive = positive or min(counts, key=counts.__getitem__)
    results, failures = {}, {}
    for i, method in enumerate(methods):
        progress(i / (len(methods) + 1), f"Rebalancing with {method}")
        try:
            results[method] = rebalance(train, column, shares, method=method, schema=schema)
        except ValueError as error:
            failures[method] = str(error)
    progress(len(methods) / (len(methods) + 1), "Training LightGBM on every output")
    tables = training_tables(train, results)
    seed_list = list(range(1, seeds + 1))
    evaluations = {
        name: evaluate(t, holdout, column, positive, seeds=seed_list, name=name, ignore=schema.unmodelled())
        for name, t in tables.items()
    }
    study = make_study(dataset, schema, plan, positive, note, train, holdout, results, failures, evaluations)
    progress(1.0, "Done")
    return study
