"""Rebalance Studio's engine: read tables, plan shares, add rows by any method, evaluate on real holdouts.

The app's pages and the CLI call these functions; nothing here knows about Streamlit.
"""

from synth.assess.evaluate import Evaluation, evaluate
from synth.assess.privacy import PrivacyReport, privacy_report
from synth.data.demos import DEMOS, make_demo
from synth.data.io import TableReadError, parse_table, read_table, write_table
from synth.data.kinds import ColumnKind, Schema, detect_schema
from synth.rebalancing.plan import Mode, RebalancePlan, make_plan
from synth.rebalancing.run import Rebalanced, rebalance
from synth.rebalancing.samplers import SAMPLERS

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
