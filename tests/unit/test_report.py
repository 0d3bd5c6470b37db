"""The stakeholder report: every section, figures embedded once, nothing fetched from outside."""

import re

import pandas as pd
import pytest

from synth.__main__ import main
from synth.labels import UNBALANCED
from synth.report import build_report
from synth.study import run_study
from synth.whatif.kpis import ALL
from synth.whatif.scenarios import SavedScenario, ScenarioSettings, ScenarioStore


@pytest.fixture(scope="module")
def study(patients):
    return run_study(patients, column="variant", shares={"Variant X": 0.5}, n_repeats=1, dataset="patients demo")


def external_references(text: str) -> list[str]:
    """src/href attributes pointing off the page, outside the embedded plotly.js source."""
    tags_only = re.sub(r"(<script[^>]*>).*?</script>", r"\1", text, flags=re.DOTALL)
    return re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//[^"'\s>]+""", tags_only)


def test_study_has_every_part(study):
    assert set(study.outputs.results) == {"naive", "smote", "synthetic"}
    assert next(iter(study.evaluations)) == UNBALANCED
    assert set(study.assessment.privacy) == {"Naive oversampling", "SMOTE-NC", "Synthetic"}
    assert study.assessment.diversity.shape[1] == 5
    assert study.outputs.plan.target["Variant X"] == study.outputs.plan.target["Other"]


def test_report_is_self_contained(study):
    scenario = SavedScenario(
        "younger",
        "insurance",
        ScenarioSettings(column="age", shares={"18-29": 0.5}, rows=100),
        pd.DataFrame(
            {"kpi": ["rows"], "group": [ALL], "original": [100.0], "scenario": [100.0], "delta": [0.0], "delta %": [0.0]}
        ),
    )
    text = build_report(study, [scenario])
    for heading in (
        "Data",
        "Rebalance plan",
        "Model quality on the real holdout",
        "Privacy",
        "Fidelity",
        "Diversity",
        "What-if scenarios",
    ):
        assert f"<h2>{heading}</h2>" in text
    assert text.count("plotly.js v") == 1  # the library is embedded once
    assert text.count('class="plotly-graph-div"') == 5
    assert external_references(text) == []
    assert "younger" in text and "Synthetic" in text


def test_report_needs_something_to_show():
    with pytest.raises(ValueError, match="Nothing to report"):
        build_report(None, [])


def test_cli_report_with_scenarios(tmp_path, patients):
    data = tmp_path / "patients.csv"
    patients.to_csv(data, index=False)
    db = tmp_path / "scenarios.sqlite"
    ScenarioStore(db)  # an empty store is fine
    out = tmp_path / "report.html"
    args = [
        "report",
        str(data),
        "--column",
        "variant",
        "--share",
        "Variant X=0.5",
        "--repeats",
        "1",
        "--methods",
        "naive",
        "synthetic",
    ]
    assert main([*args, "--scenarios", str(db), "--output", str(out)]) == 0
    text = out.read_text()
    assert "<h2>Privacy</h2>" in text and "SMOTE-NC" not in text and external_references(text) == []


def test_study_refuses_a_numeric_column_up_front(patients):
    with pytest.raises(ValueError, match="only a categorical column"):
        run_study(patients, column="age", shares={"30": 0.5}, n_repeats=1)


def test_report_tables_read_as_counts_flags_and_measures():
    from synth.report import _table

    frame = pd.DataFrame({"name": ["rows", "mean"], "value": [45211.0, 0.8623], "used": [True, False], "n": [45211, 7]})
    html_table = _table(frame)
    assert "45,211" in html_table and "45211.000" not in html_table and "0.862" in html_table
    assert ">yes<" in html_table and ">no<" in html_table and "True" not in html_table


def test_report_says_what_was_left_out_and_why_and_flags_a_verdict_resting_on_a_leak(study):
    from dataclasses import replace

    why = "suspected leak: the model reaches AUC-ROC 0.93 with it and 0.79 without it"
    left_out = replace(study, left_out=("age",), suspected_leaks={"age": why})
    text = build_report(left_out)
    assert f"left out of the models: {why}" in text  # the columns table
    assert "<b>age</b> (" + why in text  # beside the classifier
    assert "rests on a suspected leak" not in text
    used = build_report(replace(study, left_out=(), suspected_leaks={"age": why}))
    assert used.count("This verdict rests on a suspected leak: the models use age") == 2  # summary and model quality
    assert "used, though a " + why in used


def test_the_library_study_leaves_suspected_leaks_out_and_says_why(study):
    # the demo's known_exposure knows what no other column does: suspected (docs/leakage.md)
    assert study.left_out == ("known_exposure",)
    assert study.suspected_leaks["known_exposure"].startswith("suspected leak: the model reaches AUC-ROC")
    text = build_report(study)
    assert "left out of the models: suspected leak: the model reaches AUC-ROC" in text
    assert "rests on a suspected leak" not in text
