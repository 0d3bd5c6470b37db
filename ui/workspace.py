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

import io
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

ROOT_ENV = "REBALANCE_STUDIO_WORKSPACES"
MB_ENV = "REBALANCE_STUDIO_WORKSPACE_MB"
DAYS_ENV = "REBALANCE_STUDIO_WORKSPACE_DAYS"
DEFAULT_MB = 500
DEFAULT_DAYS = 7
# A link's workspace: 16 or more URL-safe characters (the app makes 16 from 96 random bits).
WORKSPACE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
META, SETTINGS, TABLE, HOLDOUT = "dataset.json", "settings.json", "table.parquet", "holdout.parquet"
MARKER = ".rebalance-studio-workspace"  # the app deletes only folders that carry it
FORGOTTEN = ".forgotten-"  # beside the folders: a forgotten workspace's id, so nothing writes it again


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


def _parquet(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


def save_data(workspace: str, meta: dict[str, Any], table: pd.DataFrame, holdout: pd.DataFrame | None) -> str:
    """Keep the data (each file replaced atomically, the description last); '' when kept, else why not, in one line.

    The files are sized in memory first, so a table over the cap never reaches the disk.
    """
    if forgotten(workspace):
        return "This workspace's data was forgotten: nothing more is kept for it."
    try:
        files = {TABLE: _parquet(table), **({HOLDOUT: _parquet(holdout)} if holdout is not None else {})}
    except (ValueError, TypeError, ImportError) as error:
        return f"This table is not kept on the server ({type(error).__name__}): a reload starts from the demo."
    if sum(map(len, files.values())) / 2**20 > limit_mb():
        return f"This table is larger than the {limit_mb():,g} MB a workspace keeps: a reload starts from the demo."
    path = folder(workspace)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    (path / MARKER).touch()
    try:
        for name, raw in files.items():
            write_atomically(path / name, lambda temporary, raw=raw: temporary.write_bytes(raw))
        if holdout is None:
            (path / HOLDOUT).unlink(missing_ok=True)
        _write_json(path / META, meta)
    except OSError as error:
        return f"This table could not be kept on the server ({error.strerror or type(error).__name__})."
    return ""


def save_choices(workspace: str, choices: dict[str, Any], results: dict[str, Any]) -> None:
    """Keep the user's choices and which results to restore (JSON-safe values only)."""
    if forgotten(workspace):
        return
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


class Unreadable(SynthError):
    """A workspace keeps data, but it cannot be read back: the message names the file and why."""


def load(workspace: str) -> Kept | None:
    """The workspace as it was left; None when it keeps no data; ``Unreadable`` when it keeps data it cannot read."""
    path = folder(workspace)
    if forgotten(workspace) or not (path / META).is_file():
        return None
    name = META
    try:
        meta = json.loads((path / META).read_text())
        name = TABLE
        table = parse_table((path / TABLE).read_bytes(), TABLE)
        name = HOLDOUT
        holdout = parse_table((path / HOLDOUT).read_bytes(), HOLDOUT) if (path / HOLDOUT).is_file() else None
        name = SETTINGS
        settings = json.loads((path / SETTINGS).read_text()) if (path / SETTINGS).is_file() else {}
    except (OSError, ValueError, SynthError) as error:
        raise Unreadable(f"{name}: {' '.join(str(error).split())[:200]}") from None
    if not isinstance(meta, dict) or not isinstance(settings, dict):
        raise Unreadable(f"{META if not isinstance(meta, dict) else SETTINGS}: not the app's own description")
    choices, results = settings.get("choices", {}), settings.get("results", {})
    os.utime(path)  # in use: its expiry starts again
    return Kept(meta, table, holdout, choices if isinstance(choices, dict) else {}, results if isinstance(results, dict) else {})


def forget(workspace: str) -> None:
    """Delete the workspace's folder now (only a folder the app made), and leave a mark so that no other tab still
    open on it writes it again."""
    path = folder(workspace)
    if (path / MARKER).is_file():
        shutil.rmtree(path, ignore_errors=True)
    root().mkdir(parents=True, exist_ok=True, mode=0o700)
    (root() / f"{FORGOTTEN}{workspace}").touch()


def forgotten(workspace: str) -> bool:
    """Whether the workspace's data was forgotten (in this tab or another)."""
    return (root() / f"{FORGOTTEN}{workspace}").is_file()


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
        elif path.name.startswith(FORGOTTEN) and path.stat().st_mtime < cutoff:  # no tab is still open on it
            path.unlink(missing_ok=True)
    return gone


def _last_use(path: Path) -> float:
    return max([path.stat().st_mtime, *(f.stat().st_mtime for f in path.iterdir())])
