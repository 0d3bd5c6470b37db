"""The CLI's numeric-target parts: the rebalance summary per range and ``synth evaluate`` with a regressor."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from synth.assess.regression import evaluate_regression
from synth.errors import ParameterError
from synth.rebalancing.run import Rebalanced


def ranges_text(result: Rebalanced) -> str:
    """Rows per range after rebalancing, as people read them: "'<2220' 2,851, '2220+' 713"."""
    return ", ".join(f"{label!r} {n:,}" for label, n in result.plan.target.items())


def evaluate_numeric(args: argparse.Namespace, train: pd.DataFrame, holdout: pd.DataFrame, ignored: list[str]) -> None:
    """Score a numeric column with a regressor and print the same JSON shape as a class column: header then figures."""
    if args.sensitive:
        raise ParameterError("sensitive", "parity figures need a class column; a numeric column has none.")
    result = evaluate_regression(
        train,
        holdout,
        column=args.column,
        ranges=args.ranges,
        n_repeats=args.repeats,
        exclude=ignored,
        model=args.model,
    )
    header: dict[str, object] = {
        "train_rows": len(train),
        "holdout_rows": len(holdout),
        "repeats": args.repeats,
        "model": args.model,
        "ignored_columns": ignored,
    }
    for note in result.notes:
        header.setdefault("warnings", []).append(note)  # type: ignore[union-attr]
        print(f"warning: {note}", file=sys.stderr)
    print(json.dumps({**header, **result.report()}, indent=2))
