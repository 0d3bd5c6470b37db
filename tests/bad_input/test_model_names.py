"""Column names LightGBM refuses (``[ ] , : " { }``) and holdouts of the wrong kind, through library, CLI and pages."""

import json

import numpy as np
import pandas as pd
import pytest

from synth.__main__ import main
from synth.assess.evaluate import evaluate
from synth.errors import EvaluationError
from tests.app.helpers import click, start, texts, visit
from ui.state import EVALUATIONS, make_dataset

NAMES = ["price [EUR]", "region, code", 'say "hi"', "{json}: key"]


def awkward(n: int = 900, random_state: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(random_state)
    outcome = np.where(rng.random(n) < 0.15, "yes", "no")
    return pd.DataFrame(
        {
            NAMES[0]: np.round(rng.normal(50, 10, n) + 15 * (outcome == "yes"), 2),
            NAMES[1]: rng.choice(["north", "south", "east"], n),
            NAMES[2]: rng.integers(0, 5, n),
            NAMES[3]: rng.choice(["a", "b"], n),
            "outcome": outcome,
        }
    )


def test_library_scores_tables_with_any_column_names():
    table = awkward()
    scores = evaluate(table.iloc[:700], table.iloc[700:], column="outcome", positive="yes", n_repeats=2).summary()
    assert scores["auc_roc_mean"] > 0.75


def test_cli_evaluate_and_report(tmp_path, capsys):
    table = awkward()
    table.iloc[:700].to_csv(tmp_path / "train.csv", index=False)
    table.iloc[700:].to_csv(tmp_path / "hold.csv", index=False)
    argv = ["evaluate", str(tmp_path / "train.csv"), "--holdout", str(tmp_path / "hold.csv"), "--column", "outcome"]
    assert main([*argv, "--positive", "yes", "--repeats", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["auc_roc"]["mean"] > 0.75
    report = ["report", str(tmp_path / "train.csv"), "--column", "outcome", "--share", "yes=0.5"]
    assert main([*report, "--output", str(tmp_path / "r.html")]) == 0, capsys.readouterr().err
    assert "price [EUR]" in (tmp_path / "r.html").read_text()


def test_a_text_holdout_column_is_named_not_a_key_error():
    table = awkward()
    holdout = table.iloc[700:].assign(**{NAMES[0]: lambda t: t[NAMES[0]].map(lambda v: f"{v} yrs")})
    with pytest.raises(EvaluationError, match=r"column 'price \[EUR\]' holds text such as '.* yrs'"):
        evaluate(table.iloc[:700], holdout, column="outcome", positive="yes", n_repeats=1)


def test_evaluate_page_scores_them():
    at = start()
    at.session_state["dataset"] = make_dataset("awkward.csv", awkward(), uploaded=True)
    visit(at, "plan")
    click(at, "Generate")
    visit(at, "evaluate")
    click(at, "Train and score")
    assert not at.exception and not texts(at, "error")
    evaluations = at.session_state[EVALUATIONS].evaluations
    assert len(evaluations) == 4 and all(e.summary()["auc_roc_mean"] > 0.6 for e in evaluations.values())


def test_holdout_outcome_values_unseen_in_training_are_named():
    table = awkward()
    shouted = table.iloc[700:].assign(outcome=lambda t: t["outcome"].str.upper())
    with pytest.raises(EvaluationError, match=r"holds value\(s\) \['NO', 'YES'\] that the training table lacks \(spelled"):
        evaluate(table.iloc[:700], shouted, column="outcome", positive="yes", n_repeats=1)


def test_holdout_rows_without_an_outcome_are_left_out_with_a_note(tmp_path, capsys):
    table = awkward()
    holdout = table.iloc[700:].copy()
    holdout.iloc[:20, holdout.columns.get_loc("outcome")] = None
    result = evaluate(table.iloc[:700], holdout, column="outcome", positive="yes", n_repeats=1)
    assert len(result.truth) == 180 and result.truth.sum() == (holdout["outcome"] == "yes").sum()
    assert "20 holdout row(s) with no value of 'outcome' are left out of the scores." in result.notes
    table.iloc[:700].to_csv(tmp_path / "train.csv", index=False)
    holdout.to_csv(tmp_path / "hold.csv", index=False)
    argv = ["evaluate", str(tmp_path / "train.csv"), "--holdout", str(tmp_path / "hold.csv"), "--column", "outcome"]
    assert main([*argv, "--positive", "yes", "--repeats", "1", "--sensitive", NAMES[1]]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["holdout_rows"] == 200 and "20 holdout row(s)" in report["warnings"][-1]
    assert set(report["selection_rate"]) == {"north", "south", "east"}
