"""Each column's power to predict the class on its own, to catch leakage before a model trains.

A column known only after the outcome (a call's duration, a refund date) scores far above the
rest on its own and flatters every model trained with it. Each column is cut into groups
(categories, or deciles of numbers) and every row gets its group's positive rate learned on the
other half of the rows, so a column with many distinct values cannot score by memorising them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from synth.assess.groups import Buckets
from synth.encoding import median_filled
from synth.schema import ColumnKind, Schema
from synth.table import as_numbers

# A column scoring at least this AUC alone, or this far above every other column, is flagged.
SUSPICIOUS_AUC = 0.8
STANDS_OUT_BY = 0.1


def single_column_auc(values: pd.Series, target: np.ndarray, kind, random_state: int = 0) -> float:
    """AUC-ROC of one column's out-of-half group rates against ``target`` (0.5: no signal)."""
    groups = Buckets(values, kind, top=50)(values.reset_index(drop=True)).to_numpy()
    half = np.random.default_rng(random_state).random(len(target)) < 0.5
    lift = np.zeros(len(target))
    for learn, score in ((half, ~half), (~half, half)):
        prior = target[learn].mean()
        learned = pd.Series(target[learn]).groupby(groups[learn]).agg(["sum", "count"])
        smoothed = (learned["sum"] + 10 * prior) / (learned["count"] + 10)
        # relative to the learning half's own rate: a half's base rate must not rank the other half's rows
        lift[score] = pd.Series(groups[score]).map(smoothed - prior).fillna(0.0).to_numpy()
    return float(roc_auc_score(target, lift))


def numeric_auc(values: pd.Series, target: np.ndarray) -> float:
    """AUC-ROC of a number itself, in whichever direction it ranks (missing values in the middle)."""
    ranked = median_filled(as_numbers(values))
    auc = float(roc_auc_score(target, ranked))
    return max(auc, 1.0 - auc)


def column_power(table: pd.DataFrame, *, column: str, positive: str, schema: Schema) -> pd.DataFrame:
    """Every modelled feature's AUC on its own, strongest first, with a flag on the ones that stand out."""
    target = (table[column].astype("string") == positive).fillna(False).to_numpy(dtype=int)
    if target.min() == target.max():
        return pd.DataFrame(columns=["column", "AUC alone", "flag"])
    features = [c for c in table.columns if c != column and c not in schema.unmodelled()]
    scores = {}
    for name in features:
        kind = schema.kind(name)
        grouped = single_column_auc(table[name], target, kind)
        scores[name] = grouped if kind is ColumnKind.CATEGORICAL else max(grouped, numeric_auc(table[name], target))
    frame = pd.DataFrame({"column": list(scores), "AUC alone": list(scores.values())})
    frame = frame.sort_values("AUC alone", ascending=False, ignore_index=True)
    runner_up = frame["AUC alone"].shift(-1).fillna(0.5)
    frame["flag"] = np.where(
        frame["AUC alone"] >= SUSPICIOUS_AUC,
        "predicts the class almost alone: known only after the outcome?",
        np.where(frame["AUC alone"] - runner_up >= STANDS_OUT_BY, "stands out from every other column", ""),
    )
    return frame
