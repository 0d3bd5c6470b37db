"""One session, one truth: choices outlive page visits, and no result is shown as current for other choices."""

from streamlit.testing.v1 import AppTest

from tests.app.helpers import click, start, texts, visit
from ui.state import EVALUATIONS, PLAN


def widget(at: AppTest, kind: str, label: str):
    """The widget of ``kind`` whose label starts with ``label``."""
    return next(w for w in getattr(at, kind) if w.label.startswith(label))


def generated_on_a_small_plan() -> AppTest:
    at = start()
    visit(at, "plan")
    widget(at, "checkbox", "SMOTE-NC").uncheck().run()  # two methods keep the test quick
    widget(at, "number_input", "Keep only this many").set_value(40).run()
    widget(at, "slider", "Share of").set_value(30).run()
    click(at, "Generate")
    return at


def test_every_choice_outlives_a_visit_to_another_page_and_the_scores_stay_current():
    at = generated_on_a_small_plan()
    visit(at, "evaluate")
    widget(at, "number_input", "Runs").set_value(2).run()
    widget(at, "selectbox", "Classifier").select("forest").run()
    widget(at, "multiselect", "Leave out of the models").select("bmi").run()
    click(at, "Train and score")
    scores = at.session_state[EVALUATIONS]
    assert "Holdout metrics" in texts(at, "subheader")

    visit(at, "compare")
    visit(at, "plan")  # Plan's own choices came back too
    assert widget(at, "number_input", "Keep only this many").value == 40
    assert widget(at, "slider", "Share of").value == 30
    assert widget(at, "checkbox", "SMOTE-NC").value is False
    assert not any("not shown as current" in w for w in texts(at, "warning"))
    visit(at, "evaluate")
    assert widget(at, "number_input", "Runs").value == 2
    assert widget(at, "selectbox", "Classifier").value == "forest"
    assert widget(at, "multiselect", "Leave out of the models").value == ["bmi"]
    assert "Holdout metrics" in texts(at, "subheader")  # the same results, still current
    assert at.session_state[EVALUATIONS] is scores
    assert not any("kept from before" in c for c in texts(at, "caption"))


def test_results_of_another_column_are_never_shown_as_current():
    at = generated_on_a_small_plan()
    visit(at, "evaluate")
    widget(at, "number_input", "Runs").set_value(1).run()
    click(at, "Train and score")
    visit(at, "plan")
    widget(at, "selectbox", "Column to rebalance").select("hospitalised").run()
    warnings = texts(at, "warning")
    assert any("variant → Variant X 30%" in w and "not shown as current" in w for w in warnings), warnings
    assert not texts(at, "success")  # no "Generated: ..." and no "Next" for the old column
    assert not any(link.label.startswith("Next: compare") for link in at.get("page_link"))
    for page in ("compare", "evaluate"):
        visit(at, page)
        assert any(
            "These are the outputs generated for variant" in w and "column variant → hospitalised changed" in w
            for w in texts(at, "warning")
        ), page
    # back to the column the outputs were made for: they are current again, and so are the scores
    visit(at, "plan")
    widget(at, "selectbox", "Column to rebalance").select("variant").run()
    assert any(t.startswith("Generated:") for t in texts(at, "success"))
    visit(at, "evaluate")
    assert not any("These are the outputs generated for" in w for w in texts(at, "warning"))
    assert "Holdout metrics" in texts(at, "subheader")
    assert at.session_state[PLAN].settings.column == "variant"


def test_fairness_choices_outlive_a_visit():
    at = start()
    visit(at, "fairness")
    widget(at, "multiselect", "Sensitive columns").set_value(["sex", "region"]).run()
    widget(at, "selectbox", "Value a decision selects").select("Other").run()
    visit(at, "data")
    visit(at, "fairness")
    assert widget(at, "multiselect", "Sensitive columns").value == ["sex", "region"]
    assert widget(at, "selectbox", "Value a decision selects").value == "Other"
