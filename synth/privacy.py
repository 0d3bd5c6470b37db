"""Are generated rows new records, or thinly disguised real ones? Measured, not assumed.

Exact copies: generated rows identical to a training row in every modelled column.
DCR (distance to closest record): how near each generated row is to its nearest training row,
compared with how near real holdout rows are. The DCR share is the chance that a generated row
sits nearer to the training table than a real holdout row does: about 50% for rows as new as
fresh real records, 100% for copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth.encoding import DistanceEncoder, feature_kinds
from synth.generator.neighbours import neighbour_distances
from synth.kinds import Schema

DCR_SAMPLE = 2_000


@dataclass(frozen=True)
class PrivacyReport:
    exact_copy_share: float
    dcr_generated_median: float
    dcr_holdout_median: float
    dcr_share: float
    dcr_generated: np.ndarray = field(repr=False)
    dcr_holdout: np.ndarray = field(repr=False)


def row_keys(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One hash per row over ``columns``, to spot rows equal to each other across tables."""
    return pd.util.hash_pandas_object(table[columns].astype("string"), index=False).to_numpy()


def exact_copy_share(generated: pd.DataFrame, training: pd.DataFrame, columns: list[str]) -> float:
    """Share of generated rows equal to some training row on ``columns``."""
    if len(generated) == 0:
        return 0.0
    return float(np.isin(row_keys(generated, columns), row_keys(training, columns)).mean())


def closer_share(generated: np.ndarray, holdout: np.ndarray) -> float:
    """P(a generated row's DCR < a holdout row's DCR) over all pairs, ties counting half."""
    ordered = np.sort(holdout)
    below = np.searchsorted(ordered, generated, side="left")
    at_or_below = np.searchsorted(ordered, generated, side="right")
    greater = len(ordered) - at_or_below
    return float(np.mean(greater + 0.5 * (at_or_below - below)) / len(ordered))


def privacy_report(
    generated: pd.DataFrame,
    training: pd.DataFrame,
    holdout: pd.DataFrame,
    schema: Schema,
    column: str,
    seed: int = 0,
) -> PrivacyReport:
    """Exact copies over all generated rows; DCR on samples of at most ``DCR_SAMPLE`` rows.

    Rows are compared on the features, not on ``column``: a real record relabelled is still a copy.
    """
    categorical, numeric = feature_kinds(schema, exclude=column)
    columns = categorical + numeric
    if len(generated) == 0 or len(holdout) == 0:
        raise ValueError("Privacy needs generated rows and a non-empty holdout.")
    rng = np.random.default_rng(seed)

    def sample(frame: pd.DataFrame, n: int) -> pd.DataFrame:
        return frame.iloc[rng.choice(len(frame), size=min(n, len(frame)), replace=False)]

    encoder = DistanceEncoder(categorical, numeric).fit(training)
    train_points = encoder.transform(training)
    to_train = neighbour_distances(train_points, encoder.transform(sample(generated, DCR_SAMPLE)))
    holdout_to_train = neighbour_distances(train_points, encoder.transform(sample(holdout, DCR_SAMPLE)))
    return PrivacyReport(
        exact_copy_share=exact_copy_share(generated, training, columns),
        dcr_generated_median=float(np.median(to_train)),
        dcr_holdout_median=float(np.median(holdout_to_train)),
        dcr_share=closer_share(to_train, holdout_to_train),
        dcr_generated=to_train,
        dcr_holdout=holdout_to_train,
    )
