"""The CLI contract: files in, files out, JSON scores, clear errors with exit code 2."""

import json

import pandas as pd
import pytest

from synth.__main__ import main
from synth.data.io import read_table
from synth.table import value_counts
from tests.conftest import ADULT_TUTORIAL, needs_shared


@pytest.fixture
def patients_csv(tmp_path, patients):
    path = tmp_path / "patients.csv"
    patients.to_csv(path, index=False)
    return path


def test_rebalance_csv_to_parquet_keeps_columns_and_order(tmp_path, patients_csv):
    out = tmp_path / "out.parquet"
    code = main(
        [
            "rebalance",
            str(patients_csv),
            "--column",
            "variant",
            "--share",
            "Variant X=0.5",
            "--method",
            "synthetic",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    original, result = read_table(patients_csv), read_table(out)
    assert list(result.columns) == list(original.columns)
    assert result.dtypes.to_dict() == original.dtypes.to_dict()
    counts = value_counts(result["variant"])
    assert counts["Variant X"] == counts["Other"] == (original["variant"] == "Other").sum()


def test_full_mode_with_rows(tmp_path, patients_csv):
    out = tmp_path / "full.csv"
    args = ["rebalance", str(patients_csv), "--column", "variant", "--share", "Variant X=0.2", "--mode", "full", "--rows", "500"]
    assert main([*args, "--output", str(out)]) == 0
    assert value_counts(read_table(out)["variant"]) == {"Other": 400, "Variant X": 100}


def test_evaluate_prints_json(tmp_path, patients, capsys):
    patients.iloc[:2000].to_csv(tmp_path / "train.csv", index=False)
    patients.iloc[2000:].to_csv(tmp_path / "holdout.csv", index=False)
    code = main(
        [
            "evaluate",
            str(tmp_path / "train.csv"),
            "--holdout",
            str(tmp_path / "holdout.csv"),
            "--column",
            "variant",
            "--positive",
            "Variant X",
            "--seeds",
            "2",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"auc_roc", "auc_pr", "f1_macro"}
    assert 0.5 < report["auc_roc"]["mean"] <= 1 and report["seeds"] == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--share", "Variant X=1.5"], "between 0 and 1"),
        (["--share", "Nope=0.5"], "'Nope' is not a value"),
        (["--share", "Variant X=0.5", "--method", "naive", "--mode", "full"], "can only add rows"),
        (["--share", "Variant X=0.5", "--column", "age"], "only a categorical column"),
    ],
)
def test_errors_are_one_clear_line(tmp_path, patients_csv, capsys, extra, message):
    args = ["rebalance", str(patients_csv), "--column", "variant", "--output", str(tmp_path / "o.csv"), *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unreadable_input_is_explained(tmp_path, capsys):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert (
        main(["rebalance", str(tmp_path / "empty.csv"), "--column", "y", "--share", "a=0.5", "--output", str(tmp_path / "o.csv")])
        == 2
    )
    assert "The file is empty" in capsys.readouterr().err


def test_demo_command_writes_a_table(tmp_path):
    assert main(["demo", "fraud", "--output", str(tmp_path / "fraud.csv")]) == 0
    assert "fraud" in pd.read_csv(tmp_path / "fraud.csv").columns


@needs_shared
@pytest.mark.parametrize("method", ["naive", "smote", "synthetic"])
def test_contract_on_the_tutorial_table(tmp_path, method):
    source = ADULT_TUTORIAL / "census-training-imbalanced.csv"
    out = tmp_path / f"{method}.csv"
    assert (
        main(["rebalance", str(source), "--column", "income", "--share", ">50K=0.5", "--method", method, "--output", str(out)])
        == 0
    )
    original, result = pd.read_csv(source), pd.read_csv(out)
    assert list(result.columns) == list(original.columns)
    assert result.dtypes.to_dict() == original.dtypes.to_dict()
    pd.testing.assert_frame_equal(result.iloc[: len(original)], original)
    assert value_counts(result["income"]) == {"<=50K": 29724, ">50K": 29724}


def test_demos_are_deterministic_and_can_be_made_extreme():
    from synth.data.demos import DEMOS, make_demo

    for name, demo in DEMOS.items():
        first, again = make_demo(name, seed=3, rows=2000), make_demo(name, seed=3, rows=2000)
        pd.testing.assert_frame_equal(first, again)
        share = (first[demo.column] == demo.positive).mean()
        assert 0.005 < share < 0.06, (name, share)
        extreme = make_demo(name, seed=3, rows=2000, rare_rows=5)
        assert (extreme[demo.column] == demo.positive).sum() == 5
        assert len(extreme) == 2000 - (first[demo.column] == demo.positive).sum() + 5


def test_fair_writes_a_table_with_the_same_outcome_rate_in_every_group(tmp_path, patients_csv):
    out = tmp_path / "fair.csv"
    code = main(
        ["fair", str(patients_csv), "--column", "hospitalised", "--sensitive", "sex", "--seed", "1", "--output", str(out)]
    )
    assert code == 0
    original, result = read_table(patients_csv), read_table(out)
    assert list(result.columns) == list(original.columns) and len(result) == len(original)
    shares = result.groupby("sex")["hospitalised"].apply(lambda s: (s == "yes").mean())
    assert shares.max() - shares.min() < 0.005


@pytest.mark.parametrize(
    ("sensitive", "words"), [("age", "numeric"), ("hospitalised", "is the outcome"), ("patient_id", "id-like")]
)
def test_fair_refuses_a_sensitive_column_that_makes_no_groups(tmp_path, patients_csv, capsys, sensitive, words):
    out = tmp_path / "fair.csv"
    code = main(["fair", str(patients_csv), "--column", "hospitalised", "--sensitive", sensitive, "--output", str(out)])
    error = capsys.readouterr().err.strip()
    assert code == 2 and error.startswith("error: --sensitive:") and words in error and "\n" not in error
    assert not out.exists()


def test_evaluate_with_sensitive_adds_parity_and_selection_rates(tmp_path, patients, capsys):
    train, holdout = tmp_path / "train.csv", tmp_path / "holdout.csv"
    patients.iloc[:2000].to_csv(train, index=False)
    patients.iloc[2000:].to_csv(holdout, index=False)
    args = ["evaluate", str(train), "--holdout", str(holdout), "--column", "hospitalised", "--positive", "yes"]
    code = main([*args, "--seeds", "2", "--sensitive", "sex"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(report["selection_rate"]) == set(patients["sex"].dropna().unique())
    rates = list(report["selection_rate"].values())
    assert report["parity_difference"]["mean"] == pytest.approx(max(rates) - min(rates), abs=0.001)
    assert report["parity_difference"]["std"] >= 0
    assert main([*args, "--sensitive", "nowhere"]) == 2
    assert "error: --sensitive:" in capsys.readouterr().err
