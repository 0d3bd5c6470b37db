"""Rebalance and evaluate card transactions larger than memory on a 2-worker Dask cluster.

    python -m benchmarks.distributed [--rows 3000000 10000000 30000000] [--methods synthetic smote]
        [--folder /tmp/rebalance-bench] [--utility] [--sample-share 0.16] [--reuse]

A card-transactions table (12 columns, about 0.4% fraud) is written as Parquet partition by
partition (never whole in memory), with an independent real holdout. A LocalCluster of 2 workers
x 1 thread x 1.5 GiB then rebalances it (fraud to 20%, hybrid) with each method and evaluates the
unbalanced and the rebalanced tables with ``lightgbm.dask`` (seed 1), on at most the rows the
workers' memory holds (``training_bound``: a stratified sample beyond it). Every stage is timed;
each worker's and this client process's resident memory is sampled every 0.25 s. ``--utility``
(3M rows) also runs the in-memory path in a child process and scores the in-memory synthetic table,
the sample-fitted one and the unbalanced one with the same in-memory evaluator on the same holdout.
``--sample-share S`` also evaluates each table on a stratified sample of S of its rows, to measure
what the memory bound costs where all rows fit (the 30M run trains on about 16-20% of each table).
``--reuse`` evaluates a method's existing output instead of rebalancing again.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pyarrow.parquet as pq
from distributed import Client, LocalCluster

from benchmarks.common import save
from synth.distributed.evaluate import evaluate_frame, training_bound
from synth.distributed.rebalance import partition_seed, rebalance_frame
from synth.distributed.source import PartitionedTable, open_table, write_folder

PARTITION_ROWS = 250_000
SHARE = 0.2
GiB = 2**30


def card_partition(rows: int, first_id: int, random_state: int) -> pd.DataFrame:
    """One partition of card transactions; fraud (about 0.4%) is online, at night, abroad, on new cards, larger."""
    rng = np.random.default_rng(random_state)
    channel = rng.choice(["in store", "online", "phone"], rows, p=[0.55, 0.4, 0.05])
    hour = rng.integers(0, 24, rows)
    category = rng.choice(
        ["groceries", "electronics", "travel", "fashion", "fuel", "gaming"], rows, p=[0.35, 0.12, 0.08, 0.15, 0.22, 0.08]
    )
    amount = np.round(rng.lognormal(3.4 + 0.9 * np.isin(category, ["electronics", "travel"]), 0.9, rows), 2)
    abroad = rng.random(rows) < 0.07
    account_days = np.clip(rng.exponential(900, rows), 1, 6000).round().astype(np.int64)
    card = rng.choice(["debit", "credit", "prepaid"], rows, p=[0.6, 0.35, 0.05])
    device = np.where(channel == "online", rng.choice(["mobile", "desktop"], rows), "terminal")
    customer_age = np.clip(rng.normal(45, 15, rows), 18, 95).round().astype(np.int64)
    distance = np.round(rng.exponential(12, rows) * (1 + 20 * abroad), 1)
    logit = (
        -8.6
        + 1.3 * (channel == "online")
        + 1.4 * (hour < 6)
        + 1.6 * abroad
        - 0.0012 * account_days
        + 0.35 * np.log(amount)
        + 0.8 * np.isin(category, ["electronics", "gaming"])
        + 0.9 * (card == "prepaid")
        + 0.01 * np.minimum(distance, 200)
    )
    fraud = np.where(rng.random(rows) < 1 / (1 + np.exp(-logit)), "fraud", "legit")
    return pd.DataFrame(
        {
            "transaction_id": np.arange(first_id, first_id + rows, dtype=np.int64),
            "amount": amount,
            "hour": hour,
            "channel": channel,
            "merchant_category": category,
            "abroad": np.where(abroad, "yes", "no"),
            "account_age_days": account_days,
            "card_type": card,
            "device": device,
            "customer_age": customer_age,
            "distance_km": distance,
            "fraud": fraud,
        }
    ).astype({c: "string" for c in ("channel", "merchant_category", "abroad", "card_type", "device", "fraud")})


def write_cards(folder: Path, rows: int, random_state: int) -> int:
    """Write ``rows`` transactions as Parquet files of PARTITION_ROWS rows; returns the fraud rows."""
    folder.mkdir(parents=True, exist_ok=True)
    fraud = 0
    for index, start in enumerate(range(0, rows, PARTITION_ROWS)):
        part = card_partition(min(PARTITION_ROWS, rows - start), start, partition_seed(random_state, index))
        fraud += int((part["fraud"] == "fraud").sum())
        part.to_parquet(folder / f"part-{index:05d}.parquet", index=False)
    return fraud


class MemorySampler:
    """Peak resident memory of the client and of each worker process, per stage."""

    def __init__(self, worker_pids: dict[str, int]) -> None:
        self.processes = {"client": psutil.Process()} | {
            f"worker {i + 1}": psutil.Process(p) for i, p in enumerate(worker_pids.values())
        }
        self.peaks = dict.fromkeys(self.processes, 0)
        self.overall = dict.fromkeys(self.processes, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            for name, process in self.processes.items():
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                self.peaks[name] = max(self.peaks[name], rss)
                self.overall[name] = max(self.overall[name], rss)

    @contextmanager
    def stage(self, name: str, rows: int, records: list[dict]) -> Iterator[None]:
        self.peaks = dict.fromkeys(self.processes, 0)
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        records.append(
            {"stage": name, "rows": rows, "seconds": round(seconds, 1), "rows/s": int(rows / seconds)}
            | {f"{k} peak MiB": round(v / 2**20) for k, v in self.peaks.items()}
        )
        print(records[-1], flush=True)

    def stop(self) -> None:
        self._stop.set()


def _write_tables(folder: Path, rows: int, random_state: int) -> tuple[Path, Path]:
    train, holdout = folder / f"cards-{rows}", folder / f"cards-{rows}-holdout"
    if not train.exists():
        started = time.perf_counter()
        fraud = write_cards(train, rows, random_state)
        write_cards(holdout, min(rows // 5, 1_000_000), random_state + 1)
        print(f"wrote {rows:,} rows ({fraud / rows:.3%} fraud) in {time.perf_counter() - started:.0f} s", flush=True)
    return train, holdout


def _evaluate(
    sampler: MemorySampler, records: list[dict], name: str, table: PartitionedTable, real: PartitionedTable, share: float | None
) -> None:
    """Score one table with lightgbm.dask on the holdout: on what the workers hold, or on ``share`` of its rows."""
    rows = _rows(table)
    bound = int(share * rows) if share else min(rows, training_bound(len(table.frame.columns) - 2)[0] or rows)
    label = f"evaluate {name} ({'all' if bound >= rows else 'sample of'} {bound:,} rows)"
    with sampler.stage(label, rows, records):
        evaluation = evaluate_frame(table.frame, real.frame, column="fraud", positive="fraud", n_repeats=1, max_rows=bound)
    records[-1] |= {"trained on": bound} | {k: round(v["mean"], 4) for k, v in evaluation.report().items()}


def run_size(
    rows: int,
    folder: Path,
    methods: list[str],
    random_state: int,
    *,
    dashboard_port: int = 8641,
    evaluate: bool = True,
    share: float | None = None,
    reuse: bool = False,
) -> list[dict]:
    train, holdout = _write_tables(folder, rows, random_state)
    records: list[dict] = []
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, memory_limit=1.5 * GiB, dashboard_address=f":{dashboard_port}"
        ) as cluster,
        Client(cluster) as client,
    ):
        sampler = MemorySampler(client.run(os.getpid))
        source, real = open_table(train), open_table(holdout)
        tables = {"unbalanced": source}
        for method in methods:
            output = folder / f"cards-{rows}-{method}"
            if not (reuse and output.exists()):
                with sampler.stage(f"{method}: count, plan, sample, fit", rows, records):
                    result = rebalance_frame(
                        source.frame,
                        column="fraud",
                        shares={"fraud": SHARE},
                        method=method,
                        random_state=random_state,
                        files=source.files,
                    )
                with sampler.stage(f"{method}: generate {result.generated_rows:,} rows + write", rows, records):
                    write_folder(result.table, output)
            tables[method] = open_table(output)
        for name, table in tables.items() if evaluate else ():
            _evaluate(sampler, records, name, table, real, None)
            if share:
                _evaluate(sampler, records, name, table, real, share)
        sampler.stop()
        records.append(
            {"stage": "whole run (max)", "rows": rows} | {f"{k} peak MiB": round(v / 2**20) for k, v in sampler.overall.items()}
        )
    return records


def _rows(table: PartitionedTable) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in table.files)


def utility(folder: Path, rows: int, random_state: int, queue: multiprocessing.Queue) -> None:
    """In-memory path vs the sample-fitted generator, scored by the same in-memory evaluator (seed 1)."""
    from synth.assess.evaluate import evaluate
    from synth.rebalancing.run import rebalance

    def read(path: Path) -> pd.DataFrame:
        return pd.concat([pd.read_parquet(f) for f in sorted(path.glob("*.parquet"))], ignore_index=True)

    train, holdout = read(folder / f"cards-{rows}"), read(folder / f"cards-{rows}-holdout")
    started = time.perf_counter()
    in_memory = rebalance(train, column="fraud", shares={"fraud": SHARE}, method="synthetic", random_state=random_state).table
    fit_seconds = time.perf_counter() - started
    results = []
    for name, table in (
        ("unbalanced", train),
        ("synthetic, in memory (fitted on all rows)", in_memory),
        ("synthetic, distributed (fitted on the sample)", read(folder / f"cards-{rows}-synthetic")),
    ):
        report = evaluate(table, holdout, column="fraud", positive="fraud", n_repeats=1, exclude=["transaction_id"]).report()
        results.append({"training table": name, "rows": len(table)} | {f"{k} mean": v["mean"] for k, v in report.items()})
    results[1]["rebalance s"] = round(fit_seconds, 1)
    queue.put(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[3_000_000])
    parser.add_argument("--methods", nargs="+", default=["synthetic", "smote"])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/rebalance-bench"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--utility", action="store_true", help="also compare with the in-memory path (3M rows is the size used)")
    parser.add_argument("--dashboard-port", type=int, default=8641)
    parser.add_argument("--no-evaluate", action="store_true", help="rebalance only")
    parser.add_argument("--clean", action="store_true", help="delete each size's folders after its run")
    parser.add_argument("--sample-share", type=float, help="also evaluate each table on this share of its rows")
    parser.add_argument("--reuse", action="store_true", help="evaluate a method's existing output, do not rebalance again")
    args = parser.parse_args()
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
    for rows in args.rows:
        records = run_size(
            rows,
            args.folder,
            args.methods,
            args.seed,
            dashboard_port=args.dashboard_port,
            evaluate=not args.no_evaluate,
            share=args.sample_share,
            reuse=args.reuse,
        )
        print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
        save(pd.DataFrame(records), f"distributed-{rows}", floatfmt=".4f")
        if args.utility:
            context = multiprocessing.get_context("spawn")  # never fork a process that ran a cluster's threads
            queue = context.Queue()
            child = context.Process(target=utility, args=(args.folder, rows, args.seed, queue))
            child.start()
            results = queue.get()
            child.join()
            save(pd.DataFrame(results), f"distributed-utility-{rows}", floatfmt=".4f")
        if args.clean:
            for path in args.folder.glob(f"cards-{rows}*"):
                shutil.rmtree(path)


if __name__ == "__main__":
    main()
