"""Rebalance Studio's engine: read tables, plan shares, add rows by any method, evaluate on real holdouts.

Data flows one way: ``data`` (file -> table + schema) -> ``generator`` -> ``rebalancing`` (plan -> outputs)
-> ``assess`` (scores, privacy, fidelity, diversity) -> ``report``; ``whatif`` simulates new mixes;
``imputation`` fills gaps with real values drawn given the rest of each row; ``fairness`` writes tables
whose outcome rate is the same in every sensitive group and measures it; ``distributed`` runs on Dask,
and ``engine`` chooses pandas or Dask above both (tests/unit/test_layers.py checks the direction).
The app's pages and the CLI call these functions; nothing here knows about Streamlit.
``__all__`` is the public API, as docs/guide.md lists it; everything else may change.
"""

from importlib.metadata import PackageNotFoundError, version

from synth.assess.evaluate import Evaluation
from synth.assess.privacy import PrivacyReport, privacy_report
from synth.data.demos import DEMOS, make_demo
from synth.data.holdout import Split, split_holdout
from synth.data.io import parse_table, read_table, write_table
from synth.data.kinds import detect_schema
from synth.engine import evaluate, evaluate_all, rebalance, rebalance_all
from synth.errors import (
    ClusterError,
    EvaluationError,
    MethodRefused,
    ParameterError,
    PlanError,
    SynthError,
    TableReadError,
    UnknownColumn,
)
from synth.fairness.fair import FairTable, make_fair
from synth.imputation import FilledSplit, Imputation, impute, impute_training_rows
from synth.rebalancing.oversampler import SyntheticOverSampler
from synth.rebalancing.plan import Mode, RebalancePlan, make_plan
from synth.rebalancing.ranges import RangePlan, make_range_plan
from synth.rebalancing.regression_sampler import SyntheticRegressionSampler
from synth.rebalancing.run import Outputs, Rebalanced, apply_plan
from synth.rebalancing.samplers import DEFAULT_METHODS, SAMPLERS
from synth.schema import ColumnKind, Schema

try:
    __version__ = version("rebalance-studio")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_METHODS",
    "DEMOS",
    "SAMPLERS",
    "ClusterError",
    "ColumnKind",
    "Evaluation",
    "EvaluationError",
    "FairTable",
    "FilledSplit",
    "Imputation",
    "MethodRefused",
    "Mode",
    "Outputs",
    "ParameterError",
    "PlanError",
    "PrivacyReport",
    "RangePlan",
    "RebalancePlan",
    "Rebalanced",
    "Schema",
    "Split",
    "SynthError",
    "SyntheticOverSampler",
    "SyntheticRegressionSampler",
    "TableReadError",
    "UnknownColumn",
    "__version__",
    "apply_plan",
    "detect_schema",
    "evaluate",
    "evaluate_all",
    "impute",
    "impute_training_rows",
    "make_demo",
    "make_fair",
    "make_plan",
    "make_range_plan",
    "parse_table",
    "privacy_report",
    "read_table",
    "rebalance",
    "rebalance_all",
    "split_holdout",
    "write_table",
]
