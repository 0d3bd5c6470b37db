"""Growing a scarce table, from Plan to Evaluate: N synthetic rows of every class, judged against the real rows alone."""

from synth.data.demos import make_demo
from tests.app.helpers import click, start, texts, visit
from ui.state import DATASET, EVALUATIONS, PLAN, make_dataset


def widget(at, kind: str, label: str):
    return next(w for w in getattr(at, kind) if w.label.startswith(label))


def test_a_scarce_table_grows_by_the_rows_asked_and_evaluate_says_whether_it_helped():
    at = start()
    at.session_state[DATASET] = make_dataset("small.csv", make_demo("patients", rows=800), "variant", uploaded=True)
    visit(at, "plan")
    widget(at, "radio", "Mode").set_value("grow").run()
    widget(at, "number_input", "Rows to add").set_value(1200).run()
    for name in ("SMOTE-NC", "Naive oversampling"):
        widget(at, "checkbox", name).uncheck().run()
    click(at, "Generate")
    run = at.session_state[PLAN]
    grown = run.outputs.results["synthetic"]
    assert int(grown.generated.sum()) == 1200 and len(grown.table) == len(run.split.train) + 1200
    share = (run.split.train["variant"] == "Variant X").mean()
    assert abs((grown.new_rows["variant"] == "Variant X").mean() - share) < 0.01  # today's shares kept
    visit(at, "evaluate")
    widget(at, "number_input", "Runs").set_value(2).run()
    click(at, "Train and score")
    from synth.labels import UNBALANCED

    assert set(at.session_state[EVALUATIONS].evaluations) == {UNBALANCED, "Synthetic"}  # real only, and real + synthetic
    lines = [t for t in texts(at, "info") if t.startswith("Growing")]
    assert len(lines) == 1 and "against the real rows alone" in lines[0] and "AUC-PR" in lines[0]
    assert any(word in lines[0] for word in ("helps", "a tie", "hurts", "too few holdout rows"))
