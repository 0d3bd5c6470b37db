"""Every bad input, read by the library, the CLI and the Data page: a correct table or one clear line."""

import pytest
from streamlit.testing.v1 import AppTest

from synth.__main__ import main
from synth.data.io import parse_table
from synth.errors import TableReadError
from tests.app.helpers import APP, shown
from tests.bad_input.cases import CASES

ids = [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_library(case):
    if case.message:
        with pytest.raises(TableReadError, match=case.message.replace("[", r"\[").replace("]", r"\]")):
            parse_table(case.raw, case.filename)
    else:
        assert case.check(parse_table(case.raw, case.filename))


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_cli(case, tmp_path, capsys):
    source = tmp_path / case.filename
    source.write_bytes(case.raw)
    code = main(
        [
            "rebalance",
            str(source),
            "--column",
            "label",
            "--share",
            "rare=0.5",
            "--method",
            "naive",
            "--output",
            str(tmp_path / "out.csv"),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    if case.message:
        assert code == 2 and len(err) == 1 and err[0].startswith("error: ") and case.message in err[0]
        assert not (tmp_path / "out.csv").exists()
    else:
        assert code == 0, err


@pytest.mark.parametrize("case", [c for c in CASES if c.message], ids=[c.name for c in CASES if c.message])
def test_data_page(case):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="data_source").set_value("Upload a file").run()
    at.file_uploader[0].upload(case.filename, case.raw).run()
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and case.message in errors[0] and "\n" not in errors[0]


@pytest.mark.parametrize("case", [c for c in CASES if not c.message], ids=[c.name for c in CASES if not c.message])
def test_data_page_reads_what_it_can(case):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="data_source").set_value("Upload a file").run()
    at.file_uploader[0].upload(case.filename, case.raw).run()
    assert not at.exception and not at.error
    dataset = at.session_state["dataset"]
    assert dataset.name == case.filename and case.check(dataset.table)
