"""The names real tables are shown under, on every page, figure and report: typed here once."""

from __future__ import annotations

ORIGINAL = "original"  # the rows a user brought (training rows, or the table before a what-if)
UNBALANCED = "unbalanced (real rows only)"  # the training rows as they are, as a table to train on
HOLDOUT = "holdout (real)"  # the real rows split off before any rebalancing
SCENARIO = "scenario"  # a what-if's generated table, beside the original in KPI frames
