"""The Impute page: gaps shown, the outcome left out by default, Fill, figures, and the completed table in use."""

import numpy as np
import pandas as pd

from synth.data.holdout import split_holdout
from tests.app.helpers import click, start, texts, visit
from ui.state import DATASET, make_dataset


def gappy_table(n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    region = rng.choice(["north", "south"], n)
    table = pd.DataFrame(
        {
            "region": region,
            "climate": np.where(region == "north", "cold", "hot").astype(object),
            "spend": (rng.normal(100, 20, n) + 50 * (region == "north")).round(0),
            "churned": rng.choice(["yes", "no"], n, p=[0.3, 0.7]).astype(object),
        }
    )
    table.loc[rng.random(n) < 0.2, "climate"] = "?"
    table.loc[rng.random(n) < 0.1, "spend"] = np.nan
    table.loc[rng.random(n) < 0.05, "churned"] = None
    return table


def test_fill_review_and_use_keeps_a_real_holdout():
    at = start()
    table = gappy_table()
    at.session_state[DATASET] = make_dataset("gaps.csv", table, uploaded=True)
    visit(at, "impute")
    assert set(at.dataframe[0].value["column"]) == {"climate", "spend", "churned"}
    chosen = at.multiselect[0].value
    assert sorted(chosen) == ["climate", "spend"]  # the outcome-like column is left out
    assert any("churned" in t and "outcome" in t for t in texts(at, "caption"))
    click(at, "Fill")
    assert any(t.startswith("Cells filled: climate") for t in texts(at, "success"))
    assert len(at.get("plotly_chart")) == 4  # per column: values and association
    click(at, "Use the completed table for the next steps")
    dataset = at.session_state[DATASET]
    assert dataset.holdout_file is not None and len(dataset.holdout_file) + len(dataset.table) == len(table)
    assert (dataset.table["climate"] != "?").all() and dataset.table["spend"].notna().all()
    # holdout rows stay real, gaps included, as missing values: no '?' category that training never saw
    assert dataset.holdout_file["climate"].isna().any() and not (dataset.holdout_file["climate"] == "?").any()
    assert set(dataset.holdout_file["climate"].dropna()) <= {"cold", "hot"}
    notice = next(t for t in texts(at, "success") if t.startswith("The completed table is now the working data"))
    assert f"of the {len(dataset.table):,} training rows were filled" in notice  # the filled count says whose rows
    visit(at, "plan")
    visit(at, "data")  # undoing the split brings the set-aside rows back: no row is lost
    click(at, "Split off a share of the data instead")
    assert len(at.session_state[DATASET].table) == len(table) and at.session_state[DATASET].holdout_file is None


def test_a_column_observed_only_in_holdout_rows_is_left_with_a_notice():
    table = gappy_table().assign(note=None)
    holdout = split_holdout(table, column="churned", share=0.2).holdout.index
    table.loc[holdout[:4], "note"] = ["a", "b", "a", "b"]
    at = start()
    at.session_state[DATASET] = make_dataset("gaps.csv", table, "churned", uploaded=True)
    visit(at, "impute")
    at.multiselect[0].set_value(["climate", "note"]).run()
    click(at, "Fill")
    click(at, "Use the completed table for the next steps")
    dataset = at.session_state[DATASET]
    assert dataset.table["note"].isna().all() and (dataset.table["climate"] != "?").all()
    assert dataset.holdout_file["note"].notna().sum() == 4
    assert any("'note' has values only in the holdout rows" in t for t in texts(at, "success"))
