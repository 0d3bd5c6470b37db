import pandas as pd
import pytest

from synth.data.io import TableReadError, parse_table, read_table, write_table


def test_comma_csv():
    table = parse_table(b"a,b\n1,x\n2,y\n", "t.csv")
    assert list(table.columns) == ["a", "b"] and len(table) == 2


def test_latin1_semicolon_csv_keeps_accents():
    raw = "ville;prix\nMontréal;3\nQuébec;4\n".encode("latin-1")
    table = parse_table(raw, "t.csv")
    assert list(table.columns) == ["ville", "prix"]
    assert table["ville"].tolist() == ["Montréal", "Québec"]


@pytest.mark.parametrize("delimiter", ["\t", "|", ";"])
def test_other_delimiters(delimiter):
    raw = delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join(["1", "2", "x"]) + "\n"
    assert parse_table(raw.encode(), "t.csv").shape == (1, 3)


def test_utf8_bom_is_not_part_of_the_first_name():
    assert list(parse_table("\ufeffa,b\n1,2\n".encode(), "t.csv").columns) == ["a", "b"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "The file is empty"),
        (b"   \n\n", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text table"),
        (b"a,a\n1,2\n", "'a' appears more than once"),
        (b"a,b\n", "no rows of data"),
        (b"just one column\n1\n2\n", "Found only 1 column"),
    ],
)
def test_bad_files_are_explained(raw, message):
    with pytest.raises(TableReadError, match=message):
        parse_table(raw, "t.csv")


def test_damaged_parquet_is_explained():
    with pytest.raises(TableReadError, match="Could not read the Parquet file"):
        parse_table(b"PAR1 not really", "t.parquet")


def test_parquet_and_csv_round_trip(tmp_path, patients):
    for name in ("out.parquet", "out.csv"):
        write_table(patients, tmp_path / name)
        back = read_table(tmp_path / name)
        assert back.shape == patients.shape and list(back.columns) == list(patients.columns)
    pd.testing.assert_frame_equal(read_table(tmp_path / "out.parquet"), patients)


def test_unknown_output_extension_and_missing_file(tmp_path, patients):
    with pytest.raises(TableReadError, match=r"name the output \.csv or \.txt or \.parquet or \.pq"):
        write_table(patients, tmp_path / "out.xlsx")
    with pytest.raises(TableReadError, match="No file at"):
        read_table(tmp_path / "missing.csv")
