"""MOSTLY AI's engine filling gaps (run in the benchmark venv, which has torch): a worker for imputation.py.

    /work/bench-venv/bin/python -m benchmarks.engine_impute GAPPED.parquet OUT.parquet MINUTES COLUMN...

Trains the engine on the table with gaps, then generates one row per row of it, seeded with the row
itself and ``imputation`` set to the gap columns: the engine samples only the missing cells (it
groups rows by their gap pattern). Prints the seconds taken (split to generate) on its last line.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def main(gapped_path: str, out_path: str, minutes: str, *columns: str) -> None:
    from mostlyai import engine

    gapped = pd.read_parquet(gapped_path)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as workspace:
        engine.split(workspace_dir=workspace, tgt_data=gapped, model_type="TABULAR")
        engine.analyze(workspace_dir=workspace)
        engine.encode(workspace_dir=workspace)
        engine.train(workspace_dir=workspace, max_training_time=float(minutes))
        engine.generate(workspace_dir=workspace, seed_data=gapped, imputation={"columns": list(columns)})
        filled = pd.read_parquet(Path(workspace) / "SyntheticData")
    filled.to_parquet(out_path)
    print(f"{time.perf_counter() - start:.1f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
