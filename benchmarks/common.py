"""Helpers shared by the benchmark scripts: where the data is, and printing result tables."""

from __future__ import annotations

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
