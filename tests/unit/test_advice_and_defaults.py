"""The plain-words advisor, the default column, keeping few rare rows, bucket order, safe text."""

import numpy as np
import pandas as pd
import pytest

from synth.assess.advice import advice, best_per_metric
from synth.assess.evaluate import Evaluation, RunScores
from synth.assess.groups import Buckets
from synth.data.holdout import keep_rare_rows, split_holdout
from synth.data.kinds import ColumnKind, detect_schema
from synth.figures import distribution_figure, label
from synth.rebalancing.plan import rarity_advice, suggest_column
from ui.text import plain


def evaluation(name: str, auc: list[float], ap: list[float]) -> Evaluation:
    runs = tuple(RunScores(i, a, p, 0.5, np.zeros(2)) for i, (a, p) in enumerate(zip(auc, ap, strict=True)))
    return Evaluation(name, runs, np.array([0, 1]))


def test_advice_names_the_winner_the_lead_and_the_spread():
    evaluations = {
        "unbalanced (real rows only)": evaluation("u", [0.60, 0.64], [0.40, 0.42]),
        "Synthetic": evaluation("s", [0.88, 0.88], [0.73, 0.73]),
        "SMOTE-NC": evaluation("m", [0.80, 0.82], [0.59, 0.59]),
    }
    lines = advice(evaluations, "unbalanced (real rows only)")
    assert lines[0].startswith("Recommendation: train on the Synthetic output")
    assert "AUC-ROC: Synthetic leads SMOTE-NC by 0.070 (runs vary by ±0.010), clearly ahead." in lines
    assert best_per_metric(evaluations)["AUC-PR"] == "Synthetic"


def test_advice_says_when_methods_are_within_the_noise_or_upsampling_does_not_help():
    close = {"A": evaluation("a", [0.80, 0.84], [0.5, 0.54]), "B": evaluation("b", [0.81, 0.82], [0.51, 0.52])}
    assert "not by more than runs vary" in advice(close, "untouched")[0]
    untouched = {"untouched": evaluation("u", [0.9, 0.9], [0.8, 0.8]), "B": evaluation("b", [0.8, 0.8], [0.6, 0.6])}
    assert advice(untouched, "untouched")[0].startswith("Recommendation: train on the real rows as they are")


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


def test_rarity_advice_only_when_the_class_is_not_rare():
    assert rarity_advice({"no": 990, "yes": 10}) is None
    assert "already holds 20.0%" in rarity_advice({"no": 80, "yes": 20})


def test_keeping_few_rare_rows_leaves_the_holdout_at_its_natural_rate(patients):
    split = split_holdout(patients, "variant")
    small = keep_rare_rows(split, "variant", "Variant X", 7, seed=1)
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


def test_user_text_is_shown_literally():
    assert plain("[x](http://evil)") == "`[x](http://evil)`"
    assert plain("a `b` c") == "``a `b` c``" and plain("`") == "`` ` ``"
    assert label("<a href='x'>y</a>") == "&lt;a href='x'&gt;y&lt;/a&gt;"
    frame = pd.DataFrame({"source": ["original"], "bucket": ["<b>x</b>"], "share": [1.0]})
    assert list(distribution_figure(frame, "<i>f</i>").data[0].x) == ["&lt;b&gt;x&lt;/b&gt;"]
