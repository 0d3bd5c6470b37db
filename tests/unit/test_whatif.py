"""What-if simulation, KPIs and the scenario store."""

import json
import sqlite3
from contextlib import closing
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from synth.data.demos import make_demo
from synth.data.kinds import detect_schema
from synth.errors import ScenarioStoreError
from synth.whatif.kpis import ALL, Aggregate, Kpi, compare_kpis, kpi_values
from synth.whatif.scenarios import (
    APPLICATION_ID,
    SavedScenario,
    ScenarioSettings,
    ScenarioStore,
    _application_id,
    scenarios_frame,
)
from synth.whatif.simulation import Grouping, complete_rows, default_buckets, parse_buckets, simulate

LEGACY_SCHEMA = "CREATE TABLE scenarios (name TEXT PRIMARY KEY, dataset TEXT NOT NULL, created REAL NOT NULL, settings TEXT NOT NULL, kpis TEXT NOT NULL)"


@pytest.fixture(scope="module")
def insurance():
    return make_demo("insurance", random_state=0, rows=4000)


def test_parse_buckets_and_assign(insurance):
    grouping = parse_buckets("age", "18-29, 30-44, 45-64, 65+")
    groups = grouping.assign(pd.DataFrame({"age": [18, 29, 30, 64.5, 65, 90, 10, None]}))
    assert groups.tolist()[:6] == ["18-29", "18-29", "30-44", "45-64", "65+", "65+"]
    assert groups.isna().tolist()[6:] == [True, True]
    for bad in ("18-29", "30-44, 18-29", "young, old"):
        with pytest.raises(ValueError):
            parse_buckets("age", bad)
    assert parse_buckets("age", default_buckets(insurance["age"])).numeric


def test_ranges_cover_what_they_say_and_gaps_are_named():
    grouping = parse_buckets("age", "18-29, 65+")
    ages = pd.DataFrame({"age": [18, 29, 29.5, 30, 50, 64, 65, 80]})
    assert grouping.assign(ages).fillna("none").tolist() == ["18-29", "18-29", *["none"] * 4, "65+", "65+"]
    assert grouping.gaps(ages) == ["29.5-64: not in any group (4 rows)"]
    assert parse_buckets("age", "18-29, 30-44, 45+").gaps(ages) == []
    with pytest.raises(ValueError, match="'29-18' runs backwards"):
        parse_buckets("age", "29-18, 30+")
    with pytest.raises(ValueError, match="ascending order without overlaps"):
        parse_buckets("age", "18-40, 30+")


def test_younger_customers_bring_their_premiums_and_claims(insurance):
    schema = detect_schema(insurance)
    grouping = parse_buckets("age", "18-24, 25-44, 45-64, 65+")
    shares = {"18-24": 0.5, "25-44": 0.2, "45-64": 0.2, "65+": 0.1}
    result = simulate(insurance, schema=schema, grouping=grouping, shares=shares, rows=3000, random_state=1)
    table = result.table
    assert len(table) == 3000 and list(table.columns) == list(insurance.columns)
    assert table.dtypes.to_dict() == insurance.dtypes.to_dict()
    assert (grouping.assign(table) == "18-24").mean() == pytest.approx(0.5, abs=0.001)
    assert result.mix_after["18-24"] == pytest.approx(0.5, abs=0.001)
    young_real = insurance[insurance["age"] <= 24]["annual_premium"].mean()
    young_generated = table[table["age"] <= 24]["annual_premium"].mean()
    assert young_generated == pytest.approx(young_real, rel=0.1)
    assert table["annual_premium"].mean() > insurance["annual_premium"].mean() * 1.1
    assert table["customer_id"].is_unique and not table["customer_id"].isin(insurance["customer_id"]).any()


def test_categorical_mix(insurance):
    schema = detect_schema(insurance)
    result = simulate(insurance, schema=schema, grouping=Grouping("vehicle"), shares={"sports": 0.5}, rows=1000)
    assert (result.table["vehicle"] == "sports").mean() == pytest.approx(0.5, abs=0.001)
    with pytest.raises(ValueError, match="give numeric groups"):
        simulate(insurance, schema=schema, grouping=Grouping("age"), shares={"30": 0.5})


def test_seeded_generation_keeps_fixed_columns_and_learns_the_rest(insurance):
    schema = detect_schema(insurance)
    seeds = pd.DataFrame({"age": [20, 20, 70, 70], "vehicle": ["sports", "sports", "sedan", "sedan"]})
    rows = complete_rows(insurance, seeds, schema=schema, random_state=0)
    assert rows[["age", "vehicle"]].equals(seeds.astype(insurance[["age", "vehicle"]].dtypes.to_dict()))
    assert rows.loc[:1, "annual_premium"].mean() > rows.loc[2:, "annual_premium"].mean()
    with pytest.raises(ValueError, match="columns the data lacks"):
        complete_rows(insurance, pd.DataFrame({"planet": ["Mars"]}), schema=schema)


def test_kpis(insurance):
    kpis = [
        Kpi("rows", Aggregate.COUNT),
        Kpi("premium", Aggregate.MEAN, "annual_premium"),
        Kpi("claims by region", Aggregate.SUM, "claim_amount", by="region"),
        Kpi("churn", Aggregate.SHARE, "churned", "yes"),
    ]
    assert kpi_values(insurance, kpis[0])[ALL] == len(insurance)
    assert kpi_values(insurance, kpis[2])["urban"] == pytest.approx(
        insurance.loc[insurance.region == "urban", "claim_amount"].sum()
    )
    doubled = pd.concat([insurance, insurance])
    frame = compare_kpis(insurance, doubled, kpis)
    rows = frame.set_index(["kpi", "group"])
    assert rows.loc[("rows", ALL), "delta %"] == pytest.approx(1.0)
    assert rows.loc[("premium", ALL), "delta"] == pytest.approx(0.0)
    assert rows.loc[("churn", ALL), "original"] == pytest.approx((insurance.churned == "yes").mean())
    with pytest.raises(ValueError, match="needs the category"):
        kpi_values(insurance, Kpi("bad", Aggregate.SHARE, "churned"))
    with pytest.raises(ValueError, match="no numbers"):
        kpi_values(insurance, Kpi("bad", Aggregate.MEAN, "region"))
    assert Kpi.from_dict(kpis[2].to_dict()) == kpis[2]


def _scenario(name: str, value: float) -> SavedScenario:
    kpis = pd.DataFrame(
        {"kpi": ["rows"], "group": [ALL], "original": [10.0], "scenario": [value], "delta": [value - 10], "delta %": [np.nan]}
    )
    return SavedScenario(name, "demo", ScenarioSettings(column="age", shares={"18-29": 0.5}), kpis)


def test_store_survives_a_restart_and_deletes(tmp_path):
    path = tmp_path / "deep" / "scenarios.sqlite"
    ScenarioStore(path).save(_scenario("younger", 12))
    ScenarioStore(path).save(_scenario("older", 8))
    reopened = ScenarioStore(path)
    assert [s.name for s in reopened.scenarios()] == ["younger", "older"]
    assert reopened.scenarios()[0].settings.shares == {"18-29": 0.5}
    table = scenarios_frame(reopened.scenarios())
    assert list(table.columns) == ["kpi", "group", "original", "younger", "older"]
    reopened.delete("younger")
    assert [s.name for s in ScenarioStore(path).scenarios()] == ["older"]
    with pytest.raises(ValueError, match="Give the scenario a name"):
        reopened.save(_scenario("  ", 1))


def damage(path) -> None:
    """Overwrite a store's pages after its header, as a crash or a bad disk would."""
    with open(path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff" * 4000)


def test_a_damaged_store_of_ours_is_moved_aside_and_recreated(tmp_path):
    path = tmp_path / "scenarios.sqlite"
    ScenarioStore(path).save(_scenario("younger", 12))
    damage(path)
    store = ScenarioStore(path)
    assert store.notice and "could not be read" in store.notice
    assert store.scenarios() == []
    assert list(tmp_path.glob("scenarios.sqlite.damaged-*"))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM scenarios").fetchone() == (0,)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database" * 100, b"", b"name,value\nx,1\n"],
    ids=["garbage", "empty file", "a CSV"],
)
def test_a_file_we_did_not_make_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(ScenarioStoreError, match="not a Rebalance Studio scenario database"):
        ScenarioStore(path)
    assert path.read_bytes() == content and sorted(tmp_path.iterdir()) == [path]


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE scenarios (id INTEGER, payload BLOB)")
        db.commit()
    before = path.read_bytes()
    with pytest.raises(ScenarioStoreError, match="another program's database"):
        ScenarioStore(path)
    assert path.read_bytes() == before


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ScenarioStoreError, match="is a folder"):
        ScenarioStore(tmp_path)


def test_a_store_from_before_the_id_was_stamped_is_kept(tmp_path):
    path = tmp_path / "scenarios.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute(LEGACY_SCHEMA)
        kpis = '[{"kpi": "rows", "group": "(all rows)", "original": 10, "scenario": 12}]'
        db.execute("INSERT INTO scenarios VALUES ('old', 'demo', 1.0, ?, ?)", ('{"shares": {"a": 0.5}}', kpis))
        db.commit()
    assert [s.name for s in ScenarioStore(path).scenarios()] == ["old"]
    assert _application_id(path) == APPLICATION_ID


def test_a_busy_store_is_reported_not_moved(tmp_path, monkeypatch):
    path = tmp_path / "scenarios.sqlite"
    ScenarioStore(path).save(_scenario("younger", 12))
    monkeypatch.setattr("synth.whatif.scenarios.BUSY_SECONDS", 0.2)
    with closing(sqlite3.connect(path)) as writer:
        writer.execute("BEGIN EXCLUSIVE")
        with pytest.raises(ScenarioStoreError, match="busy"):
            ScenarioStore(path)
    assert [s.name for s in ScenarioStore(path).scenarios()] == ["younger"]
    assert not list(tmp_path.glob("*.damaged-*"))


def test_unreadable_rows_are_skipped_with_a_notice(tmp_path):
    path = tmp_path / "scenarios.sqlite"
    store = ScenarioStore(path)
    store.save(_scenario("good", 12))
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO scenarios VALUES ('shared', 'bad', 'demo', 2.0, '{not json', '[]')")
        db.execute("INSERT INTO scenarios VALUES ('shared', 'wrong shape', 'demo', 3.0, '{}', '\"[]\"')")
        db.commit()
    assert [s.name for s in store.scenarios()] == ["good"]
    assert "2 saved scenario(s) could not be read" in store.notice


def test_settings_keep_the_stored_json_shape_older_versions_wrote():
    kpis = [Kpi("rows", Aggregate.COUNT), Kpi("churn", Aggregate.SHARE, "churned", "yes", "region")]
    settings = ScenarioSettings(
        column="age",
        groups="18-29, 30-44",
        shares={"18-29": 0.25, "30-44": 0.75},
        rows=2000,
        random_state=7,
        kpis=tuple(kpis),
        fingerprint="abc",
    )
    stored = json.loads(settings.to_json())
    assert stored == {
        "column": "age",
        "groups": "18-29, 30-44",
        "shares": {"18-29": 0.25, "30-44": 0.75},
        "rows": 2000,
        "seed": 7,
        "kpis": [k.to_dict() for k in kpis],
        "fingerprint": "abc",
    }
    assert ScenarioSettings.from_json(settings.to_json()) == settings
    assert settings.describe() == "age → 18-29 25%, 30-44 75%; 2,000 rows, seed 7"
    oldest = ScenarioSettings.from_json('{"shares": {"a": 0.5}}')
    assert (oldest.column, oldest.rows, oldest.random_state, oldest.fingerprint) == (None, None, 0, None)
    assert oldest.describe() == "? → a 50%, seed 0"
    with pytest.raises(ValueError, match="a mix of numbers"):
        ScenarioSettings.from_json('{"shares": {"a": "half"}}')


def test_a_deleted_database_is_recreated(tmp_path):
    path = tmp_path / "scenarios.sqlite"
    store = ScenarioStore(path)
    path.unlink()
    assert store.scenarios() == [] and "was missing" in store.notice


def test_sessions_creating_the_store_at_once_all_succeed(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "new" / "scenarios.sqlite"
    with ThreadPoolExecutor(8) as pool:
        stores = list(pool.map(lambda _: ScenarioStore(path), range(8)))
    assert all(store.scenarios() == [] for store in stores)
    assert sorted(p.name for p in path.parent.iterdir()) == ["scenarios.sqlite"]


def test_small_kpi_changes_get_ticks_that_read_differently():
    from synth.figures import kpi_figure

    frame = pd.DataFrame({"kpi": ["a", "b"], "group": ["(all rows)"] * 2, "original": [100.0, 50.0], "s": [101.0, 50.5]})
    assert kpi_figure(frame).layout.yaxis.tickformat == "+.1%"
    assert kpi_figure(frame.assign(s=[150.0, 20.0])).layout.yaxis.tickformat == "+.0%"


def test_workspaces_keep_visitors_apart_and_nothing_is_replaced_without_asking(tmp_path):
    path = tmp_path / "scenarios.sqlite"
    mine, theirs = ScenarioStore(path, "ws-mine"), ScenarioStore(path, "ws-theirs")
    mine.save(_scenario("baseline", 12))
    theirs.save(_scenario("baseline", 8))
    assert [s.kpis["scenario"].iloc[0] for s in mine.scenarios()] == [12]
    with pytest.raises(ValueError, match="'baseline' exists already"):
        mine.save(_scenario("baseline", 99))
    mine.save(_scenario("baseline", 99), replace=True)
    theirs.delete("baseline")
    assert [s.kpis["scenario"].iloc[0] for s in ScenarioStore(path, "ws-mine").scenarios()] == [99]
    assert ScenarioStore(path, "ws-theirs").scenarios() == []


def test_names_and_sizes_are_bounded(tmp_path):
    store = ScenarioStore(tmp_path / "scenarios.sqlite", "ws")
    with pytest.raises(ValueError, match="at most 100 characters; this one has 5,000,000"):
        store.save(_scenario("x" * 5_000_000, 1))
    huge = _scenario("many", 1)
    huge = SavedScenario(huge.name, huge.dataset, replace(huge.settings, groups="y" * 300_000), huge.kpis)
    with pytest.raises(ValueError, match="at most 200,000 are kept"):
        store.save(huge)
    assert store.scenarios() == []


def test_an_older_store_on_a_full_disk_is_reported_and_never_moved(tmp_path, monkeypatch):
    path = tmp_path / "scenarios.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute(LEGACY_SCHEMA)
        db.commit()
    before = path.read_bytes()

    class FullDisk(sqlite3.Connection):
        def execute(self, sql, *args):
            if sql.startswith(("PRAGMA application_id =", "ALTER", "CREATE")):
                raise sqlite3.OperationalError("database or disk is full")
            return super().execute(sql, *args)

    monkeypatch.setattr(ScenarioStore, "_connect", lambda self: sqlite3.connect(self.path, factory=FullDisk))
    with pytest.raises(ScenarioStoreError, match="cannot be written now \\(database or disk is full\\); it was left"):
        ScenarioStore(path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["scenarios.sqlite"]
    monkeypatch.undo()
    store = ScenarioStore(path)  # space freed: the same store opens, with nothing to announce
    assert store.notice is None and store.scenarios() == []


def test_default_groups_cover_every_value_and_read_well_below_zero():
    balance = pd.DataFrame({"balance": [-56.1429, -20.5, -3.0, 0.0, 12.25, 40.0, 99.9, 305.5]})
    text = default_buckets(balance["balance"])
    grouping = parse_buckets("balance", text)
    assert " to " in text and "--" not in text
    assert grouping.assign(balance).notna().all() and grouping.gaps(balance) == []
    below = parse_buckets("balance", "-10 to -5, 0+")
    assert below.gaps(balance) == ["-56.1429 to -20.5: not in any group (2 rows)", "-3: not in any group (1 row)"]


def test_decimal_ranges_keep_their_gaps():
    grouping = parse_buckets("x", "0-0.25, 0.5-0.75, 1+")
    values = pd.DataFrame({"x": [0.1, 0.3, 0.45, 0.6, 0.8, 0.9, 1.5]})
    assert grouping.assign(values).fillna("none").tolist() == ["0-0.25", "none", "none", "0.5-0.75", "none", "none", "1+"]
    assert len(grouping.gaps(values)) == 2
