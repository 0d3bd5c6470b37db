"""The walk benchmark's yardsticks outside the browser: the library alone and ``python -m synth report``.

The unavoidable work is what any front end must do: rebalance the table (``rebalance_all``) and fit
the classifier on every training table (``evaluate_all``), timed in a fresh process.
"""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT
from benchmarks.walk_load import Upload, load

LIBRARY_REBALANCE = "library alone: rebalance_all"
LIBRARY_EVALUATE = "library alone: evaluate_all"


def time_cli_report(upload: Upload, methods: list[str], n_repeats: int) -> tuple[float, float]:
    """``python -m synth report`` on the same file: wall seconds and peak RSS in MB (/usr/bin/time -v)."""
    output = Path(tempfile.mkdtemp(prefix="walk-report-")) / "report.html"
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "synth", "report", str(upload.path), "--column", upload.target]
    command += ["--share", f"{upload.positive}=0.5", "--methods", *methods, "--seeds", str(n_repeats), "--output", str(output)]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"python -m synth report failed: {done.stderr[-2000:]}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return seconds, peak_kb / 1024


def _unavoidable(upload: Upload, methods: list[str], n_repeats: int, queue: multiprocessing.Queue) -> None:
    import synth
    from synth.data.holdout import choose_holdout
    from synth.study import training_tables

    table = synth.read_table(upload.path)
    schema = synth.detect_schema(table)
    split = choose_holdout(table, upload.target)
    plan = synth.make_plan(split.train[upload.target], {upload.positive: 0.5})
    started = time.perf_counter()
    outputs = synth.rebalance_all(split.train, plan=plan, schema=schema, methods=methods)
    rebalanced, loads = time.perf_counter(), [load()]
    tables = training_tables(outputs, split)
    synth.evaluate_all(
        tables, holdout=split.holdout, column=upload.target, positive=upload.positive, n_repeats=n_repeats, schema=schema
    )
    fitted = time.perf_counter()
    per_method = {name: result.seconds for name, result in outputs.results.items()}
    queue.put((rebalanced - started, fitted - rebalanced, per_method, len(tables), dict(outputs.notes), [*loads, load()]))


def unavoidable_work(upload: Upload, methods: list[str], n_repeats: int) -> tuple:
    """The library alone, in a fresh process: rebalancing seconds, fitting seconds, per-method seconds, ..., loads."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_unavoidable, args=(upload, methods, n_repeats, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def measure_unavoidable(upload: Upload, methods: list[str], n_repeats: int) -> tuple:
    work = unavoidable_work(upload, methods, n_repeats)
    print(f"library alone: {work[0]:.1f} s rebalancing + {work[1]:.1f} s fitting (load {work[5]})", flush=True)
    return work


def library_rows(work: tuple, n_repeats: int) -> list[dict]:
    """The library-alone figures as steps, so a loaded run lines up with the quiet one."""
    methods = ", ".join(f"{m} {s:.1f} s" for m, s in work[2].items())
    return [
        {"step": LIBRARY_REBALANCE, "seconds": work[0], "load": work[5][0], "note": methods},
        {"step": LIBRARY_EVALUATE, "seconds": work[1], "load": work[5][1], "note": f"{work[3]} tables x {n_repeats} seeds"},
    ]
