"""The leakage check on tables with and without a real leak: each candidate's AUC alone, the model's AUC with
every column and without it, the flag, and the check's time.

    python -m benchmarks.leakage bank-like.csv:y:yes census-like.csv:income:50000+. \
        ../shared/datasets/adult/adult_train.csv:income:>50K
"""

from __future__ import annotations

import sys
import time

from synth.assess.leakage import leak_check
from synth.data.io import read_table
from synth.data.kinds import detect_schema


def main(specs: list[str]) -> None:
    for spec in specs:
        path, column, positive = spec.split(":", 2)
        table = read_table(path)
        schema = detect_schema(table)
        start = time.perf_counter()
        check = leak_check(table, column=column, positive=positive, schema=schema)
        seconds = time.perf_counter() - start
        print(f"\n{path}: {len(table):,} rows x {table.shape[1]}, AUC-ROC with every column {check.auc_all:.3f}, {seconds:.1f} s")
        print(check.power.head(5).to_string(index=False, float_format="{:.3f}".format))


if __name__ == "__main__":
    main(sys.argv[1:])
