"""Fairness of a training table, seen two ways: its outcome rate per sensitive group, and the
decisions of a LightGBM model trained on it (the tutorial recipe) on the real holdout.

Demographic parity difference is fairlearn's: the largest minus the smallest selection rate
(share of rows the model classes as positive at threshold 0.5) over the groups. Groups are the
combinations of the sensitive columns' values; a missing value is a group of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, demographic_parity_difference, selection_rate
from scipy.stats import ks_2samp

from synth.assess.evaluate import Evaluation, evaluate_all, scorable
from synth.progress import Progress
from synth.schema import Schema

MISSING_GROUP = "(missing)"
# Groups with fewer holdout rows than this are shown, but left out of the parity difference and the
# KS distance: a model's selection rate in 100 rows varies by about 0.04 by chance alone.
RELIABLE_GROUP_ROWS = 200
DEFINITION = (
    "Selection rate: the share of a group's real holdout rows that the model classes as positive (probability "
    ">= 0.5). Demographic parity difference (fairlearn): the largest minus the smallest selection rate over the "
    "groups; 0 means every group is selected at the same rate."
)


SEPARATOR = " · "


def _shown(value: object) -> str:
    """A group's value as people read it; quoted when it could be mistaken for a missing value or a join."""
    if pd.isna(value):
        return MISSING_GROUP
    text = str(value)
    ambiguous = text == MISSING_GROUP or SEPARATOR.strip() in text or text[:1] in ("'", '"')
    return repr(text) if ambiguous else text


def group_labels(table: pd.DataFrame, sensitive: Sequence[str]) -> pd.Series:
    """Each row's group, one label per distinct tuple of its sensitive values (a missing value read as '(missing)').

    Rows are grouped by their values, not by the label: a real '(missing)' value, or values that
    contain the separator, get a quoted label of their own, and any two groups that would still read
    alike are numbered, so two groups never merge.
    """
    keys = table[list(sensitive)].reset_index(drop=True)
    group = keys.groupby(list(sensitive), dropna=False, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(keys))).groupby(group).first()
    names = {g: SEPARATOR.join(_shown(v) for v in keys.iloc[row]) for g, row in first.items()}
    seen: dict[str, int] = {}
    for g, name in names.items():
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[g] = f"{name} [{seen[name]}]"
    return pd.Series([names[g] for g in group], index=table.index, dtype="string", name="group")


def outcome_rates(table: pd.DataFrame, column: str, sensitive: Sequence[str]) -> pd.DataFrame:
    """Rows and the share of every outcome value per group (one row per group, largest group first)."""
    groups = group_labels(table, sensitive)
    outcome = table[column].astype("string")
    shares = pd.crosstab(groups, outcome, normalize="index")
    frame = shares.rename(columns=lambda v: f"share {v}")
    frame.insert(0, "rows", groups.value_counts())
    frame.columns.name = None
    return frame.sort_values("rows", ascending=False)


@dataclass(frozen=True)
class FairnessEvaluation:
    """One training table's model: holdout scores, and its decisions per sensitive group."""

    evaluation: Evaluation
    groups: np.ndarray = field(repr=False)  # each holdout row's group
    reliable: tuple[str, ...]  # groups counted in the parity difference and KS distance
    selection: pd.DataFrame  # per group: holdout rows, selection rate mean and std over seeds
    parity: tuple[float, ...]  # demographic parity difference per seed
    ks: float  # largest Kolmogorov-Smirnov distance between two groups' score distributions

    @property
    def name(self) -> str:
        return self.evaluation.name

    def summary(self) -> dict[str, float]:
        return {
            **self.evaluation.summary(),
            "parity_difference_mean": float(np.mean(self.parity)),
            "parity_difference_std": float(np.std(self.parity)),
            "ks_max": self.ks,
        }


def reliable_groups(groups: np.ndarray, min_rows: int = RELIABLE_GROUP_ROWS) -> tuple[str, ...]:
    """Groups with at least ``min_rows`` rows, or every group when fewer than two have that many."""
    names, counts = np.unique(groups, return_counts=True)
    kept = tuple(str(n) for n, c in zip(names, counts, strict=True) if c >= min_rows)
    return kept if len(kept) >= 2 else tuple(str(n) for n in names)


def _largest_ks(scores: np.ndarray, groups: np.ndarray, reliable: Sequence[str]) -> float:
    per_group = [scores[groups == g] for g in reliable]
    distances = [ks_2samp(a, b).statistic for i, a in enumerate(per_group) for b in per_group[i + 1 :]]
    return float(max(distances, default=0.0))


def judge(evaluation: Evaluation, groups: np.ndarray, min_rows: int = RELIABLE_GROUP_ROWS) -> FairnessEvaluation:
    """Selection rate per group (fairlearn's MetricFrame) and parity difference for each seed's decisions."""
    reliable = reliable_groups(groups, min_rows)
    counted = np.isin(groups, reliable)
    rates, parity = [], []
    for run in evaluation.runs:
        decisions = (run.probabilities >= 0.5).astype(int)
        frame = MetricFrame(metrics=selection_rate, y_true=evaluation.truth, y_pred=decisions, sensitive_features=groups)
        rates.append(frame.by_group)
        parity.append(
            float(
                demographic_parity_difference(evaluation.truth[counted], decisions[counted], sensitive_features=groups[counted])
            )
        )
    by_group = pd.concat(rates, axis=1)
    selection = pd.DataFrame(
        {
            "holdout rows": pd.Series(groups).value_counts(),
            "selection rate": by_group.mean(axis=1),
            "± (seeds)": by_group.std(axis=1, ddof=0),
        }
    ).sort_values("holdout rows", ascending=False)
    selection.index.name = "group"
    ks = _largest_ks(evaluation.mean_probabilities(), groups, reliable)
    return FairnessEvaluation(evaluation, groups, reliable, selection, tuple(parity), ks)


def assess_fairness(
    tables: Mapping[str, pd.DataFrame],
    *,
    holdout: pd.DataFrame,
    column: str,
    positive: str,
    sensitive: Sequence[str],
    n_repeats: int = 3,
    schema: Schema | None = None,
    min_group_rows: int = RELIABLE_GROUP_ROWS,
    progress: Progress | None = None,
    on_result: Callable[[str, FairnessEvaluation], None] | None = None,
) -> dict[str, FairnessEvaluation]:
    """Every named training table scored on the real holdout (``evaluate_all``), its decisions judged per group."""
    groups = group_labels(scorable(holdout, column), sensitive).to_numpy(dtype=object)
    results: dict[str, FairnessEvaluation] = {}

    def judged(name: str, evaluation: Evaluation) -> None:
        results[name] = judge(evaluation, groups, min_group_rows)
        if on_result is not None:
            on_result(name, results[name])

    evaluate_all(
        tables,
        holdout=holdout,
        column=column,
        positive=positive,
        n_repeats=n_repeats,
        schema=schema,
        progress=progress,
        on_result=judged,
    )
    return {name: results[name] for name in tables}


def fairness_frame(results: Mapping[str, FairnessEvaluation]) -> pd.DataFrame:
    """One row per training table: parity difference, KS distance and the holdout metrics."""
    rows = []
    for name, result in results.items():
        s = result.summary()
        rows.append(
            {
                "training data": name,
                "parity difference": f"{s['parity_difference_mean']:.3f} ± {s['parity_difference_std']:.3f}",
                "groups in the gap": f"{len(result.reliable)} of {len(result.selection)}",
                "largest KS between groups": round(s["ks_max"], 3),
                "AUC-ROC": f"{s['auc_roc_mean']:.3f} ± {s['auc_roc_std']:.3f}",
                "AUC-PR": f"{s['auc_pr_mean']:.3f} ± {s['auc_pr_std']:.3f}",
                "F1 (macro)": f"{s['f1_macro_mean']:.3f} ± {s['f1_macro_std']:.3f}",
            }
        )
    return pd.DataFrame(rows)


def selection_frame(results: Mapping[str, FairnessEvaluation]) -> pd.DataFrame:
    """Selection rate per group (rows) for each training table (columns), after its holdout rows and whether
    the gap counts it (``IN_GAP``)."""
    frame = pd.DataFrame({name: r.selection["selection rate"] for name, r in results.items()})
    first = next(iter(results.values()))
    frame.insert(0, "holdout rows", first.selection["holdout rows"])
    return mark_gap(frame, first).sort_values("holdout rows", ascending=False)


IN_GAP = "in the gap"
TABLE_COLUMNS_AFTER = 2  # selection_frame's columns before the training tables': holdout rows, IN_GAP


def left_out_groups(result: FairnessEvaluation) -> dict[str, int]:
    """Groups shown but left out of the gap and the KS distance, with their holdout rows (largest first)."""
    rows = result.selection["holdout rows"]
    return {str(g): int(n) for g, n in rows.items() if str(g) not in result.reliable}


def mark_gap(frame: pd.DataFrame, result: FairnessEvaluation) -> pd.DataFrame:
    """``frame`` (one row per group) with a column saying whether the gap counts the group, and if not why."""
    rows = result.selection["holdout rows"]
    marks = [
        "yes" if str(g) in result.reliable else f"no: {int(rows.get(g, 0)):,} holdout rows (< {RELIABLE_GROUP_ROWS})"
        for g in frame.index
    ]
    at = 1 if "holdout rows" in frame.columns or "rows" in frame.columns else 0
    marked = frame.copy()
    marked.insert(at, IN_GAP, marks)
    return marked


def gap_note(result: FairnessEvaluation) -> str:
    """One line naming the groups left out of the gap with their counts ('' when every group counts)."""
    left = left_out_groups(result)
    if not left:
        return ""
    named = ", ".join(f"{g} ({n:,})" for g, n in list(left.items())[:8]) + (", …" if len(left) > 8 else "")
    return (
        f"{len(left)} of {len(result.selection)} groups have fewer than {RELIABLE_GROUP_ROWS} holdout rows and are left out "
        f"of the gap and the KS distance (chance moves their rates more); they are still shown, marked: {named}."
    )


# Below this parity difference the real rows' decisions already treat the groups alike.
ALIKE = 0.02


def tradeoff(before: FairnessEvaluation, after: FairnessEvaluation) -> str:
    """The trade-off in plain words: how much the gap in decisions moved, between which groups, and what
    AUC-ROC and AUC-PR it cost."""
    a, b = before.summary(), after.summary()
    gap_before, gap_after = a["parity_difference_mean"], b["parity_difference_mean"]
    if gap_before < ALIKE:
        gap = f"Decisions already treat the groups alike with the {before.name} (gap {gap_before:.2f}); with the {after.name} the gap is {gap_after:.2f}"
    else:
        gap = f"The gap in decisions between groups goes from {gap_before:.2f} ({before.name}) to {gap_after:.2f} ({after.name})"
    left = left_out_groups(before)
    if left:
        gap += (
            f", measured over the {len(before.reliable)} groups with at least {RELIABLE_GROUP_ROWS} holdout rows "
            f"({len(left)} smaller group{'s' if len(left) > 1 else ''}, {sum(left.values()):,} rows, left out)"
        )
    return f"{gap}; {_cost(a, b, 'auc_roc', 'AUC-ROC')}, {_cost(a, b, 'auc_pr', 'AUC-PR')}."


def _cost(a: Mapping[str, float], b: Mapping[str, float], key: str, metric: str) -> str:
    """'AUC-PR 0.835 -> 0.766 (cost 0.069)'."""
    before, after = a[f"{key}_mean"], b[f"{key}_mean"]
    return f"{metric} {before:.3f} -> {after:.3f} ({'cost' if before > after else 'gain'} {abs(before - after):.3f})"


def outcome_rates_by_table(tables: Mapping[str, pd.DataFrame], column: str, sensitive: Sequence[str], value: str) -> pd.DataFrame:
    """The share of ``value`` of the outcome per group (rows) in each named table (columns)."""
    first = next(iter(tables.values()))
    frame = pd.DataFrame({"rows": outcome_rates(first, column, sensitive)["rows"]})
    for name, table in tables.items():
        rates = outcome_rates(table, column, sensitive)
        frame[name] = rates.get(f"share {value}", 0.0)
    return frame.fillna(0.0).sort_values("rows", ascending=False)


# Below this largest KS distance the groups' score distributions nearly coincide: any threshold treats them alike.
FAIR_KS = 0.1


def score_caption(result: FairnessEvaluation, fair_name: str) -> str:
    """What one model's score chart shows; only the fair table's is said to make any threshold fair."""
    if result.name == fair_name and result.ks < FAIR_KS:
        return f"Trained on the fair table: the groups' scores nearly coincide (largest KS {result.ks:.2f}), so any threshold is fair."
    return f"Largest KS distance between two groups' scores: {result.ks:.2f}; a threshold selects the groups at different rates."
