"""An advisor in plain words: which training table won on which metric, by how much against the
run-to-run spread, and what that means for the user's decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from synth.assess.evaluate import Evaluation

METRICS = {"auc_roc": "AUC-ROC", "auc_pr": "AUC-PR", "f1_macro": "F1 (macro)"}
# A lead counts when it exceeds this many run-to-run standard deviations (and a small absolute floor).
SPREADS = 2.0
MIN_LEAD = 0.005


@dataclass(frozen=True)
class MetricVerdict:
    metric: str
    winner: str
    runner_up: str
    lead: float
    spread: float

    @property
    def clear(self) -> bool:
        """Whether the lead stands out from the seed-to-seed variation."""
        return self.lead >= MIN_LEAD and self.lead > SPREADS * self.spread

    def sentence(self) -> str:
        strength = "clearly ahead" if self.clear else "ahead, but within the run-to-run spread"
        return (
            f"{self.metric}: {self.winner} leads {self.runner_up} by {self.lead:.3f} "
            f"(runs vary by ±{self.spread:.3f}), {strength}."
        )


def verdicts(evaluations: Mapping[str, Evaluation]) -> list[MetricVerdict]:
    """The best and second-best table for every metric, with the lead and the larger of their spreads."""
    if len(evaluations) < 2:
        return []
    summaries = {name: e.summary() for name, e in evaluations.items()}
    out = []
    for key, metric in METRICS.items():
        ranked = sorted(summaries, key=lambda n: summaries[n][f"{key}_mean"], reverse=True)
        first, second = ranked[0], ranked[1]
        lead = summaries[first][f"{key}_mean"] - summaries[second][f"{key}_mean"]
        spread = max(summaries[first][f"{key}_std"], summaries[second][f"{key}_std"])
        out.append(MetricVerdict(metric, first, second, lead, spread))
    return out


def best_per_metric(evaluations: Mapping[str, Evaluation]) -> dict[str, str]:
    """The winning table's name for each metric's column label (for highlighting)."""
    return {v.metric: v.winner for v in verdicts(evaluations)}


def advice(evaluations: Mapping[str, Evaluation], untouched: str) -> list[str]:
    """A recommendation and the per-metric verdicts behind it, in plain sentences."""
    found = verdicts(evaluations)
    if not found:
        return []
    wins: dict[str, int] = {}
    for verdict in found:
        wins[verdict.winner] = wins.get(verdict.winner, 0) + 1
    leader = max(wins, key=wins.__getitem__)
    ranking = next(v for v in found if v.metric == "AUC-PR")
    if leader == untouched:
        headline = (
            "Recommendation: train on the real rows as they are. No rebalanced table beat the untouched data here; "
            "upsampling adds rows but no information this model lacks."
        )
    elif all(v.winner == leader and v.clear for v in found):
        headline = f"Recommendation: train on the {leader} output. It wins on every metric by more than runs vary."
    elif ranking.winner == leader and ranking.clear:
        headline = (
            f"Recommendation: train on the {leader} output. It finds the rare class best (AUC-PR), "
            "the metric that matters most when positives are rare."
        )
    else:
        headline = (
            f"{leader} wins most metrics, but not by more than runs vary: the methods are close here. "
            "Prefer the simplest, or add seeds to separate them."
        )
    return [headline, *(v.sentence() for v in found)]
