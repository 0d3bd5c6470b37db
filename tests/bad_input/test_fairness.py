"""Hostile group values through the fairness figures: two real groups never merge under one label."""

import numpy as np
import pandas as pd
import pytest

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


def _tiny_groups(tmp_path):
    n = 240
    table = pd.DataFrame(
        {
            "g": ["big"] * 200 + [f"t{i}" for i in range(40)],
            "x": np.arange(n) % 17,
            "y": ["yes" if i % 3 == 0 else "no" for i in range(n)],
        }
    )
    table.loc[200:, "y"] = "yes"  # the tiny groups all said yes
    source = tmp_path / "t.csv"
    table.to_csv(source, index=False)
    return source


def _fair_cli(capsys, *args) -> tuple[int, list[str]]:
    from synth.__main__ import main

    code = main([str(a) for a in args])
    return code, capsys.readouterr().err.strip().splitlines()


def test_fair_claims_only_what_holds_for_tiny_groups_and_names_the_groups_left_out(tmp_path, capsys):
    source = _tiny_groups(tmp_path)
    code, err = _fair_cli(
        capsys, "fair", source, "--column", "y", "--sensitive", "g", "--rows", "3", "--output", tmp_path / "o.csv"
    )
    assert code == 0, err
    assert not any("Warning" in line for line in err), err  # scikit-learn's warnings stay inside
    summary = err[-1]
    assert "every group" not in summary and "as nearly as its rows allow" in summary, summary
    left_out = next(line for line in err if "get no fair rows" in line)
    assert left_out.startswith("note: 40 group(s) get no fair rows ('t0', 't1'")
    assert not any("gives them the overall rate" in line and "'t0'" in line for line in err)


def test_a_fair_table_beyond_the_memory_budget_is_refused_before_any_work(monkeypatch):
    from synth.errors import ParameterError
    from synth.fairness.fair import make_fair

    monkeypatch.setenv("REBALANCE_STUDIO_MEMORY_MB", "512")
    table = pd.DataFrame({"sex": ["F", "M"] * 50, "x": range(100), "outcome": ["yes", "no", "no", "no"] * 25})
    with pytest.raises(ParameterError, match=r"10,000,000 rows × 3 columns needs about .* over this server's 0.5 GB") as refused:
        make_fair(table, column="outcome", sensitive=["sex"], rows=9_999_900)
    assert refused.value.parameter == "rows"
