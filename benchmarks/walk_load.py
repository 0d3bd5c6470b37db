"""The walk benchmark's tables and its loaded run: CPU-bound competitors, quiet vs loaded side by side, issue 15's goals.

Issue 15 (item 7) asks that Evaluate stay fast while other work shares the cores, as it does on a
team-served app: the walk runs once quietly and once beside N busy-loop processes, and each step's
seconds are printed side by side with the ratio and the load average (``os.getloadavg``) beside them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from benchmarks import bank_like, census_like

# Issue 15's goals.
LOADED_RATIO = 2.0  # Evaluate on the 100k walk, loaded / quiet
BANK_EVALUATE_SECONDS = 30.0  # Evaluate on the 45,000 x 16 table (4 training tables x 3 seeds)
ALL_METHODS_WALK_SECONDS = 180.0  # Generate + Compare + Evaluate, all five methods on the 100k table


@dataclass(frozen=True)
class Upload:
    """The generated file the walk uploads, its column to rebalance and that column's rare value."""

    name: str
    path: Path
    target: str
    positive: str


def make_upload(kind: str, rows: int | None, folder: Path) -> Upload:
    """The census-like table (100,000 x 41 by default) or the bank-marketing-like one (45,000 x 16)."""
    if kind == "bank":
        rows = rows or 45_000
        path = bank_like.write_bank_like(folder / f"bank-like-{rows}.csv", rows)
        return Upload("bank-like", path, bank_like.TARGET, bank_like.POSITIVE)
    rows = rows or 100_000
    path = census_like.write_census_like(folder / f"census-like-{rows}.csv", rows)
    return Upload("census-like", path, "income", census_like.POSITIVE)


def load() -> float:
    """The 1-minute load average: how many processes wanted the 2 cores lately."""
    return round(os.getloadavg()[0], 1)


def _spin() -> None:
    """A pure-Python busy loop: one core's worth of CPU-bound competition."""
    while True:
        pass


@contextmanager
def competing(processes: int) -> Iterator[None]:
    """``processes`` busy loops (their own processes, normal priority) for the duration of the block."""
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, daemon=True) for _ in range(processes)]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.terminate()
            spinner.join(timeout=10)


def side_by_side(quiet: list[dict], loaded: list[dict], competitors: int) -> pd.DataFrame:
    """Each step's quiet and loaded seconds, with the load average at the step's end and the ratio."""
    later = {row["step"]: row for row in loaded}
    rows = []
    for row in quiet:
        other = later.get(row["step"], {})
        seconds = other.get("seconds", float("nan"))
        rows.append(
            {
                "step": row["step"],
                "quiet s": row["seconds"],
                "load": row.get("load"),
                f"with {competitors} busy s": seconds,
                "load ": other.get("load"),
                "loaded / quiet": seconds / row["seconds"] if row["seconds"] else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def goal_rows(upload: Upload, methods: str, evaluate: list[float], walked: list[float]) -> list[dict]:
    """The goals this configuration measures: ``evaluate`` and ``walked`` hold the quiet (then loaded) seconds."""
    rows = []
    if len(evaluate) == 2:
        ratio = evaluate[1] / evaluate[0]
        rows.append({"goal": f"Evaluate loaded / quiet <= {LOADED_RATIO:g}x", "value": ratio, "met": ratio <= LOADED_RATIO})
    if upload.name == "bank-like" and methods == "default":
        worst = max(evaluate)
        rows.append(
            {
                "goal": f"Evaluate <= {BANK_EVALUATE_SECONDS:g} s (slower run)",
                "value": worst,
                "met": worst <= BANK_EVALUATE_SECONDS,
            }
        )
    if upload.name == "census-like" and methods == "all":
        for label, seconds in zip(("quiet", "loaded"), walked, strict=False):
            met = seconds <= ALL_METHODS_WALK_SECONDS
            rows.append(
                {
                    "goal": f"Generate + Compare + Evaluate <= {ALL_METHODS_WALK_SECONDS:g} s ({label})",
                    "value": seconds,
                    "met": met,
                }
            )
    return rows
