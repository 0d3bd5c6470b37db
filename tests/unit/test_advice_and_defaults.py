"""The plain-words advisor, the default column, keeping few rare rows, bucket order, safe text."""

import re

import numpy as np
import pandas as pd
import pytest

from synth.assess.advice import METRICS, SPREADS, advice, best_per_metric, verdicts
from synth.assess.evaluate import Evaluation, RunScores
from synth.assess.groups import Buckets
from synth.data.holdout import keep_rare_rows, split_holdout
from synth.data.kinds import detect_schema
from synth.figures import distribution_figure, label
from synth.rebalancing.plan import rarity_advice, suggest_column
from synth.schema import ColumnKind


def evaluation(
    name: str, separation: float, positives: int = 200, n_repeats: int = 3, offset: float = 0.0, errors: int = 0
) -> Evaluation:
    """Scores of a model that separates the classes by ``separation`` on a holdout of 1,000 rows.

    Models with the same ``errors`` err on the same rows; different ones on different rows.
    """
    truth = np.r_[np.ones(positives, dtype=int), np.zeros(1000 - positives, dtype=int)]
    noise = np.random.default_rng(errors).normal(size=len(truth))
    runs = []
    for seed in range(n_repeats):
        jitter = np.random.default_rng(100 + seed).normal(scale=0.02, size=len(truth))
        p = 1 / (1 + np.exp(-(separation * truth + noise + jitter + offset - separation / 2)))
        scores = score_probabilities(truth, p)
        runs.append(RunScores(seed, scores["auc_roc"], scores["auc_pr"], scores["f1_macro"], p))
    return Evaluation(name, tuple(runs), truth)


def score_probabilities(truth, p) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

    return {
        "auc_roc": roc_auc_score(truth, p),
        "auc_pr": average_precision_score(truth, p),
        "f1_macro": f1_score(truth, (p >= 0.5).astype(int), average="macro"),
    }


def test_a_clear_winner_is_recommended_and_the_headline_agrees_with_every_line():
    evaluations = {
        "unbalanced (real rows only)": evaluation("u", 0.5),
        "Synthetic": evaluation("s", 3.0),
        "SMOTE-NC": evaluation("m", 1.5),
    }
    lines = advice(evaluations, "unbalanced (real rows only)")
    assert lines[0] == "Recommendation: train on the Synthetic output. It is clearly ahead on every metric."
    assert all(
        line.startswith(f"{m}: Synthetic leads SMOTE-NC by") and line.endswith("clearly ahead.")
        for m, line in zip(METRICS.values(), lines[1:], strict=True)
    )
    assert best_per_metric(evaluations) == dict.fromkeys(METRICS.values(), "Synthetic")


def test_differences_within_the_noise_are_ties_and_nobody_wins():
    evaluations = {
        "Naive oversampling": evaluation("a", 2.0, offset=0.001),
        "SMOTE-NC": evaluation("b", 2.0),
        "Synthetic": evaluation("c", 1.99),
    }
    lines = advice(evaluations, "untouched")
    assert lines[0].startswith("No method is clearly ahead")
    assert all(" tie (" in line and "clearly ahead" not in line and "leads" not in line for line in lines[1:])
    assert best_per_metric(evaluations) == {}


def test_the_holdout_noise_turns_a_small_lead_on_few_rare_rows_into_a_tie():
    """A 0.02 AUC lead that runs alone would call clear is a tie with 30 rare holdout rows."""
    evaluations = {"A": evaluation("a", 1.8, positives=30), "B": evaluation("b", 1.6, positives=30, errors=1)}
    verdict = verdicts(evaluations)[0]
    assert verdict.lead > SPREADS * 0.003  # the seed-to-seed spread alone would call this clear
    assert not verdict.clear and "tie" in verdict.sentence()


def test_no_verdict_below_ten_holdout_rows_of_the_class():
    evaluations = {"A": evaluation("a", 4.0, positives=3), "B": evaluation("b", 0.5, positives=3)}
    lines = advice(evaluations, "untouched")
    assert lines[0].startswith("No verdict: the holdout holds only 3 row(s)")
    assert not any("clearly ahead" in line for line in lines) and best_per_metric(evaluations) == {}


def test_advice_says_when_upsampling_does_not_help():
    untouched = {"untouched": evaluation("u", 3.0), "B": evaluation("b", 1.0)}
    assert advice(untouched, "untouched")[0].startswith("Recommendation: train on the real rows as they are")


def test_the_bootstrap_matches_sklearn_on_the_unweighted_holdout():
    truth = np.r_[np.ones(50, dtype=int), np.zeros(450, dtype=int)]
    p = np.round(np.random.default_rng(3).random(500) * 0.6 + 0.3 * truth, 2)  # ties included
    from synth.assess.uncertainty import _weighted_scores

    ours = _weighted_scores(truth, p, np.ones((1, len(truth))))
    for metric, value in score_probabilities(truth, p).items():
        assert ours[metric][0] == pytest.approx(value, abs=1e-12)


def test_the_outcome_column_is_suggested_over_month_like_columns():
    rng = np.random.default_rng(0)
    n = 600
    table = pd.DataFrame(
        {
            "month": rng.choice(["jan", "feb", "mar", "apr"], n),
            "job": rng.choice(["a", "b", "c"], n),
            "balance": rng.normal(size=n),
            "y": np.where(rng.random(n) < 0.1, "yes", "no"),
        }
    )
    assert suggest_column(table, detect_schema(table)) == "y"
    assert (
        suggest_column(table.rename(columns={"y": "subscribed"}), detect_schema(table.rename(columns={"y": "subscribed"})))
        == "subscribed"
    )
    assert suggest_column(table, detect_schema(table), hint="job") == "job"


def test_the_last_binary_column_beats_a_feature_named_like_an_outcome():
    """The bank table's 'default' (no / unknown) is a feature; its last column 'deposit' is the outcome."""
    rng = np.random.default_rng(1)
    n = 800
    table = pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "default": rng.choice(["no", "unknown"], n, p=[0.8, 0.2]),
            "job": rng.choice(["a", "b", "c"], n),
            "deposit": rng.choice(["yes", "no"], n, p=[0.47, 0.53]),
        }
    )
    assert suggest_column(table, detect_schema(table)) == "deposit"


def test_rarity_advice_only_when_the_class_is_not_rare():
    assert rarity_advice({"no": 990, "yes": 10}) is None
    assert "already holds 20.0%" in rarity_advice({"no": 80, "yes": 20})


def test_keeping_few_rare_rows_leaves_the_holdout_at_its_natural_rate(patients):
    split = split_holdout(patients, column="variant")
    small = keep_rare_rows(split, "variant", "Variant X", 7, random_state=1)
    assert (small.train["variant"] == "Variant X").sum() == 7
    assert (small.train["variant"] == "Other").sum() == (split.train["variant"] == "Other").sum()
    assert small.holdout is split.holdout and "keeps only 7" in small.description
    with pytest.raises(ValueError, match="Keep between 1 and"):
        keep_rare_rows(split, "variant", "Variant X", 0)


def test_buckets_follow_value_order_and_dates_read_as_dates():
    numbers = pd.Series(np.arange(1000.0))
    shares = Buckets(numbers, ColumnKind.NUMERIC).shares(pd.Series(np.r_[np.zeros(500), np.arange(500.0, 1000.0)]))
    assert shares.index[0].startswith("[0") and shares.index[-1].endswith("999]")
    days = pd.Series(pd.date_range("2025-01-01", periods=365))
    assert Buckets(days, ColumnKind.DATETIME).order[1] == "[2025-01-01, 2025-02-06]"


def test_user_text_is_shown_literally_in_figures():
    assert label("<a href='x'>y</a>") == "&lt;a href='x'&gt;y&lt;/a&gt;"
    frame = pd.DataFrame({"source": ["original"], "bucket": ["<b>x</b>"], "share": [1.0]})
    assert list(distribution_figure(frame, "<i>f</i>").data[0].x) == ["&lt;b&gt;x&lt;/b&gt;"]


def test_the_executive_summary_names_the_pick_the_interval_and_the_gain():
    from synth.assess.advice import executive_summary

    evaluations = {"untouched": evaluation("u", 0.8), "Synthetic": evaluation("s", 3.0), "SMOTE-NC": evaluation("m", 1.5)}
    text = executive_summary(evaluations, "untouched")
    assert "Train on Synthetic" in text and "95% interval" in text and "over training on the real rows" in text
    tie = {"untouched": evaluation("u", 2.0), "B": evaluation("b", 2.0, offset=0.001)}
    tied = executive_summary(tie, "untouched")
    assert "No method is clearly better than the others" in tied
    assert re.search(r"keep the simplest: untouched reaches AUC-PR 0\.\d{3} \(95% interval 0\.\d{3}-[01]\.\d{3}; random", tied), (
        tied
    )
    few = {"untouched": evaluation("u", 2.0, positives=4), "B": evaluation("b", 3.0, positives=4)}
    assert "too few to choose" in executive_summary(few, "untouched")


def test_metric_intervals_widen_with_few_rare_holdout_rows():
    from synth.assess.evaluate import metrics_frame

    def width(positives: int) -> float:
        cell = metrics_frame({"A": evaluation("a", 2.0, positives=positives)})["AUC-ROC"].iloc[0]
        low, high = map(float, cell.split("[")[1].rstrip("]").split(", "))
        return high - low

    assert width(20) > 2 * width(400)


@pytest.mark.parametrize("offset", [0.0, 0.6, -0.6, 1.2])
def test_the_summary_and_the_headline_recommend_the_same_table(offset):
    """A clear win on F1 alone (a shifted threshold) must not make the summary say 'keep the simplest'."""
    import re

    from synth.assess.advice import executive_summary

    evaluations = {"untouched": evaluation("u", 2.0), "Synthetic": evaluation("s", 2.0, offset=offset, errors=1)}
    headline, summary = advice(evaluations, "untouched")[0], executive_summary(evaluations, "untouched")
    named = re.match(r"Recommendation: train on the (.+?) output", headline)
    if named:
        assert f"Train on {named.group(1)}:" in summary
    elif headline.startswith("Recommendation: train on the real rows"):
        assert "Train on untouched:" in summary
    else:
        assert "No method is clearly better" in summary


def test_a_tie_names_the_figure_that_made_it_a_tie():
    from synth.assess.advice import MIN_LEAD, MetricVerdict

    floor = MetricVerdict("AUC-ROC", "Synthetic", "SMOTE-NC", lead=0.002, spread=0.0005)  # far above twice the noise
    assert not floor.clear
    sentence = floor.sentence()
    assert f"0.002 apart, below the {MIN_LEAD} a lead must reach" in sentence
    assert "within" not in sentence  # 0.002 is not within ±0.0005: the floor made it a tie
    noise = MetricVerdict("AUC-PR", "Synthetic", "SMOTE-NC", lead=0.012, spread=0.008)
    assert "within twice the noise of runs and holdout rows: 2 × ±0.008 = 0.016" in noise.sentence()
