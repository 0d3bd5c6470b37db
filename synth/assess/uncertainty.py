"""How much a holdout score would move with another draw of holdout rows (a paired bootstrap).

The spread over training seeds says how much the model varies; it says nothing about the holdout,
which with few rare rows is the larger noise. Every table is re-scored on the same resampled rows,
so a difference between two tables is judged on the rows both saw.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Resamples of the holdout: enough for a standard error to about 5% of itself.
RESAMPLES = 200
# Resamples drawn at a time: 20 x 200,000 holdout rows of weights is 32 MB per array.
BLOCK = 20


def _weighted_scores(truth: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """AUC-ROC, AUC-PR (average precision) and macro F1 at 0.5 for each row of ``weights`` (resamples x rows)."""
    order = np.argsort(-scores, kind="stable")
    y, s, w = truth[order], scores[order], weights[:, order]
    last_of_tie = np.r_[s[1:] != s[:-1], True]  # thresholds fall between distinct scores
    tp = np.cumsum(w * y, axis=1)[:, last_of_tie]
    fp = np.cumsum(w * (1 - y), axis=1)[:, last_of_tie]
    positives, negatives = tp[:, -1:], fp[:, -1:]
    tpr, fpr = tp / np.maximum(positives, 1e-12), fp / np.maximum(negatives, 1e-12)
    tpr0, fpr0 = np.c_[np.zeros(len(w)), tpr], np.c_[np.zeros(len(w)), fpr]
    auc_roc = np.sum(np.diff(fpr0, axis=1) * (tpr0[:, 1:] + tpr0[:, :-1]) / 2, axis=1)
    precision = tp / np.maximum(tp + fp, 1e-12)
    auc_pr = np.sum(np.diff(tpr0, axis=1) * precision, axis=1)
    predicted = scores >= 0.5
    f1 = []
    for label, hit in ((1, predicted), (0, ~predicted)):
        actual = truth == label
        true_pos = weights @ (actual & hit)
        f1.append(2 * true_pos / np.maximum(weights @ actual + weights @ hit, 1e-12))
    return {"auc_roc": auc_roc, "auc_pr": auc_pr, "f1_macro": (f1[0] + f1[1]) / 2}


def holdout_bootstrap(
    truth: np.ndarray, probabilities: Mapping[str, np.ndarray], resamples: int = RESAMPLES, random_state: int = 0
) -> dict[str, dict[str, np.ndarray]]:
    """Each table's metrics on ``resamples`` draws of the holdout rows, the same draws for every table.

    Rows are drawn within each class, so every draw keeps the holdout's class counts.
    """
    rng = np.random.default_rng(random_state)
    truth = np.asarray(truth, dtype=int)
    scores = {name: np.asarray(p, dtype=float) for name, p in probabilities.items()}
    parts: dict[str, list[dict[str, np.ndarray]]] = {name: [] for name in scores}
    for start in range(0, resamples, BLOCK):  # blocks of resamples bound memory on large holdouts
        weights = np.zeros((min(BLOCK, resamples - start), len(truth)))
        for label in (0, 1):
            rows = np.flatnonzero(truth == label)
            if len(rows):
                weights[:, rows] = rng.multinomial(len(rows), np.full(len(rows), 1 / len(rows)), size=len(weights))
        for name, p in scores.items():
            parts[name].append(_weighted_scores(truth, p, weights))
    return {name: {m: np.concatenate([b[m] for b in blocks]) for m in blocks[0]} for name, blocks in parts.items()}
