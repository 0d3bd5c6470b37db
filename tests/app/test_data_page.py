"""The Data page: the user's corrections to column kinds, and a holdout file of their own, reach every later step."""

import pandas as pd
from streamlit.testing.v1 import AppTest

from synth.data.demos import make_demo
from synth.schema import ColumnKind
from tests.app.helpers import click, start, texts, visit
from ui.state import DATASET, PLAN, W_HOLDOUT_SOURCE, W_HOLDOUT_UPLOAD, W_KINDS, scoped


def edit_kind(at: AppTest, column: str, kind: str) -> AppTest:
    """Change one row of the kinds editor, as a user picking ``kind`` in its select cell does."""
    dataset = at.session_state[DATASET]
    row = list(dataset.schema.to_frame()["column"]).index(column)
    key = scoped(W_KINDS, dataset.fingerprint, hash(dataset.schema))
    at.session_state[key] = {"edited_rows": {row: {"kind": kind}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_kind_override_reaches_the_schema_and_the_plan():
    at = start()
    assert at.session_state[DATASET].schema.kind("age") is ColumnKind.NUMERIC
    edit_kind(at, "age", "categorical")
    dataset = at.session_state[DATASET]
    assert dataset.schema.kind("age") is ColumnKind.CATEGORICAL
    assert dataset.schema.kind("bmi") is ColumnKind.NUMERIC  # nothing else changed
    kinds = next(d.value for d in at.dataframe if "kind" in d.value.columns).set_index("column")
    assert kinds.loc["age", "kind"] == "categorical"
    visit(at, "plan")
    assert "age" in at.selectbox[0].options  # a categorical column can now be rebalanced


def test_an_override_the_values_cannot_take_is_refused_in_one_line():
    at = edit_kind(start(), "region", "datetime")
    assert at.session_state[DATASET].schema.kind("region") is ColumnKind.CATEGORICAL
    [error] = texts(at, "error")
    assert "region" in error and "\n" not in error


def uploaded_holdout(at: AppTest, holdout: pd.DataFrame, name: str) -> AppTest:
    at.radio(key=W_HOLDOUT_SOURCE).set_value("Upload a holdout file").run()
    at.file_uploader(key=W_HOLDOUT_UPLOAD).set_value((name, holdout.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_an_uploaded_holdout_is_what_every_model_is_scored_on():
    at = start()
    holdout = make_demo("patients", random_state=7, rows=900)
    uploaded_holdout(at, holdout, "last month.csv")
    dataset = at.session_state[DATASET]
    pd.testing.assert_frame_equal(dataset.holdout_file.reset_index(drop=True), holdout[dataset.table.columns])
    assert texts(at, "success") == ["Holdout: the uploaded file last month.csv (900 real rows)."]
    visit(at, "plan")
    assert any("last month.csv (900 real rows)" in t for t in texts(at, "info"))
    click(at, "Generate")
    split = at.session_state[PLAN].split
    pd.testing.assert_frame_equal(split.holdout.reset_index(drop=True), holdout[dataset.table.columns])
    assert len(split.train) == 12_000  # all of the data trains
    visit(at, "evaluate")
    click(at, "Train and score")
    evaluations = at.session_state["evaluations"].evaluations
    truth = (holdout["variant"] == "Variant X").astype(int).to_numpy()
    assert all((e.truth == truth).all() for e in evaluations.values())  # every model is scored on the upload


def test_a_holdout_without_the_datas_columns_is_named_and_not_used():
    at = uploaded_holdout(start(), make_demo("patients", random_state=7, rows=50).drop(columns=["bmi"]), "short.csv")
    assert at.session_state[DATASET].holdout_file is None
    assert texts(at, "error") == [
        "short.csv: The holdout file lacks the column(s) ['bmi']; it must have the same columns as the data."
    ]
