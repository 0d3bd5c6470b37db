"""Fair synthetic data against the real table and MOSTLY AI's engine with its fairness option.

    python -m benchmarks.fairness [--datasets adult credit-default] [--bench-python PATH] [--seeds 3]
        [--strategies quantile top generated shift] [--dcr]

Each dataset is split 50/50 (stratified, seed 0; ``benchmarks.quality.halves``). Training half A
is made fair for each sensitive setting (Adult: sex, then sex and race; credit default: SEX, then
EDUCATION); the tutorial's LightGBM recipe trains on each table and decides at 0.5 on holdout half
B. Printed per table: demographic parity difference (fairlearn; over groups with at least 200
holdout rows), the largest Kolmogorov-Smirnov distance between two groups' score distributions,
AUC-ROC and its loss against the real half A, DCR share (mostlyai-qa with ``--dcr``, slow: about 10
minutes a table on a busy 2-core machine; the app's own measure always), exact copies, and seconds
(fit + generate). The engine's tables come from ``benchmarks.mostly_fair engine`` (run by the
interpreter that has it, ``--bench-python``); it is read from benchmarks/results when already made.
A multi-class check follows (credit default, outcome EDUCATION, sensitive SEX), and the design
record of the ways to set the outcome (``--strategies``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.common import RESULTS, save
from benchmarks.quality import halves
from synth.assess.privacy import exact_copy_share, privacy_report
from synth.data.kinds import detect_schema
from synth.fairness.fair import make_fair
from synth.fairness.measure import FairnessEvaluation, assess_fairness, outcome_rates

SETTINGS = {
    "adult": (">50K", [("sex",), ("sex", "race")]),
    "credit-default": ("1", [("SEX",), ("EDUCATION",)]),
}


def _bench(python: str, *args: str) -> str:
    """Run ``benchmarks.mostly_fair`` in the interpreter that has the engine and the ruler."""
    done = subprocess.run([python, "-m", "benchmarks.mostly_fair", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "mostly_fair failed")
    return done.stdout


def dcr_share(python: str, table: pd.DataFrame, name: str, a_path: Path, b_path: Path) -> float:
    path = RESULTS / f"fair-{name}.parquet"
    table.to_parquet(path)
    return float(json.loads(_bench(python, "dcr", str(path), str(a_path), str(b_path)).strip().splitlines()[-1])["dcr_share"])


def engine_table(python: str, dataset: str, column: str, sets: list[tuple[str, ...]], a_path: Path, minutes: float) -> dict:
    """The engine's fair table and seconds (fit + generate) per sensitive setting, made once."""
    prefix = RESULTS / f"fair-engine-{dataset}"
    if not Path(f"{prefix}.json").exists():
        _bench(python, "engine", str(a_path), "--column", column, "--sets", *[",".join(s) for s in sets],
               "--minutes", str(minutes), "--out", str(prefix))  # fmt: skip
    timings = json.loads(Path(f"{prefix}.json").read_text())
    out = {}
    for chosen in sets:
        table = pd.read_parquet(f"{prefix}-{'+'.join(chosen)}.parquet")
        out[chosen] = (table, timings["fit s"] + timings[f"generate s {','.join(chosen)}"], timings)
    return out


def figures(result: FairnessEvaluation, real_auc: float) -> dict[str, object]:
    s = result.summary()
    return {
        "parity difference": s["parity_difference_mean"],
        "±": s["parity_difference_std"],
        "groups counted": len(result.reliable),
        "max KS": s["ks_max"],
        "AUC-ROC": s["auc_roc_mean"],
        "AUC loss vs real": real_auc - s["auc_roc_mean"],
    }


def run_dataset(name: str, args: argparse.Namespace) -> tuple[list[dict], list[dict]]:
    a, b, column = halves(name, None)
    positive, sets = SETTINGS[name]
    a = a.astype({column: str})
    b = b.astype({column: str})
    a_path, b_path = RESULTS / f"fair-{name}-A.parquet", RESULTS / f"fair-{name}-B.parquet"
    a.to_parquet(a_path)
    b.to_parquet(b_path)
    features = detect_schema(a).modelled()
    engines = engine_table(args.bench_python, name, column, sets, a_path, args.engine_minutes) if args.engine else {}
    rows, design = [], []
    for sensitive in sets:
        tables, extra = {"real": a}, {}
        for strategy in args.strategies:
            started = time.perf_counter()
            fair = make_fair(a, column=column, sensitive=sensitive, random_state=0, strategy=strategy)
            tables[f"ours ({strategy})"] = fair.table
            extra[f"ours ({strategy})"] = {"fit+generate s": time.perf_counter() - started}
        if sensitive in engines:
            table, seconds, _ = engines[sensitive]
            tables["engine"] = table.astype({column: str})[list(a.columns)]
            extra["engine"] = {"fit+generate s": seconds}
        results = assess_fairness(
            tables,
            holdout=b,
            column=column,
            positive=positive,
            sensitive=sensitive,
            n_repeats=args.seeds,
            schema=detect_schema(b),
        )
        real_auc = results["real"].summary()["auc_roc_mean"]
        for table_name, result in results.items():
            row = {"dataset": name, "sensitive": " + ".join(sensitive), "table": table_name, **figures(result, real_auc)}
            row.update(extra.get(table_name, {}))
            if table_name != "real" and (table_name == "engine" or table_name == f"ours ({args.strategies[0]})"):
                row["exact copies"] = exact_copy_share(tables[table_name], a, features)
                row["DCR share (app)"] = privacy_report(
                    tables[table_name], a, b, schema=detect_schema(a), column=column
                ).dcr_share
                slug = f"{name}-{'+'.join(sensitive)}-{table_name.split()[0]}"
                tables[table_name].to_parquet(RESULTS / f"fair-{slug}.parquet")
                if args.dcr:
                    row["DCR share"] = dcr_share(args.bench_python, tables[table_name], slug, a_path, b_path)
            (design if table_name.startswith("ours (") and table_name != f"ours ({args.strategies[0]})" else rows).append(row)
            print(row, flush=True)
    return rows, design


def multiclass(args: argparse.Namespace) -> pd.DataFrame:
    """Credit default with EDUCATION as a multi-class outcome, SEX sensitive: every value's rate per group."""
    a, b, _ = halves("credit-default", None)
    a, b = a.astype({"EDUCATION": str}), b.astype({"EDUCATION": str})
    fair = make_fair(a, column="EDUCATION", sensitive=["SEX"], random_state=0)
    rows = []
    for value in ["1", "2", "3"]:
        real_rates = outcome_rates(a, "EDUCATION", ["SEX"])[f"share {value}"]
        fair_rates = outcome_rates(fair.table, "EDUCATION", ["SEX"])[f"share {value}"]
        judged = assess_fairness(
            {"real": a, "ours": fair.table}, holdout=b, column="EDUCATION", positive=value, sensitive=["SEX"], n_repeats=1
        )
        rows.append(
            {
                "EDUCATION value": value,
                "data: gap between SEX groups, real": real_rates.max() - real_rates.min(),
                "data: gap, fair": fair_rates.max() - fair_rates.min(),
                "model parity difference, real": judged["real"].summary()["parity_difference_mean"],
                "model parity difference, fair": judged["ours"].summary()["parity_difference_mean"],
                "AUC-ROC real / fair": f"{judged['real'].summary()['auc_roc_mean']:.3f} / {judged['ours'].summary()['auc_roc_mean']:.3f}",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--strategies", nargs="+", default=["quantile", "top", "generated", "shift"], help="the first is the chosen one"
    )
    parser.add_argument("--bench-python", default=sys.executable, help="interpreter with mostlyai-engine and mostlyai-qa")
    parser.add_argument("--engine-minutes", type=float, default=5.0, help="the engine's max_training_time")
    parser.add_argument("--no-engine", dest="engine", action="store_false")
    parser.add_argument("--dcr", action="store_true", help="also the ruler's DCR share (mostlyai-qa), slow")
    parser.add_argument("--no-multiclass", dest="multiclass", action="store_false")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows, design = [], []
    for name in args.datasets:
        found, tried = run_dataset(name, args)
        rows += found
        design += tried
    save(pd.DataFrame(rows), "fairness")
    if design:
        print()
        save(pd.DataFrame(design), "fairness-design")
    if args.multiclass:
        print()
        save(multiclass(args), "fairness-multiclass")


if __name__ == "__main__":
    main()
