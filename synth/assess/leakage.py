"""Leakage check: tell a column known only after the outcome from a merely strong predictor.

A column known only after the outcome (a call's duration, a refund date) flatters every model
trained with it. Being strong alone is no evidence: a census table's education predicts income
about as well alone. What gives a leak away is that it lifts the model far beyond what every other
column reaches together, so ``leak_check`` compares a model with each strong column to one without.

``column_power`` ranks the candidates: each column is cut into groups (categories, or deciles of
numbers) and every row gets its group's positive rate learned on the other half of the rows, so a
column with many distinct values cannot score by memorising them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from synth.assess.evaluate import RECIPE, lightgbm_names, model_frame
from synth.assess.groups import Buckets
from synth.encoding import median_filled
from synth.lightgbm_calls import lightgbm_predict, lightgbm_train
from synth.schema import ColumnKind, Schema
from synth.table import as_numbers


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
    """Every modelled feature's AUC on its own, strongest first (strong alone is no sign of a leak: ``leak_check``)."""
    target = (table[column].astype("string") == positive).fillna(False).to_numpy(dtype=int)
    if target.min() == target.max():
        return pd.DataFrame({"column": pd.Series(dtype=object), "AUC alone": pd.Series(dtype=float)})
    features = [c for c in table.columns if c != column and c not in schema.unmodelled()]
    scores = {}
    for name in features:
        kind = schema.kind(name)
        grouped = single_column_auc(table[name], target, kind)
        scores[name] = grouped if kind is ColumnKind.CATEGORICAL else max(grouped, numeric_auc(table[name], target))
    frame = pd.DataFrame({"column": list(scores), "AUC alone": list(scores.values())})
    frame = frame.sort_values("AUC alone", ascending=False, ignore_index=True)
    return frame


# A column is a suspected leak when the model with it beats the model with every other column but
# it by this much AUC-ROC: what it knows, nothing else in the table comes close to. docs/leakage.md
# measures the rule: bank-like `duration` lifts 0.79 to 0.93; census and Adult's strongest honest
# columns lift by 0.01 or less, because their neighbours carry most of the same signal.
LEAK_LIFT = 0.05
# The columns strongest alone are the candidates: a column weak alone rarely lifts a model by 0.05.
CANDIDATES = 3
# Rows the with/without models learn from (a sample of larger tables): enough for the lift, fast on 100k rows.
MAX_ROWS = 20_000
# Below this many rows of the rarer class, two half-table models' AUCs move by more than a leak's lift.
MIN_CLASS_ROWS = 50
# Below this AUC-ROC the other columns together carry almost no signal: a column's lift over them then tells a
# leak from the table's only predictor no better than its strength alone does, so nothing is suspected.
MIN_OTHERS_AUC = 0.6
ROUNDS = 100
LEAK = "suspected leak"
STRONGEST = "strongest predictor"


@dataclass(frozen=True)
class LeakCheck:
    """Each column's power alone, and for the strongest ones the model's AUC with and without it."""

    power: pd.DataFrame  # column, AUC alone, AUC without it, flag (strongest first)
    auc_all: float  # the model with every column (nan when the check could not train one)
    notes: tuple[str, ...] = ()  # why no column could be tested

    @property
    def suspected(self) -> list[str]:
        """Columns that lift the model far beyond what the others reach together."""
        return self.power.loc[self.power["flag"].str.startswith(LEAK), "column"].tolist()

    def reason(self, name: str) -> str:
        """Why ``name`` is suspected, in one line with the figures."""
        row = self.power.set_index("column").loc[name]
        return f"{LEAK}: the model reaches AUC-ROC {self.auc_all:.2f} with it and {row['AUC without it']:.2f} without it"

    @property
    def reasons(self) -> dict[str, str]:
        """Each suspected column and why, for the verdict's caveat and the report."""
        return {name: self.reason(name) for name in self.suspected}


def _out_of_fold_auc(features: pd.DataFrame, target: np.ndarray, folds: np.ndarray, random_state: int) -> float:
    """AUC-ROC of LightGBM predictions made for each half by a model trained on the other half."""
    scores = np.zeros(len(target))
    params = {**RECIPE, "seed": random_state, "deterministic": True, "learning_rate": 0.1}
    for fold in (0, 1):
        learn = folds != fold
        booster = lightgbm_train(params, lgb.Dataset(features[learn], label=target[learn]), num_boost_round=ROUNDS)
        scores[~learn] = lightgbm_predict(booster, features[~learn])
    return float(roc_auc_score(target, scores))


def leak_check(
    table: pd.DataFrame,
    *,
    column: str,
    positive: str,
    schema: Schema,
    candidates: int = CANDIDATES,
    max_rows: int = MAX_ROWS,
    random_state: int = 0,
) -> LeakCheck:
    """``column_power``, then a model with every column against one without each of the ``candidates`` strongest.

    A column that lifts the model by at least ``LEAK_LIFT`` AUC-ROC is a suspected leak (known only after
    the outcome?); the strongest column that does not is named the strongest predictor, without suspicion.
    """
    power = column_power(table, column=column, positive=positive, schema=schema)
    power["AUC without it"] = np.nan
    power["flag"] = ""
    if power.empty or len(power) < 2:
        return LeakCheck(power, float("nan"))
    rng = np.random.default_rng(random_state)
    rows = table if len(table) <= max_rows else table.iloc[np.sort(rng.choice(len(table), max_rows, replace=False))]
    target = (rows[column].astype("string") == positive).fillna(False).to_numpy(dtype=int)
    if (rare := int(min(target.sum(), len(target) - target.sum()))) < MIN_CLASS_ROWS:
        note = f"Only {rare:,} rows of the rarer class: too few to tell a leak from a strong predictor (at least {MIN_CLASS_ROWS} are needed)."
        return LeakCheck(power, float("nan"), (note,))
    features = lightgbm_names(model_frame(rows[power["column"].tolist()]))
    names = dict(zip(power["column"], features.columns, strict=True))
    folds = rng.permutation(len(rows)) % 2
    everything = _out_of_fold_auc(features, target, folds, random_state)
    for i in power.index[:candidates]:
        without = _out_of_fold_auc(features.drop(columns=names[power.at[i, "column"]]), target, folds, random_state)
        power.at[i, "AUC without it"] = without
        lift = everything - without
        if lift >= LEAK_LIFT and without >= MIN_OTHERS_AUC:
            power.at[i, "flag"] = (
                f"{LEAK}: AUC-ROC {everything:.2f} with it, {without:.2f} without (known only after the outcome?)"
            )
    honest = power.index[power["flag"] == ""]
    notes = ()
    if len(honest) and not pd.isna(others := power.at[honest[0], "AUC without it"]):
        power.at[honest[0], "flag"] = f"{STRONGEST}: the others together still reach {others:.2f}"
        if others < MIN_OTHERS_AUC and everything - others >= LEAK_LIFT:
            notes = (
                f"The other columns together reach only AUC-ROC {others:.2f}, so the check cannot tell whether "
                f"{power.at[honest[0], 'column']} is a leak or the table's only predictor: judge whether it is known before the outcome.",
            )
    return LeakCheck(power, everything, notes)


def leak_caveat(suspected: Mapping[str, str], left_out: Sequence[str]) -> str:
    """The caveat a verdict carries when the models used a suspected leak ('' when none was used).

    ``suspected``: each suspected column and why (``LeakCheck.reasons``); ``left_out``: the columns the models left out.
    """
    used = [name for name in suspected if name not in left_out]
    if not used:
        return ""
    why = "; ".join(f"{name}: {suspected[name]}" for name in used)
    return (
        f"This verdict rests on a suspected leak: the models use {', '.join(used)} ({why}). A column known only after "
        "the outcome flatters every model and is missing when deciding; leave it out to judge the methods fairly."
    )
