"""Rebalance Studio's engine: read tables, plan shares, add rows by any method, evaluate on real holdouts.

The app's pages and the CLI call these functions; nothing here knows about Streamlit.
"""

from synth.demos import DEMOS, make_demo
from synth.evaluate import Evaluation, evaluate
from synth.io import TableReadError, parse_table, read_table, write_table
from synth.kinds import ColumnKind, Schema, detect_schema
from synth.plan import Mode, RebalancePlan, make_plan
from synth.privacy import PrivacyReport, privacy_report
from synth.rebalance import Rebalanced, rebalance
from synth.samplers import SAMPLERS

__all__ = [
    "DEMOS",
    "SAMPLERS",
    "ColumnKind",
    "Evaluation",
    "Mode",
    "PrivacyReport",
    "RebalancePlan",
    "Rebalanced",
    "Schema",
    "TableReadError",
    "detect_schema",
    "evaluate",
    "make_demo",
    "make_plan",
    "parse_table",
    "privacy_report",
    "read_table",
    "rebalance",
    "write_table",
]
