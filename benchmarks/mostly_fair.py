"""The MOSTLY AI side of ``benchmarks.fairness``, run by the interpreter that has the engine and the ruler.

    python -m benchmarks.mostly_fair engine A.parquet --column income --sets sex sex,race --minutes 5 --out PREFIX
    python -m benchmarks.mostly_fair dcr SYNTHETIC.parquet A.parquet B.parquet

``engine`` trains mostlyai-engine once on the training half (training bounded to ``--minutes``; the
fairness option acts at generation) and generates one table per sensitive set with
``fairness={target_column, sensitive_columns}``: PREFIX-<set>.parquet, timings in PREFIX.json.
``dcr`` prints the ruler's (mostlyai-qa) DCR share as JSON. Imports nothing from ``synth``, so it
runs in a benchmark-only environment (``requirements-bench.txt``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import pandas as pd


def engine(args: argparse.Namespace) -> None:
    from mostlyai import engine as mostly

    train = pd.read_parquet(args.train)
    categorical = {args.column, *[c for s in args.sets for c in s.split(",")]}
    as_text = train.astype({c: str for c in categorical})  # the fairness option needs categorical columns
    timings: dict[str, object] = {"rows": len(train), "minutes": args.minutes}
    with tempfile.TemporaryDirectory() as workspace:
        started = time.perf_counter()
        mostly.split(workspace_dir=workspace, tgt_data=as_text, model_type="TABULAR")
        mostly.analyze(workspace_dir=workspace)
        mostly.encode(workspace_dir=workspace)
        mostly.train(workspace_dir=workspace, max_training_time=args.minutes)
        timings["fit s"] = time.perf_counter() - started
        for chosen in args.sets:
            started = time.perf_counter()
            fairness = {"target_column": args.column, "sensitive_columns": chosen.split(",")}
            mostly.generate(workspace_dir=workspace, sample_size=len(train), fairness=fairness)
            timings[f"generate s {chosen}"] = time.perf_counter() - started
            table = pd.read_parquet(Path(workspace) / "SyntheticData")
            table = table.astype({c: train[c].dtype for c in categorical}, errors="ignore")
            table.to_parquet(f"{args.out}-{chosen.replace(',', '+')}.parquet")
            print(f"engine {chosen}: {timings}", flush=True)
    Path(f"{args.out}.json").write_text(json.dumps(timings, indent=1))


def dcr(args: argparse.Namespace) -> None:
    from mostlyai import qa

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    synthetic, train, holdout = (pd.read_parquet(p) for p in (args.synthetic, args.train, args.holdout))
    with tempfile.TemporaryDirectory() as folder:
        _, metrics = qa.report(
            syn_tgt_data=synthetic[list(train.columns)],
            trn_tgt_data=train,
            hol_tgt_data=holdout,
            report_path=Path(folder) / "report.html",
        )
    print(json.dumps({"dcr_share": metrics.distances.dcr_share}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    eng = commands.add_parser("engine")
    eng.add_argument("train")
    eng.add_argument("--column", required=True)
    eng.add_argument("--sets", nargs="+", required=True, help="sensitive column sets, comma-separated")
    eng.add_argument("--minutes", type=float, default=5.0, help="training time bound (max_training_time)")
    eng.add_argument("--out", required=True)
    eng.set_defaults(run=engine)
    ruler = commands.add_parser("dcr")
    for name in ("synthetic", "train", "holdout"):
        ruler.add_argument(name)
    ruler.set_defaults(run=dcr)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
