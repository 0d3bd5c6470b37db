"""The what-if page: run scenarios on the insurance demo, save them, find them after a restart."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from synth.whatif.scenarios import ScenarioStore
from tests.app.helpers import texts
from ui.state import WHATIF

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def db(scenario_store):
    return scenario_store


def open_whatif() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
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
