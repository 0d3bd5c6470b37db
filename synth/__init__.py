"""Rebalance Studio's engine: read tables, plan shares, add rows by any method, evaluate on real holdouts.

Data flows one way: ``data`` (file -> table + schema) -> ``rebalancing`` (plan -> outputs) ->
``assess`` (scores, privacy, fidelity, diversity, fairness) -> ``report``; ``whatif`` simulates new mixes;
``imputation`` fills gaps with real values drawn given the rest of each row; ``fairness`` writes tables
whose outcome rate is the same in every sensitive group.
The app's pages and the CLI call these functions; nothing here knows about Streamlit.
"""

from importlib.metadata import PackageNotFoundError, version

from synth.assess.evaluate import Evaluation
from synth.assess.privacy import PrivacyReport, privacy_report
from synth.data.demos import DEMOS, make_demo
from synth.data.io import parse_table, read_table, write_table
from synth.data.kinds import detect_schema
from synth.engine import evaluate, evaluate_all, rebalance, rebalance_all
from synth.errors import MethodRefused, ParameterError, PlanError, SynthError, TableReadError
from synth.fairness.fair import FairTable, make_fair
from synth.imputation import Imputation, impute
from synth.rebalancing.oversampler import SyntheticOverSampler
from synth.rebalancing.plan import Mode, RebalancePlan, make_plan
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
    "ColumnKind",
    "Evaluation",
    "FairTable",
    "Imputation",
    "MethodRefused",
    "Mode",
    "Outputs",
    "ParameterError",
    "PlanError",
    "PrivacyReport",
    "RebalancePlan",
    "Rebalanced",
    "Schema",
    "SynthError",
    "SyntheticOverSampler",
    "TableReadError",
    "apply_plan",
    "detect_schema",
    "evaluate",
    "evaluate_all",
    "impute",
    "make_demo",
    "make_fair",
    "make_plan",
    "parse_table",
    "privacy_report",
    "read_table",
    "rebalance",
    "rebalance_all",
    "write_table",
]
