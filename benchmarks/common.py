"""Helpers shared by the benchmark scripts: where the data is, and printing result tables."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "benchmarks" / "results"


def require_shared(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"{path} is missing: the benchmarks need ../shared/datasets beside the repository.")
    return path


def markdown(frame: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """A GitHub markdown table; floats formatted with ``floatfmt``, missing values blank."""

    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        return format(value, floatfmt) if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def save(frame: pd.DataFrame, name: str, floatfmt: str = ".3f") -> str:
    """Print ``frame`` as a markdown table and keep CSV and markdown copies in benchmarks/results."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    frame.to_csv(RESULTS / f"{name}.csv", index=False)
    text = markdown(frame, floatfmt)
    (RESULTS / f"{name}.md").write_text(text + "\n")
    print(text)
    return text


def write_generated(path: Path, make: Callable[[int, int], pd.DataFrame], rows: int, random_state: int = 0) -> Path:
    """Write ``make(rows, seed)`` as CSV once per size and seed (an existing file is reused)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        make(rows, random_state).to_csv(path, index=False)
    return path


def generator_main(doc: str, make: Callable[[int, int], pd.DataFrame], rows: int) -> None:
    """The command line of a table generator: ``--rows``, ``--seed``, ``--output``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    make(args.rows, args.seed).to_csv(args.output, index=False)
