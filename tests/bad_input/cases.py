"""Bad input as users hand it over, one row per case: the bytes, and what must happen.

``message`` is the one-line explanation expected (CLI and page alike); ``None`` means the file
must be read correctly, and ``check`` says what "correctly" means.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


def _rows(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "amount": np.round(rng.exponential(100, n), 2),
            "kind": rng.choice(["a", "b", "c"], n),
            "label": np.where(np.arange(n) % 10 == 0, "rare", "common"),
        }
    )


def _csv(frame: pd.DataFrame, **options) -> bytes:
    return frame.to_csv(index=False, **options).encode()


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _with_dates() -> bytes:
    frame = _rows()
    frame["day"] = pd.date_range("2024-01-01", periods=len(frame)).strftime("%Y-%m-%d")
    return _csv(frame)


def _decimal_commas() -> bytes:
    frame = _rows()
    text = frame.assign(amount=frame["amount"].map(lambda v: f"{v:.2f}".replace(".", ","))).to_csv(index=False, sep=";")
    return text.encode()


def _nested() -> bytes:
    frame = _rows()
    frame["tags"] = [["x", "y"]] * len(frame)
    return _parquet(frame)


def _huge() -> bytes:
    frame = _rows()
    frame.loc[::7, "amount"] = 1e308
    return _csv(frame)


def _with_text(name: str, values: list[str], sep: str = ",") -> bytes:
    """A column of text that resembles dates or numbers without every value being one."""
    frame = _rows()
    frame[name] = [values[i % len(values)] for i in range(len(frame))]
    return frame.to_csv(index=False, sep=sep).encode()


def _kept(name: str, values: list[str]) -> Callable[[pd.DataFrame], bool]:
    return lambda t: t[name].tolist()[: len(values)] == values


def _trailing_delimiter(extra: str = "") -> bytes:
    """Data rows that end with a delimiter (the header does not): an empty last field, or a value there."""
    frame = _rows().astype({"amount": object})
    frame.loc[2, "amount"] = None
    header, *lines = frame.to_csv(index=False).splitlines()
    lines = [line + "," for line in lines]
    lines[0] += extra
    return "\n".join([header, *lines]).encode() + b"\n"


def _read_unshifted(t: pd.DataFrame) -> bool:
    expected = _rows()
    expected.loc[2, "amount"] = np.nan
    return list(t.columns) == ["amount", "kind", "label"] and t.equals(expected)


MONTHS = ["2023-05", "2023-06", "2024-01-31"]
COMPACT = ["20240101T1030", "2024/01/31", "2024-01-31"]
VERSIONS = ["1.2.3", "1.10", "2.0", "1.5,2"]
NAMES = ["Doe, Jane", "Roe, Rick", "Poe, Edgar"]
ZONED = ["2024-01-01T10:00:00Z", "2024-01-02T10:00:00+02:00", "2024-01-03T10:00:00"]


def _typed(**columns) -> bytes:
    """Parquet of the usual rows plus columns of a given Arrow or pandas type."""
    frame = _rows()
    for name, values in columns.items():
        frame[name] = values
    return _parquet(frame)


def _arrow(**arrays) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pa.Table.from_pandas(_rows(), preserve_index=False)
    for name, array in arrays.items():
        frame = frame.append_column(name, array)
    buffer = io.BytesIO()
    pq.write_table(frame, buffer)
    return buffer.getvalue()


def _arrow_column(kind: str):
    import datetime
    import decimal

    import pyarrow as pa

    n = len(_rows())
    return {
        "binary": pa.array([b"\x00\xff" * (i % 3 + 1) for i in range(n)], pa.binary()),
        "decimal": pa.array([decimal.Decimal(f"{i}.25") for i in range(n)], pa.decimal128(10, 2)),
        "date": pa.array([datetime.date(2024, 1, 1) + datetime.timedelta(days=i) for i in range(n)], pa.date32()),
        "dictionary": pa.array(["only"] * n).dictionary_encode(),
    }[kind]


N = len(_rows())
ZONED_TIMES = pd.date_range("2024-01-01", periods=N, freq="h", tz="Europe/Berlin")
SENTINELS = pd.Series(np.where(np.arange(N) % 3 == 0, "9999-12-31", "2024-05-01"), dtype="datetime64[us]")
SENTINELS[1::3] = pd.Timestamp("0001-01-01")
DURATIONS = pd.to_timedelta(np.arange(N) * 61, unit="s")
HUGE_IDS = np.arange(N, dtype=np.uint64) + np.uint64(2**64 - 1000)
# Parquet columns of unusual types that must come back in their own type from every method.
TYPED = {
    "time zones": ZONED_TIMES,
    "sentinel dates": SENTINELS,
    "durations": DURATIONS,
    "uint64 near its limit": HUGE_IDS,
}


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    filename: str = "table.csv"
    message: str | None = None
    check: Callable[[pd.DataFrame], bool] | None = None


CASES = [
    Case("empty file", b"", message="The file is empty"),
    Case("only blank lines", b"\n\n  \n", message="The file is empty"),
    Case("binary with NUL bytes", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, message="not a text table"),
    Case(
        "random bytes without NUL",
        bytes(np.random.default_rng(1).integers(1, 256, 3000, dtype=np.uint8)),
        message="not a text table",
    ),
    Case("JSON document", b'[{"a": 1, "b": 2}, {"a": 3, "b": 4}]', message="JSON document, not a table"),
    Case("header without rows", b"amount,kind,label\n", message="no rows of data"),
    Case("duplicate column names", b"a,a,label\n1,2,x\n", message="'a' appears more than once"),
    Case("CR-only line endings", _rows().to_csv(index=False, lineterminator="\r").encode(), check=lambda t: t.shape == (120, 3)),
    Case("data rows end with a delimiter", _trailing_delimiter(), check=_read_unshifted),
    Case("a value after the last delimiter", _trailing_delimiter("x"), message="Some rows hold more values than the header"),
    Case("one column (wrong delimiter)", b"a:b:label\n1:2:x\n3:4:y\n", message="Found only 1 column"),
    Case("damaged Parquet", b"PAR1 this is not parquet", "t.parquet", message="Could not read the Parquet file"),
    Case("damaged gzip", b"\x1f\x8b\x08\x00broken", "t.csv.gz", message="The gzip file is damaged"),
    Case("nested Parquet columns", _nested(), "t.parquet", message="['tags'] hold lists or records"),
    Case("UTF-16 with BOM", _rows().to_csv(index=False).encode("utf-16"), check=lambda t: t.shape == (120, 3)),
    Case("UTF-16 without BOM", _rows().to_csv(index=False).encode("utf-16-le"), check=lambda t: t.shape == (120, 3)),
    Case("UTF-32", _rows().to_csv(index=False).encode("utf-32"), check=lambda t: t.shape == (120, 3)),
    Case("gzipped CSV", gzip.compress(_csv(_rows())), "t.csv.gz", check=lambda t: t.shape == (120, 3)),
    Case("ISO dates", _with_dates(), check=lambda t: pd.api.types.is_datetime64_any_dtype(t["day"])),
    Case(
        "semicolons and decimal commas",
        _decimal_commas(),
        check=lambda t: pd.api.types.is_float_dtype(t["amount"]) and np.allclose(t["amount"], _rows()["amount"]),
    ),
    Case("year-month text is not a date", _with_text("month", MONTHS), check=_kept("month", MONTHS)),
    Case("mixed date spellings stay text", _with_text("when", COMPACT), check=_kept("when", COMPACT)),
    Case("version numbers in a ; file", _with_text("version", VERSIONS, ";"), check=_kept("version", VERSIONS)),
    Case("quoted commas in a ; file", _with_text("name", NAMES, ";"), check=_kept("name", NAMES)),
    Case("dates with zones stay text", _with_text("at", ZONED), check=_kept("at", ZONED)),
    Case(
        "5,000 columns",
        (",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n").encode(),
        message="The table has 5,000 columns; at most 500",
    ),
    *(
        Case(f"Parquet {name}", _typed(extra=values), "t.parquet", check=lambda t, v=values: (t["extra"] == pd.Series(v)).all())
        for name, values in TYPED.items()
    ),
    Case(
        "Parquet with duplicate column names",
        _arrow(amount=_arrow_column("dictionary")),
        "t.parquet",
        message="The column name 'amount' appears more than once",
    ),
    Case("Parquet binary column", _arrow(blob=_arrow_column("binary")), "t.parquet", message="['blob'] hold binary data"),
    Case("Parquet decimal column", _arrow(price=_arrow_column("decimal")), "t.parquet", message="['price'] hold decimals"),
    Case("Parquet date column", _arrow(day=_arrow_column("date")), "t.parquet", message="['day'] hold decimals, dates"),
    Case(
        "Parquet dictionary of one value",
        _arrow(tag=_arrow_column("dictionary")),
        "t.parquet",
        check=lambda t: (t["tag"].astype(str) == "only").all(),
    ),
    Case(
        "CSV sentinel dates",
        _with_text("until", ["9999-12-31", "0001-01-01", "2024-02-29"]),
        check=lambda t: str(t["until"].iloc[0]) == "9999-12-31 00:00:00",
    ),
    Case("values of 1e308", _huge(), check=lambda t: (t["amount"] == 1e308).sum() > 0),
    Case(
        "formula-like text kept as is",
        b"note,label\n=1+1,rare\n@SUM(A1),common\n+1,common\n=HYPERLINK(x),common\n",
        check=lambda t: t["note"].tolist()[:2] == ["=1+1", "@SUM(A1)"],
    ),
]
