"""How much more likely each row is under one class than under the table as a whole.

A rare class with 20 rows cannot teach a generator its own distribution, but it can say in which
*direction* it differs from everyone else. A strongly regularised, class-balanced logistic model
gives that direction; its prior is measured in rows of the smallest class, so it fades as that
class grows. ``density_ratio`` turns the model into weights w_c(x) = p(x | c) / p(x) with which
the whole table, majority included, is re-weighted into a sample of class c.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

# Prior strength: the regularisation is worth this many rows of the smallest class (see README,
# "How the synthetic generator works", for the sweep that chose it).
PRIOR_WEIGHT = 0.3
# BLAS threads for the fit: two spin on two shared, busy cores (100,000 rows x 392 features at load 4:
# 34-49 s with OpenBLAS's 2 threads, 14-16 s with 1), as two-thread model fits do (benchmarks.threads).
FIT_BLAS_THREADS = 1


@dataclass(frozen=True)
class ClassModel:
    """A fitted class-balanced logistic model and the class shares of the training table."""

    classes: tuple[str, ...]
    priors: np.ndarray
    model: LogisticRegression

    def log_ratio(self, features: np.ndarray) -> np.ndarray:
        """log p(x | c) - log p(x) for every row (rows) and class (columns)."""
        balanced = np.clip(self.model.predict_proba(features), 1e-12, 1.0)
        if balanced.shape[1] == 1:
            return np.zeros_like(balanced)
        mixture = balanced @ self.priors
        return np.log(balanced) - np.log(mixture)[:, None]


def fit_class_model(features: np.ndarray, labels: np.ndarray, prior_weight: float = PRIOR_WEIGHT) -> ClassModel:
    """Fit the balanced logistic model; each class carries the weight of the smallest one."""
    classes, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    priors = counts / counts.sum()
    smallest = counts.min()
    weights = (smallest / counts)[codes]
    if len(classes) == 1:
        return ClassModel((str(classes[0]),), priors, _SingleClass())
    model = LogisticRegression(C=prior_weight, max_iter=500)
    with threadpool_limits(limits=FIT_BLAS_THREADS, user_api="blas"):
        model.fit(features, codes, sample_weight=weights)
    return ClassModel(tuple(str(c) for c in classes), priors, model)


class _SingleClass(LogisticRegression):
    """Stand-in when the column has one value: every row belongs to it."""

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return np.ones((len(features), 1))


def sharpen(log_ratio: np.ndarray, own_rows: np.ndarray, max_scale: float = 8.0) -> float:
    """Scale s for the log ratio so the re-weighted table matches the class's real mean score.

    The regularised model knows the direction well but understates how far the class sits from
    the rest; one scale, fitted by matching a single moment, restores that without new noise.
    """
    if len(own_rows) == 0:
        return 1.0
    target = log_ratio[own_rows].mean()

    def tilted_mean(scale: float) -> float:
        logits = scale * log_ratio
        weights = np.exp(logits - logits.max())
        return float(np.dot(weights, log_ratio) / weights.sum())

    if tilted_mean(0.0) >= target:
        return 0.0
    low, high = 0.0, max_scale
    if tilted_mean(high) <= target:
        return high
    for _ in range(40):
        mid = (low + high) / 2
        if tilted_mean(mid) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2
