"""A whole comparison: split, rebalance with every method, evaluate and assess, in one object.

The CLI's report runs it end to end (``run_study``); the app builds the same ``Study`` from the
steps a user already took (``make_study``), reusing what the pages computed, so both report the
same things computed the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from synth.assess.diversity import class_diversity
from synth.assess.evaluate import Evaluation, evaluate_all
from synth.assess.fidelity import FidelityReport, fidelity_by_method
from synth.assess.leakage import leak_check
from synth.assess.privacy import PrivacyReport, privacy_by_method
from synth.data.holdout import Split, choose_holdout
from synth.data.kinds import detect_schema
from synth.labels import HOLDOUT, ORIGINAL, UNBALANCED
from synth.progress import Progress, silent
from synth.rebalancing.plan import make_plan
from synth.rebalancing.run import Outputs, check_target, rebalance_all
from synth.rebalancing.samplers import DEFAULT_METHODS
from synth.schema import Schema
from synth.table import rarest_value, value_counts


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
    split: Split = field(repr=False)
    outputs: Outputs = field(repr=False)
    evaluations: dict[str, Evaluation] = field(repr=False)
    assessment: Assessment = field(repr=False)
    model: str = "lightgbm"  # the classifier the evaluations trained (synth.assess.evaluate.MODELS)
    left_out: tuple[str, ...] = ()  # columns left out of the models (by default the suspected leaks)
    suspected_leaks: Mapping[str, str] = field(default_factory=dict)  # column: why (synth.assess.leakage.LeakCheck.reasons)

    @property
    def column(self) -> str:
        return self.outputs.plan.column


def labelled_tables(outputs: Outputs, split: Split) -> dict[str, pd.DataFrame]:
    """Original, each method's output and the holdout, under the names the app and report show."""
    return {ORIGINAL: split.train, **outputs.tables(), HOLDOUT: split.holdout}


def training_tables(outputs: Outputs, split: Split) -> dict[str, pd.DataFrame]:
    """What a model is trained on, by name: the untouched rows, then each method's output."""
    return {UNBALANCED: split.train, **outputs.tables()}


def assess(
    outputs: Outputs,
    split: Split,
    schema: Schema,
    positive: str,
    *,
    privacy: Mapping[str, PrivacyReport] | None = None,
    fidelity: Mapping[str, FidelityReport] | None = None,
) -> Assessment:
    """Privacy of every method's new rows; fidelity and diversity of its ``positive`` rows.

    Results already computed (the Compare page's) are passed in and reused, not recomputed.
    """
    return Assessment(
        dict(privacy) if privacy is not None else privacy_by_method(outputs, split, schema),
        dict(fidelity) if fidelity is not None else fidelity_by_method(outputs, split, schema, positive),
        class_diversity(labelled_tables(outputs, split), schema, outputs.plan.column, positive),
    )


def make_study(
    *,
    dataset: str,
    schema: Schema,
    positive: str,
    split: Split,
    outputs: Outputs,
    evaluations: Mapping[str, Evaluation],
    privacy: Mapping[str, PrivacyReport] | None = None,
    fidelity: Mapping[str, FidelityReport] | None = None,
    model: str = "lightgbm",
    left_out: Sequence[str] = (),
    suspected_leaks: Mapping[str, str] | None = None,
) -> Study:
    """A Study from outputs already made (the app's steps), adding what is not yet assessed."""
    assessment = assess(outputs, split, schema, positive, privacy=privacy, fidelity=fidelity)
    leaks = dict(suspected_leaks or {})
    return Study(dataset, schema, positive, split, outputs, dict(evaluations), assessment, model, tuple(left_out), leaks)


def run_study(
    table: pd.DataFrame,
    *,
    column: str,
    shares: Mapping[str, float],
    positive: str | None = None,
    methods: Sequence[str] = DEFAULT_METHODS,
    holdout: pd.DataFrame | None = None,
    holdout_share: float = 0.2,
    n_repeats: int = 3,
    dataset: str = "",
    exclude: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Study:
    """Everything the report shows, from a table and target shares; failing methods are listed, not fatal.

    ``exclude``: columns left out of the models; by default the suspected leaks (``leak_check``), as in the app.
    """
    progress = progress or silent
    schema = detect_schema(table)
    check_target(table, schema, column)
    split = choose_holdout(table, column, holdout, holdout_share)
    plan = make_plan(split.train[column], shares)
    positive = positive or rarest_value(value_counts(split.train[column]))

    def stage(start: float, end: float) -> Progress:
        return lambda fraction, message: progress(start + (end - start) * fraction, message)

    progress(0.0, "Checking for columns known only after the outcome")
    leaks = leak_check(split.train, column=column, positive=positive, schema=schema).reasons
    left_out = list(leaks) if exclude is None else list(exclude)
    outputs = rebalance_all(split.train, plan=plan, schema=schema, methods=methods, progress=stage(0.0, 0.5))
    evaluations = evaluate_all(
        training_tables(outputs, split),
        holdout=split.holdout,
        column=column,
        positive=positive,
        n_repeats=n_repeats,
        schema=schema,
        progress=stage(0.5, 0.9),
        exclude=left_out,
    )
    progress(0.9, "Assessing privacy, fidelity and diversity")
    study = make_study(
        dataset=dataset,
        schema=schema,
        positive=positive,
        split=split,
        outputs=outputs,
        evaluations=evaluations,
        left_out=left_out,
        suspected_leaks=leaks,
    )
    progress(1.0, "Done")
    return study
