"""Absurd options and hostile paths through the CLI: one clear line naming the option, nothing damaged."""

import os
import signal
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth.__main__ import main
from synth.data.demos import make_demo
from synth.rebalancing.plan import MAX_OUTPUT_ROWS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def table_csv(tmp_path, patients):
    path = tmp_path / "patients.csv"
    patients.to_csv(path, index=False)
    return path


def run(capsys, *args: str) -> tuple[int, list[str]]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--seed", "-1"], "argument --seed: must be at least 0, got -1"),
        (
            ["--mode", "full", "--rows", str(MAX_OUTPUT_ROWS + 1)],
            f"error: --rows: The number of rows to generate must be between 1 and {MAX_OUTPUT_ROWS:,}",
        ),
        (["--mode", "full", "--rows", "0"], "argument --rows: must be at least 1, got 0"),
        (["--share", "Variant X=0.9999999"], "error: Meeting these shares while keeping every real row needs"),
        (["--share", "nope"], "error: --share: takes VALUE=SHARE"),
        (["--method", "gan"], "argument --method: invalid choice: 'gan'"),
        (["--share", "Variant X=0.5", "--share", "Variant X=0.6"], "error: --share: 'Variant X' is given twice"),
    ],
)
def test_absurd_options_are_refused_before_any_work(table_csv, tmp_path, capsys, extra, message):
    share = [] if any(a == "--share" for a in extra) else ["--share", "Variant X=0.5"]
    started = time.perf_counter()
    with pytest.raises(SystemExit) if message.startswith("argument") else nullcontext():
        code, err = run(capsys, "rebalance", table_csv, "--column", "variant", *share, *extra, "--output", tmp_path / "o.csv")
        assert code == 2 and len(err) == 1 and message in err[0], err
    if message.startswith("argument"):
        assert message in capsys.readouterr().err
    assert time.perf_counter() - started < 30 and not (tmp_path / "o.csv").exists()


def test_output_equal_to_input_is_refused(table_csv, capsys):
    before = table_csv.read_bytes()
    code, err = run(capsys, "rebalance", table_csv, "--column", "variant", "--share", "Variant X=0.5", "--output", table_csv)
    assert code == 2 and "is an input file" in err[0]
    assert table_csv.read_bytes() == before


def test_report_refuses_a_file_that_is_not_a_scenario_database(table_csv, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    code, err = run(
        capsys, "report", table_csv, "--column", "variant", "--share", "Variant X=0.5", "--repeats", "1",
        "--methods", "naive", "--scenarios", notes, "--output", tmp_path / "r.html",
    )  # fmt: skip
    assert code == 2 and "not a Rebalance Studio scenario database" in err[-1]
    assert notes.read_text() == "my notes\n" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "patients.csv"]


def test_evaluate_with_a_holdout_lacking_a_column(table_csv, tmp_path, patients, capsys):
    holdout = tmp_path / "holdout.csv"
    patients.drop(columns=["age"]).to_csv(holdout, index=False)
    code, err = run(
        capsys, "evaluate", table_csv, "--holdout", holdout, "--column", "variant", "--positive", "Variant X", "--repeats", "1"
    )
    assert code == 2 and "The holdout lacks the column(s) ['age']" in err[0]


def test_evaluate_on_one_minority_row_warns(tmp_path, patients, capsys):
    one = pd.concat([patients[patients["variant"] == "Other"], patients[patients["variant"] == "Variant X"].head(1)])
    train, holdout = tmp_path / "train.csv", tmp_path / "holdout.csv"
    one.to_csv(train, index=False)
    make_demo("patients", random_state=2, rows=1500).to_csv(holdout, index=False)
    code, err = run(
        capsys, "evaluate", train, "--holdout", holdout, "--column", "variant", "--positive", "Variant X", "--repeats", "1"
    )
    assert code == 0 and any("trained on only 1 row(s) of 'Variant X'" in line for line in err)


def test_synthetic_handles_values_of_1e308(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 400
    amount = rng.exponential(100, n)
    amount[::9] = 1e308
    table = pd.DataFrame(
        {"amount": amount, "kind": rng.choice(["a", "b"], n), "label": np.where(np.arange(n) % 12 == 0, "rare", "common")}
    )
    source = tmp_path / "huge.csv"
    table.to_csv(source, index=False)
    code, err = run(capsys, "rebalance", source, "--column", "label", "--share", "rare=0.5", "--output", tmp_path / "o.csv")
    assert code == 0, err
    out = pd.read_csv(tmp_path / "o.csv")
    assert np.isfinite(out["amount"]).all() and out["amount"].max() == 1e308


def test_a_kill_during_a_write_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("previous,content\n1,2\n")
    script = (
        "import numpy as np, pandas as pd\n"
        "from synth.data.io import write_table\n"
        "t = pd.DataFrame(np.random.default_rng(0).random((3_000_000, 6)))\n"
        "print('writing', flush=True)\n"
        f"write_table(t, {str(target)!r})\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert process.stdout.readline().strip() == b"writing"
    time.sleep(1.0)
    partial = list(tmp_path.glob(".out.csv.*.partial"))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert partial, "the write should have been under way in a temporary file"
    assert target.read_text() == "previous,content\n1,2\n"


def test_repeats_are_bounded_before_any_work(table_csv, capsys):
    argv = ["evaluate", table_csv, "--holdout", table_csv, "--column", "variant", "--positive", "Variant X"]
    with pytest.raises(SystemExit):
        run(capsys, *argv, "--repeats", "1000000000")
    assert "argument --repeats: must be at most 100, got 1,000,000,000" in capsys.readouterr().err


def test_an_output_folder_is_named_as_a_folder(table_csv, tmp_path, capsys):
    code, err = run(capsys, "rebalance", table_csv, "--column", "variant", "--share", "Variant X=0.5", "--output", tmp_path)
    assert code == 2 and err == [f"error: {tmp_path} is a folder; name a file to write."]


def test_a_killed_writers_partial_file_is_cleaned_up_on_the_next_run(table_csv, tmp_path, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = tmp_path / f".o.csv.{dead.pid}.x1y2.partial"
    abandoned.write_text("half")
    code, _ = run(
        capsys,
        "rebalance",
        table_csv,
        "--column",
        "variant",
        "--share",
        "Variant X=0.5",
        "--method",
        "naive",
        "--output",
        tmp_path / "o.csv",
    )
    assert code == 0 and not abandoned.exists() and [p.name for p in tmp_path.iterdir() if p.suffix == ".partial"] == []


def test_split_into_one_file_twice_is_refused_as_such(table_csv, tmp_path, capsys):
    same = tmp_path / "s.csv"
    code, err = run(capsys, "split", table_csv, "--column", "variant", "--train", same, "--holdout", same)
    assert (
        code == 2
        and err[-1] == "error: The training rows and the holdout would both be written to s.csv; name two different files."
    )
    assert not same.exists()


def test_a_tiny_holdout_scores_with_a_note_saying_so(tmp_path, capsys):
    import json

    rng = np.random.default_rng(0)
    x = rng.normal(size=205)
    table = pd.DataFrame({"x": x, "z": rng.normal(size=205), "y": np.where(x > 0.8, "yes", "no")})
    table.iloc[:200].to_csv(tmp_path / "train.csv", index=False)
    holdout = pd.DataFrame({"x": [2.0, -1.0, -0.5, 0.1, -2.0], "z": 0.5, "y": ["yes", "no", "no", "no", "no"]})
    holdout.to_csv(tmp_path / "holdout.csv", index=False)
    code = main(
        [
            "evaluate",
            str(tmp_path / "train.csv"),
            "--holdout",
            str(tmp_path / "holdout.csv"),
            "--column",
            "y",
            "--positive",
            "yes",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    warnings = json.loads(captured.out).get("warnings", [])
    assert any("holdout holds only 1 row(s) of 'yes'" in w and "fewer than 10" in w for w in warnings), warnings
