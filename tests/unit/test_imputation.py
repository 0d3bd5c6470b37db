"""Smart imputation: observed cells kept, gaps filled with the column's own values, drawn given the row."""

import numpy as np
import pandas as pd
import pytest

import synth
from synth.errors import ParameterError
from synth.imputation import impute
from synth.imputation.gaps import READ_AS_MISSING, find_gaps
from synth.imputation.review import FILLED, MEAN_MODE, OBSERVED, gap_summary, review_columns


def related_table(n: int = 2000, random_state: int = 0) -> pd.DataFrame:
    """B is a function of A (a category) and y follows x; gaps in B and y, completely at random."""
    rng = np.random.default_rng(random_state)
    a = rng.choice(["north", "south", "east", "west"], n)
    b = pd.Series(a).map({"north": "cold", "south": "hot", "east": "dry", "west": "wet"}).astype(object)
    x = rng.normal(50, 15, n).round(1)
    y = (2 * x + rng.normal(0, 1, n)).round(1)
    table = pd.DataFrame({"a": a, "b": b, "x": x, "y": y, "noise": rng.integers(0, 1000, n)})
    table.loc[rng.random(n) < 0.3, "b"] = None
    table.loc[rng.random(n) < 0.3, "y"] = np.nan
    return table


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return related_table()


@pytest.fixture(scope="module")
def result(table):
    return impute(table, random_state=0)


def test_observed_cells_dtypes_and_order_are_kept(table, result):
    out = result.table
    assert list(out.columns) == list(table.columns)
    assert out.dtypes.to_dict() == table.dtypes.to_dict()
    assert out.index.equals(table.index)
    observed = table.notna()
    for name in table.columns:
        assert (out[name][observed[name]] == table[name][observed[name]]).all()


def test_no_gap_is_left_and_counts_are_reported(table, result):
    assert result.filled == {"b": int(table["b"].isna().sum()), "y": int(table["y"].isna().sum())}
    assert result.table[["b", "y"]].notna().all().all()
    assert result.tokens == {"b": {READ_AS_MISSING: result.filled["b"]}, "y": {READ_AS_MISSING: result.filled["y"]}}


def test_every_filled_value_is_a_donors_value_of_the_same_column(table, result):
    for name, donors in result.donors.items():
        gap = result.gaps[name].to_numpy()
        assert table[name].iloc[donors].notna().all()
        assert (result.table[name][gap].to_numpy() == table[name].iloc[donors].to_numpy()).all()
    assert set(result.table["y"]) <= set(table["y"].dropna())


def test_the_row_conditions_the_fill_far_above_chance(table, result):
    """B is a function of A: a row's own A must decide its filled B (chance would be right 25% of the time)."""
    gap = result.gaps["b"].to_numpy()
    truth = pd.Series(table["a"][gap]).map({"north": "cold", "south": "hot", "east": "dry", "west": "wet"})
    assert (result.table["b"][gap] == truth).mean() > 0.95
    filled_y, x = result.table["y"][result.gaps["y"].to_numpy()], table["x"][result.gaps["y"].to_numpy()]
    assert np.corrcoef(filled_y, x)[0, 1] > 0.95  # a random draw would give about 0


def test_same_seed_same_fill_other_seed_other_fill(table, result):
    assert impute(table, random_state=0).table.equals(result.table)
    assert not impute(table, random_state=1).table.equals(result.table)


def test_only_the_chosen_columns_change(table):
    out = impute(table, columns=["y"]).table
    assert out["b"].isna().sum() == table["b"].isna().sum()
    assert out["y"].notna().all()


def test_gap_tokens_numbers_as_text_and_dates():
    """'?', 'NA', 'null' and '' are gaps; a column of numbers written as text is modelled as numbers."""
    rng = np.random.default_rng(1)
    n = 600
    x = rng.integers(18, 90, n)
    age = pd.Series(x.astype(str), dtype=object)
    tokens = ["?", "NA", "null", ""]
    gaps = rng.random(n) < 0.2
    age[gaps] = [tokens[i % 4] for i in range(int(gaps.sum()))]
    day = pd.Series(pd.to_datetime("2024-01-01") + pd.to_timedelta(x, unit="D"))
    day[rng.random(n) < 0.2] = pd.NaT
    table = pd.DataFrame({"age": age, "band": np.where(x >= 50, "older", "younger"), "day": day})
    result = impute(table)
    assert sum(result.tokens["age"].values()) == gaps.sum()
    assert set(result.tokens["age"]) == set(tokens)
    filled = result.table["age"][gaps]
    assert filled.map(str.isdigit).all()  # real values of the column, still text
    band = table["band"][gaps]
    assert ((filled.astype(int) >= 50) == (band == "older")).mean() > 0.95
    assert result.table["day"].dtype == table["day"].dtype and result.table["day"].notna().all()


def test_edge_cases_get_one_line_messages_or_results():
    empty_but_one = pd.DataFrame({"a": ["x", None, "y", "x"] * 50, "b": [1.0, np.nan, 2.0, np.nan] * 50, "c": [None] * 200})
    with pytest.raises(ParameterError, match="entirely empty") as error:
        impute(empty_but_one, columns=["c"])
    assert "\n" not in str(error.value)
    result = impute(empty_but_one)  # by default the empty column is skipped with a warning
    assert any("entirely empty" in w for w in result.notes)
    assert result.table["a"].notna().all() and result.table["b"].notna().all()  # rows with one value still filled
    complete = pd.DataFrame({"a": ["x", "y"] * 20, "b": range(40)})
    nothing = impute(complete)
    assert nothing.filled == {} and any("nothing to fill" in w for w in nothing.notes)
    assert nothing.table.equals(complete)
    with pytest.raises(ParameterError, match="no column 'zzz'"):
        impute(complete, columns=["zzz"])
    with pytest.raises(ParameterError, match="random_state"):
        impute(complete, random_state=-1)


def test_mostly_empty_column_is_filled_with_a_warning():
    n = 400
    table = pd.DataFrame({"a": ["p", "q"] * (n // 2), "b": [1.0] * 20 + [np.nan] * (n - 20)})
    table.loc[:19, "b"] = np.arange(20, dtype=float)
    result = impute(table)
    assert any("95% gaps" in w for w in result.notes)
    assert result.table["b"].notna().all()


def test_id_like_columns_are_refused_by_name_and_skipped_by_default():
    n = 200
    table = pd.DataFrame({"key": [f"k{i}" for i in range(n)], "a": ["p", "q"] * (n // 2)})
    table.loc[::10, "key"] = None
    with pytest.raises(ParameterError, match="ID-like"):
        impute(table, columns=["key"])
    assert any("ID-like" in w for w in impute(table).notes)


def test_public_api_and_review(table, result):
    assert synth.impute is impute
    summary = gap_summary(table)
    assert summary.iloc[0]["column"] in ("b", "y") and summary["gaps"].sum() == table.isna().sum().sum()
    reviews = {r.column: r for r in review_columns(table, result)}
    assert reviews["b"].related == "a" and reviews["y"].related == "x"
    assert set(reviews["b"].distribution["source"]) == {OBSERVED, FILLED, MEAN_MODE}
    association = reviews["b"].association
    assert association["filled cells: ours"] > 0.95 and association["filled cells: mean/mode"] == 0.0
    assert association["all rows: mean/mode"] < association["all rows: ours"]


def test_find_gaps_reads_question_marks_and_keeps_the_table():
    table = pd.DataFrame({"n": ["1", "?", "3"], "c": ["x", " ? ", "y"]})
    gaps = find_gaps(table)
    assert gaps.mask.to_dict("list") == {"n": [False, True, False], "c": [False, True, False]}
    assert gaps.view["n"].dtype == float and table["n"].tolist() == ["1", "?", "3"]


def test_words_that_are_real_categories_are_not_gaps():
    """German Credit's 'none' (no other debtors) and 'na' are data; '?' and 'NA' are gaps."""
    rng = np.random.default_rng(3)
    n = 400
    debtors = pd.Series(rng.choice(["none", "guarantor", "co-applicant"], n), dtype=object)
    debtors[:10] = "?"
    table = pd.DataFrame({"debtors": debtors, "x": rng.normal(size=n), "region": rng.choice(["na", "eu"], n)})
    result = impute(table)
    assert (result.table["debtors"][10:] == table["debtors"][10:]).all() and (result.table["region"] == table["region"]).all()
    assert result.tokens["debtors"] == {"?": 10} and "region" not in result.tokens


def test_training_rows_are_filled_from_each_other_and_the_holdout_stays_real():
    from synth.imputation import impute_training_rows

    rng = np.random.default_rng(0)
    n = 600
    table = pd.DataFrame({"a": rng.choice(list("xyz"), n), "b": rng.normal(size=n), "y": rng.choice(["p", "q"], n, p=[0.2, 0.8])})
    table.loc[rng.choice(n, 120, replace=False), "a"] = np.nan
    filled = impute_training_rows(table, column="y", columns=["a"], random_state=1)
    train, holdout = filled.split.train, filled.split.holdout
    assert len(train) + len(holdout) == n and train["a"].notna().all()
    assert holdout["a"].isna().any()  # the holdout keeps its gaps: nothing was filled there
    real = {tuple(r) for r in table.astype(str).itertuples(index=False)}
    assert {tuple(r) for r in holdout.astype(str).itertuples(index=False)} <= real
    # every gap of the training rows was filled, from a training row (donors index the training rows)
    assert filled.imputation.cells == int(table["a"].isna().sum()) - int(holdout["a"].isna().sum())
    assert filled.imputation.donors["a"].max() < len(train)
