"""Named what-if scenarios kept in an embedded SQLite database, so they survive a restart.

A damaged or unreadable database file is moved aside (never deleted) and a fresh one is made;
``ScenarioStore.notice`` then says what happened, for the UI and the CLI to show.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    name TEXT PRIMARY KEY,
    dataset TEXT NOT NULL,
    created REAL NOT NULL,
    settings TEXT NOT NULL,
    kpis TEXT NOT NULL
)
"""


def default_store_path() -> Path:
    """$REBALANCE_STUDIO_DB, else the user's data directory (XDG), else ~/.local/share."""
    if os.environ.get("REBALANCE_STUDIO_DB"):
        return Path(os.environ["REBALANCE_STUDIO_DB"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "rebalance-studio" / "scenarios.sqlite"


@dataclass(frozen=True)
class SavedScenario:
    name: str
    dataset: str
    settings: dict[str, Any]
    kpis: pd.DataFrame = field(repr=False)
    created: float = 0.0


class ScenarioStore:
    """Save, list and delete scenarios in the SQLite file at ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.notice: str | None = None
        self._prepare()

    def _prepare(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValueError(f"Cannot create the folder for the scenario database ({error}); choose another path.") from None
        try:
            with closing(sqlite3.connect(self.path)) as db:
                if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise sqlite3.DatabaseError("integrity check failed")
                db.execute(SCHEMA)
                db.commit()
        except sqlite3.DatabaseError as error:
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            self.path.replace(aside)
            with closing(sqlite3.connect(self.path)) as db:
                db.execute(SCHEMA)
                db.commit()
            self.notice = (
                f"The scenario database at {self.path} could not be read ({error}). It was moved to {aside.name} "
                "and a new, empty one was created."
            )

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if not self.path.exists():
            self._prepare()
            self.notice = f"The scenario database at {self.path} was missing; a new, empty one was created."
        with closing(sqlite3.connect(self.path)) as db:
            yield db
            db.commit()

    def save(self, scenario: SavedScenario) -> None:
        """Store ``scenario``, replacing one of the same name."""
        if not scenario.name.strip():
            raise ValueError("Give the scenario a name.")
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO scenarios (name, dataset, created, settings, kpis) VALUES (?, ?, ?, ?, ?)",
                (
                    scenario.name.strip(),
                    scenario.dataset,
                    scenario.created or time.time(),
                    json.dumps(scenario.settings),
                    scenario.kpis.to_json(orient="records"),
                ),
            )

    def scenarios(self) -> list[SavedScenario]:
        """Every saved scenario, oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT name, dataset, created, settings, kpis FROM scenarios ORDER BY created").fetchall()
        return [
            SavedScenario(name, dataset, json.loads(settings), pd.DataFrame(json.loads(kpis)), created)
            for name, dataset, created, settings, kpis in rows
        ]

    def delete(self, name: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM scenarios WHERE name = ?", (name,))


def side_by_side(scenarios: list[SavedScenario]) -> pd.DataFrame:
    """KPI values (rows: KPI and group) of several scenarios (columns), with the original first."""
    if not scenarios:
        return pd.DataFrame()
    index = ["kpi", "group"]
    frame = scenarios[0].kpis.set_index(index)[["original"]]
    for scenario in scenarios:
        frame = frame.join(scenario.kpis.set_index(index)["scenario"].rename(scenario.name), how="outer")
    return frame.reset_index()
