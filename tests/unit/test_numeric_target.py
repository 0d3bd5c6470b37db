"""A numeric target rebalanced by ranges: plans, the three methods, the sampler, evaluation and the CLI."""

import json

import numpy as np
import pandas as pd
import pytest

import synth
from synth.__main__ import main
from synth.assess.regression import evaluate_regression, relevance, sera, split_by_range, verdict
from synth.errors import MethodRefused, ParameterError, PlanError
from synth.rebalancing.numeric import NUMERIC_METHODS
from synth.rebalancing.ranges import make_range_plan, parse_ranges, range_labels

RANGES = "0-1000, 1000-3000, 3000+"


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    """A heavy-tailed integer claim driven by the other columns; categories, a float with gaps, a date."""
    rng = np.random.default_rng(3)
    n = 1500
    cover = rng.choice(["basic", "plus", "premium"], n, p=[0.6, 0.3, 0.1])
    severity = rng.gamma(1.2, 1.0, n)
    value = np.round(rng.lognormal(10, 0.6, n), 2)
    value[rng.random(n) < 0.03] = np.nan
    factor = pd.Series(cover).map({"basic": 1.0, "plus": 1.8, "premium": 3.5}).to_numpy()
    claim = np.round(80 * severity**2.2 * factor + 0.002 * np.nan_to_num(value, nan=20_000)).astype(int)
    return pd.DataFrame(
        {
            "region": rng.choice(["north", "south", "east"], n),
            "cover": cover,
            "car_value": value,
            "severity": severity,
            "opened": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "claim": claim,
        }
    )


def test_ranges_parse_and_are_refused_when_they_overlap_or_are_not_ranges():
    assert [r.label for r in parse_ranges("<0, 0-1000, 1000-1e4, 10000+")] == ["<0", "0-1000", "1000-10000", "10000+"]
    for bad, words in [("0-1000, 500+", "must not overlap"), ("5-1, 6+", "lower to a higher"), ("abc, 1+", "not a range")]:
        with pytest.raises(ParameterError, match=words):
            parse_ranges(bad)


def test_a_boundary_belongs_to_the_higher_range_and_the_top_range_holds_its_end():
    labels = range_labels(pd.Series([0, 999.9, 1000, 2000, np.nan]), parse_ranges("0-1000, 1000-2000"))
    assert labels.tolist() == ["0-1000", "0-1000", "1000-2000", "1000-2000", None]


def test_range_plans_meet_shares_exactly_and_name_values_outside_every_range(claims):
    plan = make_range_plan(claims["claim"], ranges=RANGES, shares={"3000+": 0.2})
    assert plan.plan.target["3000+"] / sum(plan.plan.target.values()) == pytest.approx(0.2, abs=1e-3)
    full = make_range_plan(claims["claim"], ranges=RANGES, shares={"3000+": 0.3}, mode="full", rows=1000)
    assert full.plan.target["3000+"] == 300 and sum(full.plan.target.values()) == 1000
    with pytest.raises(PlanError, match="outside every range"):
        make_range_plan(claims["claim"], ranges="0-1000, 1000-2000")
    with pytest.raises(PlanError, match="not one of the ranges"):
        make_range_plan(claims["claim"], ranges=RANGES, shares={"5000+": 0.2})


def test_default_ranges_isolate_the_top_five_percent_and_say_so(claims):
    plan = make_range_plan(claims["claim"])
    rare = plan.rare_first()[0]
    assert rare.endswith("+") and plan.plan.current[rare] / len(claims) == pytest.approx(0.05, abs=0.01)
    assert "top 5" in plan.notes[0] and "20%" in plan.notes[1]


@pytest.mark.parametrize("method", list(NUMERIC_METHODS))
def test_every_method_meets_the_plan_inside_each_range_in_the_table_dtypes_seeded(claims, method):
    out = synth.rebalance(claims, column="claim", ranges=RANGES, shares={"3000+": 0.2}, method=method, random_state=1)
    new = out.new_rows
    assert out.table.dtypes.equals(claims.dtypes)
    made = pd.Series(range_labels(new["claim"], parse_ranges(RANGES))).value_counts().to_dict()
    assert made == {label: n for label, n in out.plan.additions.items() if n}
    after = pd.Series(range_labels(out.table["claim"], parse_ranges(RANGES))).value_counts().to_dict()
    assert after == out.plan.target
    again = synth.rebalance(claims, column="claim", ranges=RANGES, shares={"3000+": 0.2}, method=method, random_state=1)
    other = synth.rebalance(claims, column="claim", ranges=RANGES, shares={"3000+": 0.2}, method=method, random_state=2)
    pd.testing.assert_frame_equal(again.new_rows, new)
    assert not other.new_rows.reset_index(drop=True).equals(new.reset_index(drop=True))


def test_smote_for_regression_interpolates_numbers_and_votes_categories(claims):
    new = synth.rebalance(claims, column="claim", ranges=RANGES, shares={"3000+": 0.2}, method="smote").new_rows
    real_rare = claims[claims["claim"] >= 3000]
    assert not new["severity"].isin(real_rare["severity"]).all()  # interpolated, not copied
    assert set(new["cover"]) <= set(real_rare["cover"])


def test_synthetic_full_mode_and_refusals_are_typed(claims):
    full = synth.rebalance(claims, column="claim", ranges=RANGES, shares={"3000+": 0.3}, mode="full", rows=600)
    assert len(full.table) == 600 and full.generated.all()
    with pytest.raises(MethodRefused, match="only add rows"):
        synth.rebalance(claims, column="claim", ranges=RANGES, shares={"3000+": 0.3}, mode="full", method="smote")
    with pytest.raises(ParameterError, match="Unknown method"):
        synth.rebalance(claims, column="claim", ranges=RANGES, method="kmeans-smote")
    with pytest.raises(ParameterError, match="k_neighbors"):
        synth.rebalance(claims, column="claim", ranges=RANGES, method="smote", params={"k_neighbors": 0})
    with pytest.raises(ParameterError, match="random_state"):
        synth.rebalance(claims, column="claim", ranges=RANGES, method="naive", random_state=-1)
    lonely = claims.assign(claim=np.r_[np.zeros(len(claims) - 1, dtype=int), 5000])
    with pytest.raises(MethodRefused, match="at least 2 rows"):
        synth.rebalance(lonely, column="claim", ranges="0-1000, 1000+", method="smote")


def test_a_dask_table_with_ranges_is_refused_in_one_line(claims):
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(PlanError, match="in memory only"):
        synth.rebalance(dd.from_pandas(claims, npartitions=2), column="claim", ranges=RANGES)


def test_the_regression_sampler_returns_x_then_new_rows_and_y_inside_ranges(claims):
    X, y = claims.drop(columns="claim"), claims["claim"].to_numpy()
    sampler = synth.SyntheticRegressionSampler(ranges=RANGES, shares={"3000+": 0.2}, random_state=0)
    X_new, y_new = sampler.fit_resample(X, y)
    assert len(X_new) == len(y_new) > len(X) and X_new.dtypes.equals(X.dtypes)
    pd.testing.assert_frame_equal(X_new.iloc[: len(X)], X)
    assert (y_new[len(y) :] >= 0).all() and np.mean(y_new >= 3000) == pytest.approx(0.2, abs=1e-3)
    X_arr, y_arr = synth.SyntheticRegressionSampler(method="smote", random_state=0).fit_resample(
        X[["severity"]].to_numpy(), y.astype(float)
    )
    assert X_arr.shape[1] == 1 and len(X_arr) == len(y_arr)
    with pytest.raises(ParameterError, match="method"):
        synth.SyntheticRegressionSampler(method="nope").fit_resample(X, y)


def test_sera_weighs_errors_on_relevant_values():
    truth = np.array([1.0, 2, 3, 4, 100])
    phi = relevance(truth, truth)
    assert phi[0] == 0 and phi[-1] == 1
    assert sera(truth, truth, phi) == 0
    assert sera(truth, truth + np.r_[0, 0, 0, 0, 5], phi) > sera(truth, truth + np.r_[5, 0, 0, 0, 0], phi)


def test_evaluation_reports_ranges_rarest_first_and_a_verdict(claims):
    split = split_by_range(claims, column="claim", ranges=RANGES, random_state=0)
    assert "stratified by the ranges of 'claim'" in split.description
    base = evaluate_regression(split.train, split.holdout, column="claim", ranges=RANGES, n_repeats=2)
    same = evaluate_regression(split.train, split.holdout, column="claim", ranges=RANGES, n_repeats=2, model="forest")
    report = base.report()
    assert list(report["ranges"]) == list(base.ranges) and base.ranges[0] == "3000+"
    assert set(report) == {"rmse", "mae", "sera", "ranges"}
    (line,) = verdict({"none": base, "forest": same}, baseline="none")
    assert "rare-range RMSE" in line and "SERA" in line


def test_cli_round_trip_for_a_numeric_target(tmp_path, claims, capsys):
    split = split_by_range(claims, column="claim", ranges=RANGES)
    split.train.to_csv(tmp_path / "in.csv", index=False)
    split.holdout.to_csv(tmp_path / "hold.csv", index=False)
    out = tmp_path / "out.csv"
    args = ["rebalance", str(tmp_path / "in.csv"), "--column", "claim", "--ranges", RANGES, "--share", "3000+=0.2"]
    assert main([*args, "--method", "smote", "--output", str(out)]) == 0
    written = pd.read_csv(out)
    assert np.mean(written["claim"] >= 3000) == pytest.approx(0.2, abs=1e-3) and len(written) > len(split.train)
    assert "'3000+'" in capsys.readouterr().err
    assert main(["evaluate", str(out), "--holdout", str(tmp_path / "hold.csv"), "--column", "claim", "--repeats", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"rmse", "mae", "sera", "ranges", "train_rows"} <= set(report)
    assert main([*args[:-2], "--ranges", "0-10, 5+", "--output", str(out)]) == 2
    assert "--ranges" in capsys.readouterr().err
