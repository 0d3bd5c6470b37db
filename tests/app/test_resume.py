"""A reload, or the workspace link opened later (also after a restart), brings the session back."""

import os
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, click, texts, visit
from ui import workspace as store
from ui.state import DATASET, EVALUATIONS, PLAN

LINK = "resume-test-4Gk9Qz2Lp7Wd"


def open_link(workspace: str = LINK, page: str | None = None) -> AppTest:
    """A new browser session opening the workspace's link (on ``page``, as a reload there would)."""
    at = AppTest.from_file(APP, default_timeout=600)
    at.query_params["workspace"] = workspace
    at.run()
    assert not at.exception, at.exception
    if page:
        visit(at, page)
    return at


def widget(at: AppTest, kind: str, label: str):
    return next(w for w in getattr(at, kind) if w.label.startswith(label))


def worked_session() -> AppTest:
    """Load a demo with 30 rare rows, plan with two methods, generate and score with chosen settings."""
    at = open_link()
    at.selectbox(key="demo_name").select("fraud").run()
    widget(at, "number_input", "Keep only this many").set_value(30).run()
    click(at, "Load this demo")
    visit(at, "plan")
    widget(at, "checkbox", "SMOTE-NC").uncheck().run()
    widget(at, "slider", "Share of").set_value(40).run()
    click(at, "Generate")
    visit(at, "evaluate")
    widget(at, "number_input", "Runs").set_value(1).run()
    widget(at, "selectbox", "Classifier").select("forest").run()
    click(at, "Train and score")
    return at


def test_the_link_brings_back_the_data_the_choices_and_the_results():
    before = worked_session()
    data, scored = before.session_state[DATASET], before.session_state[EVALUATIONS]

    again = open_link()  # a reload: a new session, the same link
    assert any("Restored Demo: Card transactions" in t for t in texts(again, "info"))
    visit(again, "evaluate")
    restored = again.session_state[DATASET]
    assert restored.name == data.name and restored.fingerprint == data.fingerprint
    assert restored.holdout_label == data.holdout_label  # the demo's independent holdout came back too
    assert widget(again, "number_input", "Runs").value == 1
    assert widget(again, "selectbox", "Classifier").value == "forest"
    # the outputs and the scores were made again, with the same settings and the same figures
    assert again.session_state[PLAN].settings == before.session_state[PLAN].settings
    rescored = again.session_state[EVALUATIONS]
    assert rescored.settings == scored.settings
    assert {n: e.summary() for n, e in rescored.evaluations.items()} == {n: e.summary() for n, e in scored.evaluations.items()}
    assert "Holdout metrics" in texts(again, "subheader")
    visit(again, "plan")
    assert widget(again, "slider", "Share of").value == 40
    assert widget(again, "checkbox", "SMOTE-NC").value is False


def test_forgetting_deletes_the_workspace_now_and_starts_a_new_one():
    worked_session()
    assert (store.root() / LINK / store.TABLE).is_file()
    at = open_link()
    other_tab = open_link()  # the same workspace open in another tab
    click(at, "Forget this workspace's data")
    assert (store.root() / LINK / store.TABLE).is_file()  # one click only asks
    click(at, "Yes, forget")
    assert not (store.root() / LINK).exists()
    assert any("data was deleted; a new, empty workspace has started" in t for t in texts(at, "info"))
    other_tab.selectbox(key="demo_name").select("insurance").run()  # the other tab goes on: it writes nothing back
    assert not (store.root() / LINK).exists()
    assert any("forgotten (in another tab)" in t for t in texts(other_tab, "info"))
    assert at.query_params["workspace"][0] != LINK
    assert at.session_state[DATASET].name.startswith("Demo: Hospital patients")  # the default demo, nothing kept
    assert open_link().session_state[DATASET].name.startswith("Demo: Hospital patients")


def test_another_workspace_or_a_guessable_id_reaches_nothing():
    worked_session()
    stranger = open_link("another-link-8Zq1Wm4Rt6Yb")
    assert stranger.session_state[DATASET].name.startswith("Demo: Hospital patients")
    guessed = open_link("resume")  # too short to be a link id: not honoured, and the page says so
    assert guessed.query_params["workspace"][0] != "resume"
    assert any("not a workspace id" in t for t in texts(guessed, "info"))


def test_a_table_over_the_cap_keeps_the_choices_but_not_the_table(monkeypatch):
    monkeypatch.setenv(store.MB_ENV, "0.05")
    at = open_link()
    at.selectbox(key="demo_name").select("fraud").run()
    click(at, "Load this demo")
    assert not (store.root() / LINK / store.TABLE).exists()
    assert any("larger than the 0.05 MB a workspace keeps" in t for t in texts(at, "info"))


@pytest.mark.parametrize("days", [1, 7])
def test_a_workspace_unused_for_longer_than_the_expiry_is_deleted(days, monkeypatch, tmp_path):
    monkeypatch.setenv(store.DAYS_ENV, str(days))
    old, recent = store.folder("old-workspace-1234567"), store.folder("recent-workspace-12345")
    for path in (old, recent):
        store.save_choices(path.name, {"k": 1}, {})
    past = time.time() - (days + 1) * 86400
    for file in [old, *old.iterdir()]:
        os.utime(file, (past, past))
    stranger = store.root() / "not-ours-1234567890"  # a folder the app did not make is never touched
    stranger.mkdir()
    os.utime(stranger, (past, past))
    assert store.sweep() == 1
    assert not old.exists() and recent.exists() and stranger.exists()


def test_restored_data_goes_through_the_upload_checks_and_an_unreadable_workspace_is_named_and_left_alone(tmp_path):
    store.save_choices(LINK, {"kept": 1}, {})
    (store.root() / LINK / store.META).write_text('{"name": "x", "holdout_share": 0.2}')
    (store.root() / LINK / store.TABLE).write_bytes(b"\x00\x01 not a parquet file")
    with pytest.raises(store.Unreadable, match=r"table\.parquet"):
        store.load(LINK)  # refused as an upload would be
    at = open_link()
    assert at.session_state[DATASET].name.startswith("Demo: Hospital patients")
    assert any("could not be read back (table.parquet" in t for t in texts(at, "info"))
    at.selectbox(key="demo_name").select("fraud").run()
    click(at, "Load this demo")
    assert (store.root() / LINK / store.TABLE).read_bytes() == b"\x00\x01 not a parquet file"  # nothing written over it


def test_an_uploaded_holdout_and_a_changed_share_come_back_after_a_reload():
    from dataclasses import replace

    from synth.data.demos import make_demo
    from ui.state import make_dataset

    at = open_link()
    holdout = make_demo("patients", random_state=9, rows=700)
    at.session_state[DATASET] = replace(
        make_dataset("mine.csv", make_demo("patients", rows=3000), uploaded=True),
        holdout_file=holdout,
        holdout_label="the uploaded file last month.csv (700 real rows)",
    )
    at.session_state["data_chosen"] = True
    at.run()
    again = open_link()
    restored = again.session_state[DATASET]
    assert restored.holdout_label == "the uploaded file last month.csv (700 real rows)" and len(restored.holdout_file) == 700
    at2 = open_link()
    dataset = at2.session_state[DATASET]
    at2.session_state[DATASET] = replace(dataset, holdout_file=None, holdout_label="", holdout_share=0.3)
    at2.run()
    assert open_link().session_state[DATASET].holdout_share == 0.3  # a change that keeps the table is kept too
