import numpy as np
import pandas as pd
import pytest

from synth.data.kinds import check_schema_fits, detect_column, detect_schema
from synth.errors import UnknownColumn
from synth.schema import ColumnKind


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (pd.Series(np.arange(1000)), ColumnKind.ID),
        (pd.Series([f"user-{i}" for i in range(1000)]), ColumnKind.ID),
        (pd.Series(["x"] * 100), ColumnKind.CONSTANT),
        (pd.Series([None] * 100, dtype=object), ColumnKind.CONSTANT),
        (pd.Series(pd.date_range("2024-01-01", periods=100)), ColumnKind.DATETIME),
        (
            pd.Series([f"2024-01-{1 + i % 28:02d}" for i in range(100)]),
            ColumnKind.CATEGORICAL,
        ),  # readers turn ISO text into dates
        (pd.Series([1, 2] * 100), ColumnKind.CATEGORICAL),
        (pd.Series(np.random.default_rng(0).normal(size=200)), ColumnKind.NUMERIC),
        (pd.Series(np.random.default_rng(0).integers(18, 90, 500)), ColumnKind.NUMERIC),
        (pd.Series(["a", "b", None] * 50), ColumnKind.CATEGORICAL),
        (pd.Series([True, False] * 50), ColumnKind.CATEGORICAL),
    ],
)
def test_detected_kind(values, kind):
    assert detect_column(values.rename("c")).kind is kind


def test_every_kind_says_why(patients):
    frame = detect_schema(patients).to_frame()
    assert frame["why"].str.len().gt(0).all()
    assert frame.set_index("column").loc["patient_id", "kind"] == "id-like"
    assert not frame.set_index("column").loc["patient_id", "used"]


def test_overrides_replace_detection_and_are_checked(patients):
    schema = detect_schema(patients).with_overrides({"age": "categorical"})
    assert schema.kind("age") is ColumnKind.CATEGORICAL
    with pytest.raises(UnknownColumn, match=r"There is no column .nope."):
        detect_schema(patients).with_overrides({"nope": "numeric"})
    bad = detect_schema(patients).with_overrides({"sex": "numeric"})
    with pytest.raises(ValueError, match="'sex' cannot be numeric"):
        check_schema_fits(patients, bad)


def test_reasons_show_values_as_written_not_as_numpy_reprs():
    table = pd.DataFrame({"constant": np.full(50, 999, dtype=np.int64), "x": np.arange(50)})
    reason = next(c.reason for c in detect_schema(table).columns if c.name == "constant")
    assert reason == "every row holds the same value (999)"


def test_the_kinds_the_user_set_are_known_without_detecting_again(patients):
    detected = detect_schema(patients)
    assert detected.overrides() == {}
    assert detected.with_overrides({"age": "categorical", "bmi": "numeric"}).overrides() == {
        "age": "categorical",
        "bmi": "numeric",
    }
