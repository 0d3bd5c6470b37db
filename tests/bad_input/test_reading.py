"""Every bad input, read by the library, the CLI and the Data page: a correct table or one clear line."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synth.__main__ import main
from synth.data.io import parse_table
from synth.errors import TableReadError
from tests.app.helpers import APP, shown
from tests.bad_input.cases import CASES, TYPED

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
        written = pd.read_csv(tmp_path / "out.csv", keep_default_na=False, dtype=str)
        read = parse_table(case.raw, case.filename)
        assert list(written.columns) == [str(c) for c in read.columns]
        assert len(written) >= len(read) and (written["label"] == "rare").sum() >= (read["label"].astype(str) == "rare").sum()
        # the real rows come first, their values as read (compared as text: the CSV holds text)
        real = read.astype("string").fillna("").astype(str).reset_index(drop=True)
        pd.testing.assert_frame_equal(written.iloc[: len(read)].reset_index(drop=True), real, check_dtype=False)


@pytest.mark.parametrize("case", [c for c in CASES if c.message], ids=[c.name for c in CASES if c.message])
def test_data_page(case):
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.radio(key="data_source").set_value("Upload a file").run()
    at.file_uploader[0].upload(case.filename, case.raw).run()
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and case.message in errors[0] and "\n" not in errors[0]


@pytest.mark.parametrize("case", [c for c in CASES if not c.message], ids=[c.name for c in CASES if not c.message])
def test_data_page_reads_what_it_can(case):
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.radio(key="data_source").set_value("Upload a file").run()
    at.file_uploader[0].upload(case.filename, case.raw).run()
    assert not at.exception and not at.error
    dataset = at.session_state["dataset"]
    assert dataset.name == case.filename and case.check(dataset.table)


TEXT_CASES = [
    c for c in CASES if c.name in {"year-month text is not a date", "version numbers in a ; file", "quoted commas in a ; file"}
]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[c.name for c in TEXT_CASES])
def test_cli_writes_text_back_exactly(case, tmp_path, capsys):
    """Hybrid output starts with the input rows: every text value comes back byte for byte."""
    source = tmp_path / case.filename
    source.write_bytes(case.raw)
    out = tmp_path / "out.csv"
    argv = ["rebalance", str(source), "--column", "label", "--share", "rare=0.5", "--method", "naive", "--output", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    written = parse_table(out.read_bytes(), "out.csv")
    original = parse_table(case.raw, case.filename)
    pd.testing.assert_frame_equal(written.iloc[: len(original)][original.columns], original, check_dtype=False)


@pytest.mark.parametrize("method", ["smote", "synthetic"])
@pytest.mark.parametrize("name", list(TYPED))
def test_every_method_writes_unusual_types_back_in_their_own_type(name, method, tmp_path, capsys):
    source = tmp_path / "t.parquet"
    source.write_bytes(next(c for c in CASES if c.name == f"Parquet {name}").raw)
    out = tmp_path / "out.parquet"
    argv = ["rebalance", str(source), "--column", "label", "--share", "rare=0.5", "--method", method, "--output", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    original, written = pd.read_parquet(source), pd.read_parquet(out)
    assert written.dtypes.to_dict() == original.dtypes.to_dict()
    pd.testing.assert_frame_equal(written.iloc[: len(original)], original)
    assert written["extra"].notna().all()
