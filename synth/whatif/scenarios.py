"""Named what-if scenarios kept in an embedded SQLite database, so they survive a restart.

The database lives where the server's configuration says (``$REBALANCE_STUDIO_DB`` or the CLI's
``--scenarios``), never where a browser says. The store only ever changes a file it made: its
databases carry an SQLite ``application_id``. Another program's file is refused with a message and
left untouched; one of ours that is damaged is moved aside (never deleted) and made afresh; a
database busy with another writer is waited on, then reported, never moved.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from synth.errors import ScenarioStoreError
from synth.labels import ORIGINAL, SCENARIO
from synth.whatif.kpis import Kpi

# "RBST" in the SQLite header marks a Rebalance Studio scenario database.
APPLICATION_ID = 0x52425354
SQLITE_MAGIC = b"SQLite format 3\x00"
LEGACY_COLUMNS = ("name", "dataset", "created", "settings", "kpis")
COLUMNS = ("workspace", *LEGACY_COLUMNS)
SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    workspace TEXT NOT NULL,
    name TEXT NOT NULL,
    dataset TEXT NOT NULL,
    created REAL NOT NULL,
    settings TEXT NOT NULL,
    kpis TEXT NOT NULL,
    PRIMARY KEY (workspace, name)
)
"""
# Scenarios saved before workspaces existed are found under this one.
SHARED_WORKSPACE = "shared"
MAX_NAME = 100
MAX_SCENARIO_BYTES = 200_000
# A writer holding the database longer than this is reported as busy.
BUSY_SECONDS = 15.0


def default_store_path() -> Path:
    """$REBALANCE_STUDIO_DB, else the user's data directory (XDG), else ~/.local/share."""
    if os.environ.get("REBALANCE_STUDIO_DB"):
        return Path(os.environ["REBALANCE_STUDIO_DB"]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "rebalance-studio" / "scenarios.sqlite"


@dataclass(frozen=True, kw_only=True)
class ScenarioSettings:
    """What a what-if run was made from, as saved: enough to describe it and run it again.

    Scenarios saved by older versions may lack any field but a mix; they read with the defaults.
    """

    column: str | None = None  # the column whose mix changes
    groups: str = ""  # the numeric ranges as typed ("" for a categorical column)
    shares: dict[str, float] = field(default_factory=dict)  # the new share of every group
    rows: int | None = None  # rows generated (None: as many as the table, when the saver did not say)
    random_state: int = 0
    kpis: tuple[Kpi, ...] = ()
    fingerprint: str | None = None  # the data's content when saved (None: older saves, matched by name)

    def to_json(self) -> str:
        """The stored form: a JSON object, the same keys older versions wrote and read."""
        values: dict[str, Any] = {
            "column": self.column,
            "groups": self.groups,
            "shares": self.shares,
            "rows": self.rows,
            "seed": self.random_state,
            "kpis": [k.to_dict() for k in self.kpis],
            "fingerprint": self.fingerprint,
        }
        return json.dumps({k: v for k, v in values.items() if v is not None})

    @classmethod
    def from_json(cls, text: str) -> ScenarioSettings:
        """Settings from their stored form; raises ValueError (or TypeError, KeyError) on a shape no version wrote."""
        values = json.loads(text)
        if not isinstance(values, dict):
            raise ValueError("scenario settings are not a JSON object")
        shares = values.get("shares", {})
        if not isinstance(shares, dict) or not all(isinstance(v, int | float) for v in shares.values()):
            raise ValueError("scenario settings lack a mix of numbers")
        rows, column, fingerprint = values.get("rows"), values.get("column"), values.get("fingerprint")
        return cls(
            column=None if column is None else str(column),
            groups=str(values.get("groups") or ""),
            shares={str(g): float(v) for g, v in shares.items()},
            rows=int(rows) if isinstance(rows, int | float) else None,
            random_state=int(values.get("seed", 0)),
            kpis=tuple(Kpi.from_dict(k) for k in values.get("kpis") or ()),
            fingerprint=None if fingerprint is None else str(fingerprint),
        )

    def describe(self) -> str:
        """The settings in words: 'age → 18-29 40%, 30-44 30%; 12,000 rows, seed 0'."""
        mix = ", ".join(f"{group} {share:.0%}" for group, share in self.shares.items())
        size = f"; {self.rows:,} rows" if self.rows is not None else ""
        return f"{'?' if self.column is None else self.column} → {mix}{size}, seed {self.random_state}"


@dataclass(frozen=True)
class SavedScenario:
    name: str
    dataset: str
    settings: ScenarioSettings
    kpis: pd.DataFrame = field(repr=False)
    created: float = 0.0


def _application_id(path: Path) -> int | None:
    """The header's application id, or None when the file is not an SQLite database."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return None
    return int.from_bytes(header[68:72], "big")


def _columns(db: sqlite3.Connection) -> tuple[str, ...]:
    return tuple(row[1] for row in db.execute("PRAGMA table_info(scenarios)"))


def _is_older_store(db: sqlite3.Connection) -> bool:
    """A database from before the id was stamped: exactly our one table with our columns."""
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return tables == ["scenarios"] and _columns(db) in (LEGACY_COLUMNS, COLUMNS)


def _add_workspaces(db: sqlite3.Connection) -> None:
    """A store from before workspaces keeps every scenario, under the shared workspace."""
    if _columns(db) != LEGACY_COLUMNS:
        return
    db.execute("ALTER TABLE scenarios RENAME TO scenarios_before_workspaces")
    db.execute(SCHEMA)
    db.execute(
        "INSERT INTO scenarios (workspace, name, dataset, created, settings, kpis) "
        "SELECT ?, name, dataset, created, settings, kpis FROM scenarios_before_workspaces",
        (SHARED_WORKSPACE,),
    )
    db.execute("DROP TABLE scenarios_before_workspaces")


class ScenarioStore:
    """Save, list and delete the scenarios of one ``workspace`` in the SQLite file at ``path``.

    A workspace is what one visitor (or a team sharing a link) sees; others' scenarios are never
    listed, replaced or deleted from it.
    """

    def __init__(self, path: str | Path, workspace: str = SHARED_WORKSPACE) -> None:
        self.path = Path(path)
        self.workspace = workspace
        self.notice: str | None = None
        self._prepare()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=BUSY_SECONDS)

    def _create(self) -> None:
        """A new, stamped database, built aside and linked into place: no one ever sees it half made."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".new", dir=self.path.parent)
            os.close(handle)
            try:
                with closing(sqlite3.connect(name)) as db:
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    db.execute(SCHEMA)
                    db.commit()
                os.link(name, self.path)
            except FileExistsError:
                pass  # another session made it first; theirs is as good as ours
            finally:
                os.unlink(name)
        except (OSError, sqlite3.Error) as error:
            raise ScenarioStoreError(f"Cannot create the scenario database ({error}).") from None

    def _prepare(self) -> None:
        if self.path.exists() and not self.path.is_file():
            raise ScenarioStoreError(f"The scenario database path {self.path} is a folder, not a file; name a file.")
        if not self.path.exists():
            self._create()
            return
        app_id = _application_id(self.path)
        if app_id is None or app_id not in (0, APPLICATION_ID):
            raise ScenarioStoreError(
                f"{self.path} is not a Rebalance Studio scenario database, so it is left untouched; "
                "choose a new file for the scenario database."
            )
        try:
            with closing(self._connect()) as db:
                if app_id == 0:
                    if not _is_older_store(db):
                        raise ScenarioStoreError(
                            f"{self.path} is another program's database, so it is left untouched; "
                            "choose a new file for the scenario database."
                        )
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise sqlite3.DatabaseError("integrity check failed")
                db.execute(SCHEMA)
                _add_workspaces(db)
                db.commit()
        except sqlite3.OperationalError as error:
            # busy, a full disk, a read-only folder: the file is fine, so it is reported and never moved
            if "locked" in str(error) or "busy" in str(error):
                raise ScenarioStoreError(
                    f"The scenario database is busy with another writer ({error}); try again in a moment."
                ) from None
            raise ScenarioStoreError(
                f"The scenario database cannot be written now ({error}); it was left as it is. Free space or fix "
                "permissions, then reload."
            ) from None
        except sqlite3.DatabaseError as error:
            self._move_aside(error)

    def _move_aside(self, error: Exception) -> None:
        """Our own database is damaged: keep it under a new name and start an empty one."""
        aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
        self.path.replace(aside)
        self._create()
        self.notice = (
            f"The scenario database could not be read ({error}). It was kept as {aside.name} and a new, empty one was created."
        )

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if not self.path.exists():
            self._create()
            self.notice = "The scenario database was missing; a new, empty one was created."
        try:
            with closing(self._connect()) as db:
                yield db
                db.commit()
        except sqlite3.OperationalError as error:
            raise ScenarioStoreError(f"The scenario database is busy or unreadable ({error}); try again in a moment.") from None

    def names(self) -> set[str]:
        with self._db() as db:
            return {row[0] for row in db.execute("SELECT name FROM scenarios WHERE workspace = ?", (self.workspace,))}

    def save(self, scenario: SavedScenario, replace: bool = False) -> None:
        """Store ``scenario``; one of the same name is replaced only when ``replace`` says so."""
        name = scenario.name.strip()
        if not name:
            raise ScenarioStoreError("Give the scenario a name.")
        if len(name) > MAX_NAME:
            raise ScenarioStoreError(f"Scenario names hold at most {MAX_NAME} characters; this one has {len(name):,}.")
        settings, kpis = scenario.settings.to_json(), scenario.kpis.to_json(orient="records")
        if len(settings) + len(kpis) > MAX_SCENARIO_BYTES:
            raise ScenarioStoreError(
                f"This scenario's settings and KPIs take {len(settings) + len(kpis):,} bytes; at most "
                f"{MAX_SCENARIO_BYTES:,} are kept. Use fewer KPIs or groups."
            )
        if not replace and name in self.names():
            raise ScenarioStoreError(f"A scenario named {name!r} exists already; choose another name or replace it.")
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO scenarios (workspace, name, dataset, created, settings, kpis) VALUES (?, ?, ?, ?, ?, ?)",
                (self.workspace, name, scenario.dataset, scenario.created or time.time(), settings, kpis),
            )

    def scenarios(self) -> list[SavedScenario]:
        """Every readable saved scenario of the workspace, oldest first; unreadable rows are skipped and counted in ``notice``."""
        with self._db() as db:
            rows = db.execute(
                "SELECT name, dataset, created, settings, kpis FROM scenarios WHERE workspace = ? ORDER BY created",
                (self.workspace,),
            ).fetchall()
        found, skipped = [], 0
        for name, dataset, created, settings, kpis in rows:
            try:
                scenario = SavedScenario(
                    str(name), str(dataset), ScenarioSettings.from_json(settings), pd.DataFrame(json.loads(kpis)), float(created)
                )
                _check_shape(scenario)
            except (TypeError, ValueError, KeyError):
                skipped += 1
            else:
                found.append(scenario)
        if skipped:
            self.notice = f"{skipped} saved scenario(s) could not be read and are not shown."
        return found

    def delete(self, name: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM scenarios WHERE workspace = ? AND name = ?", (self.workspace, name))


def _check_shape(scenario: SavedScenario) -> None:
    """A stored scenario must hold what the pages read: KPI rows (its mix is checked as its settings are read)."""
    missing = {"kpi", "group", ORIGINAL, SCENARIO} - set(scenario.kpis.columns)
    if missing:
        raise ValueError(f"scenario {scenario.name!r} lacks {sorted(missing)}")


def open_store(workspace: str = SHARED_WORKSPACE) -> ScenarioStore:
    """The store the server's configuration names, seen from one workspace."""
    return ScenarioStore(default_store_path(), workspace)


def saved_on(scenario: SavedScenario, dataset: str, fingerprint: str) -> bool:
    """Whether a scenario was made on this data: same content when recorded, else the same name."""
    recorded = scenario.settings.fingerprint
    return recorded == fingerprint if recorded else scenario.dataset == dataset


def scenarios_frame(scenarios: list[SavedScenario]) -> pd.DataFrame:
    """KPI values (rows: KPI and group) of several scenarios (columns), with the original first."""
    if not scenarios:
        return pd.DataFrame()
    index = ["kpi", "group"]
    original = scenarios[0].kpis.set_index(index)[ORIGINAL]
    for scenario in scenarios[1:]:  # a KPI only later scenarios have still shows its original value
        original = original.combine_first(scenario.kpis.set_index(index)[ORIGINAL])
    frame = original.to_frame()
    for scenario in scenarios:
        frame = frame.join(scenario.kpis.set_index(index)[SCENARIO].rename(scenario.name), how="outer")
    return frame.reset_index()
