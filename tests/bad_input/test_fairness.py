"""Hostile group values through the fairness figures: two real groups never merge under one label."""

import numpy as np
import pandas as pd

from synth.fairness.measure import group_labels, outcome_rates


def test_a_real_missing_value_and_joined_values_keep_groups_apart():
    n = 400
    table = pd.DataFrame(
        {
            "a": np.array([None, "(missing)", "a · b", "a"] * (n // 4), dtype=object),
            "b": np.array(["c", "c", "c", "b · c"] * (n // 4), dtype=object),
            "outcome": ["yes", "no", "no", "yes"] * (n // 4),
        }
    )
    table.loc[:39, "outcome"] = "no"  # the groups' rates differ: (missing) 0.6, the others 0.0 and 1.0 (less a few)
    labels = group_labels(table, ["a", "b"])
    assert labels.nunique() == 4
    assert list(labels[:4]) == ["(missing) · c", "'(missing)' · c", "'a · b' · c", "a · 'b · c'"]
    rates = outcome_rates(table, "outcome", ["a", "b"])
    assert len(rates) == 4 and (rates["rows"] == 100).all()
    assert rates.loc["(missing) · c", "share yes"] == 0.9 and rates.loc["'(missing)' · c", "share yes"] == 0.0
