"""Evaluate's word on a grown table: helps, hurts or a tie against the real rows alone, by the noise rule."""

import numpy as np

from synth.assess.advice import growth_advice
from synth.assess.evaluate import Evaluation, RunScores


def scored(name: str, quality: float, truth: np.ndarray, seed: int) -> Evaluation:
    """Runs whose probabilities rank the positives with ``quality`` (0: at random)."""
    rng = np.random.default_rng(seed)
    runs = tuple(RunScores.of(r, truth, quality * truth + rng.random(len(truth))) for r in range(3))
    return Evaluation(name, runs, truth)


def test_a_clear_gain_helps_and_a_copy_is_a_tie():
    truth = (np.random.default_rng(0).random(3000) < 0.2).astype(int)
    real = scored("real", 0.2, truth, 1)
    better, same = scored("grown", 0.8, truth, 2), scored("grown", 0.2, truth, 1)
    helped = growth_advice({"real": real, "grown": better}, "real")
    assert helped[0].startswith("Growing helps with grown against the real rows alone") and "AUC-ROC +" in helped[0]
    tied = growth_advice({"real": real, "grown": same}, "real")
    assert tied[0].startswith("Growing does not help beyond the noise") and "a tie" in tied[0]
    worse = growth_advice({"real": better, "grown": real}, "real")
    assert "hurts" in worse[0]
