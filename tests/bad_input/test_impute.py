"""Hostile tables through impute (library, CLI): every observed value kept, gaps filled or one clear line."""

import pandas as pd
import pytest

import synth
from synth.__main__ import main
from synth.errors import ParameterError


def run(capsys, *args) -> tuple[int, list[str], str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.err.strip().splitlines(), captured.out


def test_rows_ending_with_a_delimiter_are_filled_in_their_own_column(tmp_path, capsys):
    source = tmp_path / "t.csv"
    source.write_text("name,price,city\nann,1,Paris,\nbob,2,Rome,\ncid,,Oslo,\n")
    code, err, out = run(capsys, "impute", source, "--output", tmp_path / "o.csv")
    assert code == 0, err
    assert (tmp_path / "o.csv").read_text().splitlines() in (
        ["name,price,city", "ann,1,Paris", "bob,2,Rome", f"cid,{price},Oslo"] for price in (1, 2)
    )
    assert "price: 1 cells filled" in out


NOTHING_MODELLED = {
    "an empty DataFrame": (pd.DataFrame(), pd.DataFrame()),
    "no rows": (pd.DataFrame({"a": [], "b": []}), pd.DataFrame({"a": [], "b": []})),
    "all empty": (pd.DataFrame({"a": [None, None], "b": [None, None]}), pd.DataFrame({"a": [None, None], "b": [None, None]})),
    "one row": (pd.DataFrame({"a": [1], "b": [None]}), pd.DataFrame({"a": [1], "b": [None]})),
    "a gap in each column of two rows": (
        pd.DataFrame({"a": [1.0, None], "b": [None, 2.0]}),
        pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 2.0]}),
    ),
    "an ID and a constant with gaps": (
        pd.DataFrame({"id": [1, 2, 3, 4, 5], "c": ["x", None, "x", "x", None]}),
        pd.DataFrame({"id": [1, 2, 3, 4, 5], "c": ["x"] * 5}),
    ),
}


@pytest.mark.parametrize(("table", "expected"), NOTHING_MODELLED.values(), ids=NOTHING_MODELLED)
def test_tables_without_a_column_to_model_are_filled_or_left_with_a_note(table, expected):
    result = synth.impute(table, random_state=0)
    pd.testing.assert_frame_equal(result.table, expected, check_dtype=False)
    assert result.cells == int(table.isna().sum().sum() - expected.isna().sum().sum())
    assert result.cells or any(n.startswith("nothing") for n in result.notes)


def test_one_row_through_the_cli_is_written_back_with_a_note(tmp_path, capsys):
    source = tmp_path / "one.csv"
    source.write_text("a,b\n1,\n")
    code, err, _ = run(capsys, "impute", source, "--output", tmp_path / "o.csv")
    assert code == 0, err
    assert (tmp_path / "o.csv").read_text() == "a,b\n1,\n"
    assert "warning: column 'b' is entirely empty: there is no value to draw from; its gaps are left as they are." in err
    assert "warning: nothing filled: every column with gaps was skipped (see above)." in err


def test_gaps_only_in_skipped_id_columns_are_not_called_nothing_to_fill(capsys):
    table = pd.DataFrame({"id": [f"k{i}" for i in range(59)] + [None], "v": ["a", "b"] * 30})
    notes = synth.impute(table).notes
    assert notes[-1] == "nothing filled: every column with gaps was skipped (see above)."
    assert not any("nothing to fill" in n for n in notes)


def test_leading_spaces_quotes_delimiter_and_line_ends_survive_two_passes(tmp_path, capsys):
    rows = [f"{'  x' if i % 2 else chr(34) + '  w' + chr(34)};{i % 5};{'' if i % 6 == 0 else f' {i % 3}'}" for i in range(60)]
    source = tmp_path / "t.csv"
    source.write_bytes(("name;n;v\r\n" + "\r\n".join(rows) + "\r\n").encode())
    first, second = tmp_path / "o1.csv", tmp_path / "o2.csv"
    assert run(capsys, "impute", source, "--column", "v", "--output", first)[0] == 0
    assert run(capsys, "impute", first, "--output", second)[0] == 0
    assert second.read_bytes() == first.read_bytes()
    written = first.read_bytes().decode().split("\r\n")
    assert written[0] == "name;n;v" and written[-1] == ""
    for before, after in zip(rows, written[1:], strict=False):
        name, n, v = after.split(";")
        assert (name, n) == tuple(before.replace(chr(34), "").split(";")[:2])
        assert v == before.split(";")[2] if not before.endswith(";") else v in {" 0", " 1", " 2"}


UNUSABLE = {
    "integer column names": (pd.DataFrame({0: [1, 2, None] * 20, 1: ["a", "b", "c"] * 20}), "column names must be text; got 0"),
    "duplicate column names": (
        pd.DataFrame([[1, "a", None]] * 30, columns=["a", "a", "b"]),
        "the column name 'a' appears more than once",
    ),
    "complex numbers": (pd.DataFrame({"z": [1 + 2j, None, 3j] * 20, "b": ["x", "y", "z"] * 20}), "column 'z' holds complex"),
}


@pytest.mark.parametrize(("table", "message"), UNUSABLE.values(), ids=UNUSABLE)
def test_tables_the_api_cannot_fill_are_refused_by_name(table, message):
    with pytest.raises(ParameterError, match=message) as refused:
        synth.impute(table)
    assert refused.value.parameter == "table"


def test_one_column_name_is_a_column_not_its_characters():
    table = pd.DataFrame({"txt": ["a", None] * 30, "b": [1, 2] * 30})
    result = synth.impute(table, columns="txt")
    assert result.filled == {"txt": 30} and (result.table["txt"] == "a").all()


def _countries(tmp_path, n: int = 60):
    """A CSV whose country codes include Namibia's 'NA', and one real gap."""
    codes = ["DE", "NA", "FR"]
    rows = [f"{codes[i % 3]},{i % 7}" for i in range(n)]
    rows[3] = ",3"
    source = tmp_path / "c.csv"
    source.write_text("country,n\n" + "\n".join(rows) + "\n")
    return source


def test_a_category_spelled_like_a_gap_is_named_in_a_warning_and_can_be_kept(tmp_path, capsys):
    source = _countries(tmp_path)
    code, err, _ = run(capsys, "impute", source, "--output", tmp_path / "o.csv")
    assert code == 0, err
    warning = next(line for line in err if line.startswith("warning: column 'country'"))
    assert "'NA'" in warning and "--keep-token NA" in warning
    code, err, out = run(capsys, "impute", source, "--keep-token", "NA", "--output", tmp_path / "k.csv")
    assert code == 0, err
    kept = pd.read_csv(tmp_path / "k.csv", keep_default_na=False)["country"].tolist()
    assert kept.count("NA") >= 20 and "" not in kept and "country: 1 cells filled" in out
    assert not any("'NA'" in line for line in err)


def test_the_library_keeps_a_token_as_data_when_asked():
    table = pd.DataFrame({"country": ["DE", "NA", "FR", None] * 15, "n": range(60)})
    assert synth.impute(table).filled == {"country": 30}
    assert any("'NA'" in note and "keep_tokens" in note for note in synth.impute(table).notes)
    kept = synth.impute(table, keep_tokens=["NA"])
    assert kept.filled == {"country": 15} and (kept.table["country"] == "NA").sum() >= 15


def test_every_spelling_pandas_reads_as_missing_is_a_gap():
    from pandas._libs.parsers import STR_NA_VALUES

    from synth.imputation.gaps import find_gaps

    spellings = sorted(STR_NA_VALUES | {"?"})
    table = pd.DataFrame({"kind": [*spellings, *(["a", "b"] * 20)], "n": range(len(spellings) + 40)})
    gaps = find_gaps(table)
    assert gaps.mask["kind"].sum() == len(spellings), set(spellings) - set(gaps.tokens["kind"])
