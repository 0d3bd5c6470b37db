"""What a model's scores buy when someone acts on them: precision and recall at a threshold, and
among the top share of scores, with the lift over picking rows at random."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from synth.assess.evaluate import Evaluation


def _outcomes(truth: np.ndarray, flagged: np.ndarray) -> tuple[float, float]:
    """Precision and recall of acting on the ``flagged`` rows; precision is undefined (nan, shown '—') when none is flagged."""
    hits = int((flagged & (truth == 1)).sum())
    precision = hits / int(flagged.sum()) if flagged.any() else float("nan")
    return precision, hits / max(int(truth.sum()), 1)


def decision_frame(evaluations: Mapping[str, Evaluation], threshold: float = 0.5, top_share: float = 0.05) -> pd.DataFrame:
    """Per training table: acting on scores >= ``threshold``, and on the top ``top_share`` of scores.

    Scores are the holdout probabilities averaged over the seeds; lift is the top share's precision
    over the holdout's base rate (1.0 is no better than random).
    """
    rows = []
    for name, evaluation in evaluations.items():
        truth, scores = evaluation.truth, evaluation.mean_probabilities()
        above = scores >= threshold
        precision, recall = _outcomes(truth, above)
        top = np.zeros(len(scores), dtype=bool)
        top[np.argsort(-scores, kind="stable")[: max(1, round(top_share * len(scores)))]] = True
        top_precision, top_recall = _outcomes(truth, top)
        rows.append(
            {
                "training data": name,
                "flagged": int(above.sum()),
                "precision": precision,
                "recall": recall,
                "top precision": top_precision,
                "top recall": top_recall,
                "lift": top_precision / max(truth.mean(), 1e-12),
            }
        )
    return pd.DataFrame(rows)
