"""An advisor in plain words: which training table won on which metric, and whether the lead
stands out from the noise of both the training runs and the holdout rows. Ties are called ties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from synth.assess.evaluate import MIN_HOLDOUT_ROWS, Evaluation, interval, shared_bootstrap

METRICS = {"auc_roc": "AUC-ROC", "auc_pr": "AUC-PR", "f1_macro": "F1 (macro)"}
# A lead counts when it exceeds this many standard errors (runs and holdout rows together) and a floor.
SPREADS = 2.0
MIN_LEAD = 0.005


@dataclass(frozen=True)
class MetricVerdict:
    metric: str
    winner: str
    runner_up: str
    lead: float
    spread: float  # standard error of the lead: seed-to-seed runs and holdout rows together
    decidable: bool = True  # False when the holdout holds too few rows of a class to judge

    @property
    def clear(self) -> bool:
        """Whether the lead stands out from the noise; anything less is a tie."""
        return self.decidable and self.lead >= MIN_LEAD and self.lead > SPREADS * self.spread

    def sentence(self) -> str:
        if not self.decidable:
            return f"{self.metric}: {self.winner} scores highest, {self.runner_up} next ({self.lead:.3f} apart); too few holdout rows to call it."
        if self.clear:
            return (
                f"{self.metric}: {self.winner} leads {self.runner_up} by {self.lead:.3f} "
                f"(noise of runs and holdout rows ±{self.spread:.3f}), clearly ahead."
            )
        return f"{self.metric}: {self.winner} and {self.runner_up} tie ({self.lead:.3f} apart, {self.why_tie})."

    @property
    def why_tie(self) -> str:
        """The figure that made the lead a tie: the floor a lead must reach, or twice the noise."""
        if self.lead < MIN_LEAD:
            return f"below the {MIN_LEAD} a lead must reach to count; the noise of runs and holdout rows is ±{self.spread:.3f}"
        return f"within twice the noise of runs and holdout rows: {SPREADS:g} × ±{self.spread:.3f} = {SPREADS * self.spread:.3f}"


def holdout_rows(evaluations: Mapping[str, Evaluation]) -> int:
    """Rows of the rarer class in the holdout the tables were scored on."""
    truth = next(iter(evaluations.values())).truth
    return int(min(truth.sum(), len(truth) - truth.sum()))


def verdicts(
    evaluations: Mapping[str, Evaluation], resampled: Mapping[str, dict[str, np.ndarray]] | None = None
) -> list[MetricVerdict]:
    """The best and second-best table for every metric, with the lead and its standard error.

    ``resampled``: the tables' ``shared_bootstrap``, when already drawn (the metrics table uses it too).
    """
    if len(evaluations) < 2:
        return []
    summaries = {name: e.summary() for name, e in evaluations.items()}
    resampled = shared_bootstrap(evaluations) if resampled is None else resampled
    decidable = holdout_rows(evaluations) >= MIN_HOLDOUT_ROWS
    out = []
    for key, metric in METRICS.items():
        ranked = sorted(summaries, key=lambda n: summaries[n][f"{key}_mean"], reverse=True)
        first, second = ranked[0], ranked[1]
        lead = summaries[first][f"{key}_mean"] - summaries[second][f"{key}_mean"]
        runs = max(summaries[first][f"{key}_std"], summaries[second][f"{key}_std"])
        rows = float(np.std(resampled[first][key] - resampled[second][key]))
        out.append(MetricVerdict(metric, first, second, lead, float(np.hypot(runs, rows)), decidable))
    return out


def growth_advice(
    evaluations: Mapping[str, Evaluation], untouched: str, resampled: Mapping[str, dict[str, np.ndarray]] | None = None
) -> list[str]:
    """For a grown table (real rows plus synthetic ones): does each grown table beat the real rows alone, metric by
    metric, against the same noise as every verdict? One plain line per grown table."""
    if untouched not in evaluations or len(evaluations) < 2:
        return []
    resampled = shared_bootstrap(evaluations) if resampled is None else resampled
    decidable = holdout_rows(evaluations) >= MIN_HOLDOUT_ROWS
    real = evaluations[untouched].summary()
    lines = []
    for name, evaluation in evaluations.items():
        if name == untouched:
            continue
        grown, parts = evaluation.summary(), []
        for key, metric in METRICS.items():
            gain = grown[f"{key}_mean"] - real[f"{key}_mean"]
            runs = max(grown[f"{key}_std"], real[f"{key}_std"])
            spread = float(np.hypot(runs, np.std(resampled[name][key] - resampled[untouched][key])))
            verdict = MetricVerdict(metric, name, untouched, abs(gain), spread, decidable)
            word = (
                "too few holdout rows to call"
                if not decidable
                else ("helps" if gain > 0 else "hurts")
                if verdict.clear
                else "a tie"
            )
            parts.append(f"{metric} {gain:+.3f} (±{spread:.3f}): {word}")
        helped = [p for p in parts if p.endswith("helps")]
        head = "Growing helps" if helped else "Growing does not help beyond the noise"
        lines.append(f"{head} with {name} against the real rows alone: " + "; ".join(parts) + ".")
    return lines


def best_per_metric(evaluations: Mapping[str, Evaluation], found: list[MetricVerdict] | None = None) -> dict[str, str]:
    """The table clearly best on each metric's column label (for highlighting); ties highlight nothing.

    ``found``: the verdicts, when already computed (the bootstrap is the costly part).
    """
    return {v.metric: v.winner for v in (verdicts(evaluations) if found is None else found) if v.clear}


def advice(evaluations: Mapping[str, Evaluation], untouched: str, found: list[MetricVerdict] | None = None) -> list[str]:
    """A recommendation and the per-metric verdicts behind it, in plain sentences that agree."""
    found = verdicts(evaluations) if found is None else found
    if not found:
        return []
    return [_headline(found, untouched, holdout_rows(evaluations)), *(v.sentence() for v in found)]


def _headline(found: list[MetricVerdict], untouched: str, rare_rows: int) -> str:
    if not found[0].decidable:
        return (
            f"No verdict: the holdout holds only {rare_rows} row(s) of the scored class, and at least "
            f"{MIN_HOLDOUT_ROWS} are needed before one method can be said to beat another. Use a larger holdout "
            "or score a class with more rows."
        )
    clear = [v for v in found if v.clear]
    if not clear:
        return (
            f"No method is clearly ahead: every lead is smaller than {MIN_LEAD} or than twice the noise of the runs and the "
            "holdout rows. "
            "Prefer the simplest, or add seeds and holdout rows to separate them."
        )
    leader, wins = recommended(found)
    by_pr = any(v.metric == "AUC-PR" and v.clear for v in found)
    others = [v for v in found if v.metric not in wins]
    if leader == untouched:
        return (
            "Recommendation: train on the real rows as they are. The untouched data is clearly ahead on "
            f"{', '.join(wins)}; upsampling adds rows but no information this model lacks."
        )
    if not others:
        return f"Recommendation: train on the {leader} output. It is clearly ahead on every metric."
    reason = " It finds the rare class best (AUC-PR), the metric that matters most when positives are rare." if by_pr else ""
    rest = "; ".join(f"{v.metric}: {v.winner} ahead" if v.clear else f"{v.metric}: a tie" for v in others)
    return f"Recommendation: train on the {leader} output. It is clearly ahead on {', '.join(wins)}.{reason} ({rest}.)"


def recommended(found: list[MetricVerdict]) -> tuple[str | None, list[str]]:
    """The table the advice recommends and the metrics it clearly wins: AUC-PR's clear winner first,
    else the table with most clear wins; None when every metric is a tie. Headline and summary share it."""
    wins: dict[str, list[str]] = {}
    for verdict in found:
        if verdict.clear:
            wins.setdefault(verdict.winner, []).append(verdict.metric)
    if not wins:
        return None, []
    by_pr = next((v.winner for v in found if v.metric == "AUC-PR" and v.clear), None)
    leader = by_pr or max(wins, key=lambda name: len(wins[name]))
    return leader, wins[leader]


def executive_summary(evaluations: Mapping[str, Evaluation], untouched: str, found: list[MetricVerdict] | None = None) -> str:
    """One paragraph for stakeholders: which table to train on, how sure we are, and what it buys."""
    found = verdicts(evaluations) if found is None else found
    if not found:
        return ""
    rows = holdout_rows(evaluations)
    truth = next(iter(evaluations.values())).truth
    leader, wins = recommended(found)
    pick = leader or (untouched if untouched in evaluations else found[0].winner)
    low, high = interval(evaluations[pick], "auc_pr")  # the same interval the metrics table shows
    mean = evaluations[pick].summary()["auc_pr_mean"]
    base = f"Scored on {len(truth):,} real holdout rows ({rows:,} of the rarer class) that no method saw."
    if not found[0].decidable:
        return f"{base} That is too few to choose a method with any confidence; collect or hold out more rows first."
    stated = f"AUC-PR {mean:.3f} (95% interval {low:.3f}-{high:.3f}; random ranking scores {truth.mean():.3f})"
    if leader is None:
        return f"{base} No method is clearly better than the others on any metric, so keep the simplest: {pick} reaches {stated}."
    gain = ""
    if untouched in evaluations and pick != untouched:
        gain = (
            f", {mean - evaluations[untouched].summary()['auc_pr_mean']:+.3f} AUC-PR over training on the real rows as they are"
        )
    finds = "it finds the rare class best, " if "AUC-PR" in wins else ""
    return (
        f"{base} Train on {pick}: it is clearly ahead on {', '.join(wins)}; {finds}{stated}{gain}. "
        "Leads smaller than the noise are called ties."
    )
