"""Page flows driven by Streamlit's AppTest: what a user sees at each step of the walk."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synth.assess.advice import METRICS, advice
from synth.data.demos import make_demo
from synth.labels import UNBALANCED
from tests.app.helpers import APP, click, start, texts, visit
from ui.state import DATASET, PLAN, make_dataset


def frame_with(at: AppTest, label: str, axis: str = "columns"):
    """The first table on the page with ``label`` among its columns (or its row labels)."""
    for element in at.dataframe:
        value = element.value
        if hasattr(value, "data"):  # a Styler
            value = value.data
        if label in getattr(value, axis):
            return value
    raise AssertionError(f"no table with {label!r}")


def test_app_opens_on_a_demo_with_column_kinds():
    at = start()
    assert not at.exception
    assert texts(at, "title") == ["1 · Data"]
    assert at.session_state[DATASET].name == "Demo: Hospital patients: a new Variant X"
    assert any("*before* any method adds a row" in m for m in texts(at, "markdown"))
    kinds = at.dataframe[-1].value
    assert kinds.set_index("column").loc["patient_id", "kind"] == "id-like"
    assert kinds.set_index("column").loc["admitted", "kind"] == "datetime"


def test_switching_demo_replaces_the_data():
    at = start()
    at.selectbox(key="demo_name").select("fraud").run()
    click(at, "Load this demo")
    assert not at.exception
    assert at.session_state[DATASET].name == "Demo: Card transactions: fraud"


@pytest.fixture(scope="module")
def generated() -> dict:
    """Generate once per module; each test then starts its own session from the result."""
    at = start()
    visit(at, "plan")
    assert "stratified" in texts(at, "info")[0]
    click(at, "Generate")
    return {"success": texts(at, "success"), DATASET: at.session_state[DATASET], PLAN: at.session_state[PLAN]}


@pytest.fixture
def walked(generated) -> AppTest:
    """A fresh session holding the generated tables: no test sees another's widgets or results."""
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state[DATASET] = generated[DATASET]
    at.session_state[PLAN] = generated[PLAN]
    return at.run()


def test_plan_generates_every_default_method(generated):
    assert any(
        s.startswith("Generated: Naive oversampling") and "SMOTE-NC" in s and "Synthetic" in s for s in generated["success"]
    )
    results = generated[PLAN].outputs.results
    assert set(results) == {"naive", "smote", "synthetic"}
    for result in results.values():
        counts = result.table["variant"].value_counts()
        assert counts["Variant X"] == counts["Other"]


def test_page_charts_get_the_one_config_without_a_share_button(walked):
    import json

    from synth.figures import PLOTLY_CONFIG

    for page in ("plan", "compare"):
        visit(walked, page)
        charts = walked.get("plotly_chart")
        assert charts, page
        for chart in charts:
            config = json.loads(chart.proto.config)
            assert config["showSendToCloud"] is False and config["displaylogo"] is False
            assert "sendChartToCloud" in config["modeBarButtonsToRemove"]
            assert config == json.loads(json.dumps(PLOTLY_CONFIG))


def test_compare_shows_counts_distributions_and_privacy(walked):
    visit(walked, "compare")
    assert "Rows per value" in texts(walked, "subheader")
    assert len(walked.get("plotly_chart")) >= 2
    fidelity = frame_with(walked, "mean similarity", axis="index")
    assert 0.5 < fidelity.loc["mean similarity", "Synthetic"] <= 1.0
    diversity = frame_with(walked, "age", axis="index")
    assert (diversity.loc["age"] > 0).all()
    privacy = frame_with(walked, "exact copies", axis="index")
    assert "exact copies" in privacy.index
    assert privacy.loc["exact copies", "Naive oversampling"] == "100.0%"
    assert privacy.loc["exact copies", "Synthetic"] == "0.0%"


def test_drill_down_counts_within_the_rare_class(walked):
    visit(walked, "compare")
    walked.selectbox(key="drill_column_0").select("known_exposure").run()
    assert not walked.exception
    chosen = walked.multiselect(key="drill_values_0_known_exposure").value
    frame = frame_with(walked, "matching rows").set_index("table")
    train = walked.session_state[PLAN].split.train
    focus = walked.selectbox(key="compare_focus_variant").value
    rare = train[train["variant"] == focus]
    assert frame.loc["original", "matching rows"] == rare["known_exposure"].astype(str).isin(chosen).sum() > 0
    naive = walked.session_state[PLAN].outputs.results["naive"].table
    naive_rare = naive[naive["variant"] == focus]
    assert frame.loc["Naive oversampling", "matching rows"] == naive_rare["known_exposure"].astype(str).isin(chosen).sum()


def test_evaluate_scores_every_output_on_the_holdout(walked):
    visit(walked, "evaluate")
    walked.number_input(key="seeds").set_value(2).run()
    click(walked, "Train and score")
    table = frame_with(walked, "AUC-ROC")
    assert list(table["training data"]) == ["unbalanced (real rows only)", "Naive oversampling", "SMOTE-NC", "Synthetic"]
    assert table["AUC-ROC"].str.fullmatch(r"0\.\d{3} ± 0\.\d{3} \[0\.\d{3}, [01]\.\d{3}\]").all()
    evaluations = walked.session_state["evaluations"].evaluations
    assert texts(walked, "info")[0] == advice(evaluations, UNBALANCED)[0]
    lines = [c for c in texts(walked, "caption") if c.split(":")[0] in METRICS.values()]
    assert lines == advice(evaluations, UNBALANCED)[1:]


def test_report_is_prepared_from_the_walk(walked):
    visit(walked, "evaluate")
    click(walked, "Train and score")
    click(walked, "Prepare the report")
    report = walked.session_state["report_html"][1]
    assert "<h2>Model quality on the real holdout</h2>" in report and "Synthetic" in report


def test_evaluate_allows_the_librarys_runs_and_a_model_that_flags_no_row_shows_a_dash(walked):
    import json

    import pyarrow as pa

    from synth.assess.evaluate import MAX_REPEATS

    visit(walked, "evaluate")
    seeds = walked.number_input(key="seeds")
    assert seeds.max == MAX_REPEATS  # the page allows what the library and the CLI allow (the docs' one figure)
    seeds.set_value(1).run()
    click(walked, "Train and score")
    assert any("diversity, the fairness results" in m for m in texts(walked, "markdown"))
    metrics = next(d for d in walked.dataframe if "AUC-PR" in d.value.columns)
    widths = {name: c.get("width") for name, c in json.loads(metrics.proto.columns).items()}
    assert widths["AUC-PR"] == "medium"  # 'mean ± std [low, high]' and the bold best cell are not cut
    walked.slider(key="threshold").set_value(0.99).run()
    decisions = next(d for d in walked.dataframe if "lift" in d.value.columns)
    flagged_none = decisions.value["flagged"].to_numpy() == 0
    assert flagged_none.any()
    shown = pa.ipc.open_stream(decisions.proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert (shown.loc[flagged_none, "precision"] == "—").all()


def test_multi_class_column_starts_from_equal_shares():
    at = start()
    at.selectbox(key="demo_name").select("insurance").run()
    click(at, "Load this demo")
    visit(at, "plan")
    at.selectbox[0].select("vehicle").run()
    assert not at.exception and not texts(at, "error")
    plan = at.dataframe[-1].value
    assert sorted(plan["value"]) == ["SUV", "compact", "sedan", "sports", "van"]
    assert plan["share after"].round(2).eq(0.2).all()
    assert (plan["rows after"] >= plan["rows now"]).all()


def test_a_column_with_one_minority_row_is_handled_without_a_traceback(patients):
    at = AppTest.from_file(APP, default_timeout=600)
    table = patients[patients["variant"] == "Other"].copy()
    table.iloc[0, table.columns.get_loc("variant")] = "Variant X"
    at.session_state[DATASET] = make_dataset("one rare row", table)
    at.run()
    visit(at, "plan")
    at.selectbox[0].select("variant").run()
    click(at, "Generate")
    assert any("SMOTE needs at least 2 rows" in e for e in texts(at, "error"))
    assert {"naive", "synthetic"} <= set(at.session_state[PLAN].outputs.results)


def test_full_mode_offers_only_the_generator():
    at = start()
    visit(at, "plan")
    at.radio(key="mode").set_value("full").run()
    assert not at.exception
    assert [c.label for c in at.checkbox if c.key.startswith("methods_full")] == ["Synthetic"]


def test_steps_need_their_inputs():
    at = start()
    visit(at, "compare")
    assert "Plan step first" in texts(at, "info")[0]


def test_a_demo_can_be_made_extremely_imbalanced():
    at = start()
    at.number_input(key="rare_rows_demo").set_value(25).run()
    click(at, "Load this demo")
    dataset = at.session_state[DATASET]
    assert (dataset.table["variant"] == "Variant X").sum() == 25
    assert dataset.name.endswith("(25 rare rows)")
    assert (dataset.holdout_file["variant"] == "Variant X").mean() > 0.015  # scored at the natural rate
    assert any("independent draw" in s for s in texts(at, "success"))
    visit(at, "plan")
    assert "independent draw" in texts(at, "info")[0]
    assert at.session_state[DATASET].holdout_file is not None


def test_every_method_is_a_visible_choice_with_the_defaults_ticked():
    at = visit(start(), "plan")
    boxes = {c.label: c.value for c in at.checkbox if c.key.startswith("methods_hybrid")}
    assert boxes == {
        "Naive oversampling": True,
        "SMOTE-NC": True,
        "Borderline-SMOTE": False,
        "KMeans-SMOTE": False,
        "Synthetic": True,
    }


def test_an_upload_preselects_its_outcome_column_and_can_keep_few_rare_rows(patients):
    at = AppTest.from_file(APP, default_timeout=600)
    table = patients.rename(columns={"variant": "outcome"})
    table.insert(0, "month", ["jan", "feb", "mar"] * (len(table) // 3))
    at.session_state[DATASET] = make_dataset("upload.csv", table, uploaded=True)
    at.run()
    visit(at, "plan")
    assert at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Column to rebalance")).value == "outcome"
    keep = next(n for n in at.number_input if n.label.startswith("Keep only this many"))
    keep.set_value(12).run()
    click(at, "Generate")
    run = at.session_state[PLAN]
    assert (run.split.train["outcome"] == "Variant X").sum() == 12
    assert (run.split.holdout["outcome"] == "Variant X").mean() > 0.015  # the holdout keeps its natural rate
    visit(at, "data")
    assert at.radio(key="data_source").value == "Upload a file"


def test_a_common_class_gets_a_plain_warning_before_any_work(patients):
    at = AppTest.from_file(APP, default_timeout=600)
    table = patients.assign(half=["a", "b"] * (len(patients) // 2))
    at.session_state[DATASET] = make_dataset("balanced", table[["age", "half"]])
    at.run()
    visit(at, "plan")
    assert any("upsampling stopped helping" in w for w in texts(at, "warning"))


def test_scores_never_outlive_their_class_or_seeds(walked):
    visit(walked, "evaluate")
    if not any(s == "Holdout metrics" for s in texts(walked, "subheader")):
        click(walked, "Train and score")
    assert "Holdout metrics" in texts(walked, "subheader")
    positive = next(s for s in walked.selectbox if s.label.startswith("Positive class"))
    positive.select("Other").run()
    assert "Holdout metrics" not in texts(walked, "subheader")
    assert any("The scores kept from before were for positive class" in c for c in texts(walked, "caption"))


def test_drill_down_on_a_date_column(walked):
    visit(walked, "compare")
    walked.selectbox(key="drill_column_1").select("admitted").run()
    assert not walked.exception
    assert any("admitted <=" in c for c in texts(walked, "caption"))


def test_evaluate_defaults_to_a_class_the_holdout_can_judge():
    rng = np.random.default_rng(2)
    n = 3000
    label = rng.choice(["common", "middle", "rare"], n, p=[0.8, 0.19, 0.01])
    table = pd.DataFrame({"size": rng.normal(size=n) + (label == "rare"), "kind": rng.choice(["a", "b"], n), "label": label})
    at = start()
    at.session_state[DATASET] = make_dataset("three.csv", table, uploaded=True)
    visit(at, "plan")
    assert next(s for s in at.selectbox if s.label == "Column to rebalance").value == "label"
    click(at, "Generate")
    visit(at, "evaluate")
    assert at.selectbox(key="positive_label").value == "middle"
    at.selectbox(key="positive_label").select("rare").run()
    assert any("no verdict is given" in w for w in texts(at, "warning"))


def test_the_plan_counts_training_rows_after_keeping_few_rare_ones():
    import re

    at = visit(start(), "plan")

    def training_rows() -> int:
        info = next(i for i in texts(at, "info") if i.startswith("Holdout:"))
        return int(re.search(r"learn from ([\d,]+) training rows", info).group(1).replace(",", ""))

    before = training_rows()
    keep = next(n for n in at.number_input if n.label.startswith("Keep only"))
    rare = int(re.search(r"keeps all ([\d,]+)", keep.label).group(1).replace(",", ""))
    keep.set_value(25).run()
    assert training_rows() == before - (rare - 25)


def test_generate_explains_a_step_over_the_memory_budget(monkeypatch):
    monkeypatch.setenv("REBALANCE_STUDIO_MEMORY_MB", "64")
    at = start()
    at.session_state[DATASET] = make_dataset("big.csv", pd.concat([make_demo("fraud")] * 8, ignore_index=True), uploaded=True)
    visit(at, "plan")
    click(at, "Generate")
    assert any("over this server's 0.1 GB limit per step" in e for e in texts(at, "error"))
    assert PLAN not in at.session_state


def test_evaluate_with_a_random_forest_and_act_on_the_top_scores(walked):
    visit(walked, "evaluate")
    walked.selectbox(key="model").select("forest").run()
    walked.number_input(key="seeds").set_value(1).run()
    click(walked, "Train and score")
    scored = walked.session_state["evaluations"]
    evaluations = scored.evaluations
    # the demo's known_exposure carries what no other column knows: suspected, so left out by default (docs/leakage.md)
    assert (scored.settings.evaluate.model, scored.settings.evaluate.exclude) == ("forest", ("known_exposure",))
    assert len(evaluations) == 4
    decisions = frame_with(walked, "lift")
    assert list(decisions["training data"]) == list(evaluations)
    walked.slider(key="top_share").set_value(10).run()
    assert not walked.exception
    assert (frame_with(walked, "lift")["top recall"] >= decisions["top recall"]).all()


def test_a_suspected_leak_is_left_out_by_default_and_a_verdict_using_it_says_so():
    from tests.unit.test_leakage import bank_like

    at = start()
    at.session_state[DATASET] = make_dataset("bank.csv", bank_like(3000), uploaded=True)
    visit(at, "plan")
    click(at, "Generate")
    visit(at, "evaluate")
    power = frame_with(at, "AUC alone")
    assert power.iloc[0]["column"] == "duration" and power.iloc[0]["flag"].startswith("suspected leak")
    leakage = next(e for e in at.expander if e.label.startswith("Leakage check"))
    assert leakage.proto.expanded  # open when a leak is suspected
    chosen = next(m for m in at.multiselect if m.label == "Leave out of the models")
    assert chosen.value == ["duration"]  # left out by default
    at.number_input(key="seeds").set_value(1).run()
    click(at, "Train and score")
    scored = at.session_state["evaluations"]
    evaluations = scored.evaluations
    assert scored.settings.evaluate.exclude == ("duration",)
    assert max(e.summary()["auc_roc_mean"] for e in evaluations.values()) < 0.8  # the leak no longer flatters
    assert not any("rests on a suspected leak" in w for w in texts(at, "warning"))
    next(m for m in at.multiselect if m.label == "Leave out of the models").set_value([]).run()  # the user puts it back
    click(at, "Train and score")
    assert any("This verdict rests on a suspected leak: the models use duration" in w for w in texts(at, "warning"))
