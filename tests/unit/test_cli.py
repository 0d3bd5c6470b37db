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
            "--repeats",
            "2",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"auc_roc", "auc_pr", "f1_macro"}
    assert 0.5 < report["auc_roc"]["mean"] <= 1 and report["repeats"] == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--share", "Variant X=1.5"], "between 0 and 1"),
        (["--share", "Nope=0.5"], "'Nope' is not a value"),
        (["--share", "Variant X=0.5", "--method", "naive", "--mode", "full"], "can only add rows"),
        (["--share", "Variant X=0.5", "--column", "age"], "'Variant X' is not one of the ranges"),
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
        first, again = make_demo(name, random_state=3, rows=2000), make_demo(name, random_state=3, rows=2000)
        pd.testing.assert_frame_equal(first, again)
        share = (first[demo.column] == demo.positive).mean()
        assert 0.005 < share < 0.06, (name, share)
        extreme = make_demo(name, random_state=3, rows=2000, rare_rows=5)
        assert (extreme[demo.column] == demo.positive).sum() == 5
        assert len(extreme) == 2000 - (first[demo.column] == demo.positive).sum() + 5


def test_split_writes_the_apps_holdout_and_keeps_n_rare_rows(tmp_path, patients_csv, capsys):
    from synth.data.holdout import keep_rare_rows, split_holdout

    train, hold = tmp_path / "train.csv", tmp_path / "hold.csv"
    argv = ["split", str(patients_csv), "--column", "variant", "--keep-rare", "7", "--train", str(train), "--holdout", str(hold)]
    assert main(argv) == 0
    table = read_table(patients_csv)
    expected = keep_rare_rows(split_holdout(table, column="variant"), "variant", "Variant X", 7)
    assert len(read_table(train)) == len(expected.train) and (read_table(train)["variant"] == "Variant X").sum() == 7
    pd.testing.assert_frame_equal(read_table(hold), expected.holdout.reset_index(drop=True))
    assert "Training:" in capsys.readouterr().err
    assert main([*argv[:4], "--keep-rare", "100000", *argv[6:]]) == 2
    assert capsys.readouterr().err.startswith("error: --keep-rare: Keep between 1 and")


def test_evaluate_refuses_a_holdout_that_is_the_training_table(tmp_path, patients_csv, capsys):
    argv = ["evaluate", str(patients_csv), "--holdout", str(patients_csv), "--column", "variant", "--positive", "Variant X"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 3,000 of the holdout's 3,000 rows also appear in the training table") and err.count("\n") == 1


def test_evaluate_with_another_classifier(tmp_path, patients, capsys):
    from synth.data.holdout import split_holdout

    split = split_holdout(patients, column="variant")
    split.train.to_csv(tmp_path / "train.csv", index=False)
    split.holdout.to_csv(tmp_path / "hold.csv", index=False)
    argv = ["evaluate", str(tmp_path / "train.csv"), "--holdout", str(tmp_path / "hold.csv"), "--column", "variant"]
    assert main([*argv, "--positive", "Variant X", "--repeats", "1", "--model", "forest"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == "forest" and out["auc_roc"]["mean"] > 0.6


def test_demo_writes_the_apps_few_rare_rows_and_its_independent_holdout(tmp_path):
    from synth.data.demos import demo_holdout, make_demo

    out, hold = tmp_path / "p.csv", tmp_path / "h.csv"
    assert main(["demo", "patients", "--rare-rows", "25", "--output", str(out), "--holdout", str(hold)]) == 0
    assert (read_table(out)["variant"] == "Variant X").sum() == 25
    assert len(read_table(out)) == len(make_demo("patients", rare_rows=25))
    assert len(read_table(hold)) == len(demo_holdout("patients")[0])


def test_impute_writes_observed_cells_back_as_read_and_reports_tokens(tmp_path, capsys):
    rows = ["city,age,income"] + [
        f"{c},{a},{i}" for c, a, i in zip(["north", "south"] * 100, range(20, 220), range(200), strict=True)
    ]
    rows[3] = "north,?,2"
    rows[6] = "south,NA,5"
    rows[9] = "north,,8"
    rows[12] = "south,41,"
    source = tmp_path / "gaps.csv"
    source.write_text("\n".join(rows) + "\n")
    out = tmp_path / "filled.csv"
    assert main(["impute", str(source), "--column", "age", "--seed", "3", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "age: 3 cells filled" in printed and "'?' x1" in printed and "'NA' x1" in printed and "'' x1" in printed
    written = out.read_text().splitlines()
    assert len(written) == len(rows)
    changed = [i for i, (a, b) in enumerate(zip(rows, written, strict=True)) if a != b]
    assert changed == [3, 6, 9]  # only the gaps of the chosen column; 'south,41,' keeps its empty income
    ages = {line.split(",")[1] for line in rows[1:]}
    assert all(written[i].split(",")[1] in ages - {"?", "NA", ""} for i in changed)
    again = tmp_path / "again.csv"
    main(["impute", str(source), "--column", "age", "--seed", "3", "--output", str(again)])
    assert again.read_text() == out.read_text()


def test_impute_refuses_bad_columns_in_one_line(tmp_path, capsys):
    source = tmp_path / "t.csv"
    source.write_text("a,b,empty\n" + "\n".join(f"x{i % 3},{i}," for i in range(60)) + "\n")
    assert main(["impute", str(source), "--column", "nope", "--output", str(tmp_path / "o.csv")]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .startswith("error: --column: There is no column 'nope' in the table; it has 'a', 'b', 'empty'.")
    )
    assert main(["impute", str(source), "--column", "empty", "--output", str(tmp_path / "o.csv")]) == 2
    assert "entirely empty" in capsys.readouterr().err
    assert main(["impute", str(source), "--output", str(source)]) == 2
    assert not (tmp_path / "o.csv").exists()


def test_impute_without_gaps_says_nothing_to_fill_and_writes_the_table_unchanged(tmp_path, capsys):
    source = tmp_path / "full.csv"
    source.write_text("a,b\n" + "\n".join(f"x{i % 3},{i}.50" for i in range(40)) + "\n")
    out = tmp_path / "out.csv"
    assert main(["impute", str(source), "--output", str(out)]) == 0
    assert "nothing to fill" in capsys.readouterr().err
    assert out.read_text() == source.read_text()


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
    code = main([*args, "--repeats", "2", "--sensitive", "sex"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(report["selection_rate"]) == set(patients["sex"].dropna().unique())
    rates = list(report["selection_rate"].values())
    assert report["parity_difference"]["mean"] == pytest.approx(max(rates) - min(rates), abs=0.001)
    assert report["parity_difference"]["std"] >= 0
    assert main([*args, "--sensitive", "nowhere"]) == 2
    assert "error: --sensitive:" in capsys.readouterr().err
