"""The what-if page: run scenarios on the insurance demo, save them, find them after a restart."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synth.whatif.scenarios import SavedScenario, ScenarioSettings, ScenarioStore
from tests.app.helpers import texts
from ui.state import LOADED_SCENARIO, WHATIF, demo_dataset

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def db(scenario_store):
    return scenario_store


WORKSPACE = "team-a-Xq93kPz0Lm2v"  # a link id: 16 or more random characters


def open_whatif(workspace: str = WORKSPACE) -> AppTest:
    """The What-if page on the insurance demo, opened from a link naming ``workspace``."""
    at = AppTest.from_file(APP, default_timeout=600)
    at.query_params["workspace"] = workspace
    at.run()
    at.switch_page("pages/whatif.py").run()
    next(b for b in at.button if b.label == "Use the insurance demo").click().run()
    assert not at.exception, at.exception
    return at


def run_and_save(at: AppTest, name: str) -> None:
    next(b for b in at.button if b.label == "Run scenario").click().run()
    assert not at.exception, at.exception
    at.text_input(key="scenario_name").set_value(name).run()
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert f"Saved {name}." in texts(at, "success")


def test_younger_customers_scenario_saved_and_compared_after_restart(db):
    at = open_whatif()
    at.selectbox[0].select("age").run()
    assert at.text_input[0].value.count("-") >= 2
    run_and_save(at, "as is")
    kpis = at.session_state[WHATIF].kpis.set_index(["kpi", "group"])
    assert kpis.loc[("rows", "(all rows)"), "scenario"] == kpis.loc[("rows", "(all rows)"), "original"]
    run_and_save(at, "same again")

    restarted = open_whatif()
    saved = next(m for m in restarted.multiselect if m.label == "Compare")
    assert saved.options == ["as is", "same again"] and saved.value == ["as is", "same again"]
    side = next(d.value for d in restarted.dataframe if "same again" in d.value.columns)
    assert list(side.columns) == ["kpi", "group", "original", "as is", "same again"]


def test_a_damaged_database_of_ours_is_recreated_with_a_message(db):
    ScenarioStore(db)
    with open(db, "r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff" * 4000)
    at = open_whatif()
    assert any("could not be read" in w for w in texts(at, "warning"))
    assert not at.exception


def test_a_file_that_is_not_ours_is_refused_and_kept(db):
    db.write_bytes(b"garbage" * 500)
    at = open_whatif()
    assert any("is not a Rebalance Studio scenario database" in e for e in texts(at, "error"))
    assert db.read_bytes() == b"garbage" * 500 and not at.exception


def test_bad_groups_are_explained(db):
    at = open_whatif()
    at.selectbox[0].select("age").run()
    at.text_input[0].set_value("old, young").run()
    assert any("Cannot read the group 'old'" in e for e in texts(at, "error"))
    assert not at.exception


def test_load_restores_the_saved_settings_and_kpis_even_after_another_column(db):
    at = open_whatif()
    at.selectbox[0].select("age").run()
    next(n for n in at.number_input if n.label == "Rows to generate").set_value(2000).run()
    run_and_save(at, "younger")
    saved_kpis = at.session_state[WHATIF].kpis

    other = next(c for c in at.selectbox[0].options if c != "age")
    at.selectbox[0].select(other).run()
    assert "Original vs scenario" not in texts(at, "subheader")  # the age run is not shown for another column
    assert not any("Generated rows" in e.label for e in at.expander), "a result of another column stayed on the page"

    next(b for b in at.button if b.label == "Load").click().run()
    assert not at.exception, at.exception
    assert at.selectbox[0].value == "age"
    loaded = at.session_state[WHATIF]
    assert loaded.settings.rows == 2000
    pd.testing.assert_frame_equal(loaded.kpis.reset_index(drop=True), saved_kpis.reset_index(drop=True))
    next(b for b in at.button if b.label == "Load").click().run()  # a second click works too
    assert not at.exception, at.exception


def test_a_new_save_joins_the_compared_scenarios(db):
    at = open_whatif()
    run_and_save(at, "first")
    run_and_save(at, "second")
    run_and_save(at, "third")
    compare = next(m for m in at.multiselect if m.label == "Compare")
    assert "third" in compare.value


def test_delete_asks_for_a_second_click(db):
    at = open_whatif()
    run_and_save(at, "keep me")
    at.selectbox(key="delete_scenario").select("keep me").run()
    next(b for b in at.button if b.label == "Delete the chosen scenario").click().run()
    assert any("for good" in w for w in texts(at, "warning"))
    next(b for b in at.button if b.label == "Keep it").click().run()
    assert [s.name for s in ScenarioStore(db, WORKSPACE).scenarios()] == ["keep me"]
    next(b for b in at.button if b.label == "Delete the chosen scenario").click().run()
    next(b for b in at.button if b.label == "Yes, delete it").click().run()
    assert ScenarioStore(db, WORKSPACE).scenarios() == [] and not at.exception


def test_another_workspace_sees_none_of_these_scenarios_and_a_name_is_replaced_only_on_request(db):
    at = open_whatif()
    run_and_save(at, "mine")
    stranger = open_whatif("someone-else-7Hb2Qw9Zr1")
    assert not any(m.label == "Compare" for m in stranger.multiselect)
    assert any("Only people with this link" in c for c in texts(stranger, "caption"))
    at.text_input(key="scenario_name").set_value("mine").run()
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert any("exists already in this workspace" in w for w in texts(at, "warning"))
    next(b for b in at.button if b.label == "Replace it").click().run()
    assert "Saved mine." in texts(at, "success") and len(ScenarioStore(db, WORKSPACE).scenarios()) == 1


def test_a_visitor_without_a_workspace_gets_a_new_one_in_the_link(db):
    at = AppTest.from_file(APP, default_timeout=600).run()
    token = at.query_params["workspace"]
    assert len(token[0] if isinstance(token, list) else token) >= 12


def test_shares_show_a_running_total_block_run_until_they_add_up_and_normalise_the_rest(db):
    from pages.whatif import normalise_rest

    assert normalise_rest({"a": 0.5, "b": 0.3, "c": 0.1}, {"a"}) == pytest.approx({"a": 0.5, "b": 0.375, "c": 0.125})
    assert normalise_rest({"a": 0.2, "b": 0.2}, set()) == pytest.approx({"a": 0.5, "b": 0.5})
    at = open_whatif()
    assert any(c.startswith("The new shares add up to 100") for c in texts(at, "caption"))
    groups = list(at.session_state["mix_chosen"])
    column = at.selectbox[0].value
    settings = ScenarioSettings(column=column, shares={groups[0]: 0.7, groups[1]: 0.2})
    at.session_state[LOADED_SCENARIO] = SavedScenario("uneven", "insurance", settings, pd.DataFrame())
    at.run()
    assert any("add up to 90.0%; they must add up to 100%" in w for w in texts(at, "warning"))
    assert next(b for b in at.button if b.label == "Run scenario").disabled
    next(b for b in at.button if b.label == "Normalise the rest").click().run()
    assert sum(at.session_state["mix_chosen"].values()) == pytest.approx(1.0)
    assert not next(b for b in at.button if b.label == "Run scenario").disabled


def test_scenarios_saved_on_other_data_are_not_compared_with_this_one(db):
    at = open_whatif()
    run_and_save(at, "insurance only")
    at.session_state["dataset"] = demo_dataset("patients")
    at.run()
    assert not any(m.label == "Compare" for m in at.multiselect)
    assert any("saved on other data" in c for c in texts(at, "caption"))


def upload_seeds(at: AppTest, csv: str, name: str = "seeds.csv") -> AppTest:
    at.file_uploader(key="seed_upload").set_value((name, csv.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_seeded_generation_keeps_the_fixed_columns_and_fills_every_other_one(db):
    at = open_whatif()
    seeds = "vehicle,churned\n" + "sports,yes\n" * 30 + "van,no\n" * 20
    upload_seeds(at, seeds)
    completed = next(d.value for d in at.dataframe if "annual_premium" in d.value.columns)
    data = at.session_state["dataset"].table
    assert list(completed.columns) == list(data.columns)
    assert len(completed) == 50
    assert completed["vehicle"].tolist() == ["sports"] * 30 + ["van"] * 20
    assert completed["churned"].tolist() == ["yes"] * 30 + ["no"] * 20
    assert completed.drop(columns="customer_id").notna().all().all()
    assert set(completed["region"]) <= set(data["region"])
    assert completed["age"].between(data["age"].min(), data["age"].max()).all()
    # The generated columns follow the fixed ones: sports cars cost more to insure than vans in the demo.
    premium = completed.groupby("vehicle")["annual_premium"].mean()
    real = data.groupby("vehicle")["annual_premium"].mean()
    assert (premium["sports"] > premium["van"]) == (real["sports"] > real["van"])
    again = next(d.value for d in upload_seeds(open_whatif(), seeds).dataframe if "annual_premium" in d.value.columns)
    pd.testing.assert_frame_equal(completed.reset_index(drop=True), again.reset_index(drop=True))


def test_a_seed_table_with_a_column_the_data_lacks_is_named_in_one_line(db):
    at = upload_seeds(open_whatif(), "vehicle,colour\nvan,red\n", name="bad seeds.csv")
    assert texts(at, "error") == [
        "bad seeds.csv: The seed table has columns the data lacks: ['colour']. Use the data's column names."
    ]
