"""The Fairness page: outcome preselected, a sensitive column chosen, a fair table generated and judged."""

import pandas as pd

from synth.data.demos import make_demo
from synth.fairness.fair import FAIR_NAME, REAL_NAME
from tests.app.helpers import click, start, texts, visit
from ui.state import DATASET, FAIRNESS, make_dataset


def test_fair_table_generated_and_its_parity_shown_on_the_demo():
    at = visit(start(), "fairness")
    outcome = next(s for s in at.selectbox if s.label == "Outcome")
    assert outcome.value == "variant"
    sensitive = next(m for m in at.multiselect if m.label == "Sensitive columns")
    assert sensitive.value == ["sex"] and "age" not in sensitive.options  # numeric columns are not offered
    click(at, "Generate")
    study = at.session_state[FAIRNESS].study
    assert list(study.results) == [REAL_NAME, FAIR_NAME]
    rates = study.rates[FAIR_NAME]
    assert rates.max() - rates.min() < 0.01  # the fair table's own rate is the same in every group
    headline = next(line for line in texts(at, "info") if "gap" in line)  # the trade-off in plain words
    assert "AUC-ROC 0." in headline and "AUC-PR 0." in headline
    assert any(b.label == "Download the fair table (CSV)" for b in at.get("download_button"))
    shown = next(d.value for d in at.dataframe if "parity difference" in d.value.columns)
    assert list(shown["training data"]) == [REAL_NAME, FAIR_NAME]
    assert "groups in the gap" in shown.columns
    fair_said = [c for c in texts(at, "caption") if "any threshold is fair" in c]
    assert all(c.startswith("Trained on the fair table") for c in fair_said)


def test_generate_waits_for_a_sensitive_column():
    at = visit(start(), "fairness")
    next(m for m in at.multiselect if m.label == "Sensitive columns").set_value([]).run()
    assert next(b for b in at.button if b.label == "Generate").disabled
    assert not at.exception


def test_an_outcome_value_of_one_row_is_not_preselected_and_is_refused_in_one_line():
    at = start()
    table = make_demo("patients")
    table = pd.concat([table, table.head(1).assign(variant="Solo")], ignore_index=True)
    at.session_state[DATASET] = make_dataset("solo.csv", table, "variant", uploaded=True)
    visit(at, "fairness")
    positive = next(s for s in at.selectbox if s.label.startswith("Value a decision selects"))
    assert positive.value == "Variant X" and positive.options[0] == "Solo"
    positive.set_value("Solo").run()
    click(at, "Generate")
    errors = texts(at, "error")
    assert len(errors) == 1 and "The holdout has only one class of 'variant'" in errors[0]
    assert FAIRNESS not in at.session_state


def test_not_offered_names_id_like_columns_too():
    at = visit(start(), "fairness")
    line = next(c for c in texts(at, "caption") if c.startswith("Not offered"))
    assert "ID-like" in line and "patient_id" in line.replace("\\", "") and "numeric or date" in line
