"""A workspace's data on the server, so a reload or the workspace link opened later brings the session back.

Each workspace (the random id in the page's link) has its own folder under ``$REBALANCE_STUDIO_WORKSPACES``
holding the table (and an uploaded holdout) as Parquet, the data's description, every choice the user
made and which results they had. Results are not stored: the steps that made them are run again, with
progress, from the same data and choices (every step is seeded, so they come out the same).

Nothing in a page's input names a path: the folder is the root joined with an id that matches
``WORKSPACE_ID`` and nothing else, so one workspace never reaches another's data. A folder unused for
``$REBALANCE_STUDIO_WORKSPACE_DAYS`` days is deleted; one over ``$REBALANCE_STUDIO_WORKSPACE_MB`` keeps
the choices but not the table. Restored tables go through the same reader and limits as uploads.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from synth.data.io import parse_table, write_atomically
from synth.errors import SynthError
from synth.schema import Schema

ROOT_ENV = "REBALANCE_STUDIO_WORKSPACES"
MB_ENV = "REBALANCE_STUDIO_WORKSPACE_MB"
DAYS_ENV = "REBALANCE_STUDIO_WORKSPACE_DAYS"
DEFAULT_MB = 500
DEFAULT_DAYS = 7
# A link's workspace: 16 or more URL-safe characters (the app makes 16 from 96 random bits).
WORKSPACE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
META, SETTINGS, TABLE, HOLDOUT = "dataset.json", "settings.json", "table.parquet", "holdout.parquet"
MARKER = ".rebalance-studio-workspace"  # the app deletes only folders that carry it


def _number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def root() -> Path:
    """$REBALANCE_STUDIO_WORKSPACES, else the user's data directory (XDG), else ~/.local/share."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "rebalance-studio" / "workspaces"


def limit_mb() -> float:
    return _number(MB_ENV, DEFAULT_MB)


def expiry_days() -> float:
    return _number(DAYS_ENV, DEFAULT_DAYS)


def kept_line() -> str:
    """What is kept, where and for how long, in one line for the page."""
    return (
        f"This workspace's table, choices and which results to restore are kept on this server, in a folder of its own "
        f"(up to {limit_mb():,g} MB), for {expiry_days():g} days after its last use. Anyone with this page's link can open them."
    )


def folder(workspace: str) -> Path:
    """The workspace's folder; an id that is not a random link id names none."""
    if not WORKSPACE_ID.fullmatch(workspace):
        raise ValueError(f"not a workspace id: {workspace!r}")
    return root() / workspace


@dataclass(frozen=True)
class Kept:
    """A workspace as it was left: the data's description and tables, the choices and the results to restore."""

    meta: dict[str, Any]
    table: pd.DataFrame = field(repr=False)
    holdout: pd.DataFrame | None = field(repr=False)
    choices: dict[str, Any]
    results: dict[str, Any]


def _write_json(path: Path, value: Any) -> None:
    write_atomically(path, lambda temporary: temporary.write_text(json.dumps(value, sort_keys=True)))


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 2**20


def save_data(workspace: str, meta: dict[str, Any], table: pd.DataFrame, holdout: pd.DataFrame | None) -> str:
    """Keep the data (atomically); '' when kept, else why not, in one line."""
    path = folder(workspace)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    (path / MARKER).touch()
    for name in (TABLE, HOLDOUT, META):
        (path / name).unlink(missing_ok=True)  # never a new table beside old metadata
    try:
        write_atomically(path / TABLE, lambda temporary: table.to_parquet(temporary, index=False))
        if holdout is not None:
            write_atomically(path / HOLDOUT, lambda temporary: holdout.to_parquet(temporary, index=False))
    except (OSError, ValueError, TypeError, ImportError) as error:
        (path / TABLE).unlink(missing_ok=True)
        return f"This table is not kept on the server ({type(error).__name__}): a reload starts from the demo."
    if _size_mb(path) > limit_mb():
        (path / TABLE).unlink(missing_ok=True)
        (path / HOLDOUT).unlink(missing_ok=True)
        return f"This table is larger than the {limit_mb():,g} MB a workspace keeps: a reload starts from the demo."
    _write_json(path / META, meta)
    return ""


def save_choices(workspace: str, choices: dict[str, Any], results: dict[str, Any]) -> None:
    """Keep the user's choices and which results to restore (JSON-safe values only)."""
    path = folder(workspace)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    (path / MARKER).touch()
    _write_json(path / SETTINGS, {"choices": json_safe(choices), "results": results})


def json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """The values JSON keeps as they are (text, numbers, yes/no, lists and rows of them); others are left out."""

    def safe(value: Any) -> bool:
        if value is None or isinstance(value, str | bool | int | float):
            return not isinstance(value, float) or value == value  # NaN does not round-trip
        if isinstance(value, list):
            return all(safe(v) for v in value)
        if isinstance(value, dict):
            return all(isinstance(k, str) and safe(v) for k, v in value.items())
        return False

    return {key: value for key, value in values.items() if isinstance(key, str) and safe(value)}


def load(workspace: str) -> Kept | None:
    """The workspace as it was left, or None when nothing (or nothing readable) is kept."""
    path = folder(workspace)
    try:
        meta = json.loads((path / META).read_text())
        table = parse_table((path / TABLE).read_bytes(), TABLE)
        holdout = parse_table((path / HOLDOUT).read_bytes(), HOLDOUT) if (path / HOLDOUT).is_file() else None
        settings = json.loads((path / SETTINGS).read_text()) if (path / SETTINGS).is_file() else {}
    except (OSError, ValueError, SynthError):
        return None
    if not isinstance(meta, dict) or not isinstance(settings, dict):
        return None
    choices, results = settings.get("choices", {}), settings.get("results", {})
    os.utime(path)  # in use: its expiry starts again
    return Kept(meta, table, holdout, choices if isinstance(choices, dict) else {}, results if isinstance(results, dict) else {})


def forget(workspace: str) -> None:
    """Delete the workspace's folder now (only a folder the app made)."""
    path = folder(workspace)
    if (path / MARKER).is_file():
        shutil.rmtree(path, ignore_errors=True)


def sweep(now: float | None = None) -> int:
    """Delete the workspaces unused for longer than the expiry; how many went."""
    base, cutoff = root(), (now or time.time()) - expiry_days() * 86400
    if not base.is_dir():
        return 0
    gone = 0
    for path in base.iterdir():
        if WORKSPACE_ID.fullmatch(path.name) and (path / MARKER).is_file() and _last_use(path) < cutoff:
            shutil.rmtree(path, ignore_errors=True)
            gone += 1
    return gone


def _last_use(path: Path) -> float:
    return max([path.stat().st_mtime, *(f.stat().st_mtime for f in path.iterdir())])


def schema_overrides(schema: Schema, detected: Schema) -> dict[str, str]:
    """The column kinds the user changed from the detected ones (kept as text)."""
    return {c.name: str(c.kind) for c in schema.columns if detected.kind(c.name) is not c.kind}
